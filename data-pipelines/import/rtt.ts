/**
 * `npm run import:rtt`: NHS England's monthly RTT Full CSV (or the published `.zip` that holds
 * it) as a published dataset of kind `rtt-published`, so that its month's waiting list is worked
 * out by the same SQL as ours (waiting-list.ts, on week band and count rows) and shown on the
 * waits page, on its own or as a benchmark beside local data.
 *
 * The file has one row per provider × commissioner × part × treatment function: `Period`
 * (`RTT-June-2025`), `Provider Org Code`, `Commissioner Org Code`, `RTT Part Type` (`Part_1A`
 * completed admitted, `Part_1B` completed non-admitted, `Part_2` incomplete, `Part_2A`
 * incomplete with a decision to admit, a subset of `Part_2`, `Part_3` new periods), `Treatment
 * Function Code` (`C_100`…, `X02`–`X06` groups, `C_999` the total row), 105 week-band counts
 * `Gt 00 To 01 Weeks SUM 1` … `Gt 104 Weeks SUM 1`, `Total`, `Patients with unknown clock
 * start date` and `Total All`. Total rows (`C_999`) are dropped; a blank `Total` is the sum of
 * its bands, which is the base of every percentage. Columns are found by name, in any order and
 * case; every other column is ignored. A malformed row is refused with its row and column.
 */
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { unzipSync } from 'fflate';
import { openDb, type Db } from '../lib/duckdb.ts';
import { UserError } from '../lib/errors.ts';
import { lockDataset } from '../pipeline/lock.ts';
import { SCHEMA_VERSION, type Manifest } from '../pipeline/publish.ts';
import { CONTRACT_VERSION } from '../lib/contract.ts';
import { publishVersion, sha256File } from '../pipeline/version.ts';
import { sqlString } from '../../src/lib/metrics/sql.ts';
import { RTT_LIST_TABLES, rttSpecialtySql } from '../../src/lib/metrics/rtt-published.ts';

/** The bands, as the file names them: band b is "Gt bb To cc Weeks SUM 1", 104 is "Gt 104 Weeks SUM 1". */
export function bandColumn(band: number): string {
	const two = (n: number) => String(n).padStart(2, '0');
	return band >= 104 ? 'Gt 104 Weeks SUM 1' : `Gt ${two(band)} To ${two(band + 1)} Weeks SUM 1`;
}

export const RTT_PARTS = ['Part_1A', 'Part_1B', 'Part_2', 'Part_2A', 'Part_3'] as const;

const REQUIRED = {
	period: 'Period',
	provider: 'Provider Org Code',
	commissioner: 'Commissioner Org Code',
	part: 'RTT Part Type',
	treatment: 'Treatment Function Code',
	total: 'Total',
	unknown: 'Patients with unknown clock start date'
} as const;

const MONTHS = [
	'january',
	'february',
	'march',
	'april',
	'may',
	'june',
	'july',
	'august',
	'september',
	'october',
	'november',
	'december'
];

/** `RTT-June-2025` (or `June-2025`, `2025-06`) → `2025-06`; null for anything else. */
export function periodMonth(period: string): string | null {
	const text = period.trim().toLowerCase().replace(/^rtt-/, '');
	const iso = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(text);
	if (iso) return `${iso[1]}-${iso[2]}`;
	const named = /^([a-z]+)[- ](\d{4})$/.exec(text);
	const m = named ? MONTHS.indexOf(named[1]) : -1;
	return named && m >= 0 ? `${named[2]}-${String(m + 1).padStart(2, '0')}` : null;
}

/** The last day of a `YYYY-MM` month. */
const monthEnd = (month: string) => {
	const [y, m] = month.split('-').map(Number);
	return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
};

export interface ImportResult {
	manifest: Manifest;
	month: string;
	rows: number;
	totalRowsDropped: number;
	seconds: number;
}

/** The CSV inside a `.zip` (the one file ending .csv), or the file itself, as a path to read. */
async function csvOf(input: string, scratch: string): Promise<{ path: string; name: string }> {
	if (!/\.zip$/i.test(input)) return { path: input, name: basename(input) };
	let entries: Record<string, Uint8Array>;
	try {
		entries = unzipSync(new Uint8Array(await readFile(input)), {
			filter: (f) => /\.csv$/i.test(f.name)
		});
	} catch (error) {
		throw new UserError(`${input} is not a readable .zip file (${(error as Error).message})`);
	}
	const names = Object.keys(entries);
	if (names.length !== 1)
		throw new UserError(
			`${input} holds ${names.length} CSV files; expected the one RTT Full CSV (${names.join(', ') || 'none'})`
		);
	const path = join(scratch, 'rtt.csv');
	await writeFile(path, entries[names[0]]);
	return { path, name: `${basename(input)}!${names[0]}` };
}

/** Reads the CSV into `rtt_raw` (every value as text, with its row number) and checks its header. */
async function readRaw(db: Db, path: string, name: string): Promise<Map<string, string>> {
	try {
		await db.run(`CREATE TABLE rtt_raw AS
SELECT row_number() OVER () AS row_number, *
FROM read_csv(${sqlString(path)}, all_varchar = true, header = true, delim = ',', quote = '"', strict_mode = false)`);
	} catch (error) {
		throw new UserError(
			`${name} could not be read as CSV: ${(error as Error).message.split('\n')[0]}`
		);
	}
	const columns = (await db.all(`DESCRIBE rtt_raw`)).map((r) => r.column_name as string);
	const byName = new Map(columns.map((c) => [c.trim().toLowerCase(), c]));
	const found = new Map<string, string>();
	const wanted = [
		...Object.values(REQUIRED),
		...Array.from({ length: 105 }, (_, b) => bandColumn(b))
	];
	const missing = wanted.filter((w) => !byName.has(w.toLowerCase()));
	if (missing.length)
		throw new UserError(
			`${name} is not an RTT Full CSV: it has no column ${missing
				.slice(0, 3)
				.map((m) => `"${m}"`)
				.join(', ')}${missing.length > 3 ? ` (and ${missing.length - 3} more)` : ''}`
		);
	for (const w of wanted) found.set(w, byName.get(w.toLowerCase())!);
	return found;
}

/** The first row where `condition` holds, as "row N (line N+1)", or null. */
async function firstBad(db: Db, condition: string): Promise<{ row: number; value: string } | null> {
	const [hit] = await db.all(
		`SELECT CAST(row_number AS DOUBLE) AS row, bad FROM (SELECT row_number, ${condition} AS bad FROM rtt_raw) WHERE bad IS NOT NULL ORDER BY row_number LIMIT 1`
	);
	return hit ? { row: hit.row as number, value: String(hit.bad) } : null;
}

/**
 * Checks every value the import uses and builds `rtt_bands` (month, provider, commissioner,
 * part, treatment function, week band, pathways: one row per non-zero band) and `rtt_rows`
 * (each row's total and unknown clock starts), total rows dropped.
 */
async function build(db: Db, columns: Map<string, string>, name: string): Promise<string> {
	// The file's own column names (spaces and all), quoted as SQL identifiers.
	const col = (label: string) => `"${columns.get(label)!.replaceAll('"', '""')}"`;
	const where = (label: string, row: number, what: string, value: string) =>
		new UserError(
			`${name} row ${row} (line ${row + 1}), column "${label}": ${what} (found ${JSON.stringify(value.slice(0, 40))})`
		);
	const periods = await db.all(
		`SELECT DISTINCT trim(${col(REQUIRED.period)}) AS period FROM rtt_raw`
	);
	const months = new Set(periods.map((p) => periodMonth(String(p.period ?? ''))));
	if (months.has(null)) {
		const bad = await firstBad(
			db,
			`CASE WHEN NOT regexp_matches(lower(trim(COALESCE(${col(REQUIRED.period)}, ''))), '^(rtt-)?([a-z]+-\\d{4}|\\d{4}-\\d{2})$') THEN COALESCE(${col(REQUIRED.period)}, '') END`
		);
		throw where(
			REQUIRED.period,
			bad?.row ?? 1,
			'not a month such as RTT-June-2025',
			bad?.value ?? ''
		);
	}
	if (months.size !== 1)
		throw new UserError(
			`${name} holds ${months.size} months (${[...months].sort().join(', ')}): import one month's file at a time`
		);
	const month = [...months][0]!;
	// Codes: an ODS code for the provider and the commissioner, a known part, a treatment function.
	const checks: [string, string, string][] = [
		[
			REQUIRED.provider,
			`NOT regexp_full_match(trim(COALESCE({v}, '')), '[A-Za-z0-9]{3,6}')`,
			'not an ODS code'
		],
		[
			REQUIRED.commissioner,
			`NOT regexp_full_match(trim(COALESCE({v}, '')), '[A-Za-z0-9]{3,6}')`,
			'not an ODS code'
		],
		[
			REQUIRED.part,
			`trim(COALESCE({v}, '')) NOT IN (${RTT_PARTS.map(sqlString).join(', ')})`,
			`not one of ${RTT_PARTS.join(', ')}`
		],
		[
			REQUIRED.treatment,
			`NOT regexp_full_match(trim(COALESCE({v}, '')), 'C_\\d{3}|X0[2-6]|C_999')`,
			'not a treatment function code (C_100…, X02–X06, C_999)'
		]
	];
	const counts = [
		...Array.from({ length: 105 }, (_, b) => bandColumn(b)),
		REQUIRED.total,
		REQUIRED.unknown
	];
	const tests: [string, string, string][] = [
		...checks.map(
			([label, test, what]) =>
				[label, test.replaceAll('{v}', col(label)), what] as [string, string, string]
		),
		...counts.map(
			(label) =>
				[
					label,
					`trim(COALESCE(${col(label)}, '')) <> '' AND NOT regexp_full_match(trim(${col(label)}), '\\d+')`,
					'not a count (a whole number, or blank)'
				] as [string, string, string]
		)
	];
	// One scan for every rule: the first row (if any) that breaks each.
	const [firsts] = await db.all(
		`SELECT ${tests.map(([, test], i) => `CAST(MIN(row_number) FILTER (WHERE ${test}) AS DOUBLE) AS t${i}`).join(',\n  ')} FROM rtt_raw`
	);
	const broken = tests
		.map(([label, test, what], i) => ({ label, test, what, row: firsts[`t${i}`] as number | null }))
		.filter((t) => t.row !== null)
		.sort((a, b) => a.row! - b.row!);
	if (broken.length) {
		const { label, what, row } = broken[0];
		const [{ value }] = await db.all(
			`SELECT COALESCE(${col(label)}, '') AS value FROM rtt_raw WHERE row_number = ${row}`
		);
		throw where(label, row!, what, String(value));
	}
	const count = (label: string) => `CAST(COALESCE(NULLIF(trim(${col(label)}), ''), '0') AS BIGINT)`;
	await db.run(`CREATE TABLE rtt_rows AS
SELECT row_number,
       DATE ${sqlString(monthEnd(month))} AS month_end,
       upper(trim(${col(REQUIRED.provider)})) AS provider_code,
       upper(trim(${col(REQUIRED.commissioner)})) AS commissioner_code,
       trim(${col(REQUIRED.part)}) AS part,
       trim(${col(REQUIRED.treatment)}) AS treatment_function,
       ${Array.from({ length: 105 }, (_, b) => `${count(bandColumn(b))} AS b${b}`).join(',\n       ')},
       NULLIF(trim(${col(REQUIRED.total)}), '') AS total_text,
       ${count(REQUIRED.unknown)} AS unknown_clock_start
FROM rtt_raw
WHERE trim(${col(REQUIRED.treatment)}) <> 'C_999'`);
	// A Total that is given must be the sum of the bands; a blank one is taken as that sum.
	const sum = Array.from({ length: 105 }, (_, b) => `b${b}`).join(' + ');
	const [mismatch] = await db.all(
		`SELECT CAST(row_number AS DOUBLE) AS row, total_text, ${sum} AS bands FROM rtt_rows WHERE total_text IS NOT NULL AND CAST(total_text AS BIGINT) <> ${sum} ORDER BY row_number LIMIT 1`
	);
	if (mismatch)
		throw where(
			REQUIRED.total,
			mismatch.row as number,
			`not the sum of the week bands (${mismatch.bands})`,
			String(mismatch.total_text)
		);
	await db.run(`CREATE TABLE rtt_bands AS
SELECT month_end, provider_code, commissioner_code, part, treatment_function,
       CAST(band AS INTEGER) AS week_band, CAST(SUM(pathways) AS INTEGER) AS pathways
FROM (
  UNPIVOT (SELECT month_end, provider_code, commissioner_code, part, treatment_function, ${Array.from({ length: 105 }, (_, b) => `b${b}`).join(', ')} FROM rtt_rows)
  ON ${Array.from({ length: 105 }, (_, b) => `b${b} AS '${b}'`).join(', ')}
  INTO NAME band VALUE pathways
)
WHERE pathways > 0
GROUP BY ALL`);
	await db.run(`CREATE TABLE rtt_unknown_clock_start AS
SELECT month_end, provider_code, commissioner_code, part, treatment_function,
       CAST(SUM(unknown_clock_start) AS INTEGER) AS pathways
FROM rtt_rows
WHERE unknown_clock_start > 0
GROUP BY ALL`);
	// The waiting list (Part_2) at the dashboard's three levels (rtt-published.ts), the unknown
	// clock starts as a null week band.
	const specialty = rttSpecialtySql('treatment_function');
	await db.run(`CREATE TABLE ${RTT_LIST_TABLES.provider} AS
SELECT month_end, provider_code, commissioner_code, ${specialty} AS specialty_code, week_band,
       CAST(SUM(pathways) AS INTEGER) AS pathways
FROM (
  SELECT month_end, provider_code, commissioner_code, treatment_function, week_band, pathways
  FROM rtt_bands WHERE part = 'Part_2'
  UNION ALL
  SELECT month_end, provider_code, commissioner_code, treatment_function, CAST(NULL AS INTEGER), pathways
  FROM rtt_unknown_clock_start WHERE part = 'Part_2'
)
GROUP BY ALL`);
	await db.run(`CREATE TABLE ${RTT_LIST_TABLES.commissioner} AS
SELECT month_end, commissioner_code, specialty_code, week_band, CAST(SUM(pathways) AS INTEGER) AS pathways
FROM ${RTT_LIST_TABLES.provider} GROUP BY ALL`);
	await db.run(`CREATE TABLE ${RTT_LIST_TABLES.national} AS
SELECT month_end, specialty_code, week_band, CAST(SUM(pathways) AS INTEGER) AS pathways
FROM ${RTT_LIST_TABLES.provider} GROUP BY ALL`);
	return month;
}

/**
 * Writes a table as one Parquet file per provider (or commissioner) in `dir`,
 * `NAME/provider=CODE/NAME.parquet`, as the pipeline writes its aggregates; its manifest entry.
 */
async function writePartitioned(
	db: Db,
	dir: string,
	name: string,
	by: 'provider' | 'commissioner',
	orderBy: string
): Promise<Manifest['tables'][string]> {
	const codes = await db.all(`SELECT DISTINCT ${by}_code AS code FROM ${name} ORDER BY code`);
	const files: Manifest['tables'][string]['files'] = [];
	for (const { code } of codes) {
		const value = String(code);
		const file = `${name}/${by}=${value}/${name}.parquet`;
		const path = join(dir, file);
		await mkdir(dirname(path), { recursive: true });
		await db.run(
			`COPY (SELECT * FROM ${name} WHERE ${by}_code = ${sqlString(value)} ORDER BY ${orderBy}) TO ${sqlString(path)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)`
		);
		files.push({ ...(await describe(db, path, file)), partition: value });
	}
	return {
		kind: 'aggregate',
		partitionedBy: by,
		rows: files.reduce((n, f) => n + f.rows, 0),
		bytes: files.reduce((n, f) => n + f.bytes, 0),
		files
	};
}

/** A written file's manifest entry: rows, bytes, footer length and checksum. */
async function describe(
	db: Db,
	path: string,
	file: string
): Promise<Manifest['tables'][string]['files'][number]> {
	const [{ rows }] = await db.all(
		`SELECT CAST(COUNT(*) AS DOUBLE) AS rows FROM read_parquet(${sqlString(path)})`
	);
	const { size } = await stat(path);
	const footer = await readFile(path).then((b) => b.readUInt32LE(size - 8) + 8);
	return {
		file,
		partition: null,
		rows: rows as number,
		bytes: size,
		footerBytes: footer,
		sha256: await sha256File(path)
	};
}

/** Writes a table as one Parquet file in `dir`; its manifest entry. */
async function writeOne(
	db: Db,
	dir: string,
	name: string,
	orderBy: string
): Promise<Manifest['tables'][string]> {
	const file = `${name}.parquet`;
	const path = join(dir, file);
	await db.run(
		`COPY (SELECT * FROM ${name} ORDER BY ${orderBy}) TO ${sqlString(path)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)`
	);
	const entry = await describe(db, path, file);
	return {
		kind: 'facts',
		partitionedBy: null,
		rows: entry.rows,
		bytes: entry.bytes,
		files: [entry]
	};
}

/** Imports one month's RTT Full CSV (or .zip) into a published dataset at `out`. */
export async function importRtt({
	input,
	out
}: {
	input: string;
	out: string;
}): Promise<ImportResult> {
	const started = performance.now();
	if (!(await stat(input).catch(() => null))?.isFile())
		throw new UserError(`no file at ${input}: give --input the RTT Full CSV or its .zip`);
	const lock = await lockDataset(resolve(out));
	const scratch = await mkdtemp(join(tmpdir(), 'rtt-import-'));
	const db = await openDb();
	try {
		const csv = await csvOf(input, scratch);
		const columns = await readRaw(db, csv.path, csv.name);
		const month = await build(db, columns, csv.name);
		const [{ read, kept }] = await db.all(
			`SELECT CAST((SELECT COUNT(*) FROM rtt_raw) AS DOUBLE) AS read, CAST((SELECT COUNT(*) FROM rtt_rows) AS DOUBLE) AS kept`
		);
		const end = monthEnd(month);
		const keys = 'provider_code, commissioner_code, part, treatment_function';
		const manifest = await publishVersion(resolve(out), async (dir) => ({
			kind: 'rtt-published',
			month,
			schemaVersion: SCHEMA_VERSION,
			contractVersion: CONTRACT_VERSION,
			builtAt: new Date().toISOString(),
			extractDate: end,
			dataPeriod: { from: `${month}-01`, to: end },
			tables: {
				rtt_bands: await writeOne(db, dir, 'rtt_bands', `${keys}, week_band`),
				rtt_unknown_clock_start: await writeOne(db, dir, 'rtt_unknown_clock_start', keys),
				[RTT_LIST_TABLES.provider]: await writePartitioned(
					db,
					dir,
					RTT_LIST_TABLES.provider,
					'provider',
					'commissioner_code, specialty_code, week_band'
				),
				[RTT_LIST_TABLES.commissioner]: await writePartitioned(
					db,
					dir,
					RTT_LIST_TABLES.commissioner,
					'commissioner',
					'specialty_code, week_band'
				),
				[RTT_LIST_TABLES.national]: await writeOne(
					db,
					dir,
					RTT_LIST_TABLES.national,
					'specialty_code, week_band'
				)
			},
			pseudonymisation: { method: 'none: published statistics, counts only', demoKey: false },
			source: { files: [csv.name], rowsRead: read as number, rowsAccepted: kept as number }
		}));
		return {
			manifest,
			month,
			rows: read as number,
			totalRowsDropped: (read as number) - (kept as number),
			seconds: (performance.now() - started) / 1000
		};
	} finally {
		db.close();
		await rm(scratch, { recursive: true, force: true });
		await lock.release();
	}
}
