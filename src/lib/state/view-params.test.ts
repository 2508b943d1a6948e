import { describe, expect, it } from 'vitest';
import { readView, sharedSearch, viewSearch, withFilter, withSetting } from './view-params.ts';

describe('readView', () => {
	it('readView(?provider=RBD&asOf=2025-06-30) keeps both', () => {
		expect(readView(new URLSearchParams('provider=RBD&asOf=2025-06-30'))).toEqual({
			filters: { provider: 'RBD' },
			asOf: '2025-06-30'
		});
	});
	it('readView ignores an impossible census date and empty params, and keeps the page’s own', () => {
		expect(readView(new URLSearchParams('asOf=2025-02-30&priority=&colour=red&x='))).toEqual({
			filters: {},
			asOf: undefined,
			settings: { colour: 'red' }
		});
	});
});

describe('viewSearch', () => {
	it('viewSearch writes keys in one order so equal views make equal links', () => {
		const a = viewSearch({ filters: { priority: 'urgent', provider: 'RBD' }, asOf: '2025-06-30' });
		expect(a).toBe('?provider=RBD&priority=urgent&asOf=2025-06-30');
	});
	it('viewSearch of no filters is empty', () => {
		expect(viewSearch({ filters: {} })).toBe('');
	});
	it('viewSearch round-trips through readView, escaping what needs it', () => {
		const view = { filters: { commissioner: 'A&B C' }, asOf: '2024-02-29' };
		expect(readView(new URLSearchParams(viewSearch(view)))).toEqual(view);
	});
});

describe('settings', () => {
	it('a page’s settings follow the shared keys, in name order, and survive a change of filter', () => {
		const view = readView(new URLSearchParams('target=90&cadence=month&provider=RBD'));
		expect(viewSearch(view)).toBe('?provider=RBD&cadence=month&target=90');
		expect(viewSearch(withFilter(view, 'specialty', '110'))).toBe(
			'?provider=RBD&specialty=110&cadence=month&target=90'
		);
		expect(viewSearch(withSetting(view, 'cadence', ''))).toBe('?provider=RBD&target=90');
	});
});

describe('withFilter', () => {
	it('withFilter sets and clears one filter, keeping the rest', () => {
		const view = { filters: { provider: 'RBD' }, asOf: '2025-01-31' };
		expect(withFilter(view, 'specialty', '110')).toEqual({
			filters: { provider: 'RBD', specialty: '110' },
			asOf: '2025-01-31'
		});
		expect(withFilter(view, 'provider', '')).toEqual({ filters: {}, asOf: '2025-01-31' });
	});
});

describe('sharedSearch', () => {
	it('sharedSearch keeps the filters and the census, in order, and drops a page’s own settings', () => {
		const params = new URLSearchParams(
			'cadence=month&priority=urgent&asOf=2025-06-29&provider=RBD'
		);
		expect(sharedSearch(params)).toBe('?provider=RBD&priority=urgent&asOf=2025-06-29');
	});
});
