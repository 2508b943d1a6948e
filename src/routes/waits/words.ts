/**
 * What the waits page says of its figures: the sentence under each chart (what to notice), the
 * rows of each chart's table twin, and the stacks its bar charts draw.
 */
import { bandLabel } from '$lib/charts/week-bands';
import { stackRows, type Stacked } from '$lib/charts/stack';
import { formatCount, formatDate, formatPercent, formatWeeks } from '$lib/format';
import type { Cadence } from '$lib/metrics/cadence';
import type { SpcChart } from '$lib/metrics/spc';
import type { Funnel, FunnelPoint } from '$lib/metrics/funnel';
import type {
	AttributeRow,
	CompareBy,
	FlowRow,
	WaitsAttribute,
	WaitsViewData
} from '$lib/metrics/waits-view';
import {
	attributeLabel,
	CORE20_DECILES,
	isRecorded,
	PRIORITIES,
	PRIORITY_NAMES
} from '$lib/reference/attributes';
import { periodWord, spcColumns, spcNotice } from '$lib/charts/spc-words';

export { periodWord, spcColumns, spcNotice };

export { PRIORITIES, PRIORITY_NAMES };
export const PRIORITY_COLOURS: Record<string, string> = {
	routine: 'var(--app-chart-1)',
	urgent: 'var(--app-chart-4)',
	two_week_wait: 'var(--app-chart-2)'
};

export const FLOW_KEYS = [
	'clock_starts',
	'admitted',
	'non_admitted',
	'nullified',
	'removals'
] as const;
export const FLOW_NAMES: Record<(typeof FLOW_KEYS)[number], string> = {
	clock_starts: 'Clock starts (new RTT periods)',
	admitted: 'Admitted clock stops',
	non_admitted: 'Non-admitted clock stops',
	nullified: 'Nullified (first appointment DNA)',
	removals: 'Removals (validation, died)'
};
export const FLOW_COLOURS: Record<(typeof FLOW_KEYS)[number], string> = {
	clock_starts: 'var(--app-chart-1)',
	admitted: 'var(--app-chart-2)',
	non_admitted: 'var(--app-chart-3)',
	nullified: 'var(--app-chart-4)',
	removals: 'var(--app-chart-8)'
};

/** The list by week band, stacked by priority, every band from 0 to the longest wait. */
export function priorityStacks(bands: WaitsViewData['bands']): {
	stacks: Stacked[];
	rows: Record<string, number | string>[];
} {
	const last = Math.max(52, ...bands.map((b) => b.week_band));
	const cells = new Map(bands.map((b) => [`${b.priority} ${b.week_band}`, b.pathways]));
	const rows = Array.from({ length: last + 1 }, (_, band) => {
		const row: Record<string, number | string> = { band, label: bandLabel(band) };
		let total = 0;
		for (const p of PRIORITIES) {
			const n = cells.get(`${p} ${band}`) ?? 0;
			row[p] = n;
			total += n;
		}
		row.total = total;
		return row;
	});
	return {
		stacks: stackRows(
			rows,
			(r) => r.band as number,
			PRIORITIES,
			(r, k) => r[k] as number
		),
		rows
	};
}

/** Each period's flows: in above zero, out below. */
export function flowStacks(flows: readonly FlowRow[]): Stacked[] {
	return stackRows(
		flows,
		(r) => r.period_end,
		FLOW_KEYS,
		(r, k) =>
			k === 'clock_starts'
				? r.clock_starts
				: -(
						r[k as Exclude<(typeof FLOW_KEYS)[number], 'clock_starts'>] +
						(k === 'removals' ? r.other_stops : 0)
					)
	);
}

/** Is the list growing, and why: the flows of the period in a sentence. */
export function flowsNotice(flows: readonly FlowRow[], cadence: Cadence): string {
	if (!flows.length) return 'No clock started or stopped in this period.';
	const sum = (k: keyof FlowRow) => flows.reduce((n, f) => n + (f[k] as number), 0);
	const starts = sum('clock_starts');
	const stops = sum('admitted') + sum('non_admitted');
	const other = sum('nullified') + sum('removals') + sum('other_stops');
	const net = sum('net_change');
	const growing = flows.filter((f) => f.net_change > 0).length;
	const word = periodWord(cadence);
	return (
		`Over these ${flows.length} ${word}s, ${formatCount(starts)} clocks started and ${formatCount(stops)} stopped with treatment or a decision ` +
		`(${formatCount(sum('admitted'))} admitted, ${formatCount(sum('non_admitted'))} not admitted); ${formatCount(other)} more left the list nullified or removed. ` +
		(net > 0
			? `The list grew by ${formatCount(net)}: demand ran ahead of what the pathway completed in ${growing} of the ${flows.length} ${word}s.`
			: net < 0
				? `The list shrank by ${formatCount(-net)}: the pathway completed more than it took on in ${flows.length - growing} of the ${flows.length} ${word}s.`
				: 'The list ended the period the size it started.')
	);
}

/** The rows of an attribute's table, and how complete the attribute is. */
export function attributeTable(attribute: WaitsAttribute, rows: readonly AttributeRow[]) {
	const total = rows.reduce((n, r) => n + r.total, 0);
	const recorded = rows
		.filter((r) => isRecorded(attribute, r.value))
		.reduce((n, r) => n + r.total, 0);
	return {
		rows: rows.map((r) => ({
			label: attributeLabel(attribute, r.value),
			total: r.total,
			share: total ? (100 * r.total) / total : null,
			within18: r.within_18_weeks_pct,
			median: r.median_weeks,
			over52: r.over_52_weeks
		})),
		completeness: total ? (100 * recorded) / total : null,
		total
	};
}

/** The gap between Core20 (IMD deciles 1–2) and everyone else recorded, in a sentence. */
export function core20Gap(rows: readonly AttributeRow[]): string {
	const group = (inCore: boolean) => {
		const members = rows.filter(
			(r) =>
				r.value !== null && r.value !== 'unknown' && CORE20_DECILES.includes(r.value) === inCore
		);
		const total = members.reduce((n, r) => n + r.total, 0);
		const within = members.reduce((n, r) => n + (r.total * (r.within_18_weeks_pct ?? 0)) / 100, 0);
		const over52 = members.reduce((n, r) => n + r.over_52_weeks, 0);
		return {
			total,
			within: total ? (100 * within) / total : null,
			over52: total ? (100 * over52) / total : null
		};
	};
	const core = group(true);
	const rest = group(false);
	if (!core.total || !rest.total || core.within === null || rest.within === null)
		return 'Too few pathways with a recorded deprivation decile to compare Core20 with the rest.';
	const gap = core.within - rest.within;
	return (
		`Core20 (the most deprived fifth, IMD deciles 1–2): ${formatPercent(core.within)} within 18 weeks, against ${formatPercent(rest.within)} for deciles 3–10, ` +
		(Math.abs(gap) < 0.05
			? 'the same. '
			: `${Math.abs(gap).toFixed(1)} percentage points ${gap < 0 ? 'worse' : 'better'}. `) +
		`${formatPercent(core.over52)} of Core20 pathways have waited over 52 weeks, against ${formatPercent(rest.over52)} of the rest.`
	);
}

/** The sentence under the distribution chart. */
export function bandsNotice(
	rows: readonly Record<string, number | string>[],
	asOf: string
): string {
	const total = rows.reduce((n, r) => n + (r.total as number), 0);
	if (!total) return `No one was waiting on ${asOf}.`;
	const over18 = rows
		.filter((r) => (r.band as number) >= 18)
		.reduce((n, r) => n + (r.total as number), 0);
	const share = (p: string) => {
		const all = rows.reduce((n, r) => n + (r[p] as number), 0);
		const long = rows
			.filter((r) => (r.band as number) >= 18)
			.reduce((n, r) => n + (r[p] as number), 0);
		return all ? `${PRIORITY_NAMES[p].toLowerCase()} ${formatPercent((100 * long) / all)}` : null;
	};
	return (
		`${formatCount(over18)} of ${formatCount(total)} pathways (${formatPercent((100 * over18) / total)}) have waited 18 weeks or more. ` +
		`By priority, the share past 18 weeks is ${PRIORITIES.map(share).filter(Boolean).join(', ')}.`
	);
}

export { formatWeeks };

export const COMPARE_NAMES: Record<CompareBy, { one: string; plural: string }> = {
	provider: { one: 'Provider', plural: 'Providers' },
	commissioner: { one: 'Commissioner', plural: 'Commissioners' },
	specialty: { one: 'Specialty', plural: 'Specialties' }
};

/** What the funnel shows, in a sentence: who lies beyond the limits. */
export function funnelNotice(
	funnel: Funnel,
	by: CompareBy,
	name: (code: string) => string
): string {
	if (funnel.rate === null || funnel.points.length < 2) return 'Nothing to compare.';
	const below = funnel.points.filter((p) => p.outside?.startsWith('low'));
	const above = funnel.points.filter((p) => p.outside?.startsWith('high'));
	const list = (ps: FunnelPoint[]) => ps.map((p) => name(p.id)).join(', ');
	const plural = COMPARE_NAMES[by].plural.toLowerCase();
	return (
		`Overall ${formatPercent(100 * funnel.rate)} are within 18 weeks. ` +
		(below.length || above.length
			? [
					below.length ? `Below the 95% limits, more than chance would give: ${list(below)}.` : '',
					above.length ? `Above them: ${list(above)}.` : ''
				]
					.filter(Boolean)
					.join(' ')
			: `All ${funnel.points.length} ${plural} lie within the limits: their differences are what chance alone would give at their list sizes.`)
	);
}
