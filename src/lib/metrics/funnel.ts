/**
 * Funnel plots for a proportion (a DNA rate, % within 18 weeks) across organisations of
 * different size, by FunnelPlotR's method for proportions (Spiegelhalter 2005; the product's
 * definitions page, "Funnel plots"):
 * - the overall rate p̄ = Σ numerators ÷ Σ denominators;
 * - on the arcsine-square-root scale, Y = asin √p, with standard error s = 1 / (2 √n);
 * - limits sin²(asin √p̄ ± z √(s² + τ²)), the angle clipped to [0, π/2] before squaring, so a
 *   small n never folds a limit back past the mean; z = 1.959964 (95%) and 3.090232 (99.8%);
 * - overdispersion (an option): each organisation's z = (Y − asin √p̄) / s, winsorised at 10% each
 *   end; φ = Σ z² / k over the k organisations; τ² = max(0, (kφ − (k − 1)) / (Σw − Σw² / Σw)) with
 *   w = 1 / s², and none when kφ < k − 1.
 */

export const Z_95 = 1.959964;
export const Z_998 = 3.090232;

export interface FunnelUnit {
	id: string;
	numerator: number;
	denominator: number;
}

export interface FunnelLimits {
	lower95: number;
	upper95: number;
	lower998: number;
	upper998: number;
}

export interface FunnelPoint extends FunnelUnit, FunnelLimits {
	rate: number;
	z: number;
	/** Beyond the 99.8% limits, else the 95% ones, above or below; null inside both. */
	outside: 'high-99.8' | 'high-95' | 'low-95' | 'low-99.8' | null;
}

export interface Funnel {
	/** The overall rate, Σ numerators ÷ Σ denominators; null with no denominator. */
	rate: number | null;
	/** φ, the dispersion of the winsorised z-scores, and whether it shows overdispersion. */
	phi: number | null;
	overdispersed: boolean;
	/** τ² of the limits drawn: 0 unless the adjustment is on and the data are overdispersed. */
	tau2: number;
	/** Which limits are drawn, in words for the chart. */
	limitsDrawn: string;
	points: FunnelPoint[];
	/** The limits at a denominator of `n`, for the curves. */
	limitsAt(n: number): FunnelLimits;
}

const HALF_PI = Math.PI / 2;
const clamp = (angle: number) => Math.min(HALF_PI, Math.max(0, angle));

/** The p-th quantile (0–1) of sorted values, interpolated linearly (R's default, type 7). */
export function quantile(sorted: readonly number[], p: number): number {
	const h = (sorted.length - 1) * p;
	const lo = Math.floor(h);
	const hi = Math.ceil(h);
	return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** Values below the `p` quantile set to it, and above the 1 − `p` quantile set to that. */
export function winsorise(values: readonly number[], p = 0.1): number[] {
	const sorted = [...values].sort((a, b) => a - b);
	const low = quantile(sorted, p);
	const high = quantile(sorted, 1 - p);
	return values.map((v) => Math.min(high, Math.max(low, v)));
}

export interface FunnelOptions {
	/**
	 * The overdispersion adjustment: `auto` (default) applies it when the data are overdispersed
	 * (kφ > k − 1), `on` the same, `off` never. `auto` and `on` differ only in how it is said.
	 */
	overdispersion?: 'auto' | 'on' | 'off';
}

/** The funnel of `units` (those with a denominator of 0 are left out). */
export function funnelPlot(units: readonly FunnelUnit[], options: FunnelOptions = {}): Funnel {
	const mode = options.overdispersion ?? 'auto';
	const kept = units.filter((u) => u.denominator > 0);
	const numerator = kept.reduce((n, u) => n + u.numerator, 0);
	const denominator = kept.reduce((n, u) => n + u.denominator, 0);
	const rate = denominator > 0 ? numerator / denominator : null;
	const target = rate === null ? 0 : Math.asin(Math.sqrt(rate));
	const se = (n: number) => 1 / (2 * Math.sqrt(n));
	const zs = kept.map(
		(u) => (Math.asin(Math.sqrt(u.numerator / u.denominator)) - target) / se(u.denominator)
	);

	const k = kept.length;
	let phi: number | null = null;
	let tau2 = 0;
	let overdispersed = false;
	if (k > 1) {
		const winsorised = winsorise(zs);
		phi = winsorised.reduce((s, z) => s + z * z, 0) / k;
		overdispersed = k * phi > k - 1;
		if (overdispersed && mode !== 'off') {
			const w = kept.map((u) => 1 / se(u.denominator) ** 2);
			const sw = w.reduce((a, b) => a + b, 0);
			const sw2 = w.reduce((a, b) => a + b * b, 0);
			tau2 = Math.max(0, (k * phi - (k - 1)) / (sw - sw2 / sw));
		}
	}
	const limitsAt = (n: number): FunnelLimits => {
		const spread = Math.sqrt(se(n) ** 2 + tau2);
		const at = (z: number) => Math.sin(clamp(target + z * spread)) ** 2;
		return { lower95: at(-Z_95), upper95: at(Z_95), lower998: at(-Z_998), upper998: at(Z_998) };
	};
	const points: FunnelPoint[] = kept.map((u, i) => {
		const limits = limitsAt(u.denominator);
		const r = u.numerator / u.denominator;
		const outside =
			r > limits.upper998
				? 'high-99.8'
				: r > limits.upper95
					? 'high-95'
					: r < limits.lower998
						? 'low-99.8'
						: r < limits.lower95
							? 'low-95'
							: null;
		return { ...u, ...limits, rate: r, z: zs[i], outside };
	});
	const limitsDrawn =
		tau2 > 0
			? `95% and 99.8% limits adjusted for overdispersion (τ² = ${tau2.toPrecision(3)}, φ = ${phi!.toFixed(2)})`
			: mode !== 'off' && phi !== null
				? `95% and 99.8% limits, no overdispersion adjustment (φ = ${phi.toFixed(2)}: the data are not overdispersed)`
				: '95% and 99.8% limits, no overdispersion adjustment';
	return { rate, phi, overdispersed, tau2, limitsDrawn, points, limitsAt };
}
