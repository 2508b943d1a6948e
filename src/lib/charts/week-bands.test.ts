import { describe, expect, it } from 'vitest';
import { bandLabel, fillBands, waitGroup } from './week-bands.ts';

describe('week bands', () => {
	it('bandLabel names bands as NHS England does, with 104+ on top', () => {
		expect([bandLabel(0), bandLabel(17), bandLabel(103), bandLabel(104)]).toEqual([
			'0-1',
			'17-18',
			'103-104',
			'104+'
		]);
	});
	it('waitGroup splits at 18 and 52 weeks', () => {
		expect([17, 18, 51, 52].map(waitGroup)).toEqual([
			'within18',
			'weeks18to51',
			'weeks18to51',
			'over52'
		]);
	});
	it('fillBands fills empty bands with zero up to at least 52 weeks', () => {
		const bars = fillBands([
			{ week_band: 2, pathways: 5 },
			{ week_band: 60, pathways: 1 }
		]);
		expect(bars).toHaveLength(61);
		expect(bars[0].pathways).toBe(0);
		expect(bars[2].pathways).toBe(5);
		expect(fillBands([])).toHaveLength(53);
	});
});
