-- Stage intervals: one row for each stage a pathway passed through, with the day it entered the
-- stage, the day it left and the event that moved it on. The basis of the bottleneck measures
-- (docs/definitions.md "Pathway bottlenecks"). A pathway that enters a stage twice (say a second test is
-- requested after the first was reported) has two rows for that stage, numbered by stage_seq.
--
-- The stages, in the order a pathway usually moves through them:
--   triage                  awaiting triage: the referral is received and nobody has acted on it yet
--   first_appointment       awaiting its first outpatient appointment
--   diagnostics             awaiting a diagnostic test result
--   follow_up_or_decision   seen, awaiting a follow-up or a decision on treatment
--   admitted_treatment      a decision to admit is made, awaiting admission
--   stopped                 where a pathway ends; it has no row of its own
--
-- The rules, in plain English:
-- 1. A pathway enters "triage" when its referral is received. Only pathways whose referral is in
--    the data have stages.
-- 2. After each of its events, a pathway is in the FIRST stage of this list whose test is true of
--    everything that has happened to it so far:
--      stopped              its clock has stopped (clock_stopped; a first-appointment DNA stops it
--                           through its clock_stopped event, first_appointment_dna). A pathway
--                           with no RTT clock (rtt false) also stops when it is discharged or its
--                           referral is rejected. An RTT pathway discharged or rejected without a
--                           clock stop stays where it was: by the RTT rules it is still waiting.
--      admitted_treatment   a decision to admit has been made (tests after it are pre-admission
--                           work-up, not a new stage)
--      diagnostics          a test has been requested since the last test result was reported
--      follow_up_or_decision  the patient has attended an appointment
--      first_appointment    someone has acted on the referral: it was accepted, an appointment was
--                           booked, cancelled, attended or missed, no slot could be offered
--                           (appointment_slot_issue), a test was requested or reported, or a
--                           decision to admit was made
--      triage               none of the above
--    So a test requested before the first appointment ("straight to test") is "diagnostics", and
--    the pathway goes back to awaiting its first appointment when the result is reported.
--    Advice and guidance, validation reviews and moves to patient-initiated follow-up (advice_*,
--    pathway_validated, pifu_started) do not move a pathway.
-- 3. A stage is left when an event moves the pathway to another stage: left_event is that event,
--    next_stage the stage it moved to. A stage still open on the extract date has no left date.
-- 4. Events are taken in time order. Events at the same moment are taken in the order a pathway
--    runs (referral, triage, booking, outcome, tests, decision, stop, discharge), and an event
--    recorded before its referral counts as happening at the referral, just after it.
-- 5. Days are calendar days. A pathway is in a stage at the end of day d when
--    entered_date <= d and (left_date is null or left_date > d): the waiting list's rule, so on every
--    day each RTT pathway on the waiting list is in exactly one stage. A stage entered and left on one
--    day counts as an arrival and a departure but never in a queue.
CREATE OR REPLACE TABLE stage_intervals AS
-- Rule 4's order for events at the same moment, and which events are someone acting on the
-- referral (rule 2, first_appointment). Events not listed never move a pathway.
WITH event_order (event_type, event_order, acts_on_referral) AS (
  VALUES ('referral_received', 0, false),
         ('referral_accepted', 1, true),
         ('referral_rejected', 2, false),
         ('appointment_slot_issue', 3, true),
         ('appointment_booked', 4, true),
         ('appointment_cancelled', 5, true),
         ('appointment_attended', 6, true),
         ('appointment_dna', 7, true),
         ('diagnostic_requested', 8, true),
         ('diagnostic_reported', 9, true),
         ('decision_to_admit', 10, true),
         ('clock_stopped', 11, false),
         ('discharged', 12, false)
),
-- Each event as one number, its "moment", that sorts a pathway's events in rule 4's order:
-- microseconds since 1970 × 16 + its event_order. moment // 16 is the time, moment % 16 the order.
pathway_event AS (
  SELECT e.provider_code, e.pathway_id, e.event_type, o.acts_on_referral,
         epoch_us(e.event_time) * 16 + o.event_order AS moment
  FROM events e
  JOIN event_order o ON o.event_type = e.event_type
),
-- Rule 2 asks only whether something has happened yet, so the first time each thing happened is
-- all it needs, but for tests (below), which can be requested and reported again and again.
first_time AS (
  SELECT
    provider_code,
    pathway_id,
    MIN(CASE WHEN event_type = 'referral_received' THEN moment END) AS referred,
    MIN(CASE WHEN acts_on_referral THEN moment END) AS triaged,
    MIN(CASE WHEN event_type = 'appointment_attended' THEN moment END) AS attended,
    MIN(CASE WHEN event_type = 'decision_to_admit' THEN moment END) AS decided_to_admit,
    MIN(CASE WHEN event_type = 'clock_stopped' THEN moment END) AS clock_stopped,
    MIN(CASE WHEN event_type IN ('discharged', 'referral_rejected') THEN moment END) AS closed
  FROM pathway_event
  GROUP BY provider_code, pathway_id
),
-- The pathways whose referral is in the data (rule 1), numbered for the joins and sorts below.
referral AS (
  SELECT provider_code, pathway_id, commissioner_code, specialty_code, priority, rtt,
         ROW_NUMBER() OVER (ORDER BY provider_code, pathway_id) AS pathway_key
  FROM events
  WHERE event_type = 'referral_received'
),
first_time_of_pathway AS (
  SELECT
    r.pathway_key,
    f.referred,
    f.triaged,
    f.attended,
    f.decided_to_admit,
    CASE WHEN r.rtt THEN f.clock_stopped ELSE LEAST(f.clock_stopped, f.closed) END AS ended
  FROM first_time f
  JOIN referral r ON r.provider_code = f.provider_code AND r.pathway_id = f.pathway_id
),
-- Rule 4: an event before the referral moves to the referral's time, keeping its order.
milestone AS (
  SELECT
    pathway_key,
    referred,
    GREATEST(triaged, referred // 16 * 16 + triaged % 16) AS triaged,
    GREATEST(attended, referred // 16 * 16 + attended % 16) AS attended,
    GREATEST(decided_to_admit, referred // 16 * 16 + decided_to_admit % 16) AS decided_to_admit,
    GREATEST(ended, referred // 16 * 16 + ended % 16) AS ended
  FROM first_time_of_pathway
),
test AS (
  SELECT m.pathway_key, p.event_type,
         GREATEST(p.moment, m.referred // 16 * 16 + p.moment % 16) AS moment
  FROM pathway_event p
  JOIN referral r ON r.provider_code = p.provider_code AND r.pathway_id = p.pathway_id
  JOIN milestone m ON m.pathway_key = r.pathway_key
  WHERE p.event_type IN ('diagnostic_requested', 'diagnostic_reported')
),
-- Every moment at which a pathway's stage can change, once each (a test request can also be the
-- pathway's first triage action).
turn AS (
  SELECT pathway_key, moment, MAX(test_requested) AS test_requested, MAX(test_reported) AS test_reported
  FROM (
    SELECT pathway_key, referred AS moment,
           CAST(NULL AS BIGINT) AS test_requested, CAST(NULL AS BIGINT) AS test_reported
    FROM milestone
    UNION ALL SELECT pathway_key, triaged, NULL, NULL FROM milestone WHERE triaged IS NOT NULL
    UNION ALL SELECT pathway_key, attended, NULL, NULL FROM milestone WHERE attended IS NOT NULL
    UNION ALL
    SELECT pathway_key, decided_to_admit, NULL, NULL FROM milestone WHERE decided_to_admit IS NOT NULL
    UNION ALL SELECT pathway_key, ended, NULL, NULL FROM milestone WHERE ended IS NOT NULL
    UNION ALL
    SELECT pathway_key, moment,
           CASE WHEN event_type = 'diagnostic_requested' THEN moment END,
           CASE WHEN event_type = 'diagnostic_reported' THEN moment END
    FROM test
  ) t
  GROUP BY pathway_key, moment
),
tests_so_far AS (
  SELECT
    pathway_key,
    moment,
    MAX(test_requested) OVER so_far AS last_test_requested,
    MAX(test_reported) OVER so_far AS last_test_reported
  FROM turn
  WINDOW so_far AS (PARTITION BY pathway_key ORDER BY moment ROWS UNBOUNDED PRECEDING)
),
-- Rule 2: the stage after each moment.
step AS (
  SELECT
    t.pathway_key,
    t.moment,
    CASE
      WHEN m.ended <= t.moment THEN 'stopped'
      WHEN m.decided_to_admit <= t.moment THEN 'admitted_treatment'
      WHEN t.last_test_requested > COALESCE(t.last_test_reported, 0) THEN 'diagnostics'
      WHEN m.attended <= t.moment THEN 'follow_up_or_decision'
      WHEN m.triaged <= t.moment THEN 'first_appointment'
      ELSE 'triage'
    END AS stage
  FROM tests_so_far t
  JOIN milestone m ON m.pathway_key = t.pathway_key
),
-- The moments that change the stage: each starts an interval (rule 3).
stage_change AS (
  SELECT *
  FROM (
    SELECT *, LAG(stage) OVER by_time AS previous_stage
    FROM step
    WINDOW by_time AS (PARTITION BY pathway_key ORDER BY moment)
  ) s
  WHERE previous_stage IS NULL OR previous_stage <> stage
),
stage_interval AS (
  SELECT
    pathway_key,
    stage,
    moment AS entered,
    LEAD(moment) OVER by_time AS left_moment,
    LEAD(stage) OVER by_time AS next_stage,
    ROW_NUMBER() OVER by_time AS stage_seq
  FROM stage_change
  WINDOW by_time AS (PARTITION BY pathway_key ORDER BY moment)
)
SELECT
  r.pathway_id,
  r.provider_code,
  r.commissioner_code,
  r.specialty_code,
  r.priority,
  r.rtt,
  CAST(i.stage_seq AS INTEGER) AS stage_seq,
  i.stage,
  CAST(make_timestamp(i.entered // 16) AS DATE) AS entered_date,
  entered_by.event_type AS entered_event,
  CAST(make_timestamp(i.left_moment // 16) AS DATE) AS left_date,
  left_by.event_type AS left_event,
  i.next_stage,
  CAST(date_diff('day', CAST(make_timestamp(i.entered // 16) AS DATE),
                        CAST(make_timestamp(i.left_moment // 16) AS DATE)) AS INTEGER) AS days_in_stage
FROM stage_interval i
JOIN referral r ON r.pathway_key = i.pathway_key
JOIN event_order entered_by ON entered_by.event_order = i.entered % 16
LEFT JOIN event_order left_by ON left_by.event_order = i.left_moment % 16
WHERE i.stage <> 'stopped';
