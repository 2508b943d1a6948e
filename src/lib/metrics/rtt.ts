/**
 * RTT waiting-time arithmetic (docs/definitions.md "Waits (RTT)"; NHS England, Recording and Reporting RTT
 * guidance v5.0). Days waited = census date − clock start; the week band is
 * max(0, ceil(days / 7) − 1), so day 126 is band 17 (within 18 weeks) and day 127 is band 18.
 */

/** The top band: 104 weeks and over, counted as one week wide. */
export const TOP_WEEK_BAND = 104;

/** Days waited at the census date, on or before which the clock started. */
export function daysWaitedSql(clockStart: string, censusDate: string): string {
	return `date_diff('day', ${clockStart}, ${censusDate})`;
}

/** The NHS week band of a wait of `days`, capped at {@link TOP_WEEK_BAND}. */
export function weekBandSql(days: string): string {
	return `LEAST(${TOP_WEEK_BAND}, GREATEST(0, CAST(CEIL(${days} / 7.0) AS INTEGER) - 1))`;
}

/** The long-wait thresholds reported nationally (weeks). */
export const LONG_WAIT_WEEKS = [52, 65, 78, 104] as const;

/** The constitutional standard: 92% of the waiting list within 18 weeks. */
export const RTT_STANDARD_PCT = 92;
export const RTT_STANDARD_WEEKS = 18;
