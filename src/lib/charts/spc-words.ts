/**
 * The words every page's SPC charts share: the period's name, the table twin's columns, and the
 * sentence that says what a chart shows (docs/definitions.md "Making Data Count: SPC charts").
 */
import { formatDate } from '$lib/format';
import type { Cadence } from '$lib/metrics/cadence';
import type { SpcChart } from '$lib/metrics/spc';
import { ASSURANCE_TEXT, VARIATION_TEXT } from './spc-style';

export const periodWord = (cadence: Cadence) => (cadence === 'week' ? 'week' : 'month');

/** The columns of an SPC chart's table twin, its values called `label` and shown by `format`. */
export function spcColumns(label: string, format: (n: number) => string) {
	return [
		{ key: 'periodEnd' as const, label: 'Period end', format: formatDate },
		{ key: 'value' as const, label, numeric: true, format },
		{ key: 'mean' as const, label: 'Mean', numeric: true, format },
		{ key: 'lowerLimit' as const, label: 'Lower limit', numeric: true, format },
		{ key: 'upperLimit' as const, label: 'Upper limit', numeric: true, format },
		{ key: 'special' as const, label: 'Special cause', format: (s: string | null) => s ?? 'none' }
	];
}

/** What an SPC chart shows, in a sentence. */
export function spcNotice(
	chart: SpcChart,
	what: string,
	format: (n: number) => string,
	cadence: Cadence
): string {
	const points = chart.points.filter((p) => p.value !== null);
	if (!points.length) return `No ${what} to chart in this period.`;
	const last = points[points.length - 1];
	const specials = points.filter((p) => p.special).length;
	const parts = [
		`The latest ${periodWord(cadence)}'s ${what} is ${format(last.value!)}, against a mean of ${format(chart.mean!)} (process limits ${format(chart.lowerLimit!)} to ${format(chart.upperLimit!)}).`
	];
	parts.push(
		chart.variation
			? `${VARIATION_TEXT[chart.variation]}${specials ? `; ${specials} of ${points.length} points show a special cause` : ''}.`
			: `Only ${points.length} points: too few (under 12) to judge variation.`
	);
	if (chart.assurance) parts.push(`${ASSURANCE_TEXT[chart.assurance]}.`);
	return parts.join(' ');
}
