/**
 * Publishing the dataset: every file is written to a fresh folder beside the target, verified,
 * then swapped in by rename, so readers see the old dataset or the new one, never half of each.
 */
import { mkdir, open, readdir, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { COLUMNS, CONTRACT_VERSION, PSEUDONYMISED } from '../lib/contract.ts';
import type { Db } from '../lib/duckdb.ts';
import { UserError } from '../lib/errors.ts';
import { sqlString } from '../../src/lib/metrics/sql.ts';
import {
	SUPPORTED_SCHEMA_VERSION,
	type DatasetFile,
	type DatasetManifest,
	type DatasetTable
} from '../../src/lib/dataset/schema.ts';
import { aggregateOrder, AGGREGATES } from './aggregates.ts';
import { AGGREGATE_LEVELS, levelTable } from '../../src/lib/metrics/levels.ts';
import { firstView } from '../../src/lib/metrics/first-view.ts';
import { stopwatch } from '../lib/stopwatch.ts';
import { FILES_TABLE, RAW_TABLE } from './read-events.ts';
import type { RunReport } from './report.ts';
import type { Retention } from './swap.ts';
import { publishVersion, sha256File } from './version.ts';
import {
	codesInData,
	completeness,
	writeQuality,
	writeReference,
	type Reference
} from './reference.ts';

/** Version of the published dataset's layout (manifest, files, tables, columns). */
export const SCHEMA_VERSION = SUPPORTED_SCHEMA_VERSION;

/** How a published table is laid out and the order its rows are written in. */
export interface PublishedTable {
	name: string;
	kind: DatasetTable['kind'];
	/**
	 * One file per provider (`NAME/provider=CODE/NAME.parquet`) or commissioner, or one file; the
	 * aggregates' files are under `aggregates/`.
	 */
	partitionedBy: DatasetTable['partitionedBy'];
	/**
	 * Within a file: the dashboard's other filter columns first, ending in a key that is unique, so
	 * a re-run writes the same bytes.
	 */
	orderBy: string;
	/** Columns replaced by their keyed pseudonyms as they are written. */
	identifiers: readonly string[];
}

/** Every published table: the event-level facts, partitioned by provider, then the aggregates. */
export const TABLES: readonly PublishedTable[] = [
	{
		name: 'pathways',
		kind: 'facts',
		partitionedBy: 'provider',
		orderBy: 'commissioner_code, specialty_code, priority, referral_date, pathway_id',
		identifiers: ['pathway_id', 'patient_id']
	},
	{
		name: 'appointments',
		kind: 'facts',
		partitionedBy: 'provider',
		orderBy: 'commissioner_code, specialty_code, priority, appointment_date, appointment_id',
		identifiers: ['appointment_id', 'pathway_id', 'patient_id']
	},
	{
		name: 'stage_intervals',
		kind: 'facts',
		partitionedBy: 'provider',
		orderBy:
			'commissioner_code, specialty_code, priority, stage, entered_date, pathway_id, stage_seq',
		identifiers: ['pathway_id']
	},
	{
		name: 'pathway_reviews',
		kind: 'facts',
		partitionedBy: 'provider',
		orderBy: 'review_date, pathway_id, review, clinical_priority',
		identifiers: ['pathway_id']
	},
	...AGGREGATES.flatMap((aggregate) =>
		AGGREGATE_LEVELS.map((level): PublishedTable => ({
			name: levelTable(aggregate.name, level),
			kind: 'aggregate',
			partitionedBy: level === 'national' ? null : level,
			orderBy: aggregateOrder(aggregate, level),
			identifiers: []
		}))
	)
];

/**
 * Rows per row group in an aggregate file. The dashboard reads a census as the row groups that
 * hold its week, and decodes them whole in JavaScript: at DuckDB's default of 122,880 rows a
 * provider's census decoded some 25 times the rows it needed, and a first view of a provider
 * took 350 ms at icb. At this size a census is one or two row groups of a few thousand rows,
 * for a footer a few KB larger.
 */
export const AGGREGATE_ROW_GROUP_ROWS = 16_384;

/** The manifest written beside the Parquet: the same type the dashboard reads. */
export type Manifest = DatasetManifest;

/**
 * Provider and commissioner codes are validated ODS codes; checked again here because they become
 * folder names.
 */
const SAFE_CODE = /^[A-Z0-9]{3,6}$/;

/** The length of a Parquet file's footer: its metadata, the 4-byte length and `PAR1`. */
async function footerBytes(path: string, size: number): Promise<number> {
	const handle = await open(path, 'r');
	try {
		const tail = Buffer.alloc(8);
		await handle.read(tail, 0, 8, size - 8);
		if (tail.toString('latin1', 4) !== 'PAR1') throw new Error(`${path} does not end in PAR1`);
		return tail.readUInt32LE(0) + 8;
	} finally {
		await handle.close();
	}
}

async function isDataset(dir: string): Promise<boolean> {
	const entries = await readdir(dir).catch(() => null);
	return entries === null || entries.length === 0 || entries.includes('manifest.json');
}

/** The temporary table of pseudonyms for an identifier column that several tables publish. */
const pseudonymsOf = (column: string) => `pseudonyms_of_${column}`;

/** Identifier columns published by more than one table (a pathway id is in every table). */
function sharedIdentifiers(): string[] {
	const all = TABLES.flatMap((t) => t.identifiers);
	return [...new Set(all.filter((c, i) => all.indexOf(c) !== i))];
}

/**
 * The keyed hash is the slow part of publishing, and a pathway or patient id appears in many
 * rows of several tables: each such value is hashed once, into a temporary table of pseudonyms.
 */
async function createPseudonyms(db: Db): Promise<void> {
	for (const column of sharedIdentifiers()) {
		const values = TABLES.filter((t) => t.identifiers.includes(column)).map(
			(t) => `SELECT ${column} AS value FROM ${t.name}`
		);
		await db.run(`CREATE OR REPLACE TEMP TABLE ${pseudonymsOf(column)} AS
SELECT value, pseudonym(value) AS pseudonym
FROM (${values.join(' UNION ')}) v
WHERE value IS NOT NULL`);
	}
}

/** The files a table is written to: one per provider or commissioner, or one when it is not split. */
async function plannedFiles(
	db: Db,
	{ name, kind, partitionedBy }: PublishedTable
): Promise<PlannedFile[]> {
	const dir = kind === 'aggregate' ? `aggregates/${name}` : name;
	if (partitionedBy === null) {
		const [{ rows }] = await db.all(`SELECT CAST(COUNT(*) AS DOUBLE) AS rows FROM ${name}`);
		return [{ file: `${dir}.parquet`, partition: null, expected: rows as number }];
	}
	const column = `${partitionedBy}_code`;
	const parts = (await db.all(`SELECT ${column} AS value, CAST(COUNT(*) AS DOUBLE) AS rows
FROM ${name} GROUP BY ${column} ORDER BY ${column}`)) as { value: string | null; rows: number }[];
	// A table with no rows is one empty file, so that readers still find its columns.
	if (parts.length === 0) return [{ file: `${dir}/${name}.parquet`, partition: null, expected: 0 }];
	return parts.map(({ value, rows }) => {
		// Rows with no code (a commissioner unknown to the extract) go in a file of their own,
		// which no filter reads but which keeps the table's counts whole.
		if (value === null) {
			return {
				file: `${dir}/${partitionedBy}=unknown/${name}.parquet`,
				partition: null,
				expected: rows
			};
		}
		if (!SAFE_CODE.test(value)) {
			throw new Error(`${column} "${value}" in ${name} cannot name a folder: expected an ODS code`);
		}
		return {
			file: `${dir}/${partitionedBy}=${value}/${name}.parquet`,
			partition: value,
			expected: rows
		};
	});
}

/** Writes one table's Parquet files into `staging`, verifies their row counts, and describes them. */
export async function writeTable(
	db: Db,
	staging: string,
	table: PublishedTable
): Promise<DatasetTable> {
	const { name, identifiers } = table;
	const shared = sharedIdentifiers();
	const replaced = identifiers.map((c) =>
		shared.includes(c) ? `${pseudonymsOf(c)}.pseudonym AS ${c}` : `pseudonym(t.${c}) AS ${c}`
	);
	const joins = identifiers
		.filter((c) => shared.includes(c))
		.map((c) => `\nLEFT JOIN ${pseudonymsOf(c)} ON ${pseudonymsOf(c)}.value = t.${c}`);
	const select = `SELECT ${replaced.length ? `t.* REPLACE (${replaced.join(', ')})` : 't.*'}
FROM ${name} t${joins.join('')}`;
	const planned = await plannedFiles(db, table);
	// Pseudonymise once into a staging table, then cut one file per provider from it: joining the
	// pseudonyms again for every provider's file would cost a hash build per file.
	const source = planned.length > 1 && identifiers.length > 0 ? `publishing_${name}` : null;
	if (source) await db.run(`CREATE OR REPLACE TEMP TABLE ${source} AS ${select}`);
	const files: DatasetFile[] = [];
	const column = `${table.partitionedBy}_code`;
	for (const one of planned) {
		const { partition } = one;
		const where =
			table.partitionedBy === null
				? ''
				: `\nWHERE ${column} ${partition === null ? 'IS NULL' : `= ${sqlString(partition)}`}`;
		const query = source ? `SELECT * FROM ${source}${where}` : `${select}${where}`;
		files.push(await writeParquet(db, staging, table, query, one));
	}
	if (source) await db.run(`DROP TABLE ${source}`);
	return describeTable(table, files);
}

/** A file of a table to write: its path in the dataset, its partition and the rows it must hold. */
export interface PlannedFile {
	file: string;
	partition: string | null;
	expected: number;
}

/**
 * Writes `query`'s rows to one file of `table` under `staging`, in the table's order and row
 * groups, checks it holds the rows expected, and describes it for the manifest.
 */
export async function writeParquet(
	db: Db,
	staging: string,
	table: PublishedTable,
	query: string,
	{ file, partition, expected }: PlannedFile
): Promise<DatasetFile> {
	const path = join(staging, file);
	await mkdir(dirname(path), { recursive: true });
	await db.run(`COPY (${query}
ORDER BY ${table.orderBy})
TO ${sqlString(path)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${table.kind === 'aggregate' ? AGGREGATE_ROW_GROUP_ROWS : 122_880})`);
	const [{ rows }] = await db.all(
		`SELECT CAST(COUNT(*) AS DOUBLE) AS rows FROM read_parquet(${sqlString(path)})`
	);
	if (rows !== expected) {
		throw new Error(`verification failed: ${file} holds ${rows} rows, expected ${expected}`);
	}
	const { size } = await stat(path);
	return {
		file,
		partition,
		rows: rows as number,
		bytes: size,
		footerBytes: await footerBytes(path, size),
		sha256: await sha256File(path)
	};
}

/** A table's manifest entry, from its files. */
export function describeTable(table: PublishedTable, files: DatasetFile[]): DatasetTable {
	return {
		kind: table.kind,
		partitionedBy: table.partitionedBy,
		rows: files.reduce((sum, f) => sum + f.rows, 0),
		bytes: files.reduce((sum, f) => sum + f.bytes, 0),
		files
	};
}

/** Writes every aggregate table at every level into `staging`; their manifest entries. */
export async function writeAggregates(db: Db, staging: string): Promise<Manifest['tables']> {
	const tables: Manifest['tables'] = {};
	for (const table of TABLES.filter((t) => t.kind === 'aggregate')) {
		tables[table.name] = await writeTable(db, staging, table);
	}
	return tables;
}

/**
 * Writes `first-view.json`, the overview's default view worked out from the aggregates in `db`,
 * so the page draws it before its query engine has started.
 */
export async function writeFirstView(db: Db, staging: string, dataEnd: string): Promise<void> {
	const view = await firstView((sql) => db.all(sql), dataEnd);
	await writeFile(join(staging, 'first-view.json'), `${JSON.stringify(view)}\n`);
}

/** Quarantined rows as they were written, but for the identifiers, which are pseudonymised. */
const QUARANTINE_COLUMNS = COLUMNS.map((c) =>
	PSEUDONYMISED.includes(c) ? `pseudonym(r.${c}) AS ${c}` : `r.${c}`
);

/**
 * Writes every quarantined row to `path` (CSV) with its file, line, rule and reason, for the
 * operator: never served, since a misaligned row may hold an identifier in any column.
 */
export async function writeQuarantine(db: Db, path: string): Promise<void> {
	await db.run(`COPY (
  SELECT f._file AS file, r._line AS line, v._rule AS rule, v._reason AS reason,
    ${QUARANTINE_COLUMNS.join(', ')}
  FROM verdicts v
  JOIN ${RAW_TABLE} r USING (_id)
  JOIN ${FILES_TABLE} f USING (_file_no)
  WHERE v._status = 'quarantined'
  ORDER BY r._file_no, r._line
) TO ${sqlString(path)} (HEADER, DELIMITER ',')`);
}

export interface PublishOptions {
	/** Called when the files are written, before the run report is: the last chance to amend it. */
	beforeReport?: () => void;
	/** Names for the codes in the data (reference.json); none when absent. */
	reference?: Reference;
	/** Which replaced versions to keep (swap.ts). */
	retention?: Retention;
}

/** Writes, verifies and swaps in the dataset; returns its manifest. The caller holds its lock. */
export async function publish(
	db: Db,
	out: string,
	report: RunReport,
	{ beforeReport = () => {}, reference, retention }: PublishOptions = {}
): Promise<Manifest> {
	const target = resolve(out);
	if (!(await isDataset(target))) {
		throw new UserError(
			`--out "${out}" is a folder that holds other files and no manifest.json: choose an empty or new folder`
		);
	}
	await mkdir(dirname(target), { recursive: true });
	return publishVersion(
		target,
		async (staging) => {
			const tables: Manifest['tables'] = {};
			const { seconds, lap } = stopwatch();
			await createPseudonyms(db);
			lap('pseudonyms');
			for (const table of TABLES) {
				tables[table.name] = await writeTable(db, staging, table);
				lap(table.name);
			}
			for (const column of sharedIdentifiers()) await db.run(`DROP TABLE ${pseudonymsOf(column)}`);
			await writeQuarantine(db, join(staging, 'quarantine.csv'));
			if (reference) await writeReference(staging, reference, await codesInData(db));
			await writeQuality(staging, await completeness(db));
			if (report.dataPeriod) await writeFirstView(db, staging, report.dataPeriod.to);
			lap('quarantine, reference, quality, first view');
			report.publishTimings = seconds;
			beforeReport();
			await writeFile(join(staging, 'run-report.json'), `${JSON.stringify(report, null, 2)}\n`);
			return {
				schemaVersion: SCHEMA_VERSION,
				contractVersion: CONTRACT_VERSION,
				builtAt: new Date().toISOString(),
				extractDate: report.extractDate,
				dataPeriod: report.dataPeriod,
				tables,
				pseudonymisation: report.pseudonymisation,
				source: {
					files: report.files.map((f) => f.file),
					rowsRead: report.read,
					rowsAccepted: report.accepted
				}
			};
		},
		retention
	);
}
