/**
 * The one registry of published aggregates. Each is additive counts by week end × provider ×
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
import { clockFlowsWeekly } from './clock-flows-weekly.ts';
import { stageFlowsWeekly } from './stage-flows-weekly.ts';
import { waitingListWeekly } from './waiting-list-weekly.ts';
import type { WeeksParams } from './weeks.ts';

/** A column's type as published and as loaded into the browser's engine. */
export type ColumnType = 'string' | 'date' | 'boolean' | 'integer';

export interface AggregateSpec {
	name: string;
	/** The SQL that makes it, at the provider level, for the week ends in `weeks`. */
	sql: (weeks: WeeksParams) => string;
	/** Its own breakdown columns (after the week and the filter columns) and their types. */
	breakdown: Readonly<Record<string, ColumnType>>;
	/** Its additive counts, summed when it is rolled up or folded. */
	counts: readonly string[];
	/**
	 * What a view reads of it: `census`, the one week end it shows (a stock, such as the waiting
	 * list); `period`, every week of its period (flows, such as referrals).
	 */
	reads: 'census' | 'period';
	/**
	 * What the dashboard loads of it, when a page reads it: the breakdown columns and counts its
	 * queries use (rows alike in the rest are folded into one as they load). Absent: not loaded.
	 */
	loads?: { breakdown: readonly string[]; counts: readonly string[] };
}

export const AGGREGATES = [
	{
		name: 'waiting_list_weekly',
		sql: (weeks) => waitingListWeekly(weeks),
		breakdown: { week_band: 'integer' },
		counts: ['pathways'],
		reads: 'census',
		loads: { breakdown: ['week_band'], counts: ['pathways'] }
	},
	{
		name: 'clock_flows_weekly',
		sql: () => clockFlowsWeekly(),
		breakdown: { flow: 'string', stop_reason: 'string' },
		counts: ['pathways'],
		reads: 'period',
		loads: { breakdown: ['flow'], counts: ['pathways'] }
	},
	{
		name: 'appointments_weekly',
		sql: () => appointmentsWeekly(),
		breakdown: { attendance_type: 'string', consultation_medium: 'string', outcome: 'string' },
		counts: ['appointments'],
		reads: 'period',
		loads: { breakdown: ['outcome'], counts: ['appointments'] }
	},
	{
		name: 'stage_flows_weekly',
		sql: (weeks) => stageFlowsWeekly(weeks),
		breakdown: { stage: 'string' },
		counts: ['arrivals', 'departures', 'queue', 'departed_days'],
		reads: 'period'
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
	const { breakdown, counts } = aggregateSpec(name);
	return {
		week_end: 'date',
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
		week_end: 'date',
		...DIMENSION_TYPES,
		...Object.fromEntries(loads.breakdown.map((c) => [c, spec.breakdown[c]])),
		...Object.fromEntries(loads.counts.map((c) => [c, 'integer' as const]))
	};
}

/** The week ends (`week_end`, inclusive) a view of this census and period reads of an aggregate. */
export function weeksToLoad(
	name: string,
	{ asOf, from, to }: { asOf: string; from: string; to: string }
): { min: string; max: string } {
	return aggregateSpec(name).reads === 'census' ? { min: asOf, max: asOf } : { min: from, max: to };
}
