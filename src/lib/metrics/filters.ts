import { sqlIdentifier, sqlString } from './sql.ts';

/** The dimensions every metric can be filtered by; a value list means "any of these". */
export interface MetricFilters {
	provider?: string | readonly string[];
	commissioner?: string | readonly string[];
	specialty?: string | readonly string[];
	priority?: string | readonly string[];
}

export type FilterKey = keyof MetricFilters;

export const FILTER_KEYS: readonly FilterKey[] = [
	'provider',
	'commissioner',
	'specialty',
	'priority'
];

/** The column each filter applies to, in `pathways`, `appointments` and the aggregates. */
export const FILTER_COLUMNS: Record<FilterKey, string> = {
	provider: 'provider_code',
	commissioner: 'commissioner_code',
	specialty: 'specialty_code',
	priority: 'priority'
};

function values(value: MetricFilters[FilterKey]): string[] {
	if (value === undefined) return [];
	return (typeof value === 'string' ? [value] : [...value]).filter((v) => v !== '');
}

/** SQL conditions for the filters that are set, one per dimension. */
export function filterConditions(filters: MetricFilters = {}, alias?: string): string[] {
	const prefix = alias ? `${sqlIdentifier(alias)}.` : '';
	return FILTER_KEYS.flatMap((key) => {
		const list = values(filters[key]);
		if (list.length === 0) return [];
		const column = `${prefix}${FILTER_COLUMNS[key]}`;
		return list.length === 1
			? [`${column} = ${sqlString(list[0])}`]
			: [`${column} IN (${list.map(sqlString).join(', ')})`];
	});
}

/** The filters that are set, as plain JSON (single values stay strings). */
export function activeFilters(filters: MetricFilters = {}): Record<string, string | string[]> {
	const out: Record<string, string | string[]> = {};
	for (const key of FILTER_KEYS) {
		const list = values(filters[key]);
		if (list.length) out[key] = list.length === 1 ? list[0] : list;
	}
	return out;
}

/** The filter columns in their fixed order: the dimensions every weekly aggregate is kept by. */
export const DIMENSION_COLUMNS: readonly string[] = FILTER_KEYS.map((key) => FILTER_COLUMNS[key]);
