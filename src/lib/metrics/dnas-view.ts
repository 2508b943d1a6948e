/**
 * Everything the DNAs page shows for one view (filters, a census month end and the page's own
 * settings), worked out from the DNA aggregates (dnas.ts) at the level the filters need: the
 * headline over the 12 months ending on the census and over the 12 before, the trend by week or
 * by month, the comparison of providers, commissioners, specialties or one provider's clinics,
 * the DNA rate by each driver, and the specialty × lead time × age segments ranked by excess DNAs.
 */
import type { LoadedAggregate, ViewPeriod } from './aggregates.ts';
import { periodEndsSql, type Cadence } from './cadence.ts';
import {
	DEFAULT_PRICES,
	DNA_DRIVERS,
	dnaByValueSql,
	dnaDriversSql,
	dnaHeadlineSql,
	dnaSegmentsSql,
	dnaSeriesSql,
	emptyDnaHeadline,
	rankSegments,
	type DnaDriver,
	type DnaHeadlineRow,
	type DnaPrices,
	type DnaSegment,
	type RankedSegment
} from './dnas.ts';
import type { MetricFilters } from './filters.ts';
import { aggregateLevel, levelTable, type AggregateLevel } from './levels.ts';
import { addMonths, monthEndOnOrBefore, monthsEnding } from './months.ts';
import type { QueryRows } from './overview.ts';
import type { PageQueries, PageView } from './page-queries.ts';
import { addDays } from './period.ts';
import { comparisonScope } from './waits-view.ts';
import { singleProvider } from './long-waiters.ts';

/** What the comparison sets side by side. */
export type DnaCompareBy = 'provider' | 'commissioner' | 'specialty' | 'clinic';

export interface DnaRateRow {
	value: string | null;
	attended: number;
	dna: number;
}

export interface DnaComparisonRow extends DnaRateRow {
	code: string;
	/** attended + DNAs. */
	volume: number;
	/** DNAs ÷ (attended + DNAs) × 100. */
	rate: number;
	/** DNAs ÷ all appointments × 100 (not for clinics, whose cancellations are not published). */
	allAppointmentsRate: number | null;
}

export interface DnaSeriesPoint {
	periodEnd: string;
	attended: number;
	dna: number;
	rate: number | null;
}

export interface DnasViewData {
	headline: {
		current: DnaHeadlineRow;
		previous: DnaHeadlineRow;
		/** The 12 months before the period. */
		previousFrom: string;
		previousTo: string;
	};
	trend: { cadence: Cadence; points: DnaSeriesPoint[] };
	/** The comparison; `rows` empty and `needsProvider` for clinics without one provider chosen. */
	comparison: { by: DnaCompareBy; rows: DnaComparisonRow[]; needsProvider?: boolean };
	drivers: Record<DnaDriver, DnaRateRow[]>;
	/**
	 * The segments of at least 50 attended + DNA, ranked by excess DNAs (the first
	 * {@link SEGMENTS_KEPT}), how many there are, and the view's rate.
	 */
	segments: { rate: number | null; rows: RankedSegment[]; count: number };
}

/** The trend's cadence from the URL: `trend=month`, or weekly. */
export function dnaTrendCadence(view: PageView): Cadence {
	return view.settings?.trend === 'month' ? 'month' : 'week';
}

/** What the comparison sets side by side, from the URL (`compare=`), by default providers. */
export function dnaCompareBy(view: PageView): DnaCompareBy {
	const by = view.settings?.compare;
	return by === 'commissioner' || by === 'specialty' || by === 'clinic' ? by : 'provider';
}

/** A price from the URL (pounds, 0 to 100,000), or the default. */
function priceSetting(value: string | undefined, fallback: number): number {
	const n = Number(value);
	return value !== undefined && value !== '' && Number.isFinite(n) && n >= 0 && n <= 100_000
		? n
		: fallback;
}

/** The prices of an attendance from the URL (`price-first`, `price-follow-up`), or the defaults. */
export function dnaPrices(view: PageView): DnaPrices {
	return {
		first: priceSetting(view.settings?.['price-first'], DEFAULT_PRICES.first),
		followUp: priceSetting(view.settings?.['price-follow-up'], DEFAULT_PRICES.followUp)
	};
}

/** The 12 months before a period of 12 months ending on `asOf`. */
export function previousYear(asOf: string): { from: string; to: string } {
	return monthsEnding(addMonths(asOf, -12));
}

/**
 * The view's census and period: the month end on or before the census asked for (or the data's
 * last day), and the 12 months ending on it. The headline's change reads the 12 months before
 * too; the trend reads the weeks of the period (the Sundays from its first whole week) or its
 * months.
 */
export function dnasPeriod(dataEnd: string, view: PageView): ViewPeriod {
	const asOf = monthEndOnOrBefore(view.asOf && view.asOf < dataEnd ? view.asOf : dataEnd);
	const { from, to } = monthsEnding(asOf);
	return {
		cadence: 'month',
		asOf,
		from,
		to,
		ranges: {
			dna_outcomes_monthly: { min: previousYear(asOf).from, max: to },
			dna_outcomes_weekly:
				dnaTrendCadence(view) === 'week' ? { min: addDays(from, 6), max: to } : null
		}
	};
}

/**
 * The comparison's level and filters: every provider (or commissioner) in the view, the filter
 * on what is compared set aside (the page marks the one chosen); specialties at the level the
 * other filters need; clinics of the one provider chosen.
 */
export function dnaComparisonScope(
	by: DnaCompareBy,
	filters: MetricFilters
): { level: AggregateLevel; filters: MetricFilters } {
	// A provider's clinics; otherwise what the waits page compares, read the same way.
	return by === 'clinic' ? { level: 'provider', filters } : comparisonScope(by, filters);
}

/** The ranked segments a view keeps: the page lists the first of them. */
export const SEGMENTS_KEPT = 50;

const rate = (dna: number, attended: number) => (100 * dna) / (attended + dna);

async function comparison(
	query: QueryRows,
	{ from, to }: ViewPeriod,
	filters: MetricFilters,
	by: DnaCompareBy
): Promise<DnasViewData['comparison']> {
	if (by === 'clinic' && !singleProvider(filters)) return { by, rows: [], needsProvider: true };
	const scope = dnaComparisonScope(by, filters);
	const table = levelTable(
		by === 'clinic' ? 'dna_clinics_monthly' : 'dna_outcomes_monthly',
		scope.level
	);
	const rows = await query(
		dnaByValueSql({
			table,
			column: 'month_end',
			from,
			to,
			filters: scope.filters,
			by: `${by}_code`,
			outcomes: by !== 'clinic'
		})
	);
	return {
		by,
		rows: rows.map((r) => {
			const attended = r.attended as number;
			const dna = r.dna as number;
			const all =
				by === 'clinic'
					? null
					: attended +
						dna +
						(r.cancelled_by_patient as number) +
						(r.cancelled_by_provider as number);
			return {
				value: r.value as string | null,
				code: (r.value as string | null) ?? '',
				attended,
				dna,
				volume: attended + dna,
				rate: rate(dna, attended),
				allAppointmentsRate: all ? (100 * dna) / all : null
			};
		})
	};
}

/** The DNAs page's figures for one view. */
export async function dnasView(
	query: QueryRows,
	period: ViewPeriod,
	filters: MetricFilters = {},
	view: PageView = {}
): Promise<DnasViewData> {
	const { asOf, from, to } = period;
	const level = aggregateLevel(filters);
	const prices = dnaPrices(view);
	const previous = previousYear(asOf);
	const outcomes = levelTable('dna_outcomes_monthly', level);
	const month = (range: { from: string; to: string }) => ({
		table: outcomes,
		column: 'month_end',
		...range,
		filters
	});
	const cadence = dnaTrendCadence(view);
	const trendFrom = cadence === 'week' ? addDays(from, 6) : from;
	const [[current], [before], points, compared, drivers, segments] = await Promise.all([
		query(dnaHeadlineSql(month({ from, to }), prices)),
		query(dnaHeadlineSql(month(previous), prices)),
		query(
			dnaSeriesSql({
				table: levelTable(`dna_outcomes_${cadence === 'week' ? 'weekly' : 'monthly'}`, level),
				column: cadence === 'week' ? 'week_end' : 'month_end',
				from: trendFrom,
				to,
				filters,
				ends: periodEndsSql(cadence, trendFrom, to)
			})
		),
		comparison(query, period, filters, dnaCompareBy(view)),
		query(
			dnaDriversSql({ ...month({ from, to }), table: levelTable('dna_drivers_monthly', level) })
		),
		query(
			dnaSegmentsSql({ ...month({ from, to }), table: levelTable('dna_segments_monthly', level) })
		)
	]);
	const ranked = rankSegments(segments as unknown as DnaSegment[]);
	return {
		headline: {
			current: current as unknown as DnaHeadlineRow,
			previous: before as unknown as DnaHeadlineRow,
			previousFrom: previous.from,
			previousTo: previous.to
		},
		trend: {
			cadence,
			points: points.map((p) => ({
				periodEnd: p.period_end as string,
				attended: p.attended as number,
				dna: p.dna as number,
				rate: p.rate as number | null
			}))
		},
		comparison: compared,
		drivers: Object.fromEntries(
			(Object.keys(DNA_DRIVERS) as DnaDriver[]).map((d) => [
				d,
				drivers
					.filter((r) => r.driver === d)
					.map((r) => ({
						value: r.value as string | null,
						attended: r.attended as number,
						dna: r.dna as number
					}))
			])
		) as Record<DnaDriver, DnaRateRow[]>,
		segments: {
			rate: ranked.rate,
			rows: ranked.segments.slice(0, SEGMENTS_KEPT),
			count: ranked.segments.length
		}
	};
}

/** The figures of a view nothing can match. */
export function emptyDnasView(period: ViewPeriod, view: PageView = {}): DnasViewData {
	const previous = previousYear(period.asOf);
	return {
		headline: {
			current: emptyDnaHeadline(),
			previous: emptyDnaHeadline(),
			previousFrom: previous.from,
			previousTo: previous.to
		},
		trend: { cadence: dnaTrendCadence(view), points: [] },
		comparison: { by: dnaCompareBy(view), rows: [] },
		drivers: Object.fromEntries(Object.keys(DNA_DRIVERS).map((d) => [d, []])) as unknown as Record<
			DnaDriver,
			DnaRateRow[]
		>,
		segments: { rate: null, rows: [], count: 0 }
	};
}

const DNA_AGGREGATES: readonly LoadedAggregate[] = [
	'dna_outcomes_weekly',
	'dna_outcomes_monthly',
	'dna_drivers_monthly',
	'dna_segments_monthly'
];

const sameSettings = (a: PageView, b: PageView) =>
	dnaTrendCadence(a) === dnaTrendCadence(b) &&
	dnaCompareBy(a) === dnaCompareBy(b) &&
	JSON.stringify(dnaPrices(a)) === JSON.stringify(dnaPrices(b));

/** The DNAs page's queries. */
export const DNAS_QUERIES: PageQueries<DnasViewData> = {
	aggregates: DNA_AGGREGATES,
	levels: (filters, view) => {
		const by = dnaCompareBy(view);
		if (by === 'clinic') {
			// The clinics only of the one provider a view is of.
			const provider = singleProvider(filters);
			return provider
				? [{ level: 'provider', aggregates: ['dna_clinics_monthly'], partitions: [provider] }]
				: [];
		}
		const { level } = dnaComparisonScope(by, filters);
		return [{ level, aggregates: ['dna_outcomes_monthly'] }];
	},
	period: dnasPeriod,
	run: dnasView,
	empty: (period, _filters, view) => emptyDnasView(period, view),
	published: (first, period, view) => {
		const shown = first.dnas;
		return shown &&
			sameSettings(shown.view, view) &&
			shown.period.asOf === period.asOf &&
			shown.period.from === period.from
			? shown.data
			: null;
	}
};
