/**
 * Long waiters: one provider's pathways on the waiting list at a census that have waited more
 * than a chosen number of weeks, one row each, for the people who book and validate them
 * (docs/definitions.md "Long waiters"). Worked out from the event-level tables, the same SQL on
 * native DuckDB (npm run metrics -- --long-waiters) and in the browser:
 *
 * - `pathways`: `pathway_id, provider_code, commissioner_code, specialty_code, priority,
 *   clock_start, clock_stop`;
 * - `stage_intervals`: `pathway_id, stage, entered_date, left_date`;
 * - `appointments`: `pathway_id, attendance_type, booked_at, appointment_date, cancelled_at`
 *   (timestamps or their dates: only their dates are read);
 * - `pathway_reviews`: `pathway_id, review, review_date, clinical_priority`.
 *
 * Every figure is as it stood at the end of the census day: the stage the pathway was in, its
 * next appointment booked by then and not cancelled by then, its last validation and the last
 * clinical priority recorded on or before it. The only identifier is the pathway's pseudonym.
 */
import { filterConditions, type MetricFilters } from './filters.ts';
import { sqlDate, sqlString, whereAll } from './sql.ts';
import type { QueryRows } from './overview.ts';
import { LONG_WAIT_WEEKS, daysWaitedSql } from './rtt.ts';

/** The choices of "waited more than" offered; any whole number from 1 to 104 can be asked for. */
export const LONG_WAITER_CHOICES = [18, 26, 40, 46, 52, 65, 78, 104] as const;

/** The default: pathways over 52 weeks, the national long-wait measure boards are asked about. */
export const DEFAULT_LONG_WAIT_WEEKS = 52;

/** A validation more than this many weeks before the census is overdue (the 12-week cadence). */
export const VALIDATION_DUE_WEEKS = 12;

/** The columns each event-level table must offer for these queries. */
export const LONG_WAITER_COLUMNS = {
	pathways: {
		pathway_id: 'string',
		provider_code: 'string',
		commissioner_code: 'string',
		specialty_code: 'string',
		priority: 'string',
		clock_start: 'date',
		clock_stop: 'date'
	},
	stage_intervals: {
		pathway_id: 'string',
		provider_code: 'string',
		stage: 'string',
		entered_date: 'date',
		left_date: 'date'
	},
	appointments: {
		pathway_id: 'string',
		provider_code: 'string',
		attendance_type: 'string',
		booked_at: 'date',
		appointment_date: 'date',
		cancelled_at: 'date'
	},
	pathway_reviews: {
		pathway_id: 'string',
		provider_code: 'string',
		review: 'string',
		review_date: 'date',
		clinical_priority: 'string'
	}
} as const satisfies Record<string, Record<string, 'string' | 'date'>>;

export type LongWaiterTable = keyof typeof LONG_WAITER_COLUMNS;

export const LONG_WAITER_TABLES = Object.keys(LONG_WAITER_COLUMNS) as LongWaiterTable[];

/** One pathway on the list. Dates are `YYYY-MM-DD`; null where there is none. */
export interface LongWaiter {
	/** The pathway's pseudonym, as published: the provider can match it with its own key. */
	pathwayRef: string;
	commissioner: string | null;
	specialty: string | null;
	priority: string | null;
	/** P1a–P6, the last recorded on or before the census (decision to admit or validation). */
	clinicalPriority: string | null;
	/** The stage the pathway was in at the end of the census day (stage_intervals.sql). */
	stage: string | null;
	clockStart: string;
	daysWaited: number;
	/** Completed weeks: the week band (definitions "Days waited and week bands"). */
	weeksWaited: number;
	/** The next of 52, 65, 78 and 104 weeks it has not passed; null past 104. */
	nextThreshold: number | null;
	/** The day it passes that threshold (its days waited reach 7 × T + 1). */
	breachDate: string | null;
	/** Whole weeks from the census to that day, rounded up (0 never: it has not passed it). */
	weeksToNext: number | null;
	/** The earliest appointment booked by the census, for a day after it, not cancelled by then. */
	nextAppointment: string | null;
	/** `first` or `follow_up`, of that appointment. */
	nextAppointmentType: string | null;
	/** The last `pathway_validated` on or before the census. */
	lastValidated: string | null;
}

export interface LongWaitersParams {
	asOf: string;
	/** Waited more than this many weeks: week band ≥ weeks. */
	weeks: number;
	/** Must name one provider; the other filters narrow the list. */
	filters: MetricFilters;
}

/** True when `weeks` is a whole number of weeks the list can be asked for (1 to 104). */
export function isLongWaitWeeks(weeks: number): boolean {
	return Number.isInteger(weeks) && weeks >= 1 && weeks <= 104;
}

/** The one provider a view names, or null (none, or several). */
export function singleProvider(filters: MetricFilters): string | null {
	const p = filters.provider;
	if (typeof p === 'string') return p || null;
	return p && p.length === 1 ? p[0] : null;
}

/** The SQL: one row per long waiter, longest first, then by clock start and pseudonym. */
export function longWaitersSql({ asOf, weeks, filters }: LongWaitersParams): string {
	if (!isLongWaitWeeks(weeks)) throw new RangeError(`weeks must be a whole number from 1 to 104`);
	const provider = singleProvider(filters);
	if (!provider) throw new RangeError('the long-waiters list is for one provider: choose one');
	const d = sqlDate(asOf);
	const thresholds = LONG_WAIT_WEEKS.join(', ');
	return `WITH waiting AS (
  SELECT pathway_id, commissioner_code, specialty_code, priority, clock_start,
         CAST(${daysWaitedSql('clock_start', d)} AS INTEGER) AS days_waited
  FROM pathways
  ${whereAll([
		`provider_code = ${sqlString(provider)}`,
		...filterConditions({ ...filters, provider: undefined }),
		`clock_start <= ${d}`,
		`clock_stop IS NULL OR clock_stop > ${d}`
	])}
),
banded AS (
  -- The week band's rule (rtt.ts weekBandSql), not capped at 104 as the bands are.
  SELECT *, GREATEST(0, CAST(ceil(days_waited / 7.0) AS INTEGER) - 1) AS weeks_waited
  FROM waiting
),
long_waiting AS (
  SELECT * FROM banded WHERE weeks_waited >= ${weeks}
),
stage_at AS (
  SELECT s.pathway_id, arg_max(s.stage, s.entered_date) AS stage
  FROM stage_intervals s SEMI JOIN long_waiting l ON l.pathway_id = s.pathway_id
  WHERE s.entered_date <= ${d} AND (s.left_date IS NULL OR s.left_date > ${d})
  GROUP BY s.pathway_id
),
booked AS (
  SELECT a.pathway_id,
         min(CAST(a.appointment_date AS DATE)) AS next_appointment,
         arg_min(a.attendance_type, CAST(a.appointment_date AS DATE)) AS next_appointment_type
  FROM appointments a SEMI JOIN long_waiting l ON l.pathway_id = a.pathway_id
  WHERE CAST(a.booked_at AS DATE) <= ${d}
    AND CAST(a.appointment_date AS DATE) > ${d}
    AND (a.cancelled_at IS NULL OR CAST(a.cancelled_at AS DATE) > ${d})
  GROUP BY a.pathway_id
),
reviewed AS (
  SELECT r.pathway_id,
         max(CASE WHEN r.review = 'pathway_validated' THEN r.review_date END) AS last_validated,
         max(r.review_date) FILTER (WHERE r.clinical_priority IS NOT NULL) AS priority_date
  FROM pathway_reviews r SEMI JOIN long_waiting l ON l.pathway_id = r.pathway_id
  WHERE r.review_date <= ${d}
  GROUP BY r.pathway_id
),
clinical AS (
  -- The clinical priority of the last review that recorded one; of two that day, the more urgent.
  SELECT r.pathway_id, min(r.clinical_priority) AS clinical_priority
  FROM pathway_reviews r JOIN reviewed v
    ON v.pathway_id = r.pathway_id AND r.review_date = v.priority_date
  WHERE r.clinical_priority IS NOT NULL
  GROUP BY r.pathway_id
),
thresholds AS (
  SELECT l.pathway_id, min(t.weeks) AS next_threshold
  FROM long_waiting l, (SELECT unnest([${thresholds}]) AS weeks) t
  WHERE l.weeks_waited < t.weeks
  GROUP BY l.pathway_id
)
SELECT
  l.pathway_id AS "pathwayRef",
  l.commissioner_code AS commissioner,
  l.specialty_code AS specialty,
  l.priority,
  c.clinical_priority AS "clinicalPriority",
  s.stage,
  strftime(l.clock_start, '%Y-%m-%d') AS "clockStart",
  l.days_waited AS "daysWaited",
  l.weeks_waited AS "weeksWaited",
  t.next_threshold AS "nextThreshold",
  strftime(l.clock_start + CAST(7 * t.next_threshold + 1 AS INTEGER), '%Y-%m-%d') AS "breachDate",
  CAST(ceil((7 * t.next_threshold + 1 - l.days_waited) / 7.0) AS INTEGER) AS "weeksToNext",
  strftime(b.next_appointment, '%Y-%m-%d') AS "nextAppointment",
  b.next_appointment_type AS "nextAppointmentType",
  strftime(v.last_validated, '%Y-%m-%d') AS "lastValidated"
FROM long_waiting l
LEFT JOIN stage_at s ON s.pathway_id = l.pathway_id
LEFT JOIN booked b ON b.pathway_id = l.pathway_id
LEFT JOIN reviewed v ON v.pathway_id = l.pathway_id
LEFT JOIN clinical c ON c.pathway_id = l.pathway_id
LEFT JOIN thresholds t ON t.pathway_id = l.pathway_id
ORDER BY l.weeks_waited DESC, l.clock_start, l.pathway_id`;
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const str = (v: unknown) => (v === null || v === undefined ? null : String(v));

/** The long waiters at a census. */
export async function longWaiters(
	query: QueryRows,
	params: LongWaitersParams
): Promise<LongWaiter[]> {
	const rows = await query(longWaitersSql(params));
	return rows.map((r) => ({
		pathwayRef: String(r.pathwayRef),
		commissioner: str(r.commissioner),
		specialty: str(r.specialty),
		priority: str(r.priority),
		clinicalPriority: str(r.clinicalPriority),
		stage: str(r.stage),
		clockStart: String(r.clockStart),
		daysWaited: Number(r.daysWaited),
		weeksWaited: Number(r.weeksWaited),
		nextThreshold: num(r.nextThreshold),
		breachDate: str(r.breachDate),
		weeksToNext: num(r.weeksToNext),
		nextAppointment: str(r.nextAppointment),
		nextAppointmentType: str(r.nextAppointmentType),
		lastValidated: str(r.lastValidated)
	}));
}

/** What a list says in a sentence or two: the counts a manager acts on. */
export interface LongWaitersSummary {
	total: number;
	/** With no appointment booked for after the census. */
	notBooked: number;
	/** Never validated, or not in the {@link VALIDATION_DUE_WEEKS} weeks to the census. */
	validationDue: number;
	/** Passing their next threshold within 4 weeks of the census. */
	breachingSoon: number;
	/** With no clinical priority recorded. */
	noClinicalPriority: number;
}

/** The days from `from` to `to` (`YYYY-MM-DD`). */
function daysBetween(from: string, to: string): number {
	return (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;
}

/** The summary of a list at a census. */
export function summariseLongWaiters(
	rows: readonly LongWaiter[],
	asOf: string
): LongWaitersSummary {
	return {
		total: rows.length,
		notBooked: rows.filter((r) => r.nextAppointment === null).length,
		validationDue: rows.filter(
			(r) =>
				r.lastValidated === null || daysBetween(r.lastValidated, asOf) > 7 * VALIDATION_DUE_WEEKS
		).length,
		breachingSoon: rows.filter((r) => r.weeksToNext !== null && r.weeksToNext <= 4).length,
		noClinicalPriority: rows.filter((r) => r.clinicalPriority === null).length
	};
}
