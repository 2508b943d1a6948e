/**
 * The contract's rules (shared/DOMAIN.md "Semantics (v1)") as SQL over the staging table.
 * Each row gets the first rule it breaks and a message naming the value and what was expected;
 * an invalid optional value is set to unknown and counted as a warning instead.
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
import { RAW_TABLE } from './read-events.ts';

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
/** Columns whose case we normalise; messages quote the value as it was written. */
const RESHAPED = new Set<string>([...LOWER, ...UPPER, 'ethnicity', 'clinical_priority']);

interface Rule {
	rule: string;
	/** SQL condition over the normalised row: true when the row breaks the rule. */
	when: string;
	/** SQL text expression: the message. */
	message: string;
}

const list = (values: readonly string[]) => `(${values.map(sqlString).join(', ')})`;
const english = (values: readonly string[]) =>
	values.length === 1 ? values[0] : `${values.slice(0, -1).join(', ')} or ${values.at(-1)}`;
/** A raw value quoted for a message, cut short if huge. */
const shown = (column: string) => {
	const expr = RESHAPED.has(column) ? `_raw_${column}` : column;
	return `'"' || CASE WHEN length(${expr}) > 40 THEN left(${expr}, 40) || '…' ELSE ${expr} END || '"'`;
};
const isType = (types: readonly string[]) => `event_type IN ${list(types)}`;
const typeNames = (types: readonly string[]) =>
	types.length === APPOINTMENT_EVENTS.length &&
	types.every((t) => APPOINTMENT_EVENTS.includes(t as never))
		? 'appointment events'
		: english(types);

/** `YYYY-MM-DD` with an optional time and an optional zone we ignore (times are local as written). */
const TIMESTAMP_PATTERN =
	'^(\\d{4}-\\d{2}-\\d{2}(?:[T ]\\d{2}:\\d{2}(?::\\d{2}(?:\\.\\d+)?)?)?)(?:Z|[+-]\\d{2}:?\\d{2})?$';
export const parseTimestampSql = (expr: string) =>
	`TRY_CAST(NULLIF(regexp_extract(${expr}, ${sqlString(TIMESTAMP_PATTERN)}, 1), '') AS TIMESTAMP)`;

const ODS = '^[A-Z0-9]{3,6}$';
const TREATMENT_FUNCTION = '^[0-9]{3}$';

function requiredRules(): Rule[] {
	const rules: Rule[] = [];
	for (const column of ALWAYS_REQUIRED) {
		rules.push({
			rule: 'missing_column',
			when: `list_contains(_missing, '${column}')`,
			message: `'column "${column}" is missing from the file header: it is required on every event'`
		});
	}
	for (const column of ALWAYS_REQUIRED) {
		rules.push({
			rule: 'missing_value',
			when: `${column} IS NULL`,
			message: `'${column} is empty: it is required on every event'`
		});
	}
	rules.push({
		rule: 'invalid_event_type',
		when: `event_type NOT IN ${list(EVENT_TYPES)}`,
		message: `'unknown event_type ' || ${shown('event_type')} || ': expected one of the ${EVENT_TYPES.length} contract event types, such as referral_received or appointment_booked'`
	});
	rules.push({
		rule: 'invalid_date',
		when: `event_ts IS NULL`,
		message: `'invalid event_time ' || ${shown('event_time')} || ': expected an ISO 8601 date or timestamp such as 2025-03-14 or 2025-03-14T09:30:00'`
	});
	for (const { column, eventTypes } of REQUIRED_BY_TYPE) {
		rules.push({
			rule: 'missing_column',
			when: `${isType(eventTypes)} AND list_contains(_missing, '${column}')`,
			message: `'column "${column}" is missing from the file header: it is required on ${typeNames(eventTypes)}'`
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
		message: `'invalid ${column} ' || ${shown(column)} || ': expected ${english(values)}'`
	}));
	rules.push({
		rule: 'invalid_value',
		when: `event_type = 'referral_received' AND rtt IS NOT NULL AND rtt_flag IS NULL`,
		message: `'invalid rtt ' || ${shown('rtt')} || ': expected true or false'`
	});
	rules.push({
		rule: 'invalid_date',
		when: `${isType(APPOINTMENT_EVENTS)} AND appointment_ts IS NULL`,
		message: `'invalid appointment_time ' || ${shown('appointment_time')} || ': expected an ISO 8601 timestamp such as 2025-03-14T09:30:00'`
	});
	rules.push({
		rule: 'invalid_code',
		when: `NOT regexp_full_match(provider_code, '${ODS}')`,
		message: `'invalid provider_code ' || ${shown('provider_code')} || ': expected an ODS code of 3 to 6 letters and digits, such as RBD'`
	});
	rules.push({
		rule: 'invalid_code',
		when: `event_type = 'referral_received' AND NOT regexp_full_match(commissioner_code, '${ODS}')`,
		message: `'invalid commissioner_code ' || ${shown('commissioner_code')} || ': expected an ODS code of 3 to 6 letters and digits, such as 15N'`
	});
	rules.push({
		rule: 'invalid_code',
		when: `event_type = 'referral_received' AND NOT regexp_full_match(specialty_code, '${TREATMENT_FUNCTION}')`,
		message: `'invalid specialty_code ' || ${shown('specialty_code')} || ': expected a 3-digit treatment function code, such as 110'`
	});
	return rules;
}

const futureRule: Rule = {
	rule: 'future_event_time',
	when: `CAST(event_ts AS DATE) > getvariable('extract_date')`,
	message: `'event_time ' || ${shown('event_time')} || ' is after the extract date ' || strftime(getvariable('extract_date'), '%Y-%m-%d')`
};

/** Every quarantine rule, in the order they are tried. */
export const ROW_RULES: readonly Rule[] = [
	{
		rule: 'malformed_row',
		when: '_malformed IS NOT NULL',
		message: `'malformed row: ' || _malformed`
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
		valid: `TRY_CAST(imd_decile AS INTEGER) BETWEEN 1 AND 10`
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
	const raw = RESHAPED.has(column) ? `${column} AS _raw_${column}, ` : '';
	return raw + normalisedValue(column);
}

function normalisedValue(column: Column): string {
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

/**
 * Builds `checked`: every staged row, normalised, typed, with `_rule` and `_reason` set for the
 * first rule it breaks, optional values it could not use set to NULL and listed in `_warnings`.
 */
export async function checkRows(db: Db, extractDate: string): Promise<void> {
	await db.run(`SET VARIABLE extract_date = ${sqlDate(extractDate)}`);
	await db.run(`CREATE OR REPLACE TEMP TABLE normalised AS
SELECT _file, _line, _malformed, _missing,
  ${COLUMNS.map(normalised).join(',\n  ')},
  ${parseTimestampSql('event_time')} AS event_ts,
  ${parseTimestampSql('appointment_time')} AS appointment_ts,
  ${RTT_FLAG} AS rtt_flag
FROM ${RAW_TABLE}`);
	const ruleCase = (field: 'rule' | 'message') =>
		`CASE\n${ROW_RULES.map((r) => `    WHEN ${r.when} THEN ${field === 'rule' ? sqlString(r.rule) : r.message}`).join('\n')}\n  END`;
	// A required value breaking a rule quarantines the row before the optional check sees it, so
	// warnings are only worked out for rows that pass.
	const warningList = `list_filter([${OPTIONAL_CHECKS.map(
		(c) =>
			`CASE WHEN ${c.column} IS NOT NULL AND NOT COALESCE(${c.valid}, false) THEN '${c.warning}' END`
	).join(', ')}], w -> w IS NOT NULL)`;
	await db.run(`CREATE OR REPLACE TEMP TABLE checked AS
WITH ruled AS (
  SELECT *,
    ${ruleCase('rule')} AS _rule,
    ${ruleCase('message')} AS _reason
  FROM normalised
)
SELECT *, CASE WHEN _rule IS NULL THEN ${warningList} ELSE []::VARCHAR[] END AS _warnings
FROM ruled`);
}
