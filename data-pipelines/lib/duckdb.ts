import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

/** A native DuckDB connection with the two calls the pipeline and CLIs need. */
export interface Db {
	run(sql: string): Promise<void>;
	/** Rows as plain objects: BIGINT and HUGEINT become numbers, dates and timestamps `Date`s. */
	all(sql: string): Promise<Record<string, unknown>[]>;
	close(): void;
	connection: DuckDBConnection;
}

function plain(value: unknown): unknown {
	if (typeof value === 'bigint') return Number(value);
	if (Array.isArray(value)) return value.map(plain);
	if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
		return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
	}
	return value;
}

/** Opens an in-memory DuckDB (native, `@duckdb/node-api`). */
export async function openDb(
	options: { threads?: number; memoryLimit?: string } = {}
): Promise<Db> {
	const config: Record<string, string> = {};
	if (options.threads) config.threads = String(options.threads);
	if (options.memoryLimit) config.memory_limit = options.memoryLimit;
	const instance = await DuckDBInstance.create(':memory:', config);
	const connection = await instance.connect();
	return {
		connection,
		async run(sql) {
			await connection.run(sql);
		},
		async all(sql) {
			const reader = await connection.runAndReadAll(sql);
			return reader.getRowObjectsJS().map((row) => plain(row) as Record<string, unknown>);
		},
		close() {
			connection.closeSync();
			instance.closeSync();
		}
	};
}
