import { isIsoDate } from './sql.ts';

function parts(date: string): [number, number, number] {
	if (!isIsoDate(date)) throw new RangeError(`invalid date "${date}": expected YYYY-MM-DD`);
	const [y, m, d] = date.split('-').map(Number);
	return [y, m, d];
}

function iso(utc: Date): string {
	return utc.toISOString().slice(0, 10);
}

/** `date` plus `days` (negative to go back), calendar arithmetic. */
export function addDays(date: string, days: number): string {
	const [y, m, d] = parts(date);
	return iso(new Date(Date.UTC(y, m - 1, d + days)));
}

/**
 * The default reporting period: the year ending on the census date, inclusive at both ends
 * (as-of − 1 year + 1 day … as-of; 29 February steps back to 28 February first, as SQL does).
 */
export function yearEnding(asOf: string): { from: string; to: string } {
	const [y, m, d] = parts(asOf);
	const lastYearDay = Math.min(d, new Date(Date.UTC(y - 1, m, 0)).getUTCDate());
	const yearBefore = iso(new Date(Date.UTC(y - 1, m - 1, lastYearDay)));
	return { from: addDays(yearBefore, 1), to: asOf };
}
