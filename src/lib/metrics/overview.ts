import { activeFilters, type MetricFilters } from './filters.ts';
import { appointmentOutcomes, type AppointmentOutcomesRow } from './appointments.ts';
import { referralsReceived, type ReferralsReceivedRow } from './referrals.ts';
import { waitingListSummary, type WaitingListSummaryRow } from './waiting-list.ts';
import { waitingListSummaryFromWeekly } from './waiting-list-weekly.ts';
import { referralsReceivedFromWeekly } from './clock-flows-weekly.ts';
import { appointmentOutcomesFromWeekly } from './appointments-weekly.ts';
import { aggregateLevel, levelTable } from './levels.ts';

/** Runs one SQL statement and returns its rows as plain objects with JS numbers and strings. */
export type QueryRows = (sql: string) => Promise<Record<string, unknown>[]>;

export interface OverviewParams {
	asOf: string;
	from: string;
	to: string;
	filters?: MetricFilters;
}

/** The headline figures, in the shape the metrics CLI prints (names are a public contract). */
export interface OverviewMetrics {
	asOf: string;
	from: string;
	to: string;
	filters: Record<string, string | string[]>;
	waitingList: {
		total: number;
		within18WeeksPct: number | null;
		over52Weeks: number;
		over65Weeks: number;
		over78Weeks: number;
		over104Weeks: number;
		medianWeeks: number | null;
		p92Weeks: number | null;
	};
	referrals: { received: number };
	appointments: { attended: number; dna: number; dnaRate: number | null };
}

/**
 * Where the overview's figures are worked out from: `facts`, the pathway and appointment tables
 * (any census date and period); `weekly`, the additive weekly aggregates (a census on a week end,
 * a period of whole weeks), at the least detailed level the filters allow (levels.ts), which is
 * what the dashboard reads. Both give the same figures for the
 * same week-aligned view; tests hold them to it.
 */
export type OverviewSource = 'facts' | 'weekly';

/** The SQL behind {@link OverviewMetrics}, one statement per block. */
export function overviewQueries(
	{ asOf, from, to, filters }: OverviewParams,
	source: OverviewSource = 'facts'
) {
	if (source === 'weekly') {
		const level = aggregateLevel(filters);
		return {
			waitingList: waitingListSummaryFromWeekly({
				asOf,
				filters,
				aggregate: levelTable('waiting_list_weekly', level)
			}),
			referrals: referralsReceivedFromWeekly({
				from,
				to,
				filters,
				aggregate: levelTable('clock_flows_weekly', level)
			}),
			appointments: appointmentOutcomesFromWeekly({
				from,
				to,
				filters,
				aggregate: levelTable('appointments_weekly', level)
			})
		};
	}
	return {
		waitingList: waitingListSummary({ asOf, filters }),
		referrals: referralsReceived({ from, to, filters }),
		appointments: appointmentOutcomes({ from, to, filters })
	};
}

function only<T>(rows: Record<string, unknown>[], what: string): T {
	if (rows.length !== 1) throw new Error(`${what} returned ${rows.length} rows, expected 1`);
	return rows[0] as T;
}

/** Runs the overview queries together and shapes their answers. */
export async function overviewMetrics(
	query: QueryRows,
	params: OverviewParams,
	source: OverviewSource = 'facts'
): Promise<OverviewMetrics> {
	const sql = overviewQueries(params, source);
	const [wl, ref, appt] = await Promise.all([
		query(sql.waitingList).then((r) => only<WaitingListSummaryRow>(r, 'waiting list')),
		query(sql.referrals).then((r) => only<ReferralsReceivedRow>(r, 'referrals')),
		query(sql.appointments).then((r) => only<AppointmentOutcomesRow>(r, 'appointments'))
	]);
	return {
		asOf: params.asOf,
		from: params.from,
		to: params.to,
		filters: activeFilters(params.filters),
		waitingList: {
			total: wl.total,
			within18WeeksPct: wl.within_18_weeks_pct,
			over52Weeks: wl.over_52_weeks,
			over65Weeks: wl.over_65_weeks,
			over78Weeks: wl.over_78_weeks,
			over104Weeks: wl.over_104_weeks,
			medianWeeks: wl.median_weeks,
			p92Weeks: wl.p92_weeks
		},
		referrals: { received: ref.received },
		appointments: { attended: appt.attended, dna: appt.dna, dnaRate: appt.dna_rate }
	};
}

/**
 * The figures of a view that nothing can match (a filter value that is not a code: codes.ts),
 * worked out without a query: nobody waiting, referred or seen.
 */
export function emptyOverviewMetrics(params: OverviewParams): OverviewMetrics {
	return {
		asOf: params.asOf,
		from: params.from,
		to: params.to,
		filters: activeFilters(params.filters),
		waitingList: {
			total: 0,
			within18WeeksPct: null,
			over52Weeks: 0,
			over65Weeks: 0,
			over78Weeks: 0,
			over104Weeks: 0,
			medianWeeks: null,
			p92Weeks: null
		},
		referrals: { received: 0 },
		appointments: { attended: 0, dna: 0, dnaRate: null }
	};
}
