import { afterEach, describe, expect, it } from 'vitest';
import { EMPTY_REFERENCE } from './files.ts';
import { loadReference, parseReference, resetReference } from './load.ts';

const answer = (status: number, body: unknown) =>
	(async () => new Response(JSON.stringify(body), { status })) as unknown as typeof fetch;

afterEach(resetReference);

describe('loadReference', () => {
	it('loadReference() reads reference.json once and shares it', async () => {
		let calls = 0;
		const fetcher = (async (url: string) => {
			calls++;
			expect(url).toBe('/data/reference.json');
			return new Response(
				JSON.stringify({ providers: { RBD: 'Westmoor' }, specialties: {}, commissioners: {} })
			);
		}) as unknown as typeof fetch;
		const [a, b] = await Promise.all([
			loadReference('/data', fetcher),
			loadReference('/data', fetcher)
		]);
		expect(a.providers).toEqual({ RBD: 'Westmoor' });
		expect(b).toBe(a);
		expect(calls).toBe(1);
	});
	it('loadReference() without reference.json gives no names and no error', async () => {
		expect(await loadReference('/data', answer(404, 'Not found'))).toEqual(EMPTY_REFERENCE);
	});
	it('loadReference() when the server does not answer gives no names, and asks again next time', async () => {
		const down = (async () => {
			throw new TypeError('fetch failed');
		}) as unknown as typeof fetch;
		expect(await loadReference('/data', down)).toEqual(EMPTY_REFERENCE);
		const names = await loadReference('/data', answer(200, { specialties: { '110': 'T&O' } }));
		expect(names.specialties).toEqual({ '110': 'T&O' });
	});
});

describe('parseReference', () => {
	it('parseReference(json) keeps string names only, so a damaged file shows codes', () => {
		expect(
			parseReference({ providers: { RBD: 'Westmoor', X: 3 }, specialties: 'no', sources: ['a', 1] })
		).toEqual({
			providers: { RBD: 'Westmoor' },
			specialties: {},
			commissioners: {},
			sources: ['a']
		});
		expect(parseReference(null)).toEqual(EMPTY_REFERENCE);
	});
});
