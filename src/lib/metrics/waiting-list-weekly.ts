import { DIMENSION_COLUMNS, filterConditions, type MetricFilters } from './filters.ts';
import { daysWaitedSql, RTT_STANDARD_WEEKS, weekBandSql } from './rtt.ts';
import { sqlDate, sqlIdentifier, whereAll } from './sql.ts';
import { onWaitingListSql, waitingListSummaryFromBandsSql } from './waiting-list.ts';
import { PERIOD_COLUMN, periodEndsSql, type Cadence } from './cadence.ts';
import { assertWeekEnd, type WeeksParams } from './weeks.ts';

/** One row of the `waiting_list_weekly` aggregate ({@link waitingListWeekly}). */
export interface WaitingListWeeklyRow {
	/** The census: a Sunday. */
	week_end: string;
	provider_code: string;
	commissioner_code: string;
	specialty_code: string;
	priority: string;
	/** NHS week band, 0 ("0–1 weeks") to 104 ("104+"). */
	week_band: number;
	pathways: number;
}

/**
 * The weekly waiting-list aggregate: for every week end (Sunday) in the weeks given, the RTT
 * pathways waiting at that census by NHS week band, by provider × commissioner × specialty ×
 * priority. The same census rule and band arithmetic as {@link waitingListSummary}; counts are
 * additive, so any filter's list is the SUM over the dimensions not filtered.
 */
export function waitingListWeekly(params: WeeksParams & { pathways?: string }): string {
	return waitingListCensuses({ ...params, cadence: 'week' });
}

/**
 * The waiting list at every period end of a cadence (week ends, or month ends: the official
 * census) in the range given, by week band and the filter columns, and by one more column of the
 * pathway when `by` names it (a patient attribute: `imd_decile`, `ethnicity`, `age_band`, `sex`).
 * The period column is named for the cadence (`week_end`, `month_end`).
 */
export function waitingListCensuses({
	cadence,
	from,
	to,
	by,
	pathways = 'pathways'
}: WeeksParams & { cadence: Cadence; by?: string; pathways?: string }): string {
	const key = PERIOD_COLUMN[cadence];
	const extra = by ? [sqlIdentifier(by)] : [];
	const dims = [...DIMENSION_COLUMNS, ...extra].join(', ');
	const days = daysWaitedSql('p.clock_start', `w.${key}`);
	return `WITH census AS (
  ${periodEndsSql(cadence, from, to).replaceAll('\n', '\n  ')}
),
waiting AS (
  SELECT w.${key}, ${[...DIMENSION_COLUMNS, ...extra].map((c) => `p.${c}`).join(', ')},
         ${weekBandSql(days)} AS week_band
  FROM ${sqlIdentifier(pathways)} p
  JOIN census w ON ${onWaitingListSql(`w.${key}`, 'p').join('\n   AND ')}
)
SELECT ${key}, ${DIMENSION_COLUMNS.join(', ')},
       ${extra.map((c) => `${by === 'imd_decile' ? `CAST(${c} AS INTEGER)` : c} AS ${c}, `).join('')}CAST(week_band AS INTEGER) AS week_band,
       CAST(COUNT(*) AS INTEGER) AS pathways
FROM waiting
GROUP BY ${key}, ${dims}, week_band`;
}

/** A census of the weekly waiting-list aggregate: a week end (Sunday), under any filter. */
export interface WeeklyCensusParams {
	asOf: string;
	filters?: MetricFilters;
	aggregate?: string;
}

/**
 * {@link waitingListSummary} rolled up from the weekly aggregate: the list at the week end
 * `asOf` (a Sunday) under any filter, its long waits, % within 18 weeks, and the median and
 * 92nd percentile interpolated inside the week bands exactly as from the pathways. One row,
 * {@link WaitingListSummaryRow}.
 */
export function waitingListSummaryFromWeekly(params: WeeklyCensusParams): string {
	return `WITH bands AS (
  SELECT week_band, pathways AS n FROM (${waitingListByWeekBandFromWeekly(params)})
),
${waitingListSummaryFromBandsSql()}`;
}

/** The waiting list at each week end in the weeks given, under the filters: `week_end`, `total`. */
export function waitingListTotalsFromWeekly({
	from,
	to,
	filters,
	aggregate = 'waiting_list_weekly'
}: WeeksParams & { filters?: MetricFilters; aggregate?: string }): string {
	return `SELECT strftime(week_end, '%Y-%m-%d') AS week_end, CAST(SUM(pathways) AS DOUBLE) AS total
FROM ${sqlIdentifier(aggregate)}
${whereAll([`week_end BETWEEN ${sqlDate(from)} AND ${sqlDate(to)}`, ...filterConditions(filters)])}
GROUP BY week_end
ORDER BY week_end`;
}

/**
 * {@link waitingListByWeekBand} rolled up from the weekly aggregate: the list at the week end
 * `asOf` under any filter, by NHS week band (`week_band`, `pathways`), bands with no one left out.
 */
export function waitingListByWeekBandFromWeekly({
	asOf,
	filters,
	aggregate = 'waiting_list_weekly'
}: WeeklyCensusParams): string {
	assertWeekEnd(asOf, 'the census date');
	return `SELECT week_band, CAST(SUM(pathways) AS DOUBLE) AS pathways
FROM ${sqlIdentifier(aggregate)}
${whereAll([`week_end = ${sqlDate(asOf)}`, ...filterConditions(filters)])}
GROUP BY week_band
ORDER BY week_band`;
}

/**
 * The waiting list's totals at each census, without its week bands: pathways, those within 18
 * weeks and those over 52, by period end and filter columns. Made from the waiting list by week
 * band of the same cadence (built before it), a hundredth of its rows, for the trends that need
 * only a count at each census (a comparison's sparklines).
 */
export function waitingListTotals({ cadence }: { cadence: Cadence }): string {
	const key = PERIOD_COLUMN[cadence];
	const source = cadence === 'week' ? 'waiting_list_weekly' : 'waiting_list_monthly';
	return `SELECT ${key}, ${DIMENSION_COLUMNS.join(', ')},
       CAST(SUM(pathways) AS INTEGER) AS pathways,
       CAST(SUM(CASE WHEN week_band < ${RTT_STANDARD_WEEKS} THEN pathways ELSE 0 END) AS INTEGER) AS within_18_weeks,
       CAST(SUM(CASE WHEN week_band >= 52 THEN pathways ELSE 0 END) AS INTEGER) AS over_52_weeks
FROM ${source}
GROUP BY ${key}, ${DIMENSION_COLUMNS.join(', ')}`;
}
