/**
 * Months as the monthly aggregates count them: calendar months, named by their last day, the
 * census date of NHS England's monthly RTT statistics. A monthly waiting list is a census at
 * that day; a monthly flow counts the days of the month.
 */
import { isIsoDate, sqlDate } from './sql.ts';

const iso = (d: Date) => d.toISOString().slice(0, 10);

function parse(date: string): [number, number, number] {
	if (!isIsoDate(date)) throw new RangeError(`invalid date "${date}": expected YYYY-MM-DD`);
	return date.split('-').map(Number) as [number, number, number];
}

/** The last day of the month that holds `date` (`YYYY-MM-DD`). */
export function monthEnding(date: string): string {
	const [y, m] = parse(date);
	return iso(new Date(Date.UTC(y, m, 0)));
}

/** True when `date` is the last day of its month. */
export function isMonthEnd(date: string): boolean {
	return monthEnding(date) === date;
}

/** The last month end on or before `date`: the census a monthly view uses for that day. */
export function monthEndOnOrBefore(date: string): string {
	const [y, m] = parse(date);
	return isMonthEnd(date) ? date : iso(new Date(Date.UTC(y, m - 1, 0)));
}

/** The month end `months` months after (or, negative, before) the month end `monthEnd`. */
export function addMonths(monthEnd: string, months: number): string {
	const [y, m] = parse(monthEnd);
	return iso(new Date(Date.UTC(y, m + months, 0)));
}

/** The first day of the month that holds `date`. */
export function monthStart(date: string): string {
	return `${date.slice(0, 7)}-01`;
}

/** SQL for the last day of the month of the DATE expression `date`. */
export function monthEndingSql(date: string): string {
	return `last_day(${date})`;
}

/**
 * SQL selecting one row per month end (column `month_end`): the last day of every month from
 * the month of `from` to the last month end on or before `to`.
 */
export function monthEndsSql(from: string, to: string): string {
	return `SELECT last_day(CAST(t.day AS DATE)) AS month_end
FROM generate_series(CAST(${sqlDate(monthStart(from))} AS TIMESTAMP),
                     CAST(${sqlDate(to)} AS TIMESTAMP), INTERVAL 1 MONTH) t(day)
WHERE last_day(CAST(t.day AS DATE)) <= ${sqlDate(to)}`;
}

/** Throws unless `date` is a month's last day: the monthly aggregates hold month-end censuses. */
export function assertMonthEnd(date: string, what: string): void {
	if (!isMonthEnd(date)) {
		throw new RangeError(
			`${what} ${date} is not the last day of a month: the monthly aggregates hold month ends (try ${monthEndOnOrBefore(date)})`
		);
	}
}

/** How many months a monthly view's trend and flows cover by default. */
export const PERIOD_MONTHS = 12;

/** The `months` whole months ending on the month end `asOf`: from the first day of the first. */
export function monthsEnding(asOf: string, months = PERIOD_MONTHS): { from: string; to: string } {
	assertMonthEnd(asOf, 'the census date');
	return { from: monthStart(addMonths(asOf, 1 - months)), to: asOf };
}
