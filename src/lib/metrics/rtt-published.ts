/**
 * NHS England's published RTT statistics (a dataset of kind `rtt-published`, made by `npm run
 * import:rtt`): the month's incomplete pathways (`Part_2`) by week band, summarised by the same
 * SQL as our own waiting list (waiting-list.ts), so the two sit side by side. `Part_2A` (with a
 * decision to admit) is a subset of `Part_2` and is never added to it; total rows (`C_999`) were
 * dropped on import; patients with an unknown clock start are counted apart, outside every
 * percentage (docs/definitions.md "Waits (RTT)").
 */
import { filterConditions, type MetricFilters } from './filters.ts';
import { whereAll } from './sql.ts';
import { waitingListSummaryFromBandsSql } from './waiting-list.ts';

/**
 * The published incomplete pathways as rows with the filter columns the metrics know: the
 * treatment function `C_100` as specialty `100`; a group (`X02`–`X06`) keeps its code.
 */
export const RTT_PUBLISHED_LIST = `SELECT provider_code, commissioner_code,
       CASE WHEN treatment_function LIKE 'C\\_%' ESCAPE '\\' THEN substr(treatment_function, 3)
            ELSE treatment_function END AS specialty_code,
       week_band, pathways
FROM rtt_bands
WHERE part = 'Part_2'`;

/** The published month's waiting list summary: one row, as waitingListSummary's. */
export function publishedWaitingList(filters: MetricFilters = {}): string {
	return `WITH list AS (${RTT_PUBLISHED_LIST}),
bands AS (
  SELECT week_band, CAST(SUM(pathways) AS DOUBLE) AS n
  FROM list
  ${whereAll(filterConditions(filters))}
  GROUP BY week_band
),
${waitingListSummaryFromBandsSql()}`;
}

/** Incomplete pathways with an unknown clock start, under the same filters: one row, `n`. */
export function publishedUnknownClockStart(filters: MetricFilters = {}): string {
	return `SELECT CAST(COALESCE(SUM(pathways), 0) AS DOUBLE) AS n
FROM (
  SELECT provider_code, commissioner_code,
         CASE WHEN treatment_function LIKE 'C\\_%' ESCAPE '\\' THEN substr(treatment_function, 3)
              ELSE treatment_function END AS specialty_code,
         pathways
  FROM rtt_unknown_clock_start
  WHERE part = 'Part_2'
)
${whereAll(filterConditions(filters))}`;
}
