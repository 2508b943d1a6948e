/**
 * What a page asks of the data, as the view runner (src/lib/state/view-runner.svelte.ts) runs
 * it: the aggregates its queries read, the queries, the figures of a view nothing matches, and
 * the figures published with the dataset for its default view. A page is this and its markup.
 */
import type { ColumnType, LoadedAggregate, StockReads, ViewPeriod } from './aggregates.ts';
import type { MetricFilters } from './filters.ts';
import type { AggregateLevel } from './levels.ts';
import type { QueryRows } from './overview.ts';
import type { FirstView } from './first-view.ts';

/** What a page's URL says of its view: the census asked for and the page's own settings. */
export interface PageView {
	asOf?: string;
	settings?: Readonly<Record<string, string>>;
}

/** A whole level of some aggregates, for a view that compares its providers or commissioners. */
export interface LevelLoad extends StockReads {
	level: AggregateLevel;
	aggregates: readonly LoadedAggregate[];
	/** Only these partitions (providers or commissioners) of the level; absent: every one. */
	partitions?: readonly string[];
}

/** One provider's rows of event-level tables, with the columns each is read by. */
export interface FactsLoad {
	provider: string;
	tables: Readonly<Record<string, Readonly<Record<string, ColumnType>>>>;
}

/**
 * `history` and `previous` (StockReads): of the aggregates, the stocks whose every census in the
 * period the queries read (a trend), and those read at the census before too (a change since).
 */
export interface PageQueries<T> extends StockReads {
	/**
	 * The aggregates (aggregates.ts) the queries read: nothing else is loaded, and of these only
	 * those of the view's cadence.
	 */
	aggregates: readonly LoadedAggregate[];
	/**
	 * The census and period a view shows, for a dataset whose events end on `dataEnd`; by
	 * default the overview's (the week end on or before the census asked for, and 52 weeks).
	 */
	period?(dataEnd: string, view: PageView): ViewPeriod;
	/**
	 * What the view needs beyond its filters' level: whole levels of aggregates (every
	 * provider's files, for a comparison of providers), loaded before {@link run}.
	 */
	levels?(filters: MetricFilters, view: PageView): LevelLoad[];
	/**
	 * The event-level tables a view reads (one provider's rows, these columns of each), loaded
	 * before {@link run}; null or absent when it reads only aggregates.
	 */
	facts?(filters: MetricFilters, view: PageView): FactsLoad | null;
	/**
	 * Works out the page's figures for one view, on the engine's tables of those aggregates; the
	 * view's settings are the page's own (they are in the URL, so answers are kept by them).
	 */
	run(query: QueryRows, period: ViewPeriod, filters: MetricFilters, view: PageView): Promise<T>;
	/** The figures of a view nothing can match: nobody waiting, referred or seen. */
	empty(period: ViewPeriod, filters: MetricFilters, view: PageView): T;
	/** The figures published with the dataset for this (unfiltered) view, when they answer it. */
	published?(first: FirstView, period: ViewPeriod, view: PageView): T | null;
}
