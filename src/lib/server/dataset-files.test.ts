import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveDatasetFile } from './dataset-files.ts';

let dir: string;
const bytes = Buffer.from('PAR1' + 'x'.repeat(92) + 'PAR1');

beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'serve-'));
	await writeFile(join(dir, 'pathways.parquet'), bytes);
	await mkdir(join(dir, 'pathways', 'provider=RBD'), { recursive: true });
	await writeFile(join(dir, 'pathways', 'provider=RBD', 'pathways.parquet'), bytes);
	await writeFile(join(dir, 'manifest.json'), '{}');
	await writeFile(join(dir, 'quarantine.csv'), 'file,line\n');
	await writeFile(join(dir, 'reference.json'), '{"providers":{}}');
	await writeFile(join(dir, 'quality.json'), '{"completeness":{}}');
	await writeFile(join(dir, 'world.json'), '{}');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const get = (name: string, headers: Record<string, string> = {}, method = 'GET') =>
	serveDatasetFile(dir, name, new Request('http://localhost/data/' + name, { method, headers }));

describe('serveDatasetFile', () => {
	it('serveDatasetFile answers Range: bytes=-8 with 206 and the last 8 bytes', async () => {
		const res = await get('pathways.parquet', { range: 'bytes=-8' });
		expect(res.status).toBe(206);
		expect(res.headers.get('content-range')).toBe('bytes 92-99/100');
		expect(res.headers.get('content-length')).toBe('8');
		expect(Buffer.from(await res.arrayBuffer()).toString()).toBe('xxxxPAR1');
	});
	it('serveDatasetFile answers Range: bytes=0-0 with one byte, not the whole file', async () => {
		const res = await get('pathways.parquet', { range: 'bytes=0-0' });
		expect(res.status).toBe(206);
		expect((await res.arrayBuffer()).byteLength).toBe(1);
	});
	it('serveDatasetFile serves a provider partition, pathways/provider=RBD/pathways.parquet, by ranges', async () => {
		const res = await get('pathways/provider=RBD/pathways.parquet', { range: 'bytes=0-3' });
		expect(res.status).toBe(206);
		expect(Buffer.from(await res.arrayBuffer()).toString()).toBe('PAR1');
	});
	it('serveDatasetFile answers a range past the end with 416', async () => {
		const res = await get('pathways.parquet', { range: 'bytes=500-600' });
		expect(res.status).toBe(416);
		expect(res.headers.get('content-range')).toBe('bytes */100');
	});
	it('serveDatasetFile answers HEAD with the length and no body, and says it takes ranges', async () => {
		const res = await get('pathways.parquet', {}, 'HEAD');
		expect(res.status).toBe(200);
		expect(res.headers.get('content-length')).toBe('100');
		expect(res.headers.get('accept-ranges')).toBe('bytes');
		expect(res.body).toBeNull();
	});
	it('serveDatasetFile serves reference.json and quality.json as JSON', async () => {
		for (const name of ['reference.json', 'quality.json']) {
			const res = await get(name);
			expect(res.status, name).toBe(200);
			expect(res.headers.get('content-type'), name).toBe('application/json');
			expect(JSON.parse(await res.text()), name).toBeTypeOf('object');
		}
	});
	it('serveDatasetFile never serves the quarantine, other files or paths outside the folder', async () => {
		for (const name of [
			'quarantine.csv',
			'world.json',
			'a/reference.json',
			'../etc/passwd.parquet',
			'missing.parquet',
			'a/../../x.parquet'
		]) {
			expect((await get(name)).status, name).toBe(404);
		}
	});
	it('serveDatasetFile answers 304 to a matching If-None-Match', async () => {
		const etag = (await get('manifest.json')).headers.get('etag')!;
		expect((await get('manifest.json', { 'if-none-match': etag })).status).toBe(304);
	});
});
