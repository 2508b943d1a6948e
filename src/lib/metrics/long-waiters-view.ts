/**
 * The long-waiters page's queries (page-queries.ts): one provider's pathways waiting more than a
 * chosen number of weeks at the census, from that provider's event-level files alone. The census
 * is the waits page's (a week end, or a month end with `cadence=month`), so the list sits beside
 * the waits page's count over the same number of weeks.
 */
import type { ViewPeriod } from './aggregates.ts';
import type { MetricFilters } from './filters.ts';
import {
	DEFAULT_LONG_WAIT_WEEKS,
	LONG_WAITER_COLUMNS,
	isLongWaitWeeks,
	longWaiters,
	singleProvider,
	summariseLongWaiters,
	type LongWaiter,
	type LongWaitersSummary
} from './long-waiters.ts';
import type { PageQueries, PageView } from './page-queries.ts';
import { waitsPeriod } from './waits-view.ts';

export interface LongWaitersViewData {
	/** The provider listed; null when the view names none (or several): the page asks for one. */
	provider: string | null;
	asOf: string;
	weeks: number;
	rows: LongWaiter[];
	summary: LongWaitersSummary;
}

/** The weeks from the URL (`over=`): a whole number from 1 to 104, else the default of 52. */
export function longWaitWeeks(view: PageView): number {
	const asked = Number(view.settings?.over);
	return isLongWaitWeeks(asked) ? asked : DEFAULT_LONG_WAIT_WEEKS;
}

function none(period: ViewPeriod, filters: MetricFilters, view: PageView): LongWaitersViewData {
	return {
		provider: singleProvider(filters),
		asOf: period.asOf,
		weeks: longWaitWeeks(view),
		rows: [],
		summary: summariseLongWaiters([], period.asOf)
	};
}

export const LONG_WAITERS_QUERIES: PageQueries<LongWaitersViewData> = {
	aggregates: [],
	period: waitsPeriod,
	facts: (filters) => {
		const provider = singleProvider(filters);
		return provider ? { provider, tables: LONG_WAITER_COLUMNS } : null;
	},
	run: async (query, period, filters, view) => {
		const provider = singleProvider(filters);
		if (!provider) return none(period, filters, view);
		const weeks = longWaitWeeks(view);
		const rows = await longWaiters(query, { asOf: period.asOf, weeks, filters });
		return {
			provider,
			asOf: period.asOf,
			weeks,
			rows,
			summary: summariseLongWaiters(rows, period.asOf)
		};
	},
	empty: (period, filters) => none(period, filters, {})
};
