/**
 * What a page asks of the data, as the view runner (src/lib/state/view-runner.svelte.ts) runs
 * it: the aggregates its queries read, the queries, the figures of a view nothing matches, and
 * the figures published with the dataset for its default view. A page is this and its markup.
 */
import type { LoadedAggregate } from './aggregates.ts';
import type { MetricFilters } from './filters.ts';
import type { QueryRows } from './overview.ts';
import type { FirstView, OverviewPeriod } from './overview-view.ts';

export interface PageQueries<T> {
	/** The aggregates (aggregates.ts) the queries read: nothing else is loaded. */
	aggregates: readonly LoadedAggregate[];
	/** Works out the page's figures for one view, on the engine's tables of those aggregates. */
	run(query: QueryRows, period: OverviewPeriod, filters: MetricFilters): Promise<T>;
	/** The figures of a view nothing can match: nobody waiting, referred or seen. */
	empty(period: OverviewPeriod, filters: MetricFilters): T;
	/** The figures published with the dataset for this (unfiltered) view, when they answer it. */
	published?(first: FirstView, period: OverviewPeriod): T | null;
}
