/**
 * The full-size ICB world (`--scale icb`, the demo `npm start` shows): generated once (about a minute
 * on two cores) and checked against the realism ranges of docs/definitions.md "The demo data" and the volumes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from '../../data-pipelines/generate/generate.ts';
import type { GenerateResult } from '../../data-pipelines/generate/generate.ts';
import {
	CHRISTMAS_DIP_LIMIT_PCT,
	HISTOGRAM_DIP_LIMIT_PCT,
	REALISM_RANGES
} from '../../data-pipelines/generate/calibration.ts';
import type { RangeName } from '../../data-pipelines/generate/calibration.ts';

let dir: string;
let result: GenerateResult;

beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'generate-icb-'));
	result = await generate({ out: dir, seed: 42, scale: 'icb', capacity: false });
}, 600_000);

afterAll(async () => {
	if (dir) await rm(dir, { recursive: true, force: true });
});

async function countLines(path: string): Promise<number> {
	let lines = 0;
	for await (const chunk of createReadStream(path, {
		highWaterMark: 1 << 22
	}) as AsyncIterable<Buffer>) {
		let i = chunk.indexOf(10);
		while (i >= 0) {
			lines++;
			i = chunk.indexOf(10, i + 1);
		}
	}
	return lines;
}

describe('generate({ scale: "icb" })', () => {
	it('writes every event it counted, and the report beside them', async () => {
		expect(await countLines(result.path)).toBe(result.rows + 1);
		const written = JSON.parse(await readFile(join(dir, 'calibration.json'), 'utf8'));
		expect(written.waitingList).toEqual(result.calibration.waitingList);
	}, 120_000);

	it('is an ICB: ≈500k RTT referrals and ≈3M appointments a year, a waiting list of ≈200k', () => {
		const c = result.calibration;
		expect(c.referrals.clockStarts).toBeGreaterThan(450_000);
		expect(c.referrals.clockStarts).toBeLessThan(600_000);
		expect(c.appointments.perYear).toBeGreaterThan(2_500_000);
		expect(c.appointments.perYear).toBeLessThan(3_500_000);
		expect(c.waitingList.total).toBeGreaterThan(120_000);
		expect(c.waitingList.total).toBeLessThan(300_000);
	});

	it.each(Object.keys(REALISM_RANGES) as RangeName[])('%s is in the realism range', (name) => {
		const { value, range } = result.calibration.ranges[name];
		expect(value).not.toBeNull();
		expect(value!).toBeGreaterThanOrEqual(range[0]);
		expect(value!).toBeLessThanOrEqual(range[1]);
	});

	it('has a waiting-list histogram with no bank-holiday notch (docs/definitions.md "The demo data")', () => {
		const h = result.calibration.histogram;
		expect(h.largestDipPct).not.toBeNull();
		expect(h.largestDipPct!).toBeLessThanOrEqual(HISTOGRAM_DIP_LIMIT_PCT);
		expect(h.christmasDipPct!).toBeLessThanOrEqual(CHRISTMAS_DIP_LIMIT_PCT);
		expect(h.ok).toBe(true);
	});

	it('names under-capacity specialties as the three most under capacity, their lists growing', () => {
		for (const s of result.calibration.mostUnderCapacity) {
			expect(s.underCapacity, s.code).toBe(true);
			expect(s.load).toBeGreaterThan(1);
		}
	});

	it('shows the DNA drivers at scale', () => {
		const c = result.calibration;
		expect(c.dnaRateByAgeBand['18-24']!).toBeGreaterThan(1.5 * c.dnaRateByAgeBand['65-74']!);
		const imd1 = c.dnaRateByImdDecile['1']!;
		const imd10 = c.dnaRateByImdDecile['10']!;
		expect(imd1 / imd10).toBeGreaterThan(1.5);
		expect(imd1 / imd10).toBeLessThan(2.2);
		expect(c.dnaRateBySex.male!).toBeGreaterThan(c.dnaRateBySex.female!);
		expect(c.dnaRateByLeadTime['57+']!).toBeGreaterThan(1.5 * c.dnaRateByLeadTime['0-7']!);
		expect(c.dnaRateByPreviousDna.previous!).toBeGreaterThan(2 * c.dnaRateByPreviousDna.none!);
	});
});
