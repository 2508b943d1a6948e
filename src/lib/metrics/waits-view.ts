/**
 * Everything the waits page shows for one view (filters, a cadence and a census), worked out
 * from the published aggregates of that cadence (aggregates.ts) at the level the filters need:
 * the headline at the census and at the one before it, the trend, the list by week band and
 * priority, the flows, the completed waits, first appointments by priority, and the list by
 * each patient attribute. The page's own settings (the interim target, limits rebased) change
 * only how the figures are drawn, so they are applied in the page, not here.
 */
import type { LoadedAggregate, ViewPeriod } from './aggregates.ts';
import { WAITING_LIST_ATTRIBUTES } from './aggregates.ts';
import { periodEndOnOrBefore, periodEnds, previousPeriodEnd, type Cadence } from './cadence.ts';
import type { MetricFilters } from './filters.ts';
import { aggregateLevel, levelTable, type AggregateLevel } from './levels.ts';
import { monthsEnding } from './months.ts';
import type { QueryRows } from './overview.ts';
import type { PageQueries, PageView } from './page-queries.ts';
import { groupBands, summariseBands, type WaitingListSummaryRow } from './waiting-list.ts';
import {
	completedWaits,
	firstAppointmentsByPriority,
	rangeBands,
	waitingListByAttributes,
	waitingListByValue,
	waitingListTotalsByValue,
	waitsFlows
} from './waits.ts';
import { waitsSeriesPoints, type SeriesPoint } from './waits-series.ts';
import { weeksEnding } from './weeks.ts';

export type WaitsAttribute = keyof typeof WAITING_LIST_ATTRIBUTES;

export interface FlowRow {
	period_end: string;
	clock_starts: number;
	admitted: number;
	non_admitted: number;
	nullified: number;
	removals: number;
	other_stops: number;
	net_change: number;
}

export interface CompletedRow {
	grp: 'admitted' | 'non_admitted';
	stops: number;
	median_weeks: number | null;
	p95_weeks: number | null;
}

export interface FirstAppointmentRow {
	priority: string;
	seen: number;
	median_weeks: number | null;
	p95_weeks: number | null;
	within_14_days_pct: number;
	within_28_days_pct: number;
}

/** The list at the census for one value of an attribute (null: not recorded). */
export interface AttributeRow extends WaitingListSummaryRow {
	value: string | null;
}

/** What the comparison sets side by side. */
export type CompareBy = 'provider' | 'commissioner' | 'specialty';

/** One provider, commissioner or specialty in the comparison. */
export interface ComparisonRow extends WaitingListSummaryRow {
	code: string;
	/** The list at each census of the period, for its sparkline. */
	trend: number[];
}

export interface WaitsViewData {
	/** The census and the one before it (a week or a month earlier). */
	headline: {
		current: WaitingListSummaryRow;
		previous: WaitingListSummaryRow;
		previousAsOf: string;
	};
	/** One point per period end of the period. */
	series: SeriesPoint[];
	/** The list at the census by priority and week band. */
	bands: { priority: string; week_band: number; pathways: number }[];
	flows: FlowRow[];
	completed: CompletedRow[];
	firstAppointments: FirstAppointmentRow[];
	fairness: Record<WaitsAttribute, AttributeRow[]>;
	/** The providers, commissioners or specialties side by side, at the census. */
	comparison: { by: CompareBy; rows: ComparisonRow[] };
}

const SUFFIX: Record<Cadence, string> = { week: 'weekly', month: 'monthly' };

/** The page's cadence from its URL: `cadence=month`, or weekly. */
export function waitsCadence(view: PageView): Cadence {
	return view.settings?.cadence === 'month' ? 'month' : 'week';
}

/**
 * The view's census and period: the week end (or month end) on or before the census asked for
 * (or the data's last day), and the 52 weeks (or 12 months) ending on it.
 */
export function waitsPeriod(dataEnd: string, view: PageView): ViewPeriod {
	const cadence = waitsCadence(view);
	const asOf = periodEndOnOrBefore(cadence, view.asOf && view.asOf < dataEnd ? view.asOf : dataEnd);
	return { cadence, asOf, ...(cadence === 'week' ? weeksEnding(asOf) : monthsEnding(asOf)) };
}

/** Nobody waiting. */
const EMPTY_SUMMARY: WaitingListSummaryRow = summariseBands([]);

/** The waits page's figures for one view. */
export async function waitsView(
	query: QueryRows,
	period: ViewPeriod,
	filters: MetricFilters = {},
	view: PageView = {}
): Promise<WaitsViewData> {
	const { cadence = 'week', asOf, from, to } = period;
	const level = aggregateLevel(filters);
	const table = (name: string) => levelTable(`${name}_${SUFFIX[cadence]}`, level);
	const list = table('waiting_list');
	const previousAsOf = previousPeriodEnd(cadence, asOf);
	const range = { cadence, from, to, filters };
	const attributes = Object.entries(WAITING_LIST_ATTRIBUTES) as [
		WaitsAttribute,
		(typeof WAITING_LIST_ATTRIBUTES)[WaitsAttribute]
	][];
	const [compared, census, series, flows, completed, first, fair] = await Promise.all([
		comparison(query, period, filters, compareBy(view)),
		// The census and the one before it (the only two in the range) by priority and band:
		// the headline's two summaries and the distribution, from one query.
		query(
			rangeBands({ cadence, from: previousAsOf, to: asOf, filters, table: list, by: 'priority' })
		),
		// The charts draw the list and % within 18 weeks: the totals give them.
		waitsSeriesPoints(query, range, { percentiles: false }),
		query(waitsFlows({ ...range, flows: table('clock_flows') })),
		completedWaits(query, { ...range, table: table('clock_stop_waits') }),
		firstAppointmentsByPriority(query, { ...range, table: table('first_appointment_waits') }),
		waitingListByAttributes(query, {
			cadence,
			asOf,
			filters,
			tables: attributes.map(([name, { column }]) => ({
				attribute: name,
				table: table(`waiting_list_by_${name}`),
				column
			}))
		})
	]);
	// The headline's two censuses: the rows by priority, summed over priority.
	const byCensus = new Map(
		groupBands(census, ['period_end'], 'pathways').map((g) => [g.key.period_end, g.bands])
	);
	const atCensus = (end: string) => summariseBands(byCensus.get(end) ?? []);
	return {
		comparison: compared as WaitsViewData['comparison'],
		headline: { current: atCensus(asOf), previous: atCensus(previousAsOf), previousAsOf },
		series,
		bands: census
			.filter((r) => r.period_end === asOf)
			.map((r) => ({
				priority: r.value as string,
				week_band: r.week_band as number,
				pathways: r.pathways as number
			})),
		flows: flows as unknown as FlowRow[],
		completed: completed as unknown as CompletedRow[],
		firstAppointments: first as unknown as FirstAppointmentRow[],
		fairness: Object.fromEntries(
			attributes.map(([name]) => [
				name,
				fair
					.filter((r) => r.attribute === name)
					.map(({ attribute: _, ...r }) => r as unknown as AttributeRow)
			])
		) as Record<WaitsAttribute, AttributeRow[]>
	};
}

/** What the page compares, from its URL: `compare=commissioner` or `specialty`, else providers. */
export function compareBy(view: PageView): CompareBy {
	const by = view.settings?.compare;
	return by === 'commissioner' || by === 'specialty' ? by : 'provider';
}

/**
 * The comparison's level and filters: every provider (or commissioner) in the view, so the
 * filter on what is compared is set aside (the page marks the one chosen); a specialty
 * comparison reads the level the other filters need.
 */
export function comparisonScope(
	by: CompareBy,
	filters: MetricFilters
): { level: AggregateLevel; filters: MetricFilters } {
	const rest: MetricFilters = { ...filters, [by]: undefined };
	const level: AggregateLevel =
		by === 'provider' || rest.provider
			? 'provider'
			: by === 'commissioner'
				? 'commissioner'
				: aggregateLevel(rest);
	return { level, filters: rest };
}

/** The providers, commissioners or specialties side by side, with their trends. */
async function comparison(
	query: QueryRows,
	{ cadence = 'week', asOf, from, to }: ViewPeriod,
	filters: MetricFilters,
	by: CompareBy
): Promise<WaitsViewData['comparison']> {
	const scope = comparisonScope(by, filters);
	const table = levelTable(`waiting_list_${SUFFIX[cadence]}`, scope.level);
	// The sparklines need only a count at each census: the totals, without the week bands.
	const trend = levelTable(`waiting_list_totals_${SUFFIX[cadence]}`, scope.level);
	const column = `${by}_code`;
	const [rows, totals] = await Promise.all([
		waitingListByValue(query, { cadence, asOf, filters: scope.filters, table, by: column }),
		query(
			waitingListTotalsByValue({
				cadence,
				from,
				to,
				filters: scope.filters,
				table: trend,
				by: column
			})
		)
	]);
	const ends = periodEnds(cadence, from, to);
	const trends = new Map<string, Map<string, number>>();
	for (const t of totals) {
		const code = t.value as string;
		if (!trends.has(code)) trends.set(code, new Map());
		trends.get(code)!.set(t.period_end as string, t.total as number);
	}
	return {
		by,
		rows: rows
			.filter((r) => r.value !== null)
			.map((r) => ({
				...(r as unknown as WaitingListSummaryRow),
				code: r.value as string,
				trend: ends.map((e) => trends.get(r.value as string)?.get(e) ?? 0)
			}))
	};
}

/** The figures of a view nothing can match. */
export function emptyWaitsView({ cadence = 'week', asOf }: ViewPeriod): WaitsViewData {
	return {
		headline: {
			current: EMPTY_SUMMARY,
			previous: EMPTY_SUMMARY,
			previousAsOf: previousPeriodEnd(cadence, asOf)
		},
		series: [],
		bands: [],
		flows: [],
		completed: [],
		firstAppointments: [],
		fairness: { imd: [], ethnicity: [], age: [], sex: [] },
		comparison: { by: 'provider', rows: [] }
	};
}

const BOTH = (name: string) =>
	(['weekly', 'monthly'] as const).map((s) => `${name}_${s}`) as LoadedAggregate[];

/** The waits page's queries. */
export const WAITS_QUERIES: PageQueries<WaitsViewData> = {
	aggregates: [
		...BOTH('waiting_list'),
		...BOTH('clock_flows'),
		...BOTH('clock_stop_waits'),
		...BOTH('first_appointment_waits'),
		...(Object.keys(WAITING_LIST_ATTRIBUTES) as WaitsAttribute[]).flatMap((a) =>
			BOTH(`waiting_list_by_${a}`)
		),
		...BOTH('waiting_list_totals')
	],
	// The trend from the totals at every census; the list by week band at the census and the
	// one before (the headline's changes).
	history: BOTH('waiting_list_totals'),
	previous: BOTH('waiting_list'),
	levels: (filters, view) => {
		const { level } = comparisonScope(compareBy(view), filters);
		// The census by week band of every one compared, and their totals at every census.
		return [
			{
				level,
				aggregates: [...BOTH('waiting_list'), ...BOTH('waiting_list_totals')],
				history: BOTH('waiting_list_totals')
			}
		];
	},
	period: waitsPeriod,
	run: waitsView,
	empty: (period) => emptyWaitsView(period),
	published: (first, period, view) => {
		const shown = first.waits;
		return shown &&
			compareBy(view) === shown.data.comparison?.by &&
			shown.period.asOf === period.asOf &&
			shown.period.from === period.from &&
			(shown.period.cadence ?? 'week') === (period.cadence ?? 'week')
			? shown.data
			: null;
	}
};
