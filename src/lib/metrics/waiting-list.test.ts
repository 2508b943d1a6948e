import { describe, expect, it } from 'vitest';
import { groupBands, percentileWeeks, summariseBands } from './waiting-list.ts';

describe('band summaries worked out by hand', () => {
	it('interpolates a percentile inside the band that holds it', () => {
		// 20 pathways, 10 in band 0 and 10 in band 1: the 50th is the last of band 0.
		expect(
			percentileWeeks(
				[
					{ week_band: 0, n: 10 },
					{ week_band: 1, n: 10 }
				],
				50
			)
		).toBe(1);
		// 92% of 25 is exactly 23: the 23rd pathway is the 3rd of band 20's 5 (20 below it).
		const bands = [
			{ week_band: 3, n: 20 },
			{ week_band: 20, n: 5 }
		];
		expect(percentileWeeks(bands, 92)).toBeCloseTo(20 + 3 / 5, 12);
		expect(percentileWeeks([], 50)).toBeNull();
	});

	it('summarises a list: within 18 weeks (bands 0–17), the long waits and the percentiles', () => {
		const summary = summariseBands([
			{ week_band: 10, n: 6 },
			{ week_band: 17, n: 2 },
			{ week_band: 18, n: 1 },
			{ week_band: 60, n: 1 }
		]);
		expect(summary).toEqual({
			total: 10,
			within_18_weeks_pct: 80,
			over_52_weeks: 1,
			over_65_weeks: 0,
			over_78_weeks: 0,
			over_104_weeks: 0,
			median_weeks: 10 + 5 / 6,
			// 92% of 10 is 9.2: past the 9 in bands up to 18, 0.2 of the way into band 60.
			p92_weeks: expect.closeTo(60.2, 12)
		});
		expect(summariseBands([]).within_18_weeks_pct).toBeNull();
	});

	it('groups rows by key in the order they come, bands in order', () => {
		const groups = groupBands(
			[
				{ value: 'b', week_band: 2, n: 1 },
				{ value: 'a', week_band: 1, n: 2 },
				{ value: 'b', week_band: 0, n: 3 }
			],
			['value']
		);
		expect(groups).toEqual([
			{
				key: { value: 'b' },
				bands: [
					{ week_band: 0, n: 3 },
					{ week_band: 2, n: 1 }
				]
			},
			{ key: { value: 'a' }, bands: [{ week_band: 1, n: 2 }] }
		]);
	});
});
