import { FILTER_COLUMNS, type FilterKey } from './filters.ts';
import { sqlIdentifier } from './sql.ts';

/** The values a filter can take: every code present in the pathway table, in order. */
export function dimensionValues(key: FilterKey, pathways = 'pathways'): string {
	const column = FILTER_COLUMNS[key];
	return `SELECT DISTINCT ${column} AS value
FROM ${sqlIdentifier(pathways)}
WHERE ${column} IS NOT NULL
ORDER BY value`;
}
