import { appointmentOutcomesFromCountsSql } from './appointments.ts';
import { DIMENSION_COLUMNS, filterConditions, type MetricFilters } from './filters.ts';
import type { PeriodParams } from './referrals.ts';
import { sqlDate, sqlIdentifier, whereAll } from './sql.ts';
import { assertWholeWeeks, weekEndingSql } from './weeks.ts';

/** One row of the `appointments_weekly` aggregate ({@link appointmentsWeekly}). */
export interface AppointmentsWeeklyRow {
	/** The Sunday ending the week the slot falls in. */
	week_end: string;
	provider_code: string;
	commissioner_code: string | null;
	specialty_code: string | null;
	priority: string | null;
	attendance_type: string;
	consultation_medium: string;
	/** attended, dna, cancelled_by_patient, cancelled_by_provider, booked (still to come), not_recorded. */
	outcome: string;
	appointments: number;
}

/**
 * The weekly appointments aggregate: appointments by outcome, first or follow-up and medium, by
 * the week of the slot (docs/definitions.md "Dates, weeks and periods": appointments are dated by the slot), by provider ×
 * commissioner × specialty × priority. Slots after the extract date are included (outcome
 * `booked`). Counts are additive.
 */
export function appointmentsWeekly({
	appointments = 'appointments'
}: { appointments?: string } = {}): string {
	const keys = [
		weekEndingSql('appointment_date'),
		...DIMENSION_COLUMNS,
		'attendance_type',
		'consultation_medium',
		'outcome'
	];
	return `SELECT ${weekEndingSql('appointment_date')} AS week_end,
       ${DIMENSION_COLUMNS.join(', ')},
       attendance_type, consultation_medium, outcome,
       CAST(COUNT(*) AS INTEGER) AS appointments
FROM ${sqlIdentifier(appointments)}
GROUP BY ${keys.join(', ')}`;
}

/**
 * {@link appointmentOutcomes} rolled up from the weekly aggregate, for a period of whole weeks
 * (`from` a Monday, `to` a Sunday): attended, DNAs and the DNA rate under any filter.
 */
export function appointmentOutcomesFromWeekly({
	from,
	to,
	filters,
	aggregate = 'appointments_weekly'
}: PeriodParams & { aggregate?: string }): string {
	assertWholeWeeks(from, to);
	return `WITH outcomes AS (
  SELECT
    CAST(SUM(CASE WHEN outcome = 'attended' THEN appointments ELSE 0 END) AS DOUBLE) AS attended,
    CAST(SUM(CASE WHEN outcome = 'dna' THEN appointments ELSE 0 END) AS DOUBLE) AS dna
  FROM ${sqlIdentifier(aggregate)}
  ${whereAll([
		`week_end BETWEEN ${sqlDate(from)} + 6 AND ${sqlDate(to)}`,
		`outcome IN ('attended', 'dna')`,
		...filterConditions(filters)
	])}
)
${appointmentOutcomesFromCountsSql()}`;
}

/** Appointments by outcome in a period of whole weeks, under the filters: `outcome`, `appointments`. */
export function appointmentsByOutcomeFromWeekly({
	from,
	to,
	filters,
	aggregate = 'appointments_weekly'
}: PeriodParams & { aggregate?: string; filters?: MetricFilters }): string {
	assertWholeWeeks(from, to);
	return `SELECT outcome, CAST(SUM(appointments) AS DOUBLE) AS appointments
FROM ${sqlIdentifier(aggregate)}
${whereAll([`week_end BETWEEN ${sqlDate(from)} + 6 AND ${sqlDate(to)}`, ...filterConditions(filters)])}
GROUP BY outcome
ORDER BY outcome`;
}
