/**
 * Funnel limits against values worked out by hand (the arcsine-square-root method; an
 * independent calculation gave the figures here), with and without the overdispersion
 * adjustment, and the clipping that keeps a small organisation's limits from folding back.
 */
import { describe, expect, it } from 'vitest';
import { funnelPlot, quantile, winsorise } from './funnel.ts';

const THREE = [
	{ id: 'A', numerator: 10, denominator: 100 },
	{ id: 'B', numerator: 30, denominator: 200 },
	{ id: 'C', numerator: 5, denominator: 100 }
];

describe('quantile and winsorise', () => {
	it('quantile(sorted, p) interpolates linearly, as R does by default', () => {
		expect(quantile([1, 2, 3, 4, 5], 0.1)).toBeCloseTo(1.4, 12);
		expect(quantile([1, 2, 3, 4, 5], 0.9)).toBeCloseTo(4.6, 12);
	});
	it('winsorise(values, 0.1) pulls the values beyond the 10% quantiles in to them', () => {
		expect(winsorise([5, 1, 3, 2, 4])).toEqual(
			[4.6, 1.4, 3, 2, 4].map((v) => expect.closeTo(v, 12))
		);
	});
});

describe('funnelPlot', () => {
	it('funnelPlot: the overall rate, each z-score and the limits at n = 100, unadjusted', () => {
		const funnel = funnelPlot(THREE, { overdispersion: 'off' });
		expect(funnel.rate).toBe(45 / 400);
		expect(funnel.points.map((p) => p.z)).toEqual(
			[-0.4058012300204483, 1.574268573722627, -2.3305441999906678].map((z) =>
				expect.closeTo(z, 10)
			)
		);
		expect(funnel.phi).toBeCloseTo(1.779433611118006, 10);
		expect(funnel.tau2).toBe(0);
		const at100 = funnel.limitsAt(100);
		expect(at100.lower95).toBeCloseTo(0.058383716171918315, 10);
		expect(at100.upper95).toBeCloseTo(0.1814543457821083, 10);
		expect(at100.lower998).toBeCloseTo(0.03475681755347334, 10);
		expect(at100.upper998).toBeCloseTo(0.2269540824377615, 10);
		// C, 5%, is below the 95% limit at its size (5.84%) but inside the 99.8% one.
		expect(funnel.points.map((p) => p.outside)).toEqual([null, null, 'low-95']);
		expect(funnel.limitsDrawn).toBe('95% and 99.8% limits, no overdispersion adjustment');
	});

	it('funnelPlot adjusts for overdispersion when kφ > k − 1, and says so', () => {
		const units = [
			[5, 100],
			[20, 100],
			[8, 120],
			[40, 200],
			[3, 90],
			[60, 300],
			[12, 150],
			[25, 110],
			[9, 80],
			[50, 250]
		].map(([numerator, denominator], i) => ({ id: `U${i}`, numerator, denominator }));
		const funnel = funnelPlot(units);
		expect(funnel.rate).toBeCloseTo(232 / 1500, 12);
		expect(funnel.phi).toBeCloseTo(6.070322514799876, 10);
		expect(funnel.overdispersed).toBe(true);
		expect(funnel.tau2).toBeCloseTo(0.00982204125151952, 12);
		expect(funnel.limitsAt(100).lower95).toBeCloseTo(0.03442740190896715, 10);
		expect(funnel.limitsAt(100).upper95).toBeCloseTo(0.3392656457183873, 10);
		expect(funnel.limitsDrawn).toMatch(
			/^95% and 99.8% limits adjusted for overdispersion \(τ² = 0.00982, φ = 6.07\)$/
		);
		const off = funnelPlot(units, { overdispersion: 'off' });
		expect(off.tau2).toBe(0);
		expect(off.limitsAt(100).upper95).toBeLessThan(funnel.limitsAt(100).upper95);
	});

	it('funnelPlot makes no adjustment when the data are not overdispersed', () => {
		const even = ['A', 'B', 'C', 'D'].map((id) => ({ id, numerator: 10, denominator: 100 }));
		const funnel = funnelPlot(even);
		expect(funnel.phi).toBe(0);
		expect(funnel.overdispersed).toBe(false);
		expect(funnel.tau2).toBe(0);
		expect(funnel.limitsDrawn).toMatch(
			/no overdispersion adjustment \(φ = 0.00: the data are not overdispersed\)/
		);
	});

	it('funnelPlot clips the angle to [0, π/2]: a tiny organisation’s limits are 0 and 1, never folded back', () => {
		const funnel = funnelPlot(
			[
				{ id: 'big', numerator: 1, denominator: 1000 },
				{ id: 'tiny', numerator: 0, denominator: 1 }
			],
			{ overdispersion: 'off' }
		);
		expect(funnel.limitsAt(1).lower998).toBe(0);
		expect(funnel.limitsAt(1).upper998).toBe(1);
	});

	it('funnelPlot leaves out an organisation with no denominator', () => {
		const funnel = funnelPlot([...THREE, { id: 'D', numerator: 0, denominator: 0 }], {
			overdispersion: 'off'
		});
		expect(funnel.points.map((p) => p.id)).toEqual(['A', 'B', 'C']);
		expect(funnelPlot([]).rate).toBeNull();
	});
});
