-- One row per appointment (one booking of one slot): when it was booked, when the slot is, and
-- its outcome. Dated by the slot. The pathway's referral supplies commissioner, specialty,
-- priority and the patient's attributes; an appointment whose referral is not in the data keeps
-- what its own rows carry.
--
-- outcome: attended, dna, cancelled_by_patient, cancelled_by_provider (cancelled_by_unknown if the
-- source did not say), booked (the slot is after the extract date: still to come) or not_recorded
-- (the slot has passed and no outcome was sent).
-- lead_time_days: days from the booking to the slot (docs/definitions.md "DNAs": booking lead time).
-- earlier_dnas: the patient's DNAs at the same provider with a slot in the 365 days before this
-- slot's day (from the day 365 days before to the day before: docs/definitions.md "DNAs", who
-- repeats). Same provider only, so one trust's file never counts another's appointments.
CREATE OR REPLACE TABLE appointments AS
WITH referral AS (
  SELECT provider_code, pathway_id, commissioner_code, specialty_code, priority,
         age_band, sex, ethnicity, imd_decile
  FROM events
  WHERE event_type = 'referral_received'
),
appointment_events AS (
  SELECT *, event_type <> 'appointment_booked' AS is_outcome
  FROM events
  WHERE event_type IN ('appointment_booked', 'appointment_cancelled',
                       'appointment_attended', 'appointment_dna')
),
appointment AS (
  SELECT
    provider_code,
    appointment_id,
    MIN(pathway_id) AS pathway_id,
    MIN(patient_id) AS patient_id,
    MIN(CASE WHEN event_type = 'appointment_booked' THEN event_time END) AS booked_at,
    COALESCE(MAX(CASE WHEN is_outcome THEN appointment_time END), MAX(appointment_time)) AS appointment_time,
    COALESCE(MAX(CASE WHEN is_outcome THEN attendance_type END), MAX(attendance_type)) AS attendance_type,
    COALESCE(MAX(CASE WHEN is_outcome THEN consultation_medium END), MAX(consultation_medium)) AS consultation_medium,
    MAX(clinic_code) AS clinic_code,
    MAX(CASE event_type
          WHEN 'appointment_attended' THEN 'attended'
          WHEN 'appointment_dna' THEN 'dna'
          WHEN 'appointment_cancelled' THEN 'cancelled_by_' || COALESCE(cancelled_by, 'unknown')
        END) AS recorded_outcome,
    MAX(CASE WHEN event_type = 'appointment_cancelled' THEN event_time END) AS cancelled_at,
    MAX(commissioner_code) AS commissioner_code,
    MAX(specialty_code) AS specialty_code,
    MAX(priority) AS priority
  FROM appointment_events
  GROUP BY provider_code, appointment_id
),
modelled AS (
SELECT
  a.appointment_id,
  a.pathway_id,
  a.patient_id,
  a.provider_code,
  COALESCE(r.commissioner_code, a.commissioner_code) AS commissioner_code,
  COALESCE(r.specialty_code, a.specialty_code) AS specialty_code,
  COALESCE(r.priority, a.priority) AS priority,
  a.booked_at,
  a.appointment_time,
  CAST(a.appointment_time AS DATE) AS appointment_date,
  date_diff('day', CAST(a.booked_at AS DATE), CAST(a.appointment_time AS DATE)) AS lead_time_days,
  a.attendance_type,
  a.consultation_medium,
  a.clinic_code,
  COALESCE(
    a.recorded_outcome,
    CASE WHEN CAST(a.appointment_time AS DATE) > :extract_date THEN 'booked' ELSE 'not_recorded' END
  ) AS outcome,
  a.cancelled_at,
  r.age_band,
  r.sex,
  r.ethnicity,
  r.imd_decile
FROM appointment a
LEFT JOIN referral r ON r.provider_code = a.provider_code AND r.pathway_id = a.pathway_id
)
SELECT
  *,
  CAST(COUNT(*) FILTER (WHERE outcome = 'dna') OVER (
    PARTITION BY provider_code, patient_id
    ORDER BY appointment_date
    RANGE BETWEEN INTERVAL 365 DAYS PRECEDING AND INTERVAL 1 DAYS PRECEDING
  ) AS INTEGER) AS earlier_dnas
FROM modelled;
