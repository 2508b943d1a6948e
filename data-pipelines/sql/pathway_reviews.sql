-- One row per review of a pathway: each pathway_validated event (an administrative or clinical
-- review of a waiting pathway) and each decision_to_admit, with the clinical priority recorded on
-- it (P1a–P6, or null where none was). The long-waiters list reads a pathway's last validation
-- and its latest clinical priority at a census from these rows, so a census in the past shows
-- what was known then (docs/definitions.md "Long waiters").
--
-- review: pathway_validated or decision_to_admit.
-- review_date: the event's date.
CREATE OR REPLACE TABLE pathway_reviews AS
SELECT
  provider_code,
  pathway_id,
  event_date AS review_date,
  event_type AS review,
  clinical_priority
FROM events
WHERE event_type IN ('pathway_validated', 'decision_to_admit');
