import { filterConditions, type MetricFilters } from './filters.ts';
import { sqlDate, sqlIdentifier, whereAll } from './sql.ts';

export interface PeriodParams {
	/** First day of the period, inclusive, `YYYY-MM-DD`. */
	from: string;
	/** Last day of the period, inclusive, `YYYY-MM-DD`. */
	to: string;
	filters?: MetricFilters;
}

export interface ReferralsReceivedRow {
	received: number;
}

/**
 * Referrals received in the period: every `referral_received`, RTT or not, dated by the day it was
 * received (docs/definitions.md "Referrals received"). The pathway table holds one row per referral.
 */
export function referralsReceived({
	from,
	to,
	filters,
	pathways = 'pathways'
}: PeriodParams & { pathways?: string }): string {
	return `SELECT CAST(COUNT(*) AS DOUBLE) AS received
FROM ${sqlIdentifier(pathways)}
${whereAll([`referral_date BETWEEN ${sqlDate(from)} AND ${sqlDate(to)}`, ...filterConditions(filters)])}`;
}
