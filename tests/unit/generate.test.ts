import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generate } from '../../data-pipelines/generate/generate.ts';
import { parseCli } from '../../data-pipelines/generate/cli.ts';
import { CSV_COLUMNS } from '../../data-pipelines/generate/write-csv.ts';
import {
	AGE_BANDS,
	APPOINTMENT_EVENTS,
	COLUMNS,
	EVENT_TYPES,
	STOP_REASONS
} from '../../data-pipelines/lib/contract.ts';
import { measureRealism } from '../../data-pipelines/generate/realism.ts';
import type { Realism } from '../../data-pipelines/generate/realism.ts';

const EVENT_TYPES_SET = new Set<string>(EVENT_TYPES);
const APPOINTMENT_TYPES = new Set<string>(APPOINTMENT_EVENTS);
const STOP_REASONS_SET = new Set<string>(STOP_REASONS);
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;
/** Default window: 2024-04-01 plus 20 months, so the last data day is 2025-11-30. */
const DATA_END = '2025-11-30T23:59:59';

type Row = Record<string, string>;

let dir: string;
let text: string;
let rows: Row[];
let header: string[];

beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'generate-test-'));
	const result = await generate({ out: join(dir, 'seed7'), seed: 7, scale: 'small' });
	text = await readFile(result.path, 'utf8');
	const lines = text.split('\n');
	expect(lines.pop()).toBe('');
	header = lines[0].split(',');
	rows = lines.slice(1).map((line) => {
		const fields = line.split(',');
		const row: Row = {};
		header.forEach((name, i) => (row[name] = fields[i]));
		row.__width = String(fields.length);
		return row;
	});
	expect(rows.length).toBe(result.rows);
});

afterAll(async () => {
	await rm(dir, { recursive: true, force: true });
});

describe('generate({ seed, scale: "small" })', () => {
	it('is byte-identical for the same seed and differs for another', async () => {
		const again = await generate({ out: join(dir, 'seed7-again'), seed: 7, scale: 'small' });
		const other = await generate({ out: join(dir, 'seed8'), seed: 8, scale: 'small' });
		const [a, b] = await Promise.all([readFile(again.path, 'utf8'), readFile(other.path, 'utf8')]);
		expect(a === text).toBe(true);
		expect(b === text).toBe(false);
	});

	it('writes the header in the contract column order', () => {
		expect(header).toEqual([...COLUMNS]);
		expect(CSV_COLUMNS).toBe(COLUMNS);
		expect(header.slice(0, 6)).toEqual([
			'event_id',
			'event_type',
			'event_time',
			'pathway_id',
			'patient_id',
			'provider_code'
		]);
	});

	it('writes a small ICB: 3,000–6,000 referrals over 4 providers, 3 commissioners, 12+ specialties', () => {
		const referrals = rows.filter((r) => r.event_type === 'referral_received');
		expect(referrals.length).toBeGreaterThanOrEqual(3000);
		expect(referrals.length).toBeLessThanOrEqual(6000);
		expect(new Set(rows.map((r) => r.provider_code)).size).toBe(4);
		expect(new Set(referrals.map((r) => r.commissioner_code)).size).toBe(3);
		expect(new Set(referrals.map((r) => r.specialty_code)).size).toBeGreaterThanOrEqual(12);
		const practices = new Set(referrals.map((r) => r.referrer_code).filter((c) => c !== ''));
		expect(practices.size).toBeGreaterThanOrEqual(25);
		for (const code of practices) expect(code).toMatch(/^[A-Z]\d{5}$/);
	});

	it('fills the always-required columns on every row', () => {
		expect(
			violations(rows, (r) => [
				r.__width === String(COLUMNS.length) || 'column count',
				/^E\d+$/.test(r.event_id) || 'event_id',
				EVENT_TYPES_SET.has(r.event_type) || 'event_type',
				TIMESTAMP.test(r.event_time) || 'event_time',
				r.pathway_id !== '' || 'pathway_id',
				/^\d{10}$/.test(r.patient_id) || 'patient_id',
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
				r.care_setting === 'acute' || 'care_setting',
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
	});

	it('plays out each appointment id as one booking, then at most one outcome, in slot hours', () => {
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
			expect(slot.slice(11) >= '08:30:00' && slot.slice(11) <= '17:00:00', slot).toBe(true);
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

	it('gives each pathway at most one referral and one clock stop, and nothing before its referral', () => {
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
		// A pre-existing waiting list: referrals received before the window whose clocks still run.
		const before = [...referral.values()].filter((t) => t < '2024-04-01');
		expect(before.length).toBeGreaterThan(200);
	});

	it('mixes referrals like England: ~95% RTT, routine 80% / urgent 13% / two week wait 7%', () => {
		const inWindow = rows.filter(
			(r) => r.event_type === 'referral_received' && r.event_time >= '2024-04-01'
		);
		const share = (f: (r: Row) => boolean): number => inWindow.filter(f).length / inWindow.length;
		expect(share((r) => r.rtt === 'true')).toBeGreaterThan(0.92);
		expect(share((r) => r.rtt === 'true')).toBeLessThan(0.98);
		expect(share((r) => r.priority === 'routine')).toBeCloseTo(0.8, 1);
		expect(share((r) => r.priority === 'urgent')).toBeCloseTo(0.13, 1);
		expect(share((r) => r.priority === 'two_week_wait')).toBeCloseTo(0.07, 1);
		expect(share((r) => r.referral_source === 'gp')).toBeGreaterThan(0.7);
		const appointments = rows.filter((r) => r.event_type === 'appointment_booked');
		const faceToFace =
			appointments.filter((r) => r.consultation_medium === 'face_to_face').length /
			appointments.length;
		expect(faceToFace).toBeGreaterThan(0.78);
		expect(faceToFace).toBeLessThan(0.88);
	});

	describe('realism at the census (DOMAIN.md ranges)', () => {
		let m: Realism;
		beforeAll(() => {
			m = measureRealism(text.split('\n'));
		});
		it('census is the last event date', () => expect(m.census).toBe('2025-11-30'));
		it('% within 18 weeks is 55–75', () => expectBetween(m.within18WeeksPct, 55, 75));
		it('median wait is 8–16 weeks', () => expectBetween(m.medianWeeks, 8, 16));
		it('92nd percentile wait is 30–52 weeks', () => expectBetween(m.p92WeeksNhs, 30, 52));
		it('1–5% wait over 52 weeks', () => expectBetween(m.over52WeeksPct, 1, 5));
		it('DNA rate is 5–9% of attended + DNA', () => expectBetween(m.dnaRatePct, 5, 9));
		it('follow-up : first attendances is 1.6–2.4', () =>
			expectBetween(m.followUpToFirst, 1.6, 2.4));
		it('remote share of attendances is 10–25%', () => expectBetween(m.remoteSharePct, 10, 25));
		it('patient cancellations ≈ 7% and provider ≈ 9% of appointments', () => {
			expectBetween(m.patientCancelPct, 5, 9);
			expectBetween(m.providerCancelPct, 7, 11);
		});
		it('about 20% of clock stops are admitted', () =>
			expectBetween(m.admittedStopSharePct, 15, 25));
		it('slot issues are 5–25% of bookings in under-capacity specialties', () =>
			expectBetween(m.asiRateUnderCapacityPct, 5, 25));
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
				'icb',
				'--start',
				'2023-01-01',
				'--months',
				'18'
			])
		).toEqual({
			out: 'x',
			seed: 3,
			scale: 'icb',
			start: '2023-01-01',
			months: 18
		});
	});
	it('returns null for --help', () => expect(parseCli(['--help'])).toBeNull());
	it('rejects a missing --out, a bad scale and a bad seed', () => {
		expect(() => parseCli([])).toThrow(/--out/);
		expect(() => parseCli(['--out', 'x', '--scale', 'huge'])).toThrow(/small or icb/);
		expect(() => parseCli(['--out', 'x', '--seed', 'abc'])).toThrow(/--seed/);
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
