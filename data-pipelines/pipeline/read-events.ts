/**
 * Reading event files into the staging tables, every value as text, every record with its file and
 * line. DuckDB's CSV reader does the parsing, with its reject tables catching records it cannot
 * parse; this module turns what it reports into reasons a person can act on, and accounts for every
 * record: a row read is a kept row or a rejected one, never neither.
 *
 * Line numbers are what a spreadsheet shows: the header is line 1, each record one line (a quoted
 * value holding line breaks does not add lines) and a blank line counts as a line but not a row.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { COLUMNS, EVENT_TYPES, type Column } from '../lib/contract.ts';
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
	/**
	 * Why no row of the file can be read as contract input (say, it is semicolon-separated): every
	 * row is quarantined with this reason, under `malformed_row`.
	 */
	problem?: string;
	/** SELECTs giving this file's rows in the shape of {@link RAW_TABLE}. */
	selects: string[];
}

/**
 * Every staged row, every value as text: a view over one table per input file, so each file is
 * read once, straight into its table. `_id` is unique: the file number in the high bits.
 */
export const RAW_TABLE = 'raw_events';
/** One row per input file: its number in {@link RAW_TABLE}, name, missing columns and format. */
export const FILES_TABLE = 'source_files';

const FILE_BITS = 40;
const REJECT_BIT = 2 ** 39;
const noValues = COLUMNS.map((c) => `NULL::VARCHAR AS ${c}`).join(', ');
/** DuckDB's default `max_line_size`: a longer record is rejected, not read. */
const MAX_LINE_BYTES = 2_000_000;
const CONTRACT = new Set<string>(COLUMNS);
const EXAMPLE_HEADER = 'event_id,event_type,event_time,pathway_id,patient_id,provider_code,…';

export async function createRawTable(db: Db): Promise<void> {
	await db.run(
		`CREATE OR REPLACE TABLE ${FILES_TABLE} (_file_no INTEGER, _file VARCHAR, missing VARCHAR[], format VARCHAR)`
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
		`INSERT INTO ${FILES_TABLE} VALUES (${fileNo}, ${sqlString(reading.file)}, ${missing}, ${sqlString(reading.format)})`
	);
}

/** The first `length` bytes of a file, and whether its last byte ends a line. */
async function headAndTail(path: string, length = 65536) {
	const handle = await open(path, 'r');
	try {
		const { size } = await handle.stat();
		const head = Buffer.alloc(Math.min(length, size));
		await handle.read(head, 0, head.length, 0);
		const last = Buffer.alloc(1);
		if (size > 0) await handle.read(last, 0, 1, size - 1);
		return { head, endsWithNewline: size > 0 && (last[0] === 0x0a || last[0] === 0x0d) };
	} finally {
		await handle.close();
	}
}

/**
 * The names in the first record of CSV `text` (RFC 4180: fields separated by `delimiter`, optionally
 * double-quoted, `""` a quote inside quotes), each trimmed, a leading byte order mark dropped. It
 * stops at the first line break outside quotes.
 */
export function parseHeader(text: string, delimiter = ','): string[] {
	const line = text.replace(/^\uFEFF/, '');
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
		else if (ch === delimiter) (cells.push(cell), (cell = ''));
		else if (ch === '\n' || ch === '\r') break;
		else cell += ch;
	}
	cells.push(cell);
	return cells.map((c) => c.trim());
}

function quoteIdent(name: string): string {
	return `"${name.replaceAll('"', '""')}"`;
}

/** Normalised text: trimmed, with empty strings as NULL. */
/** A CSV column's text, trimmed of spaces, empty as NULL (`column` is a quoted identifier). */
function cleanText(expr: string): string {
	// The same as NULLIF(TRIM(x), ''), but only values that need it are trimmed: TRIM on every
	// value of every column made reading an ICB's extract about 60% slower.
	return `CASE WHEN ${expr} = '' OR ${expr} LIKE ' %' OR ${expr} LIKE '% ' THEN NULLIF(TRIM(${expr}), '') ELSE ${expr} END`;
}

const DELIMITERS = [
	{ char: ',', name: 'comma' },
	{ char: ';', name: 'semicolon' },
	{ char: '\t', name: 'tab' },
	{ char: '|', name: 'pipe' }
] as const;

/** How many contract columns a header names, split at `delimiter`. */
const contractNames = (text: string, delimiter: string) =>
	new Set(
		parseHeader(text, delimiter)
			.map((h) => h.toLowerCase())
			.filter((h) => CONTRACT.has(h))
	).size;

/** A first line holding an event type or an ISO date is data, not a header. */
const EVENT_TYPE_OR_DATE = new RegExp(
	`(^|[,;\t|])\\s*"?(${EVENT_TYPES.join('|')}|\\d{4}-\\d{2}-\\d{2})\\b`,
	'i'
);

/**
 * Looks at a CSV header for problems that make every row of the file unreadable as contract
 * input: another delimiter, no header at all, or a header naming none of the contract columns.
 */
function headerProblem(text: string): {
	problem?: string;
	delimiter?: string;
	noHeader?: boolean;
	/** The first line names no contract column: its fields may be data, so they are not listed. */
	unnamed?: boolean;
} {
	const firstLine = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/, 1)[0];
	const counts = DELIMITERS.map((d) => ({ ...d, count: contractNames(text, d.char) }));
	const best = counts.reduce((a, b) => (b.count > a.count ? b : a));
	if (best.char !== ',' && best.count > counts[0].count) {
		return {
			delimiter: best.char,
			problem:
				`the file is ${best.name}-separated (its header names the contract's columns between ${best.name}s, not commas): ` +
				`event files must be comma-separated CSV, so export it again with commas between values`
		};
	}
	if (best.count > 0 || firstLine.trim() === '') return {};
	if (EVENT_TYPE_OR_DATE.test(firstLine)) {
		return {
			noHeader: true,
			problem:
				`the file has no header row: its first line holds data (an event type or a date), not column names. ` +
				`Add a first line naming the columns, such as ${EXAMPLE_HEADER}`
		};
	}
	return {
		unnamed: true,
		problem:
			`the header names none of the contract's columns: ` +
			`name them as the contract does, such as ${EXAMPLE_HEADER}`
	};
}

/** What a pass over a CSV file's bytes found, for reading it and numbering its lines. */
interface LineScan {
	/** Line numbers of blank lines: DuckDB skips them, so rows after them move down. */
	blankLines: number[];
	/**
	 * Some lines end in CRLF and others in a bare LF. DuckDB's strict reader then either gives up on
	 * the whole file or misreads the odd line (a quoted value before a CRLF, in a file it took for
	 * LF, is rejected with a wrong line number), so such a file is read from a normalised copy.
	 */
	mixedEndings: boolean;
}

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const COMMA = 0x2c;

/**
 * One pass over a CSV file with native searches (about 0.3 s a GB, 0.6 s for CRLF files), run
 * while DuckDB reads it: are there blank lines before its final line breaks, and does it mix line
 * endings? Only if there are blank lines does a second pass walk every byte, tracking quotes, so
 * that a line break inside a quoted value is not taken for a line.
 */
async function scanLines(path: string): Promise<LineScan> {
	const handle = await open(path, 'r');
	try {
		const { size } = await handle.stat();
		const buffer = Buffer.alloc(1 << 20);
		// Line breaks ending the file leave no row after them: blank lines there change nothing.
		const tail = Buffer.alloc(Math.min(size, 4096));
		await handle.read(tail, 0, tail.length, size - tail.length);
		let contentEnd = size;
		for (let i = tail.length - 1; i >= 0 && (tail[i] === LF || tail[i] === CR); i--) contentEnd--;
		const patterns = ['\n\n', '\n\r\n', '\r\r'].map((p) => Buffer.from(p));
		let blank = false;
		let crlf = false;
		let bareLf = false;
		let previous = Buffer.alloc(0);
		for (let position = 0; position < size && !(crlf && bareLf);) {
			const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
			if (bytesRead === 0) break;
			const chunk = buffer.subarray(0, bytesRead);
			if (!blank) {
				const seam = Buffer.concat([previous, chunk.subarray(0, 2)]);
				for (const pattern of patterns) {
					const inSeam = seam.indexOf(pattern);
					const inChunk = chunk.indexOf(pattern);
					if (inSeam !== -1 && position - previous.length + inSeam < contentEnd) blank = true;
					if (inChunk !== -1 && position + inChunk < contentEnd) blank = true;
				}
			}
			const before = previous.length ? previous[previous.length - 1] : -1;
			if (chunk.indexOf(CR) === -1) {
				const lf = chunk.indexOf(LF);
				if (lf === 0 && before === CR) {
					crlf = true;
					if (chunk.indexOf(LF, 1) !== -1) bareLf = true;
				} else if (lf !== -1) bareLf = true;
			} else {
				for (
					let i = chunk.indexOf(LF);
					i !== -1 && !(crlf && bareLf);
					i = chunk.indexOf(LF, i + 1)
				) {
					if ((i > 0 ? chunk[i - 1] : before) === CR) crlf = true;
					else bareLf = true;
				}
			}
			previous = Buffer.from(chunk.subarray(Math.max(0, bytesRead - 2)));
			position += bytesRead;
		}
		if (crlf && bareLf) return { blankLines: [], mixedEndings: true };
		return { blankLines: blank ? await walkLines(handle, buffer) : [], mixedEndings: false };
	} finally {
		await handle.close();
	}
}

/** The quote-aware pass of {@link scanLines}: every byte, once. */
async function walkLines(
	handle: Awaited<ReturnType<typeof open>>,
	buffer: Buffer
): Promise<number[]> {
	const blank: number[] = [];
	let line = 1;
	let empty = true;
	let fieldStart = true;
	let afterCr = false;
	// 0 outside quotes, 1 inside, 2 inside just after a quote (closing, or the first of "").
	let state = 0;
	for (let position = 0; ;) {
		const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
		if (bytesRead === 0) break;
		for (let i = 0; i < bytesRead; i++) {
			const c = buffer[i];
			if (state === 1) {
				if (c === QUOTE) state = 2;
				continue;
			}
			if (state === 2) {
				if (c === QUOTE) {
					state = 1;
					continue;
				}
				state = 0;
			}
			if (c === LF || c === CR) {
				if (!(c === LF && afterCr)) {
					if (empty) blank.push(line);
					line++;
					empty = true;
					fieldStart = true;
				}
				afterCr = c === CR;
				continue;
			}
			afterCr = false;
			empty = false;
			if (c === QUOTE && fieldStart) state = 1;
			fieldStart = c === COMMA;
		}
		position += bytesRead;
	}
	return blank;
}

/**
 * A copy of a file with every CRLF and lone CR turned into LF, so that DuckDB's strict reader
 * (which gives up on a file that mixes line endings) can read it; lines keep their numbers.
 */
async function normaliseLineEndings(path: string, folder: string): Promise<string> {
	const copy = join(folder, 'normalised.csv');
	let pendingCr = false;
	const fix = new Transform({
		transform(chunk: Buffer, _encoding, done) {
			let text = (pendingCr ? '\r' : '') + chunk.toString('latin1');
			pendingCr = text.endsWith('\r');
			if (pendingCr) text = text.slice(0, -1);
			done(null, Buffer.from(text.replace(/\r\n?/g, '\n'), 'latin1'));
		},
		flush(done) {
			done(null, pendingCr ? Buffer.from('\n') : null);
		}
	});
	await pipeline(createReadStream(path), fix, createWriteStream(copy));
	return copy;
}

/** DuckDB gives up on the whole file, rather than rejecting records, in this state. */
const isParserFailure = (error: unknown) =>
	/state machine reached an invalid state/i.test((error as Error).message);

/** Kept rows move down past each gap (a rejected record or a blank line) before them. */
function numberedRows(table: string, gaps: string | null, first: number): string {
	if (!gaps) return `SELECT rowid AS r, rowid + ${first} AS _line, * FROM ${table}`;
	// Gap k (1-based, in line order) at line L: rows from L - first - (k - 1) on are k lines down.
	// Adjacent gaps share that row; the later one (larger k) counts.
	return `SELECT t.rowid AS r, t.rowid + ${first} + COALESCE(g.k, 0) AS _line, t.*
FROM ${table} t ASOF LEFT JOIN (
  SELECT from_row, MAX(k) AS k FROM (
    SELECT line - ${first} - (ROW_NUMBER() OVER (ORDER BY line) - 1) AS from_row,
      ROW_NUMBER() OVER (ORDER BY line) AS k
    FROM ${gaps}
  ) GROUP BY from_row
) g ON t.rowid >= g.from_row`;
}

/** Blank lines as a table of line numbers (inserted in slices: there may be very many). */
async function blankLineTable(db: Db, name: string, lines: number[]): Promise<void> {
	await db.run(`CREATE OR REPLACE TEMP TABLE ${name} (line BIGINT)`);
	for (let i = 0; i < lines.length; i += 50_000) {
		await db.run(`INSERT INTO ${name} SELECT unnest([${lines.slice(i, i + 50_000).join(',')}])`);
	}
}

/**
 * The reason for a record DuckDB's reader rejected, from its reject table (one row per error):
 * the most telling error of the record, said so that someone can find and fix it.
 */
function rejectMessage(columnCount: number, lastLine: number, ndjson: boolean): string {
	const found = `regexp_extract(e.message, 'Found: (\\d+)', 1)`;
	const size = (pattern: string) =>
		`round(TRY_CAST(regexp_extract(e.message, '${pattern}\\s*(\\d+)', 1) AS DOUBLE) / 1e6, 1)`;
	const column = ndjson
		? `''`
		: `CASE WHEN e.column_name IS NOT NULL THEN ' (in column ' || e.column_name || ')' ELSE '' END`;
	const truncated = `line = ${lastLine}`;
	const cutShort = `the last line is cut short and the file does not end with a line break: the extract looks truncated, so export it again`;
	return `CASE e.type
    WHEN 'LINE SIZE OVER MAXIMUM' THEN 'the line is ' || ${size('Actual Size:')} || ' MB long, over the '
      || ${size('Maximum line size of')} || ' MB a row may hold: no contract value is that long, so look for a double quote that is never closed or a document pasted into a field'
    WHEN 'INVALID ENCODING' THEN 'the line is not valid UTF-8' || ${column}
      || ': the file looks Latin-1 or Windows-1252 encoded, so save or export it as UTF-8${ndjson ? '' : ' (in Excel: CSV UTF-8)'}'
    WHEN 'UNQUOTED VALUE' THEN CASE WHEN ${truncated} THEN '${cutShort}'
      ELSE 'a quoted value' || ${column} || ' is not closed properly: a value that starts with a double quote must end with one, and a double quote inside it is written twice ("")' END
    WHEN 'TOO MANY COLUMNS' THEN 'the line has more fields than the ${columnCount} the header names: a value holding a comma must be in double quotes'
    WHEN 'MISSING COLUMNS' THEN CASE WHEN ${truncated}
      THEN 'the last line is cut short (it has ' || ${found} || ' of the ${columnCount} fields) and the file does not end with a line break: the extract looks truncated, so export it again'
      ELSE 'the line has ' || ${found} || ' of the ${columnCount} fields the header names: a value is missing, or a line break inside a value is not in double quotes' END
    ELSE ${ndjson ? "'the line cannot be read ('" : "'the record cannot be read as CSV ('"} || lower(e.type) || ')'
  END`;
}

/** One row per rejected line, `(line, i, message)`, `i` counting from 0 in line order. */
async function rejectTable(db: Db, name: string, message: string): Promise<number> {
	await db.run(`CREATE OR REPLACE TABLE ${name} AS
SELECT line, ROW_NUMBER() OVER (ORDER BY line) - 1 AS i, ${message} AS message
FROM (
  SELECT line, arg_min({type: error_type, message: error_message, column_name: column_name},
    CASE error_type WHEN 'LINE SIZE OVER MAXIMUM' THEN 0 WHEN 'INVALID ENCODING' THEN 1
      WHEN 'UNQUOTED VALUE' THEN 2 WHEN 'TOO MANY COLUMNS' THEN 3 ELSE 4 END * 1e6 + COALESCE(column_idx, 0)) AS e
  FROM reject_errors GROUP BY line
)`);
	const [{ n }] = await db.all(`SELECT COUNT(*) AS n FROM ${name}`);
	return n as number;
}

/** Reads a CSV file; true if its first line is blank (no header at all). */
async function readCsv(
	db: Db,
	file: InputFile,
	fileNo: number,
	reading: FileReading
): Promise<boolean> {
	const { head, endsWithNewline } = await headAndTail(file.path);
	let encoding = 'utf-8';
	if (head[0] === 0xfe && head[1] === 0xff) {
		throw new UserError(
			`cannot read ${file.name}: it is UTF-16 (big-endian) encoded; save or export it as UTF-8 CSV`
		);
	}
	if (head[0] === 0xff && head[1] === 0xfe) {
		encoding = 'utf-16';
		reading.problem =
			'the file is UTF-16 encoded (as Excel\'s "Unicode Text" saves it), but event files must be UTF-8: save or export it as CSV UTF-8';
	}
	const text = encoding === 'utf-16' ? head.subarray(2).toString('utf16le') : head.toString('utf8');
	const found = headerProblem(text);
	reading.problem ??= found.problem;
	const header = parseHeader(text, found.delimiter ?? ',');
	const lowered = header.map((h) => h.toLowerCase());
	const seen = new Set<string>();
	const sourceNames = lowered.map((h, i) => {
		let name = found.noHeader ? `column_${i + 1}` : h || `column_${i + 1}`;
		if (seen.has(name) && CONTRACT.has(name)) {
			reading.notices.push(
				`column "${header[i]}" appears twice in the header: the first is read, the second ignored`
			);
		}
		while (seen.has(name)) name = `${name}_dup`;
		seen.add(name);
		return name;
	});
	const columnCount = found.delimiter ? parseHeader(text).length : header.length;
	if (found.noHeader || found.unnamed) {
		reading.missingColumns = found.noHeader
			? [...COLUMNS]
			: COLUMNS.filter((c) => !sourceNames.includes(c));
		reading.extraColumns = [];
	} else {
		reading.missingColumns = COLUMNS.filter((c) => !sourceNames.includes(c));
		reading.extraColumns = header
			.map((h, i) => h || `(column ${i + 1}, no name)`)
			.filter((_, i) => !CONTRACT.has(sourceNames[i]));
	}
	// With another delimiter the file is read with commas all the same: each record is still one
	// row (quoting is the same), and every row gets the one reason.
	const readNames = found.delimiter
		? parseHeader(text).map((_, i) => `column_${i + 1}`)
		: sourceNames;
	const columns = `{${readNames.map((n) => `${sqlString(n)}: 'VARCHAR'`).join(', ')}}`;
	const values = COLUMNS.map((c) =>
		reading.missingColumns.includes(c) || found.delimiter
			? `NULL::VARCHAR AS ${c}`
			: `${cleanText(quoteIdent(c))} AS ${c}`
	);
	const table = `raw_file_${fileNo}`;
	const rejects = `raw_rejects_${fileNo}`;
	const blanks = `raw_blank_lines_${fileNo}`;
	const read = (path: string) =>
		db.run(`DROP TABLE IF EXISTS reject_errors; DROP TABLE IF EXISTS reject_scans;
CREATE OR REPLACE TABLE ${table} AS
SELECT ${values.join(',\n  ')}
FROM read_csv(${sqlString(path)},
  columns = ${columns}, header = ${!found.noHeader}, auto_detect = false,
  delim = ',', quote = '"', escape = '"', strict_mode = true, encoding = '${encoding}',
  max_line_size = ${MAX_LINE_BYTES},
  store_rejects = true, rejects_table = 'reject_errors', rejects_scan = 'reject_scans')`);

	// The scan runs in Node while DuckDB reads on its own threads; a file that mixes line endings
	// (found by the scan, or by DuckDB giving up) is read again from a normalised copy.
	const scanAndRead = async (path: string): Promise<LineScan> => {
		const [scanned, readIt] = await Promise.allSettled([
			encoding === 'utf-8' ? scanLines(path) : { blankLines: [], mixedEndings: false },
			read(path)
		]);
		if (scanned.status === 'rejected') throw scanned.reason;
		if (readIt.status === 'fulfilled') return scanned.value;
		if (isParserFailure(readIt.reason) && encoding === 'utf-8') {
			return { blankLines: [], mixedEndings: true };
		}
		throw readIt.reason;
	};
	let scan = await scanAndRead(file.path);
	if (scan.mixedEndings) {
		// The copy goes where DuckDB spills, which the caller chose for room.
		const [{ dir }] = await db.all(`SELECT current_setting('temp_directory') AS dir`);
		const spill = (dir as string) || tmpdir();
		await mkdir(spill, { recursive: true });
		const folder = await mkdtemp(join(spill, 'line-endings-'));
		try {
			scan = await scanAndRead(await normaliseLineEndings(file.path, folder));
		} finally {
			await rm(folder, { recursive: true, force: true });
		}
		reading.notices.push(
			'the file mixes line endings (CRLF, LF or a lone CR): it was read with each of them taken as a line break'
		);
	}
	const first = found.noHeader ? 1 : 2;
	const [{ rows }] = await db.all(`SELECT COUNT(*) AS rows FROM ${table}`);
	// Without a final line break, the last record is the last line: a rejected one was cut short.
	const lastLine = endsWithNewline
		? -1
		: (rows as number) + (first - 1) + scan.blankLines.length + (await countRejectLines(db));
	const rejected = await rejectTable(db, rejects, rejectMessage(columnCount, lastLine, false));
	reading.rows = (rows as number) + rejected;
	if (scan.blankLines.length) await blankLineTable(db, blanks, scan.blankLines);
	const gaps =
		rejected && scan.blankLines.length
			? `(SELECT line FROM ${rejects} UNION ALL SELECT line FROM ${blanks})`
			: rejected
				? rejects
				: scan.blankLines.length
					? blanks
					: null;
	const base = `${fileNo} * ${2 ** FILE_BITS}`;
	const problem = reading.problem ? sqlString(reading.problem) : null;
	reading.selects.push(
		`SELECT ${base} + r AS _id, ${fileNo} AS _file_no, _line, ${problem ?? 'NULL::VARCHAR'} AS _malformed,
  * EXCLUDE (r, _line) FROM (${numberedRows(table, gaps, first)})`,
		`SELECT ${base} + ${REJECT_BIT} + i, ${fileNo}, line, ${problem ?? 'message'}, ${noValues} FROM ${rejects}`
	);
	await noteEncodingErrors(db, reading);
	return header.length === 1 && header[0] === '';
}

/** One notice for the lines that are not UTF-8, which are quarantined one by one. */
async function noteEncodingErrors(db: Db, reading: FileReading): Promise<void> {
	const [{ n }] = await db.all(
		`SELECT COUNT(DISTINCT line) AS n FROM reject_errors WHERE error_type = 'INVALID ENCODING'`
	);
	if (!n || reading.problem) return;
	reading.notices.push(
		`${n} ${n === 1 ? 'line holds' : 'lines hold'} text that is not UTF-8: the file looks Latin-1 or Windows-1252 encoded; save or export it as UTF-8` +
			(reading.format === 'csv' ? ' (in Excel: CSV UTF-8)' : '')
	);
}

async function countRejectLines(db: Db): Promise<number> {
	const [{ n }] = await db.all(`SELECT COUNT(DISTINCT line) AS n FROM reject_errors`);
	return n as number;
}

async function readNdjson(
	db: Db,
	file: InputFile,
	fileNo: number,
	reading: FileReading
): Promise<void> {
	const { endsWithNewline } = await headAndTail(file.path, 0);
	// Each line is read whole (no quoting, a separator that JSON text cannot hold raw), so line
	// numbers are exact and a broken line is one quarantined row, not a failed file. A blank line is
	// read as an empty row and then dropped; a line DuckDB rejects (too long, not UTF-8) leaves a gap.
	await db.run(`DROP TABLE IF EXISTS reject_errors; DROP TABLE IF EXISTS reject_scans;
CREATE OR REPLACE TEMP TABLE json_raw AS
SELECT * FROM read_csv(${sqlString(file.path)}, columns = {'text': 'VARCHAR'}, header = false,
  auto_detect = false, delim = '\u0001', quote = '', escape = '', strict_mode = false,
  max_line_size = ${MAX_LINE_BYTES},
  store_rejects = true, rejects_table = 'reject_errors', rejects_scan = 'reject_scans')`);
	const rejects = `raw_rejects_${fileNo}`;
	const [{ lines }] = await db.all(`SELECT COUNT(*) AS lines FROM json_raw`);
	const rejectedLines = await countRejectLines(db);
	const lastLine = endsWithNewline ? -1 : (lines as number) + rejectedLines;
	const rejected = await rejectTable(db, rejects, rejectMessage(0, lastLine, true));
	await db.run(`CREATE OR REPLACE TEMP TABLE json_lines AS
SELECT _line AS line, text, CASE WHEN valid AND json_type(text) = 'OBJECT' THEN text END AS doc, valid
FROM (SELECT _line, text, CASE WHEN text IS NOT NULL THEN json_valid(text) END AS valid
      FROM (${numberedRows('json_raw', rejected ? rejects : null, 1)}))
WHERE text IS NOT NULL AND TRIM(text) <> ''`);
	const [keys] = await db.all(`SELECT list(DISTINCT k ORDER BY k) AS keys
FROM (SELECT unnest(json_keys(doc)) AS k FROM json_lines)`);
	const present = (keys?.keys as string[] | null) ?? [];
	// Keys match the contract's names whatever their case, as CSV headers do; the exact name first.
	const keysOf = new Map<string, string[]>();
	for (const key of present) {
		const name = key.trim().toLowerCase();
		if (!CONTRACT.has(name)) continue;
		const keys = keysOf.get(name) ?? [];
		if (key === name) keys.unshift(key);
		else keys.push(key);
		keysOf.set(name, keys);
	}
	reading.missingColumns = COLUMNS.filter((c) => !keysOf.has(c));
	reading.extraColumns = present.filter((k) => !CONTRACT.has(k.trim().toLowerCase()));
	const values = COLUMNS.map((c) => {
		const keys = keysOf.get(c);
		if (!keys) return `NULL::VARCHAR AS ${c}`;
		const extract = keys.map(
			(key) => `json_extract_string(doc, ${sqlString(`$."${key.replaceAll('"', '\\"')}"`)})`
		);
		return `NULLIF(TRIM(${extract.length === 1 ? extract[0] : `COALESCE(${extract.join(', ')})`}), '') AS ${c}`;
	});
	const cutShort = `line = ${lastLine} AND NOT valid`;
	const table = `raw_file_${fileNo}`;
	await db.run(`CREATE OR REPLACE TABLE ${table} AS
SELECT ${fileNo} * ${2 ** FILE_BITS} + line AS _id, ${fileNo} AS _file_no, line AS _line,
  CASE WHEN ${cutShort} THEN 'the last line is cut short (it is not complete JSON) and the file does not end with a line break: the extract looks truncated, so export it again'
       WHEN NOT valid THEN 'the line is not valid JSON: each line must be one complete JSON object, such as {"event_id": "E1", "event_type": "referral_received", …}, with no line break inside it'
       WHEN doc IS NULL THEN 'the line is JSON but not an object: each line must be one JSON object, such as {"event_id": "E1", "event_type": "referral_received", …}'
  END AS _malformed,
  ${values.join(',\n  ')}
FROM json_lines`);
	const [{ rows }] = await db.all(`SELECT COUNT(*) AS rows FROM ${table}`);
	reading.rows = (rows as number) + rejected;
	reading.selects.push(
		`SELECT * FROM ${table}`,
		`SELECT ${fileNo} * ${2 ** FILE_BITS} + ${REJECT_BIT} + i, ${fileNo}, line, message, ${noValues} FROM ${rejects}`
	);
	await noteEncodingErrors(db, reading);
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
	let blankHeader = false;
	try {
		if (file.format === 'csv') blankHeader = await readCsv(db, file, fileNo, reading);
		else await readNdjson(db, file, fileNo, reading);
		await registerFile(db, fileNo, reading);
	} catch (error) {
		if (error instanceof UserError) throw error;
		const why = (error as Error).message.split('\n')[0];
		throw new UserError(`cannot read ${file.name}: ${why}`);
	}
	if (reading.problem) {
		reading.notices.unshift(
			reading.rows ? `every row is quarantined: ${reading.problem}` : reading.problem
		);
	}
	if (reading.rows === 0) {
		reading.notices.push(
			file.format === 'ndjson'
				? 'the file has no rows'
				: blankHeader
					? 'the file holds no header and no rows'
					: 'the file has a header but no rows'
		);
	}
	return reading;
}

/**
 * Once every row has its verdict, the text as read is needed only for the quarantined rows (for
 * `quarantine.csv`): keeps those in one table, points {@link RAW_TABLE} at it and frees the
 * files' tables, which at the size of an ICB's extract hold gigabytes.
 */
export async function keepQuarantinedTextOnly(db: Db): Promise<void> {
	await db.run(`CREATE OR REPLACE TABLE raw_quarantined AS
SELECT * FROM ${RAW_TABLE}
WHERE _id IN (SELECT _id FROM verdicts WHERE _status = 'quarantined')`);
	await db.run(`CREATE OR REPLACE VIEW ${RAW_TABLE} AS SELECT * FROM raw_quarantined`);
	const tables = (await db.all(`SELECT table_name AS name FROM duckdb_tables()
WHERE NOT temporary AND (table_name LIKE 'raw\\_file\\_%' ESCAPE '\\'
  OR table_name LIKE 'raw\\_rejects\\_%' ESCAPE '\\' OR table_name LIKE 'raw\\_blank\\_lines\\_%' ESCAPE '\\')`)) as {
		name: string;
	}[];
	for (const { name } of tables) await db.run(`DROP TABLE ${name}`);
}
