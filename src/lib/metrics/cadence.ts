/**
 * The two cadences of the aggregates: weekly (week ends, Sundays: operational) and monthly
 * (month ends: the official census of NHS England's RTT statistics). Each aggregate has one; its
 * period column is named for it, `week_end` or `month_end`.
 */
import {
	addMonths,
	monthEnding,
	monthEndingSql,
	monthEndOnOrBefore,
	monthEndsSql
} from './months.ts';
import { addDays } from './period.ts';
import { weekEnding, weekEndingSql, weekEndOnOrBefore, weekEndsSql } from './weeks.ts';

export type Cadence = 'week' | 'month';

export const CADENCES: readonly Cadence[] = ['week', 'month'];

/** The column naming the period a row counts in. */
export const PERIOD_COLUMN = { week: 'week_end', month: 'month_end' } as const satisfies Record<
	Cadence,
	string
>;

/** SQL for the end of the period (of this cadence) that holds the DATE expression `date`. */
export function periodEndingSql(cadence: Cadence, date: string): string {
	return cadence === 'week' ? weekEndingSql(date) : monthEndingSql(date);
}

/** SQL selecting one row per period end from `from` to `to`, in the cadence's period column. */
export function periodEndsSql(cadence: Cadence, from: string, to: string): string {
	return cadence === 'week' ? weekEndsSql(from, to) : monthEndsSql(from, to);
}

/** The last period end (of this cadence) on or before `date`. */
export function periodEndOnOrBefore(cadence: Cadence, date: string): string {
	return cadence === 'week' ? weekEndOnOrBefore(date) : monthEndOnOrBefore(date);
}

/** The census before `asOf` at this cadence: a week, or a month end, earlier. */
export function previousPeriodEnd(cadence: Cadence, asOf: string): string {
	return cadence === 'week' ? addDays(asOf, -7) : addMonths(asOf, -1);
}

/**
 * How many period ends {@link periodEnds} gives for `from` … `to`, by arithmetic on the dates
 * (no list made): the loader asks this on every change of view.
 */
export function periodCount(cadence: Cadence, from: string, to: string): number {
	const day = (date: string) => Date.parse(`${date}T00:00:00Z`) / 86_400_000;
	if (cadence === 'week') {
		const first = weekEnding(from);
		return first > to ? 0 : Math.floor((day(to) - day(first)) / 7) + 1;
	}
	const first = monthEnding(from);
	if (first > to) return 0;
	const month = (date: string) => Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7));
	const last = monthEndOnOrBefore(to);
	return month(last) - month(first) + 1;
}

/** Every period end (of this cadence) from the one ending the period of `from` to `to`. */
export function periodEnds(cadence: Cadence, from: string, to: string): string[] {
	const ends: string[] = [];
	if (cadence === 'week') for (let d = weekEnding(from); d <= to; d = addDays(d, 7)) ends.push(d);
	else for (let d = monthEnding(from); d <= to; d = addMonths(d, 1)) ends.push(d);
	return ends;
}
