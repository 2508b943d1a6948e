/**
 * The aggregates of completed waits, as docs/definitions.md defines them in
 * "Clock stops, nullified clocks and removals" and "Referral to first appointment": the clocks that stopped in each period by stop
 * reason and the week band of the wait at the stop, and the first appointments attended in each
 * period by the week band of the wait from referral. Additive counts, at either cadence.
 */
import { PERIOD_COLUMN, periodEndingSql, type Cadence } from './cadence.ts';
import { DIMENSION_COLUMNS } from './filters.ts';
import { daysWaitedSql, weekBandSql } from './rtt.ts';
import { sqlIdentifier } from './sql.ts';

/**
 * Pathways counted by the period of the DATE column `date` and the NHS week band of the wait
 * from `start` to it, by the filter columns and `by`, where `where` holds.
 */
function waitsByPeriod({
	cadence,
	date,
	start,
	by = [],
	where,
	pathways
}: {
	cadence: Cadence;
	date: string;
	start: string;
	by?: string[];
	where: string;
	pathways: string;
}): string {
	return `SELECT ${periodEndingSql(cadence, date)} AS ${PERIOD_COLUMN[cadence]}, ${[...DIMENSION_COLUMNS, ...by].join(', ')},
       CAST(${weekBandSql(daysWaitedSql(start, date))} AS INTEGER) AS week_band,
       CAST(COUNT(*) AS INTEGER) AS pathways
FROM ${sqlIdentifier(pathways)}
WHERE ${where}
GROUP BY ALL`;
}

/**
 * RTT clock stops by the period they stopped in, stop reason and the NHS week band of the wait
 * (stop date − clock start), by provider × commissioner × specialty × priority.
 */
export function clockStopWaits({
	cadence,
	pathways = 'pathways'
}: {
	cadence: Cadence;
	pathways?: string;
}): string {
	return waitsByPeriod({
		cadence,
		date: 'clock_stop',
		start: 'clock_start',
		by: ['stop_reason'],
		where: 'rtt AND clock_start IS NOT NULL AND clock_stop IS NOT NULL',
		pathways
	});
}

/**
 * First appointments attended, by the period of the appointment and the NHS week band of the
 * wait from the referral (so days ≤ 14 is bands 0–1, days ≤ 28 bands 0–3), by provider ×
 * commissioner × specialty × priority: every referral, RTT or not.
 */
export function firstAppointmentWaits({
	cadence,
	pathways = 'pathways'
}: {
	cadence: Cadence;
	pathways?: string;
}): string {
	return waitsByPeriod({
		cadence,
		date: 'first_appointment_date',
		start: 'referral_date',
		where: 'first_appointment_date IS NOT NULL AND referral_date IS NOT NULL',
		pathways
	});
}
