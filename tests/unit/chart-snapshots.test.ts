import { describe, expect, test } from 'vitest';
import StackedBandChart from '../../src/lib/charts/StackedBandChart.svelte';
import WaitingListBands from '../../src/lib/charts/WaitingListBands.svelte';
import { stackRows } from '../../src/lib/charts/stack.ts';
import { fillBands } from '../../src/lib/charts/week-bands.ts';
import { chartSvg, normaliseSvg } from './chart-svg.ts';

const SIZE = { width: 640, height: 320 };

describe('normaliseSvg', () => {
	test('rounds numbers, renumbers ids and drops Svelte markers', () => {
		expect(
			normaliseSvg(
				'<div><!--[--><svg><clipPath id="clip-7"><rect x="0.123456" y="-0.0001"/></clipPath><g clip-path="url(#clip-7)"/></svg></div>'
			)
		).toBe(
			'<svg>\n<clipPath id="id0">\n<rect x="0.12" y="0"/>\n</clipPath>\n<g clip-path="url(#id0)"/>\n</svg>\n'
		);
	});
});

describe('chart snapshots', () => {
	test('the waiting list by week band', async () => {
		const bars = fillBands(
			[0, 3, 10, 17, 18, 30, 51, 52, 60, 70].map((week_band, i) => ({
				week_band,
				pathways: 100 - 9 * i
			}))
		);
		await expect(chartSvg(WaitingListBands, { bars, size: SIZE })).toMatchFileSnapshot(
			'snapshots/waiting-list-bands.svg'
		);
	});

	test('flows in and out, stacked above and below zero', async () => {
		// Four weeks: starts above zero; two kinds of stop below, one of them absent in week 3.
		const rows = [
			{ week: '2025-03-09', starts: 40, admitted: -10, other: -25 },
			{ week: '2025-03-16', starts: 32, admitted: -12, other: -20 },
			{ week: '2025-03-23', starts: 45, admitted: 0, other: -30 },
			{ week: '2025-03-30', starts: 20, admitted: -8, other: -18 }
		];
		const keys = ['starts', 'admitted', 'other'] as const;
		const stacks = stackRows(
			rows,
			(r) => r.week,
			keys,
			(r, key) => r[key as (typeof keys)[number]]
		);
		const colours: Record<string, string> = {
			starts: '#005eb8',
			admitted: '#330072',
			other: '#ed8b00'
		};
		await expect(
			chartSvg(StackedBandChart, {
				stacks,
				colour: (key: string) => colours[key],
				ticks: rows.map((r) => r.week),
				xTitle: 'Week ending',
				yTitle: 'Pathways',
				format: String,
				zero: true,
				size: SIZE
			})
		).toMatchFileSnapshot('snapshots/flows-stacked.svg');
	});
});
