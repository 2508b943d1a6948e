/**
 * `first-view.json`: the default view of each page, worked out on native DuckDB when the dataset
 * is published, by the same queries the pages run, so that a page draws its first figures
 * before the query engine in the browser has started.
 */
import type { ViewPeriod } from './aggregates.ts';
import type { FilterKey } from './filters.ts';
import type { QueryRows } from './overview.ts';
import {
	filterOptions,
	overviewPeriod,
	overviewView,
	type OverviewPeriod,
	type OverviewViewData
} from './overview-view.ts';
import { waitsPeriod, waitsView, type WaitsViewData } from './waits-view.ts';
import { dnasPeriod, dnasView, type DnasViewData } from './dnas-view.ts';
import type { PageView } from './page-queries.ts';

export interface FirstView {
	overview: {
		period: OverviewPeriod;
		options: Record<FilterKey, string[]>;
		data: OverviewViewData;
	};
	/** The waits page's default view (weekly); absent in datasets published before it. */
	waits?: { period: ViewPeriod; data: WaitsViewData };
	/** The DNAs page's default view and the settings it was worked out for; absent before it. */
	dnas?: { period: ViewPeriod; view: PageView; data: DnasViewData };
}

/** Works out {@link FirstView} for a dataset whose events end on `dataEnd`. */
export async function firstView(query: QueryRows, dataEnd: string): Promise<FirstView> {
	const period = overviewPeriod(dataEnd);
	const waits = waitsPeriod(dataEnd, {});
	const dnas = dnasPeriod(dataEnd, {});
	const [options, data, waitsData, dnasData] = await Promise.all([
		filterOptions(query),
		overviewView(query, period),
		waitsView(query, waits),
		dnasView(query, dnas)
	]);
	return {
		overview: { period, options, data },
		waits: { period: waits, data: waitsData },
		dnas: { period: dnas, view: {}, data: dnasData }
	};
}
