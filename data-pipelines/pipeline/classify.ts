/**
 * After the row rules: identity (duplicates and conflicts) and contradictions between rows
 * (README.md "The input contract (v1)": identity and reconciliation). Produces `verdicts`: one row per staged row
 * that is not accepted, with `_status` duplicate or quarantined, its `_rule`, its `_reason` (for
 * quarantine.csv) and its `_summary` (the same with no value from the row, for the run report).
 * Only the rows involved are ever sorted or hashed, so a clean extract costs one pass.
 */
import { COLUMNS } from '../lib/contract.ts';
import type { Db } from '../lib/duckdb.ts';
import { FILES_TABLE } from './read-events.ts';
import { ruleVerdictsSql } from './validate.ts';

const at = (line: string, file: string) => `'line ' || ${line} || ' of ' || ${file}`;
const day = (ts: string) => `strftime(${ts}, '%Y-%m-%d')`;
const whole = 'ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING';

/** Duplicates and conflicts among rows that passed the row rules: one event_id per provider. */
const IDENTITY = `
WITH repeated AS (
  SELECT provider_code, event_id FROM checked WHERE _rule_no IS NULL
  GROUP BY provider_code, event_id HAVING COUNT(*) > 1
),
copies AS (
  SELECT c._id, c._file_no, c._line, c.provider_code, c.event_id, f._file,
    md5(concat_ws(chr(31), ${COLUMNS.map((col) => `COALESCE(c.${col}, chr(0))`).join(', ')})) AS content
  FROM checked c
  JOIN repeated USING (provider_code, event_id)
  JOIN ${FILES_TABLE} f USING (_file_no)
  WHERE c._rule_no IS NULL
),
ranked AS (
  SELECT *,
    ROW_NUMBER() OVER w AS copy,
    COUNT(*) OVER w AS copies,
    MIN(content) OVER w <> MAX(content) OVER w AS differs,
    FIRST_VALUE(_file) OVER w AS first_file, FIRST_VALUE(_line) OVER w AS first_line
  FROM copies
  WINDOW w AS (PARTITION BY provider_code, event_id ORDER BY _file_no, _line ${whole})
)
SELECT _id,
  CASE WHEN differs THEN 'quarantined' ELSE 'duplicate' END AS _status,
  CASE WHEN differs THEN 'conflict' ELSE 'duplicate' END AS _rule,
  CASE WHEN differs
       THEN 'event_id "' || event_id || '" is used by ' || copies
         || ' rows with different content: all are quarantined (first on '
         || ${at('first_line', 'first_file')} || ')'
       ELSE 'exact duplicate of ' || ${at('first_line', 'first_file')} END AS _reason,
  CASE WHEN differs
       THEN 'the event_id is used by ' || copies
         || ' rows with different content: all are quarantined (first on '
         || ${at('first_line', 'first_file')} || ')'
       ELSE 'exact duplicate of ' || ${at('first_line', 'first_file')} END AS _summary
FROM ranked
WHERE differs OR copy > 1`;

/**
 * A CTE `name` ranking the rows of `rows` whose `keys` repeat, in time then file order: `nth`,
 * and the first row's file and line (`first_file`, `first_line`) and `first_type`. Keys that
 * occur once (nearly all of them) are never sorted.
 */
function rankRepeats(
	name: string,
	rows: string,
	keys: string,
	/** The keys that repeat, when the caller has counted them already. */
	repeated = `SELECT ${keys} FROM ${rows} GROUP BY ${keys} HAVING COUNT(*) > 1`
): string {
	const on = keys
		.split(', ')
		.map((k) => `s.${k}`)
		.join(', ');
	return `${name} AS (
  SELECT s._id, ROW_NUMBER() OVER w AS nth, FIRST_VALUE(s.event_type) OVER w AS first_type,
    FIRST_VALUE(f._file) OVER w AS first_file, FIRST_VALUE(s._line) OVER w AS first_line
  FROM ${rows} s
  JOIN (${repeated}) USING (${keys})
  JOIN ${FILES_TABLE} f ON f._file_no = s._file_no
  WINDOW w AS (PARTITION BY ${on} ORDER BY s.event_ts, s._file_no, s._line ${whole})
)`;
}

/**
 * Rows that contradict an earlier accepted row, with the reason. Most pathways have one referral
 * and one stop and most appointments one booking and one outcome, so the first of each is found by
 * grouping (no sort), and only the few keys that repeat are ranked to name the row that came first.
 */
const CONTRADICTIONS = `
WITH ok AS (
  SELECT c._id, c._file_no, c._line, c.event_type, c.event_ts, c.provider_code,
    c.pathway_id, c.appointment_id
  FROM checked c
  WHERE c._rule_no IS NULL
    AND c.event_type IN ('referral_received', 'clock_stopped', 'appointment_booked',
                         'appointment_cancelled', 'appointment_attended', 'appointment_dna')
    AND c._id NOT IN (SELECT _id FROM identity_verdicts)
),
referral_rows AS (SELECT * FROM ok WHERE event_type = 'referral_received'),
starts AS (
  SELECT provider_code, pathway_id, MIN(event_ts) AS start_ts, COUNT(*) AS n
  FROM referral_rows GROUP BY provider_code, pathway_id
),
${rankRepeats('referrals', 'referral_rows', 'provider_code, pathway_id', 'SELECT provider_code, pathway_id FROM starts WHERE n > 1')},
stops AS (
  SELECT s._id, s._file_no, s._line, s.event_type, s.provider_code, s.pathway_id, s.event_ts,
    st.start_ts
  FROM ok s LEFT JOIN starts st USING (provider_code, pathway_id)
  WHERE s.event_type = 'clock_stopped'
),
valid_stops AS (
  SELECT * FROM stops
  WHERE start_ts IS NULL OR CAST(event_ts AS DATE) >= CAST(start_ts AS DATE)
),
${rankRepeats('later_stops', 'valid_stops', 'provider_code, pathway_id')},
booking_rows AS (SELECT * FROM ok WHERE event_type = 'appointment_booked'),
booked AS (
  SELECT provider_code, appointment_id, MIN(event_ts) AS booked_ts, COUNT(*) AS n
  FROM booking_rows GROUP BY provider_code, appointment_id
),
${rankRepeats('bookings', 'booking_rows', 'provider_code, appointment_id', 'SELECT provider_code, appointment_id FROM booked WHERE n > 1')},
outcomes AS (
  SELECT o._id, o._file_no, o._line, o.provider_code, o.appointment_id, o.event_type,
    o.event_ts, b.booked_ts
  FROM ok o
  LEFT JOIN booked b USING (provider_code, appointment_id)
  WHERE o.event_type IN ('appointment_cancelled', 'appointment_attended', 'appointment_dna')
),
-- Outcomes dated before their booking are quarantined for that; the rest are ranked, so one of
-- those never makes a later, valid outcome a "second" one.
valid_outcomes AS (
  SELECT * FROM outcomes
  WHERE booked_ts IS NULL OR CAST(event_ts AS DATE) >= CAST(booked_ts AS DATE)
),
${rankRepeats('later_outcomes', 'valid_outcomes', 'provider_code, appointment_id')},
found AS (
  SELECT _id, 'a second referral_received for this pathway: it was already received on '
    || ${at('first_line', 'first_file')} AS _reason, NULL AS _summary
  FROM referrals WHERE nth > 1
  UNION ALL
  SELECT _id, 'clock_stopped on ' || ${day('event_ts')} || ' is before the clock started on '
    || ${day('start_ts')}, 'clock_stopped is dated before the clock started'
  FROM stops WHERE CAST(event_ts AS DATE) < CAST(start_ts AS DATE)
  UNION ALL
  SELECT _id, 'a second clock_stopped for this pathway: its clock already stopped on '
    || ${at('first_line', 'first_file')}, NULL
  FROM later_stops WHERE nth > 1
  UNION ALL
  SELECT _id, 'a second appointment_booked for this appointment_id (first on '
    || ${at('first_line', 'first_file')} || '): a rebooking needs a new appointment_id', NULL
  FROM bookings WHERE nth > 1
  UNION ALL
  SELECT _id, event_type || ' on ' || ${day('event_ts')} || ' is dated before its booking on '
    || ${day('booked_ts')}, event_type || ' is dated before its booking'
  FROM outcomes WHERE CAST(event_ts AS DATE) < CAST(booked_ts AS DATE)
  UNION ALL
  SELECT _id, 'a second outcome for this appointment: ' || first_type || ' was already recorded on '
    || ${at('first_line', 'first_file')}, NULL
  FROM later_outcomes WHERE nth > 1
)
-- A reason that quotes no value from the row (dates aside) serves as its own summary.
SELECT _id, 'quarantined' AS _status, 'contradiction' AS _rule, MIN(_reason) AS _reason,
  arg_min(COALESCE(_summary, _reason), _reason) AS _summary
FROM found GROUP BY _id`;

export async function classifyRows(db: Db): Promise<void> {
	await db.run(`CREATE OR REPLACE TEMP TABLE identity_verdicts AS ${IDENTITY}`);
	await db.run(`CREATE OR REPLACE TABLE verdicts AS
${ruleVerdictsSql()}
UNION ALL SELECT * FROM identity_verdicts
UNION ALL SELECT * FROM (${CONTRADICTIONS})`);
	// Every staged row with its status; rows without a verdict are accepted.
	await db.run(`CREATE OR REPLACE VIEW classified AS
SELECT c.*, f._file, COALESCE(v._status, 'accepted') AS _status, v._rule, v._reason, v._summary
FROM checked c
JOIN ${FILES_TABLE} f USING (_file_no)
LEFT JOIN verdicts v USING (_id)`);
}
