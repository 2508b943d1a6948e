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
import type { QueryRows } from './overview.ts';
import {
	groupBands,
	percentileWeeks,
	summariseBands,
	type WaitingListSummaryRow
} from './waiting-list.ts';

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

/** The waiting list summary (waiting-list.ts) at one census. */
export async function waitingListAt(
	query: QueryRows,
	params: CensusQuery
): Promise<WaitingListSummaryRow> {
	const rows = await query(censusBands(params));
	return summariseBands(
		rows.map((r) => ({ week_band: r.week_band as number, n: r.pathways as number }))
	);
}

/**
 * The waiting list at every census of the range by a column of the table (none: the whole
 * list): `period_end`, `value` (text, null where not recorded), `week_band`, `pathways`, in
 * order of period end, value and band.
 */
export function rangeBands({
	cadence,
	from,
	to,
	filters,
	table,
	by
}: RangeQuery & { by?: string }) {
	const value = by ? `CAST(${sqlIdentifier(by)} AS VARCHAR)` : 'NULL';
	return `SELECT * FROM (
  SELECT ${periodOut(cadence)}, ${value} AS value, week_band, CAST(SUM(pathways) AS DOUBLE) AS pathways
  FROM ${sqlIdentifier(table)}
  ${whereAll([periodIn(cadence, from, to), ...filterConditions(filters)])}
  GROUP BY ALL
)
ORDER BY period_end, TRY_CAST(value AS INTEGER) NULLS LAST, value NULLS LAST, week_band`;
}

/**
 * The summary of each group of band rows (`keys`…, `week_band`, `pathways`), the keys first:
 * groups in the order the rows come, empty ones (nobody counted) left out.
 */
function summariesBy(
	rows: readonly Record<string, unknown>[],
	keys: readonly string[]
): Record<string, unknown>[] {
	return groupBands(rows, keys, 'pathways')
		.map(({ key, bands }) => ({ ...key, ...summariseBands(bands) }))
		.filter((r) => r.total > 0);
}

/**
 * The waiting list summary at every census of the range (a trend): one row per period end with
 * anyone waiting, `period_end` first, in order.
 */
export async function waitingListSeries(
	query: QueryRows,
	params: RangeQuery
): Promise<Record<string, unknown>[]> {
	return summariesBy(await query(rangeBands(params)), ['period_end']);
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
export async function waitingListByValue(
	query: QueryRows,
	params: CensusQuery & { by: string }
): Promise<Record<string, unknown>[]> {
	return summariesBy(await query(censusBands(params)), ['value']);
}

/**
 * The waiting list summary at the census for each value of several attributes, each from its own
 * table (the list by IMD decile, by ethnicity, …), in one query: `attribute` (its name in
 * `tables`), `value` (text, null where not recorded), then the summary's fields; by attribute
 * in the order of `tables`, values in order, not recorded last. The same figures as
 * {@link waitingListByValue} on each table, for one query's cost instead of one per attribute.
 */
export async function waitingListByAttributes(
	query: QueryRows,
	{
		cadence,
		asOf,
		filters,
		tables
	}: Omit<CensusQuery, 'table'> & {
		tables: readonly { attribute: string; table: string; column: string }[];
	}
): Promise<Record<string, unknown>[]> {
	const bands = tables
		.map(
			({ attribute, table, column }, i) =>
				`SELECT ${i} AS ord, ${sqlString(attribute)} AS attribute, *
  FROM (${censusBands({ cadence, asOf, filters, table, by: column })})`
		)
		.join('\nUNION ALL\n');
	const rows = await query(`SELECT * FROM (${bands})
ORDER BY ord, TRY_CAST(value AS INTEGER) NULLS LAST, value NULLS LAST, week_band`);
	return summariesBy(rows, ['attribute', 'value']);
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
 * The flows of each period of the range, from the clock flows aggregate alone (its clock stops
 * carry their reason): clock starts, stops by group and the net change, starts less every stop.
 * One scan of one table, so a change of filter reads no week bands for it. One row per period
 * end with any flow: `period_end`, `clock_starts`, `admitted`, `non_admitted`, `nullified`,
 * `removals`, `other_stops`, `net_change`.
 */
export function waitsFlows({
	cadence,
	from,
	to,
	filters,
	flows
}: Omit<RangeQuery, 'table'> & { flows: string }): string {
	const stop = (group: StopGroup | 'other') => {
		const reasons =
			group === 'other'
				? `(stop_reason IS NULL OR stop_reason NOT IN (${Object.values(STOP_GROUPS).flat().map(sqlString).join(', ')}))`
				: `stop_reason IN (${STOP_GROUPS[group].map(sqlString).join(', ')})`;
		return `CAST(SUM(pathways) FILTER (WHERE flow = 'clock_stop' AND ${reasons}) AS DOUBLE)`;
	};
	const groups = [...(Object.keys(STOP_GROUPS) as StopGroup[]), 'other'] as const;
	const column = (group: (typeof groups)[number]) => (group === 'other' ? 'other_stops' : group);
	return `SELECT period_end, clock_starts,
       ${groups.map(column).join(', ')},
       clock_starts - all_stops AS net_change
FROM (
  SELECT ${periodOut(cadence)},
         COALESCE(CAST(SUM(pathways) FILTER (WHERE flow = 'clock_start') AS DOUBLE), 0) AS clock_starts,
         ${groups.map((g) => `COALESCE(${stop(g)}, 0) AS ${column(g)}`).join(',\n         ')},
         COALESCE(CAST(SUM(pathways) FILTER (WHERE flow = 'clock_stop') AS DOUBLE), 0) AS all_stops
  FROM ${sqlIdentifier(flows)}
  ${whereAll([periodIn(cadence, from, to), `flow IN ('clock_start', 'clock_stop')`, ...filterConditions(filters)])}
  GROUP BY ALL
)
ORDER BY period_end`;
}

/**
 * The waits of the clocks that stopped in the range, admitted and non-admitted apart: `grp`,
 * `stops`, `median_weeks`, `p95_weeks` (NHS England's interpolation inside the week bands),
 * from the stops by group and band.
 */
export async function completedWaits(
	query: QueryRows,
	{ cadence, from, to, filters, table }: RangeQuery
): Promise<Record<string, unknown>[]> {
	const rows = await query(`SELECT * FROM (
  SELECT ${stopGroupSql('stop_reason')} AS grp, week_band, CAST(SUM(pathways) AS DOUBLE) AS n
  FROM ${sqlIdentifier(table)}
  ${whereAll([periodIn(cadence, from, to), ...filterConditions(filters)])}
  GROUP BY ALL
)
WHERE grp IN ('admitted', 'non_admitted')
ORDER BY grp, week_band`);
	return groupBands(rows, ['grp']).map(({ key, bands }) => {
		const stops = bands.reduce((t, b) => t + b.n, 0);
		return {
			grp: key.grp,
			stops,
			median_weeks: percentileWeeks(bands, 50, stops),
			p95_weeks: percentileWeeks(bands, 95, stops)
		};
	});
}

/**
 * Referral to first appointment for the first appointments attended in the range, by priority:
 * `priority`, `seen`, `median_weeks`, `p95_weeks`, and the shares first seen within 14 and 28
 * days (`within_14_days_pct`, `within_28_days_pct`: week bands 0–1 and 0–3).
 */
export async function firstAppointmentsByPriority(
	query: QueryRows,
	{ cadence, from, to, filters, table }: RangeQuery
): Promise<Record<string, unknown>[]> {
	const rows = await query(`SELECT priority, week_band, CAST(SUM(pathways) AS DOUBLE) AS n
FROM ${sqlIdentifier(table)}
${whereAll([periodIn(cadence, from, to), ...filterConditions(filters)])}
GROUP BY ALL
ORDER BY priority, week_band`);
	return groupBands(rows, ['priority']).map(({ key, bands }) => {
		let seen = 0;
		let within14 = 0;
		let within28 = 0;
		for (const { week_band, n } of bands) {
			seen += n;
			if (week_band <= 1) within14 += n;
			if (week_band <= 3) within28 += n;
		}
		return {
			priority: key.priority,
			seen,
			median_weeks: percentileWeeks(bands, 50, seen),
			p95_weeks: percentileWeeks(bands, 95, seen),
			within_14_days_pct: (100 * within14) / seen,
			within_28_days_pct: (100 * within28) / seen
		};
	});
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
