/**
 * How SPC charts show special causes (NHS England's Making Data Count colours: improvement
 * blue, concern orange, neutral purple, common cause grey), and what their icons say.
 */
import type { LegendItem } from './export.ts';
import type { SpcAssurance, SpcSpecial, SpcVariation } from '../metrics/spc.ts';

export const SPC_COLOURS: Record<SpcSpecial | 'common', string> = {
	improvement: 'var(--app-spc-improvement)',
	concern: 'var(--app-spc-concern)',
	neutral: 'var(--app-spc-neutral)',
	common: 'var(--app-spc-common)'
};

export const SPC_LEGEND: LegendItem[] = [
	{ label: 'Common cause', colour: SPC_COLOURS.common },
	{ label: 'Special cause: improvement', colour: SPC_COLOURS.improvement },
	{ label: 'Special cause: concern', colour: SPC_COLOURS.concern },
	{ label: 'Mean', colour: 'var(--app-chart-axis)', kind: 'line' },
	{ label: 'Process limits', colour: 'var(--app-chart-axis)', kind: 'dashed' }
];

export const VARIATION_TEXT: Record<SpcVariation, string> = {
	common_cause: 'Common cause variation: no significant change',
	special_cause_improvement: 'Special cause variation: improvement',
	special_cause_concern: 'Special cause variation: concern',
	special_cause_neutral_high: 'Special cause variation: higher, neither better nor worse',
	special_cause_neutral_low: 'Special cause variation: lower, neither better nor worse'
};

export const ASSURANCE_TEXT: Record<SpcAssurance, string> = {
	consistent_pass: 'The target will be met consistently (it lies beyond the limits)',
	consistent_fail: 'The target will be missed consistently unless the process changes',
	inconsistent: 'The target may or may not be met: it lies inside the limits'
};
