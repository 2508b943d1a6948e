/**
 * The waits page's figures, rolled up from the published aggregates at either cadence (weekly
 * or monthly: cadence.ts): the waiting list at a census and its trend, its distribution by a
 * column (priority, a patient attribute), the flows in and out of it, the waits of completed
 * pathways and of first appointments. Each takes the table at the level the view's filters need
 * (levels.ts) and gives exactly what the same measure gives on the pathway table (tests hold
 * them to it). Definitions: docs/definitions.md "Waits (RTT)", "Fairness".
 */
import { PERIOD_COLUMN, type Cadence } from './cadence.ts';
import { filterConditions, type MetricFilters } from './filters.ts';
import { sqlDate, sqlIdentifier, sqlString, whereAll } from './sql.ts';
import { percentileWeeksSql, waitingListSummaryFromBandsSql } from './waiting-list.ts';

interface FromAggregate {
	cadence: Cadence;
	filters?: MetricFilters;
	/** The aggregate's table at the view's level. */
	table: string;
}

/** A census (a period end of the cadence). */
export interface CensusQuery extends FromAggregate {
	asOf: string;
}

/** The periods ending from `from` to `to` (the first day of the first period, and the census). */
export interface RangeQuery extends FromAggregate {
	from: string;
	to: string;
}

const periodIs = (cadence: Cadence, asOf: string) => `${PERIOD_COLUMN[cadence]} = ${sqlDate(asOf)}`;
const periodIn = (cadence: Cadence, from: string, to: string) =>
	`${PERIOD_COLUMN[cadence]} BETWEEN ${sqlDate(from)} AND ${sqlDate(to)}`;
const periodOut = (cadence: Cadence) =>
	`strftime(${PERIOD_COLUMN[cadence]}, '%Y-%m-%d') AS period_end`;

/**
 * The waiting list at the census by a column of the table (`priority`, `imd_decile`, …; none:
 * the whole list): `value` (as text; null where not recorded), `week_band`, `pathways`; values
 * in order (numbers as numbers), not recorded last.
 */
export function censusBands({ cadence, asOf, filters, table, by }: CensusQuery & { by?: string }) {
	const value = by ? `CAST(${sqlIdentifier(by)} AS VARCHAR)` : 'NULL';
	return `SELECT * FROM (
  SELECT ${value} AS value, week_band, CAST(SUM(pathways) AS DOUBLE) AS pathways
  FROM ${sqlIdentifier(table)}
  ${whereAll([periodIs(cadence, asOf), ...filterConditions(filters)])}
  GROUP BY ALL
)
ORDER BY TRY_CAST(value AS INTEGER) NULLS LAST, value NULLS LAST, week_band`;
}

/** The waiting list summary (waiting-list.ts) at one census: one row. */
export function waitingListAt(query: CensusQuery): string {
	return `WITH bands AS (
  SELECT week_band, pathways AS n FROM (${censusBands(query)})
),
${waitingListSummaryFromBandsSql()}`;
}

/**
 * The waiting list summary at every census of the range (a trend): one row per period end with
 * anyone waiting, `period_end` first, in order.
 */
export function waitingListSeries({ cadence, from, to, filters, table }: RangeQuery): string {
	const key = PERIOD_COLUMN[cadence];
	return `WITH bands AS (
  SELECT strftime(${key}, '%Y-%m-%d') AS period_end, week_band, CAST(SUM(pathways) AS DOUBLE) AS n
  FROM ${sqlIdentifier(table)}
  ${whereAll([periodIn(cadence, from, to), ...filterConditions(filters)])}
  GROUP BY ALL
),
${waitingListSummaryFromBandsSql('period_end')}`;
}

/**
 * The waiting list's size, % within 18 weeks and count over 52 weeks at every census of the
 * range, from the totals aggregate (the same counts without the week bands, so a trend reads one
 * row per census and filter value): `period_end`, `total`, `within_18_weeks_pct`,
 * `over_52_weeks`, one row per period end with anyone waiting, in order. The percentage is
 * worked out as the band summary works it out, so the two give the same number.
 */
export function waitingListTotalsSeries({ cadence, from, to, filters, table }: RangeQuery): string {
	const key = PERIOD_COLUMN[cadence];
	return `SELECT strftime(${key}, '%Y-%m-%d') AS period_end, total,
       CASE WHEN total > 0 THEN 100.0 * within_18 / total END AS within_18_weeks_pct,
       over_52_weeks
FROM (
  SELECT ${key}, CAST(SUM(pathways) AS DOUBLE) AS total,
         CAST(SUM(within_18_weeks) AS DOUBLE) AS within_18,
         CAST(SUM(over_52_weeks) AS DOUBLE) AS over_52_weeks
  FROM ${sqlIdentifier(table)}
  ${whereAll([periodIn(cadence, from, to), ...filterConditions(filters)])}
  GROUP BY ${key}
)
WHERE total > 0
ORDER BY period_end`;
}

/**
 * The waiting list summary at the census for each value of a column (a patient attribute, a
 * priority, a provider): `value` (text, null where not recorded) then the summary's fields.
 */
export function waitingListByValue(query: CensusQuery & { by: string }): string {
	return `WITH bands AS (
  SELECT value, week_band, pathways AS n FROM (${censusBands(query)})
),
${waitingListSummaryFromBandsSql('value').replace(
	/ORDER BY "?value"?$/,
	'ORDER BY TRY_CAST(value AS INTEGER) NULLS LAST, value NULLS LAST'
)}`;
}

/**
 * The waiting list summary at the census for each value of several attributes, each from its own
 * table (the list by IMD decile, by ethnicity, …), in one query: `attribute` (its name in
 * `tables`), `value` (text, null where not recorded), then the summary's fields; by attribute,
 * values in order, not recorded last. The same figures as {@link waitingListByValue} on each
 * table, for one query's cost instead of one per attribute.
 */
export function waitingListByAttributes({
	cadence,
	asOf,
	filters,
	tables
}: Omit<CensusQuery, 'table'> & {
	tables: readonly { attribute: string; table: string; column: string }[];
}): string {
	const bands = tables
		.map(
			({ attribute, table, column }) =>
				`SELECT ${sqlString(attribute)} AS attribute, value, week_band, pathways AS n
  FROM (${censusBands({ cadence, asOf, filters, table, by: column })})`
		)
		.join('\n  UNION ALL\n  ');
	return `SELECT * FROM (
WITH bands AS (
  ${bands}
),
${waitingListSummaryFromBandsSql(['attribute', 'value'])}
)
ORDER BY attribute, TRY_CAST(value AS INTEGER) NULLS LAST, value NULLS LAST`;
}

/** The stop reasons of each group of clock stops (docs/definitions.md). */
export const STOP_GROUPS = {
	admitted: ['admitted_treatment'],
	non_admitted: [
		'non_admitted_treatment',
		'active_monitoring',
		'returned_to_primary_care',
		'patient_declined',
		'decision_not_to_treat'
	],
	nullified: ['first_appointment_dna'],
	removals: ['validated_removal', 'died']
} as const;

export type StopGroup = keyof typeof STOP_GROUPS;

/** SQL naming the group of the stop reason column `reason`. */
function stopGroupSql(reason: string): string {
	return `CASE ${Object.entries(STOP_GROUPS)
		.map(
			([group, reasons]) =>
				`WHEN ${reason} IN (${reasons.map(sqlString).join(', ')}) THEN '${group}'`
		)
		.join(' ')} ELSE 'other' END`;
}

/**
 * The flows of each period of the range: clock starts (from the clock flows aggregate), stops
 * by group (from the clock stop waits aggregate) and the net change, starts less every stop.
 * One row per period end: `period_end`, `clock_starts`, `admitted`, `non_admitted`,
 * `nullified`, `removals`, `other_stops`, `net_change`.
 */
export function waitsFlows({
	cadence,
	from,
	to,
	filters,
	flows,
	stops
}: Omit<RangeQuery, 'table'> & { flows: string; stops: string }): string {
	const conditions = [periodIn(cadence, from, to), ...filterConditions(filters)];
	const sum = (group: string) =>
		`COALESCE(SUM(CASE WHEN grp = '${group}' THEN n END), 0) AS ${group === 'other' ? 'other_stops' : group}`;
	return `WITH starts AS (
  SELECT ${periodOut(cadence)}, CAST(SUM(pathways) AS DOUBLE) AS clock_starts
  FROM ${sqlIdentifier(flows)}
  ${whereAll([...conditions, `flow = 'clock_start'`])}
  GROUP BY ALL
),
stopped AS (
  SELECT ${periodOut(cadence)}, ${stopGroupSql('stop_reason')} AS grp, CAST(SUM(pathways) AS DOUBLE) AS n
  FROM ${sqlIdentifier(stops)}
  ${whereAll(conditions)}
  GROUP BY ALL
),
stops AS (
  SELECT period_end, ${[...Object.keys(STOP_GROUPS), 'other'].map(sum).join(', ')}, SUM(n) AS all_stops
  FROM stopped
  GROUP BY period_end
)
SELECT period_end,
       COALESCE(s.clock_starts, 0) AS clock_starts,
       COALESCE(t.admitted, 0) AS admitted,
       COALESCE(t.non_admitted, 0) AS non_admitted,
       COALESCE(t.nullified, 0) AS nullified,
       COALESCE(t.removals, 0) AS removals,
       COALESCE(t.other_stops, 0) AS other_stops,
       COALESCE(s.clock_starts, 0) - COALESCE(t.all_stops, 0) AS net_change
FROM starts s FULL JOIN stops t USING (period_end)
ORDER BY period_end`;
}

/**
 * Percentiles of waits by group, from a query of (`grp`, `week_band`, `n`): the count and the
 * median and 95th percentile of each group (NHS England's interpolation inside the week bands),
 * with any more columns `extra` adds, one row per group in order.
 */
function groupedWaitsSql(bands: string, extra: string[] = [], only?: readonly string[]): string {
	return `WITH bands AS (
  ${bands.replaceAll('\n', '\n  ')}
),
cumulative AS (
  SELECT grp, week_band, n,
         SUM(n) OVER (PARTITION BY grp ORDER BY week_band ROWS UNBOUNDED PRECEDING) - n AS below,
         SUM(n) OVER (PARTITION BY grp) AS total
  FROM bands${only ? `\n  WHERE grp IN (${only.map(sqlString).join(', ')})` : ''}
)
SELECT grp, SUM(n) AS n,
       ${percentileWeeksSql(50)} AS median_weeks,
       ${percentileWeeksSql(95)} AS p95_weeks${extra.map((e) => `,\n       ${e}`).join('')}
FROM cumulative
GROUP BY grp
ORDER BY grp`;
}

/**
 * The waits of the clocks that stopped in the range, admitted and non-admitted apart: `grp`,
 * `stops`, `median_weeks`, `p95_weeks`.
 */
export function completedWaits({ cadence, from, to, filters, table }: RangeQuery): string {
	return `SELECT grp, n AS stops, median_weeks, p95_weeks FROM (${groupedWaitsSql(
		`SELECT ${stopGroupSql('stop_reason')} AS grp, week_band, CAST(SUM(pathways) AS DOUBLE) AS n
FROM ${sqlIdentifier(table)}
${whereAll([periodIn(cadence, from, to), ...filterConditions(filters)])}
GROUP BY ALL`,
		[],
		['admitted', 'non_admitted']
	)})
ORDER BY grp`;
}

/**
 * Referral to first appointment for the first appointments attended in the range, by priority:
 * `priority`, `seen`, `median_weeks`, `p95_weeks`, and the shares first seen within 14 and 28
 * days (`within_14_days_pct`, `within_28_days_pct`: week bands 0–1 and 0–3).
 */
export function firstAppointmentsByPriority({
	cadence,
	from,
	to,
	filters,
	table
}: RangeQuery): string {
	return `SELECT grp AS priority, n AS seen, median_weeks, p95_weeks, within_14_days_pct, within_28_days_pct
FROM (${groupedWaitsSql(
		`SELECT priority AS grp, week_band, CAST(SUM(pathways) AS DOUBLE) AS n
FROM ${sqlIdentifier(table)}
${whereAll([periodIn(cadence, from, to), ...filterConditions(filters)])}
GROUP BY ALL`,
		[
			'100.0 * SUM(CASE WHEN week_band <= 1 THEN n ELSE 0 END) / SUM(n) AS within_14_days_pct',
			'100.0 * SUM(CASE WHEN week_band <= 3 THEN n ELSE 0 END) / SUM(n) AS within_28_days_pct'
		]
	)})
ORDER BY priority`;
}

/**
 * The waiting list at every census of the range by a column (a provider, a commissioner, a
 * specialty): `value`, `period_end`, `total`, in order. The sparklines of a comparison.
 */
export function waitingListTotalsByValue({
	cadence,
	from,
	to,
	filters,
	table,
	by
}: RangeQuery & { by: string }): string {
	return `SELECT CAST(${sqlIdentifier(by)} AS VARCHAR) AS value, ${periodOut(cadence)},
       CAST(SUM(pathways) AS DOUBLE) AS total
FROM ${sqlIdentifier(table)}
${whereAll([periodIn(cadence, from, to), ...filterConditions(filters)])}
GROUP BY ALL
ORDER BY value, period_end`;
}
