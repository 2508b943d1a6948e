/**
 * The weekly aggregates are additive: rolled up under any filter, they give exactly what the
 * pathway- and appointment-level metrics give, on native DuckDB and on DuckDB-WASM. The data is a
 * few thousand synthetic pathways, appointments and stage intervals made by a hash of the row
 * number (the same everywhere), with waits long enough to reach the 52- and 104-week bands.
 * The hand-worked fixture's own figures are checked against the published aggregates too.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachDataset, readManifest } from '../../data-pipelines/lib/dataset.ts';
import { openDb, type Db } from '../../data-pipelines/lib/duckdb.ts';
import { keyFromEnvironment } from '../../data-pipelines/pipeline/pseudonymise.ts';
import { runPipeline } from '../../data-pipelines/pipeline/run.ts';
import {
	addDays,
	aggregateLevel,
	appointmentOutcomes,
	appointmentOutcomesFromWeekly,
	appointmentsByOutcomeFromWeekly,
	appointmentsWeekly,
	clockFlowsByWeekFromWeekly,
	clockFlowsWeekly,
	filterConditions,
	levelTable,
	overviewQueries,
	PERIOD_COLUMN,
	stageFlowsFromWeekly,
	stageFlowsWeekly,
	waitingListSummary,
	waitingListSummaryFromWeekly,
	waitingListTotalsFromWeekly,
	waitingListWeekly,
	whereAll,
	censusBands,
	completedWaits,
	firstAppointmentsByPriority,
	WAITING_LIST_ATTRIBUTES,
	waitingListAt,
	waitingListByAttributes,
	waitingListByValue,
	waitingListSeries,
	waitingListTotalsSeries,
	waitsFlows,
	type MetricFilters,
	DNA_DRIVERS,
	dnaByValueSql,
	dnaDriversSql,
	dnaHeadlineSql,
	dnaOutcomesByDay,
	dnaSegmentsSql,
	leadTimeBandSql
} from '../../src/lib/metrics/index.ts';
import { AGGREGATES, rollupsOf } from '../../data-pipelines/pipeline/aggregates.ts';
import { copyTable, nativeEngine, wasmEngine, type Engine } from '../helpers/engines.ts';

const FIXTURE = new URL('../fixtures/metrics/events.csv', import.meta.url).pathname;
const WEEKS = { from: '2022-06-01', to: '2025-06-30' };

let dir: string;
let native: Db;
const engines: Record<string, Engine> = {};

/** `n` rows with hashed attributes; `pick(list, k)` chooses from a list by the k-th hash digit. */
const SYNTHETIC = {
	syn_pathways: `
WITH r AS (SELECT i, hash(i) AS h, hash(i * 7919 + 17) AS g FROM range(4000) t(i)),
p AS (
  SELECT
    'PW' || i AS pathway_id,
    ['RBD', 'RTH', 'R0A'][1 + CAST(h % 3 AS INTEGER)] AS provider_code,
    ['15N', '11J', '92G'][1 + CAST(h // 3 % 3 AS INTEGER)] AS commissioner_code,
    ['100', '110', '130', '330'][1 + CAST(h // 9 % 4 AS INTEGER)] AS specialty_code,
    ['routine', 'urgent', 'two_week_wait'][1 + CAST(h // 36 % 3 AS INTEGER)] AS priority,
    h // 108 % 10 <> 0 AS rtt,
    DATE '2022-06-01' + CAST(g % 1100 AS INTEGER) AS referral_date,
    CAST(g // 1100 % 3 AS INTEGER) AS stops,
    CAST(g // 3300 % 900 AS INTEGER) AS wait,
    ['admitted_treatment', 'non_admitted_treatment', 'active_monitoring', 'first_appointment_dna',
     'validated_removal'][1 + CAST(g // 7 % 5 AS INTEGER)] AS reason,
    ['0-17', '18-34', '35-54', '55-69', '70+'][1 + CAST(h // 1000 % 5 AS INTEGER)] AS age_band,
    CASE WHEN g // 13 % 9 = 0 THEN NULL ELSE ['female', 'male'][1 + CAST(g // 13 % 2 AS INTEGER)] END AS sex,
    ['A', 'B', 'C', 'H', 'M', 'Z', NULL][1 + CAST(g // 17 % 7 AS INTEGER)] AS ethnicity,
    CASE WHEN g // 19 % 11 = 10 THEN NULL ELSE CAST(1 + g // 19 % 11 AS TINYINT) END AS imd_decile,
    CAST(g // 23 % 70 AS INTEGER) AS first_wait
  FROM r
)
SELECT pathway_id, provider_code, commissioner_code, specialty_code, priority, rtt, referral_date,
  CASE WHEN rtt THEN referral_date END AS clock_start,
  CASE WHEN stops > 0 AND referral_date + wait <= DATE '2025-06-30' THEN referral_date + wait END AS clock_stop,
  CASE WHEN stops > 0 AND referral_date + wait <= DATE '2025-06-30' THEN reason END AS stop_reason,
  age_band, sex, ethnicity, imd_decile,
  CASE WHEN first_wait < 60 AND referral_date + first_wait <= DATE '2025-06-30'
       THEN referral_date + first_wait END AS first_appointment_date
FROM p`,
	syn_appointments: `
WITH r AS (SELECT i, hash(i + 1000000) AS h, hash(i * 104729 + 5) AS g FROM range(8000) t(i))
SELECT
  'AP' || i AS appointment_id,
  ['RBD', 'RTH', 'R0A'][1 + CAST(h % 3 AS INTEGER)] AS provider_code,
  CASE WHEN g % 20 <> 0 THEN ['15N', '11J', '92G'][1 + CAST(h // 3 % 3 AS INTEGER)] END AS commissioner_code,
  CASE WHEN g % 20 <> 0 THEN ['100', '110', '130', '330'][1 + CAST(h // 9 % 4 AS INTEGER)] END AS specialty_code,
  CASE WHEN g % 20 <> 0 THEN ['routine', 'urgent', 'two_week_wait'][1 + CAST(h // 36 % 3 AS INTEGER)] END AS priority,
  DATE '2022-06-01' + CAST(g // 20 % 1200 AS INTEGER) AS appointment_date,
  ['first', 'follow_up'][1 + CAST(h // 108 % 2 AS INTEGER)] AS attendance_type,
  ['face_to_face', 'telephone', 'video'][1 + CAST(h // 216 % 3 AS INTEGER)] AS consultation_medium,
  ['attended', 'attended', 'attended', 'attended', 'dna', 'cancelled_by_patient',
   'cancelled_by_provider', 'booked', 'not_recorded'][1 + CAST(g // 24000 % 9 AS INTEGER)] AS outcome,
  CASE WHEN h // 648 % 10 <> 0 THEN CAST(h // 6480 % 80 AS INTEGER) END AS lead_time_days,
  CAST(DATE '2022-06-01' + CAST(g // 20 % 1200 AS INTEGER) AS TIMESTAMP)
    + INTERVAL (8 + CAST(g // 216000 % 10 AS INTEGER)) HOUR AS appointment_time,
  CAST(DATE '2022-06-01' + CAST(g // 20 % 1200 AS INTEGER) - CAST(h // 6480 % 12 AS INTEGER) AS TIMESTAMP) AS cancelled_at,
  CASE WHEN h % 7 <> 0 THEN 'C' || CAST(h // 5 % 6 AS VARCHAR) END AS clinic_code,
  ['0-17', '18-24', '25-34', '45-54', '75-84', NULL][1 + CAST(g // 7 % 6 AS INTEGER)] AS age_band,
  ['female', 'male', 'unknown', NULL][1 + CAST(g // 11 % 4 AS INTEGER)] AS sex,
  ['A', 'H', 'M', NULL][1 + CAST(g // 13 % 4 AS INTEGER)] AS ethnicity,
  CASE WHEN g // 17 % 11 = 10 THEN NULL ELSE CAST(1 + g // 17 % 11 AS TINYINT) END AS imd_decile,
  CAST(h // 29 % 5 AS INTEGER) AS earlier_dnas
FROM r`,
	syn_stage_intervals: `
WITH r AS (SELECT i, hash(i + 2000000) AS h, hash(i * 15485863 + 3) AS g FROM range(6000) t(i))
SELECT
  'PW' || i AS pathway_id,
  ['RBD', 'RTH', 'R0A'][1 + CAST(h % 3 AS INTEGER)] AS provider_code,
  ['15N', '11J', '92G'][1 + CAST(h // 3 % 3 AS INTEGER)] AS commissioner_code,
  ['100', '110', '130', '330'][1 + CAST(h // 9 % 4 AS INTEGER)] AS specialty_code,
  ['routine', 'urgent', 'two_week_wait'][1 + CAST(h // 36 % 3 AS INTEGER)] AS priority,
  h // 108 % 8 <> 0 AS rtt,
  ['triage', 'first_appointment', 'diagnostics', 'follow_up_or_decision',
   'admitted_treatment'][1 + CAST(g % 5 AS INTEGER)] AS stage,
  DATE '2022-06-01' + CAST(g // 5 % 1000 AS INTEGER) AS entered_date,
  CASE WHEN g // 5000 % 4 <> 0 THEN DATE '2022-06-01' + CAST(g // 5 % 1000 + g // 20000 % 200 AS INTEGER) END AS left_date
FROM r`
};

beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'weekly-'));
	native = await openDb();
	for (const [name, sql] of Object.entries(SYNTHETIC)) {
		await native.run(`CREATE TABLE ${name} AS ${sql}`);
	}
	await native.run(
		`UPDATE syn_stage_intervals SET left_date = NULL WHERE left_date > DATE '2025-06-30'`
	);
	await native.run(`ALTER TABLE syn_stage_intervals ADD COLUMN days_in_stage INTEGER`);
	await native.run(
		`UPDATE syn_stage_intervals SET days_in_stage = date_diff('day', entered_date, left_date)`
	);
	engines.native = nativeEngine(native);
	engines.wasm = await wasmEngine();
	for (const name of Object.keys(SYNTHETIC)) await copyTable(native, engines.wasm, name);
	for (const engine of Object.values(engines)) {
		// Every aggregate of the registry, made by its own SQL as the pipeline makes it, from the
		// synthetic tables under the names the pipeline gives its modelled tables.
		for (const [name, table] of [
			['pathways', 'syn_pathways'],
			['appointments', 'syn_appointments'],
			['stage_intervals', 'syn_stage_intervals']
		])
			await engine.run(`CREATE VIEW ${name} AS SELECT * FROM ${table}`);
		for (const aggregate of AGGREGATES) {
			await engine.run(`CREATE TABLE ${aggregate.name} AS ${aggregate.sql(WEEKS)}`);
			// The coarser levels, made as the pipeline makes them.
			for (const { table, sql } of rollupsOf(aggregate)) {
				await engine.run(`CREATE TABLE ${table} AS ${sql}`);
			}
		}
	}
});

afterAll(async () => {
	await engines.wasm?.close();
	native?.close();
	await rm(dir, { recursive: true, force: true });
});

/** Every `step`-th Sunday from `from` (a Sunday) to `to`. */
function sundays(from: string, to: string, step = 1): string[] {
	const out: string[] = [];
	for (let d = from; d <= to; d = addDays(d, 7 * step)) out.push(d);
	return out;
}

const FILTERS: MetricFilters[] = [
	{},
	{ provider: 'RTH' },
	{ commissioner: '15N', specialty: '110' },
	{ priority: ['urgent', 'two_week_wait'] },
	{ provider: 'R0A', commissioner: '92G', specialty: '330', priority: 'routine' },
	{ provider: 'NOPE' }
];

describe.each(['native', 'wasm'])('weekly aggregates on %s', (engineKey) => {
	const query = (sql: string) => engines[engineKey].query(sql);

	it.each(FILTERS)(
		'waitingListSummaryFromWeekly equals waitingListSummary on the pathways at every 5th week end, filters %j',
		async (filters) => {
			const seen = { over52: 0, over104: 0, median: 0 };
			for (const asOf of sundays('2022-06-05', '2025-06-29', 5)) {
				const [fromWeekly] = await query(waitingListSummaryFromWeekly({ asOf, filters }));
				const [fromPathways] = await query(
					waitingListSummary({ asOf, filters, pathways: 'syn_pathways' })
				);
				expect(fromWeekly, asOf).toEqual(fromPathways);
				seen.over52 += fromWeekly.over_52_weeks as number;
				seen.over104 += fromWeekly.over_104_weeks as number;
				if (fromWeekly.median_weeks !== null) seen.median++;
			}
			if (!filters.provider || filters.provider !== 'NOPE') {
				expect(seen.over52, 'some pathways wait over 52 weeks').toBeGreaterThan(0);
				expect(seen.median, 'the list is not empty').toBeGreaterThan(0);
			}
			if (Object.keys(filters).length === 0) expect(seen.over104).toBeGreaterThan(0);
		}
	);

	it('waitingListTotalsFromWeekly gives the list at every week end', async () => {
		const totals = await query(
			waitingListTotalsFromWeekly({ from: '2024-01-07', to: '2024-03-31', filters: FILTERS[2] })
		);
		expect(totals.map((r) => r.week_end)).toEqual(sundays('2024-01-07', '2024-03-31'));
		for (const { week_end, total } of totals) {
			const [list] = await query(
				waitingListSummary({
					asOf: week_end as string,
					filters: FILTERS[2],
					pathways: 'syn_pathways'
				})
			);
			expect(total, week_end as string).toBe(list.total);
		}
	});

	it.each(FILTERS)(
		'appointmentOutcomesFromWeekly equals appointmentOutcomes for whole-week periods, filters %j',
		async (filters) => {
			for (const [from, to] of [
				['2022-05-30', '2025-09-28'],
				['2023-01-02', '2023-12-31'],
				['2024-04-01', '2024-06-30'],
				['2025-06-23', '2025-06-29']
			]) {
				const [fromWeekly] = await query(appointmentOutcomesFromWeekly({ from, to, filters }));
				const [fromAppointments] = await query(
					appointmentOutcomes({ from, to, filters, appointments: 'syn_appointments' })
				);
				expect(fromWeekly, `${from} to ${to}`).toEqual(fromAppointments);
				const byOutcome = await query(appointmentsByOutcomeFromWeekly({ from, to, filters }));
				const direct = await query(`SELECT outcome, CAST(COUNT(*) AS DOUBLE) AS appointments
FROM syn_appointments
${whereAll([`appointment_date BETWEEN DATE '${from}' AND DATE '${to}'`, ...filterConditions(filters)])}
GROUP BY outcome ORDER BY outcome`);
				expect(byOutcome, `${from} to ${to}`).toEqual(direct);
			}
		}
	);

	it.each(FILTERS)(
		'the DNA aggregates roll up to the appointment table at every level, filters %j',
		async (filters) => {
			const level = aggregateLevel(filters);
			for (const [from, to] of [
				['2022-06-01', '2025-09-30'],
				['2023-01-01', '2023-12-31'],
				['2024-04-01', '2024-06-30']
			]) {
				const range = `appointment_date BETWEEN DATE '${from}' AND DATE '${to}'`;
				const direct = (select: string, group = '') =>
					query(`SELECT ${select} FROM syn_appointments
${whereAll([range, `outcome IN ('attended', 'dna')`, ...filterConditions(filters)])}
${group}`);
				// The headline from the monthly outcomes equals the event-level one, by day.
				const [monthly] = await query(
					dnaHeadlineSql(
						{
							table: levelTable('dna_outcomes_monthly', level),
							column: 'month_end',
							from,
							to: to,
							filters
						},
						{ first: 150, followUp: 90 }
					)
				);
				const [byDay] = await query(
					dnaHeadlineSql(
						{
							table: 'days',
							cte: dnaOutcomesByDay('syn_appointments'),
							column: 'day',
							from,
							to,
							filters
						},
						{ first: 150, followUp: 90 }
					)
				);
				expect(monthly, `${from} to ${to}`).toEqual(byDay);
				const [counts] = await query(`SELECT
  CAST(COUNT(*) FILTER (WHERE outcome = 'attended') AS DOUBLE) AS attended,
  CAST(COUNT(*) FILTER (WHERE outcome = 'dna') AS DOUBLE) AS dna,
  CAST(COUNT(*) FILTER (WHERE outcome = 'dna' AND attendance_type = 'first') AS DOUBLE) AS dna_first,
  CAST(COUNT(*) FILTER (WHERE outcome = 'cancelled_by_patient') AS DOUBLE) AS by_patient,
  CAST(COUNT(*) FILTER (WHERE outcome = 'cancelled_by_provider') AS DOUBLE) AS by_provider,
  CAST(COUNT(*) FILTER (WHERE outcome = 'cancelled_by_provider'
    AND date_diff('day', CAST(cancelled_at AS DATE), appointment_date) < 7) AS DOUBLE) AS short_notice
FROM syn_appointments ${whereAll([range, ...filterConditions(filters)])}`);
				expect(monthly.dna).toBe(counts.dna);
				expect(monthly.attended).toBe(counts.attended);
				expect(monthly.provider_short_notice).toBe(counts.short_notice);
				const all =
					(counts.attended as number) +
					(counts.dna as number) +
					(counts.by_patient as number) +
					(counts.by_provider as number);
				expect(monthly.all_appointments).toBe(all);
				expect(monthly.estimated_cost).toBe(
					(counts.dna_first as number) * 150 +
						((counts.dna as number) - (counts.dna_first as number)) * 90
				);
				if (all > 0) {
					expect(monthly.all_appointments_basis_rate).toBeCloseTo(
						(100 * (counts.dna as number)) / all,
						9
					);
					expect(monthly.provider_cancellation_rate).toBeCloseTo(
						(100 * (counts.by_provider as number)) / all,
						9
					);
				} else expect(monthly.all_appointments_basis_rate).toBeNull();
				const source = (name: string) => ({
					table: levelTable(name, level),
					column: 'month_end',
					from,
					to,
					filters
				});
				// Each driver sums to the view's attended and DNAs, value by value.
				const drivers = await query(dnaDriversSql(source('dna_drivers_monthly')));
				for (const [driver, sql] of Object.entries(DNA_DRIVERS)) {
					const expected = await direct(
						`${sql} AS value, CAST(COUNT(*) FILTER (WHERE outcome = 'attended') AS DOUBLE) AS attended,
  CAST(COUNT(*) FILTER (WHERE outcome = 'dna') AS DOUBLE) AS dna`,
						'GROUP BY 1 ORDER BY 1 NULLS LAST'
					);
					expect(
						drivers.filter((r) => r.driver === driver).map(({ driver: _, ...r }) => r),
						`${driver}, ${from} to ${to}`
					).toEqual(expected);
				}
				const segments = await query(
					`${dnaSegmentsSql(source('dna_segments_monthly'))} ORDER BY 1, 2, 3`
				);
				expect(segments).toEqual(
					await direct(
						`specialty_code, ${leadTimeBandSql('lead_time_days')} AS lead_time_band, age_band,
  CAST(COUNT(*) FILTER (WHERE outcome = 'attended') AS DOUBLE) AS attended,
  CAST(COUNT(*) FILTER (WHERE outcome = 'dna') AS DOUBLE) AS dna`,
						'GROUP BY 1, 2, 3 ORDER BY 1, 2, 3'
					)
				);
				if (level === 'provider') {
					const clinics = await query(
						dnaByValueSql({ ...source('dna_clinics_monthly'), by: 'clinic_code' })
					);
					expect(clinics).toEqual(
						await direct(
							`clinic_code AS value, CAST(COUNT(*) FILTER (WHERE outcome = 'attended') AS DOUBLE) AS attended,
  CAST(COUNT(*) FILTER (WHERE outcome = 'dna') AS DOUBLE) AS dna`,
							'GROUP BY 1 ORDER BY 1 NULLS LAST'
						)
					);
				}
			}
		}
	);

	it('the weekly DNA trend sums to the monthly headline over whole weeks', async () => {
		const [weekly] = await query(
			dnaHeadlineSql({
				table: 'dna_outcomes_weekly_national',
				column: 'week_end',
				from: '2023-01-08',
				to: '2023-12-31'
			})
		);
		const [byDay] = await query(
			dnaHeadlineSql({
				table: 'days',
				cte: dnaOutcomesByDay('syn_appointments'),
				column: 'day',
				from: '2023-01-02',
				to: '2023-12-31'
			})
		);
		expect(weekly).toEqual(byDay);
	});

	it('the unfiltered appointments include those whose referral is not in the data (no commissioner)', async () => {
		const [all] = await query(
			appointmentOutcomesFromWeekly({ from: '2022-05-30', to: '2025-09-28' })
		);
		const [{ n }] = await query(
			`SELECT CAST(COUNT(*) AS DOUBLE) AS n FROM syn_appointments WHERE outcome IN ('attended', 'dna')`
		);
		expect((all.attended as number) + (all.dna as number)).toBe(n);
	});

	it.each(FILTERS.slice(0, 4))(
		'clock starts − stops in a week = the change in the waiting list over it, filters %j',
		async (filters) => {
			const weeks = await query(
				clockFlowsByWeekFromWeekly({ from: '2023-03-05', to: '2023-09-24', filters })
			);
			expect(weeks.length).toBeGreaterThan(20);
			for (const w of weeks) {
				const weekEnd = w.week_end as string;
				const [now] = await query(
					waitingListSummary({ asOf: weekEnd, filters, pathways: 'syn_pathways' })
				);
				const [before] = await query(
					waitingListSummary({ asOf: addDays(weekEnd, -7), filters, pathways: 'syn_pathways' })
				);
				expect((w.clock_starts as number) - (w.clock_stops as number), weekEnd).toBe(
					(now.total as number) - (before.total as number)
				);
				const [{ starts }] = await query(`SELECT CAST(COUNT(*) AS DOUBLE) AS starts
FROM syn_pathways
${whereAll(['rtt', `clock_start BETWEEN DATE '${addDays(weekEnd, -6)}' AND DATE '${weekEnd}'`, ...filterConditions(filters)])}`);
				expect(w.clock_starts, weekEnd).toBe(starts);
			}
		}
	);

	it.each(FILTERS)(
		'stageFlowsFromWeekly equals counts of the stage intervals at every 7th week end, filters %j',
		async (filters) => {
			for (const weekEnd of sundays('2022-06-05', '2025-06-29', 7)) {
				const monday = `DATE '${addDays(weekEnd, -6)}'`;
				const sunday = `DATE '${weekEnd}'`;
				const direct = await query(`SELECT stage,
  CAST(COUNT(*) FILTER (WHERE entered_date BETWEEN ${monday} AND ${sunday}) AS DOUBLE) AS arrivals,
  CAST(COUNT(*) FILTER (WHERE left_date BETWEEN ${monday} AND ${sunday}) AS DOUBLE) AS departures,
  CAST(COUNT(*) FILTER (WHERE entered_date <= ${sunday} AND (left_date IS NULL OR left_date > ${sunday})) AS DOUBLE) AS queue,
  AVG(days_in_stage) FILTER (WHERE left_date BETWEEN ${monday} AND ${sunday}) AS mean_days_departed
FROM syn_stage_intervals
${whereAll(['rtt', ...filterConditions(filters)])}
GROUP BY stage
HAVING arrivals > 0 OR departures > 0 OR queue > 0
ORDER BY stage`);
				const fromWeekly = await query(stageFlowsFromWeekly({ weekEnd, filters }));
				expect(fromWeekly.length, weekEnd).toBe(direct.length);
				fromWeekly.forEach((row, i) => {
					const want = direct[i];
					expect([row.stage, row.arrivals, row.departures, row.queue], weekEnd).toEqual([
						want.stage,
						want.arrivals,
						want.departures,
						want.queue
					]);
					if (want.mean_days_departed === null) expect(row.mean_days_departed).toBeNull();
					else expect(row.mean_days_departed).toBeCloseTo(want.mean_days_departed as number, 9);
				});
			}
		}
	);

	it.each(FILTERS)(
		'each aggregate at the level the filters need sums to the provider level, week by week, filters %j',
		async (filters) => {
			const level = aggregateLevel(filters);
			for (const { name, breakdown, counts, cadence } of AGGREGATES) {
				const sums = (table: string) =>
					query(`SELECT ${[PERIOD_COLUMN[cadence], ...Object.keys(breakdown)].join(', ')},
  ${counts.map((c) => `CAST(SUM(${c}) AS DOUBLE) AS ${c}`).join(', ')}
FROM ${table}
${whereAll(filterConditions(filters))}
GROUP BY ALL ORDER BY ALL`);
				const atLevel = await sums(levelTable(name, level));
				expect(atLevel, `${name} at the ${level} level`).toEqual(await sums(name));
				if (!filters.provider) expect(atLevel.length, name).toBeGreaterThan(0);
			}
			// And the overview the dashboard works out at that level equals the pathways' figures.
			const asOf = '2024-06-30';
			const [fromLevel] = await query(
				overviewQueries({ asOf, from: '2023-07-03', to: asOf, filters }, 'weekly').waitingList
			);
			const [fromPathways] = await query(
				waitingListSummary({ asOf, filters, pathways: 'syn_pathways' })
			);
			expect(fromLevel).toEqual(fromPathways);
		}
	);

	it('the roll-ups refuse a census or a period that is not whole weeks', () => {
		expect(() => waitingListSummaryFromWeekly({ asOf: '2025-06-30' })).toThrow(
			/2025-06-30 is not a Sunday.*try 2025-07-06/
		);
		expect(() => appointmentOutcomesFromWeekly({ from: '2025-06-01', to: '2025-06-29' })).toThrow(
			/2025-06-01 is not a Monday/
		);
		expect(() => stageFlowsFromWeekly({ weekEnd: '2025-06-28' })).toThrow(/not a Sunday/);
	});
});

describe('the published aggregates of the hand-worked fixture', () => {
	let published: Db;
	beforeAll(async () => {
		await runPipeline({
			input: FIXTURE,
			out: join(dir, 'fixture'),
			extractDate: '2025-07-31',
			key: keyFromEnvironment({})
		});
		published = await openDb();
		await attachDataset(published, join(dir, 'fixture'), await readManifest(join(dir, 'fixture')));
	});
	afterAll(() => published?.close());

	it('give the hand-worked waiting list at the week end 2025-06-29 (tests/unit/metrics.test.ts)', async () => {
		const [row] = await published.all(waitingListSummaryFromWeekly({ asOf: '2025-06-29' }));
		expect(row.total).toBe(9);
		expect(row.within_18_weeks_pct).toBeCloseTo((5 / 9) * 100, 10);
		expect([row.over_52_weeks, row.over_65_weeks, row.over_78_weeks, row.over_104_weeks]).toEqual([
			2, 1, 1, 1
		]);
		expect(row.median_weeks).toBeCloseTo(17.75, 10);
		expect(row.p92_weeks).toBeCloseTo(104.28, 10);
		const [rth] = await published.all(
			waitingListSummaryFromWeekly({ asOf: '2025-06-29', filters: { provider: 'RTH' } })
		);
		expect(rth.total).toBe(1);
	});

	it('count the hand-worked appointments by outcome', async () => {
		const [row] = await published.all(
			appointmentOutcomesFromWeekly({ from: '2024-07-01', to: '2025-06-29' })
		);
		// A01 A02 A04 A08 attended, A10 (2025-06-30) falls in the next week; A03 A05 A11 missed.
		expect(row).toEqual({ attended: 4, dna: 3, dna_rate: (3 / 7) * 100 });
	});
});

describe.each(['native', 'wasm'])('the waits page’s aggregates on %s', (engineKey) => {
	const query = (sql: string) => engines[engineKey].query(sql);
	const MONTH_ENDS = ['2022-06-30', '2023-02-28', '2024-02-29', '2024-12-31', '2025-05-31'];
	const table = (name: string, filters: MetricFilters) => levelTable(name, aggregateLevel(filters));

	it.each(FILTERS)(
		'the month-end census and the monthly trend equal the pathways’ waiting list, filters %j',
		async (filters) => {
			for (const asOf of MONTH_ENDS) {
				const monthly = await waitingListAt(query, {
					cadence: 'month',
					asOf,
					filters,
					table: table('waiting_list_monthly', filters)
				});
				const [direct] = await query(
					waitingListSummary({ asOf, filters, pathways: 'syn_pathways' })
				);
				expect(monthly, asOf).toEqual(direct);
			}
			const series = await waitingListSeries(query, {
				cadence: 'month',
				from: '2024-01-01',
				to: '2024-12-31',
				filters,
				table: table('waiting_list_monthly', filters)
			});
			if (filters.provider !== 'NOPE') expect(series.length).toBe(12);
			for (const { period_end, ...point } of series) {
				const [direct] = await query(
					waitingListSummary({ asOf: period_end as string, filters, pathways: 'syn_pathways' })
				);
				expect(point, period_end as string).toEqual(direct);
			}
		}
	);

	it.each(FILTERS)(
		'the totals at each week end and month end are the pathways’ list, within 18 and over 52 weeks, filters %j',
		async (filters) => {
			for (const [cadence, ends] of [
				['week', sundays('2024-01-07', '2024-03-31')],
				['month', MONTH_ENDS]
			] as const) {
				const name =
					cadence === 'week' ? 'waiting_list_totals_weekly' : 'waiting_list_totals_monthly';
				const key = cadence === 'week' ? 'week_end' : 'month_end';
				for (const asOf of ends) {
					const [totals] = await query(`SELECT CAST(COALESCE(SUM(pathways), 0) AS DOUBLE) AS total,
       CAST(COALESCE(SUM(within_18_weeks), 0) AS DOUBLE) AS within,
       CAST(COALESCE(SUM(over_52_weeks), 0) AS DOUBLE) AS over52
FROM ${table(name, filters)}
${whereAll([`${key} = DATE '${asOf}'`, ...filterConditions(filters)])}`);
					const [direct] = await query(
						waitingListSummary({ asOf, filters, pathways: 'syn_pathways' })
					);
					const total = direct.total as number;
					expect(totals.total, `${cadence} ${asOf}`).toBe(total);
					expect(totals.over52, `${cadence} ${asOf}`).toBe(direct.over_52_weeks);
					expect(totals.within, `${cadence} ${asOf}`).toBeCloseTo(
						total ? ((direct.within_18_weeks_pct as number) * total) / 100 : 0,
						6
					);
				}
			}
		}
	);

	it.each(FILTERS)(
		'the trend from the totals equals the trend from the week bands, both cadences, filters %j',
		async (filters) => {
			for (const [cadence, from, to] of [
				['week', '2024-01-01', '2024-12-29'],
				['month', '2024-01-01', '2024-12-31']
			] as const) {
				const suffix = cadence === 'week' ? 'weekly' : 'monthly';
				const range = { cadence, from, to, filters };
				const bands = await waitingListSeries(query, {
					...range,
					table: table(`waiting_list_${suffix}`, filters)
				});
				const totals = await query(
					waitingListTotalsSeries({
						...range,
						table: table(`waiting_list_totals_${suffix}`, filters)
					})
				);
				if (filters.provider !== 'NOPE') expect(totals.length, cadence).toBeGreaterThan(11);
				expect(totals, cadence).toEqual(
					bands.map((r) => ({
						period_end: r.period_end,
						total: r.total,
						within_18_weeks_pct: r.within_18_weeks_pct,
						over_52_weeks: r.over_52_weeks
					}))
				);
			}
		}
	);

	it.each(FILTERS)(
		'the list by every attribute in one query equals each attribute’s own, filters %j',
		async (filters) => {
			for (const cadence of ['week', 'month'] as const) {
				const suffix = cadence === 'week' ? 'weekly' : 'monthly';
				const asOf = cadence === 'week' ? '2024-06-30' : '2024-05-31';
				const attributes = Object.entries(WAITING_LIST_ATTRIBUTES).map(([name, { column }]) => ({
					attribute: name,
					column,
					table: table(`waiting_list_by_${name}_${suffix}`, filters)
				}));
				const together = await waitingListByAttributes(query, {
					cadence,
					asOf,
					filters,
					tables: attributes
				});
				const apart = [];
				for (const { attribute, column, table: t } of attributes)
					for (const row of await waitingListByValue(query, {
						cadence,
						asOf,
						filters,
						table: t,
						by: column
					}))
						apart.push({ attribute, ...row });
				if (filters.provider !== 'NOPE') expect(apart.length, cadence).toBeGreaterThan(10);
				const byName = (rows: Record<string, unknown>[]) =>
					attributes.map(({ attribute }) => rows.filter((r) => r.attribute === attribute));
				expect(together.length, cadence).toBe(apart.length);
				expect(byName(together), cadence).toEqual(byName(apart));
			}
		}
	);

	it('the weekly trend equals the census at each week end', async () => {
		const filters = FILTERS[3];
		const series = await waitingListSeries(query, {
			cadence: 'week',
			from: '2024-01-01',
			to: '2024-03-31',
			filters,
			table: table('waiting_list_weekly', filters)
		});
		expect(series.map((r) => r.period_end)).toEqual(sundays('2024-01-07', '2024-03-31'));
		for (const { period_end, ...point } of series) {
			const [weekly] = await query(
				waitingListSummaryFromWeekly({ asOf: period_end as string, filters })
			);
			expect(point).toEqual(weekly);
		}
	});

	it.each(['week', 'month'] as const)(
		'the waiting list by each patient attribute sums to the pathways’ by that attribute (%s)',
		async (cadence) => {
			const asOf = cadence === 'week' ? '2024-06-30' : '2024-06-30';
			for (const [attribute, { column }] of Object.entries(WAITING_LIST_ATTRIBUTES)) {
				for (const filters of FILTERS.slice(0, 3)) {
					const name = `waiting_list_by_${attribute}_${cadence === 'week' ? 'weekly' : 'monthly'}`;
					const rows = await query(
						censusBands({ cadence, asOf, filters, table: table(name, filters), by: column })
					);
					const direct = await query(`SELECT * FROM (SELECT CAST(${column} AS VARCHAR) AS value,
  LEAST(104, GREATEST(0, CAST(CEIL(date_diff('day', clock_start, DATE '${asOf}') / 7.0) AS INTEGER) - 1)) AS week_band,
  CAST(COUNT(*) AS DOUBLE) AS pathways
FROM syn_pathways
${whereAll(['rtt', `clock_start <= DATE '${asOf}'`, `COALESCE(clock_stop, DATE '9999-12-31') > DATE '${asOf}'`, ...filterConditions(filters)])}
GROUP BY ALL) ORDER BY TRY_CAST(value AS INTEGER) NULLS LAST, value NULLS LAST, week_band`);
					expect(rows, `${name} ${JSON.stringify(filters)}`).toEqual(direct);
					// Not recorded is counted too (the synthetic ages are all recorded).
					if (column !== 'age_band')
						expect(new Set(rows.map((r) => r.value)).has(null), name).toBe(true);
				}
			}
			const byImd = await waitingListByValue(query, {
				cadence,
				asOf,
				table: table(`waiting_list_by_imd_${cadence === 'week' ? 'weekly' : 'monthly'}`, {}),
				by: 'imd_decile'
			});
			const [all] = await query(waitingListSummary({ asOf, pathways: 'syn_pathways' }));
			expect(byImd.reduce((n, r) => n + (r.total as number), 0)).toBe(all.total);
			expect(byImd.map((r) => r.value)).toEqual([
				...['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'],
				null
			]);
		}
	);

	it.each(FILTERS.slice(0, 4))(
		'monthly flows: starts − every stop = the change in the month-end list; stops by group count the pathways, filters %j',
		async (filters) => {
			const months = await query(
				waitsFlows({
					cadence: 'month',
					from: '2023-01-01',
					to: '2023-12-31',
					filters,
					flows: table('clock_flows_monthly', filters)
				})
			);
			expect(months.length).toBe(12);
			let previous = '2022-12-31';
			for (const m of months) {
				const end = m.period_end as string;
				const [now] = await query(
					waitingListSummary({ asOf: end, filters, pathways: 'syn_pathways' })
				);
				const [before] = await query(
					waitingListSummary({ asOf: previous, filters, pathways: 'syn_pathways' })
				);
				expect(m.net_change, end).toBe((now.total as number) - (before.total as number));
				const [direct] = await query(`SELECT
  CAST(COUNT(*) FILTER (WHERE stop_reason = 'admitted_treatment') AS DOUBLE) AS admitted,
  CAST(COUNT(*) FILTER (WHERE stop_reason IN ('non_admitted_treatment', 'active_monitoring')) AS DOUBLE) AS non_admitted,
  CAST(COUNT(*) FILTER (WHERE stop_reason = 'first_appointment_dna') AS DOUBLE) AS nullified,
  CAST(COUNT(*) FILTER (WHERE stop_reason = 'validated_removal') AS DOUBLE) AS removals
FROM syn_pathways
${whereAll(['rtt', `clock_stop BETWEEN DATE '${previous}' + 1 AND DATE '${end}'`, ...filterConditions(filters)])}`);
				expect([m.admitted, m.non_admitted, m.nullified, m.removals], end).toEqual([
					direct.admitted,
					direct.non_admitted,
					direct.nullified,
					direct.removals
				]);
				expect(m.other_stops).toBe(0);
				previous = end;
			}
		}
	);

	it.each(FILTERS.slice(0, 3))(
		'completed waits and first appointments count the pathways that stopped or were first seen, filters %j',
		async (filters) => {
			const [from, to] = ['2023-07-03', '2024-06-30'];
			const completed = await completedWaits(query, {
				cadence: 'week',
				from,
				to,
				filters,
				table: table('clock_stop_waits_weekly', filters)
			});
			const [stops] = await query(`SELECT
  CAST(COUNT(*) FILTER (WHERE stop_reason = 'admitted_treatment') AS DOUBLE) AS admitted,
  CAST(COUNT(*) FILTER (WHERE stop_reason IN ('non_admitted_treatment', 'active_monitoring')) AS DOUBLE) AS non_admitted
FROM syn_pathways
${whereAll(['rtt', `clock_stop BETWEEN DATE '${from}' AND DATE '${to}'`, ...filterConditions(filters)])}`);
			expect(completed.map((r) => [r.grp, r.stops])).toEqual([
				['admitted', stops.admitted],
				['non_admitted', stops.non_admitted]
			]);
			for (const r of completed) {
				expect(r.median_weeks as number).toBeLessThanOrEqual(r.p95_weeks as number);
			}
			const first = await firstAppointmentsByPriority(query, {
				cadence: 'week',
				from,
				to,
				filters,
				table: table('first_appointment_waits_weekly', filters)
			});
			const direct = await query(`SELECT priority, CAST(COUNT(*) AS DOUBLE) AS seen,
  100.0 * COUNT(*) FILTER (WHERE date_diff('day', referral_date, first_appointment_date) <= 14) / COUNT(*) AS within_14_days_pct,
  100.0 * COUNT(*) FILTER (WHERE date_diff('day', referral_date, first_appointment_date) <= 28) / COUNT(*) AS within_28_days_pct
FROM syn_pathways
${whereAll([`first_appointment_date BETWEEN DATE '${from}' AND DATE '${to}'`, ...filterConditions(filters)])}
GROUP BY priority ORDER BY priority`);
			expect(
				first.map(({ priority, seen, within_14_days_pct, within_28_days_pct }) => ({
					priority,
					seen,
					within_14_days_pct,
					within_28_days_pct
				}))
			).toEqual(direct);
		}
	);
});
