/**
 * Did-not-attend (DNA) measures (docs/definitions.md "DNAs"): the aggregates the pipeline
 * publishes from the appointment table, and the SQL that sums them for a view. Every figure is
 * additive counts of appointments by the period the slot falls in, so the page, the metrics CLI
 * and the tests roll them up the same way.
 *
 * - `dna_outcomes_weekly` / `_monthly`: appointments by outcome (a count column each), first or
 *   follow-up; provider cancellations at short notice counted apart.
 * - `dna_drivers_monthly`: attended and DNAs by one driver at a time (`driver`, `value`): age
 *   band, sex, IMD decile, ethnicity, first or follow-up, medium, booking lead-time band, the
 *   slot's weekday and hour, and the patient's earlier DNAs at the provider.
 * - `dna_segments_monthly`: attended and DNAs by lead-time band × age band (× specialty, a filter
 *   column), for the segments where a reminder or rebooking policy would win back most slots.
 * - `dna_clinics_monthly`: attended and DNAs by clinic, for one provider's clinics.
 */
import { PERIOD_COLUMN, periodEndingSql, type Cadence } from './cadence.ts';
import { DIMENSION_COLUMNS, filterConditions, type MetricFilters } from './filters.ts';
import { sqlDate, sqlIdentifier, whereAll } from './sql.ts';

/** Booking lead-time bands in days (docs/definitions.md "DNAs"). */
export const LEAD_TIME_BANDS = ['0-7', '8-14', '15-28', '29-56', '57+'] as const;

/** A provider cancellation is at short notice when made fewer than this many days before the slot. */
export const SHORT_NOTICE_DAYS = 7;

/** Earlier DNAs at the same provider in the 365 days before the slot, as published. */
export const EARLIER_DNA_VALUES = ['0', '1', '2', '3+'] as const;

/**
 * Default prices of an outpatient attendance, in pounds, for the cost of slots lost to DNAs:
 * illustrative round figures of the order of the unit costs of consultant-led outpatient
 * attendances in NHS England's National Cost Collection (a first costs more than a follow-up),
 * not a tariff: a trust or ICB sets its own (the page's settings, the CLI's
 * `--price-first` and `--price-follow-up`).
 */
export const DEFAULT_PRICES = { first: 200, followUp: 120 } as const;
export const PRICE_SOURCE =
	"illustrative round figures of the order of NHS England's National Cost Collection unit costs for consultant-led outpatient attendances (a first costs more than a follow-up): set your own local prices";

/** SQL for the lead-time band of a number of days (null when the booking date is unknown). */
export function leadTimeBandSql(days: string): string {
	return `CASE WHEN ${days} IS NULL THEN NULL
    WHEN ${days} <= 7 THEN '0-7' WHEN ${days} <= 14 THEN '8-14' WHEN ${days} <= 28 THEN '15-28'
    WHEN ${days} <= 56 THEN '29-56' ELSE '57+' END`;
}

/** The drivers of `dna_drivers_monthly` and the SQL for each one's value of an appointment. */
export const DNA_DRIVERS = {
	age: 'age_band',
	sex: 'sex',
	imd: 'CAST(imd_decile AS VARCHAR)',
	ethnicity: 'ethnicity',
	attendance: 'attendance_type',
	medium: 'consultation_medium',
	lead_time: leadTimeBandSql('lead_time_days'),
	// ISO weekday (1 Monday … 7 Sunday) and the hour of the slot: `2-09` is a Tuesday, 09:00–09:59.
	slot: `CAST(isodow(appointment_time) AS VARCHAR) || '-' || lpad(CAST(hour(appointment_time) AS VARCHAR), 2, '0')`,
	earlier_dnas: `CASE WHEN earlier_dnas >= 3 THEN '3+' ELSE CAST(earlier_dnas AS VARCHAR) END`
} as const;

export type DnaDriver = keyof typeof DNA_DRIVERS;

/** The outcome counts of `dna_outcomes_*`, each an appointment outcome but the short-notice one. */
export const DNA_OUTCOME_COUNTS = [
	'attended',
	'dna',
	'cancelled_by_patient',
	'cancelled_by_provider',
	'provider_short_notice',
	'cancelled_unknown',
	'booked',
	'not_recorded'
] as const;

const countWhere = (condition: string, name: string) =>
	`CAST(COUNT(*) FILTER (WHERE ${condition}) AS INTEGER) AS ${name}`;

/**
 * The outcome counts of appointments by `period` (a SQL expression named `column`), the filter
 * columns and first or follow-up. The aggregate groups by the slot's period end; the metrics
 * CLI's event-level figures group by the slot's day, and sum both with the same SQL.
 */
export function dnaOutcomeCounts({
	period,
	column,
	appointments = 'appointments'
}: {
	period: string;
	column: string;
	appointments?: string;
}): string {
	const keys = [period, ...DIMENSION_COLUMNS, 'attendance_type'];
	return `SELECT ${period} AS ${sqlIdentifier(column)}, ${DIMENSION_COLUMNS.join(', ')}, attendance_type,
  ${countWhere(`outcome = 'attended'`, 'attended')},
  ${countWhere(`outcome = 'dna'`, 'dna')},
  ${countWhere(`outcome = 'cancelled_by_patient'`, 'cancelled_by_patient')},
  ${countWhere(`outcome = 'cancelled_by_provider'`, 'cancelled_by_provider')},
  ${countWhere(
		`outcome = 'cancelled_by_provider' AND date_diff('day', CAST(cancelled_at AS DATE), appointment_date) < ${SHORT_NOTICE_DAYS}`,
		'provider_short_notice'
	)},
  ${countWhere(`outcome = 'cancelled_by_unknown'`, 'cancelled_unknown')},
  ${countWhere(`outcome = 'booked'`, 'booked')},
  ${countWhere(`outcome = 'not_recorded'`, 'not_recorded')}
FROM ${sqlIdentifier(appointments)}
GROUP BY ${keys.join(', ')}`;
}

/** `dna_outcomes_weekly` or `_monthly`: {@link dnaOutcomeCounts} by the slot's period end. */
export function dnaOutcomes({
	cadence,
	appointments = 'appointments'
}: {
	cadence: Cadence;
	appointments?: string;
}): string {
	return dnaOutcomeCounts({
		period: periodEndingSql(cadence, 'appointment_date'),
		column: PERIOD_COLUMN[cadence],
		appointments
	});
}

/** Attended and DNA counts of the attended-or-DNA appointments, grouped by `keys` too. */
function attendedAndDna(
	cadence: Cadence,
	appointments: string,
	select: readonly (readonly [string, string])[]
): string {
	const period = periodEndingSql(cadence, 'appointment_date');
	const extra = select.map(([sql, name]) => `${sql} AS ${name}`);
	// A constant (a driver's name) is selected, not grouped by.
	const keys = select.map(([sql]) => sql).filter((sql) => !sql.startsWith("'"));
	return `SELECT ${period} AS ${PERIOD_COLUMN[cadence]}, ${DIMENSION_COLUMNS.join(', ')},
  ${extra.join(', ')},
  ${countWhere(`outcome = 'attended'`, 'attended')},
  ${countWhere(`outcome = 'dna'`, 'dna')}
FROM ${sqlIdentifier(appointments)}
WHERE outcome IN ('attended', 'dna')
GROUP BY ${[period, ...DIMENSION_COLUMNS, ...keys].join(', ')}`;
}

/** `dna_drivers_monthly`: attended and DNAs by each driver in turn (one row set per driver). */
export function dnaDrivers({
	cadence = 'month',
	appointments = 'appointments'
}: { cadence?: Cadence; appointments?: string } = {}): string {
	return (Object.entries(DNA_DRIVERS) as [DnaDriver, string][])
		.map(([driver, value]) =>
			attendedAndDna(cadence, appointments, [
				[`'${driver}'`, 'driver'],
				[value, 'value']
			])
		)
		.join('\nUNION ALL\n');
}

/** `dna_segments_monthly`: attended and DNAs by lead-time band × age band. */
export function dnaSegments({
	cadence = 'month',
	appointments = 'appointments'
}: { cadence?: Cadence; appointments?: string } = {}): string {
	return attendedAndDna(cadence, appointments, [
		[leadTimeBandSql('lead_time_days'), 'lead_time_band'],
		['age_band', 'age_band']
	]);
}

/** `dna_clinics_monthly`: attended and DNAs by clinic (null where the clinic is not recorded). */
export function dnaClinics({
	cadence = 'month',
	appointments = 'appointments'
}: { cadence?: Cadence; appointments?: string } = {}): string {
	return attendedAndDna(cadence, appointments, [['clinic_code', 'clinic_code']]);
}

/** Prices of an attendance in pounds, for the estimated cost of slots lost to DNAs. */
export interface DnaPrices {
	first: number;
	followUp: number;
}

/** The headline's figures for a period; a rate is null where its denominator is zero. */
export interface DnaHeadlineRow {
	attended: number;
	dna: number;
	dna_first: number;
	dna_follow_up: number;
	cancelled_by_patient: number;
	cancelled_by_provider: number;
	provider_short_notice: number;
	/** attended + DNAs + cancelled by patient + cancelled by provider: the all-appointments base. */
	all_appointments: number;
	/** DNAs ÷ (attended + DNAs) × 100. */
	attended_basis_rate: number | null;
	/** DNAs ÷ all appointments × 100 (the HES basis). */
	all_appointments_basis_rate: number | null;
	patient_cancellation_rate: number | null;
	provider_cancellation_rate: number | null;
	/** Provider cancellations under 7 days before the slot, as a % of provider cancellations. */
	short_notice_pct: number | null;
	/** Slots lost to DNAs: one per DNA. */
	lost_slots: number;
	/** DNAs at first attendances × the first price + at follow-ups × the follow-up price. */
	estimated_cost: number;
}

/** Where a view's rows come from: a table (or CTE) of outcome counts and its period column. */
export interface DnaSource {
	table: string;
	/** The SQL of `table` when it is not a table: made as a CTE of that name first. */
	cte?: string;
	/** `week_end`, `month_end`, or `day` for the event-level counts. */
	column: string;
	/** The first and last period (values of `column`) counted, inclusive. */
	from: string;
	to: string;
	filters?: MetricFilters;
}

const where = ({ column, from, to, filters }: DnaSource, extra: string[] = []) =>
	whereAll([
		`${sqlIdentifier(column)} BETWEEN ${sqlDate(from)} AND ${sqlDate(to)}`,
		...filterConditions(filters),
		...extra
	]);

const pct = (num: string, den: string) =>
	`CASE WHEN (${den}) > 0 THEN 100.0 * ${num} / (${den}) END`;

/** The headline from a table of outcome counts ({@link dnaOutcomeCounts}'s columns). */
export function dnaHeadlineSql(source: DnaSource, prices: DnaPrices = DEFAULT_PRICES): string {
	const sum = (sql: string, name: string) => `CAST(COALESCE(SUM(${sql}), 0) AS DOUBLE) AS ${name}`;
	const cte = source.cte ? `${sqlIdentifier(source.table)} AS (\n${source.cte}\n), ` : '';
	return `WITH ${cte}c AS (
  SELECT ${sum('attended', 'attended')}, ${sum('dna', 'dna')},
    ${sum(`CASE WHEN attendance_type = 'first' THEN dna ELSE 0 END`, 'dna_first')},
    ${sum(`CASE WHEN attendance_type = 'first' THEN 0 ELSE dna END`, 'dna_follow_up')},
    ${sum('cancelled_by_patient', 'cancelled_by_patient')},
    ${sum('cancelled_by_provider', 'cancelled_by_provider')},
    ${sum('provider_short_notice', 'provider_short_notice')}
  FROM ${sqlIdentifier(source.table)}
  ${where(source)}
), b AS (
  SELECT *, attended + dna + cancelled_by_patient + cancelled_by_provider AS all_appointments FROM c
)
SELECT *,
  ${pct('dna', 'attended + dna')} AS attended_basis_rate,
  ${pct('dna', 'all_appointments')} AS all_appointments_basis_rate,
  ${pct('cancelled_by_patient', 'all_appointments')} AS patient_cancellation_rate,
  ${pct('cancelled_by_provider', 'all_appointments')} AS provider_cancellation_rate,
  ${pct('provider_short_notice', 'cancelled_by_provider')} AS short_notice_pct,
  dna AS lost_slots,
  dna_first * ${price(prices.first)} + dna_follow_up * ${price(prices.followUp)} AS estimated_cost
FROM b`;
}

/** A price as a SQL number; throws on anything but a finite amount of 0 or more. */
function price(value: number): string {
	if (!Number.isFinite(value) || value < 0) throw new RangeError(`invalid price ${value}`);
	return `CAST(${value} AS DOUBLE)`;
}

/** Attended, DNAs and the rate at each period end from `from` to `to` (periods with none: 0). */
export function dnaSeriesSql(source: DnaSource & { ends: string }): string {
	const col = sqlIdentifier(source.column);
	return `WITH c AS (
  SELECT ${col} AS period_end, CAST(SUM(attended) AS DOUBLE) AS attended, CAST(SUM(dna) AS DOUBLE) AS dna
  FROM ${sqlIdentifier(source.table)}
  ${where(source)}
  GROUP BY ${col}
)
SELECT strftime(e.${col}, '%Y-%m-%d') AS period_end,
  COALESCE(c.attended, 0) AS attended, COALESCE(c.dna, 0) AS dna,
  ${pct('c.dna', 'c.attended + c.dna')} AS rate
FROM (${source.ends}) e LEFT JOIN c ON c.period_end = e.${col}
ORDER BY e.${col}`;
}

/** Attended, DNAs and the all-appointments counts by the values of `by` (a column). */
export function dnaByValueSql(source: DnaSource & { by: string; outcomes?: boolean }): string {
	const by = sqlIdentifier(source.by);
	const cancellations = source.outcomes
		? `,
  CAST(SUM(cancelled_by_patient) AS DOUBLE) AS cancelled_by_patient,
  CAST(SUM(cancelled_by_provider) AS DOUBLE) AS cancelled_by_provider`
		: '';
	return `SELECT ${by} AS value, CAST(SUM(attended) AS DOUBLE) AS attended, CAST(SUM(dna) AS DOUBLE) AS dna${cancellations}
FROM ${sqlIdentifier(source.table)}
${where(source)}
GROUP BY ${by}
HAVING SUM(attended) + SUM(dna) > 0
ORDER BY ${by} NULLS LAST`;
}

/** Attended and DNAs by driver and value, from `dna_drivers_monthly` at a level. */
export function dnaDriversSql(source: DnaSource): string {
	return `SELECT driver, value, CAST(SUM(attended) AS DOUBLE) AS attended, CAST(SUM(dna) AS DOUBLE) AS dna
FROM ${sqlIdentifier(source.table)}
${where(source)}
GROUP BY driver, value
ORDER BY driver, value NULLS LAST`;
}

/** Attended and DNAs by specialty × lead-time band × age band, from `dna_segments_monthly`. */
export function dnaSegmentsSql(source: DnaSource): string {
	return `SELECT specialty_code, lead_time_band, age_band,
  CAST(SUM(attended) AS DOUBLE) AS attended, CAST(SUM(dna) AS DOUBLE) AS dna
FROM ${sqlIdentifier(source.table)}
${where(source)}
GROUP BY specialty_code, lead_time_band, age_band
HAVING SUM(attended) + SUM(dna) > 0`;
}

/** One specialty × lead-time band × age band segment of a view. */
export interface DnaSegment {
	specialty_code: string | null;
	lead_time_band: string | null;
	age_band: string | null;
	attended: number;
	dna: number;
}

export interface RankedSegment extends DnaSegment {
	/** attended + DNAs. */
	volume: number;
	/** DNAs ÷ volume × 100. */
	rate: number;
	/** DNAs − the view's attended-basis rate × volume: the DNAs above what the view's rate gives. */
	excess: number;
}

/** Segments need this many attended + DNA in the view to be ranked. */
export const MIN_SEGMENT_VOLUME = 50;

/**
 * The segments where a reminder or rebooking policy would win back most slots: those with at
 * least {@link MIN_SEGMENT_VOLUME} attended + DNA, ranked by excess DNAs = DNAs − (the view's
 * attended-basis rate × the segment's attended + DNAs), largest first, ties by volume. The view's
 * rate is that of all the segments given (the view's appointments).
 */
export function rankSegments(
	segments: readonly DnaSegment[],
	minVolume = MIN_SEGMENT_VOLUME
): { rate: number | null; segments: RankedSegment[] } {
	const attended = segments.reduce((n, s) => n + s.attended, 0);
	const dna = segments.reduce((n, s) => n + s.dna, 0);
	if (attended + dna === 0) return { rate: null, segments: [] };
	const rate = dna / (attended + dna);
	const ranked = segments
		.map((s) => ({ ...s, volume: s.attended + s.dna }))
		.filter((s) => s.volume >= minVolume)
		.map((s) => ({ ...s, rate: (100 * s.dna) / s.volume, excess: s.dna - rate * s.volume }))
		.sort((a, b) => b.excess - a.excess || b.volume - a.volume);
	return { rate: 100 * rate, segments: ranked };
}

/** The figures of a period with no appointments. */
export function emptyDnaHeadline(): DnaHeadlineRow {
	return {
		attended: 0,
		dna: 0,
		dna_first: 0,
		dna_follow_up: 0,
		cancelled_by_patient: 0,
		cancelled_by_provider: 0,
		provider_short_notice: 0,
		all_appointments: 0,
		attended_basis_rate: null,
		all_appointments_basis_rate: null,
		patient_cancellation_rate: null,
		provider_cancellation_rate: null,
		short_notice_pct: null,
		lost_slots: 0,
		estimated_cost: 0
	};
}

/** The event-level outcome counts by day, as a CTE body for {@link dnaHeadlineSql} (`day`). */
export function dnaOutcomesByDay(appointments = 'appointments'): string {
	return dnaOutcomeCounts({ period: 'appointment_date', column: 'day', appointments });
}
