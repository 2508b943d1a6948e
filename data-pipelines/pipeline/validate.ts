/**
 * The contract's rules (README.md "The input contract (v1)"; docs/definitions.md "Pathways and clocks") as SQL over the staging table.
 * Each row gets the first rule it breaks and two messages: `_reason`, naming the value as written
 * and what was expected, for quarantine.csv (the operator's, never served), and `_summary`, the
 * same without any value from the row, for the run report, which the dashboard serves (a row
 * whose columns are shifted can put a patient's id in any column). An invalid optional value is
 * set to unknown and counted as a warning instead.
 */
import {
	AGE_BANDS,
	ALWAYS_REQUIRED,
	APPOINTMENT_EVENTS,
	ATTENDANCE_TYPES,
	CANCELLED_BY,
	CARE_SETTINGS,
	CLINICAL_PRIORITIES,
	COLUMNS,
	CONSULTATION_MEDIA,
	EVENT_TYPES,
	PRIORITIES,
	REFERRAL_SOURCES,
	REQUIRED_BY_TYPE,
	SEXES,
	STOP_REASONS,
	type Column
} from '../lib/contract.ts';
import type { Db } from '../lib/duckdb.ts';
import { sqlDate, sqlString } from '../../src/lib/metrics/sql.ts';
import { ODS_CODE, TREATMENT_FUNCTION_CODE } from '../../src/lib/metrics/codes.ts';
import { FILES_TABLE, RAW_TABLE } from './read-events.ts';

const LOWER: readonly Column[] = [
	'event_type',
	'priority',
	'care_setting',
	'referral_source',
	'attendance_type',
	'consultation_medium',
	'cancelled_by',
	'stop_reason',
	'sex'
];
const UPPER: readonly Column[] = ['provider_code', 'commissioner_code', 'referrer_code'];

/**
 * How a message shows a value of the row: as ` "value"` (for quarantine.csv), or not at all (for
 * what is served). An SQL text expression, concatenated into the message.
 */
type Show = (column: string) => string;
/** A message: an SQL text expression over the row as written, showing values by `show`. */
type Message = string | ((show: Show) => string);

interface Rule {
	rule: string;
	/** SQL condition over the normalised row: true when the row breaks the rule. */
	when: string;
	/** The message. */
	message: Message;
	/**
	 * Special cases of a broken rule, tried in order over the row as written, with their own
	 * message (and rule, if given). Worked out only for quarantined rows, so they cost clean rows
	 * nothing.
	 */
	cases?: readonly { when: string; rule?: string; message: Message }[];
}

const list = (values: readonly string[]) => `(${values.map(sqlString).join(', ')})`;
const english = (values: readonly string[]) =>
	values.length === 1 ? values[0] : `${values.slice(0, -1).join(', ')} or ${values.at(-1)}`;
/** A value as written (messages are worked out over the raw row), quoted and cut short if huge. */
const shown: Show = (column) =>
	`' "' || CASE WHEN length(${column}) > 40 THEN left(${column}, 40) || '…' ELSE ${column} END || '"'`;
/** No value at all. */
const hidden: Show = () => `''`;
const render = (message: Message, show: Show) =>
	typeof message === 'string' ? message : message(show);
const isType = (types: readonly string[]) => `event_type IN ${list(types)}`;
const typeNames = (types: readonly string[]) =>
	types.length === APPOINTMENT_EVENTS.length &&
	types.every((t) => APPOINTMENT_EVENTS.includes(t as never))
		? 'appointment events'
		: english(types);

/**
 * `YYYY-MM-DD` with an optional time (`T` or a space, `hh:mm`, optional seconds and fraction) and an
 * optional zone we ignore (times are local as written). Hours run 00–23: DuckDB would read
 * `24:00` as the next day's midnight and move the event to another date.
 */
const TIMESTAMP_PATTERN =
	'^(\\d{4}-\\d{2}-\\d{2}(?:[T ](?:[01]\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d(?:\\.\\d+)?)?)?)(?:Z|[+-](?:[01]\\d|2[0-3]):?[0-5]\\d)?$';
/** SQL: the TIMESTAMP written in text `expr`, or NULL if it is not a real ISO 8601 date or time. */
export const parseTimestampSql = (expr: string) =>
	`TRY_CAST(NULLIF(regexp_extract(${expr}, ${sqlString(TIMESTAMP_PATTERN)}, 1), '') AS TIMESTAMP)`;

/** Messages for a date that did not parse, by what it looks like (worked out for those rows only). */
function dateCases(column: string, example: string) {
	return [
		{
			when: `regexp_matches(${column}, '^\\d{1,2}[/.-]\\d{1,2}[/.-]\\d{2,4}')`,
			message: (show: Show) =>
				`'invalid ${column}' || ${show(column)} || ': write dates year first, as YYYY-MM-DD (such as ${example}), not day/month/year as a spreadsheet may show them'`
		},
		{
			when: `regexp_full_match(${column}, '\\d{4}-\\d{2}-\\d{2}([T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?)?(Z|[+-]\\d{2}:?\\d{2})?')`,
			message: (show: Show) =>
				`'invalid ${column}' || ${show(column)} || ': there is no such date or time (months run 01–12, days to the end of the month, hours 00–23, minutes and seconds 00–59)'`
		}
	];
}

const ODS = ODS_CODE.source;
const TREATMENT_FUNCTION = TREATMENT_FUNCTION_CODE.source;

/** An NDJSON file has no header: a column is missing when no line has its key. */
const ndjsonMissing = (column: string, on: string) => ({
	when: `_format = 'ndjson'`,
	message: `'no line of the file has the key "${column}": it is required on ${on}'`
});

function requiredRules(): Rule[] {
	const rules: Rule[] = [];
	for (const column of ALWAYS_REQUIRED) {
		rules.push({
			rule: 'missing_column',
			when: `list_contains(_missing, '${column}')`,
			message: `'column "${column}" is missing from the file header: it is required on every event'`,
			cases: [ndjsonMissing(column, 'every event')]
		});
	}
	for (const column of ALWAYS_REQUIRED) {
		rules.push({
			rule: 'missing_value',
			when: `${column} IS NULL`,
			message: `'${column} is empty: it is required on every event'`,
			cases: [
				{
					when: COLUMNS.map((c) => `${c} IS NULL`).join(' AND '),
					message: `'the row is empty: every field is blank (spreadsheets can leave such rows at the end); delete it'`
				}
			]
		});
	}
	rules.push({
		rule: 'invalid_event_type',
		when: `event_type NOT IN ${list(EVENT_TYPES)}`,
		message: (show) =>
			`'unknown event_type' || ${show('event_type')} || ': expected one of the ${EVENT_TYPES.length} contract event types, such as referral_received or appointment_booked'`,
		cases: [
			{
				when: `lower(event_type) = 'event_type' AND lower(event_id) = 'event_id'`,
				rule: 'malformed_row',
				message: `'this line repeats the header: were several extracts joined into one file? Remove the extra header lines'`
			}
		]
	});
	rules.push({
		rule: 'invalid_date',
		when: `event_ts IS NULL`,
		message: (show) =>
			`'invalid event_time' || ${show('event_time')} || ': expected an ISO 8601 date or timestamp such as 2025-03-14 or 2025-03-14T09:30:00'`,
		cases: dateCases('event_time', '2025-03-14')
	});
	for (const { column, eventTypes } of REQUIRED_BY_TYPE) {
		rules.push({
			rule: 'missing_column',
			when: `${isType(eventTypes)} AND list_contains(_missing, '${column}')`,
			message: `'column "${column}" is missing from the file header: it is required on ${typeNames(eventTypes)}'`,
			cases: [ndjsonMissing(column, typeNames(eventTypes))]
		});
	}
	for (const { column, eventTypes } of REQUIRED_BY_TYPE) {
		rules.push({
			rule: 'missing_value',
			when: `${isType(eventTypes)} AND ${column} IS NULL`,
			message: `'${column} is empty: it is required on ' || event_type`
		});
	}
	return rules;
}

const REQUIRED_ENUMS: readonly {
	column: Column;
	values: readonly string[];
	eventTypes: readonly string[];
}[] = [
	{ column: 'priority', values: PRIORITIES, eventTypes: ['referral_received'] },
	{ column: 'attendance_type', values: ATTENDANCE_TYPES, eventTypes: APPOINTMENT_EVENTS },
	{ column: 'consultation_medium', values: CONSULTATION_MEDIA, eventTypes: APPOINTMENT_EVENTS },
	{ column: 'cancelled_by', values: CANCELLED_BY, eventTypes: ['appointment_cancelled'] },
	{ column: 'stop_reason', values: STOP_REASONS, eventTypes: ['clock_stopped'] }
];

function valueRules(): Rule[] {
	const rules: Rule[] = REQUIRED_ENUMS.map(({ column, values, eventTypes }) => ({
		rule: 'invalid_value',
		when: `${isType(eventTypes)} AND ${column} NOT IN ${list(values)}`,
		message: (show: Show) =>
			`'invalid ${column}' || ${show(column)} || ': expected ${english(values)}'`
	}));
	rules.push({
		rule: 'invalid_value',
		when: `event_type = 'referral_received' AND rtt IS NOT NULL AND rtt_flag IS NULL`,
		message: (show) => `'invalid rtt' || ${show('rtt')} || ': expected true or false'`
	});
	rules.push({
		rule: 'invalid_date',
		when: `${isType(APPOINTMENT_EVENTS)} AND appointment_ts IS NULL`,
		message: (show) =>
			`'invalid appointment_time' || ${show('appointment_time')} || ': expected an ISO 8601 timestamp such as 2025-03-14T09:30:00'`,
		cases: dateCases('appointment_time', '2025-03-14T09:30:00')
	});
	rules.push({
		rule: 'invalid_code',
		when: `NOT regexp_full_match(provider_code, '${ODS}')`,
		message: (show) =>
			`'invalid provider_code' || ${show('provider_code')} || ': expected an ODS code of 3 to 6 letters and digits, such as RBD'`
	});
	rules.push({
		rule: 'invalid_code',
		when: `event_type = 'referral_received' AND NOT regexp_full_match(commissioner_code, '${ODS}')`,
		message: (show) =>
			`'invalid commissioner_code' || ${show('commissioner_code')} || ': expected an ODS code of 3 to 6 letters and digits, such as 15N'`
	});
	rules.push({
		rule: 'invalid_code',
		when: `event_type = 'referral_received' AND NOT regexp_full_match(specialty_code, '${TREATMENT_FUNCTION}')`,
		message: (show) =>
			`'invalid specialty_code' || ${show('specialty_code')} || ': expected a 3-digit treatment function code, such as 110'`
	});
	return rules;
}

const futureRule: Rule = {
	rule: 'future_event_time',
	when: `CAST(event_ts AS DATE) > getvariable('extract_date')`,
	message: (show) =>
		`'event_time' || ${show('event_time')} || ' is after the extract date ' || strftime(getvariable('extract_date'), '%Y-%m-%d')`
};

/** Every quarantine rule, in the order they are tried. */
export const ROW_RULES: readonly Rule[] = [
	{
		rule: 'malformed_row',
		when: '_malformed IS NOT NULL',
		message: '_malformed'
	},
	...requiredRules(),
	...valueRules(),
	futureRule
];

interface OptionalCheck {
	column: Column;
	warning: string;
	/** SQL: true when the (non-null) value is acceptable. */
	valid: string;
}

/** Optional fields: an invalid value becomes unknown (NULL) and counts as a warning. */
export const OPTIONAL_CHECKS: readonly OptionalCheck[] = [
	{
		column: 'referrer_code',
		warning: 'invalid_referrer_code',
		valid: `regexp_full_match(referrer_code, '${ODS}')`
	},
	{
		column: 'commissioner_code',
		warning: 'invalid_commissioner_code',
		valid: `regexp_full_match(commissioner_code, '${ODS}')`
	},
	{
		column: 'specialty_code',
		warning: 'invalid_specialty_code',
		valid: `regexp_full_match(specialty_code, '${TREATMENT_FUNCTION}')`
	},
	{ column: 'priority', warning: 'invalid_priority', valid: `priority IN ${list(PRIORITIES)}` },
	{
		column: 'care_setting',
		warning: 'invalid_care_setting',
		valid: `care_setting IN ${list(CARE_SETTINGS)}`
	},
	{
		column: 'referral_source',
		warning: 'invalid_referral_source',
		valid: `referral_source IN ${list(REFERRAL_SOURCES)}`
	},
	{ column: 'age_band', warning: 'invalid_age_band', valid: `age_band IN ${list(AGE_BANDS)}` },
	{ column: 'sex', warning: 'invalid_sex', valid: `sex IN ${list(SEXES)}` },
	{
		column: 'ethnicity',
		warning: 'invalid_ethnicity',
		valid: `regexp_full_match(ethnicity, '^([A-Z]|unknown)$')`
	},
	{
		column: 'imd_decile',
		warning: 'invalid_imd_decile',
		// Whole numbers only (a float column's "3.0" too): DuckDB would cast "5.7" to 6 and "1e1" to 10.
		valid: `regexp_full_match(imd_decile, '(0?[1-9]|10)(\\.0+)?')`
	},
	{
		column: 'clinical_priority',
		warning: 'invalid_clinical_priority',
		valid: `clinical_priority IN ${list(CLINICAL_PRIORITIES)}`
	},
	{
		column: 'attendance_type',
		warning: 'invalid_attendance_type',
		valid: `attendance_type IN ${list(ATTENDANCE_TYPES)}`
	},
	{
		column: 'consultation_medium',
		warning: 'invalid_consultation_medium',
		valid: `consultation_medium IN ${list(CONSULTATION_MEDIA)}`
	},
	{
		column: 'cancelled_by',
		warning: 'invalid_cancelled_by',
		valid: `cancelled_by IN ${list(CANCELLED_BY)}`
	},
	{
		column: 'stop_reason',
		warning: 'invalid_stop_reason',
		valid: `stop_reason IN ${list(STOP_REASONS)}`
	},
	{
		column: 'appointment_time',
		warning: 'invalid_appointment_time',
		valid: `appointment_ts IS NOT NULL`
	}
];

function normalised(column: Column): string {
	if (LOWER.includes(column)) return `lower(${column}) AS ${column}`;
	if (UPPER.includes(column)) return `upper(${column}) AS ${column}`;
	if (column === 'ethnicity')
		return `CASE WHEN lower(ethnicity) = 'unknown' THEN 'unknown' ELSE upper(ethnicity) END AS ethnicity`;
	if (column === 'clinical_priority')
		return `CASE WHEN upper(clinical_priority) IN ('P1A', 'P1B') THEN 'P1' || lower(right(clinical_priority, 1)) ELSE upper(clinical_priority) END AS clinical_priority`;
	return column;
}

/** Values that count as the boolean `rtt`; empty means the contract default, true. */
const RTT_FLAG = `CASE WHEN lower(rtt) IN ('true', 't', '1', 'yes', 'y') THEN true
     WHEN lower(rtt) IN ('false', 'f', '0', 'no', 'n') THEN false END`;

/** Bit `i` of `_warn` is set when optional check `i` found an unusable value. */
export const warningBit = (warning: string) =>
	1 << OPTIONAL_CHECKS.findIndex((c) => c.warning === warning);

/**
 * Builds `checked`: every staged row normalised and typed, with `_rule_no` (1-based index into
 * {@link ROW_RULES}) for the first rule it breaks and `_warn`, a bit per optional value it could
 * not use. Messages are worked out later, for quarantined rows only ({@link ruleVerdictsSql}).
 */
export async function checkRows(db: Db, extractDate: string): Promise<void> {
	await db.run(`SET VARIABLE extract_date = ${sqlDate(extractDate)}`);
	const ruleNo = `CASE\n${ROW_RULES.map((r, i) => `    WHEN ${r.when} THEN ${i + 1}`).join('\n')}\n  END`;
	// A row quarantined by a rule gets no warnings: they are only worked out for rows that pass.
	const warn = OPTIONAL_CHECKS.map(
		(c, i) =>
			`CASE WHEN ${c.column} IS NOT NULL AND NOT COALESCE(${c.valid}, false) THEN ${1 << i} ELSE 0 END`
	).join('\n    + ');
	await db.run(`CREATE OR REPLACE TABLE checked AS
WITH normalised AS (
  SELECT r._id, r._file_no, r._line, r._malformed, f.missing AS _missing,
    ${COLUMNS.map(normalised).join(',\n    ')},
    ${parseTimestampSql('event_time')} AS event_ts,
    ${parseTimestampSql('appointment_time')} AS appointment_ts,
    ${RTT_FLAG} AS rtt_flag
  FROM ${RAW_TABLE} r JOIN ${FILES_TABLE} f USING (_file_no)
),
ruled AS (
  SELECT *, ${ruleNo} AS _rule_no FROM normalised
)
SELECT * EXCLUDE (_malformed, _missing),
  CASE WHEN _rule_no IS NULL THEN
    ${warn}
  ELSE 0 END AS _warn
FROM ruled`);
}

/**
 * `(_id, _status, _rule, _reason, _summary)` for every row a rule quarantined. The reason quotes
 * the row as it was written, so it is worked out over the staged text, and only for these rows;
 * the summary says the same with no value from the row.
 */
export function ruleVerdictsSql(): string {
	type Verdict = { rule: string; message: Message };
	const refined = (r: Rule, pick: (v: Verdict) => string) =>
		r.cases?.length
			? `CASE ${r.cases.map((c) => `WHEN ${c.when} THEN ${pick({ rule: c.rule ?? r.rule, message: c.message })}`).join(' ')} ELSE ${pick(r)} END`
			: pick(r);
	const cases = (pick: (v: Verdict) => string) =>
		`CASE _rule_no\n${ROW_RULES.map((r, i) => `      WHEN ${i + 1} THEN ${refined(r, pick)}`).join('\n')}\n    END`;
	return `SELECT _id, 'quarantined' AS _status,
    ${cases((v) => sqlString(v.rule))} AS _rule,
    ${cases((c) => render(c.message, shown))} AS _reason,
    ${cases((c) => render(c.message, hidden))} AS _summary
  FROM (
    SELECT r.*, c._rule_no, f.format AS _format
    FROM checked c JOIN ${RAW_TABLE} r USING (_id) JOIN ${FILES_TABLE} f ON f._file_no = r._file_no
    WHERE c._rule_no IS NOT NULL
  )`;
}
