import { rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { openDb, type QueryProgress } from '../lib/duckdb.ts';
import { isIsoDate } from '../../src/lib/metrics/sql.ts';
import { UserError } from '../lib/errors.ts';
import { classifyRows } from './classify.ts';
import { listInputFiles } from './input-files.ts';
import { buildModel } from './model.ts';
import {
	keyFromEnvironment,
	definePseudonym,
	KEY_VARIABLE,
	type PseudonymKey
} from './pseudonymise.ts';
import { lockDataset, type LockHolder } from './lock.ts';
import { pauseAt } from '../lib/pause.ts';
import { publish, writeQuarantine, type Manifest } from './publish.ts';
import type { Retention } from './swap.ts';
import {
	createRawTable,
	createRawView,
	keepQuarantinedTextOnly,
	readEventFile,
	type FileReading
} from './read-events.ts';
import { countRows, type RunReport } from './report.ts';
import { checkRows } from './validate.ts';
import { loadReference, worldFileBeside } from './reference.ts';

export interface PipelineOptions {
	input: string;
	out: string;
	/** Events may not be dated after this day; default today. */
	extractDate?: string;
	key?: PseudonymKey;
	/** Told of each step as it starts. */
	onStep?: (step: string) => void;
	/** Told once if the demo key is used. */
	onWarning?: (message: string) => void;
	/** Where DuckDB may spill when the data outgrows memory (default: the system's temp folder). */
	tempDirectory?: string;
	/** DuckDB's memory limit, e.g. `8GB` (default: half of this machine's memory). */
	memoryLimit?: string;
	/** Refuse to run with the public demo key. */
	strict?: boolean;
	/**
	 * Largest share of rows (0–1) that may be quarantined before the run refuses to publish,
	 * keeping the previous dataset; default 0.05. The run report is still written beside it.
	 */
	maxQuarantine?: number;
	/** Told how far each long query has gone (DuckDB's own estimate). */
	onProgress?: (progress: QueryProgress) => void;
	/** An organisation lookup (code,name[,type] CSV or an NHS ODS extract) for names beside codes. */
	organisations?: string;
	/** When another command is publishing `out`, wait for it instead of refusing (exit 4). */
	wait?: boolean;
	/** Told once when the run starts waiting for another command's lock on `out`. */
	onWaitForLock?: (holder: LockHolder) => void;
	/** Which replaced versions of the dataset to keep (default: the previous, and 24 hours). */
	retention?: Retention;
}

/** The shortest key `--strict` accepts: 32 characters, as 24 random bytes in base64 make. */
export const MIN_KEY_LENGTH = 32;

/** The run quarantined more than `--max-quarantine` allows: nothing was published. */
export class QuarantineLimitError extends UserError {
	override name = 'QuarantineLimitError';
	readonly report: RunReport;
	constructor(message: string, report: RunReport, exitCode = 3) {
		super(message, exitCode);
		this.report = report;
	}
}

/** The run accepted no event at all: nothing was published (exit 5). */
export class NoEventsError extends QuarantineLimitError {
	override name = 'NoEventsError';
	constructor(message: string, report: RunReport) {
		super(message, report, 5);
	}
}

export const DEFAULT_MAX_QUARANTINE = 0.05;

/** Where a run's report goes when its dataset is not published: beside the dataset folder. */
export function rejectedReportPath(out: string): string {
	const target = resolve(out);
	return join(dirname(target), `${basename(target)}.rejected-run-report.json`);
}

/** Where a refused run's quarantined rows go, beside its report (for the operator only). */
export function rejectedQuarantinePath(out: string): string {
	const target = resolve(out);
	return join(dirname(target), `${basename(target)}.rejected-quarantine.csv`);
}

export interface PipelineResult {
	report: RunReport;
	manifest: Manifest;
}

/** `12 rows read: 0 accepted, …` for a message. */
function fmtRows(report: RunReport): string {
	const n = (x: number) => x.toLocaleString('en-GB');
	return `${n(report.read)} row${report.read === 1 ? '' : 's'} read: ${n(report.accepted)} accepted, ${n(report.duplicates)} duplicates, ${n(report.quarantined)} quarantined`;
}

export function today(): string {
	const now = new Date();
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** Reads, validates, pseudonymises, models and publishes one dataset. */
export async function runPipeline(options: PipelineOptions): Promise<PipelineResult> {
	const started = performance.now();
	const extractDate = options.extractDate ?? today();
	if (!isIsoDate(extractDate)) {
		throw new UserError(`invalid --extract-date "${extractDate}": expected YYYY-MM-DD`);
	}
	const key = options.key ?? keyFromEnvironment();
	const makeOne = `make one with: node -e "console.log(require('node:crypto').randomBytes(32).toString('base64'))"`;
	if (key.demo && options.strict) {
		throw new UserError(
			`${KEY_VARIABLE} is not set and --strict refuses the public demo key: set ${KEY_VARIABLE} to a long random secret (${makeOne})`
		);
	}
	if (!key.demo && key.key.length < MIN_KEY_LENGTH) {
		const message = `${KEY_VARIABLE} is ${key.key.length} characters long: a key shorter than ${MIN_KEY_LENGTH} can be guessed, and then every pseudonym reversed`;
		if (options.strict) throw new UserError(`${message}; --strict refuses it (${makeOne})`);
		options.onWarning?.(`WARNING: ${message}. Set a longer one (${makeOne}).`);
	}
	const maxQuarantine = options.maxQuarantine ?? DEFAULT_MAX_QUARANTINE;
	if (!(maxQuarantine >= 0 && maxQuarantine <= 1)) {
		throw new UserError(`invalid --max-quarantine ${maxQuarantine}: expected a share from 0 to 1`);
	}
	if (key.demo) {
		options.onWarning?.(
			`WARNING: ${KEY_VARIABLE} is not set, so identifiers are pseudonymised with the public demo key. ` +
				`Anyone can reverse them. Set ${KEY_VARIABLE} to a long random secret before running on real data.`
		);
	}
	const timings: Record<string, number> = {};
	let current: { name: string; began: number } | null = null;
	const step = (name: string) => {
		const now = performance.now();
		if (current) timings[current.name] = Math.round(now - current.began) / 1000;
		current = name ? { name, began: now } : null;
		if (name) options.onStep?.(name);
	};
	const lock = await lockDataset(options.out, {
		wait: options.wait,
		onWait: options.onWaitForLock
	});
	try {
		await pauseAt('lock');
		return await publishRun(options, { started, extractDate, key, maxQuarantine, step, timings });
	} finally {
		await lock.release();
	}
}

interface RunState {
	started: number;
	extractDate: string;
	key: PseudonymKey;
	maxQuarantine: number;
	step: (name: string) => void;
	timings: Record<string, number>;
}

/** The run itself, under the dataset's lock. */
async function publishRun(
	options: PipelineOptions,
	{ started, extractDate, key, maxQuarantine, step, timings }: RunState
): Promise<PipelineResult> {
	const inputs = await listInputFiles(options.input);
	const files = inputs.filter((f) => f.kind === 'events');
	if (files.length === 0) {
		throw new UserError(
			`input "${options.input}" holds only a capacity extract (slot_id header) and no event files`
		);
	}
	const otherFiles = inputs
		.filter((f) => f.kind === 'capacity')
		.map((f) => ({
			file: f.name,
			kind: 'capacity' as const,
			bytes: f.bytes,
			note: 'capacity extract: recognised by its slot_id column and not read as events'
		}));
	const reference = await loadReference({
		organisationsFile: options.organisations,
		worldFile: await worldFileBeside(options.input)
	});
	const db = await openDb({
		tempDirectory: options.tempDirectory,
		memoryLimit: options.memoryLimit
	});
	if (options.onProgress) db.watch(options.onProgress);
	try {
		await createRawTable(db);
		const readings: FileReading[] = [];
		step(files.length === 1 ? `reading ${files[0].name}` : `reading ${files.length} files`);
		for (const [i, file] of files.entries()) readings.push(await readEventFile(db, file, i + 1));
		await createRawView(db, readings);
		step('validating');
		await checkRows(db, extractDate);
		step('finding duplicates and contradictions');
		await classifyRows(db);
		await definePseudonym(db, key);
		step('counting');
		const { total, files: fileReports, examples } = await countRows(db, readings);
		const [period] =
			await db.all(`SELECT strftime(MIN(CAST(event_ts AS DATE)), '%Y-%m-%d') AS "from",
  strftime(MAX(CAST(event_ts AS DATE)), '%Y-%m-%d') AS "to" FROM classified WHERE _status = 'accepted'`);
		const report: RunReport = {
			...total,
			extractDate,
			dataPeriod: period?.from ? (period as { from: string; to: string }) : null,
			files: fileReports,
			...(otherFiles.length ? { otherFiles } : {}),
			examples,
			pseudonymisation: { method: 'HMAC-SHA256, first 128 bits, hex', demoKey: key.demo },
			seconds: 0,
			timings
		};
		// Refusals, in order of their exit status: too many rows quarantined (3), then no event (5).
		const pct = (n: number) => `${(n * 100).toFixed(1)}%`;
		const refusal =
			report.read > 0 && report.quarantined / report.read > maxQuarantine
				? (path: string) =>
						new QuarantineLimitError(
							`${pct(report.quarantined / report.read)} of rows were quarantined, over the limit of ${pct(maxQuarantine)}: ` +
								`nothing was published and the previous dataset is still served. See ${path}`,
							report
						)
				: report.accepted === 0
					? (path: string) =>
							new NoEventsError(
								`the extract holds no event that could be accepted (${fmtRows(report)}): ` +
									`nothing was published and the previous dataset is still served. See ${path}`,
								report
							)
					: null;
		if (refusal) {
			step('');
			report.seconds = Math.round((performance.now() - started) / 10) / 100;
			const path = rejectedReportPath(options.out);
			await writeFile(path, `${JSON.stringify(report, null, 2)}\n`);
			await writeQuarantine(db, rejectedQuarantinePath(options.out));
			throw refusal(path);
		}
		await keepQuarantinedTextOnly(db);
		step('modelling pathways and appointments');
		report.modelTimings = await buildModel(db, extractDate);
		step(`publishing ${options.out}`);
		const manifest = await publish(db, options.out, report, {
			beforeReport: () => {
				step('');
				report.seconds = Math.round((performance.now() - started) / 10) / 100;
			},
			reference,
			retention: options.retention
		});
		// A refusal's report, from an earlier run, no longer says what is served.
		await rm(rejectedReportPath(options.out), { force: true });
		await rm(rejectedQuarantinePath(options.out), { force: true });
		return { report, manifest };
	} finally {
		db.close();
	}
}
