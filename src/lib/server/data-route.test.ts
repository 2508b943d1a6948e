/**
 * The server's side of the dataset's integrity, on the e2e tests' small demo dataset: only files
 * the manifest lists, inside their version's folder, checked against their checksums before they
 * are served, under a URL of their version.
 */
import {
	cp,
	mkdtemp,
	readFile,
	readdir,
	realpath,
	rm,
	symlink,
	unlink,
	writeFile
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishSmallWorld, seeded } from '../../../tests/helpers/small-dataset.ts';
import { runPipeline } from '../../../data-pipelines/pipeline/run.ts';
import { keyFromEnvironment } from '../../../data-pipelines/pipeline/pseudonymise.ts';
import type { DatasetManifest } from '../dataset/schema.ts';
import { importRtt } from '../../../data-pipelines/import/rtt.ts';
import { rttFile } from '../../../tests/helpers/rtt-file.ts';
import { DataServer, serveData } from './data-route.ts';

const FIXTURE = new URL('../../../tests/fixtures/metrics/events.csv', import.meta.url).pathname;
let work: string;
let dataset: string;
let manifest: DatasetManifest;
let version: string;

beforeAll(async () => {
	work = await mkdtemp(join(tmpdir(), 'data-route-'));
	({ dataset } = await publishSmallWorld(work));
	manifest = JSON.parse(await readFile(join(dataset, 'manifest.json'), 'utf8'));
	version = (await new DataServer(dataset).handle('manifest.json', request()).then((r) => r.json()))
		.version;
}, 120_000);
afterAll(() => rm(work, { recursive: true, force: true }));

function request(headers: Record<string, string> = {}, method = 'GET') {
	return new Request('http://localhost/data/x', { method, headers });
}

const get = (
	server: DataServer,
	path: string,
	headers: Record<string, string> = {},
	method = 'GET'
) => server.handle(path, request(headers, method));

/** Every file the manifest lists beside itself. */
const listed = () => [
	...Object.values(manifest.tables).flatMap((t) => t.files.map((f) => f.file)),
	...manifest.documents.map((d) => d.file)
];

/** Flips one bit of a file in place, runs `check`, then puts the bit back. */
async function withFlip(path: string, byte: number, bit: number, check: () => Promise<void>) {
	const bytes = await readFile(path);
	const original = bytes[byte];
	bytes[byte] = original ^ (1 << bit);
	await writeFile(path, bytes);
	try {
		await check();
	} finally {
		bytes[byte] = original;
		await writeFile(path, bytes);
	}
}

describe('the current version', () => {
	it('manifest.json says only which version is current, and is never cached', async () => {
		const res = await get(new DataServer(dataset), 'manifest.json');
		expect(res.status).toBe(200);
		expect(res.headers.get('cache-control')).toBe('no-store');
		const body = await res.json();
		expect(Object.keys(body).sort()).toEqual(['builtAt', 'version']);
		expect(body.version).toMatch(/^\d{8}-\d{6}-\d{3}-\d+$/);
		expect(body.builtAt).toBe(manifest.builtAt);
	});

	it('a folder with no dataset answers 404 with what to do', async () => {
		const res = await get(new DataServer(join(work, 'nothing-here')), 'manifest.json');
		expect(res.status).toBe(404);
		expect(await res.text()).toMatch(/No dataset is published here yet/);
	});

	it("v/VERSION/manifest.json is the version's manifest, kept by the browser for good", async () => {
		const res = await get(new DataServer(dataset), `v/${version}/manifest.json`);
		expect(res.status).toBe(200);
		expect(res.headers.get('cache-control')).toBe('private, max-age=31536000, immutable');
		expect(await res.text()).toBe(await readFile(join(dataset, 'manifest.json'), 'utf8'));
	});
});

describe('serving a file', () => {
	const server = () => new DataServer(dataset);
	const parquet = () => manifest.tables.clock_flows_weekly_national.files[0];

	it('answers Range: bytes=-8 with 206 and the last 8 bytes', async () => {
		const res = await get(server(), `v/${version}/${parquet().file}`, { range: 'bytes=-8' });
		expect(res.status).toBe(206);
		expect(res.headers.get('content-range')).toBe(
			`bytes ${parquet().bytes - 8}-${parquet().bytes - 1}/${parquet().bytes}`
		);
		expect(Buffer.from(await res.arrayBuffer()).toString('latin1', 4)).toBe('PAR1');
	});

	it('answers Range: bytes=0-0 with one byte, a range past the end with 416, HEAD with no body', async () => {
		const s = server();
		const one = await get(s, `v/${version}/${parquet().file}`, { range: 'bytes=0-0' });
		expect(one.status).toBe(206);
		expect((await one.arrayBuffer()).byteLength).toBe(1);
		const past = await get(s, `v/${version}/${parquet().file}`, { range: 'bytes=99999999-' });
		expect(past.status).toBe(416);
		const head = await get(s, `v/${version}/${parquet().file}`, {}, 'HEAD');
		expect(head.status).toBe(200);
		expect(head.headers.get('content-length')).toBe(String(parquet().bytes));
		expect(head.body).toBeNull();
	});

	it('answers 304 to If-None-Match with its ETag, a list holding it, a weak one, or *', async () => {
		const s = server();
		const path = `v/${version}/${parquet().file}`;
		const etag = (await get(s, path)).headers.get('etag')!;
		expect(etag).toBe(`"${parquet().sha256}"`);
		for (const value of [etag, `"x", ${etag}`, `W/${etag}`, '*'])
			expect((await get(s, path, { 'if-none-match': value })).status, value).toBe(304);
		expect((await get(s, path, { 'if-none-match': '"other"' })).status).toBe(200);
	});

	it('sends nosniff, no referrer and a CSP with every answer, errors too', async () => {
		const s = server();
		for (const path of [
			`v/${version}/${parquet().file}`,
			'manifest.json',
			'integrity.json',
			'quarantine.csv'
		]) {
			const res = await get(s, path);
			expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
			expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
			expect(res.headers.get('content-security-policy'), path).toMatch(/default-src 'none'/);
		}
	});

	it('serves every file the manifest lists, and nothing else', async () => {
		const s = server();
		for (const file of listed())
			expect((await get(s, `v/${version}/${file}`)).status, file).toBe(200);
		const real = await realpath(dataset);
		await writeFile(join(real, 'aggregates', 'unlisted.parquet'), 'PAR1');
		try {
			for (const path of [
				`v/${version}/quarantine.csv`,
				`v/${version}/manifest.sha256`,
				`v/${version}/aggregates/unlisted.parquet`,
				`v/${version}/../${version}/manifest.json`,
				`v/${version}/aggregates/../run-report.json`,
				`v/not-a-version/run-report.json`,
				`v/../../etc/passwd`,
				parquet().file,
				'run-report.json',
				'quarantine.csv'
			])
				expect((await get(s, path)).status, path).toBe(404);
		} finally {
			await unlink(join(real, 'aggregates', 'unlisted.parquet'));
		}
	});

	it('never follows a link out of the version folder, however the file is named', async () => {
		const copy = join(work, 'linked');
		await cp(await realpath(dataset), copy, { recursive: true });
		const target = parquet().file;
		await unlink(join(copy, target));
		const s = new DataServer(copy);
		const name = (await get(s, 'manifest.json').then((r) => r.json())).version;
		for (const outside of ['/etc/passwd', join(copy, 'quarantine.csv'), FIXTURE]) {
			await rm(join(copy, target), { force: true });
			await symlink(outside, join(copy, target));
			const res = await get(s, `v/${name}/${target}`);
			expect(res.status, outside).toBe(404);
			expect(await res.text(), outside).not.toMatch(/root:|event_id/);
		}
		await symlink('/etc/passwd', join(copy, 'aggregates', 'evil.parquet'));
		expect((await get(s, `v/${name}/aggregates/evil.parquet`)).status).toBe(404);
	});
});

describe('damaged files', () => {
	it('bit 7 of byte 2909 of the national flows file flipped: 503, naming the file', async () => {
		const file = 'aggregates/clock_flows_weekly_national.parquet';
		await withFlip(join(dataset, file), 2909, 7, async () => {
			const res = await get(new DataServer(dataset), `v/${version}/${file}`, {
				range: 'bytes=0-99'
			});
			expect(res.status).toBe(503);
			expect(await res.text()).toBe(
				`The dataset file ${file} does not match its SHA-256 checksum in the manifest: its bytes have changed since it was published. No figure is drawn from it: publish the dataset again (npm run pipeline).\n`
			);
		});
		expect((await get(new DataServer(dataset), `v/${version}/${file}`)).status).toBe(200);
	});

	it('20 seeded single-bit flips in every served file are each answered 503', async () => {
		const random = seeded(20261201);
		let flips = 0;
		for (const file of [...listed(), 'manifest.json', 'manifest.sha256']) {
			const path = join(dataset, file);
			const size = (await readFile(path)).length;
			// The checksum file's name after the digest is not part of the checksum.
			const span = file === 'manifest.sha256' ? 64 : size;
			for (let i = 0; i < 20; i++) {
				const byte = Math.floor(random() * span);
				const bit = Math.floor(random() * 8);
				await withFlip(path, byte, bit, async () => {
					// A new server: the damage is there before the file is first asked for.
					const served = new DataServer(dataset);
					const res = file.startsWith('manifest.')
						? await get(served, 'manifest.json')
						: await get(served, `v/${version}/${file}`);
					expect(res.status, `${file} byte ${byte} bit ${bit}`).toBe(503);
				});
				flips++;
			}
		}
		expect(flips).toBe((listed().length + 2) * 20);
	}, 120_000);

	it('a truncated file is 503 without hashing it; the sweep names it in integrity.json', async () => {
		const file = manifest.tables.appointments_weekly_national.files[0].file;
		const path = join(dataset, file);
		const bytes = await readFile(path);
		await writeFile(path, bytes.subarray(0, bytes.length - 40));
		try {
			const s = new DataServer(dataset);
			const res = await get(s, `v/${version}/${file}`);
			expect(res.status).toBe(503);
			expect(await res.text()).toMatch(
				/bytes long where the manifest says .* \(cut short or replaced\)/
			);
			let status;
			for (let i = 0; i < 200; i++) {
				status = await get(s, 'integrity.json').then((r) => r.json());
				if (status.complete) break;
				await new Promise((r) => setTimeout(r, 25));
			}
			expect(status).toMatchObject({ version, complete: true, files: listed().length + 1 });
			expect(status.checked).toBe(status.files);
			expect(status.verified).toBe(status.files - 1);
			expect(status.damaged).toEqual([{ file, problem: expect.stringMatching(/cut short/) }]);
		} finally {
			await writeFile(path, bytes);
		}
	});

	it('a listed file that is missing is 503; a damaged manifest makes the whole dataset 503', async () => {
		const copy = join(work, 'missing');
		await cp(await realpath(dataset), copy, { recursive: true });
		const file = manifest.documents.find((d) => d.file === 'first-view.json')!.file;
		await unlink(join(copy, file));
		const s = new DataServer(copy);
		const name = (await get(s, 'manifest.json').then((r) => r.json())).version;
		expect(name).toMatch(/^m-[0-9a-f]{20}$/);
		const res = await get(s, `v/${name}/${file}`);
		expect(res.status).toBe(503);
		expect(await res.text()).toMatch(/first-view\.json is missing/);
		await unlink(join(copy, 'manifest.sha256'));
		const unchecked = await get(new DataServer(copy), 'manifest.json');
		expect(unchecked.status).toBe(503);
		expect(await unchecked.text()).toMatch(/no manifest\.sha256/);
	});
});

describe('the benchmark folder', () => {
	it('is served under benchmark/ with the same checks, and is 404, saying how, when none is set', async () => {
		const input = join(work, 'rtt.csv');
		await writeFile(
			input,
			rttFile([
				{
					provider: 'RBD',
					commissioner: '15N',
					part: 'Part_2',
					treatment: 'C_110',
					bands: { 0: 3 }
				}
			])
		);
		const benchmark = join(work, 'benchmark');
		await importRtt({ input, out: benchmark });
		const folders = { dataset, benchmark };
		const current = await (await serveData(folders, 'benchmark/manifest.json', request())).json();
		const own = await (await serveData(folders, 'manifest.json', request())).json();
		expect(current.version).not.toBe(own.version);
		const national = await serveData(
			folders,
			`benchmark/v/${current.version}/rtt_list_national.parquet`,
			request({ range: 'bytes=-8' })
		);
		expect(national.status).toBe(206);
		// The local dataset's files are not the benchmark's, nor the other way round.
		expect(
			(await serveData(folders, `benchmark/v/${version}/manifest.json`, request())).status
		).toBe(404);
		// A damaged benchmark file is refused as a local one is.
		const path = join(benchmark, 'rtt_list_national.parquet');
		await withFlip(path, 10, 3, async () => {
			const damaged = await serveData(
				folders,
				`benchmark/v/${current.version}/rtt_list_national.parquet`,
				request({ range: 'bytes=0-' })
			);
			expect(damaged.status).toBe(503);
			expect(await damaged.text()).toContain('rtt_list_national.parquet');
		});
		const none = await serveData(
			{ dataset, benchmark: null },
			'benchmark/manifest.json',
			request()
		);
		expect(none.status).toBe(404);
		expect(await none.text()).toContain('PATHWAY_INSIGHT_BENCHMARK');
	});
});

describe('versions', () => {
	it('a republish keeps the previous version served under its own name, until it is removed', async () => {
		const out = join(work, 'republished');
		const key = keyFromEnvironment({});
		const options = { input: FIXTURE, out, extractDate: '2025-07-31', key };
		await runPipeline(options);
		const s = new DataServer(out);
		const first = (await get(s, 'manifest.json').then((r) => r.json())).version;
		const firstManifest = await get(s, `v/${first}/manifest.json`).then((r) => r.text());
		await runPipeline(options);
		const second = (await get(s, 'manifest.json').then((r) => r.json())).version;
		expect(second).not.toBe(first);
		// The page opened on the first goes on reading the first.
		expect(await get(s, `v/${first}/manifest.json`).then((r) => r.text())).toBe(firstManifest);
		const file = JSON.parse(firstManifest).tables.pathways.files[0].file;
		expect((await get(s, `v/${first}/${file}`)).status).toBe(200);
		// Keeping only the current version removes the first: it is gone, and said so.
		await runPipeline({ ...options, retention: { versions: 1, hours: 0 } });
		const gone = await get(s, `v/${first}/manifest.json`);
		expect(gone.status).toBe(404);
		expect(await gone.text()).toMatch(/a newer one has been published and this one removed/);
		expect(await readdir(join(work, '.republished.versions'))).toHaveLength(1);
	});

	it("a kept version whose manifest is damaged is 503, not 'removed'", async () => {
		const out = join(work, 'kept-damaged');
		const options = { input: FIXTURE, out, extractDate: '2025-07-31', key: keyFromEnvironment({}) };
		await runPipeline(options);
		const s = new DataServer(out);
		const first = (await get(s, 'manifest.json').then((r) => r.json())).version;
		const kept = await realpath(out);
		await runPipeline(options);
		const bytes = await readFile(join(kept, 'manifest.json'));
		bytes[100] ^= 1;
		await writeFile(join(kept, 'manifest.json'), bytes);
		const res = await get(new DataServer(out), `v/${first}/run-report.json`);
		expect(res.status).toBe(503);
		expect(await res.text()).toMatch(/manifest \(manifest\.json\) is damaged/);
	});
});
