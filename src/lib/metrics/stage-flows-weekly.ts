import { DIMENSION_COLUMNS, filterConditions, type MetricFilters } from './filters.ts';
import { sqlDate, sqlIdentifier, whereAll } from './sql.ts';
import { assertWeekEnd, weekEndingSql, weekEndsSql, type WeeksParams } from './weeks.ts';

/** One row of the `stage_flows_weekly` aggregate ({@link stageFlowsWeekly}). */
export interface StageFlowsWeeklyRow {
	week_end: string;
	provider_code: string;
	commissioner_code: string;
	specialty_code: string;
	priority: string;
	/** One of {@link STAGES}. */
	stage: string;
	/** Pathways that entered the stage during the week (λ). */
	arrivals: number;
	/** Pathways that left it during the week (μ). */
	departures: number;
	/** Pathways in the stage at the end of the week end (L). */
	queue: number;
	/** Days those who left spent in the stage, summed: ÷ departures is the mean time in stage. */
	departed_days: number;
}

/**
 * The weekly stage-flows aggregate: for each week end in the weeks given and each stage, the RTT
 * pathways that arrived in the stage during the week, left it, and were in it at the end of the
 * Sunday, by provider × commissioner × specialty × priority. Only RTT pathways count, so on any
 * week end the queues of the five stages add up to the waiting list. `from` must be on or before
 * the first day any pathway entered a stage: the queue is the running sum of arrivals less
 * departures. Rows where nothing arrived, left or waited are left out. Counts are additive.
 */
export function stageFlowsWeekly({
	from,
	to,
	stageIntervals = 'stage_intervals'
}: WeeksParams & { stageIntervals?: string }): string {
	const dims = DIMENSION_COLUMNS.join(', ');
	const table = sqlIdentifier(stageIntervals);
	const sameGroup = [...DIMENSION_COLUMNS, 'stage']
		.map((c) => `m.${c} IS NOT DISTINCT FROM g.${c}`)
		.join(' AND ');
	return `WITH week AS (
  ${weekEndsSql(from, to).replaceAll('\n', '\n  ')}
),
movement AS (
  SELECT ${weekEndingSql('entered_date')} AS week_end, ${dims}, stage,
         1 AS arrivals, 0 AS departures, 0 AS departed_days
  FROM ${table}
  WHERE rtt
  UNION ALL
  SELECT ${weekEndingSql('left_date')} AS week_end, ${dims}, stage,
         0 AS arrivals, 1 AS departures, days_in_stage AS departed_days
  FROM ${table}
  WHERE rtt AND left_date IS NOT NULL
),
weekly AS (
  SELECT week_end, ${dims}, stage,
         SUM(arrivals) AS arrivals, SUM(departures) AS departures, SUM(departed_days) AS departed_days
  FROM movement
  GROUP BY week_end, ${dims}, stage
),
-- Every week for every group that ever moved, so that the running queue has a value each week.
grid AS (
  SELECT w.week_end, g.*
  FROM week w
  CROSS JOIN (SELECT DISTINCT ${dims}, stage FROM weekly) g
),
filled AS (
  SELECT g.week_end, ${DIMENSION_COLUMNS.map((c) => `g.${c}`).join(', ')}, g.stage,
         COALESCE(m.arrivals, 0) AS arrivals,
         COALESCE(m.departures, 0) AS departures,
         COALESCE(m.departed_days, 0) AS departed_days
  FROM grid g
  LEFT JOIN weekly m ON m.week_end = g.week_end AND ${sameGroup}
),
queued AS (
  SELECT *,
         SUM(arrivals - departures) OVER (
           PARTITION BY ${dims}, stage ORDER BY week_end ROWS UNBOUNDED PRECEDING
         ) AS queue
  FROM filled
)
SELECT week_end, ${dims}, stage,
       CAST(arrivals AS INTEGER) AS arrivals,
       CAST(departures AS INTEGER) AS departures,
       CAST(queue AS INTEGER) AS queue,
       CAST(departed_days AS INTEGER) AS departed_days
FROM queued
WHERE arrivals > 0 OR departures > 0 OR queue > 0`;
}

/** One row of {@link stageFlowsFromWeekly}. */
export interface StageFlowsRow {
	stage: string;
	arrivals: number;
	departures: number;
	queue: number;
	/** Mean days in the stage of those who left it during the week; null if nobody did. */
	mean_days_departed: number | null;
}

/** Arrivals, departures and the queue of each stage in the week ending `weekEnd`, under the filters. */
export function stageFlowsFromWeekly({
	weekEnd,
	filters,
	aggregate = 'stage_flows_weekly'
}: {
	weekEnd: string;
	filters?: MetricFilters;
	aggregate?: string;
}): string {
	assertWeekEnd(weekEnd, 'the week end');
	return `SELECT stage,
  CAST(SUM(arrivals) AS DOUBLE) AS arrivals,
  CAST(SUM(departures) AS DOUBLE) AS departures,
  CAST(SUM(queue) AS DOUBLE) AS queue,
  CASE WHEN SUM(departures) > 0 THEN CAST(SUM(departed_days) AS DOUBLE) / SUM(departures) END AS mean_days_departed
FROM ${sqlIdentifier(aggregate)}
${whereAll([`week_end = ${sqlDate(weekEnd)}`, ...filterConditions(filters)])}
GROUP BY stage
ORDER BY stage`;
}
