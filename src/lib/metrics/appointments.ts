import { filterConditions } from './filters.ts';
import type { PeriodParams } from './referrals.ts';
import { sqlDate, sqlIdentifier, whereAll } from './sql.ts';

export interface AppointmentOutcomesRow {
	attended: number;
	dna: number;
	/** DNAs / (attended + DNAs) × 100; `null` when there were neither. */
	dna_rate: number | null;
}

/**
 * The final SELECT of an appointment-outcomes query, from a CTE `outcomes` holding one row with
 * `attended` and `dna` as DOUBLE (null when nothing matched). Shared with the weekly roll-up.
 */
export function appointmentOutcomesFromCountsSql(): string {
	return `SELECT
  COALESCE(attended, 0) AS attended,
  COALESCE(dna, 0) AS dna,
  CASE WHEN attended + dna > 0 THEN 100.0 * dna / (attended + dna) END AS dna_rate
FROM outcomes`;
}

/**
 * Appointments attended and did-not-attend in the period, dated by the slot (`appointment_date`),
 * not by when the outcome was recorded; DNA rate on the attended basis (docs/definitions.md "DNAs").
 */
export function appointmentOutcomes({
	from,
	to,
	filters,
	appointments = 'appointments'
}: PeriodParams & { appointments?: string }): string {
	return `WITH outcomes AS (
  SELECT
    CAST(SUM(CASE WHEN outcome = 'attended' THEN 1 ELSE 0 END) AS DOUBLE) AS attended,
    CAST(SUM(CASE WHEN outcome = 'dna' THEN 1 ELSE 0 END) AS DOUBLE) AS dna
  FROM ${sqlIdentifier(appointments)}
  ${whereAll([
		`appointment_date BETWEEN ${sqlDate(from)} AND ${sqlDate(to)}`,
		`outcome IN ('attended', 'dna')`,
		...filterConditions(filters)
	])}
)
${appointmentOutcomesFromCountsSql()}`;
}
