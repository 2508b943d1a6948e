/**
 * Pathway stages (data-pipelines/sql/stage_intervals.sql) against a fixture worked out by hand,
 * tests/fixtures/stages/events.csv:
 * - S1 referred and accepted the same day (a zero-day triage), seen, a test after the first
 *   appointment, a decision to admit, a pre-admission test (no new stage), admitted;
 * - S2 straight to test: diagnostics before the first appointment, then back to awaiting it;
 * - S3 a booking cancelled by the patient, its rebooking cancelled by the provider, the third
 *   booking missed: the first-appointment DNA stops the clock;
 * - S4 no RTT clock: discharged, which ends it;
 * - S5 an RTT referral rejected without a clock stop: still waiting, in triage;
 * - S6 booked two hours before its referral was recorded: the booking counts at the referral;
 * - S7 advice and guidance only: still in triage;
 * - SX appointment events whose referral is not in the data: no stages.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachDataset, readManifest } from '../../data-pipelines/lib/dataset.ts';
import { openDb, type Db } from '../../data-pipelines/lib/duckdb.ts';
import { definePseudonym, keyFromEnvironment } from '../../data-pipelines/pipeline/pseudonymise.ts';
import { runPipeline } from '../../data-pipelines/pipeline/run.ts';
import {
	addDays,
	stageFlowsFromWeekly,
	stageFlowsWeekly,
	waitingListSummary,
	type MetricFilters
} from '../../src/lib/metrics/index.ts';
import { copyTable, nativeEngine, wasmEngine, type Engine } from '../helpers/engines.ts';

const FIXTURE = new URL('../fixtures/stages/events.csv', import.meta.url).pathname;
const DEMO = keyFromEnvironment({});
const EXTRACT = '2025-07-31';

let dir: string;
let native: Db;
/** Pathway name in the fixture, by its published pseudonym. */
const names = new Map<string, string>();
const engines: Record<string, Engine> = {};

beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'stages-'));
	const out = join(dir, 'dataset');
	await runPipeline({ input: FIXTURE, out, extractDate: EXTRACT, key: DEMO });
	native = await openDb();
	await attachDataset(native, out, await readManifest(out));
	await definePseudonym(native, DEMO);
	for (const name of ['S1', 'S2', 'S3', 'S4', 'S5', 'S6', 'S7', 'SX']) {
		const [{ id }] = await native.all(`SELECT pseudonym('${name}') AS id`);
		names.set(id as string, name);
	}
	engines.native = nativeEngine(native);
	engines.wasm = await wasmEngine();
	for (const table of ['pathways', 'stage_intervals']) {
		await copyTable(native, engines.wasm, table);
	}
});

afterAll(async () => {
	await engines.wasm?.close();
	native?.close();
	await rm(dir, { recursive: true, force: true });
});

const day = (value: unknown) => (value instanceof Date ? value.toISOString().slice(0, 10) : value);

describe('stage_intervals', () => {
	it('has one row per stage each pathway passed through, with the event that moved it on', async () => {
		const rows = await native.all(`SELECT pathway_id, stage_seq, stage, entered_date, entered_event,
  left_date, left_event, next_stage, days_in_stage
FROM stage_intervals ORDER BY pathway_id, stage_seq`);
		const shown = rows
			.map((r) => [
				names.get(r.pathway_id as string),
				r.stage_seq,
				r.stage,
				day(r.entered_date),
				r.entered_event,
				day(r.left_date),
				r.left_event,
				r.next_stage,
				r.days_in_stage
			])
			.sort((a, b) => `${a[0]}${a[1]}`.localeCompare(`${b[0]}${b[1]}`));
		// prettier-ignore
		expect(shown).toEqual([
			['S1', 1, 'triage', '2025-01-06', 'referral_received', '2025-01-06', 'referral_accepted', 'first_appointment', 0],
			['S1', 2, 'first_appointment', '2025-01-06', 'referral_accepted', '2025-02-03', 'appointment_attended', 'follow_up_or_decision', 28],
			['S1', 3, 'follow_up_or_decision', '2025-02-03', 'appointment_attended', '2025-02-03', 'diagnostic_requested', 'diagnostics', 0],
			['S1', 4, 'diagnostics', '2025-02-03', 'diagnostic_requested', '2025-02-20', 'diagnostic_reported', 'follow_up_or_decision', 17],
			['S1', 5, 'follow_up_or_decision', '2025-02-20', 'diagnostic_reported', '2025-03-01', 'decision_to_admit', 'admitted_treatment', 9],
			['S1', 6, 'admitted_treatment', '2025-03-01', 'decision_to_admit', '2025-04-15', 'clock_stopped', 'stopped', 45],
			['S2', 1, 'triage', '2025-01-06', 'referral_received', '2025-01-08', 'diagnostic_requested', 'diagnostics', 2],
			['S2', 2, 'diagnostics', '2025-01-08', 'diagnostic_requested', '2025-01-20', 'diagnostic_reported', 'first_appointment', 12],
			['S2', 3, 'first_appointment', '2025-01-20', 'diagnostic_reported', null, null, null, null],
			['S3', 1, 'triage', '2025-02-01', 'referral_received', '2025-02-02', 'appointment_booked', 'first_appointment', 1],
			['S3', 2, 'first_appointment', '2025-02-02', 'appointment_booked', '2025-03-10', 'clock_stopped', 'stopped', 36],
			['S4', 1, 'triage', '2025-03-01', 'referral_received', '2025-03-03', 'referral_accepted', 'first_appointment', 2],
			['S4', 2, 'first_appointment', '2025-03-03', 'referral_accepted', '2025-03-20', 'discharged', 'stopped', 17],
			['S5', 1, 'triage', '2025-04-01', 'referral_received', null, null, null, null],
			['S6', 1, 'triage', '2025-05-01', 'referral_received', '2025-05-01', 'appointment_booked', 'first_appointment', 0],
			['S6', 2, 'first_appointment', '2025-05-01', 'appointment_booked', '2025-05-20', 'appointment_attended', 'follow_up_or_decision', 19],
			['S6', 3, 'follow_up_or_decision', '2025-05-20', 'appointment_attended', null, null, null, null],
			['S7', 1, 'triage', '2025-06-02', 'referral_received', null, null, null, null]
		]);
	});
});

describe('pathways', () => {
	it("has each pathway's current stage, first appointment, decision to admit, cancellations and rebookings", async () => {
		const rows = await native.all(`SELECT pathway_id, current_stage, first_appointment_date,
  decision_to_admit_date, appointments_cancelled_by_patient, appointments_cancelled_by_provider,
  appointments_rebooked
FROM pathways`);
		const shown = Object.fromEntries(
			rows.map((r) => [
				names.get(r.pathway_id as string),
				[
					r.current_stage,
					day(r.first_appointment_date),
					day(r.decision_to_admit_date),
					r.appointments_cancelled_by_patient,
					r.appointments_cancelled_by_provider,
					r.appointments_rebooked
				]
			])
		);
		expect(shown).toEqual({
			S1: ['stopped', '2025-02-03', '2025-03-01', 0, 0, 0],
			S2: ['first_appointment', null, null, 0, 0, 0],
			S3: ['stopped', null, null, 1, 1, 2],
			S4: ['stopped', null, null, 0, 0, 0],
			S5: ['triage', null, null, 0, 0, 0],
			S6: ['follow_up_or_decision', '2025-05-20', null, 0, 0, 0],
			S7: ['triage', null, null, 0, 0, 0]
		});
	});
});

/** Every Sunday from `from` to `to`. */
function sundays(from: string, to: string): string[] {
	const out: string[] = [];
	for (let d = from; d <= to; d = addDays(d, 7)) out.push(d);
	return out;
}

describe.each(['native', 'wasm'])('stageFlowsWeekly on %s', (engineKey) => {
	beforeAll(async () => {
		await engines[engineKey].run(
			`CREATE OR REPLACE TABLE stage_flows_check AS ${stageFlowsWeekly({ from: '2025-01-06', to: EXTRACT })}`
		);
	});
	const flows = (weekEnd: string, filters?: MetricFilters) =>
		engines[engineKey].query(
			stageFlowsFromWeekly({ weekEnd, filters, aggregate: 'stage_flows_check' })
		);

	it('counts arrivals, departures, queues and days in stage in the week ending 2025-01-12', async () => {
		expect(await flows('2025-01-12')).toEqual([
			{ stage: 'diagnostics', arrivals: 1, departures: 0, queue: 1, mean_days_departed: null },
			{
				stage: 'first_appointment',
				arrivals: 1,
				departures: 0,
				queue: 1,
				mean_days_departed: null
			},
			{ stage: 'triage', arrivals: 2, departures: 2, queue: 0, mean_days_departed: 1 }
		]);
	});

	it('keeps a queue through weeks when nothing moves, and leaves out pathways with no clock', async () => {
		expect(await flows('2025-03-02')).toEqual([
			{
				stage: 'admitted_treatment',
				arrivals: 1,
				departures: 0,
				queue: 1,
				mean_days_departed: null
			},
			{
				stage: 'first_appointment',
				arrivals: 0,
				departures: 0,
				queue: 2,
				mean_days_departed: null
			},
			{
				stage: 'follow_up_or_decision',
				arrivals: 0,
				departures: 1,
				queue: 0,
				mean_days_departed: 9
			}
		]);
		const quiet = await flows('2025-03-09');
		expect(quiet.map((r) => [r.stage, r.arrivals, r.departures, r.queue])).toEqual([
			['admitted_treatment', 0, 0, 1],
			['first_appointment', 0, 0, 2]
		]);
	});

	it.each([{}, { provider: 'RTH' }, { provider: 'RBD', specialty: '110' }, { priority: 'urgent' }])(
		'the stage queues add up to the waiting list at every week end, filters %j',
		async (filters: MetricFilters) => {
			for (const weekEnd of sundays('2025-01-05', '2025-07-27')) {
				const queued = (await flows(weekEnd, filters)).reduce((n, r) => n + (r.queue as number), 0);
				const [list] = await engines[engineKey].query(
					waitingListSummary({ asOf: weekEnd, filters })
				);
				expect(queued, weekEnd).toBe(list.total);
			}
		}
	);
});
