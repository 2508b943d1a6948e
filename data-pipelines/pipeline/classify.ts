/**
 * After the row rules: identity (duplicates and conflicts) and contradictions between rows
 * (shared/DOMAIN.md "Identity", "Reconciliation"). Produces `classified`, every staged row with a
 * `_status` of accepted, duplicate or quarantined, and a `_rule` and `_reason` for the last two.
 */
import { COLUMNS } from '../lib/contract.ts';
import type { Db } from '../lib/duckdb.ts';

const at = (line: string, file: string) => `'line ' || ${line} || ' of ' || ${file}`;
const day = (ts: string) => `strftime(${ts}, '%Y-%m-%d')`;

/** Rows that contradict an earlier accepted row, with the reason. One SELECT of (_id, _reason). */
const CONTRADICTIONS = `
WITH ok AS (SELECT * FROM classified WHERE _status = 'accepted'),
referrals AS (
  SELECT _id, provider_code, pathway_id, event_ts,
    ROW_NUMBER() OVER w AS nth,
    FIRST_VALUE(_file) OVER w AS first_file, FIRST_VALUE(_line) OVER w AS first_line,
    FIRST_VALUE(event_ts) OVER w AS first_ts
  FROM ok WHERE event_type = 'referral_received'
  WINDOW w AS (PARTITION BY provider_code, pathway_id ORDER BY event_ts, _file, _line
               ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
),
starts AS (SELECT provider_code, pathway_id, first_ts AS start_ts FROM referrals WHERE nth = 1),
stops AS (
  SELECT s._id, s._file, s._line, s.provider_code, s.pathway_id, s.event_ts, st.start_ts
  FROM ok s LEFT JOIN starts st USING (provider_code, pathway_id)
  WHERE s.event_type = 'clock_stopped'
),
later_stops AS (
  SELECT *, ROW_NUMBER() OVER w AS nth,
    FIRST_VALUE(_file) OVER w AS first_file, FIRST_VALUE(_line) OVER w AS first_line
  FROM stops
  WHERE start_ts IS NULL OR CAST(event_ts AS DATE) >= CAST(start_ts AS DATE)
  WINDOW w AS (PARTITION BY provider_code, pathway_id ORDER BY event_ts, _file, _line
               ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
),
bookings AS (
  SELECT _id, provider_code, appointment_id, event_ts,
    ROW_NUMBER() OVER w AS nth,
    FIRST_VALUE(_file) OVER w AS first_file, FIRST_VALUE(_line) OVER w AS first_line,
    FIRST_VALUE(event_ts) OVER w AS first_ts
  FROM ok WHERE event_type = 'appointment_booked'
  WINDOW w AS (PARTITION BY provider_code, appointment_id ORDER BY event_ts, _file, _line
               ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
),
outcomes AS (
  SELECT o._id, o.event_type, o.event_ts, b.first_ts AS booked_ts,
    ROW_NUMBER() OVER w AS nth,
    FIRST_VALUE(o.event_type) OVER w AS first_type,
    FIRST_VALUE(o._file) OVER w AS first_file, FIRST_VALUE(o._line) OVER w AS first_line
  FROM ok o
  LEFT JOIN (SELECT DISTINCT provider_code, appointment_id, first_ts FROM bookings) b
    USING (provider_code, appointment_id)
  WHERE o.event_type IN ('appointment_cancelled', 'appointment_attended', 'appointment_dna')
  WINDOW w AS (PARTITION BY o.provider_code, o.appointment_id ORDER BY o.event_ts, o._file, o._line
               ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
),
found AS (
  SELECT _id, 'a second referral_received for this pathway: it was already received on '
    || ${at('first_line', 'first_file')} AS _reason
  FROM referrals WHERE nth > 1
  UNION ALL
  SELECT _id, 'clock_stopped on ' || ${day('event_ts')} || ' is before the clock started on '
    || ${day('start_ts')}
  FROM stops WHERE CAST(event_ts AS DATE) < CAST(start_ts AS DATE)
  UNION ALL
  SELECT _id, 'a second clock_stopped for this pathway: its clock already stopped on '
    || ${at('first_line', 'first_file')}
  FROM later_stops WHERE nth > 1
  UNION ALL
  SELECT _id, 'a second appointment_booked for this appointment_id (first on '
    || ${at('first_line', 'first_file')} || '): a rebooking needs a new appointment_id'
  FROM bookings WHERE nth > 1
  UNION ALL
  SELECT _id, event_type || ' on ' || ${day('event_ts')} || ' is dated before its booking on '
    || ${day('booked_ts')}
  FROM outcomes WHERE CAST(event_ts AS DATE) < CAST(booked_ts AS DATE)
  UNION ALL
  SELECT _id, 'a second outcome for this appointment: ' || first_type || ' was already recorded on '
    || ${at('first_line', 'first_file')}
  FROM outcomes WHERE nth > 1 AND NOT COALESCE(CAST(event_ts AS DATE) < CAST(booked_ts AS DATE), false)
)
SELECT _id, MIN(_reason) AS _reason FROM found GROUP BY _id`;

export async function classifyRows(db: Db): Promise<void> {
	const content = `md5(concat_ws(chr(31), ${COLUMNS.map((c) => `COALESCE(${c}, chr(0))`).join(', ')}))`;
	await db.run(`CREATE OR REPLACE TEMP TABLE classified AS
WITH keyed AS (
  SELECT *, ROW_NUMBER() OVER (ORDER BY _file, _line) AS _id,
    CASE WHEN _rule IS NULL THEN ${content} END AS _content
  FROM checked
),
copies AS (
  SELECT _id,
    ROW_NUMBER() OVER w AS copy,
    COUNT(*) OVER w AS copies,
    MIN(_content) OVER w <> MAX(_content) OVER w AS differs,
    FIRST_VALUE(_file) OVER w AS first_file, FIRST_VALUE(_line) OVER w AS first_line
  FROM keyed WHERE _rule IS NULL
  WINDOW w AS (PARTITION BY provider_code, event_id ORDER BY _file, _line
               ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
)
SELECT k.* EXCLUDE (_rule, _reason, _content),
  CASE WHEN k._rule IS NOT NULL OR c.differs THEN 'quarantined'
       WHEN c.copy > 1 THEN 'duplicate'
       ELSE 'accepted' END AS _status,
  CASE WHEN k._rule IS NOT NULL THEN k._rule
       WHEN c.differs THEN 'conflict'
       WHEN c.copy > 1 THEN 'duplicate' END AS _rule,
  CASE WHEN k._rule IS NOT NULL THEN k._reason
       WHEN c.differs THEN 'event_id "' || k.event_id || '" is used by ' || c.copies
         || ' rows with different content: all are quarantined (first on '
         || ${at('c.first_line', 'c.first_file')} || ')'
       WHEN c.copy > 1 THEN 'exact duplicate of ' || ${at('c.first_line', 'c.first_file')} END AS _reason
FROM keyed k LEFT JOIN copies c USING (_id)`);
	await db.run(`UPDATE classified SET _status = 'quarantined', _rule = 'contradiction', _reason = f._reason
FROM (${CONTRADICTIONS}) f WHERE classified._id = f._id`);
}
