-- One row per pathway (per referral received): its RTT clock and what happened on it.
-- Clock start = the date of referral_received when rtt is true; only clock_stopped stops it,
-- a first-appointment DNA included (stop reason first_appointment_dna). DOMAIN.md "Waits (RTT)".
CREATE OR REPLACE TABLE pathways AS
WITH referral AS (
  SELECT * FROM events WHERE event_type = 'referral_received'
),
clock_stop AS (
  SELECT provider_code, pathway_id, event_date AS clock_stop, stop_reason
  FROM events
  WHERE event_type = 'clock_stopped'
),
milestones AS (
  SELECT
    provider_code,
    pathway_id,
    MIN(CASE WHEN event_type = 'appointment_attended' AND attendance_type = 'first'
             THEN CAST(appointment_time AS DATE) END) AS first_attended_date,
    MIN(CASE WHEN event_type = 'decision_to_admit' THEN event_date END) AS decision_to_admit_date
  FROM events
  GROUP BY provider_code, pathway_id
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
  m.first_attended_date,
  m.decision_to_admit_date
FROM referral r
LEFT JOIN clock_stop s ON s.provider_code = r.provider_code AND s.pathway_id = r.pathway_id
LEFT JOIN milestones m ON m.provider_code = r.provider_code AND m.pathway_id = r.pathway_id;
