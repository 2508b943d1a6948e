/**
 * The weekly aggregates: additive counts by week × provider × commissioner × specialty × priority,
 * made by the same SQL builders the dashboard and the metrics CLI use (src/lib/metrics), from the
 * modelled tables. The browser rolls them up under any filter by summing over the dimensions not
 * filtered, without reading a single pathway.
 */
import type { Db } from '../lib/duckdb.ts';
import {
	appointmentsWeekly,
	clockFlowsWeekly,
	DIMENSION_COLUMNS,
	stageFlowsWeekly,
	waitingListWeekly,
	type WeeksParams
} from '../../src/lib/metrics/index.ts';

const DIMS = DIMENSION_COLUMNS.join(', ');

/** An aggregate table: its name, the SQL that makes it, and the order its rows are published in. */
export interface Aggregate {
	name: string;
	sql: (weeks: WeeksParams) => string;
	/**
	 * The week first, so that a week's rows sit together in a row group or two and a reader that
	 * wants a census or a period fetches only those row groups (by their min and max week_end);
	 * then the filter columns; then a key unique within the table, so re-runs write the same bytes.
	 */
	orderBy: string;
}

export const AGGREGATES: readonly Aggregate[] = [
	{
		name: 'waiting_list_weekly',
		sql: (weeks) => waitingListWeekly(weeks),
		orderBy: `week_end, ${DIMS}, week_band`
	},
	{
		name: 'clock_flows_weekly',
		sql: () => clockFlowsWeekly(),
		orderBy: `week_end, ${DIMS}, flow, stop_reason`
	},
	{
		name: 'appointments_weekly',
		sql: () => appointmentsWeekly(),
		orderBy: `week_end, ${DIMS}, attendance_type, consultation_medium, outcome`
	},
	{
		name: 'stage_flows_weekly',
		sql: (weeks) => stageFlowsWeekly(weeks),
		orderBy: `week_end, ${DIMS}, stage`
	}
];

/**
 * Builds every aggregate as a table of the same name. The weekly censuses run from the week of
 * the first referral to the last Sunday on or before the extract date.
 */
export async function buildAggregates(
	db: Db,
	extractDate: string,
	/** Told as each aggregate is built. */
	lap: (name: string) => void = () => {}
): Promise<void> {
	const [{ first }] = await db.all(
		`SELECT strftime(MIN(referral_date), '%Y-%m-%d') AS first FROM pathways`
	);
	const weeks = { from: (first as string | null) ?? extractDate, to: extractDate };
	for (const { name, sql } of AGGREGATES) {
		await db.run(`CREATE OR REPLACE TABLE ${name} AS\n${sql(weeks)}`);
		lap(name);
	}
}
