/**
 * Each weekly aggregate is published at three levels of detail, so that the rows a view sums do
 * not grow with the number of organisations in the dataset:
 * - `provider`: every dimension (provider × commissioner × specialty × priority), one file per
 *   provider, for any view filtered by provider;
 * - `commissioner`: providers summed away, one file per commissioner, for a view filtered by
 *   commissioner and not by provider;
 * - `national`: providers and commissioners summed away, one file, for every other view.
 * The counts are additive, so each level sums to the same figures as the one above it for the
 * filters it can answer; tests hold them to it. A view of all England then reads as many rows as
 * a view of one ICB, and a view of one provider reads only that provider's file.
 */
import { DIMENSION_COLUMNS, type MetricFilters } from './filters.ts';
import { sqlIdentifier } from './sql.ts';

export type AggregateLevel = 'provider' | 'commissioner' | 'national';

export const AGGREGATE_LEVELS: readonly AggregateLevel[] = ['provider', 'commissioner', 'national'];

/** The filter columns each level keeps. */
export const LEVEL_DIMENSIONS: Record<AggregateLevel, readonly string[]> = {
	provider: DIMENSION_COLUMNS,
	commissioner: DIMENSION_COLUMNS.filter((c) => c !== 'provider_code'),
	national: DIMENSION_COLUMNS.filter((c) => c !== 'provider_code' && c !== 'commissioner_code')
};

const has = (value: MetricFilters[keyof MetricFilters]) =>
	typeof value === 'string' ? value !== '' : Array.isArray(value) && value.some((v) => v !== '');

/** The least detailed level that can answer a view with these filters. */
export function aggregateLevel(filters: MetricFilters = {}): AggregateLevel {
	if (has(filters.provider)) return 'provider';
	if (has(filters.commissioner)) return 'commissioner';
	return 'national';
}

/** The table (and published name) of an aggregate at a level: `waiting_list_weekly_national`. */
export function levelTable(aggregate: string, level: AggregateLevel): string {
	return level === 'provider' ? aggregate : `${aggregate}_${level}`;
}

/** The values a view's filters ask of a level's partition column: those files are all it reads. */
export function partitionValues(level: AggregateLevel, filters: MetricFilters = {}): string[] {
	if (level === 'national') return [];
	const value = filters[level];
	return (typeof value === 'string' ? [value] : [...(value ?? [])]).filter((v) => v !== '');
}

/**
 * The SQL that sums an aggregate (`from`, at the provider level) to a coarser level: the period
 * (`period`, the aggregate's period column: `week_end` by default),
 * the level's filter columns, the aggregate's own breakdown columns, and each count summed.
 * A count that no longer fits a 32-bit integer stops the build (DuckDB refuses the cast) rather
 * than wrapping.
 */
export function rollupSql({
	from,
	level,
	breakdown,
	counts,
	period = 'week_end'
}: {
	from: string;
	level: AggregateLevel;
	breakdown: readonly string[];
	counts: readonly string[];
	period?: string;
}): string {
	const keys = [period, ...LEVEL_DIMENSIONS[level], ...breakdown].join(', ');
	const sums = counts.map((c) => `CAST(SUM(${c}) AS INTEGER) AS ${c}`).join(', ');
	return `SELECT ${keys}, ${sums}
FROM ${sqlIdentifier(from)}
GROUP BY ${keys}`;
}
