/**
 * No file the server serves quotes an input value: a patient's id that lands in the wrong column
 * of a misaligned row is quarantined, and the quarantine reason that quotes it stays in
 * quarantine.csv (the operator's, never served), not in the run report the dashboard loads.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../data-pipelines/lib/duckdb.ts';
import { keyFromEnvironment } from '../../data-pipelines/pipeline/pseudonymise.ts';
import { runPipeline } from '../../data-pipelines/pipeline/run.ts';
import type { DatasetManifest } from '../../src/lib/dataset/schema.ts';
import { DataServer } from '../../src/lib/server/data-route.ts';

const FIXTURE = new URL('../fixtures/metrics/events.csv', import.meta.url).pathname;
let dir: string;
let out: string;

beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'served-privacy-'));
	const [header, ...rows] = (await readFile(FIXTURE, 'utf8')).trimEnd().split('\n');
	const names = header.split(',');
	const ids = ['pathway_id', 'patient_id', 'appointment_id'].map((c) => names.indexOf(c));
	// Every identifier made unmistakable: SECRET appears nowhere else.
	const marked = rows.map((row) =>
		row.split(',').map((cell, i) => (ids.includes(i) && cell ? `SECRET-${names[i]}-${cell}` : cell))
	);
	// Every other row misaligned: the patient id repeated 1 to 6 times (a column written twice
	// by the source system), shifting the fields after it, so that it lands in the provider,
	// commissioner, specialty, priority and other columns; the row keeps its number of fields.
	const patient = names.indexOf('patient_id');
	const shifted = marked.map((cells, i) => {
		if (i % 2) return cells.join(',');
		const k = (i % 6) + 1;
		const repeated = Array(k).fill(cells[patient]);
		return [...cells.slice(0, patient + 1), ...repeated, ...cells.slice(patient + 1)]
			.slice(0, cells.length)
			.join(',');
	});
	const input = join(dir, 'events.csv');
	await writeFile(input, `${[header, ...shifted].join('\n')}\n`);
	out = join(dir, 'dataset');
	await runPipeline({
		input,
		out,
		extractDate: '2025-07-31',
		key: keyFromEnvironment({}),
		maxQuarantine: 1
	});
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('a misaligned extract', () => {
	it('puts identifiers in the wrong columns, and the operator sees them in quarantine.csv', async () => {
		const quarantine = await readFile(join(out, 'quarantine.csv'), 'utf8');
		expect(quarantine.match(/SECRET-patient_id/g)?.length).toBeGreaterThan(5);
		expect(quarantine).toMatch(/invalid \w+ ""SECRET-patient_id-NP\d+""/);
	});

	it('serves no input identifier in any file: manifest, JSON documents or Parquet', async () => {
		const server = new DataServer(out);
		const { version } = await server
			.handle('manifest.json', new Request('http://x/'))
			.then((r) => r.json());
		const get = (file: string) => server.handle(`v/${version}/${file}`, new Request('http://x/'));
		const manifestText = await get('manifest.json').then((r) => r.text());
		expect(manifestText).not.toMatch(/SECRET/);
		const manifest = JSON.parse(manifestText) as DatasetManifest;
		const report = await get('run-report.json').then((r) => r.text());
		expect(JSON.parse(report).quarantined).toBeGreaterThan(5);
		for (const { file } of manifest.documents) {
			const res = await get(file);
			expect(res.status, file).toBe(200);
			expect(await res.text(), file).not.toMatch(/SECRET/);
		}
		const db = await openDb();
		try {
			const files = Object.values(manifest.tables).flatMap((t) => t.files);
			expect(files.length).toBeGreaterThan(10);
			for (const { file } of files) {
				const res = await get(file);
				expect(res.status, file).toBe(200);
				const copy = join(dir, 'served.parquet');
				await writeFile(copy, Buffer.from(await res.arrayBuffer()));
				const [{ hits }] = await db.all(`SELECT CAST(COUNT(*) AS DOUBLE) AS hits
FROM (SELECT CAST(to_json(t) AS VARCHAR) AS row FROM read_parquet('${copy}') t)
WHERE row LIKE '%SECRET%'`);
				expect(hits, file).toBe(0);
			}
		} finally {
			db.close();
		}
	});
});
