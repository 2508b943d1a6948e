/**
 * The two DuckDB engines the metric SQL must agree on: native DuckDB (what the pipeline and the
 * metrics CLI run) and DuckDB-WASM's Node build (the browser's engine, run here without a browser).
 */
import { tableToIPC } from 'apache-arrow';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { openDb, type Db } from '../../data-pipelines/lib/duckdb.ts';
import { sqlString } from '../../src/lib/metrics/sql.ts';
import type { QueryRows } from '../../src/lib/metrics/overview.ts';

const require = createRequire(import.meta.url);

export interface Engine {
	name: string;
	query: QueryRows;
	run(sql: string): Promise<void>;
	/** Loads an Arrow table as a new table, as the browser does (WASM only). */
	insertArrow(name: string, table: import('apache-arrow').Table): Promise<void>;
	close(): Promise<void>;
}

function plainWasm(value: unknown): unknown {
	return typeof value === 'bigint' ? Number(value) : value;
}

export function nativeEngine(db: Db): Engine {
	return {
		name: 'native DuckDB',
		query: (sql) => db.all(sql),
		run: (sql) => db.run(sql),
		insertArrow: () => Promise.reject(new Error('insertArrow is for DuckDB-WASM')),
		close: async () => db.close()
	};
}

/** DuckDB-WASM (blocking Node build, same `.wasm` as the browser's `eh` bundle). */
export async function wasmEngine(): Promise<Engine> {
	const duckdb = require('@duckdb/duckdb-wasm/dist/duckdb-node-blocking.cjs');
	const dist = dirname(require.resolve('@duckdb/duckdb-wasm/dist/duckdb-node-blocking.cjs'));
	const bundles = {
		mvp: { mainModule: join(dist, 'duckdb-mvp.wasm'), mainWorker: '' },
		eh: { mainModule: join(dist, 'duckdb-eh.wasm'), mainWorker: '' }
	};
	const db = await duckdb.createDuckDB(bundles, new duckdb.VoidLogger(), duckdb.NODE_RUNTIME);
	await db.instantiate();
	const conn = db.connect();
	return {
		name: 'DuckDB-WASM',
		async query(sql) {
			const table = conn.query(sql);
			return table
				.toArray()
				.map((row: { toJSON(): Record<string, unknown> }) =>
					Object.fromEntries(Object.entries(row.toJSON()).map(([k, v]) => [k, plainWasm(v)]))
				);
		},
		async run(sql) {
			conn.query(sql);
		},
		async insertArrow(name, table) {
			// The same path as the browser: Arrow IPC stream bytes, not the bundle's own Arrow classes.
			conn.insertArrowFromIPCStream(tableToIPC(table, 'stream'), { name, create: true });
		},
		async close() {
			conn.close();
			await db.terminate?.();
		}
	};
}

function literal(value: unknown): string {
	if (value === null || value === undefined) return 'NULL';
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	return sqlString(String(value));
}

/** Copies a table from native DuckDB into another engine, with the same column types. */
export async function copyTable(from: Db, to: Engine, table: string): Promise<void> {
	const columns = (await from.all(`DESCRIBE ${table}`)) as {
		column_name: string;
		column_type: string;
	}[];
	await to.run(
		`CREATE OR REPLACE TABLE ${table} (${columns.map((c) => `"${c.column_name}" ${c.column_type}`).join(', ')})`
	);
	const names = columns.map((c) => `"${c.column_name}"`).join(', ');
	const selected = columns
		.map((c) =>
			/^(DATE|TIMESTAMP)/.test(c.column_type)
				? `CAST("${c.column_name}" AS VARCHAR)`
				: `"${c.column_name}"`
		)
		.join(', ');
	const rows = await from.all(`SELECT ${selected} FROM ${table}`);
	if (rows.length === 0) return;
	const values = rows.map((r) => `(${Object.values(r).map(literal).join(', ')})`);
	await to.run(`INSERT INTO ${table} (${names}) VALUES ${values.join(',\n')}`);
}

export { openDb };
