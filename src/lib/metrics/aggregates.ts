/**
 * The one registry of published aggregates. Each is additive counts by period end (a week end or
 * a month end, by its cadence) × provider ×
 * commissioner × specialty × priority × its own breakdown, made by its SQL builder from the
 * modelled tables, published at three levels (levels.ts) and rolled up by the same code.
 * Everything else derives from this list:
 * - the pipeline builds, orders and publishes them (data-pipelines/pipeline/aggregates.ts);
 * - the dataset schema lists their columns and types (src/lib/dataset/schema.ts);
 * - the browser loads only the columns and counts a page reads, only for the weeks a view
 *   needs: one census week or the weeks of a period ({@link weeksToLoad}).
 * A new aggregate is added here, additive, and rolled up in tests to the event-level figures.
 */
import { DIMENSION_COLUMNS } from './filters.ts';
import { appointmentsWeekly } from './appointments-weekly.ts';
import { PERIOD_COLUMN, previousPeriodEnd, type Cadence } from './cadence.ts';
import { clockFlows, clockFlowsWeekly } from './clock-flows-weekly.ts';
import { clockStopWaits, firstAppointmentWaits } from './completed-waits.ts';
import { stageFlowsWeekly } from './stage-flows-weekly.ts';
import { dnaClinics, dnaDrivers, dnaOutcomes, dnaSegments, DNA_OUTCOME_COUNTS } from './dnas.ts';
import {
	waitingListCensuses,
	waitingListTotals,
	waitingListWeekly
} from './waiting-list-weekly.ts';
import type { WeeksParams } from './weeks.ts';

/** A column's type as published and as loaded into the browser's engine. */
export type ColumnType = 'string' | 'date' | 'boolean' | 'integer';

export interface AggregateSpec {
	name: string;
	/**
	 * Its periods: week ends (Sundays) or month ends (the official RTT census). The period column
	 * is named for it (cadence.ts: `week_end`, `month_end`).
	 */
	cadence: Cadence;
	/** The SQL that makes it, at the provider level, for the periods ending from `from` to `to`. */
	sql: (range: WeeksParams) => string;
	/** Its own breakdown columns (after the period and the filter columns) and their types. */
	breakdown: Readonly<Record<string, ColumnType>>;
	/** Its additive counts, summed when it is rolled up or folded. */
	counts: readonly string[];
	/**
	 * What a view reads of it: `census`, the one period end it shows (a stock, such as the
	 * waiting list; a trend reads every census of its period); `period`, every period of its
	 * range (flows, such as referrals).
	 */
	reads: 'census' | 'period';
	/**
	 * What the dashboard loads of it, when a page reads it: the breakdown columns and counts its
	 * queries use (rows alike in the rest are folded into one as they load). Absent: not loaded.
	 */
	loads?: { breakdown: readonly string[]; counts: readonly string[] };
}

/** The patient attributes the waiting list is published by, one table each (not crossed). */
export const WAITING_LIST_ATTRIBUTES = {
	imd: { column: 'imd_decile', type: 'integer' },
	ethnicity: { column: 'ethnicity', type: 'string' },
	age: { column: 'age_band', type: 'string' },
	sex: { column: 'sex', type: 'string' }
} as const satisfies Record<string, { column: string; type: ColumnType }>;

const SUFFIX = { week: 'weekly', month: 'monthly' } as const;

/** The waiting list at each census by one patient attribute and week band, at a cadence. */
function waitingListBy<A extends keyof typeof WAITING_LIST_ATTRIBUTES, C extends Cadence>(
	attribute: A,
	cadence: C
) {
	const { column, type } = WAITING_LIST_ATTRIBUTES[attribute];
	return {
		name: `waiting_list_by_${attribute}_${SUFFIX[cadence]}` as `waiting_list_by_${A}_${(typeof SUFFIX)[C]}`,
		cadence,
		sql: (range: WeeksParams) => waitingListCensuses({ ...range, cadence, by: column }),
		breakdown: { [column]: type, week_band: 'integer' } as Record<string, ColumnType>,
		counts: ['pathways'],
		reads: 'census' as const,
		loads: { breakdown: [column, 'week_band'], counts: ['pathways'] }
	};
}

export const AGGREGATES = [
	{
		name: 'waiting_list_weekly',
		cadence: 'week',
		sql: (weeks) => waitingListWeekly(weeks),
		breakdown: { week_band: 'integer' },
		counts: ['pathways'],
		reads: 'census',
		loads: { breakdown: ['week_band'], counts: ['pathways'] }
	},
	{
		name: 'clock_flows_weekly',
		cadence: 'week',
		sql: () => clockFlowsWeekly(),
		breakdown: { flow: 'string', stop_reason: 'string' },
		counts: ['pathways'],
		reads: 'period',
		loads: { breakdown: ['flow', 'stop_reason'], counts: ['pathways'] }
	},
	{
		name: 'appointments_weekly',
		cadence: 'week',
		sql: () => appointmentsWeekly(),
		breakdown: { attendance_type: 'string', consultation_medium: 'string', outcome: 'string' },
		counts: ['appointments'],
		reads: 'period',
		loads: { breakdown: ['outcome'], counts: ['appointments'] }
	},
	{
		name: 'stage_flows_weekly',
		cadence: 'week',
		sql: (weeks) => stageFlowsWeekly(weeks),
		breakdown: { stage: 'string' },
		counts: ['arrivals', 'departures', 'queue', 'departed_days'],
		reads: 'period'
	},
	{
		name: 'waiting_list_monthly',
		cadence: 'month',
		sql: (range) => waitingListCensuses({ ...range, cadence: 'month' }),
		breakdown: { week_band: 'integer' },
		counts: ['pathways'],
		reads: 'census',
		loads: { breakdown: ['week_band'], counts: ['pathways'] }
	},
	{
		name: 'clock_flows_monthly',
		cadence: 'month',
		sql: () => clockFlows({ cadence: 'month' }),
		breakdown: { flow: 'string', stop_reason: 'string' },
		counts: ['pathways'],
		reads: 'period',
		loads: { breakdown: ['flow', 'stop_reason'], counts: ['pathways'] }
	},
	...(['week', 'month'] as const).flatMap((cadence) => [
		{
			name: `clock_stop_waits_${SUFFIX[cadence]}` as `clock_stop_waits_${(typeof SUFFIX)[typeof cadence]}`,
			cadence,
			sql: () => clockStopWaits({ cadence }),
			breakdown: { stop_reason: 'string', week_band: 'integer' } as Record<string, ColumnType>,
			counts: ['pathways'],
			reads: 'period' as const,
			loads: { breakdown: ['stop_reason', 'week_band'], counts: ['pathways'] }
		},
		{
			name: `first_appointment_waits_${SUFFIX[cadence]}` as `first_appointment_waits_${(typeof SUFFIX)[typeof cadence]}`,
			cadence,
			sql: () => firstAppointmentWaits({ cadence }),
			breakdown: { week_band: 'integer' } as Record<string, ColumnType>,
			counts: ['pathways'],
			reads: 'period' as const,
			loads: { breakdown: ['week_band'], counts: ['pathways'] }
		},
		waitingListBy('imd', cadence),
		waitingListBy('ethnicity', cadence),
		waitingListBy('age', cadence),
		waitingListBy('sex', cadence),
		{
			// After the waiting list by week band of its cadence, which it is made from.
			name: `waiting_list_totals_${SUFFIX[cadence]}` as `waiting_list_totals_${(typeof SUFFIX)[typeof cadence]}`,
			cadence,
			sql: () => waitingListTotals({ cadence }),
			breakdown: {} as Record<string, ColumnType>,
			counts: ['pathways', 'within_18_weeks', 'over_52_weeks'],
			reads: 'census' as const,
			loads: { breakdown: [], counts: ['pathways', 'within_18_weeks', 'over_52_weeks'] }
		}
	]),
	// The DNAs page (dnas.ts): outcomes at both cadences (the trend's); the breakdowns by month.
	...(['week', 'month'] as const).map((cadence) => ({
		name: `dna_outcomes_${SUFFIX[cadence]}` as `dna_outcomes_${(typeof SUFFIX)[typeof cadence]}`,
		cadence,
		sql: () => dnaOutcomes({ cadence }),
		breakdown: { attendance_type: 'string' } as Record<string, ColumnType>,
		counts: DNA_OUTCOME_COUNTS,
		reads: 'period' as const,
		loads: {
			breakdown: ['attendance_type'],
			counts: [
				'attended',
				'dna',
				'cancelled_by_patient',
				'cancelled_by_provider',
				'provider_short_notice'
			]
		}
	})),
	{
		name: 'dna_drivers_monthly',
		cadence: 'month',
		sql: () => dnaDrivers(),
		breakdown: { driver: 'string', value: 'string' },
		counts: ['attended', 'dna'],
		reads: 'period',
		loads: { breakdown: ['driver', 'value'], counts: ['attended', 'dna'] }
	},
	{
		name: 'dna_segments_monthly',
		cadence: 'month',
		sql: () => dnaSegments(),
		breakdown: { lead_time_band: 'string', age_band: 'string' },
		counts: ['attended', 'dna'],
		reads: 'period',
		loads: { breakdown: ['lead_time_band', 'age_band'], counts: ['attended', 'dna'] }
	},
	{
		name: 'dna_clinics_monthly',
		cadence: 'month',
		sql: () => dnaClinics(),
		breakdown: { clinic_code: 'string' },
		counts: ['attended', 'dna'],
		reads: 'period',
		loads: { breakdown: ['clinic_code'], counts: ['attended', 'dna'] }
	}
] as const satisfies readonly AggregateSpec[];

export type AggregateName = (typeof AGGREGATES)[number]['name'];

/** The aggregates the dashboard loads. */
export type LoadedAggregate = Extract<(typeof AGGREGATES)[number], { loads: object }>['name'];

const BY_NAME = new Map<string, AggregateSpec>(AGGREGATES.map((a) => [a.name, a]));

/** The registry's entry for `name`; throws for a name that is not an aggregate. */
export function aggregateSpec(name: string): AggregateSpec {
	const spec = BY_NAME.get(name);
	if (!spec) throw new RangeError(`no published aggregate is called "${name}"`);
	return spec;
}

/** The aggregates the dashboard can load, in registry order. */
export const LOADED_AGGREGATES = AGGREGATES.filter((a) => 'loads' in a).map(
	(a) => a.name
) as LoadedAggregate[];

/** The type of each filter column, the same in every aggregate. */
export const DIMENSION_TYPES: Readonly<Record<string, ColumnType>> = Object.fromEntries(
	DIMENSION_COLUMNS.map((c) => [c, 'string' as const])
);

/** Every column an aggregate publishes (at the provider level), with its type. */
export function publishedColumns(name: string): Record<string, ColumnType> {
	const { breakdown, counts, cadence } = aggregateSpec(name);
	return {
		[PERIOD_COLUMN[cadence]]: 'date',
		...DIMENSION_TYPES,
		...breakdown,
		...Object.fromEntries(counts.map((c) => [c, 'integer' as const]))
	};
}

/** The columns the dashboard loads of an aggregate (at the provider level), with their types. */
export function loadedColumns(name: LoadedAggregate): Record<string, ColumnType> {
	const spec = aggregateSpec(name);
	const loads = spec.loads!;
	return {
		[PERIOD_COLUMN[spec.cadence]]: 'date',
		...DIMENSION_TYPES,
		...Object.fromEntries(loads.breakdown.map((c) => [c, spec.breakdown[c]])),
		...Object.fromEntries(loads.counts.map((c) => [c, 'integer' as const]))
	};
}

/** The period column of an aggregate: `week_end` or `month_end`. */
export function periodColumnOf(name: string): string {
	return PERIOD_COLUMN[aggregateSpec(name).cadence];
}

/**
 * What a view reads: its cadence, its census (a period end of that cadence) and the period its
 * flows and trends cover (`from` the first day of the first period, `to` the census).
 */
export interface ViewPeriod {
	/** Absent: weekly. */
	cadence?: Cadence;
	asOf: string;
	from: string;
	to: string;
	/**
	 * The period ends a view reads of some aggregates, where they are not those of its cadence
	 * and period (a page that sums months and draws a weekly trend): null, none of it.
	 */
	ranges?: Readonly<Partial<Record<LoadedAggregate, { min: string; max: string } | null>>>;
}

/** Which censuses of its stocks a view reads beyond its census. */
export interface StockReads {
	/** The stocks read at every census of the period (a trend). */
	history?: readonly LoadedAggregate[];
	/** The stocks read at the census before it too (a change since then). */
	previous?: readonly LoadedAggregate[];
}

/**
 * The period ends (in its period column, inclusive) a view reads of an aggregate: for a stock,
 * the census (or, in `reads.previous`, the census before it and the census; in `reads.history`,
 * every census of the period); for a flow, every period of the period. Null for an aggregate of
 * the other cadence: the view reads none of it.
 */
export function periodsToLoad(
	name: LoadedAggregate,
	{ cadence = 'week', asOf, from, to, ranges }: ViewPeriod,
	reads: StockReads = {}
): { min: string; max: string } | null {
	const spec = aggregateSpec(name);
	const explicit = ranges?.[name];
	if (explicit !== undefined) return explicit;
	if (spec.cadence !== cadence) return null;
	if (spec.reads !== 'census' || reads.history?.includes(name)) return { min: from, max: to };
	return {
		min: reads.previous?.includes(name) ? previousPeriodEnd(cadence, asOf) : asOf,
		max: asOf
	};
}
