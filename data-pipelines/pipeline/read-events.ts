import { open } from 'node:fs/promises';
import { COLUMNS, type Column } from '../lib/contract.ts';
import type { Db } from '../lib/duckdb.ts';
import { UserError } from '../lib/errors.ts';
import { sqlString } from '../../src/lib/metrics/sql.ts';
import type { InputFile } from './input-files.ts';

/** What reading one file found, before any rule is applied. */
export interface FileReading {
	file: string;
	format: 'csv' | 'ndjson';
	rows: number;
	/** Contract columns the file's header lacks. */
	missingColumns: Column[];
	/** Columns the contract does not know: ignored, never published (they may hold identifiers). */
	extraColumns: string[];
	notices: string[];
	/** SELECTs giving this file's rows in the shape of {@link RAW_TABLE}. */
	selects: string[];
}

/**
 * Every staged row, every value as text: a view over one table per input file, so each file is
 * read once, straight into its table. `_id` is unique: the file number in the high bits.
 */
export const RAW_TABLE = 'raw_events';
/** One row per input file: its number in {@link RAW_TABLE}, its name and missing columns. */
export const FILES_TABLE = 'source_files';

const FILE_BITS = 40;
const REJECT_BIT = 2 ** 39;
const noValues = COLUMNS.map((c) => `NULL::VARCHAR AS ${c}`).join(', ');

export async function createRawTable(db: Db): Promise<void> {
	await db.run(
		`CREATE OR REPLACE TABLE ${FILES_TABLE} (_file_no INTEGER, _file VARCHAR, missing VARCHAR[])`
	);
}

/** Creates {@link RAW_TABLE} over the files read, from each reading's `select`. */
export async function createRawView(db: Db, readings: FileReading[]): Promise<void> {
	const parts = readings.flatMap((r) => r.selects);
	const empty = `SELECT NULL::BIGINT AS _id, NULL::INTEGER AS _file_no, NULL::BIGINT AS _line,
  NULL::VARCHAR AS _malformed, ${noValues} WHERE false`;
	await db.run(`CREATE OR REPLACE VIEW ${RAW_TABLE} AS
${[empty, ...parts].join('\nUNION ALL\n')}`);
}

async function registerFile(db: Db, fileNo: number, reading: FileReading): Promise<void> {
	const missing = `[${reading.missingColumns.map(sqlString).join(', ')}]::VARCHAR[]`;
	await db.run(
		`INSERT INTO ${FILES_TABLE} VALUES (${fileNo}, ${sqlString(reading.file)}, ${missing})`
	);
}

async function firstLine(path: string): Promise<string> {
	const handle = await open(path, 'r');
	try {
		const buffer = Buffer.alloc(65536);
		const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
		const text = buffer.subarray(0, bytesRead).toString('utf8');
		const end = text.search(/\r?\n/);
		return end === -1 ? text : text.slice(0, end);
	} finally {
		await handle.close();
	}
}

/** Header names of a CSV file: comma separated, optionally quoted, BOM dropped. */
export function parseHeader(line: string): string[] {
	const cells: string[] = [];
	let cell = '';
	let quoted = false;
	for (let i = 0; i < line.length; i++) {
		const ch = line[i];
		if (quoted) {
			if (ch === '"' && line[i + 1] === '"') ((cell += '"'), i++);
			else if (ch === '"') quoted = false;
			else cell += ch;
		} else if (ch === '"') quoted = true;
		else if (ch === ',') (cells.push(cell), (cell = ''));
		else cell += ch;
	}
	cells.push(cell);
	return cells.map((c, i) => (i === 0 ? c.replace(/^\uFEFF/, '') : c).trim());
}

function quoteIdent(name: string): string {
	return `"${name.replaceAll('"', '""')}"`;
}

const contractSet = new Set<string>(COLUMNS);

/** Normalised text: trimmed, with empty strings as NULL. */
function cleanText(expr: string): string {
	return `NULLIF(TRIM(${expr}), '')`;
}

async function readCsv(
	db: Db,
	file: InputFile,
	fileNo: number,
	reading: FileReading
): Promise<void> {
	const header = parseHeader(await firstLine(file.path));
	const lowered = header.map((h) => h.toLowerCase());
	const seen = new Set<string>();
	const sourceNames = lowered.map((h, i) => {
		let name = h || `column_${i + 1}`;
		while (seen.has(name)) name = `${name}_dup`;
		seen.add(name);
		return name;
	});
	if (!lowered.includes('event_id') && header.length === 1 && /[;\t|]/.test(header[0])) {
		const delimiter = header[0].includes(';')
			? 'semicolon'
			: header[0].includes('\t')
				? 'tab'
				: 'pipe';
		reading.notices.push(
			`the header has one column and contains a ${delimiter}: the file looks ${delimiter}-separated, but event CSV files must be comma-separated`
		);
	}
	reading.missingColumns = COLUMNS.filter((c) => !sourceNames.includes(c));
	reading.extraColumns = header.filter((_, i) => !contractSet.has(sourceNames[i]));

	const columns = `{${sourceNames.map((n) => `${sqlString(n)}: 'VARCHAR'`).join(', ')}}`;
	const values = COLUMNS.map((c) =>
		reading.missingColumns.includes(c)
			? `NULL::VARCHAR AS ${c}`
			: `${cleanText(quoteIdent(c))} AS ${c}`
	);
	const table = `raw_file_${fileNo}`;
	const rejects = `raw_rejects_${fileNo}`;
	await db.run(`DROP TABLE IF EXISTS reject_errors; DROP TABLE IF EXISTS reject_scans;`);
	await db.run(`CREATE OR REPLACE TABLE ${table} AS
SELECT ${values.join(',\n  ')}
FROM read_csv(${sqlString(file.path)},
  columns = ${columns}, header = true, auto_detect = false,
  delim = ',', quote = '"', escape = '"', strict_mode = true,
  store_rejects = true, rejects_table = 'reject_errors', rejects_scan = 'reject_scans')`);
	await db.run(`CREATE OR REPLACE TABLE ${rejects} AS
SELECT line, ROW_NUMBER() OVER (ORDER BY line) - 1 AS i,
       FIRST(error_type || ': ' || error_message ORDER BY column_idx NULLS LAST) AS message
FROM reject_errors GROUP BY line`);
	const [{ rows, rejected }] = await db.all(
		`SELECT (SELECT COUNT(*) FROM ${table}) AS rows, (SELECT COUNT(*) FROM ${rejects}) AS rejected`
	);
	reading.rows = (rows as number) + (rejected as number);
	const base = `${fileNo} * ${2 ** FILE_BITS}`;
	// A record the reader rejected leaves a gap; map each kept row back to its record line.
	reading.selects.push(
		rejected
			? `SELECT ${base} + r.rowid AS _id, ${fileNo} AS _file_no, r.rowid + 2 + COALESCE(j.k, 0) AS _line,
  NULL::VARCHAR AS _malformed, r.*
FROM ${table} r ASOF LEFT JOIN (SELECT line - 2 - i AS t, i + 1 AS k FROM ${rejects}) j ON r.rowid >= j.t`
			: `SELECT ${base} + rowid AS _id, ${fileNo} AS _file_no, rowid + 2 AS _line,
  NULL::VARCHAR AS _malformed, * FROM ${table}`,
		`SELECT ${base} + ${REJECT_BIT} + i, ${fileNo}, line, message, ${noValues} FROM ${rejects}`
	);
}

async function readNdjson(
	db: Db,
	file: InputFile,
	fileNo: number,
	reading: FileReading
): Promise<void> {
	// Each line is read whole (no quoting, a separator that JSON text cannot hold raw), so line
	// numbers are exact and a broken line is one quarantined row, not a failed file.
	await db.run(`CREATE OR REPLACE TEMP TABLE json_raw AS
SELECT * FROM read_csv(${sqlString(file.path)}, columns = {'text': 'VARCHAR'}, header = false,
  auto_detect = false, delim = ${sqlString('\u0001')}, quote = '', escape = '', strict_mode = false)`);
	await db.run(`CREATE OR REPLACE TEMP TABLE json_lines AS
SELECT line, text, CASE WHEN valid AND json_type(text) = 'OBJECT' THEN text END AS doc, valid
FROM (SELECT rowid + 1 AS line, text,
        CASE WHEN text IS NOT NULL THEN json_valid(text) END AS valid FROM json_raw)`);
	const [keys] = await db.all(`SELECT list(DISTINCT k ORDER BY k) AS keys
FROM (SELECT unnest(json_keys(doc)) AS k FROM json_lines)`);
	const present = new Set(((keys?.keys as string[] | null) ?? []).map((k) => k.toLowerCase()));
	reading.missingColumns = COLUMNS.filter((c) => !present.has(c));
	reading.extraColumns = [...present].filter((k) => !contractSet.has(k));
	const values = COLUMNS.map(
		(c) => `${cleanText(`json_extract_string(doc, ${sqlString(`$.${c}`)})`)} AS ${c}`
	);
	const table = `raw_file_${fileNo}`;
	await db.run(`CREATE OR REPLACE TABLE ${table} AS
SELECT ${fileNo} * ${2 ** FILE_BITS} + line AS _id, ${fileNo} AS _file_no, line AS _line,
  CASE WHEN NOT valid THEN 'invalid JSON' WHEN doc IS NULL THEN 'not a JSON object' END AS _malformed,
  ${values.join(',\n  ')}
FROM json_lines
WHERE text IS NOT NULL AND TRIM(text) <> ''`);
	const [{ rows }] = await db.all(
		`SELECT COUNT(*) AS rows FROM json_lines WHERE text IS NOT NULL AND TRIM(text) <> ''`
	);
	reading.rows = rows as number;
	reading.selects.push(`SELECT * FROM ${table}`);
	await db.run('DROP TABLE json_raw; DROP TABLE json_lines');
}

/** Reads one event file into {@link RAW_TABLE}, every value as text, each row with its line. */
export async function readEventFile(db: Db, file: InputFile, fileNo: number): Promise<FileReading> {
	const reading: FileReading = {
		file: file.name,
		format: file.format,
		rows: 0,
		missingColumns: [],
		extraColumns: [],
		notices: [],
		selects: []
	};
	if (file.bytes === 0) {
		reading.notices.push('the file is empty: no header and no rows');
		await registerFile(db, fileNo, reading);
		return reading;
	}
	try {
		if (file.format === 'csv') await readCsv(db, file, fileNo, reading);
		else await readNdjson(db, file, fileNo, reading);
		await registerFile(db, fileNo, reading);
	} catch (error) {
		const why = (error as Error).message.split('\n')[0];
		throw new UserError(`cannot read ${file.name}: ${why}`);
	}
	if (reading.rows === 0) reading.notices.push('the file has a header but no rows');
	return reading;
}
