import { DIMENSION_COLUMNS, filterConditions, type MetricFilters } from './filters.ts';
import { sqlDate, sqlIdentifier, whereAll } from './sql.ts';
import { PERIOD_COLUMN, periodEndingSql, type Cadence } from './cadence.ts';
import { assertWholeWeeks, type WeeksParams } from './weeks.ts';

/** One row of the `clock_flows_weekly` aggregate ({@link clockFlowsWeekly}). */
export interface ClockFlowsWeeklyRow {
	/** The Sunday ending the week the clock started or stopped in. */
	week_end: string;
	provider_code: string;
	commissioner_code: string;
	specialty_code: string;
	priority: string;
	/** `referral_received` (every referral, RTT or not), `clock_start` or `clock_stop`. */
	flow: 'referral_received' | 'clock_start' | 'clock_stop';
	/** Why the clock stopped (the contract's stop reasons); null for a referral or a start. */
	stop_reason: string | null;
	pathways: number;
}

/**
 * The weekly flows aggregate: referrals received (every referral, RTT or not, by the week it was
 * received), RTT clock starts, and clock stops by stop reason, by the week they happened in, by
 * provider × commissioner × specialty × priority (docs/definitions.md "Flows: is the list growing, and why", "Dates, weeks and periods"). A
 * first-appointment DNA's stop (`first_appointment_dna`) is a stop that nullifies the clock;
 * validation removals are stops with reason `validated_removal`. Over a week,
 * starts − stops = the change in the waiting list from the week end before. Counts are additive.
 */
export function clockFlowsWeekly({ pathways = 'pathways' }: { pathways?: string } = {}): string {
	return clockFlows({ cadence: 'week', pathways });
}

/**
 * {@link clockFlowsWeekly} at either cadence: by the week end or the month end (the calendar
 * month, as NHS England's monthly statistics count new periods and clock stops) the referral,
 * clock start or clock stop falls in; the period column is named for the cadence.
 */
export function clockFlows({
	cadence,
	pathways = 'pathways'
}: {
	cadence: Cadence;
	pathways?: string;
}): string {
	const dims = DIMENSION_COLUMNS.join(', ');
	const key = PERIOD_COLUMN[cadence];
	const table = sqlIdentifier(pathways);
	const end = (date: string) => periodEndingSql(cadence, date);
	return `WITH flow AS (
  SELECT ${end('referral_date')} AS ${key}, ${dims},
         'referral_received' AS flow, CAST(NULL AS VARCHAR) AS stop_reason
  FROM ${table}
  WHERE referral_date IS NOT NULL
  UNION ALL
  SELECT ${end('clock_start')} AS ${key}, ${dims},
         'clock_start' AS flow, CAST(NULL AS VARCHAR) AS stop_reason
  FROM ${table}
  WHERE rtt AND clock_start IS NOT NULL
  UNION ALL
  SELECT ${end('clock_stop')} AS ${key}, ${dims},
         'clock_stop' AS flow, stop_reason
  FROM ${table}
  WHERE rtt AND clock_stop IS NOT NULL
)
SELECT ${key}, ${dims}, flow, stop_reason, CAST(COUNT(*) AS INTEGER) AS pathways
FROM flow
GROUP BY ${key}, ${dims}, flow, stop_reason`;
}

/** One row of {@link clockFlowsByWeekFromWeekly}. */
export interface ClockFlowsByWeekRow {
	week_end: string;
	clock_starts: number;
	clock_stops: number;
	/** Stops with reason `admitted_treatment`. */
	admitted_stops: number;
	/** Stops nullified by a first-appointment DNA. */
	first_appointment_dna_stops: number;
	/** Stops by validation (`validated_removal`). */
	validated_removals: number;
}

/** Clock starts and stops in each week ending `from` … `to`, under the filters. */
export function clockFlowsByWeekFromWeekly({
	from,
	to,
	filters,
	aggregate = 'clock_flows_weekly'
}: WeeksParams & { filters?: MetricFilters; aggregate?: string }): string {
	const stops = (reason?: string) =>
		`CAST(SUM(CASE WHEN flow = 'clock_stop'${reason ? ` AND stop_reason = '${reason}'` : ''} THEN pathways ELSE 0 END) AS DOUBLE)`;
	return `SELECT
  strftime(week_end, '%Y-%m-%d') AS week_end,
  CAST(SUM(CASE WHEN flow = 'clock_start' THEN pathways ELSE 0 END) AS DOUBLE) AS clock_starts,
  ${stops()} AS clock_stops,
  ${stops('admitted_treatment')} AS admitted_stops,
  ${stops('first_appointment_dna')} AS first_appointment_dna_stops,
  ${stops('validated_removal')} AS validated_removals
FROM ${sqlIdentifier(aggregate)}
${whereAll([`week_end BETWEEN ${sqlDate(from)} AND ${sqlDate(to)}`, ...filterConditions(filters)])}
GROUP BY week_end
ORDER BY week_end`;
}

/**
 * {@link referralsReceived} rolled up from the weekly aggregate, for a period of whole weeks
 * (`from` a Monday, `to` a Sunday): one row, `received`.
 */
export function referralsReceivedFromWeekly({
	from,
	to,
	filters,
	aggregate = 'clock_flows_weekly'
}: WeeksParams & { filters?: MetricFilters; aggregate?: string }): string {
	assertWholeWeeks(from, to);
	return `SELECT CAST(COALESCE(SUM(pathways), 0) AS DOUBLE) AS received
FROM ${sqlIdentifier(aggregate)}
${whereAll([
	`week_end BETWEEN ${sqlDate(from)} + 6 AND ${sqlDate(to)}`,
	`flow = 'referral_received'`,
	...filterConditions(filters)
])}`;
}
