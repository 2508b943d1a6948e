import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';

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

/**
 * Opens an in-memory DuckDB (native, `@duckdb/node-api`) that spills to `tempDirectory` when
 * the data outgrows `memoryLimit` (default half this machine's memory), so a large extract slows
 * down rather than failing.
 */
export async function openDb(
	options: { threads?: number; memoryLimit?: string; tempDirectory?: string } = {}
): Promise<Db> {
	const config: Record<string, string> = {
		memory_limit: options.memoryLimit ?? `${Math.floor(totalmem() / 2 ** 30 / 2)}GB`,
		temp_directory: options.tempDirectory ?? join(tmpdir(), 'pathway-insight-duckdb')
	};
	if (options.threads) config.threads = String(options.threads);
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
