/**
 * Everything the overview page shows for one view (filters and a census week end), worked out
 * from the weekly aggregates: the headline figures and the waiting list by week band. The
 * dashboard runs it on DuckDB-WASM for every view; the pipeline runs it on native DuckDB for the
 * default view and publishes the answer as `first-view.json`, so the page can draw its first
 * figures before the query engine has started.
 */
import { dimensionValues } from './dimensions.ts';
import { FILTER_KEYS, type FilterKey, type MetricFilters } from './filters.ts';
import { aggregateLevel, levelTable } from './levels.ts';
import {
	emptyOverviewMetrics,
	overviewMetrics,
	type OverviewMetrics,
	type QueryRows
} from './overview.ts';
import type { FirstView } from './first-view.ts';
import type { PageQueries } from './page-queries.ts';
import type { WeekBandRow } from './waiting-list.ts';
import { waitingListByWeekBandFromWeekly } from './waiting-list-weekly.ts';
import { weekEndOnOrBefore, weeksEnding } from './weeks.ts';

export interface OverviewViewData {
	metrics: OverviewMetrics;
	/** The waiting list by NHS week band; bands with no one are absent. */
	bands: WeekBandRow[];
}

/** The census week end and the 52 weeks of flows an overview view shows. */
export interface OverviewPeriod {
	asOf: string;
	from: string;
	to: string;
}

/**
 * The view's census and period: the census is the week end (Sunday) on or before `asOf` (or the
 * data's last day, by default or when `asOf` is after it); the period is the 52 weeks ending on it.
 */
export function overviewPeriod(dataEnd: string, asOf?: string): OverviewPeriod {
	const census = weekEndOnOrBefore(asOf && asOf < dataEnd ? asOf : dataEnd);
	return { asOf: census, ...weeksEnding(census) };
}

/** The overview's figures for one view, from the weekly aggregates. */
export async function overviewView(
	query: QueryRows,
	{ asOf, from, to }: OverviewPeriod,
	filters: MetricFilters = {}
): Promise<OverviewViewData> {
	const [metrics, bands] = await Promise.all([
		overviewMetrics(query, { asOf, from, to, filters }, 'weekly'),
		query(
			waitingListByWeekBandFromWeekly({
				asOf,
				filters,
				aggregate: levelTable('waiting_list_weekly', aggregateLevel(filters))
			})
		)
	]);
	return { metrics, bands: bands as unknown as WeekBandRow[] };
}

/** The table every filter's values are listed from: every referral is counted in it. */
export const OPTIONS_TABLE = 'clock_flows_weekly';

/** The codes each filter can take, in order. */
export async function filterOptions(query: QueryRows): Promise<Record<FilterKey, string[]>> {
	const values = await Promise.all(
		FILTER_KEYS.map((key) => query(dimensionValues(key, OPTIONS_TABLE)))
	);
	return Object.fromEntries(
		FILTER_KEYS.map((key, i) => [key, values[i].map((row) => String(row.value))])
	) as Record<FilterKey, string[]>;
}

const samePeriod = (a: OverviewPeriod, b: OverviewPeriod) =>
	a.asOf === b.asOf && a.from === b.from && a.to === b.to;

/** The overview page's queries: the headline figures and the waiting list by week band. */
export const OVERVIEW_QUERIES: PageQueries<OverviewViewData> = {
	aggregates: ['waiting_list_weekly', 'clock_flows_weekly', 'appointments_weekly'],
	run: overviewView,
	empty: (period, filters) => ({
		metrics: emptyOverviewMetrics({ ...period, filters }),
		bands: []
	}),
	published: (first, period) =>
		samePeriod(first.overview.period, period) ? first.overview.data : null
};
