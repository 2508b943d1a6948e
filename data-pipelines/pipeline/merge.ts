/**
 * Merging published datasets: regions (or trusts) publish their own extracts, and a national
 * dataset is their union, made without reading an event again. This is how all of England is
 * published on one machine: each region's run needs the memory and spill of one region, not of
 * the country, and the merge reads only the regions' aggregates.
 *
 * Providers must be disjoint (each provider's pathways come from one run, so every pathway and
 * every weekly count is whole), the extract date the same, and the pseudonymisation key the same
 * (the key itself is never in a dataset; publish every region with the same PATHWAY_INSIGHT_KEY
 * so that a patient seen in two regions has one pseudonym).
 *
 * Event-level files are carried over as they are, with their manifest entries (bytes and SHA-256
 * unchanged): hard-linked where the datasets share a disk (published files are never rewritten in
 * place, so a link costs neither time nor space), copied where they do not. The provider-level aggregates are concatenated and the commissioner and national
 * levels made again from them by the pipeline's own code, as are `first-view.json`, the names
 * (`reference.json`), completeness (`quality.json`), quarantine and the run report, which adds up
 * the regions' counts file by file.
 */
import { copyFile, link, mkdir, readFile, realpath, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { readManifest } from '../lib/dataset.ts';
import { openDb } from '../lib/duckdb.ts';
import { UserError } from '../lib/errors.ts';
import { sqlString } from '../../src/lib/metrics/sql.ts';
import {
	COMPLETENESS_FIELDS,
	type QualityFile,
	type ReferenceFile
} from '../../src/lib/reference/files.ts';
import { AGGREGATES, buildRollups } from './aggregates.ts';
import {
	SCHEMA_VERSION,
	TABLES,
	writeAggregates,
	writeFirstView,
	type Manifest
} from './publish.ts';
import type { FileReport, RunReport } from './report.ts';
import { pauseAt } from '../lib/pause.ts';
import { lockDatasets, type LockHolder } from './lock.ts';
import type { Retention } from './swap.ts';
import { publishVersion } from './version.ts';

export interface MergeOptions {
	/** Published dataset folders, each from its own pipeline run. */
	inputs: string[];
	out: string;
	memoryLimit?: string;
	tempDirectory?: string;
	/** When another command is publishing `out`, wait for it instead of refusing (exit 4). */
	wait?: boolean;
	onWaitForLock?: (holder: LockHolder) => void;
	/** Which replaced versions of `out` to keep. */
	retention?: Retention;
}

async function readJson<T>(dir: string, name: string): Promise<T | null> {
	const text = await readFile(join(dir, name), 'utf8').catch(() => null);
	return text === null ? null : (JSON.parse(text) as T);
}

/** The one value every input agrees on, or a message naming the ones that differ. */
function same<T>(inputs: string[], values: T[], what: string, fix: string): T {
	const shown = values.map((v) => JSON.stringify(v));
	const odd = shown.findIndex((v) => v !== shown[0]);
	if (odd > 0) {
		throw new UserError(
			`the datasets have different ${what} (${inputs[0]}: ${shown[0]}, ${inputs[odd]}: ${shown[odd]}): ${fix}`
		);
	}
	return values[0];
}

function sum(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
	const out = { ...a };
	for (const [k, n] of Object.entries(b)) out[k] = (out[k] ?? 0) + n;
	return out;
}

/** The regions' run reports as one: counts added, files listed under their region's name. */
function mergeReports(
	inputs: string[],
	reports: RunReport[],
	manifest: Omit<Manifest, 'documents'>
): RunReport {
	const files: FileReport[] = reports.flatMap((r, i) =>
		r.files.map((f) => ({ ...f, file: `${basename(inputs[i])}/${f.file}` }))
	);
	return {
		read: reports.reduce((n, r) => n + r.read, 0),
		accepted: reports.reduce((n, r) => n + r.accepted, 0),
		duplicates: reports.reduce((n, r) => n + r.duplicates, 0),
		quarantined: reports.reduce((n, r) => n + r.quarantined, 0),
		rules: reports.reduce((m, r) => sum(m, r.rules), {}),
		warnings: reports.reduce((m, r) => sum(m, r.warnings), {}),
		extractDate: manifest.extractDate,
		dataPeriod: manifest.dataPeriod,
		files,
		otherFiles: reports.flatMap((r, i) =>
			(r.otherFiles ?? []).map((f) => ({ ...f, file: `${basename(inputs[i])}/${f.file}` }))
		),
		examples: reports
			.flatMap((r, i) =>
				r.examples.map((e) => ({ ...e, file: `${basename(inputs[i])}/${e.file}` }))
			)
			.slice(0, 20),
		pseudonymisation: manifest.pseudonymisation,
		seconds: reports.reduce((n, r) => n + r.seconds, 0),
		timings: reports.reduce((m, r) => sum(m, r.timings), {})
	};
}

function mergeQuality(files: QualityFile[]): QualityFile {
	const zero = () =>
		Object.fromEntries(COMPLETENESS_FIELDS.map((f) => [f, 0])) as Record<
			(typeof COMPLETENESS_FIELDS)[number],
			number
		>;
	const total = { pathways: 0, known: zero() };
	for (const { completeness } of files) {
		total.pathways += completeness.pathways;
		for (const f of COMPLETENESS_FIELDS) total.known[f] += completeness.known[f];
	}
	const byProvider = files
		.flatMap((q) => q.completeness.byProvider)
		.sort((a, b) => (a.provider < b.provider ? -1 : 1));
	return { completeness: { ...total, byProvider } };
}

function mergeReference(files: ReferenceFile[]): ReferenceFile {
	return {
		specialties: Object.assign({}, ...files.map((f) => f.specialties)),
		providers: Object.assign({}, ...files.map((f) => f.providers)),
		commissioners: Object.assign({}, ...files.map((f) => f.commissioners)),
		sources: [...new Set(files.flatMap((f) => f.sources))]
	};
}

/** A hard link to `from` at `to`, or a copy where a link cannot be made (another disk, say). */
async function linkOrCopy(from: string, to: string): Promise<void> {
	try {
		await link(from, to);
	} catch {
		await copyFile(from, to);
	}
}

/** Merges the datasets into `out` (written beside it, checked, then swapped in); its manifest. */
export async function mergeDatasets(options: MergeOptions): Promise<Manifest> {
	const { inputs, out } = options;
	if (inputs.length < 2) throw new UserError('name at least two published datasets to merge');
	const target = resolve(out);
	if (inputs.map((i) => resolve(i)).includes(target)) {
		throw new UserError(`--out "${out}" is one of the datasets being merged: choose a new folder`);
	}
	// The inputs' locks too: a region republished while it is being read, and its old version
	// removed, would be read half from one version and half from nothing.
	const lock = await lockDatasets([out, ...inputs], {
		wait: options.wait,
		onWait: options.onWaitForLock
	});
	try {
		await pauseAt('lock');
		return await merge(options);
	} finally {
		await lock.release();
	}
}

async function merge({
	inputs,
	out,
	memoryLimit,
	tempDirectory,
	retention
}: MergeOptions): Promise<Manifest> {
	const target = resolve(out);
	// Each input's current version, read from its own folder: a region republished while this
	// runs swaps its link, and the merge must not read half of one version and half of the next.
	const dirs = await Promise.all(
		inputs.map((i) =>
			realpath(i).catch(() => {
				throw new UserError(`no dataset at "${i}": publish one with npm run pipeline`);
			})
		)
	);
	const manifests = await Promise.all(dirs.map((d) => readManifest(d)));
	const extractDate = same(
		inputs,
		manifests.map((m) => m.extractDate),
		'extract dates',
		'publish every region from extracts of the same date'
	);
	const pseudonymisation = same(
		inputs,
		manifests.map((m) => m.pseudonymisation),
		'pseudonymisation',
		'publish every region with the same PATHWAY_INSIGHT_KEY'
	);
	same(
		inputs,
		manifests.map((m) => m.contractVersion),
		'input contract versions',
		'publish every region with the same version of the pipeline'
	);
	// Each provider's rows must come from one dataset, or its pathways and counts would be split.
	const owner = new Map<string, number>();
	manifests.forEach((m, i) => {
		for (const f of m.tables.pathways?.files ?? []) {
			if (f.partition === null) continue;
			const other = owner.get(f.partition);
			if (other !== undefined) {
				throw new UserError(
					`provider ${f.partition} is in both ${inputs[other]} and ${inputs[i]}: each provider's events must be published in one run, so merge datasets of different providers`
				);
			}
			owner.set(f.partition, i);
		}
	});

	await mkdir(dirname(target), { recursive: true });
	const db = await openDb({ memoryLimit, tempDirectory });
	try {
		return await publishVersion(target, (staging) => write(staging), retention);
	} finally {
		db.close();
	}

	async function write(staging: string): Promise<Omit<Manifest, 'documents'>> {
		const tables: Manifest['tables'] = {};
		// Event-level tables: each region's per-provider files, as they are.
		for (const { name } of TABLES.filter((t) => t.kind === 'facts')) {
			const files = manifests.flatMap((m, i) =>
				(m.tables[name]?.files ?? [])
					.filter((f) => f.partition !== null || f.rows > 0)
					.map((f) => ({ f, dir: dirs[i] }))
			);
			// A table no region has rows in stays one empty file, as the pipeline writes it.
			const kept = files.length ? files : [{ f: manifests[0].tables[name].files[0], dir: dirs[0] }];
			for (const { f, dir } of kept) {
				await mkdir(dirname(join(staging, f.file)), { recursive: true });
				await linkOrCopy(join(dir, f.file), join(staging, f.file));
			}
			const entries = kept.map(({ f }) => f).sort((a, b) => (a.file < b.file ? -1 : 1));
			tables[name] = {
				kind: 'facts',
				partitionedBy: 'provider',
				rows: entries.reduce((n, f) => n + f.rows, 0),
				bytes: entries.reduce((n, f) => n + f.bytes, 0),
				files: entries
			};
		}
		// Aggregates: the provider level is every region's rows; the other levels are made again.
		for (const { name } of AGGREGATES) {
			const paths = manifests.flatMap((m, i) =>
				m.tables[name].files.map((f) => sqlString(join(dirs[i], f.file)))
			);
			await db.run(
				`CREATE TABLE ${name} AS SELECT * FROM read_parquet([${paths.join(', ')}], union_by_name = true)`
			);
		}
		await buildRollups(db);
		Object.assign(tables, await writeAggregates(db, staging));
		const periods = manifests.flatMap((m) => (m.dataPeriod ? [m.dataPeriod] : []));
		const dataPeriod = periods.length
			? {
					from: periods.map((p) => p.from).sort()[0],
					to: periods.map((p) => p.to).sort()[periods.length - 1]
				}
			: null;
		const manifest: Omit<Manifest, 'documents'> = {
			schemaVersion: SCHEMA_VERSION,
			contractVersion: manifests[0].contractVersion,
			builtAt: new Date().toISOString(),
			extractDate,
			dataPeriod,
			tables,
			pseudonymisation,
			source: {
				files: manifests.flatMap((m, i) =>
					m.source.files.map((f) => `${basename(inputs[i])}/${f}`)
				),
				rowsRead: manifests.reduce((n, m) => n + m.source.rowsRead, 0),
				rowsAccepted: manifests.reduce((n, m) => n + m.source.rowsAccepted, 0)
			}
		};
		if (dataPeriod) await writeFirstView(db, staging, dataPeriod.to);
		const references = (
			await Promise.all(dirs.map((d) => readJson<ReferenceFile>(d, 'reference.json')))
		).filter((r) => r !== null);
		if (references.length) {
			await writeFile(
				join(staging, 'reference.json'),
				`${JSON.stringify(mergeReference(references), null, 2)}\n`
			);
		}
		const qualities = await Promise.all(dirs.map((d) => readJson<QualityFile>(d, 'quality.json')));
		if (qualities.every((q) => q !== null)) {
			await writeFile(
				join(staging, 'quality.json'),
				`${JSON.stringify(mergeQuality(qualities as QualityFile[]), null, 2)}\n`
			);
		}
		// The quarantined rows of every region, one header, each row's file under its region.
		const quarantines = dirs.map(
			(d, i) => `SELECT * REPLACE (${sqlString(`${basename(inputs[i])}/`)} || file AS file)
  FROM read_csv(${sqlString(join(d, 'quarantine.csv'))}, header = true, all_varchar = true)`
		);
		await db.run(`COPY (
${quarantines.join('\nUNION ALL BY NAME\n')}
) TO ${sqlString(join(staging, 'quarantine.csv'))} (HEADER, DELIMITER ',')`);
		const reports = await Promise.all(dirs.map((d) => readJson<RunReport>(d, 'run-report.json')));
		if (reports.every((r) => r !== null)) {
			const report = mergeReports(inputs, reports as RunReport[], manifest);
			await writeFile(join(staging, 'run-report.json'), `${JSON.stringify(report, null, 2)}\n`);
		}
		return manifest;
	}
}
