import { TOP_WEEK_BAND } from '../metrics/rtt.ts';
import type { WeekBandRow } from '../metrics/waiting-list.ts';
import type { LegendItem } from './export.ts';
import { formatCount } from '../format.ts';

export type WaitGroup = 'within18' | 'weeks18to51' | 'over52';

export interface BandBar {
	week_band: number;
	label: string;
	pathways: number;
	group: WaitGroup;
}

export const WAIT_GROUP_LABELS: Record<WaitGroup, string> = {
	within18: 'Within 18 weeks',
	weeks18to51: '18 to 52 weeks',
	over52: 'Over 52 weeks'
};

/** The label NHS England uses for a band: "0-1", "17-18", …, "104+". */
export function bandLabel(band: number): string {
	return band >= TOP_WEEK_BAND ? `${TOP_WEEK_BAND}+` : `${band}-${band + 1}`;
}

export function waitGroup(band: number): WaitGroup {
	return band < 18 ? 'within18' : band < 52 ? 'weeks18to51' : 'over52';
}

/** Every band from 0 to the longest wait (at least 52), empty bands as zero, for the chart. */
export function fillBands(rows: readonly WeekBandRow[]): BandBar[] {
	const byBand = new Map(rows.map((r) => [r.week_band, r.pathways]));
	const last = Math.max(52, ...rows.map((r) => r.week_band));
	return Array.from({ length: last + 1 }, (_, band) => ({
		week_band: band,
		label: bandLabel(band),
		pathways: byBand.get(band) ?? 0,
		group: waitGroup(band)
	}));
}

/** The colour of each group of bands. */
export const WAIT_GROUP_COLOURS: Record<WaitGroup, string> = {
	within18: 'var(--app-chart-1)',
	weeks18to51: 'var(--app-chart-4)',
	over52: 'var(--app-chart-2)'
};

/** The legend of a waiting list by week band: the groups, and the 18- and 52-week marks. */
export const WAIT_BAND_LEGEND: LegendItem[] = [
	...(Object.keys(WAIT_GROUP_LABELS) as WaitGroup[]).map((g) => ({
		label: WAIT_GROUP_LABELS[g],
		colour: WAIT_GROUP_COLOURS[g]
	})),
	{ label: '18- and 52-week marks', colour: 'var(--app-chart-target)', kind: 'dashed' as const }
];

/** The table twin of a waiting list by week band: the band, its pathways and its group. */
export const BAND_TABLE_COLUMNS = [
	{ key: 'label', label: 'Weeks waited' },
	{ key: 'pathways', label: 'Pathways', numeric: true, format: formatCount },
	{
		key: 'group',
		label: 'Group',
		format: (g: WaitGroup) => WAIT_GROUP_LABELS[g]
	}
] as const;
