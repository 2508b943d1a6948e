/**
 * The bad-input corpus (tests/fixtures/bad-input, one small file per failure class; see its
 * README): each file run through the pipeline on its own, then the whole folder at once. Every
 * quarantined row is checked by file, line, rule and reason, and nothing may be lost: every data
 * record in a file is a row read, and every row read is accepted, a duplicate or quarantined.
 */
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLUMNS } from '../../data-pipelines/lib/contract.ts';
import { openDb } from '../../data-pipelines/lib/duckdb.ts';
import { keyFromEnvironment } from '../../data-pipelines/pipeline/pseudonymise.ts';
import type { FileReport, RunReport } from '../../data-pipelines/pipeline/report.ts';
import { runOrRefused } from '../helpers/run-or-refused.ts';

const CORPUS = new URL('../fixtures/bad-input/', import.meta.url).pathname;
const DEMO = keyFromEnvironment({});
const HEADER =
	'event_id,event_type,event_time,pathway_id,patient_id,provider_code,commissioner_code,referrer_code,specialty_code,priority,appointment_id,appointment_time,attendance_type,consultation_medium,cancelled_by,stop_reason';
const EXAMPLE_HEADER = 'event_id,event_type,event_time,pathway_id,patient_id,provider_code,…';

/** One quarantined row: line, rule, reason. */
type Quarantined = [number, string, string];

interface Case {
	file: string;
	/** What is wrong, as the README says. */
	what: string;
	read: number;
	accepted: number;
	duplicates?: number;
	/** Every quarantined row, in line order. */
	quarantined?: Quarantined[];
	warnings?: Record<string, number>;
	notices?: string[];
	extraColumns?: string[];
	missingColumns?: string[];
	/** The file has no header row: its first line is a record. */
	noHeader?: boolean;
}

const delimiterReason = (name: string) =>
	`the file is ${name}-separated (its header names the contract's columns between ${name}s, not commas): ` +
	`event files must be comma-separated CSV, so export it again with commas between values`;
const UTF16 =
	'the file is UTF-16 encoded (as Excel\'s "Unicode Text" saves it), but event files must be UTF-8: save or export it as CSV UTF-8';
const NO_HEADER = `the file has no header row: its first line holds data (an event type or a date), not column names. Add a first line naming the columns, such as ${EXAMPLE_HEADER}`;
const LATIN1 =
	'the line is not valid UTF-8 (in column clinic_code): the file looks Latin-1 or Windows-1252 encoded, so save or export it as UTF-8 (in Excel: CSV UTF-8)';
const NO_SUCH_DATE =
	'there is no such date or time (months run 01–12, days to the end of the month, hours 00–23, minutes and seconds 00–59)';
const EXAMPLE_JSON = '{"event_id": "E1", "event_type": "referral_received", …}';
const EMPTY_ROW =
	'the row is empty: every field is blank (spreadsheets can leave such rows at the end); delete it';
const OPTIONAL_MISSING = [
	'rtt',
	'care_setting',
	'referral_source',
	'clinic_code',
	'age_band',
	'sex',
	'ethnicity',
	'imd_decile',
	'clinical_priority'
];

const CASES: Case[] = [
	{
		file: 'semicolon-delimiter.csv',
		what: 'semicolon-separated values',
		read: 2,
		accepted: 0,
		quarantined: [
			[2, 'malformed_row', delimiterReason('semicolon')],
			[3, 'malformed_row', delimiterReason('semicolon')]
		],
		notices: [`every row is quarantined: ${delimiterReason('semicolon')}`],
		extraColumns: ['notes']
	},
	{
		file: 'tab-delimiter.csv',
		what: 'tab-separated values',
		read: 2,
		accepted: 0,
		quarantined: [
			[2, 'malformed_row', delimiterReason('tab')],
			[3, 'malformed_row', delimiterReason('tab')]
		],
		notices: [`every row is quarantined: ${delimiterReason('tab')}`]
	},
	{ file: 'utf8-bom.csv', what: 'a UTF-8 byte order mark', read: 2, accepted: 2 },
	{
		file: 'crlf-line-endings.csv',
		what: 'CRLF line endings',
		read: 4,
		accepted: 3,
		quarantined: [
			[5, 'future_event_time', 'event_time "2025-08-02" is after the extract date 2025-07-31']
		]
	},
	{
		file: 'mixed-line-endings.csv',
		what: 'CRLF, LF and a lone CR in one file',
		read: 4,
		accepted: 3,
		quarantined: [
			[4, 'invalid_value', 'invalid priority "soon": expected routine, urgent or two_week_wait']
		],
		notices: [
			'the file mixes line endings (CRLF, LF or a lone CR): it was read with each of them taken as a line break'
		]
	},
	{
		file: 'truncated-last-line.csv',
		what: 'the last row cut short, no final line break',
		read: 3,
		accepted: 2,
		quarantined: [
			[
				4,
				'malformed_row',
				'the last line is cut short (it has 6 of the 16 fields) and the file does not end with a line break: the extract looks truncated, so export it again'
			]
		]
	},
	{
		file: 'missing-column.csv',
		what: 'no priority column',
		read: 2,
		accepted: 1,
		quarantined: [
			[
				2,
				'missing_column',
				'column "priority" is missing from the file header: it is required on referral_received'
			]
		],
		missingColumns: ['priority', ...OPTIONAL_MISSING]
	},
	{
		file: 'extra-column.csv',
		what: 'columns the contract does not know',
		read: 2,
		accepted: 2,
		extraColumns: ['nhs_number', 'Notes']
	},
	{
		file: 'bad-date.csv',
		what: 'dates that are not ISO 8601 or do not exist',
		read: 7,
		accepted: 2,
		quarantined: [
			[3, 'invalid_date', `invalid event_time "2025-02-30": ${NO_SUCH_DATE}`],
			[
				4,
				'invalid_date',
				'invalid event_time "14/03/2025": write dates year first, as YYYY-MM-DD (such as 2025-03-14), not day/month/year as a spreadsheet may show them'
			],
			[5, 'invalid_date', `invalid event_time "2025-01-06 24:00": ${NO_SUCH_DATE}`],
			[
				6,
				'invalid_date',
				'invalid event_time "yesterday": expected an ISO 8601 date or timestamp such as 2025-03-14 or 2025-03-14T09:30:00'
			],
			[
				7,
				'invalid_date',
				'invalid appointment_time "2025-02-03 9:30": expected an ISO 8601 timestamp such as 2025-03-14T09:30:00'
			]
		]
	},
	{
		file: 'future-date.csv',
		what: 'an event after the extract date',
		read: 3,
		accepted: 2,
		quarantined: [
			[3, 'future_event_time', 'event_time "2025-08-01" is after the extract date 2025-07-31']
		]
	},
	{
		file: 'unknown-code.csv',
		what: 'bad ODS, treatment function, priority and event type codes',
		read: 7,
		accepted: 2,
		quarantined: [
			[
				3,
				'invalid_code',
				'invalid provider_code "R-BD": expected an ODS code of 3 to 6 letters and digits, such as RBD'
			],
			[
				4,
				'invalid_code',
				'invalid specialty_code "11": expected a 3-digit treatment function code, such as 110'
			],
			[5, 'invalid_value', 'invalid priority "soon": expected routine, urgent or two_week_wait'],
			[
				6,
				'invalid_code',
				'invalid commissioner_code "X": expected an ODS code of 3 to 6 letters and digits, such as 15N'
			],
			[
				7,
				'invalid_event_type',
				'unknown event_type "referal_recieved": expected one of the 17 contract event types, such as referral_received or appointment_booked'
			]
		],
		warnings: { invalid_referrer_code: 1 }
	},
	{
		file: 'invalid-optional.csv',
		what: 'invalid optional values',
		read: 5,
		accepted: 5,
		missingColumns: ['rtt', 'referral_source', 'clinic_code', 'clinical_priority'],
		warnings: {
			invalid_age_band: 1,
			invalid_care_setting: 1,
			invalid_ethnicity: 1,
			invalid_imd_decile: 2,
			invalid_sex: 1
		}
	},
	{
		file: 'duplicate.csv',
		what: 'an event sent three times',
		read: 4,
		accepted: 2,
		duplicates: 2
	},
	{
		file: 'conflict.csv',
		what: 'one event_id, two contents',
		read: 3,
		accepted: 1,
		quarantined: [3, 4].map((line): Quarantined => [
			line,
			'conflict',
			'event_id "CONF2" is used by 2 rows with different content: all are quarantined (first on line 3 of conflict.csv)'
		])
	},
	{
		file: 'contradiction.csv',
		what: 'events that contradict each other',
		read: 10,
		accepted: 4,
		quarantined: [
			[3, 'contradiction', 'clock_stopped on 2025-02-01 is before the clock started on 2025-03-01'],
			[
				4,
				'contradiction',
				'a second referral_received for this pathway: it was already received on line 2 of contradiction.csv'
			],
			[
				6,
				'contradiction',
				'appointment_attended on 2025-03-09 is dated before its booking on 2025-03-10'
			],
			[
				7,
				'contradiction',
				'a second appointment_booked for this appointment_id (first on line 5 of contradiction.csv): a rebooking needs a new appointment_id'
			],
			[
				9,
				'contradiction',
				'a second outcome for this appointment: appointment_attended was already recorded on line 8 of contradiction.csv'
			],
			[
				11,
				'contradiction',
				'a second clock_stopped for this pathway: its clock already stopped on line 10 of contradiction.csv'
			]
		]
	},
	{
		file: 'empty.csv',
		what: 'zero bytes',
		read: 0,
		accepted: 0,
		notices: ['the file is empty: no header and no rows'],
		missingColumns: []
	},
	{
		file: 'header-only.csv',
		what: 'a header and no rows',
		read: 0,
		accepted: 0,
		notices: ['the file has a header but no rows']
	},
	{
		file: 'huge-field.csv',
		what: 'a 3 MB value (written by this test)',
		read: 3,
		accepted: 2,
		quarantined: [
			[
				3,
				'malformed_row',
				'the line is 3.0 MB long, over the 2.0 MB a row may hold: no contract value is that long, so look for a double quote that is never closed or a document pasted into a field'
			]
		],
		missingColumns: OPTIONAL_MISSING.filter((c) => c !== 'clinic_code')
	},
	{
		file: 'latin1.csv',
		what: 'a Latin-1 byte',
		read: 3,
		accepted: 2,
		quarantined: [[3, 'malformed_row', LATIN1]],
		notices: [
			'1 line holds text that is not UTF-8: the file looks Latin-1 or Windows-1252 encoded; save or export it as UTF-8 (in Excel: CSV UTF-8)'
		],
		missingColumns: OPTIONAL_MISSING.filter((c) => c !== 'clinic_code')
	},
	{
		file: 'utf16.csv',
		what: 'UTF-16 text, as Excel saves "Unicode Text" (written by this test)',
		read: 2,
		accepted: 0,
		quarantined: [
			[2, 'malformed_row', UTF16],
			[3, 'malformed_row', UTF16]
		],
		notices: [`every row is quarantined: ${UTF16}`]
	},
	{
		file: 'broken-line.ndjson',
		what: 'a broken NDJSON line, a blank line and a line that is not an object',
		read: 4,
		accepted: 2,
		quarantined: [
			[
				2,
				'malformed_row',
				`the line is not valid JSON: each line must be one complete JSON object, such as ${EXAMPLE_JSON}, with no line break inside it`
			],
			[
				5,
				'malformed_row',
				`the line is JSON but not an object: each line must be one JSON object, such as ${EXAMPLE_JSON}`
			]
		],
		missingColumns: [
			'referrer_code',
			'rtt',
			'care_setting',
			'referral_source',
			'clinic_code',
			'cancelled_by',
			'stop_reason',
			'age_band',
			'sex',
			'ethnicity',
			'imd_decile',
			'clinical_priority'
		]
	},
	{
		file: 'latin1-truncated.ndjson',
		what: 'NDJSON with CRLF, a Latin-1 byte, keys in capitals and a last line cut short',
		read: 4,
		accepted: 2,
		quarantined: [
			[
				2,
				'malformed_row',
				'the line is not valid UTF-8: the file looks Latin-1 or Windows-1252 encoded, so save or export it as UTF-8'
			],
			[
				5,
				'malformed_row',
				'the last line is cut short (it is not complete JSON) and the file does not end with a line break: the extract looks truncated, so export it again'
			]
		],
		notices: [
			'1 line holds text that is not UTF-8: the file looks Latin-1 or Windows-1252 encoded; save or export it as UTF-8'
		],
		missingColumns: [
			'referrer_code',
			'rtt',
			'care_setting',
			'referral_source',
			'clinic_code',
			'cancelled_by',
			'stop_reason',
			'age_band',
			'sex',
			'ethnicity',
			'imd_decile',
			'clinical_priority'
		]
	},
	{
		file: 'quoted-newline.csv',
		what: 'a quoted value holding a line break',
		read: 4,
		accepted: 3,
		quarantined: [
			[4, 'future_event_time', 'event_time "2025-08-03" is after the extract date 2025-07-31']
		],
		missingColumns: OPTIONAL_MISSING.filter((c) => c !== 'clinic_code')
	},
	{
		file: 'blank-lines.csv',
		what: 'blank lines between rows',
		read: 5,
		accepted: 2,
		quarantined: [
			[6, 'future_event_time', 'event_time "2025-08-04" is after the extract date 2025-07-31'],
			[
				8,
				'malformed_row',
				'the line has 2 of the 16 fields the header names: a value is missing, or a line break inside a value is not in double quotes'
			],
			[
				9,
				'invalid_code',
				'invalid specialty_code "1100": expected a 3-digit treatment function code, such as 110'
			]
		]
	},
	{
		file: 'no-header.csv',
		what: 'no header row',
		read: 2,
		accepted: 0,
		quarantined: [
			[1, 'malformed_row', NO_HEADER],
			[2, 'malformed_row', NO_HEADER]
		],
		notices: [`every row is quarantined: ${NO_HEADER}`],
		missingColumns: [...COLUMNS],
		noHeader: true
	},
	{
		file: 'repeated-header.csv',
		what: 'two extracts joined, and empty spreadsheet rows',
		read: 5,
		accepted: 2,
		quarantined: [
			[
				3,
				'malformed_row',
				'this line repeats the header: were several extracts joined into one file? Remove the extra header lines'
			],
			[5, 'missing_value', EMPTY_ROW],
			[6, 'missing_value', EMPTY_ROW]
		]
	},
	{
		file: 'ragged-rows.csv',
		what: 'too few fields, too many, a badly closed quote',
		read: 5,
		accepted: 2,
		quarantined: [
			[
				3,
				'malformed_row',
				'the line has 14 of the 17 fields the header names: a value is missing, or a line break inside a value is not in double quotes'
			],
			[
				4,
				'malformed_row',
				'the line has more fields than the 17 the header names: a value holding a comma must be in double quotes'
			],
			[
				5,
				'malformed_row',
				'a quoted value (in column clinic_code) is not closed properly: a value that starts with a double quote must end with one, and a double quote inside it is written twice ("")'
			]
		],
		missingColumns: OPTIONAL_MISSING.filter((c) => c !== 'clinic_code')
	}
];

/** Files too big or too binary to commit: written into the corpus copy before the tests. */
async function writeGenerated(dir: string): Promise<void> {
	const row = (id: string, type: string, time: string, tail: string) =>
		`HUGE${id},${type},${time},HUGE-P1,HUGE-N1,RBD,${tail}`;
	await writeFile(
		join(dir, 'huge-field.csv'),
		[
			`${HEADER},clinic_code`,
			row('1', 'referral_received', '2025-01-06', '15N,A81001,110,routine,,,,,,,'),
			row(
				'2',
				'appointment_booked',
				'2025-01-10',
				`,,,,HUGE-A1,2025-02-03T09:30:00,first,face_to_face,,,"${'x'.repeat(3_000_000)}"`
			),
			row(
				'3',
				'appointment_booked',
				'2025-01-11',
				',,,,HUGE-A2,2025-02-04T09:30:00,first,video,,,ENT3'
			),
			''
		].join('\n')
	);
	// Excel's "Unicode Text": UTF-16 little-endian with a byte order mark, tab-separated, CRLF.
	const text = [
		HEADER,
		'U16-1,referral_received,2025-01-06,U16-P1,U16-N1,RBD,15N,A81001,110,routine,,,,,,',
		'U16-2,appointment_booked,2025-01-10,U16-P1,U16-N1,RBD,,,,,U16-A1,2025-02-03T09:30:00,first,face_to_face,,'
	]
		.map((line) => line.replaceAll(',', '\t'))
		.join('\r\n');
	await writeFile(
		join(dir, 'utf16.csv'),
		Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${text}\r\n`, 'utf16le')])
	);
}

/**
 * The records of CSV text, each with its line as the pipeline numbers lines: a record is one line
 * however many line breaks its quoted values hold; a blank line is a line but no record. A second,
 * independent reading of the corpus to check the pipeline's counts and line numbers against.
 */
function csvRecords(text: string): { line: number; fields: string[] }[] {
	const records: { line: number; fields: string[] }[] = [];
	let line = 1;
	let fields: string[] = [];
	let field = '';
	let fieldStart = true;
	let started = false;
	let inQuotes = false;
	const body = text.replace(/^\uFEFF/, '');
	for (let i = 0; i < body.length; i++) {
		const ch = body[i];
		if (inQuotes) {
			if (ch === '"' && body[i + 1] === '"') ((field += '"'), i++);
			else if (ch === '"') inQuotes = false;
			else field += ch;
			continue;
		}
		if (ch === '\r' || ch === '\n') {
			if (ch === '\r' && body[i + 1] === '\n') i++;
			if (started) records.push({ line, fields: [...fields, field] });
			line++;
			fields = [];
			field = '';
			fieldStart = true;
			started = false;
			continue;
		}
		started = true;
		if (ch === '"' && fieldStart) inQuotes = true;
		else if (ch === ',') (fields.push(field), (field = ''));
		else field += ch;
		fieldStart = ch === ',';
	}
	if (started) records.push({ line, fields: [...fields, field] });
	return records;
}

/** Data records of an input file by the independent reading: what `read` must be. */
async function dataRecords(path: string, noHeader = false) {
	const bytes = await readFile(path);
	if (path.endsWith('.ndjson')) {
		return bytes
			.toString('utf8')
			.split(/\r\n|\n|\r/)
			.map((text, i) => ({ line: i + 1, fields: [text] }))
			.filter((r) => r.fields[0].trim() !== '');
	}
	const utf16 = bytes[0] === 0xff && bytes[1] === 0xfe;
	// Latin-1 decoding keeps one character per byte: quotes, commas and line breaks stay put.
	const text = utf16 ? bytes.subarray(2).toString('utf16le') : bytes.toString('latin1');
	const records = csvRecords(text.replaceAll('\t', ','));
	return noHeader ? records : records.slice(1);
}

/** Every Parquet file of a published dataset, whatever its layout. */
async function parquetFiles(out: string): Promise<string[]> {
	const entries = await readdir(out, { recursive: true });
	return entries.filter((f) => f.endsWith('.parquet')).map((f) => join(out, f));
}

interface QuarantineRow {
	file: string;
	line: number;
	rule: string;
	reason: string;
	event_id: string;
}

/** The quarantine CSV a run wrote, read back. */
async function quarantineRows(path: string): Promise<QuarantineRow[]> {
	const [header, ...rows] = csvRecords(await readFile(path, 'utf8'));
	return rows.map(({ fields }) => {
		const row = Object.fromEntries(header.fields.map((name, i) => [name, fields[i]]));
		return { ...row, line: Number(row.line) } as unknown as QuarantineRow;
	});
}

function expectReconciled(counts: RunReport | FileReport) {
	expect(counts.read).toBe(counts.accepted + counts.duplicates + counts.quarantined);
	expect(Object.values(counts.rules).reduce((a, b) => a + b, 0)).toBe(counts.quarantined);
}

let corpus: string;
let work: string;

beforeAll(async () => {
	work = await mkdtemp(join(tmpdir(), 'bad-input-'));
	corpus = join(work, 'corpus');
	await cp(CORPUS, corpus, { recursive: true });
	await rm(join(corpus, 'README.md'), { force: true });
	await writeGenerated(corpus);
});
afterAll(async () => {
	await rm(work, { recursive: true, force: true });
});

/**
 * Runs the pipeline on `input`: its report and where its quarantined rows are (in the dataset,
 * or beside it when the run accepted no event and so published nothing).
 */
async function run(input: string, name: string) {
	const out = join(work, `out-${name}`);
	const run = await runOrRefused({
		input,
		out,
		extractDate: '2025-07-31',
		key: DEMO,
		// The corpus is mostly bad on purpose: publish whatever share is quarantined.
		maxQuarantine: 1
	});
	return { ...run, out };
}

/** Checks one file's report and quarantined rows against its case. */
async function expectCase(c: Case, file: FileReport, quarantine: QuarantineRow[]) {
	const expected = c.quarantined ?? [];
	expect(file).toMatchObject({
		file: c.file,
		read: c.read,
		accepted: c.accepted,
		duplicates: c.duplicates ?? 0,
		quarantined: expected.length,
		warnings: c.warnings ?? {}
	});
	expectReconciled(file);
	const rules: Record<string, number> = {};
	for (const [, rule] of expected) rules[rule] = (rules[rule] ?? 0) + 1;
	expect(file.rules).toEqual(rules);
	expect(file.notices).toEqual(c.notices ?? []);
	expect(file.extraColumns).toEqual(c.extraColumns ?? []);
	expect(file.missingColumns).toEqual(c.missingColumns ?? OPTIONAL_MISSING);
	// Every quarantined row is in quarantine.csv with its file, line, rule and reason.
	const mine = quarantine.filter((q) => q.file === c.file);
	expect(mine.map((q): Quarantined => [q.line, q.rule, q.reason])).toEqual(expected);
	// Nothing lost: the rows read are the data records of the file, read independently.
	const records = await dataRecords(join(corpus, c.file), c.noHeader);
	expect(file.read).toBe(records.length);
	// Each quarantined row's line is the line of the record it came from.
	const lines = new Set(records.map((r) => r.line));
	for (const q of mine) {
		expect(lines.has(q.line), `${c.file}: line ${q.line} is a record`).toBe(true);
		const record = records.find((r) => r.line === q.line)!;
		if (q.event_id) expect(record.fields[0]).toContain(q.event_id);
	}
}

describe('the bad-input corpus', () => {
	it('has a case for every file, and a README line for every case', async () => {
		const files = (await readdir(corpus)).filter((f) => !f.startsWith('.')).sort();
		expect(files).toEqual(CASES.map((c) => c.file).sort());
		const readme = await readFile(join(CORPUS, 'README.md'), 'utf8');
		for (const c of CASES) expect(readme, c.file).toContain(`\`${c.file}\``);
	});

	for (const c of CASES) {
		it(`${c.file}: ${c.what}`, async () => {
			const { report, quarantine, published } = await run(
				join(corpus, c.file),
				c.file.replace(/\W/g, '-')
			);
			// A file of which no row is accepted publishes nothing alone.
			expect(published).toBe(c.accepted > 0);
			expect(report.files).toHaveLength(1);
			expectReconciled(report);
			await expectCase(c, report.files[0], await quarantineRows(quarantine));
		});
	}

	it('reads the whole corpus folder at once, each file reconciling as it does alone', async () => {
		const { report, quarantine: path } = await run(corpus, 'folder');
		expectReconciled(report);
		expect(report.files.map((f) => f.file)).toEqual(CASES.map((c) => c.file).sort());
		const quarantine = await quarantineRows(path);
		expect(quarantine).toHaveLength(report.quarantined);
		for (const c of CASES)
			await expectCase(
				c,
				report.files.find((f) => f.file === c.file)!,
				quarantine
			);
		const sum = (pick: (f: FileReport) => number) =>
			report.files.reduce((total, f) => total + pick(f), 0);
		expect(report.read).toBe(sum((f) => f.read));
		expect(report.accepted).toBe(sum((f) => f.accepted));
		expect(report.duplicates).toBe(sum((f) => f.duplicates));
		expect(report.quarantined).toBe(sum((f) => f.quarantined));
	});

	it('publishes an invalid optional value as unknown, and a whole-number one as its number', async () => {
		const { out } = await run(join(corpus, 'invalid-optional.csv'), 'optional-published');
		const pathways = (await parquetFiles(out)).filter((f) => basename(f) === 'pathways.parquet');
		expect(pathways.length).toBeGreaterThan(0);
		const db = await openDb();
		try {
			const rows = await db.all(`SELECT CAST(imd_decile AS INTEGER) AS imd, sex
FROM read_parquet([${pathways.map((f) => `'${f}'`).join(', ')}], union_by_name = true) ORDER BY ALL`);
			// 3, 11 (out of range), 10, 5.7 (DuckDB would round it to 6) and 4.0 (a float column's 4).
			expect(rows.map((r) => r.imd)).toEqual([3, 4, 10, null, null]);
			expect(rows.map((r) => r.sex).sort()).toEqual(
				['female', 'male', 'male', 'other', null].sort()
			);
		} finally {
			db.close();
		}
	});

	it('never publishes an unknown column: not in the Parquet, not in quarantine.csv', async () => {
		const { out } = await run(join(corpus, 'extra-column.csv'), 'extra-published');
		const files = await parquetFiles(out);
		expect(files.length).toBeGreaterThan(0);
		const db = await openDb();
		try {
			for (const file of files) {
				const columns = await db.all(`DESCRIBE SELECT * FROM read_parquet('${file}')`);
				const names = columns.map((c) => String(c.column_name).toLowerCase());
				expect(names, file).not.toContain('nhs_number');
				expect(names, file).not.toContain('notes');
				for (const row of await db.all(`SELECT * FROM read_parquet('${file}')`)) {
					expect(JSON.stringify(Object.values(row).map(String)), file).not.toMatch(
						/9434765919|called twice/
					);
				}
			}
		} finally {
			db.close();
		}
		const [header] = (await readFile(join(out, 'quarantine.csv'), 'utf8')).split('\n');
		expect(header).not.toMatch(/nhs_number|notes/i);
	});
});
