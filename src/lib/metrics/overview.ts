import { activeFilters, type MetricFilters } from './filters.ts';
import { appointmentOutcomes, type AppointmentOutcomesRow } from './appointments.ts';
import { referralsReceived, type ReferralsReceivedRow } from './referrals.ts';
import { waitingListSummary, type WaitingListSummaryRow } from './waiting-list.ts';

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

/** The SQL behind {@link OverviewMetrics}, one statement per block. */
export function overviewQueries({ asOf, from, to, filters }: OverviewParams) {
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
	params: OverviewParams
): Promise<OverviewMetrics> {
	const sql = overviewQueries(params);
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
