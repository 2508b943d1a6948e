/**
 * The synthetic world at `small` scale: determinism, the v1 contract, the world's behaviour (first-DNA
 * rebookings, slot issues where capacity is short, the DNA drivers), the calibration report inside
 * the realism ranges of docs/definitions.md "The demo data", and the same waiting-list figures from the product's own pipeline and
 * metric SQL as from the simulation's counters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generate } from '../../data-pipelines/generate/generate.ts';
import type { GenerateResult } from '../../data-pipelines/generate/generate.ts';
import { parseCli } from '../../data-pipelines/generate/cli.ts';
import { REALISM_RANGES } from '../../data-pipelines/generate/calibration.ts';
import type { Calibration, RangeName } from '../../data-pipelines/generate/calibration.ts';
import { CAPACITY_COLUMNS } from '../../data-pipelines/generate/capacity.ts';
import { measureRealism } from '../../data-pipelines/generate/realism.ts';
import { buildWorld, findRegion } from '../../data-pipelines/generate/world.ts';
import {
	AGE_BANDS,
	APPOINTMENT_EVENTS,
	COLUMNS,
	EVENT_TYPES,
	STOP_REASONS
} from '../../data-pipelines/lib/contract.ts';
import { attachDataset, readManifest } from '../../data-pipelines/lib/dataset.ts';
import { openDb } from '../../data-pipelines/lib/duckdb.ts';
import { runPipeline } from '../../data-pipelines/pipeline/run.ts';
import { keyFromEnvironment } from '../../data-pipelines/pipeline/pseudonymise.ts';
import { overviewMetrics } from '../../src/lib/metrics/index.ts';
import type { OverviewMetrics } from '../../src/lib/metrics/index.ts';

const EVENT_TYPES_SET = new Set<string>(EVENT_TYPES);
const APPOINTMENT_TYPES = new Set<string>(APPOINTMENT_EVENTS);
const STOP_REASONS_SET = new Set<string>(STOP_REASONS);
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;
/** Default window: 2024-04-01 plus 20 months, so the last data day is 2025-11-30. */
const WINDOW_START = '2024-04-01';
const DATA_END = '2025-11-30T23:59:59';
const UNDER_CAPACITY = new Set(['110', '120', '130', '502']);

type Row = Record<string, string>;

let dir: string;
let result: GenerateResult;
let text: string;
let rows: Row[];
let header: string[];
let calibration: Calibration;

function parse(csv: string): { header: string[]; rows: Row[] } {
	const lines = csv.split('\n');
	expect(lines.pop()).toBe('');
	const header = lines[0].split(',');
	const rows = lines.slice(1).map((line) => {
		const fields = line.split(',');
		const row: Row = {};
		header.forEach((name, i) => (row[name] = fields[i]));
		row.__width = String(fields.length);
		return row;
	});
	return { header, rows };
}

beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'generate-test-'));
	result = await generate({ out: join(dir, 'seed7'), seed: 7, scale: 'small' });
	text = await readFile(result.path, 'utf8');
	({ header, rows } = parse(text));
	expect(rows.length).toBe(result.rows);
	calibration = result.calibration;
}, 120_000);

afterAll(async () => {
	await rm(dir, { recursive: true, force: true });
});

describe('generate({ seed, scale: "small" })', () => {
	it('writes events.csv, capacity.csv, world.json and calibration.json', async () => {
		expect(result.path).toBe(join(dir, 'seed7', 'events.csv'));
		expect((await readdir(join(dir, 'seed7'))).sort()).toEqual([
			'calibration.json',
			'capacity.csv',
			'events.csv',
			'world.json'
		]);
		const written = JSON.parse(await readFile(join(dir, 'seed7', 'calibration.json'), 'utf8'));
		expect(written).toEqual(JSON.parse(JSON.stringify(calibration)));
	});

	it('is byte-identical for the same seed and differs for another', async () => {
		const again = await generate({ out: join(dir, 'seed7-again'), seed: 7, scale: 'small' });
		const other = await generate({
			out: join(dir, 'seed8'),
			seed: 8,
			scale: 'small',
			capacity: false
		});
		const [a, b] = await Promise.all([readFile(again.path, 'utf8'), readFile(other.path, 'utf8')]);
		expect(a === text).toBe(true);
		expect(b === text).toBe(false);
		const [c1, c2] = await Promise.all([
			readFile(join(dir, 'seed7', 'capacity.csv')),
			readFile(join(dir, 'seed7-again', 'capacity.csv'))
		]);
		expect(c1.equals(c2)).toBe(true);
	}, 60_000);

	it('writes byte-identical Parquet for the same seed, with the same values as the CSV', async () => {
		const runs = await Promise.all(
			['pq-a', 'pq-b'].map((name) =>
				generate({ out: join(dir, name), seed: 7, scale: 'small', format: 'parquet' })
			)
		);
		expect(runs[0].path).toBe(join(dir, 'pq-a', 'events'));
		expect(runs[0].rows).toBe(result.rows);
		expect(runs[0].files.length).toBeGreaterThanOrEqual(1);
		for (let i = 0; i < runs[0].files.length; i++) {
			const [a, b] = await Promise.all([readFile(runs[0].files[i]), readFile(runs[1].files[i])]);
			expect(a.equals(b)).toBe(true);
		}
		const db = await openDb();
		try {
			const cols = COLUMNS.map((c) =>
				c === 'event_time' || c === 'appointment_time'
					? `replace(CAST(${c} AS VARCHAR), ' ', 'T') AS ${c}`
					: `CAST(${c} AS VARCHAR) AS ${c}`
			);
			await db.run(
				`CREATE TABLE csv AS SELECT ${COLUMNS.map((c) => `NULLIF(${c}, '') AS ${c}`).join(', ')}
				 FROM read_csv('${result.path}', all_varchar = true, header = true)`
			);
			await db.run(
				`CREATE TABLE pq AS SELECT ${cols.join(', ')} FROM read_parquet('${join(runs[0].path, '*.parquet')}')`
			);
			const [diff] = await db.all(`SELECT
				(SELECT count(*) FROM (SELECT * FROM csv EXCEPT ALL SELECT * FROM pq)) AS a,
				(SELECT count(*) FROM (SELECT * FROM pq EXCEPT ALL SELECT * FROM csv)) AS b`);
			expect(diff).toEqual({ a: 0, b: 0 });
			const [types] =
				await db.all(`SELECT typeof(event_time) AS t, typeof(rtt) AS r, typeof(imd_decile) AS i
				FROM read_parquet('${join(runs[0].path, '*.parquet')}') LIMIT 1`);
			expect(types).toEqual({ t: 'TIMESTAMP', r: 'BOOLEAN', i: 'INTEGER' });
		} finally {
			db.close();
		}
	}, 60_000);

	it('writes the header in the contract column order', () => {
		expect(header).toEqual([...COLUMNS]);
	});

	it('is a small ICB: 4 acute trusts and a community trust, 3 commissioners, 18 services, 100+ practices', () => {
		const referrals = rows.filter((r) => r.event_type === 'referral_received');
		expect(referrals.length).toBeGreaterThan(8000);
		expect(referrals.length).toBeLessThan(25000);
		expect(new Set(rows.map((r) => r.provider_code)).size).toBe(5);
		expect(new Set(referrals.map((r) => r.commissioner_code)).size).toBe(3);
		expect(new Set(referrals.map((r) => r.specialty_code)).size).toBe(18);
		const practices = new Set(referrals.map((r) => r.referrer_code).filter((c) => c !== ''));
		expect(practices.size).toBeGreaterThan(100);
		for (const code of practices) expect(code).toMatch(/^[A-Z]\d{5}$/);
		expect(new Set(referrals.map((r) => r.care_setting))).toEqual(
			new Set(['acute', 'community', 'mental_health'])
		);
	});

	it('fills the always-required columns on every row', () => {
		expect(
			violations(rows, (r) => [
				r.__width === String(COLUMNS.length) || 'column count',
				/^E\d+$/.test(r.event_id) || 'event_id',
				EVENT_TYPES_SET.has(r.event_type) || 'event_type',
				TIMESTAMP.test(r.event_time) || 'event_time',
				/^PW\d{9}$/.test(r.pathway_id) || 'pathway_id',
				/^1\d{9}$/.test(r.patient_id) || 'patient_id',
				/^R[A-Z0-9]{2}$/.test(r.provider_code) || 'provider_code'
			])
		).toEqual([]);
	});

	it('gives every referral a commissioner, specialty, priority and patient attributes', () => {
		const referrals = rows.filter((x) => x.event_type === 'referral_received');
		expect(
			violations(referrals, (r) => [
				/^[0-9A-Z]{3}$/.test(r.commissioner_code) || 'commissioner_code',
				/^\d{3}$/.test(r.specialty_code) || 'specialty_code',
				['routine', 'urgent', 'two_week_wait'].includes(r.priority) || 'priority',
				['true', 'false'].includes(r.rtt) || 'rtt',
				(AGE_BANDS as readonly string[]).includes(r.age_band) || 'age_band',
				['female', 'male', 'other', 'unknown'].includes(r.sex) || 'sex',
				/^([A-Z]|unknown)$/.test(r.ethnicity) || 'ethnicity',
				/^([1-9]|10)$/.test(r.imd_decile) || 'imd_decile'
			])
		).toEqual([]);
	});

	it('fills the appointment, cancellation and clock-stop columns where the contract requires them', () => {
		expect(
			violations(rows, (r) => {
				const appointment = APPOINTMENT_TYPES.has(r.event_type);
				return [
					appointment === (r.appointment_id !== '') || 'appointment_id',
					!appointment || TIMESTAMP.test(r.appointment_time) || 'appointment_time',
					!appointment || ['first', 'follow_up'].includes(r.attendance_type) || 'attendance_type',
					!appointment ||
						['face_to_face', 'telephone', 'video'].includes(r.consultation_medium) ||
						'consultation_medium',
					!appointment ||
						r.clinic_code.startsWith(`${r.provider_code}-${r.specialty_code}-`) ||
						'clinic_code',
					(r.event_type === 'appointment_cancelled') ===
						['patient', 'provider'].includes(r.cancelled_by) || 'cancelled_by',
					(r.event_type === 'clock_stopped') === STOP_REASONS_SET.has(r.stop_reason) ||
						'stop_reason'
				];
			})
		).toEqual([]);
	});

	it('numbers events uniquely, in event_time order, with nothing after the data end but future slots', () => {
		expect(new Set(rows.map((r) => r.event_id)).size).toBe(rows.length);
		expect(rows.findIndex((r, i) => i > 0 && rows[i - 1].event_time > r.event_time)).toBe(-1);
		expect(rows[rows.length - 1].event_time <= DATA_END).toBe(true);
		expect(rows.some((r) => r.appointment_time > DATA_END)).toBe(true);
	});

	it('plays out each appointment id as one booking, then at most one outcome, in clinic hours', () => {
		const byId = new Map<string, Row[]>();
		for (const r of rows) {
			if (!APPOINTMENT_TYPES.has(r.event_type)) continue;
			const list = byId.get(r.appointment_id) ?? [];
			list.push(r);
			byId.set(r.appointment_id, list);
		}
		let future = 0;
		for (const [id, events] of byId) {
			const bookings = events.filter((e) => e.event_type === 'appointment_booked');
			const outcomes = events.filter((e) => e.event_type !== 'appointment_booked');
			expect(bookings.length, id).toBe(1);
			expect(outcomes.length, id).toBeLessThanOrEqual(1);
			const booked = bookings[0];
			const slot = booked.appointment_time;
			const day = new Date(slot.slice(0, 10) + 'T00:00:00Z').getUTCDay();
			expect(day >= 1 && day <= 5, slot).toBe(true);
			expect(slot.slice(11) >= '09:00:00' && slot.slice(11) <= '17:00:00', slot).toBe(true);
			expect(booked.event_time < slot).toBe(true);
			const outcome = outcomes[0];
			if (slot > DATA_END) {
				future++;
				if (outcome) expect(outcome.event_type).toBe('appointment_cancelled');
				continue;
			}
			expect(outcome, id).toBeDefined();
			if (outcome.event_type === 'appointment_cancelled') {
				expect(outcome.event_time > booked.event_time && outcome.event_time < slot).toBe(true);
			} else {
				expect(outcome.event_time).toBe(slot);
			}
		}
		expect(future).toBeGreaterThan(0);
	});

	it('gives each pathway one referral and at most one clock stop, nothing before its referral', () => {
		const referral = new Map<string, string>();
		const stops = new Map<string, number>();
		for (const r of rows) {
			if (r.event_type === 'referral_received') {
				expect(referral.has(r.pathway_id)).toBe(false);
				referral.set(r.pathway_id, r.event_time);
			}
			if (r.event_type === 'clock_stopped')
				stops.set(r.pathway_id, (stops.get(r.pathway_id) ?? 0) + 1);
		}
		for (const count of stops.values()) expect(count).toBe(1);
		expect(
			violations(rows, (r) => [
				(referral.get(r.pathway_id) ?? '') <= r.event_time || 'event before its referral'
			])
		).toEqual([]);
		// The window opens on a standing waiting list: referrals from before it whose clocks still run.
		const before = [...referral.values()].filter((t) => t < WINDOW_START);
		expect(before.length).toBeGreaterThan(1000);
	});

	it('ends the clock at a first-appointment DNA and rebooks the patient on a new pathway', () => {
		const byPathway = groupBy(rows, (r) => r.pathway_id);
		const referrals = rows.filter((r) => r.event_type === 'referral_received');
		const nullified = rows.filter((r) => r.stop_reason === 'first_appointment_dna');
		expect(nullified.length).toBeGreaterThan(50);
		let rebooked = 0;
		for (const stop of nullified) {
			const events = byPathway.get(stop.pathway_id)!;
			const dna = events.find(
				(e) => e.event_type === 'appointment_dna' && e.attendance_type === 'first'
			);
			expect(dna, stop.pathway_id).toBeDefined();
			expect(dna!.event_time <= stop.event_time).toBe(true);
			// Nothing happens on the old pathway after the stop but a discharge.
			const after = events.filter((e) => e.event_time > stop.event_time);
			expect(after.every((e) => e.event_type === 'discharged')).toBe(true);
			const limit = new Date(Date.parse(stop.event_time + 'Z') + 9 * 86400000).toISOString();
			const next = referrals.find(
				(r) =>
					r.patient_id === stop.patient_id &&
					r.pathway_id !== stop.pathway_id &&
					r.specialty_code === stop.specialty_code &&
					r.provider_code === stop.provider_code &&
					r.event_time > stop.event_time &&
					r.event_time < limit
			);
			if (next) {
				rebooked++;
				expect(next.rtt).toBe('true');
			}
		}
		// About 60% are rebooked, 40% discharged back to the GP.
		expect(rebooked / nullified.length).toBeGreaterThan(0.4);
		expect(rebooked / nullified.length).toBeLessThan(0.8);
	});

	it('raises slot issues where capacity is short', () => {
		const asis = rows.filter((r) => r.event_type === 'appointment_slot_issue');
		const bookings = rows.filter((r) => r.event_type === 'appointment_booked');
		const rate = (under: boolean) => {
			const a = asis.filter((r) => UNDER_CAPACITY.has(r.specialty_code) === under).length;
			const b = bookings.filter((r) => UNDER_CAPACITY.has(r.specialty_code) === under).length;
			return a / (a + b);
		};
		for (const code of UNDER_CAPACITY)
			expect(
				asis.some((r) => r.specialty_code === code),
				code
			).toBe(true);
		expect(rate(true)).toBeGreaterThan(3 * rate(false));
		for (const s of calibration.mostUnderCapacity) expect(s.underCapacity, s.code).toBe(true);
	});

	it('mixes referrals like England: routine 80% / urgent 13% / two week wait 7% of RTT referrals', () => {
		const inWindow = rows.filter(
			(r) =>
				r.event_type === 'referral_received' && r.event_time >= WINDOW_START && r.rtt === 'true'
		);
		const share = (f: (r: Row) => boolean): number => inWindow.filter(f).length / inWindow.length;
		expect(share((r) => r.priority === 'routine')).toBeCloseTo(0.8, 1);
		expect(share((r) => r.priority === 'urgent')).toBeCloseTo(0.13, 1);
		expect(share((r) => r.priority === 'two_week_wait')).toBeCloseTo(0.07, 1);
		expect(share((r) => r.referral_source === 'gp')).toBeGreaterThan(0.7);
	});

	it('shows the published DNA drivers: youth, deprivation and above all a previous DNA', () => {
		const referral = new Map<string, Row>();
		for (const r of rows) if (r.event_type === 'referral_received') referral.set(r.pathway_id, r);
		const outcomes = rows
			.filter((r) => r.event_type === 'appointment_dna' || r.event_type === 'appointment_attended')
			.sort((a, b) => (a.appointment_time < b.appointment_time ? -1 : 1));
		const tally = new Map<string, [number, number]>();
		const add = (key: string, dna: boolean) => {
			const t = tally.get(key) ?? [0, 0];
			t[dna ? 1 : 0]++;
			tally.set(key, t);
		};
		const missed = new Set<string>();
		for (const r of outcomes) {
			const dna = r.event_type === 'appointment_dna';
			add(missed.has(r.patient_id) ? 'previous' : 'none', dna);
			if (dna) missed.add(r.patient_id);
			const ref = referral.get(r.pathway_id);
			if (!ref) continue;
			if (ref.age_band === '0-17' || ref.age_band === '18-24') add('under25', dna);
			if (['65-74', '75-84', '85+'].includes(ref.age_band)) add('over65', dna);
			add(`imd${ref.imd_decile}`, dna);
			add(ref.sex, dna);
		}
		const rate = (k: string) => tally.get(k)![1] / (tally.get(k)![0] + tally.get(k)![1]);
		expect(rate('under25')).toBeGreaterThan(1.3 * rate('over65'));
		expect(rate('imd1')).toBeGreaterThan(1.3 * rate('imd10'));
		expect(rate('male')).toBeGreaterThan(rate('female'));
		expect(rate('previous')).toBeGreaterThan(2 * rate('none'));
		// The calibration report shows the same drivers from the simulation's counters.
		const byAge = calibration.dnaRateByAgeBand;
		expect(byAge['18-24']!).toBeGreaterThan(byAge['65-74']!);
		expect(calibration.dnaRateByImdDecile['1']!).toBeGreaterThan(
			calibration.dnaRateByImdDecile['10']!
		);
		expect(calibration.dnaRateByPreviousDna.previous!).toBeGreaterThan(
			2 * calibration.dnaRateByPreviousDna.none!
		);
		expect(calibration.dnaRateFirstByMedium.remote!).toBeGreaterThan(
			calibration.dnaRateFirstByMedium.faceToFace!
		);
		expect(calibration.dnaRateByLeadTime['29-56']!).toBeGreaterThan(
			calibration.dnaRateByLeadTime['0-7']!
		);
	});

	it('publishes its clinic slots as the capacity extract, and every appointment sits in a slot', async () => {
		const capacity = parse(await readFile(join(dir, 'seed7', 'capacity.csv'), 'utf8'));
		expect(capacity.header).toEqual([...CAPACITY_COLUMNS]);
		expect(result.capacityRows).toBe(capacity.rows.length);
		expect(new Set(capacity.rows.map((r) => r.slot_id)).size).toBe(capacity.rows.length);
		const slots = new Set(capacity.rows.map((r) => `${r.clinic_code} ${r.slot_time}`));
		expect(slots.size).toBe(capacity.rows.length);
		const booked = rows.filter(
			(r) => r.event_type === 'appointment_booked' && r.appointment_time >= WINDOW_START
		);
		expect(booked.filter((r) => !slots.has(`${r.clinic_code} ${r.appointment_time}`)).length).toBe(
			0
		);
		const slot = capacity.rows[0];
		expect(slot.slot_time).toMatch(TIMESTAMP);
		expect(['first', 'follow_up']).toContain(slot.attendance_type);
		expect(Number(slot.duration_minutes)).toBeGreaterThan(0);
	});

	it('describes its organisations in world.json, with a name beside every code in the data', async () => {
		const world = JSON.parse(await readFile(join(dir, 'seed7', 'world.json'), 'utf8'));
		const codes = (list: { code: string; name: string }[]) => {
			for (const x of list) expect(x.name.length, x.code).toBeGreaterThan(3);
			return new Set(list.map((x) => x.code));
		};
		const providers = codes(world.providers);
		const commissioners = codes(world.commissioners);
		const practices = codes(world.practices);
		const specialties = codes(world.specialties);
		for (const r of rows) {
			expect(providers.has(r.provider_code), r.provider_code).toBe(true);
			if (r.event_type !== 'referral_received') continue;
			expect(commissioners.has(r.commissioner_code)).toBe(true);
			expect(specialties.has(r.specialty_code)).toBe(true);
			if (r.referrer_code) expect(practices.has(r.referrer_code)).toBe(true);
		}
		const lists = world.practices.map((p: { listSize: number }) => p.listSize);
		expect(lists.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1_500_000, -4);
		expect(world.practices.length).toBeGreaterThanOrEqual(100);
		expect(world.practices.length).toBeLessThanOrEqual(200);
	});

	describe('calibration report (the realism ranges of docs/definitions.md)', () => {
		it('is taken at the census, the last event date, over the year ending on it', () => {
			expect(calibration.census).toBe('2025-11-30');
			expect(calibration.period).toEqual({ from: '2024-12-01', to: '2025-11-30', days: 365 });
		});
		it.each(Object.keys(REALISM_RANGES) as RangeName[])('%s is in range', (name) => {
			const { value, range, ok } = calibration.ranges[name];
			expect(value).not.toBeNull();
			expect(value!).toBeGreaterThanOrEqual(range[0]);
			expect(value!).toBeLessThanOrEqual(range[1]);
			expect(ok).toBe(true);
		});
		it('has patient cancellations ≈ 7%, provider ≈ 9%, and about 20% of clock stops admitted', () => {
			expectBetween(calibration.patientCancellationPct!, 5, 9);
			expectBetween(calibration.providerCancellationPct!, 7, 11);
			expectBetween(calibration.clockStops.admittedSharePct!, 15, 25);
		});
		it('names the under-capacity specialties as the three most under capacity', () => {
			expect(calibration.mostUnderCapacity).toHaveLength(3);
		});
		it('agrees with an independent count from the CSV rows', () => {
			const m = measureRealism(text.split('\n'));
			expect(m.census).toBe(calibration.census);
			expect(m.waitingList).toBe(calibration.waitingList.total);
			expect(m.referralsInPeriod).toBe(calibration.referrals.received);
			expect(m.appointmentsInPeriod).toBe(calibration.appointments.total);
			expect(m.followUpToFirst).toBeCloseTo(calibration.followUpToFirst!, 10);
			expect(m.remoteSharePct).toBeCloseTo(calibration.remoteSharePct!, 10);
			expect(m.asiRateUnderCapacityPct).toBeCloseTo(calibration.asiRateUnderCapacityPct!, 10);
			expect(m.admittedStopSharePct).toBeCloseTo(calibration.clockStops.admittedSharePct!, 10);
			expect(m.patientCancelPct).toBeCloseTo(calibration.patientCancellationPct!, 10);
		});
	});

	describe('the product pipeline and metric SQL on the output', () => {
		let metrics: OverviewMetrics;
		beforeAll(async () => {
			const out = join(dir, 'published');
			const { report } = await runPipeline({
				input: result.path,
				out,
				extractDate: '2025-12-31',
				key: keyFromEnvironment({})
			});
			expect(report.quarantined).toBe(0);
			expect(report.accepted).toBe(result.rows);
			const db = await openDb();
			try {
				const manifest = await readManifest(out);
				await attachDataset(db, out, manifest);
				metrics = await overviewMetrics((sql) => db.all(sql), {
					asOf: manifest.dataPeriod!.to,
					from: calibration.period.from,
					to: calibration.period.to
				});
			} finally {
				db.close();
			}
		}, 180_000);

		it('accepts every row, and finds the same census', () => {
			expect(metrics.asOf).toBe(calibration.census);
		});
		it('gives the calibration report’s waiting list exactly', () => {
			const wl = calibration.waitingList;
			expect(metrics.waitingList.total).toBe(wl.total);
			expect(metrics.waitingList.over52Weeks).toBe(wl.over52Weeks);
			expect(metrics.waitingList.over65Weeks).toBe(wl.over65Weeks);
			expect(metrics.waitingList.over78Weeks).toBe(wl.over78Weeks);
			expect(metrics.waitingList.over104Weeks).toBe(wl.over104Weeks);
			expect(metrics.waitingList.within18WeeksPct).toBeCloseTo(wl.within18WeeksPct!, 9);
			expect(metrics.waitingList.medianWeeks).toBeCloseTo(wl.medianWeeks!, 9);
			expect(metrics.waitingList.p92Weeks).toBeCloseTo(wl.p92Weeks!, 9);
		});
		it('gives the same referrals, attendances and DNAs in the period', () => {
			expect(metrics.referrals.received).toBe(calibration.referrals.received);
			expect(metrics.appointments.attended).toBe(calibration.appointments.attended);
			expect(metrics.appointments.dna).toBe(calibration.appointments.dna);
			expect(metrics.appointments.dnaRate).toBeCloseTo(calibration.dnaRatePct!, 9);
		});
	});
});

describe('the England world', () => {
	it('has 7 regions, 42 ICBs, about 6,000 practices and unique codes', () => {
		const world = buildWorld('england');
		expect(world.regions).toHaveLength(7);
		expect(world.icbs).toHaveLength(42);
		expect(world.practices.length).toBeGreaterThan(5500);
		expect(world.practices.length).toBeLessThan(7000);
		const population = world.practices.reduce((a, p) => a + p.listSize, 0);
		expect(population).toBeGreaterThan(56e6);
		expect(population).toBeLessThan(58e6);
		for (const list of [world.providers, world.commissioners, world.practices, world.icbs])
			expect(new Set(list.map((x) => x.code)).size).toBe(list.length);
		for (const p of world.providers) expect(p.code).toMatch(/^R[A-Z0-9]{2}$/);
		expect(world.providers.length).toBeLessThan(256);
		expect(world.commissioners.length).toBeLessThan(256);
	});
	it('finds a region by code or name, and keeps its organisations when built alone', () => {
		expect(findRegion('Y63')).toBe(findRegion('north east and yorkshire'));
		expect(findRegion('Atlantis')).toBeUndefined();
		const all = buildWorld('england');
		const one = buildWorld('england', findRegion('London'));
		expect(one.regions.map((r) => r.name)).toEqual(['London']);
		const london = all.icbs.filter((i) => all.regions[i.region].name === 'London');
		expect(one.icbs.map((i) => i.code)).toEqual(london.map((i) => i.code));
	});
});

describe('parseCli(argv)', () => {
	it('reads every option', () => {
		expect(
			parseCli([
				'--out',
				'x',
				'--seed',
				'3',
				'--scale',
				'england',
				'--start',
				'2023-01-01',
				'--years',
				'2',
				'--format',
				'parquet',
				'--region',
				'London',
				'--growth',
				'0.02',
				'--no-capacity',
				'--quiet'
			])
		).toEqual({
			out: 'x',
			seed: 3,
			scale: 'england',
			start: '2023-01-01',
			years: 2,
			format: 'parquet',
			region: 'London',
			growth: 0.02,
			capacity: false,
			quiet: true
		});
		expect(parseCli(['--out', 'x', '--months', '18'])).toEqual({ out: 'x', months: 18 });
	});
	it('returns null for --help', () => expect(parseCli(['--help'])).toBeNull());
	it('rejects a missing --out, a bad scale, format or seed, and --years with --months', () => {
		expect(() => parseCli([])).toThrow(/--out/);
		expect(() => parseCli(['--out', 'x', '--scale', 'huge'])).toThrow(/small, icb or england/);
		expect(() => parseCli(['--out', 'x', '--format', 'xls'])).toThrow(/csv or parquet/);
		expect(() => parseCli(['--out', 'x', '--seed', 'abc'])).toThrow(/--seed/);
		expect(() => parseCli(['--out', 'x', '--years', '1', '--months', '3'])).toThrow(/not both/);
	});
	it('refuses --region below England scale, and an unknown region', async () => {
		await expect(generate({ out: join(tmpdir(), 'never'), region: 'London' })).rejects.toThrow(
			/england only/
		);
		await expect(
			generate({ out: join(tmpdir(), 'never'), scale: 'england', region: 'Atlantis' })
		).rejects.toThrow(/unknown region/);
	});
});

describe('bin/generate.ts', () => {
	it('fails with a one-line message and exit code 1', async () => {
		const bin = resolve(import.meta.dirname, '../../data-pipelines/bin/generate.ts');
		const run = promisify(execFile)(process.execPath, [
			bin,
			'--out',
			join(dir ?? tmpdir(), 'x'),
			'--start',
			'2024-02-30'
		]);
		const error = (await run.then(
			() => null,
			(e: unknown) => e
		)) as { code: number; stderr: string } | null;
		expect(error?.code).toBe(1);
		expect(error?.stderr.trim().split('\n')).toHaveLength(1);
		expect(error?.stderr).toMatch(/invalid date "2024-02-30"/);
	});
});

function groupBy<T>(list: T[], key: (x: T) => string): Map<string, T[]> {
	const out = new Map<string, T[]>();
	for (const x of list) {
		const k = key(x);
		const l = out.get(k);
		if (l) l.push(x);
		else out.set(k, [x]);
	}
	return out;
}

/** Event ids and failed checks of the first rows that break a rule (a check is true or its name). */
function violations(list: Row[], checks: (r: Row) => (true | string)[], limit = 5): string[] {
	const out: string[] = [];
	for (const r of list) {
		const failed = checks(r).filter((c): c is string => c !== true);
		if (failed.length > 0) out.push(`${r.event_id}: ${failed.join(', ')}`);
		if (out.length >= limit) break;
	}
	return out;
}

function expectBetween(value: number, lo: number, hi: number): void {
	expect(value).toBeGreaterThanOrEqual(lo);
	expect(value).toBeLessThanOrEqual(hi);
}
