/**
 * The DNA measures on a fixture worked out by hand (tests/fixtures/dnas/events.csv): patient NA
 * misses appointments at RBD (and once at RTH, which RBD's figures must never count), patient NB
 * has a provider cancellation at short notice, one with notice, and one by the patient. The
 * metrics CLI's `dna` section, the earlier-DNA breakdown and the excess-DNA ranking.
 *
 * In 2025 (the period): DNAs A1 (first, RBD), A2, A4 (follow-ups, RBD), A6 (first, RTH) and B5
 * (follow-up, RBD); attended A3, A5, B1; cancelled by the patient B4; by the provider B2 (3 days
 * before the slot) and B3 (28 days). A0 (RBD, 2024-01-09) is outside the period and more than
 * 365 days before A1.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachDataset, readManifest } from '../../data-pipelines/lib/dataset.ts';
import { openDb, type Db } from '../../data-pipelines/lib/duckdb.ts';
import { keyFromEnvironment } from '../../data-pipelines/pipeline/pseudonymise.ts';
import { runPipeline } from '../../data-pipelines/pipeline/run.ts';
import { dnaDriversSql, rankSegments } from '../../src/lib/metrics/index.ts';

const exec = promisify(execFile);
const FIXTURE = new URL('../fixtures/dnas/events.csv', import.meta.url).pathname;
let dir: string;
let db: Db;

const metrics = async (args: string[]) =>
	JSON.parse(
		(
			await exec(process.execPath, [
				'data-pipelines/bin/metrics.ts',
				'--data',
				join(dir, 'data'),
				'--json',
				'--from',
				'2025-01-01',
				'--to',
				'2025-12-31',
				'--as-of',
				'2025-12-28',
				...args
			])
		).stdout
	);

beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'dnas-'));
	await runPipeline({
		input: FIXTURE,
		out: join(dir, 'data'),
		extractDate: '2025-12-31',
		key: keyFromEnvironment({})
	});
	db = await openDb();
	await attachDataset(db, join(dir, 'data'), await readManifest(join(dir, 'data')));
});
afterAll(async () => {
	db?.close();
	await rm(dir, { recursive: true, force: true });
});

describe('the metrics CLI dna section', () => {
	it('gives the hand-worked figures for all providers', async () => {
		const out = await metrics(['--price-first', '100', '--price-follow-up', '50']);
		expect(out.dna.attendedBasisRate).toBe(out.appointments.dnaRate);
		expect(out.dna.attendedBasisRate).toBeCloseTo((100 * 5) / 8, 9);
		// Base: 3 attended + 5 DNAs + 1 cancelled by the patient + 2 by the provider = 11.
		expect(out.dna.allAppointmentsBasisRate).toBeCloseTo((100 * 5) / 11, 9);
		expect(out.dna.patientCancellationRate).toBeCloseTo((100 * 1) / 11, 9);
		expect(out.dna.providerCancellationRate).toBeCloseTo((100 * 2) / 11, 9);
		expect(out.dna.providerShortNoticeCancellations).toBe(1);
		expect(out.dna.dnaCount).toBe(5);
		expect(out.dna.lostSlots).toBe(5);
		// 2 first DNAs at £100, 3 follow-up DNAs at £50.
		expect(out.dna.estimatedCost).toBe(350);
	});

	it('gives one provider its own figures, the default prices, and the weekly source the same', async () => {
		const rbd = await metrics(['--provider', 'RBD']);
		expect(rbd.dna.dnaCount).toBe(4);
		expect(rbd.dna.attendedBasisRate).toBeCloseTo((100 * 4) / 7, 9);
		expect(rbd.dna.prices).toMatchObject({ first: 200, followUp: 120 });
		expect(rbd.dna.estimatedCost).toBe(1 * 200 + 3 * 120);
		const weekly = await metrics([
			'--provider',
			'RBD',
			'--source',
			'weekly',
			'--from',
			'2024-12-30',
			'--to',
			'2025-12-28'
		]);
		expect(weekly.dna).toEqual(rbd.dna);
	});

	it('is null where a rate has no denominator, and refuses a bad price', async () => {
		const none = await metrics(['--provider', 'NOPE']);
		expect(none.dna).toMatchObject({
			attendedBasisRate: null,
			allAppointmentsBasisRate: null,
			patientCancellationRate: null,
			providerCancellationRate: null,
			dnaCount: 0,
			lostSlots: 0,
			estimatedCost: 0
		});
		await expect(metrics(['--price-first', '-3'])).rejects.toThrow(/--price-first/);
	});
});

describe('earlier DNAs at the same provider', () => {
	it('are counted in the 365 days before the slot, at that provider only', async () => {
		const rows = await db.all(
			`SELECT appointment_date::VARCHAR AS day, provider_code, outcome, earlier_dnas
FROM appointments ORDER BY provider_code, appointment_date`
		);
		const byDay = Object.fromEntries(
			rows.map((r) => [`${r.provider_code} ${r.day}`, r.earlier_dnas])
		);
		expect(byDay).toEqual({
			'RBD 2024-01-09': 0, // A0
			'RBD 2025-01-10': 0, // A1: A0 is 367 days before; RTH's A6 the day before is not counted
			'RBD 2025-02-10': 1, // A2
			'RBD 2025-03-10': 2, // A3
			'RBD 2025-04-10': 2, // A4
			'RBD 2025-05-10': 3, // A5
			'RBD 2025-06-02': 0, // B1
			'RBD 2025-06-25': 0, // B4
			'RBD 2025-07-01': 0, // B2
			'RBD 2025-07-08': 0, // B3
			'RBD 2025-07-15': 0, // B5
			'RTH 2025-01-09': 0 // A6
		});
	});

	it('are published as a breakdown of the DNA rate, with the share of DNAs after an earlier one', async () => {
		const rows = await db.all(
			dnaDriversSql({
				table: 'dna_drivers_monthly_national',
				column: 'month_end',
				from: '2025-01-01',
				to: '2025-12-31'
			})
		);
		const earlier = rows.filter((r) => r.driver === 'earlier_dnas');
		expect(earlier).toEqual([
			{ driver: 'earlier_dnas', value: '0', attended: 1, dna: 3 },
			{ driver: 'earlier_dnas', value: '1', attended: 0, dna: 1 },
			{ driver: 'earlier_dnas', value: '2', attended: 1, dna: 1 },
			{ driver: 'earlier_dnas', value: '3+', attended: 1, dna: 0 }
		]);
		const repeat = earlier.filter((r) => r.value !== '0').reduce((n, r) => n + Number(r.dna), 0);
		expect(repeat / 5).toBe(0.4);
		const lead = rows.filter((r) => r.driver === 'lead_time');
		// A1 booked 21 days ahead, B1 13; the rest have no booking in the extract.
		expect(lead).toEqual([
			{ driver: 'lead_time', value: '15-28', attended: 0, dna: 1 },
			{ driver: 'lead_time', value: '8-14', attended: 1, dna: 0 },
			{ driver: 'lead_time', value: null, attended: 2, dna: 4 }
		]);
	});
});

describe('rankSegments', () => {
	it('ranks segments of at least 50 by excess DNAs over the view rate, ties by volume', () => {
		const seg = (lead: string, attended: number, dna: number) => ({
			specialty_code: '110',
			lead_time_band: lead,
			age_band: '25-34',
			attended,
			dna
		});
		// The view: 1,000 attended + DNAs, 100 DNAs: a rate of 10%.
		const { rate, segments } = rankSegments([
			seg('0-7', 380, 20), // 400: expected 40, excess −20
			seg('8-14', 180, 20), // 200: expected 20, excess 0
			seg('15-28', 170, 30), // 200: excess +10
			seg('29-56', 80, 20), // 100: excess +10 (a tie with 15-28, smaller)
			seg('57+', 40, 9), // 49: under 50, not ranked
			seg('unknown', 50, 1) // 51: expected 5.1, excess −4.1
		]);
		expect(rate).toBeCloseTo(10, 9);
		expect(segments.map((s) => [s.lead_time_band, Math.round(s.excess * 10) / 10])).toEqual([
			['15-28', 10],
			['29-56', 10],
			['8-14', 0],
			['unknown', -4.1],
			['0-7', -20]
		]);
	});
});
