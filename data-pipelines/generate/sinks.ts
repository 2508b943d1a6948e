/**
 * Where sorted batches of event records go. Each sink numbers events in the order it receives them
 * and works beside the simulation: the CSV sink encodes and writes in a worker thread, the Parquet sink
 * appends integer columns to a DuckDB staging table (a few calls per 2,048 rows) and has DuckDB format
 * and write each part (ZSTD) on its own threads while the simulation carries on.
 */
import { Worker } from 'node:worker_threads';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBDataChunk, DuckDBInstance, INTEGER } from '@duckdb/node-api';
import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import {
	AGE_BANDS,
	CARE_SETTINGS,
	CLINICAL_PRIORITIES,
	CONSULTATION_MEDIA,
	EVENT_TYPES,
	PRIORITIES,
	REFERRAL_SOURCES,
	SEXES,
	STOP_REASONS
} from '../lib/contract.ts';
import { CLINIC_LABELS, GROUP, CapacityCsv, GroupStore } from './capacity.ts';
import { CsvEncoder } from './csv-encoder.ts';
import type { Lookups } from './csv-encoder.ts';
import { ETHNICITIES } from './population.ts';
import { EV, STRIDE } from './record.ts';
import { SLOT_MINUTES } from './slots.ts';

export interface SinkTimings {
	/** Milliseconds spent encoding (CSV bytes, or DuckDB formatting + Parquet encoding + writing). */
	encodeMs: number;
	/** Milliseconds spent in file writes (CSV), included in encodeMs for Parquet. */
	writeMs: number;
	/** Milliseconds the simulation waited for the sink (backpressure). */
	waitMs: number;
	/** Milliseconds of the simulation thread spent handing batches over. */
	handMs: number;
}

export interface SinkResult {
	rows: number;
	files: string[];
	/** Published slots written to the capacity extract, or null when there is none. */
	capacityRows: number | null;
	timings: SinkTimings;
}

export interface Sink {
	/** Takes a batch of `count` sorted records; resolves when the sink can take another. */
	write(records: Int32Array, count: number): Promise<void>;
	/** Takes published slot groups (see capacity.ts) for the capacity extract. */
	capacity(groups: Int32Array, count: number): void;
	close(): Promise<SinkResult>;
}

/** Counts and drops (to measure the simulation alone). */
export class NullSink implements Sink {
	private rows = 0;
	async write(_records: Int32Array, count: number): Promise<void> {
		this.rows += count;
	}
	capacity(): void {}
	async close(): Promise<SinkResult> {
		return {
			rows: this.rows,
			files: [],
			capacityRows: null,
			timings: { encodeMs: 0, writeMs: 0, waitMs: 0, handMs: 0 }
		};
	}
}

interface WorkerClosed {
	rows: number;
	capacityRows: number | null;
	encodeMs: number;
	writeMs: number;
}

/**
 * CSV written by a worker thread (events, and the capacity extract when `capacityPath` is given);
 * at most `depth` event batches in flight.
 */
export class CsvSink implements Sink {
	private readonly worker: Worker | null;
	private readonly inline: CsvEncoder | null;
	private readonly inlineCapacity: CapacityCsv | null = null;
	private readonly path: string;
	private inFlight = 0;
	private waiters: (() => void)[] = [];
	private failure: Error | null = null;
	private resolveClosed: ((v: WorkerClosed) => void) | null = null;
	private rejectClosed: ((e: Error) => void) | null = null;
	private readonly depth = 3;
	private waitMs = 0;
	private handMs = 0;

	constructor(path: string, lookups: Lookups, capacityPath: string | null, threaded = true) {
		this.path = path;
		if (!threaded) {
			this.worker = null;
			this.inline = new CsvEncoder(path, lookups);
			if (capacityPath)
				this.inlineCapacity = new CapacityCsv(capacityPath, lookups.providers, lookups.specialties);
			return;
		}
		this.inline = null;
		this.worker = new Worker(new URL('./csv-worker.ts', import.meta.url));
		this.worker.on('message', (m: { done?: number; closed?: never; error?: string }) => {
			if (m.error) this.fail(new Error(`CSV writer: ${m.error}`));
			else if (m.done !== undefined) {
				this.inFlight--;
				this.waiters.shift()?.();
			} else if (m.closed) this.resolveClosed?.(m.closed);
		});
		this.worker.on('error', (e) => this.fail(e));
		this.worker.postMessage({ init: { path, lookups, capacityPath } });
	}

	capacity(groups: Int32Array, count: number): void {
		if (this.inline) this.inlineCapacity?.encode(groups, count);
		else {
			const copy = groups.slice(0, count * GROUP);
			this.worker!.postMessage({ groups: copy, count }, [copy.buffer as ArrayBuffer]);
		}
	}

	private fail(error: Error): void {
		this.failure = error;
		for (const w of this.waiters.splice(0)) w();
		this.rejectClosed?.(error);
	}

	async write(records: Int32Array, count: number): Promise<void> {
		if (this.failure) throw this.failure;
		if (this.inline) {
			this.inline.encode(records, count);
			return;
		}
		const started = performance.now();
		this.inFlight++;
		const copy = records.length === count * STRIDE ? records : records.slice(0, count * STRIDE);
		this.worker!.postMessage({ records: copy, count }, [copy.buffer as ArrayBuffer]);
		this.handMs += performance.now() - started;
		if (this.inFlight > this.depth) {
			const t = performance.now();
			await new Promise<void>((resolve) => this.waiters.push(resolve));
			this.waitMs += performance.now() - t;
		}
		if (this.failure) throw this.failure;
	}

	async close(): Promise<SinkResult> {
		if (this.inline) {
			this.inline.close();
			this.inlineCapacity?.close();
			return {
				rows: this.inline.rows,
				files: [this.path],
				capacityRows: this.inlineCapacity ? this.inlineCapacity.rows : null,
				timings: {
					encodeMs: this.inline.encodeMs,
					writeMs: this.inline.writeMs,
					waitMs: 0,
					handMs: 0
				}
			};
		}
		const t = performance.now();
		let result: WorkerClosed;
		try {
			if (this.failure) throw this.failure;
			result = await new Promise<WorkerClosed>((resolve, reject) => {
				this.resolveClosed = resolve;
				this.rejectClosed = reject;
				this.worker!.postMessage({ close: true });
			});
		} finally {
			await this.worker!.terminate();
		}
		this.waitMs += performance.now() - t;
		return {
			rows: result.rows,
			files: [this.path],
			capacityRows: result.capacityRows,
			timings: {
				encodeMs: result.encodeMs,
				writeMs: result.writeMs,
				waitMs: this.waitMs,
				handMs: this.handMs
			}
		};
	}
}

/** A SQL list literal of strings. */
function list(values: readonly string[]): string {
	return `[${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ')}]`;
}

/**
 * Low-cardinality text columns are written as ENUMs: Parquet stores them as dictionary-encoded
 * strings (readers see VARCHAR), and DuckDB writes them faster than strings it must hash.
 */
function enums(lookups: Lookups): Record<string, readonly string[]> {
	return {
		event_type: EVENT_TYPES,
		provider_code: lookups.providers,
		commissioner_code: lookups.commissioners,
		referrer_code: lookups.practices,
		specialty_code: lookups.specialties,
		priority: PRIORITIES,
		care_setting: CARE_SETTINGS,
		referral_source: REFERRAL_SOURCES,
		attendance_type: ['first', 'follow_up'],
		consultation_medium: CONSULTATION_MEDIA,
		cancelled_by: ['patient', 'provider'],
		stop_reason: STOP_REASONS,
		age_band: AGE_BANDS,
		sex: SEXES,
		ethnicity: ETHNICITIES,
		clinical_priority: CLINICAL_PRIORITIES
	};
}

/** The ENUM types {@link contractSelect} casts to (distinct values; lists may repeat codes). */
export function contractTypes(lookups: Lookups): string[] {
	return Object.entries(enums(lookups)).map(
		([name, values]) =>
			`CREATE TYPE IF NOT EXISTS e_${name} AS ENUM (${list([...new Set(values)]).slice(1, -1)})`
	);
}

/**
 * The SELECT that turns staged integer records into the contract's columns: identifiers and codes
 * as text (codes as ENUMs, see {@link contractTypes}), event_time and appointment_time as TIMESTAMP
 * (local, no zone), rtt as BOOLEAN and imd_decile as INTEGER; NULL where a column does not apply.
 */
export function contractSelect(table: string, lookups: Lookups): string {
	const values = enums(lookups);
	const code = (column: string, index: string) =>
		`CAST(${list(values[column])}[${index}] AS e_${column})`;
	const baseUs = `${BigInt(lookups.baseDay) * 86400000000n}`;
	const type = '(w4 & 31)';
	const isReferral = `${type} = ${EV.referralReceived}`;
	const extra = '((w4 >> 5) & 15)';
	const appt = 'apt >= 0';
	const followUp = '((w4 >> 24) & 1)';
	const medium = '((w4 >> 25) & 3)';
	const label = `${list(CLINIC_LABELS)}[${followUp} * 2 + CASE WHEN ${medium} = 0 THEN 0 ELSE 1 END + 1]`;
	return `SELECT
  printf('E%0${lookups.idWidth}d', id) AS event_id,
  ${code('event_type', `${type} + 1`)} AS event_type,
  make_timestamp(${baseUs} + CAST(t AS BIGINT) * 1000000) AS event_time,
  pid AS pathway_id,
  printf('1%09d', (CAST(pt AS BIGINT) * 387420489 + 123456789) % 1000000000) AS patient_id,
  ${code('provider_code', '(org & 255) + 1')} AS provider_code,
  ${code('commissioner_code', '((org >> 8) & 255) + 1')} AS commissioner_code,
  CASE WHEN ${isReferral} AND ((org >> 27) & 7) = 0 THEN ${code('referrer_code', 'practice + 1')} END AS referrer_code,
  ${code('specialty_code', '((org >> 16) & 31) + 1')} AS specialty_code,
  ${code('priority', '((org >> 21) & 3) + 1')} AS priority,
  CASE WHEN ${isReferral} THEN ((org >> 23) & 1) = 1 END AS rtt,
  CASE WHEN ${isReferral} THEN ${code('care_setting', '((org >> 24) & 7) + 1')} END AS care_setting,
  CASE WHEN ${isReferral} THEN ${code('referral_source', '((org >> 27) & 7) + 1')} END AS referral_source,
  CASE WHEN ${appt} THEN pid || '-' || CAST(w7 & 65535 AS VARCHAR) END AS appointment_id,
  CASE WHEN ${appt} THEN make_timestamp(${baseUs} + CAST(apt AS BIGINT) * 1000000) END AS appointment_time,
  CASE WHEN ${appt} THEN ${code('attendance_type', `${followUp} + 1`)} END AS attendance_type,
  CASE WHEN ${appt} THEN ${code('consultation_medium', `${medium} + 1`)} END AS consultation_medium,
  CASE WHEN ${appt} THEN ${list(lookups.providers)}[(org & 255) + 1] || '-' || ${list(lookups.specialties)}[((org >> 16) & 31) + 1] || '-' || ${label} || CAST((w7 >> 16) + 1 AS VARCHAR) END AS clinic_code,
  CASE WHEN ${type} = ${EV.cancelled} THEN ${code('cancelled_by', '((w4 >> 27) & 1) + 1')} END AS cancelled_by,
  CASE WHEN ${type} = ${EV.clockStopped} AND ${extra} > 0 THEN ${code('stop_reason', extra)} END AS stop_reason,
  CASE WHEN ${isReferral} THEN ${code('age_band', '((w4 >> 9) & 15) + 1')} END AS age_band,
  CASE WHEN ${isReferral} THEN ${code('sex', '((w4 >> 13) & 3) + 1')} END AS sex,
  CASE WHEN ${isReferral} THEN ${code('ethnicity', '((w4 >> 15) & 31) + 1')} END AS ethnicity,
  CASE WHEN ${isReferral} THEN (w4 >> 20) & 15 END AS imd_decile,
  CASE WHEN ${type} IN (${EV.decisionToAdmit}, ${EV.validated}) AND ${extra} > 0 THEN ${code('clinical_priority', extra)} END AS clinical_priority
FROM (SELECT *, printf('PW%09d', pw) AS pid FROM ${table})`;
}

const STAGE_COLUMNS = ['id', 't', 'pw', 'pt', 'org', 'w4', 'practice', 'apt', 'w7'];
const STAGE_SQL = STAGE_COLUMNS.map((c) => `${c} INTEGER`).join(', ');
/** Record field of each staged column after the id. */
const FIELD = [0, 1, 2, 3, 4, 5, 6, 7];
const CHUNK = 2048;

/** Parquet parts written through DuckDB: `dir/events-NNN.parquet`, about `partRows` rows each. */
export class ParquetSink implements Sink {
	private readonly dir: string;
	private readonly lookups: Lookups;
	private readonly partRows: number;
	private readonly threads: number;
	private instance!: DuckDBInstance;
	private append!: DuckDBConnection;
	private copy!: DuckDBConnection;
	private appender: DuckDBAppender | null = null;
	private chunk!: DuckDBDataChunk;
	private stage = 0;
	private staged = 0;
	private rows = 0;
	private parts: string[] = [];
	private copying: Promise<void> = Promise.resolve();
	private readonly columns = STAGE_COLUMNS.map(() => new Int32Array(CHUNK));
	private encodeMs = 0;
	private waitMs = 0;
	private handMs = 0;
	private readonly capacityPath: string | null;
	private readonly groups = new GroupStore();

	constructor(
		dir: string,
		lookups: Lookups,
		capacityPath: string | null,
		partRows = 2_000_000,
		threads = 2
	) {
		this.dir = dir;
		this.lookups = lookups;
		this.capacityPath = capacityPath;
		this.partRows = partRows;
		this.threads = threads;
	}

	capacity(groups: Int32Array, count: number): void {
		for (let g = 0; g < count; g++) {
			const o = g * GROUP;
			this.groups.add(groups[o], groups[o + 1], groups[o + 2], groups[o + 3], groups[o + 4]);
		}
	}

	async open(): Promise<void> {
		await mkdir(this.dir, { recursive: true });
		this.instance = await DuckDBInstance.create(':memory:', {
			threads: String(this.threads),
			preserve_insertion_order: 'true',
			memory_limit: '1GB'
		});
		this.append = await this.instance.connect();
		this.copy = await this.instance.connect();
		await this.append.run(`CREATE TABLE stage0 (${STAGE_SQL}); CREATE TABLE stage1 (${STAGE_SQL})`);
		for (const sql of contractTypes(this.lookups)) await this.append.run(sql);
		this.chunk = DuckDBDataChunk.create(STAGE_COLUMNS.map(() => INTEGER));
		this.appender = await this.append.createAppender(`stage${this.stage}`);
	}

	async write(records: Int32Array, count: number): Promise<void> {
		const started = performance.now();
		const cols = this.columns;
		for (let from = 0; from < count; from += CHUNK) {
			const n = Math.min(CHUNK, count - from);
			for (let k = 0; k < n; k++) {
				const o = (from + k) * STRIDE;
				cols[0][k] = this.rows + from + k + 1;
				for (let c = 0; c < FIELD.length; c++) cols[c + 1][k] = records[o + FIELD[c]];
			}
			this.chunk.rowCount = n;
			for (let c = 0; c < cols.length; c++) {
				const vector = this.chunk.getColumnVector(c) as unknown as {
					items: Int32Array;
					flush(): void;
				};
				vector.items.set(n === CHUNK ? cols[c] : cols[c].subarray(0, n));
				vector.flush();
			}
			this.appender!.appendDataChunk(this.chunk);
		}
		this.rows += count;
		this.staged += count;
		this.handMs += performance.now() - started;
		if (this.staged >= this.partRows) await this.rotate();
	}

	/** Writes the staged part (in the background) and switches to the other staging table. */
	private async rotate(): Promise<void> {
		if (this.staged === 0) return;
		this.appender!.closeSync();
		const table = `stage${this.stage}`;
		const path = join(this.dir, `events-${String(this.parts.length + 1).padStart(3, '0')}.parquet`);
		this.parts.push(path);
		const t = performance.now();
		await this.copying;
		this.waitMs += performance.now() - t;
		const sql = contractSelect(table, this.lookups);
		this.copying = (async () => {
			const s = performance.now();
			await this.copy.run(
				`COPY (${sql}) TO '${path.replace(/'/g, "''")}' (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1)`
			);
			// A dropped table gives its memory back; rows deleted from one would keep it.
			await this.copy.run(`DROP TABLE ${table}; CREATE TABLE ${table} (${STAGE_SQL})`);
			this.encodeMs += performance.now() - s;
		})();
		this.copying.catch(() => undefined);
		this.stage = 1 - this.stage;
		this.staged = 0;
		this.appender = await this.append.createAppender(`stage${this.stage}`);
	}

	async close() {
		await this.rotate();
		this.appender?.closeSync();
		this.appender = null;
		const t = performance.now();
		await this.copying;
		this.waitMs += performance.now() - t;
		this.append.closeSync();
		this.copy.closeSync();
		this.instance.closeSync();
		let capacityRows: number | null = null;
		if (this.capacityPath) {
			const s = performance.now();
			capacityRows = await writeCapacityParquet(
				this.capacityPath,
				this.groups,
				this.lookups.providers,
				this.lookups.specialties
			);
			this.encodeMs += performance.now() - s;
		}
		return {
			rows: this.rows,
			files: this.parts,
			capacityRows,
			timings: {
				encodeMs: this.encodeMs,
				writeMs: 0,
				waitMs: this.waitMs,
				handMs: this.handMs
			}
		};
	}
}

/**
 * Writes the capacity extract as Parquet (ZSTD) through DuckDB; returns the number of slots. Each
 * group is expanded into its slots in the projection (UNNEST keeps the groups' order, so no sort and
 * no materialised copy of the slots).
 */
export async function writeCapacityParquet(
	path: string,
	groups: GroupStore,
	providers: string[],
	specialties: string[]
): Promise<number> {
	const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
	const con = await instance.connect();
	try {
		await con.run(
			'CREATE TABLE groups (g INTEGER, provider INTEGER, specialty INTEGER, type INTEGER, day INTEGER, n INTEGER)'
		);
		const appender = await con.createAppender('groups');
		const chunk = DuckDBDataChunk.create(Array.from({ length: 6 }, () => INTEGER));
		const cols = Array.from({ length: 6 }, () => new Int32Array(2048));
		let rows = 0;
		for (let from = 0; from < groups.count; from += 2048) {
			const n = Math.min(2048, groups.count - from);
			for (let k = 0; k < n; k++) {
				const o = (from + k) * GROUP;
				cols[0][k] = from + k;
				for (let c = 0; c < GROUP; c++) cols[c + 1][k] = groups.data[o + c];
				rows += groups.data[o + 4];
			}
			chunk.rowCount = n;
			cols.forEach((c, i) => {
				const v = chunk.getColumnVector(i) as unknown as { items: Int32Array; flush(): void };
				v.items.set(c.subarray(0, n));
				v.flush();
			});
			appender.appendDataChunk(chunk);
		}
		appender.closeSync();
		const list = (values: string[]) => `[${values.map((v) => `'${v}'`).join(', ')}]`;
		const per = `[${SLOT_MINUTES.map((m) => Math.floor(210 / m)).join(', ')}][type + 1]`;
		const minutes = `[${SLOT_MINUTES.join(', ')}][type + 1]`;
		const labels = `${list(CLINIC_LABELS)}[type + 1]`;
		const prefix = `${list(providers)}[provider + 1] || '-' || ${list(specialties)}[specialty + 1] || '-' || ${labels}`;
		await con.run(`COPY (
  SELECT
    ${prefix} || '-' || strftime(DATE '1970-01-01' + day, '%Y%m%d') || '-' || CAST(i + 1 AS VARCHAR) AS slot_id,
    ${list(providers)}[provider + 1] AS provider_code,
    ${prefix} || CAST(i // (2 * ${per}) + 1 AS VARCHAR) AS clinic_code,
    ${list(specialties)}[specialty + 1] AS specialty_code,
    CAST(DATE '1970-01-01' + day AS TIMESTAMP) + to_minutes(CAST(
      CASE WHEN i % (2 * ${per}) < ${per} THEN 540 ELSE 810 END + (i % (2 * ${per}) % ${per}) * ${minutes} AS BIGINT)) AS slot_time,
    ${minutes} AS duration_minutes,
    CASE WHEN type >= 2 THEN 'follow_up' ELSE 'first' END AS attendance_type,
    CASE WHEN type IN (0, 2) THEN 'face_to_face' WHEN i % 5 = 4 THEN 'video' ELSE 'telephone' END AS consultation_medium
  FROM (SELECT provider, specialty, type, day, unnest(range(n)) AS i FROM groups)
) TO '${path.replace(/'/g, "''")}' (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1)`);
		return rows;
	} finally {
		con.closeSync();
		instance.closeSync();
	}
}
