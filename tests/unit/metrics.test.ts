/**
 * Every metric against a fixture whose answers were worked out by hand (tests/fixtures/metrics/
 * events.csv; the comments there say what each pathway tests), on native DuckDB and DuckDB-WASM.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachDataset, readManifest } from '../../data-pipelines/lib/dataset.ts';
import { openDb, type Db } from '../../data-pipelines/lib/duckdb.ts';
import { runPipeline } from '../../data-pipelines/pipeline/run.ts';
import { keyFromEnvironment } from '../../data-pipelines/pipeline/pseudonymise.ts';
import {
	overviewMetrics,
	waitingListByWeekBand,
	waitingListSummary,
	type MetricFilters
} from '../../src/lib/metrics/index.ts';
import { copyTable, nativeEngine, wasmEngine, type Engine } from '../helpers/engines.ts';

const FIXTURE = new URL('../fixtures/metrics/events.csv', import.meta.url).pathname;
const CENSUS = '2025-06-30';
const YEAR = { from: '2024-07-01', to: CENSUS };

let dir: string;
let native: Db;
const engines: Record<string, Engine> = {};

beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'metrics-'));
	await runPipeline({
		input: FIXTURE,
		out: join(dir, 'dataset'),
		extractDate: '2025-07-31',
		key: keyFromEnvironment({})
	});
	native = await openDb();
	await attachDataset(native, join(dir, 'dataset'), await readManifest(join(dir, 'dataset')));
	engines.native = nativeEngine(native);
	engines.wasm = await wasmEngine();
	for (const table of ['pathways', 'appointments']) await copyTable(native, engines.wasm, table);
});

afterAll(async () => {
	await engines.wasm?.close();
	native?.close();
	await rm(dir, { recursive: true, force: true });
});

interface Case {
	name: string;
	asOf: string;
	filters?: MetricFilters;
	expected: {
		total: number;
		within18WeeksPct: number | null;
		over: [number, number, number, number];
		medianWeeks: number | null;
		p92Weeks: number | null;
		referrals: number;
		attended: number;
		dna: number;
		dnaRate: number | null;
	};
}

const CASES: Case[] = [
	{
		// Waiting: P01 d126 b17, P02 d127 b18, P03 d364 b51, P04 d365 b52, P05 d0 b0, P08 d10 b1,
		// P09 d456 b65, P10 d800 b104+, P12 d50 b7. P06 stops on the census date; P07's first DNA
		// stopped its clock; P11 is not RTT; P13 stopped; P14 is referred after the census.
		name: 'unfiltered, census 2025-06-30',
		asOf: CENSUS,
		expected: {
			total: 9,
			within18WeeksPct: (4 / 9) * 100,
			over: [3, 2, 1, 1],
			medianWeeks: 18.5, // N·p = 4.5, four below band 18, one in it: 18 + 0.5/1
			p92Weeks: 104.28, // N·p = 8.28, eight below the 104+ band: 104 + 0.28/1
			referrals: 10, // P04 (2024-06-30), P09, P10, P14 fall outside 2024-07-01 … 2025-06-30
			attended: 5, // A01 A02 A04 A08 A10; A09 is before the period, A06 is still to come
			dna: 3, // A03 (P07's first), A05, A11 (its referral is not in the data)
			dnaRate: 37.5
		}
	},
	{
		// One day earlier every wait is a day shorter: P01 d125 b17, P02 d126 b17 (now within),
		// P04 d364 b51 (no longer over 52), P09 d455 b64 (no longer over 65); P06 still waits (b5);
		// P05 is not yet referred.
		name: 'unfiltered, census 2025-06-29',
		asOf: '2025-06-29',
		expected: {
			total: 9,
			within18WeeksPct: (5 / 9) * 100,
			over: [2, 1, 1, 1],
			medianWeeks: 17.75, // bands 1 5 6 17 17 …: 4.5 − 3 below = 1.5 of the 2 in band 17
			p92Weeks: 104.28,
			referrals: 10, // 2024-06-30 … 2025-06-29: P04 now in, P05 (2025-06-30) out
			attended: 4, // A10 on 2025-06-30 falls out
			dna: 3,
			dnaRate: (3 / 7) * 100
		}
	},
	{
		name: 'provider RTH',
		asOf: CENSUS,
		filters: { provider: 'RTH' },
		expected: {
			total: 1,
			within18WeeksPct: 100,
			over: [0, 0, 0, 0],
			medianWeeks: 7.5,
			p92Weeks: 7.92,
			referrals: 1,
			attended: 1,
			dna: 1,
			dnaRate: 50
		}
	},
	{
		name: 'commissioner 15N and specialty 130',
		asOf: CENSUS,
		filters: { commissioner: '15N', specialty: '130' },
		expected: {
			total: 2,
			within18WeeksPct: 0,
			over: [1, 0, 0, 0],
			medianWeeks: 52, // N·p = 1 is reached by the end of band 51
			p92Weeks: 52.84,
			referrals: 1,
			attended: 1, // A08; A07 was cancelled by the patient
			dna: 0,
			dnaRate: 0
		}
	},
	{
		name: 'priority urgent',
		asOf: CENSUS,
		filters: { priority: 'urgent' },
		expected: {
			total: 2,
			within18WeeksPct: 50,
			over: [1, 0, 0, 0],
			medianWeeks: 8,
			p92Weeks: 52.84,
			referrals: 2,
			attended: 1,
			dna: 2,
			dnaRate: (2 / 3) * 100
		}
	},
	{
		name: 'a filter nobody matches',
		asOf: CENSUS,
		filters: { provider: 'ZZZ' },
		expected: {
			total: 0,
			within18WeeksPct: null,
			over: [0, 0, 0, 0],
			medianWeeks: null,
			p92Weeks: null,
			referrals: 0,
			attended: 0,
			dna: 0,
			dnaRate: null
		}
	}
];

describe.each(['native', 'wasm'])('metrics on %s', (engineKey) => {
	it.each(CASES)('overviewMetrics($name)', async ({ asOf, filters, expected }) => {
		const from = asOf === CENSUS ? YEAR.from : '2024-06-30';
		const m = await overviewMetrics(engines[engineKey].query, { asOf, from, to: asOf, filters });
		const wl = m.waitingList;
		expect(wl.total).toBe(expected.total);
		if (expected.within18WeeksPct === null) expect(wl.within18WeeksPct).toBeNull();
		else expect(wl.within18WeeksPct).toBeCloseTo(expected.within18WeeksPct, 10);
		expect([wl.over52Weeks, wl.over65Weeks, wl.over78Weeks, wl.over104Weeks]).toEqual(
			expected.over
		);
		for (const [actual, want] of [
			[wl.medianWeeks, expected.medianWeeks],
			[wl.p92Weeks, expected.p92Weeks],
			[m.appointments.dnaRate, expected.dnaRate]
		]) {
			if (want === null) expect(actual).toBeNull();
			else expect(actual).toBeCloseTo(want, 10);
		}
		expect(m.referrals.received).toBe(expected.referrals);
		expect(m.appointments.attended).toBe(expected.attended);
		expect(m.appointments.dna).toBe(expected.dna);
	});

	it('waitingListByWeekBand puts day 126 in band 17, day 127 in 18, 364 in 51, 365 in 52', async () => {
		const rows = await engines[engineKey].query(waitingListByWeekBand({ asOf: CENSUS }));
		expect(rows).toEqual(
			[0, 1, 7, 17, 18, 51, 52, 65, 104].map((week_band) => ({ week_band, pathways: 1 }))
		);
	});

	it('waitingListSummary interpolates exactly when p·N falls on a band edge (92% of 25 = 23)', async () => {
		const engine = engines[engineKey];
		await engine.run(`CREATE OR REPLACE TABLE edge_pathways AS
SELECT true AS rtt, DATE '2025-01-01' - CAST(CASE WHEN i <= 23 THEN 3 ELSE 73 END AS INTEGER) AS clock_start,
  CAST(NULL AS DATE) AS clock_stop, 'RBD' AS provider_code, '15N' AS commissioner_code,
  '110' AS specialty_code, 'routine' AS priority
FROM range(1, 26) t(i)`);
		const [row] = await engine.query(
			waitingListSummary({ asOf: '2025-01-01', pathways: 'edge_pathways' })
		);
		expect(row.total).toBe(25);
		expect(row.p92_weeks).toBe(1); // 23 of 25 in band 0: 0 + (23 − 0) / 23
		expect(row.median_weeks).toBeCloseTo(12.5 / 23, 12);
	});
});
