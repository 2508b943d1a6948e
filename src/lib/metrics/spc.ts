/**
 * Making Data Count XmR (individuals) charts, as NHS England's Making Data Count guidance and
 * NHS-R's NHSRplotthedots draw them (the product's definitions page, "Making Data Count"):
 * - centre line: the mean of the phase's values;
 * - moving ranges: |x(i) − x(i−1)| between consecutive points of a phase; their mean (MR̄), with
 *   moving ranges of 3.267 × MR̄ or more screened out and MR̄ worked out again (on by default);
 * - process limits: mean ± 2.66 × MR̄; the 2σ lines: mean ± (2 / 3 × 2.66) × MR̄.
 * Special cause, each point flagged by the first rule that holds, in this order:
 * 1. `outside_limits`: a point above the upper or below the lower limit;
 * 2. `trend`: 7 points each strictly above (or below) the one before (a tie breaks it): all 7;
 * 3. `two_of_three`: two of three consecutive points beyond a 2σ line but inside the limits,
 *    all three on that side of the mean: the points beyond the 2σ line;
 * 4. `shift`: 7 points (6 as an option) on one side of the mean (a point on the mean breaks
 *    it): all of them.
 * A flag is improvement or concern by the measure's good direction (for a trend, the direction
 * it runs; otherwise the side of the mean), or neutral when it has none. The variation icon
 * is the last point's; assurance compares a target with the last phase's limits. With fewer
 * than 12 points in the last phase there are no icons. A rebase starts a new phase, its own
 * mean, limits and rules, at a chosen point.
 */

export type Improvement = 'increase' | 'decrease' | 'neutral';
export type SpcRule = 'outside_limits' | 'trend' | 'two_of_three' | 'shift';
export type SpcSpecial = 'improvement' | 'concern' | 'neutral';
export type SpcVariation =
	| 'common_cause'
	| 'special_cause_improvement'
	| 'special_cause_concern'
	| 'special_cause_neutral_high'
	| 'special_cause_neutral_low';
export type SpcAssurance = 'consistent_pass' | 'consistent_fail' | 'inconsistent';

/** The mean moving range's multiplier for the process limits (3 ÷ d2, d2 = 1.128). */
export const LIMIT_FACTOR = 2.66;
/** Moving ranges of this many MR̄ or more are screened out before the limits are worked out. */
export const SCREEN_FACTOR = 3.267;
/** Fewer points than this in the last phase: no icons. */
export const MIN_POINTS_FOR_ICONS = 12;

export interface SpcInput {
	/** The period the point is for (`periodEnd`, `YYYY-MM-DD`), in time order. */
	periodEnd: string;
	/** Null for a period with no figure (no denominator): kept, never charted or counted. */
	value: number | null;
}

export interface SpcOptions {
	/** Which way is better (default neutral). */
	improvement?: Improvement;
	/** A target for the assurance icon, in the measure's units. */
	target?: number | null;
	/** Period ends at which a new phase of limits and rules starts (the first point of each). */
	rebase?: readonly string[];
	/** Screen out huge moving ranges before the limits are worked out (default on). */
	screenMovingRanges?: boolean;
	/** Points on one side of the mean that make a shift (default 7). */
	shiftLength?: 6 | 7;
	/** Points that make a trend (default 7). */
	trendLength?: number;
}

export interface SpcPoint {
	periodEnd: string;
	value: number | null;
	mean: number | null;
	lowerLimit: number | null;
	upperLimit: number | null;
	lowerTwoSigma: number | null;
	upperTwoSigma: number | null;
	/** The phase the point is in (0, then 1 after the first rebase …). */
	phase: number;
	special: SpcSpecial | null;
	rule: SpcRule | null;
}

export interface SpcChart {
	/** The last phase's mean and limits. */
	mean: number | null;
	lowerLimit: number | null;
	upperLimit: number | null;
	target: number | null;
	improvement: Improvement;
	variation: SpcVariation | null;
	assurance: SpcAssurance | null;
	points: SpcPoint[];
}

export interface Limits {
	mean: number;
	lower: number;
	upper: number;
	lowerTwoSigma: number;
	upperTwoSigma: number;
}

const average = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** The mean and limits of one phase's values (at least one). */
export function xmrLimits(values: readonly number[], screen = true): Limits {
	const mean = average(values);
	const ranges = values.slice(1).map((v, i) => Math.abs(v - values[i]));
	let mr = ranges.length ? average(ranges) : 0;
	if (screen && ranges.length) {
		const kept = ranges.filter((r) => r < SCREEN_FACTOR * mr);
		if (kept.length) mr = average(kept);
	}
	const limit = LIMIT_FACTOR * mr;
	const twoSigma = (2 / 3) * LIMIT_FACTOR * mr;
	return {
		mean,
		lower: mean - limit,
		upper: mean + limit,
		lowerTwoSigma: mean - twoSigma,
		upperTwoSigma: mean + twoSigma
	};
}

/** Runs of consecutive indices (into `xs`) for which `keep(i)` holds, at least `length` long. */
function runs(count: number, length: number, joins: (i: number) => boolean): number[][] {
	const found: number[][] = [];
	let run: number[] = [];
	for (let i = 0; i < count; i++) {
		if (run.length && joins(i)) run.push(i);
		else {
			if (run.length >= length) found.push(run);
			run = [i];
		}
	}
	if (run.length >= length) found.push(run);
	return found;
}

/** Which way a flag points: up (above the mean, or a rising trend) or down. */
type Side = 'high' | 'low';

function judge(side: Side, improvement: Improvement): SpcSpecial {
	if (improvement === 'neutral') return 'neutral';
	return (side === 'high') === (improvement === 'increase') ? 'improvement' : 'concern';
}

/** The flags of one phase's points, given its limits: rule and side, by the precedence above. */
export function specialCauses(
	values: readonly number[],
	limits: Limits,
	shiftLength: number,
	trendLength: number
): ({ rule: SpcRule; side: Side } | null)[] {
	const flags: ({ rule: SpcRule; side: Side } | null)[] = values.map(() => null);
	const set = (i: number, rule: SpcRule, side: Side) => {
		flags[i] ??= { rule, side };
	};
	const n = values.length;
	// 1. Outside the limits.
	values.forEach((v, i) => {
		if (v > limits.upper) set(i, 'outside_limits', 'high');
		else if (v < limits.lower) set(i, 'outside_limits', 'low');
	});
	// 2. Trends: each point strictly above (below) the one before.
	for (const [side, joins] of [
		['high', (i: number) => values[i] > values[i - 1]],
		['low', (i: number) => values[i] < values[i - 1]]
	] as const) {
		for (const run of runs(n, trendLength, joins)) for (const i of run) set(i, 'trend', side);
	}
	// 3. Two of three beyond a 2σ line (inside the limits), all three on that side of the mean.
	for (let i = 0; i + 2 < n; i++) {
		const window = [i, i + 1, i + 2];
		for (const side of ['high', 'low'] as const) {
			const onSide = (j: number) =>
				side === 'high' ? values[j] > limits.mean : values[j] < limits.mean;
			const beyond = (j: number) =>
				side === 'high'
					? values[j] > limits.upperTwoSigma && values[j] <= limits.upper
					: values[j] < limits.lowerTwoSigma && values[j] >= limits.lower;
			if (!window.every(onSide)) continue;
			const far = window.filter(beyond);
			if (far.length >= 2) for (const j of far) set(j, 'two_of_three', side);
		}
	}
	// 4. Shifts: consecutive points on one side of the mean; one on the mean breaks it.
	for (const side of ['high', 'low'] as const) {
		const onSide = (j: number) =>
			side === 'high' ? values[j] > limits.mean : values[j] < limits.mean;
		let run: number[] = [];
		const close = () => {
			if (run.length >= shiftLength) for (const j of run) set(j, 'shift', side);
			run = [];
		};
		for (let j = 0; j < n; j++) {
			if (onSide(j)) run.push(j);
			else close();
		}
		close();
	}
	return flags;
}

/** The XmR chart of a series, phase by phase (see the module's comment for the rules). */
export function spcChart(series: readonly SpcInput[], options: SpcOptions = {}): SpcChart {
	const improvement = options.improvement ?? 'neutral';
	const target = options.target ?? null;
	const rebase = new Set(options.rebase ?? []);
	const shiftLength = options.shiftLength ?? 7;
	const trendLength = options.trendLength ?? 7;
	const screen = options.screenMovingRanges ?? true;

	// Phases: a new one at each rebase point; null values belong to their phase but are not in it.
	const phaseOf: number[] = [];
	let phase = 0;
	series.forEach((p, i) => {
		if (i > 0 && rebase.has(p.periodEnd)) phase++;
		phaseOf.push(phase);
	});
	const points: SpcPoint[] = series.map((p, i) => ({
		periodEnd: p.periodEnd,
		value: p.value,
		mean: null,
		lowerLimit: null,
		upperLimit: null,
		lowerTwoSigma: null,
		upperTwoSigma: null,
		phase: phaseOf[i],
		special: null,
		rule: null
	}));
	let last: { limits: Limits; count: number } | null = null;
	for (let ph = 0; ph <= phase; ph++) {
		const members = points.filter(
			(p) => p.phase === ph && p.value !== null && Number.isFinite(p.value)
		);
		if (!members.length) continue;
		const values = members.map((p) => p.value as number);
		const limits = xmrLimits(values, screen);
		const flags = specialCauses(values, limits, shiftLength, trendLength);
		for (const p of points.filter((q) => q.phase === ph)) {
			Object.assign(p, {
				mean: limits.mean,
				lowerLimit: limits.lower,
				upperLimit: limits.upper,
				lowerTwoSigma: limits.lowerTwoSigma,
				upperTwoSigma: limits.upperTwoSigma
			});
		}
		members.forEach((p, i) => {
			const flag = flags[i];
			if (flag) {
				p.rule = flag.rule;
				p.special = judge(flag.side, improvement);
			}
		});
		last = { limits, count: members.length };
	}

	let variation: SpcVariation | null = null;
	let assurance: SpcAssurance | null = null;
	if (last && last.count >= MIN_POINTS_FOR_ICONS) {
		const final = [...points].reverse().find((p) => p.value !== null)!;
		const flag = final.special;
		if (!flag) variation = 'common_cause';
		else if (flag === 'improvement') variation = 'special_cause_improvement';
		else if (flag === 'concern') variation = 'special_cause_concern';
		else {
			// Neutral: high or low by the side the flag points to.
			const high =
				final.rule === 'trend'
					? final.value! > (points[points.indexOf(final) - 1]?.value ?? -Infinity)
					: final.value! > last.limits.mean;
			variation = high ? 'special_cause_neutral_high' : 'special_cause_neutral_low';
		}
		if (target !== null && improvement !== 'neutral') {
			const { lower, upper } = last.limits;
			const better = improvement === 'increase';
			if ((better && target < lower) || (!better && target > upper)) assurance = 'consistent_pass';
			else if ((better && target > upper) || (!better && target < lower))
				assurance = 'consistent_fail';
			else assurance = 'inconsistent';
		}
	}
	return {
		mean: last?.limits.mean ?? null,
		lowerLimit: last?.limits.lower ?? null,
		upperLimit: last?.limits.upper ?? null,
		target,
		improvement,
		variation,
		assurance,
		points
	};
}
