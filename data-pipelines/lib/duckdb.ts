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
	/**
	 * Reports the progress of every query that runs from now on (DuckDB's own estimate: percent
	 * done and rows processed), a few times a second; `null` stops reporting.
	 */
	watch(listener: ((progress: QueryProgress) => void) | null): void;
}

export interface QueryProgress {
	/** 0–100, or -1 while DuckDB cannot tell. */
	percent: number;
	rows: number;
	totalRows: number;
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
		// One spill folder per process: two runs sharing one trip over each other's spill files.
		temp_directory: options.tempDirectory ?? join(tmpdir(), `pathway-insight-duckdb-${process.pid}`)
	};
	if (options.threads) config.threads = String(options.threads);
	const instance = await DuckDBInstance.create(':memory:', config);
	const connection = await instance.connect();
	// Track progress for Db.watch, but never draw DuckDB's own bar on our terminal.
	await connection.run('SET enable_progress_bar = true; SET enable_progress_bar_print = false');
	let listener: ((progress: QueryProgress) => void) | null = null;
	/** Polls DuckDB's progress while `work` runs, when someone is listening. */
	async function watched<T>(work: Promise<T>): Promise<T> {
		if (!listener) return work;
		const report = listener;
		const timer = setInterval(() => {
			const p = connection.progress;
			report({
				percent: p.percentage,
				rows: Number(p.rows_processed),
				totalRows: Number(p.total_rows_to_process)
			});
		}, 250);
		try {
			return await work;
		} finally {
			clearInterval(timer);
		}
	}
	return {
		connection,
		async run(sql) {
			await watched(connection.run(sql));
		},
		async all(sql) {
			const reader = await watched(connection.runAndReadAll(sql));
			return reader.getRowObjectsJS().map((row) => plain(row) as Record<string, unknown>);
		},
		watch(next) {
			listener = next;
		},
		close() {
			connection.closeSync();
			instance.closeSync();
		}
	};
}
