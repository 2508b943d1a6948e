import { describe, expect, test } from 'vitest';
import WaitingListBands from '../../src/lib/charts/WaitingListBands.svelte';
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
});
