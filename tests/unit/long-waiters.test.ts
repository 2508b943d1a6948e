/**
 * The long-waiters list (src/lib/metrics/long-waiters.ts) against a fixture worked out by hand,
 * tests/fixtures/long-waiters/events.csv, at the census 2025-06-29 (extract 2025-07-31):
 * - L1 referred 2024-06-29: 365 days, exactly 52 weeks; accepted, so awaiting its first
 *   appointment, booked on 2025-06-01 for 2025-07-15; validated P3, then P2 on the census day;
 *   passes 65 weeks on 2025-09-28, 13 weeks on;
 * - L2 referred a day later: 364 days, 51 weeks, not on a list of over 52;
 * - L3 referred 2023-01-02: 909 days, 129 weeks, past 104; a decision to admit (P4) before the
 *   census and a validation (P1b) after it, which does not count; its one booking before the
 *   census was cancelled before it, and its next was booked after it: none booked at the census;
 * - L4 stopped on the census day: off the list;
 * - L5 stopped the day after: on it, 545 days (77 weeks), passing 78 on 2025-07-01; a follow-up
 *   booked for 2025-07-05 and cancelled after the census, so booked at it; validated P4 and a
 *   decision to admit P2 the same day: P2, the more urgent, and awaiting admitted treatment;
 * - L6 another provider's, L7 no RTT clock: never listed;
 * - L8 specialty 120, 485 days (69 weeks), in triage, never validated, nothing booked.
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
	LONG_WAITER_TABLES,
	isLongWaitWeeks,
	longWaiters,
	longWaitersSql,
	summariseLongWaiters,
	type LongWaiter
} from '../../src/lib/metrics/index.ts';
import { longWaitWeeks } from '../../src/lib/metrics/long-waiters-view.ts';
import { copyTable, nativeEngine, wasmEngine, type Engine } from '../helpers/engines.ts';

const FIXTURE = new URL('../fixtures/long-waiters/events.csv', import.meta.url).pathname;
const DEMO = keyFromEnvironment({});
const CENSUS = '2025-06-29';

let dir: string;
let native: Db;
const names = new Map<string, string>();
const engines: Record<string, Engine> = {};

beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'long-waiters-'));
	const out = join(dir, 'dataset');
	await runPipeline({ input: FIXTURE, out, extractDate: '2025-07-31', key: DEMO });
	native = await openDb();
	await attachDataset(native, out, await readManifest(out));
	await definePseudonym(native, DEMO);
	for (const name of ['L1', 'L2', 'L3', 'L4', 'L5', 'L6', 'L7', 'L8']) {
		const [{ id }] = await native.all(`SELECT pseudonym('${name}') AS id`);
		names.set(id as string, name);
	}
	engines.native = nativeEngine(native);
	engines.wasm = await wasmEngine();
	for (const table of LONG_WAITER_TABLES) await copyTable(native, engines.wasm, table);
});

afterAll(async () => {
	await engines.wasm?.close();
	native?.close();
	await rm(dir, { recursive: true, force: true });
});

const named = (rows: LongWaiter[]) =>
	rows.map(({ pathwayRef, ...rest }) => ({ name: names.get(pathwayRef), ...rest }));

const L1 = {
	name: 'L1',
	commissioner: '15N',
	specialty: '110',
	priority: 'routine',
	clinicalPriority: 'P2',
	stage: 'first_appointment',
	clockStart: '2024-06-29',
	daysWaited: 365,
	weeksWaited: 52,
	nextThreshold: 65,
	breachDate: '2025-09-28',
	weeksToNext: 13,
	nextAppointment: '2025-07-15',
	nextAppointmentType: 'first',
	lastValidated: '2025-06-29'
};
const L3 = {
	name: 'L3',
	commissioner: '15N',
	specialty: '110',
	priority: 'routine',
	clinicalPriority: 'P4',
	stage: 'admitted_treatment',
	clockStart: '2023-01-02',
	daysWaited: 909,
	weeksWaited: 129,
	nextThreshold: null,
	breachDate: null,
	weeksToNext: null,
	nextAppointment: null,
	nextAppointmentType: null,
	lastValidated: null
};
const L5 = {
	name: 'L5',
	commissioner: '15N',
	specialty: '110',
	priority: 'routine',
	clinicalPriority: 'P2',
	stage: 'admitted_treatment',
	clockStart: '2024-01-01',
	daysWaited: 545,
	weeksWaited: 77,
	nextThreshold: 78,
	breachDate: '2025-07-01',
	weeksToNext: 1,
	nextAppointment: '2025-07-05',
	nextAppointmentType: 'follow_up',
	lastValidated: '2025-04-01'
};
const L8 = {
	name: 'L8',
	commissioner: '15N',
	specialty: '120',
	priority: 'routine',
	clinicalPriority: null,
	stage: 'triage',
	clockStart: '2024-03-01',
	daysWaited: 485,
	weeksWaited: 69,
	nextThreshold: 78,
	breachDate: '2025-08-30',
	weeksToNext: 9,
	nextAppointment: null,
	nextAppointmentType: null,
	lastValidated: null
};

describe.each(['native', 'wasm'])('longWaiters on %s DuckDB', (engine) => {
	const list = (weeks: number, filters: Record<string, string> = { provider: 'RBD' }) =>
		longWaiters(engines[engine].query, { asOf: CENSUS, weeks, filters });

	it('lists the pathways over 52 weeks at the census, longest first, as worked out by hand', async () => {
		expect(named(await list(52))).toEqual([L3, L5, L8, L1]);
	});

	it('counts a wait of 364 days as 51 weeks, and a clock stopped on the census day as off the list', async () => {
		const over51 = named(await list(51)).map((r) => r.name);
		expect(over51).toEqual(['L3', 'L5', 'L8', 'L1', 'L2']);
		expect(over51).not.toContain('L4');
		expect(named(await list(78)).map((r) => r.name)).toEqual(['L3']);
	});

	it('narrows by the other filters, and never lists another provider or a pathway with no clock', async () => {
		expect(named(await list(52, { provider: 'RBD', specialty: '120' }))).toEqual([L8]);
		// L6, 759 days (108 weeks), is RXX's alone.
		expect(named(await list(52, { provider: 'RXX' })).map((r) => r.name)).toEqual(['L6']);
		expect(named(await list(1)).map((r) => r.name)).not.toContain('L7');
	});
});

describe('the long-waiters summary and settings', () => {
	it('counts what a manager acts on: nothing booked, validation due, a threshold within 4 weeks', async () => {
		const rows = await longWaiters(engines.native.query, {
			asOf: CENSUS,
			weeks: 52,
			filters: { provider: 'RBD' }
		});
		expect(summariseLongWaiters(rows, CENSUS)).toEqual({
			total: 4,
			// L3 and L8.
			notBooked: 2,
			// L3 and L8 never; L5 on 2025-04-01, 89 days before: due after 84.
			validationDue: 3,
			// L5 (1 week).
			breachingSoon: 1,
			noClinicalPriority: 1
		});
	});

	it('asks for one provider and a whole number of weeks from 1 to 104', () => {
		expect(() => longWaitersSql({ asOf: CENSUS, weeks: 52, filters: {} })).toThrow(/one provider/);
		expect(() =>
			longWaitersSql({ asOf: CENSUS, weeks: 52, filters: { provider: ['RBD', 'RXX'] } })
		).toThrow(/one provider/);
		expect(() => longWaitersSql({ asOf: CENSUS, weeks: 0, filters: { provider: 'RBD' } })).toThrow(
			/1 to 104/
		);
		expect([1, 52, 104].map(isLongWaitWeeks)).toEqual([true, true, true]);
		expect([0, 105, 52.5, NaN].map(isLongWaitWeeks)).toEqual([false, false, false, false]);
		expect(longWaitWeeks({ settings: { over: '40' } })).toBe(40);
		expect(longWaitWeeks({ settings: { over: '500' } })).toBe(52);
		expect(longWaitWeeks({})).toBe(52);
	});
});
