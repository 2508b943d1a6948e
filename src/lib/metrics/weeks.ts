/**
 * Weeks as the weekly aggregates count them: Monday to Sunday, named by the Sunday that ends them
 * (the week-ending date NHS weekly returns use). A weekly waiting list is a census at that Sunday.
 */
import { addDays } from './period.ts';
import { isIsoDate, sqlDate } from './sql.ts';

/**
 * The weeks a weekly aggregate or trend covers: the week ends (Sundays) from the one ending the
 * week of `from` to the last on or before `to`, both `YYYY-MM-DD`.
 */
export interface WeeksParams {
	from: string;
	to: string;
}

/** The Sunday ending the week that holds `date` (`YYYY-MM-DD`); a Sunday is its own week end. */
export function weekEnding(date: string): string {
	if (!isIsoDate(date)) throw new RangeError(`invalid date "${date}": expected YYYY-MM-DD`);
	const weekday = new Date(`${date}T00:00:00Z`).getUTCDay(); // 0 is Sunday
	return addDays(date, (7 - weekday) % 7);
}

/** True when `date` is a Sunday, so it ends a week. */
export function isWeekEnd(date: string): boolean {
	return weekEnding(date) === date;
}

/** SQL for the Sunday ending the week of the DATE expression `date`. */
export function weekEndingSql(date: string): string {
	return `CAST(CAST(date_trunc('week', ${date}) AS DATE) + 6 AS DATE)`;
}

/**
 * SQL selecting one row per week end (column `week_end`): every Sunday from the one ending the
 * week of `from` to the last Sunday on or before `to`.
 */
export function weekEndsSql(from: string, to: string): string {
	return `SELECT CAST(t.day AS DATE) AS week_end
FROM generate_series(CAST(${sqlDate(weekEnding(from))} AS TIMESTAMP),
                     CAST(${sqlDate(to)} AS TIMESTAMP), INTERVAL 7 DAY) t(day)`;
}

/** Throws unless `date` is a Sunday: the weekly aggregates hold week-end censuses only. */
export function assertWeekEnd(date: string, what: string): void {
	if (!isWeekEnd(date)) {
		throw new RangeError(
			`${what} ${date} is not a Sunday: the weekly aggregates hold weeks ending on Sundays (try ${weekEnding(date)})`
		);
	}
}

/** Throws unless `from` is a Monday and `to` a Sunday: the weekly aggregates hold whole weeks. */
export function assertWholeWeeks(from: string, to: string): void {
	assertWeekEnd(to, 'the period end');
	if (!isWeekEnd(addDays(from, -1))) {
		throw new RangeError(
			`the period start ${from} is not a Monday: the weekly aggregates hold whole weeks, Monday to Sunday`
		);
	}
}

/** The last week end (Sunday) on or before `date`: the census a weekly view uses for that day. */
export function weekEndOnOrBefore(date: string): string {
	const end = weekEnding(date);
	return end === date ? date : addDays(end, -7);
}

/** How many weeks a weekly view's flows (referrals, appointments) cover by default. */
export const PERIOD_WEEKS = 52;

/**
 * The default reporting period of a weekly view: the 52 whole weeks (364 days, Monday to Sunday)
 * ending on the census week end `asOf`.
 */
export function weeksEnding(asOf: string, weeks = PERIOD_WEEKS): WeeksParams {
	assertWeekEnd(asOf, 'the census date');
	return { from: addDays(asOf, 1 - 7 * weeks), to: asOf };
}
