-- One row per pathway (per referral received): its RTT clock, where it stands and what happened
-- on it. Built after appointments.sql and stage_intervals.sql, which it summarises.
--
-- clock_start: the date of referral_received when rtt is true. Only clock_stopped stops the clock
--   (clock_stop, stop_reason), a first-appointment DNA included (stop reason first_appointment_dna:
--   the clock is nullified). docs/definitions.md "Clock stops, nullified clocks and removals".
-- first_appointment_date: the slot date of the first first-appointment the patient attended.
-- decision_to_admit_date: the date of the first decision to admit.
-- current_stage: the stage the pathway is in at the end of the extract date (stage_intervals.sql
--   says how stages are worked out): triage, first_appointment, diagnostics, follow_up_or_decision,
--   admitted_treatment, or stopped.
-- appointments_cancelled_by_patient / _by_provider: its appointments cancelled by each side.
-- appointments_rebooked: its cancelled appointments after which another appointment of the same
--   kind (first or follow-up) was booked on the pathway.
CREATE OR REPLACE TABLE pathways AS
WITH referral AS (
  SELECT * FROM events WHERE event_type = 'referral_received'
),
clock_stop AS (
  SELECT provider_code, pathway_id, event_date AS clock_stop, stop_reason
  FROM events
  WHERE event_type = 'clock_stopped'
),
decision_to_admit AS (
  SELECT provider_code, pathway_id, MIN(event_date) AS decision_to_admit_date
  FROM events
  WHERE event_type = 'decision_to_admit'
  GROUP BY provider_code, pathway_id
),
last_booking AS (
  SELECT provider_code, pathway_id, attendance_type, MAX(booked_at) AS last_booked_at
  FROM appointments
  GROUP BY provider_code, pathway_id, attendance_type
),
appointment_counts AS (
  SELECT
    a.provider_code,
    a.pathway_id,
    MIN(CASE WHEN a.outcome = 'attended' AND a.attendance_type = 'first'
             THEN a.appointment_date END) AS first_appointment_date,
    COUNT(CASE WHEN a.outcome = 'cancelled_by_patient' THEN 1 END) AS appointments_cancelled_by_patient,
    COUNT(CASE WHEN a.outcome = 'cancelled_by_provider' THEN 1 END) AS appointments_cancelled_by_provider,
    COUNT(CASE WHEN a.cancelled_at IS NOT NULL AND b.last_booked_at >= a.cancelled_at
               THEN 1 END) AS appointments_rebooked
  FROM appointments a
  LEFT JOIN last_booking b
    ON b.provider_code = a.provider_code
   AND b.pathway_id = a.pathway_id
   AND b.attendance_type IS NOT DISTINCT FROM a.attendance_type
  GROUP BY a.provider_code, a.pathway_id
),
open_stage AS (
  SELECT provider_code, pathway_id, stage
  FROM stage_intervals
  WHERE left_date IS NULL
)
SELECT
  r.pathway_id,
  r.patient_id,
  r.provider_code,
  r.commissioner_code,
  r.specialty_code,
  r.priority,
  r.rtt,
  r.referral_source,
  r.care_setting,
  r.referrer_code,
  r.age_band,
  r.sex,
  r.ethnicity,
  r.imd_decile,
  r.event_date AS referral_date,
  CASE WHEN r.rtt THEN r.event_date END AS clock_start,
  s.clock_stop,
  s.stop_reason,
  a.first_appointment_date,
  d.decision_to_admit_date,
  COALESCE(o.stage, 'stopped') AS current_stage,
  CAST(COALESCE(a.appointments_cancelled_by_patient, 0) AS INTEGER) AS appointments_cancelled_by_patient,
  CAST(COALESCE(a.appointments_cancelled_by_provider, 0) AS INTEGER) AS appointments_cancelled_by_provider,
  CAST(COALESCE(a.appointments_rebooked, 0) AS INTEGER) AS appointments_rebooked
FROM referral r
LEFT JOIN clock_stop s ON s.provider_code = r.provider_code AND s.pathway_id = r.pathway_id
LEFT JOIN decision_to_admit d ON d.provider_code = r.provider_code AND d.pathway_id = r.pathway_id
LEFT JOIN appointment_counts a ON a.provider_code = r.provider_code AND a.pathway_id = r.pathway_id
LEFT JOIN open_stage o ON o.provider_code = r.provider_code AND o.pathway_id = r.pathway_id;
