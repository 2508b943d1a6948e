/**
 * The browser's analytical engines: DuckDB-WASM (single-thread `eh` bundle), each in a Web Worker
 * of its own, its files served by this app. This is the only module that imports @duckdb/duckdb-wasm.
 */
import {
	AsyncDuckDB,
	ConsoleLogger,
	LogLevel,
	type AsyncDuckDBConnection
} from '@duckdb/duckdb-wasm';
import ehWasmUrl from '@duckdb/duckdb-wasm/dist/duckdb-eh.wasm?url';
import ehWorkerUrl from '@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js?url';
import { tableToIPC, type Table } from 'apache-arrow';
import { MEMORY_LIMIT, queryFailureMessage } from './query-failure.ts';

/** A query that failed, with the SQL that failed and the engine's own message. */
export class QueryError extends Error {
	override name = 'QueryError';
	readonly sql: string;
	constructor(message: string, sql: string, options?: { cause?: unknown }) {
		super(message, options);
		this.sql = sql;
	}
}

export interface Engine {
	query(sql: string): Promise<Table>;
	/** Adds rows to the table `name`; with `create`, replaces the table with these rows. */
	insertArrow(name: string, table: Table, create?: boolean): Promise<void>;
	/** Milliseconds from the start of loading until the engine could take queries. */
	readyMs: number;
}

/** The engines started, by number: a dataset spreads its tables over more than one. */
const starting = new Map<number, Promise<Engine>>();

async function start(n: number): Promise<Engine> {
	const began = performance.now();
	const worker = new Worker(ehWorkerUrl);
	// A worker that dies never answers; reject every query that waits on it instead of hanging.
	let died: ((reason: Error) => void) | undefined;
	const death = new Promise<never>((_, reject) => (died = reject));
	death.catch(() => {});
	worker.addEventListener('error', (event) => {
		died?.(new Error(`the query engine stopped: ${event.message || 'worker error'}`));
		starting.delete(n);
	});
	const db = new AsyncDuckDB(new ConsoleLogger(LogLevel.WARNING), worker);
	await Promise.race([db.instantiate(ehWasmUrl), death]);
	await db.open({
		query: { castBigIntToDouble: true, castDecimalToDouble: true },
		filesystem: { reliableHeadRequests: true, allowFullHTTPReads: false }
	});
	const conn: AsyncDuckDBConnection = await db.connect();
	// A query that would need more than this is refused with DuckDB's out-of-memory message,
	// shown on the page, rather than growing the tab until the browser kills it.
	await conn.query(`SET memory_limit = '${MEMORY_LIMIT}'`);
	const readyMs = performance.now() - began;
	// For npm run bench: when DuckDB-WASM could first take a query.
	if (n === 0) performance.mark('pathway-insight:engine-ready');
	return {
		readyMs,
		async query(sql) {
			try {
				return await Promise.race([conn.query(sql), death]);
			} catch (error) {
				throw new QueryError(queryFailureMessage(error), sql, { cause: error });
			}
		},
		async insertArrow(name, table, create = true) {
			if (create) await conn.query(`DROP TABLE IF EXISTS ${name}`);
			const ipc = tableToIPC(table, 'stream');
			try {
				await Promise.race([conn.insertArrowFromIPCStream(ipc, { name, create }), death]);
			} catch (error) {
				throw new QueryError(queryFailureMessage(error), `INSERT INTO ${name}`, { cause: error });
			}
		}
	};
}

/**
 * Engine `n` (each a DuckDB-WASM instance in a worker of its own, so two of them answer on two
 * cores at once), started on first use and shared by every page.
 */
export function engine(n = 0): Promise<Engine> {
	let e = starting.get(n);
	if (!e) {
		e = start(n);
		starting.set(n, e);
		e.catch(() => starting.delete(n));
	}
	return e;
}
