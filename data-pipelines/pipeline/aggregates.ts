/**
 * The weekly aggregates: additive counts by week × provider × commissioner × specialty × priority,
 * made by the same SQL builders the dashboard and the metrics CLI use (src/lib/metrics), from the
 * modelled tables. The browser rolls them up under any filter by summing over the dimensions not
 * filtered, without reading a single pathway.
 */
import type { Db } from '../lib/duckdb.ts';
import {
	AGGREGATE_LEVELS,
	AGGREGATES,
	LEVEL_DIMENSIONS,
	levelTable,
	PERIOD_COLUMN,
	rollupSql,
	type AggregateLevel,
	type AggregateSpec
} from '../../src/lib/metrics/index.ts';

/** An aggregate: its entry in the registry (src/lib/metrics/aggregates.ts). */
export type Aggregate = AggregateSpec;

export { AGGREGATES };

/** An aggregate's own breakdown columns, in order. */
export const breakdownOf = (aggregate: Aggregate): string[] => Object.keys(aggregate.breakdown);

/**
 * The order an aggregate's rows are published in at a level: the period first, so that a
 * period's rows sit together in a row group or two and a reader that wants a census or a period
 * fetches only those row groups (by their min and max `week_end` or `month_end`); then the level's filter columns and the
 * breakdown, a key unique within the table, so re-runs write the same bytes.
 */
export function aggregateOrder(aggregate: Aggregate, level: AggregateLevel): string {
	return [
		PERIOD_COLUMN[aggregate.cadence],
		...LEVEL_DIMENSIONS[level],
		...breakdownOf(aggregate)
	].join(', ');
}

/**
 * Builds every aggregate as a table of the same name, at the provider level, and its roll-ups to
 * the commissioner and national levels (levels.ts) as `NAME_commissioner` and `NAME_national`.
 * The censuses run from the week (or month) of the first referral to the last Sunday (or month
 * end) on or before the extract date.
 */
export async function buildAggregates(
	db: Db,
	extractDate: string,
	/** Told as each aggregate is built. */
	lap: (name: string) => void = () => {}
): Promise<void> {
	const [{ first }] = await db.all(
		`SELECT strftime(MIN(referral_date), '%Y-%m-%d') AS first FROM pathways`
	);
	const weeks = { from: (first as string | null) ?? extractDate, to: extractDate };
	for (const aggregate of AGGREGATES) {
		await db.run(`CREATE OR REPLACE TABLE ${aggregate.name} AS\n${aggregate.sql(weeks)}`);
		await buildRollups(db, aggregate);
		lap(aggregate.name);
	}
}

/** The tables that roll an aggregate up to the commissioner and national levels, with their SQL. */
export function rollupsOf(
	aggregate: Aggregate
): { level: AggregateLevel; table: string; sql: string }[] {
	const { name, counts, cadence } = aggregate;
	return AGGREGATE_LEVELS.filter((l) => l !== 'provider').map((level) => ({
		level,
		table: levelTable(name, level),
		sql: rollupSql({
			from: name,
			level,
			breakdown: breakdownOf(aggregate),
			counts,
			period: PERIOD_COLUMN[cadence]
		})
	}));
}

/**
 * Makes the coarser levels of the aggregates given (all of them by default) from their
 * provider-level tables, which must exist: the pipeline, `npm run merge` and the bench's England
 * all make them this way.
 */
export async function buildRollups(db: Db, ...aggregates: readonly Aggregate[]): Promise<void> {
	for (const aggregate of aggregates.length ? aggregates : (AGGREGATES as readonly Aggregate[])) {
		for (const { table, sql } of rollupsOf(aggregate)) {
			await db.run(`CREATE OR REPLACE TABLE ${table} AS\n${sql}`);
		}
	}
}
