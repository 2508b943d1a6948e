/**
 * Merging datasets published region by region gives what one run over all their events gives:
 * the same event-level files byte for byte, the same aggregates at every level, the same first
 * view and the same counts. Datasets that cannot be merged are refused, saying why.
 */
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../data-pipelines/lib/duckdb.ts';
import { mergeDatasets } from '../../data-pipelines/pipeline/merge.ts';
import { keyFromEnvironment } from '../../data-pipelines/pipeline/pseudonymise.ts';
import type { Manifest } from '../../data-pipelines/pipeline/publish.ts';
import { runPipeline } from '../../data-pipelines/pipeline/run.ts';

const FIXTURE = new URL('../fixtures/metrics/events.csv', import.meta.url).pathname;
const DEMO = keyFromEnvironment({});
const EXTRACT_DATE = '2025-07-31';
let dir: string;
let whole: Manifest;
let merged: Manifest;

async function publish(input: string, out: string, extractDate = EXTRACT_DATE) {
	return (await runPipeline({ input, out, extractDate, key: DEMO })).manifest;
}

beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'merge-'));
	// The fixture split by provider into two "regions" (it has no quoted values).
	const [header, ...rows] = (await readFile(FIXTURE, 'utf8')).trimEnd().split('\n');
	const column = header.split(',').indexOf('provider_code');
	for (const provider of ['RBD', 'RTH']) {
		await mkdir(join(dir, `in-${provider}`));
		const mine = rows.filter((r) => r.split(',')[column] === provider);
		await writeFile(join(dir, `in-${provider}`, 'events.csv'), `${[header, ...mine].join('\n')}\n`);
		await publish(join(dir, `in-${provider}`), join(dir, `region-${provider}`));
	}
	whole = await publish(FIXTURE, join(dir, 'whole'));
	merged = await mergeDatasets({
		inputs: [join(dir, 'region-RBD'), join(dir, 'region-RTH')],
		out: join(dir, 'merged')
	});
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('merging datasets published region by region', () => {
	it('lists the same tables, files, rows and event-level bytes as one run over all the events', () => {
		expect(Object.keys(merged.tables)).toEqual(Object.keys(whole.tables));
		for (const [name, table] of Object.entries(whole.tables)) {
			const mine = merged.tables[name];
			expect(mine.rows, name).toBe(table.rows);
			expect(
				mine.files.map((f) => f.file),
				name
			).toEqual(table.files.map((f) => f.file));
			if (table.kind === 'facts') {
				expect(
					mine.files.map((f) => f.sha256),
					`${name}: the same bytes`
				).toEqual(table.files.map((f) => f.sha256));
			}
		}
		expect(merged.source.rowsAccepted).toBe(whole.source.rowsAccepted);
		expect(merged.dataPeriod).toEqual(whole.dataPeriod);
		expect(merged.extractDate).toBe(EXTRACT_DATE);
	});

	it('holds the same aggregates at every level, the same first view and the same counts', async () => {
		const db = await openDb();
		try {
			for (const [name, table] of Object.entries(whole.tables)) {
				if (table.kind !== 'aggregate') continue;
				const rows = async (root: string, m: Manifest) =>
					db.all(
						`SELECT * FROM read_parquet([${m.tables[name].files
							.map((f) => `'${join(root, f.file)}'`)
							.join(', ')}]) ORDER BY ALL`
					);
				expect(await rows(join(dir, 'merged'), merged), name).toEqual(
					await rows(join(dir, 'whole'), whole)
				);
			}
		} finally {
			db.close();
		}
		const json = async (name: string, d: string) =>
			JSON.parse(await readFile(join(dir, d, name), 'utf8'));
		expect(await json('first-view.json', 'merged')).toEqual(await json('first-view.json', 'whole'));
		expect(await json('quality.json', 'merged')).toEqual(await json('quality.json', 'whole'));
		const report = await json('run-report.json', 'merged');
		const one = await json('run-report.json', 'whole');
		for (const key of ['read', 'accepted', 'duplicates', 'quarantined', 'rules'])
			expect(report[key], key).toEqual(one[key]);
		expect(report.files.map((f: { file: string }) => f.file)).toEqual([
			'region-RBD/events.csv',
			'region-RTH/events.csv'
		]);
	});

	it('refuses datasets that share a provider, or differ in extract date, saying which', async () => {
		await cp(join(dir, 'region-RBD'), join(dir, 'region-RBD-again'), {
			recursive: true,
			dereference: true
		});
		await expect(
			mergeDatasets({
				inputs: [join(dir, 'region-RBD'), join(dir, 'region-RBD-again')],
				out: join(dir, 'bad')
			})
		).rejects.toThrow(/provider RBD is in both .*region-RBD and .*region-RBD-again/);
		await publish(join(dir, 'in-RTH'), join(dir, 'region-RTH-later'), '2025-08-31');
		await expect(
			mergeDatasets({
				inputs: [join(dir, 'region-RBD'), join(dir, 'region-RTH-later')],
				out: join(dir, 'bad')
			})
		).rejects.toThrow(/different extract dates.*2025-07-31.*2025-08-31/);
	});
});
