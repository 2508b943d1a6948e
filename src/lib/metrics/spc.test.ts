/**
 * The XmR chart against series whose limits were worked out by hand (mean; moving ranges;
 * MR̄ with those ≥ 3.267 × MR̄ screened out; mean ± 2.66 × MR̄): each rule, screening, a rebase,
 * fewer than 12 points, and the icons.
 */
import { describe, expect, it } from 'vitest';
import { spcChart, specialCauses, xmrLimits, type SpcInput } from './spc.ts';

/** A series of values, one a week from 6 April 2025. */
function weekly(values: (number | null)[]): SpcInput[] {
	return values.map((value, i) => ({
		periodEnd: new Date(Date.UTC(2025, 3, 6 + 7 * i)).toISOString().slice(0, 10),
		value
	}));
}
const BASE = [10, 12, 10, 12, 10, 12, 10, 12, 10, 12, 10, 12];
const flagged = (chart: ReturnType<typeof spcChart>) =>
	chart.points.flatMap((p, i) => (p.rule ? [[i, p.rule, p.special]] : []));

describe('xmrLimits', () => {
	it('xmrLimits(10, 12, … twelve points) is 11 ± 2.66 × 2', () => {
		const l = xmrLimits(BASE);
		expect(l.mean).toBe(11);
		expect(l.lower).toBeCloseTo(5.68, 10);
		expect(l.upper).toBeCloseTo(16.32, 10);
		expect(l.lowerTwoSigma).toBeCloseTo(11 - (2 / 3) * 5.32, 10);
		expect(l.upperTwoSigma).toBeCloseTo(11 + (2 / 3) * 5.32, 10);
	});
	it('xmrLimits screens out a moving range of 3.267 × MR̄ or more before the limits', () => {
		// Moving ranges: eleven of 2 and one of 18: MR̄ 3.333, so 18 (≥ 10.89) is screened out.
		const values = [...BASE, 30];
		const mean = 162 / 13;
		expect(xmrLimits(values).upper).toBeCloseTo(mean + 2.66 * 2, 10);
		expect(xmrLimits(values, false).upper).toBeCloseTo(mean + 2.66 * (40 / 12), 10);
	});
});

describe('spcChart', () => {
	it('spcChart finds nothing special in common-cause variation', () => {
		const chart = spcChart(weekly(BASE), { improvement: 'increase' });
		expect(flagged(chart)).toEqual([]);
		expect(chart.variation).toBe('common_cause');
		expect(chart).toMatchObject({ mean: 11 });
	});

	it('spcChart flags a point outside the limits: improvement above when higher is better', () => {
		// 8, 14 … then 40: mean 172 / 13; moving ranges eleven of 6 and one of 26, which is
		// screened out (≥ 3.267 × 7.667), so MR̄ is 6 and the upper limit 13.23 + 15.96.
		const values = [8, 14, 8, 14, 8, 14, 8, 14, 8, 14, 8, 14, 40];
		const chart = spcChart(weekly(values), { improvement: 'increase' });
		expect(flagged(chart)).toEqual([[12, 'outside_limits', 'improvement']]);
		expect(chart.variation).toBe('special_cause_improvement');
		expect(chart.upperLimit).toBeCloseTo(172 / 13 + 2.66 * 6, 10);
		const lower = spcChart(weekly(values), { improvement: 'decrease' });
		expect(lower.variation).toBe('special_cause_concern');
		const neutral = spcChart(weekly(values));
		expect(flagged(neutral)).toEqual([[12, 'outside_limits', 'neutral']]);
		expect(neutral.variation).toBe('special_cause_neutral_high');
	});

	it('spcChart flags all 7 points of a trend, by the direction it runs', () => {
		// Mean 11.538, limits 7.327 to 15.750: 9 … 15 rise inside them.
		const chart = spcChart(weekly([10, 12, 10, 12, 10, 12, 9, 10, 11, 12, 13, 14, 15]), {
			improvement: 'decrease'
		});
		expect(flagged(chart)).toEqual([6, 7, 8, 9, 10, 11, 12].map((i) => [i, 'trend', 'concern']));
		expect(chart.variation).toBe('special_cause_concern');
	});

	it('spcChart: a tie breaks a trend', () => {
		const chart = spcChart(weekly([10, 12, 10, 12, 10, 12, 9, 10, 11, 11, 12, 13, 14, 15]));
		expect(chart.points.some((p) => p.rule === 'trend')).toBe(false);
	});

	it('spcChart flags the two of three points beyond 2σ, not the third', () => {
		// Mean 11.78, upper 2σ 15.985, upper limit 18.088: 16 and 16.2 beyond, 12.5 above the mean.
		const chart = spcChart(weekly([...BASE, 16, 12.5, 16.2]), { improvement: 'increase' });
		expect(flagged(chart)).toEqual([
			[12, 'two_of_three', 'improvement'],
			[14, 'two_of_three', 'improvement']
		]);
	});

	it('spcChart flags a shift: every point of a run of 7 or more on one side of the mean', () => {
		// Mean 11.631: the 12 before the run is above it too, so the run is 8 points.
		const chart = spcChart(
			weekly([10, 12, 10, 12, 10, 12, 12.5, 11.8, 12.2, 11.9, 12.4, 12.1, 12.3]),
			{
				improvement: 'increase'
			}
		);
		expect(flagged(chart)).toEqual(
			[5, 6, 7, 8, 9, 10, 11, 12].map((i) => [i, 'shift', 'improvement'])
		);
	});

	it('specialCauses: a point on the mean breaks a shift; 6 makes one as an option', () => {
		const limits = { mean: 0, lower: -10, upper: 10, lowerTwoSigma: -6.7, upperTwoSigma: 6.7 };
		const rules = (values: number[], shift = 7) =>
			specialCauses(values, limits, shift, 7).map((f) => f?.rule ?? null);
		expect(rules([1, -1, 1, 1, 1, 0, 1, 1, 1, 1])).toEqual(Array(10).fill(null));
		expect(rules([2, 1, 2, 1, 2, 1, 2])).toEqual(Array(7).fill('shift'));
		expect(rules([2, 1, 2, 1, 2, 1])).toEqual(Array(6).fill(null));
		expect(rules([2, 1, 2, 1, 2, 1], 6)).toEqual(Array(6).fill('shift'));
	});

	it('spcChart: a point outside the limits takes precedence over the shift it is part of', () => {
		const limits = { mean: 0, lower: -10, upper: 10, lowerTwoSigma: -6.7, upperTwoSigma: 6.7 };
		const flags = specialCauses([2, 1, 2, 11, 2, 1, 2], limits, 7, 7);
		expect(flags.map((f) => f?.rule)).toEqual([
			'shift',
			'shift',
			'shift',
			'outside_limits',
			'shift',
			'shift',
			'shift'
		]);
	});

	it('spcChart rebased: each phase has its own mean, limits and rules', () => {
		const second = BASE.map((v) => v + 10);
		const series = weekly([...BASE, ...second]);
		const single = spcChart(series, { improvement: 'increase' });
		// One set of limits (16 ± 5.32) over both: every point is special cause, low then high.
		expect(single.points.every((p) => p.rule !== null)).toBe(true);
		const rebased = spcChart(series, { improvement: 'increase', rebase: [series[12].periodEnd] });
		expect(flagged(rebased)).toEqual([]);
		expect(rebased.points[0]).toMatchObject({ phase: 0, mean: 11 });
		expect(rebased.points[12]).toMatchObject({ phase: 1, mean: 21 });
		expect(rebased).toMatchObject({ mean: 21 });
		expect(rebased.upperLimit).toBeCloseTo(26.32, 10);
		expect(rebased.variation).toBe('common_cause');
	});

	it('spcChart with fewer than 12 points in the last phase shows no icons', () => {
		const chart = spcChart(weekly(BASE.slice(0, 11)), { improvement: 'increase', target: 5 });
		expect(chart.variation).toBeNull();
		expect(chart.assurance).toBeNull();
		expect(chart.mean).toBeCloseTo(120 / 11, 10);
	});

	it('spcChart assurance: a target outside the limits is consistently met or missed', () => {
		const at = (target: number, improvement: 'increase' | 'decrease') =>
			spcChart(weekly(BASE), { improvement, target }).assurance;
		// Limits 5.68 to 16.32.
		expect(at(5, 'increase')).toBe('consistent_pass');
		expect(at(20, 'increase')).toBe('consistent_fail');
		expect(at(11, 'increase')).toBe('inconsistent');
		expect(at(20, 'decrease')).toBe('consistent_pass');
		expect(at(5, 'decrease')).toBe('consistent_fail');
		expect(spcChart(weekly(BASE), { target: 5 }).assurance).toBeNull();
		expect(spcChart(weekly(BASE), { improvement: 'increase' }).assurance).toBeNull();
	});

	it('spcChart keeps a period with no figure, uncharted and uncounted', () => {
		const chart = spcChart(weekly([...BASE.slice(0, 6), null, ...BASE.slice(6)]));
		expect(chart.points).toHaveLength(13);
		expect(chart.points[6]).toMatchObject({ value: null, rule: null, mean: 11 });
		expect(chart.mean).toBe(11);
	});
});
