/**
 * The waiting list's trend at a cadence, as the waits page charts it and `npm run metrics --
 * --series week|month` prints it: one point per week end or month end of the period, and a
 * Making Data Count XmR chart (spc.ts) of the list (lower is better, no target) and of the %
 * within 18 weeks (higher is better, target the 92% standard unless told otherwise).
 */
import { periodEnds, type Cadence } from './cadence.ts';
import type { MetricFilters } from './filters.ts';
import { aggregateLevel, levelTable } from './levels.ts';
import type { QueryRows } from './overview.ts';
import { RTT_STANDARD_PCT } from './rtt.ts';
import { spcChart, type SpcChart, type SpcRule, type SpcSpecial } from './spc.ts';
import { waitingListSeries, waitingListTotalsSeries } from './waits.ts';

export interface SeriesPoint {
	periodEnd: string;
	waitingList: number;
	within18WeeksPct: number | null;
	over52Weeks: number;
	medianWeeks: number | null;
	p92Weeks: number | null;
}

/** One SPC chart as the metrics CLI prints it. */
export interface SeriesSpc {
	mean: number | null;
	lowerLimit: number | null;
	upperLimit: number | null;
	target: number | null;
	variation: SpcChart['variation'];
	assurance: SpcChart['assurance'];
	points: {
		periodEnd: string;
		value: number | null;
		mean: number | null;
		lowerLimit: number | null;
		upperLimit: number | null;
		special: SpcSpecial | null;
		rule: SpcRule | null;
	}[];
}

export interface WaitsSeries {
	cadence: Cadence;
	points: SeriesPoint[];
	spc: { waitingList: SeriesSpc; within18WeeksPct: SeriesSpc };
	/** The full charts, for the page: two-sigma lines and phases too. */
	charts: { waitingList: SpcChart; within18WeeksPct: SpcChart };
}

export interface SeriesParams {
	cadence: Cadence;
	/** The first day of the first period, and the last period end. */
	from: string;
	to: string;
	filters?: MetricFilters;
	/** The % within 18 weeks target (default the 92% standard). */
	target?: number;
	/** Dates from which a new phase of limits starts (each at the first period end on or after it). */
	rebase?: readonly string[];
}

const SUFFIX: Record<Cadence, string> = { week: 'weekly', month: 'monthly' };

function forCli(chart: SpcChart): SeriesSpc {
	return {
		mean: chart.mean,
		lowerLimit: chart.lowerLimit,
		upperLimit: chart.upperLimit,
		target: chart.target,
		variation: chart.variation,
		assurance: chart.assurance,
		points: chart.points.map(
			({ periodEnd, value, mean, lowerLimit, upperLimit, special, rule }) => ({
				periodEnd,
				value,
				mean,
				lowerLimit,
				upperLimit,
				special,
				rule
			})
		)
	};
}

/**
 * The trend's points at the filters' level: from the waiting list by week band (every field), or,
 * with `percentiles: false`, from its totals (the list, % within 18 weeks and over 52 weeks,
 * the median and 92nd percentile null), a fraction of the rows to load and read. The page's
 * charts need only those; the metrics CLI prints every field.
 */
export async function waitsSeriesPoints(
	query: QueryRows,
	{ cadence, from, to, filters = {} }: Omit<SeriesParams, 'target' | 'rebase'>,
	{ percentiles = true }: { percentiles?: boolean } = {}
): Promise<SeriesPoint[]> {
	const level = aggregateLevel(filters);
	const rows = percentiles
		? await waitingListSeries(query, {
				cadence,
				from,
				to,
				filters,
				table: levelTable(`waiting_list_${SUFFIX[cadence]}`, level)
			})
		: await query(
				waitingListTotalsSeries({
					cadence,
					from,
					to,
					filters,
					table: levelTable(`waiting_list_totals_${SUFFIX[cadence]}`, level)
				})
			);
	const byEnd = new Map(rows.map((r) => [r.period_end as string, r]));
	return periodEnds(cadence, from, to).map((periodEnd) => {
		const r = byEnd.get(periodEnd);
		return {
			periodEnd,
			waitingList: (r?.total as number | undefined) ?? 0,
			within18WeeksPct: (r?.within_18_weeks_pct as number | null | undefined) ?? null,
			over52Weeks: (r?.over_52_weeks as number | undefined) ?? 0,
			medianWeeks: (r?.median_weeks as number | null | undefined) ?? null,
			p92Weeks: (r?.p92_weeks as number | null | undefined) ?? null
		};
	});
}

/** The SPC charts of a trend: the list (lower is better) and the % within 18 weeks (higher). */
export function waitsSeriesCharts(
	points: readonly SeriesPoint[],
	{ target = RTT_STANDARD_PCT, rebase = [] }: Pick<SeriesParams, 'target' | 'rebase'> = {}
): WaitsSeries['charts'] {
	const ends = points.map((p) => p.periodEnd);
	const phases = rebase.map((date) => ends.find((e) => e >= date)).filter((e) => e !== undefined);
	return {
		waitingList: spcChart(
			points.map((p) => ({ periodEnd: p.periodEnd, value: p.waitingList })),
			{ improvement: 'decrease', target: null, rebase: phases }
		),
		within18WeeksPct: spcChart(
			points.map((p) => ({ periodEnd: p.periodEnd, value: p.within18WeeksPct })),
			{ improvement: 'increase', target, rebase: phases }
		)
	};
}

/** The trend and its SPC charts, from the waiting-list aggregate of the cadence. */
export async function waitsSeries(query: QueryRows, params: SeriesParams): Promise<WaitsSeries> {
	const points = await waitsSeriesPoints(query, params);
	const charts = waitsSeriesCharts(points, params);
	return {
		cadence: params.cadence,
		points,
		spc: {
			waitingList: forCli(charts.waitingList),
			within18WeeksPct: forCli(charts.within18WeeksPct)
		},
		charts
	};
}
