import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../data-pipelines/lib/duckdb.ts';
import { SCHEMA_VERSION, type Manifest } from '../../data-pipelines/pipeline/publish.ts';
import { runPipeline } from '../../data-pipelines/pipeline/run.ts';
import { keyFromEnvironment } from '../../data-pipelines/pipeline/pseudonymise.ts';
import { levelColumns, SUPPORTED_SCHEMA_VERSION } from '../../src/lib/dataset/schema.ts';
import {
	AGGREGATES,
	LOADED_AGGREGATES,
	publishedColumns
} from '../../src/lib/metrics/aggregates.ts';
import { AGGREGATE_LEVELS, levelTable } from '../../src/lib/metrics/levels.ts';

const FIXTURE = new URL('../fixtures/metrics/events.csv', import.meta.url).pathname;
const DUCKDB_TYPES = { string: 'VARCHAR', date: 'DATE', boolean: 'BOOLEAN', integer: 'INTEGER' };
let dir: string;
let manifest: Manifest;

beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'schema-'));
	({ manifest } = await runPipeline({
		input: FIXTURE,
		out: dir + '/d',
		extractDate: '2025-07-31',
		key: keyFromEnvironment({})
	}));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('the published dataset and the dashboard agree', () => {
	it('the pipeline writes the schema version the dashboard reads', () => {
		expect(SCHEMA_VERSION).toBe(SUPPORTED_SCHEMA_VERSION);
		expect(manifest.schemaVersion).toBe(SUPPORTED_SCHEMA_VERSION);
	});

	const dashboard = LOADED_AGGREGATES.flatMap((aggregate) =>
		AGGREGATE_LEVELS.map(
			(level) =>
				[levelTable(aggregate, level), { columns: levelColumns(aggregate, level) }] as const
		)
	);
	const published = AGGREGATES.map((a) => [a.name, { columns: publishedColumns(a.name) }] as const);
	it.each([...dashboard, ...published])(
		'every file of %s has every column the dashboard reads, typed as it expects',
		async (table, spec) => {
			const db = await openDb();
			try {
				for (const { file } of manifest.tables[table].files) {
					const rows = (await db.all(
						`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('${dir}/d/${file}'))`
					)) as { column_name: string; column_type: string }[];
					const types = Object.fromEntries(rows.map((r) => [r.column_name, r.column_type]));
					for (const [column, type] of Object.entries(spec.columns)) {
						expect(types[column], `${file}: ${column}`).toBe(DUCKDB_TYPES[type]);
					}
				}
			} finally {
				db.close();
			}
		}
	);
});
