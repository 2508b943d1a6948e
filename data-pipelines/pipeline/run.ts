import { writeFile } from 'node:fs/promises';
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
import { publish, type Manifest } from './publish.ts';
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
}

/** The run quarantined more than `--max-quarantine` allows: nothing was published. */
export class QuarantineLimitError extends UserError {
	override name = 'QuarantineLimitError';
	readonly report: RunReport;
	constructor(message: string, report: RunReport) {
		super(message);
		this.report = report;
	}
}

export const DEFAULT_MAX_QUARANTINE = 0.05;

/** Where a run's report goes when its dataset is not published: beside the dataset folder. */
export function rejectedReportPath(out: string): string {
	const target = resolve(out);
	return join(dirname(target), `${basename(target)}.rejected-run-report.json`);
}

export interface PipelineResult {
	report: RunReport;
	manifest: Manifest;
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
	if (key.demo && options.strict) {
		throw new UserError(
			`${KEY_VARIABLE} is not set and --strict refuses the public demo key: set ${KEY_VARIABLE} to a long random secret`
		);
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
		if (report.read > 0 && report.quarantined / report.read > maxQuarantine) {
			step('');
			report.seconds = Math.round((performance.now() - started) / 10) / 100;
			const path = rejectedReportPath(options.out);
			await writeFile(path, `${JSON.stringify(report, null, 2)}\n`);
			const pct = (n: number) => `${(n * 100).toFixed(1)}%`;
			throw new QuarantineLimitError(
				`${pct(report.quarantined / report.read)} of rows were quarantined, over the limit of ${pct(maxQuarantine)}: ` +
					`nothing was published and the previous dataset is still served. See ${path}`,
				report
			);
		}
		await keepQuarantinedTextOnly(db);
		step('modelling pathways and appointments');
		report.modelTimings = await buildModel(db, extractDate);
		step(`publishing ${options.out}`);
		const manifest = await publish(
			db,
			options.out,
			report,
			() => {
				step('');
				report.seconds = Math.round((performance.now() - started) / 10) / 100;
			},
			reference
		);
		return { report, manifest };
	} finally {
		db.close();
	}
}
