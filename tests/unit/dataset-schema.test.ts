import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../data-pipelines/lib/duckdb.ts';
import { runPipeline } from '../../data-pipelines/pipeline/run.ts';
import { keyFromEnvironment } from '../../data-pipelines/pipeline/pseudonymise.ts';
import { DASHBOARD_TABLES } from '../../src/lib/dataset/schema.ts';

const FIXTURE = new URL('../fixtures/metrics/events.csv', import.meta.url).pathname;
const DUCKDB_TYPES = { string: 'VARCHAR', date: 'DATE', boolean: 'BOOLEAN', integer: 'INTEGER' };
let dir: string;

beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'schema-'));
	await runPipeline({
		input: FIXTURE,
		out: dir + '/d',
		extractDate: '2025-07-31',
		key: keyFromEnvironment({})
	});
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('the published dataset and the dashboard agree', () => {
	it.each(Object.entries(DASHBOARD_TABLES))(
		'%s.parquet has every column the dashboard reads, typed as it expects',
		async (table, spec) => {
			const db = await openDb();
			try {
				const rows = (await db.all(
					`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('${dir}/d/${table}.parquet'))`
				)) as { column_name: string; column_type: string }[];
				const types = Object.fromEntries(rows.map((r) => [r.column_name, r.column_type]));
				for (const [column, type] of Object.entries(spec.columns)) {
					expect(types[column], `${table}.${column}`).toBe(DUCKDB_TYPES[type]);
				}
			} finally {
				db.close();
			}
		}
	);
});
