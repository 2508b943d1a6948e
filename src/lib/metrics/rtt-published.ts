/**
 * NHS England's published RTT statistics (a dataset of kind `rtt-published`, made by `npm run
 * import:rtt`): the month's incomplete pathways (`Part_2`) by week band, summarised by the same
 * SQL as our own waiting list (waiting-list.ts), so the two sit side by side. `Part_2A` (with a
 * decision to admit) is a subset of `Part_2` and is never added to it; total rows (`C_999`) were
 * dropped on import; patients with an unknown clock start are counted apart, outside every
 * percentage (docs/definitions.md "Waits (RTT)").
 */
import { filterConditions, type MetricFilters } from './filters.ts';
import { AGGREGATE_LEVELS, aggregateLevel, levelTable, type AggregateLevel } from './levels.ts';
import { whereAll } from './sql.ts';
import { waitingListSummaryFromBandsSql } from './waiting-list.ts';

/** A treatment function as a specialty code: `C_100` as `100`; a group (`X02`–`X06`) keeps its code. */
export function rttSpecialtySql(column: string): string {
	return `CASE WHEN ${column} LIKE 'C\\_%' ESCAPE '\\' THEN substr(${column}, 3) ELSE ${column} END`;
}

/**
 * The published waiting list (`Part_2`) as the import writes it for the dashboard, at three
 * levels like our own aggregates (levels.ts): `rtt_list` one file per provider (month_end,
 * provider_code, commissioner_code, specialty_code, week_band, pathways), `rtt_list_commissioner`
 * one per commissioner (no provider_code) and `rtt_list_national` (specialty only). A null week
 * band holds the patients with an unknown clock start. A view reads the least detailed level
 * its filters allow (levels.ts `aggregateLevel`), as it does of our own aggregates.
 */
export const RTT_LIST_TABLES: Readonly<Record<AggregateLevel, string>> = Object.fromEntries(
	AGGREGATE_LEVELS.map((level) => [level, levelTable('rtt_list', level)])
) as Record<AggregateLevel, string>;

/** The columns of each level's table, with their types, as the dashboard loads them. */
export function rttListColumns(
	level: AggregateLevel
): Record<string, 'string' | 'date' | 'integer'> {
	return {
		month_end: 'date',
		...(level === 'provider' ? { provider_code: 'string' } : {}),
		...(level !== 'national' ? { commissioner_code: 'string' } : {}),
		specialty_code: 'string',
		week_band: 'integer',
		pathways: 'integer'
	};
}

/**
 * The published month's waiting list summary under these filters: one row, as
 * waitingListSummary's, from the level the filters need.
 */
export function publishedWaitingList(filters: MetricFilters = {}): string {
	return `WITH bands AS (
  SELECT week_band, CAST(SUM(pathways) AS DOUBLE) AS n
  FROM ${RTT_LIST_TABLES[aggregateLevel(filters)]}
  ${whereAll([...filterConditions(filters), 'week_band IS NOT NULL'])}
  GROUP BY week_band
),
${waitingListSummaryFromBandsSql()}`;
}

/** The published list by week band under these filters (band, pathways), for its chart. */
export function publishedBands(filters: MetricFilters = {}): string {
	return `SELECT week_band, CAST(SUM(pathways) AS DOUBLE) AS pathways
FROM ${RTT_LIST_TABLES[aggregateLevel(filters)]}
${whereAll([...filterConditions(filters), 'week_band IS NOT NULL'])}
GROUP BY week_band
ORDER BY week_band`;
}

/** Incomplete pathways with an unknown clock start, under the same filters: one row, `n`. */
export function publishedUnknownClockStart(filters: MetricFilters = {}): string {
	return `SELECT CAST(COALESCE(SUM(pathways), 0) AS DOUBLE) AS n
FROM ${RTT_LIST_TABLES[aggregateLevel(filters)]}
${whereAll([...filterConditions(filters), 'week_band IS NULL'])}`;
}
