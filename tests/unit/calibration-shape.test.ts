/** The calibration report's check of the waiting list's shape (docs/definitions.md "The demo data"). */
import { describe, expect, it } from 'vitest';
import {
	CHRISTMAS_DIP_LIMIT_PCT,
	HISTOGRAM_DIP_LIMIT_PCT,
	histogramShape
} from '../../data-pipelines/generate/calibration.ts';

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86400000;
/** A list falling smoothly from 10,000 a band. */
const smooth = () => Float64Array.from({ length: 105 }, (_, b) => 10_000 * Math.exp(-b / 20));

describe('histogramShape', () => {
	const census = day('2025-11-30');
	it('passes a list that falls smoothly', () => {
		const h = histogramShape(smooth(), census);
		expect(h.ok).toBe(true);
		expect(h.largestDipPct!).toBeLessThan(1);
	});
	it('finds a bank-holiday notch a quarter deep at 13 weeks, and fails it', () => {
		const bands = smooth();
		bands[13] *= 0.75;
		const h = histogramShape(bands, census);
		expect(h.atBand).toBe(13);
		expect(h.largestDipPct!).toBeGreaterThan(HISTOGRAM_DIP_LIMIT_PCT);
		expect(h.ok).toBe(false);
	});
	it('judges the Christmas fortnight’s bands apart, against their own limit', () => {
		// 24 December 2024 is 341 days before the census: band 48.
		const bands = smooth();
		bands[48] *= 0.7;
		const quiet = histogramShape(bands, census);
		expect(quiet.christmasDipPct!).toBeGreaterThan(25);
		expect(quiet.ok).toBe(true);
		bands[48] *= 0.5;
		const closed = histogramShape(bands, census);
		expect(closed.christmasDipPct!).toBeGreaterThan(CHRISTMAS_DIP_LIMIT_PCT);
		expect(closed.ok).toBe(false);
	});
	it('does not judge a list too small for its notches to be more than noise', () => {
		const h = histogramShape(
			smooth().map((n) => n / 100),
			census
		);
		expect(h).toEqual({ largestDipPct: null, atBand: null, christmasDipPct: null, ok: null });
	});
});
