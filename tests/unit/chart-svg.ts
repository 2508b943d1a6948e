/**
 * Chart snapshots in Observable Plot's manner: a chart drawn on the server at a fixed size on
 * fixed data, its SVG normalised (numbers rounded to 2 places, ids renumbered in order, Svelte's
 * markers and style hashes dropped, one element a line) so that a snapshot changes only when the chart's shape does.
 */
import type { Component } from 'svelte';
import { render } from 'svelte/server';

/** The first `<svg>…</svg>` in `html`, normalised. */
export function normaliseSvg(html: string): string {
	const start = html.indexOf('<svg');
	const end = html.lastIndexOf('</svg>');
	if (start < 0 || end < 0) throw new Error('no <svg> was drawn');
	const ids = new Map<string, string>();
	const id = (name: string) => {
		if (!ids.has(name)) ids.set(name, `id${ids.size}`);
		return ids.get(name)!;
	};
	return (
		html
			.slice(start, end + '</svg>'.length)
			.replace(/<!--[^]*?-->/g, '')
			.replace(/\s?svelte-[a-z0-9]+/g, '')
			.replace(/\s(?:id)="([^"]+)"/g, (_, name) => ` id="${id(name)}"`)
			.replace(/url\(#([^)]+)\)/g, (_, name) => `url(#${id(name)})`)
			.replace(/-?\d*\.\d+(?:e-?\d+)?|-?\d+e-?\d+/g, (n) => {
				const rounded = Math.round(Number(n) * 100) / 100;
				return String(Object.is(rounded, -0) ? 0 : rounded);
			})
			.replace(/>\s*</g, '>\n<')
			.trim() + '\n'
	);
}

/** Draws `component` with `props` on the server and returns its normalised SVG. */
export function chartSvg<P extends Record<string, unknown>>(
	component: Component<P>,
	props: P
): string {
	return normaliseSvg(render(component, { props }).body);
}
