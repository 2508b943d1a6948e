/**
 * The England stand-in (scale-up.ts) is what seven regions of the slice's shape would publish:
 * every provider's and commissioner's file once per copy under new codes, every count that many
 * times over, and coarser levels that are the roll-ups of its own provider level, as the
 * pipeline would make them. Checked on the metrics fixture copied three times.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readManifest } from '../../data-pipelines/lib/dataset.ts';
import { openDb, type Db } from '../../data-pipelines/lib/duckdb.ts';
import { AGGREGATES, rollupsOf } from '../../data-pipelines/pipeline/aggregates.ts';
import { keyFromEnvironment } from '../../data-pipelines/pipeline/pseudonymise.ts';
import type { Manifest } from '../../data-pipelines/pipeline/publish.ts';
import { runPipeline } from '../../data-pipelines/pipeline/run.ts';
import { levelTable } from '../../src/lib/metrics/levels.ts';
import { scaleUp } from './scale-up.ts';

const FIXTURE = new URL('../../tests/fixtures/metrics/events.csv', import.meta.url).pathname;
const COPIES = 3;
let dir: string;
let slice: Manifest;
let copied: Manifest;
let db: Db;

const view = (root: string, m: Manifest, table: string) =>
	`read_parquet([${m.tables[table].files.map((f) => `'${join(root, f.file)}'`).join(', ')}], hive_partitioning = false)`;

beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'scale-up-'));
	slice = (
		await runPipeline({
			input: FIXTURE,
			out: join(dir, 'slice'),
			extractDate: '2025-07-31',
			key: keyFromEnvironment({})
		})
	).manifest;
	await scaleUp(join(dir, 'slice'), join(dir, 'copies'), COPIES, join(dir, 'tmp'));
	copied = await readManifest(join(dir, 'copies'));
	db = await openDb({ threads: 1 });
}, 120_000);
afterAll(async () => {
	db?.close();
	await rm(dir, { recursive: true, force: true });
});

describe('the England stand-in made by copying a published dataset', () => {
	it('writes each provider and commissioner file once per copy, under codes of its own', () => {
		for (const aggregate of AGGREGATES) {
			const name = aggregate.name;
			const theirs = slice.tables[name].files;
			const mine = copied.tables[name].files;
			expect(mine.length, name).toBe(theirs.length * COPIES);
			expect(new Set(mine.map((f) => f.partition)).size, name).toBe(mine.length);
			expect(copied.tables[name].rows, name).toBe(slice.tables[name].rows * COPIES);
			// Copy 0 keeps the slice's codes.
			for (const f of theirs)
				expect(
					mine.map((m) => m.file),
					name
				).toContain(f.file);
		}
		expect(copied.source.rowsRead).toBe(slice.source.rowsRead * COPIES);
	});

	it('holds every count that many times over, its coarser levels rolled up from its own', async () => {
		const root = join(dir, 'copies');
		for (const aggregate of AGGREGATES) {
			const sums = aggregate.counts.map((c) => `CAST(SUM(${c}) AS DOUBLE) AS ${c}`).join(', ');
			const total = async (source: string) => (await db.all(`SELECT ${sums} FROM ${source}`))[0];
			const once = await total(view(join(dir, 'slice'), slice, aggregate.name));
			const thrice = Object.fromEntries(
				Object.entries(once).map(([k, v]) => [k, v === null ? null : Number(v) * COPIES])
			);
			expect(await total(view(root, copied, aggregate.name)), aggregate.name).toEqual(thrice);

			await db.run(
				`CREATE OR REPLACE VIEW ${aggregate.name} AS SELECT * FROM ${view(root, copied, aggregate.name)}`
			);
			for (const { table, sql } of rollupsOf(aggregate)) {
				expect(
					await db.all(`SELECT * FROM ${view(root, copied, table)} ORDER BY ALL`),
					table
				).toEqual(await db.all(`${sql} ORDER BY ALL`));
			}
			expect(copied.tables[levelTable(aggregate.name, 'national')].files).toHaveLength(1);
		}
	});

	it('writes a first view worked out from the copies', async () => {
		const first = JSON.parse(await readFile(join(dir, 'copies', 'first-view.json'), 'utf8'));
		const theirs = JSON.parse(await readFile(join(dir, 'slice', 'first-view.json'), 'utf8'));
		expect(first.overview.options.provider).toHaveLength(
			theirs.overview.options.provider.length * COPIES
		);
		expect(first.overview.data.metrics.waitingList.total).toBe(
			theirs.overview.data.metrics.waitingList.total * COPIES
		);
	});
});
