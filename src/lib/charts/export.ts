/**
 * A chart as a file for a board paper: the chart's SVG made standalone (its styles written onto
 * each mark, since the page's style sheet does not travel with it), with its title, subtitle,
 * what to notice, legend and source drawn above and below it, as SVG or as PNG at twice the
 * screen's resolution. Nothing is fetched: fonts fall back to Arial, as NHS laptops have.
 */

/** One legend entry: a swatch of colour, or a line (solid or dashed) for a rule. */
export interface LegendItem {
	label: string;
	colour: string;
	kind?: 'swatch' | 'line' | 'dashed';
}

export interface ExportText {
	title: string;
	subtitle?: string;
	notice?: string;
	source?: string;
	legend?: readonly LegendItem[];
}

const SVG_NS = 'http://www.w3.org/2000/svg';
/** The computed styles that change how a mark looks, written onto the standalone copy. */
const STYLES = [
	'fill',
	'fill-opacity',
	'stroke',
	'stroke-width',
	'stroke-dasharray',
	'stroke-opacity',
	'stroke-linejoin',
	// A label's white edge is drawn under its text, not over it.
	'paint-order',
	'opacity',
	'font-size',
	'font-weight',
	'font-family',
	'text-anchor',
	'dominant-baseline',
	'visibility'
] as const;
const FONT = 'Arial, Helvetica, sans-serif';

const escapeXml = (text: string) => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Lines of at most about `width` pixels of 14px Arial (an average glyph is about 0.52 em). */
export function wrapText(text: string, width: number, fontSize = 14): string[] {
	const perLine = Math.max(10, Math.floor(width / (fontSize * 0.52)));
	const lines: string[] = [];
	let line = '';
	for (const word of text.split(/\s+/).filter(Boolean)) {
		if (line && line.length + 1 + word.length > perLine) {
			lines.push(line);
			line = word;
		} else line = line ? `${line} ${word}` : word;
	}
	if (line) lines.push(line);
	return lines;
}

/** A colour as the page shows it: `var(--name)` read from the element's custom properties. */
function resolveColour(element: Element, colour: string): string {
	const name = /^var\((--[\w-]+)\)$/.exec(colour.trim())?.[1];
	return name ? getComputedStyle(element).getPropertyValue(name).trim() || '#212b32' : colour;
}

/** Copies each element's computed look onto its clone, so the copy needs no style sheet. */
function inlineStyles(live: Element, copy: Element): void {
	const style = getComputedStyle(live);
	const declarations = STYLES.map((p) => [p, style.getPropertyValue(p)] as const)
		.filter(([, v]) => v !== '' && v !== 'normal' && v !== 'auto')
		.map(([p, v]) => `${p}:${v}`);
	if (declarations.length) copy.setAttribute('style', declarations.join(';'));
	copy.removeAttribute('class');
	// A `var(…)` means nothing without the page's style sheet: the computed value above stands.
	for (const attribute of [...copy.attributes])
		if (attribute.value.includes('var(')) copy.removeAttribute(attribute.name);
	const liveChildren = live.children;
	const copyChildren = copy.children;
	for (let i = 0; i < liveChildren.length; i++) inlineStyles(liveChildren[i], copyChildren[i]);
}

/** The chart drawn in `container` as a standalone SVG with its text around it; `width` × `height`. */
export function standaloneSvg(
	container: HTMLElement,
	text: ExportText
): { svg: string; width: number; height: number } {
	const svg = container.querySelector('svg');
	if (!svg) throw new Error('the chart is not drawn yet');
	// LayerCake places its SVG inside the chart's box, offset by the chart's padding, and draws
	// the axes into that padding: the file holds the whole box.
	const outer = container.getBoundingClientRect();
	const box = svg.getBoundingClientRect();
	const chartWidth = Math.round(outer.width);
	const chartHeight = Math.round(outer.height);
	const margin = 16;
	const width = Math.max(chartWidth + 2 * margin, 480);
	const inner = width - 2 * margin;
	const parts: string[] = [];
	let y = margin;
	const line = (content: string, size: number, weight = 'normal', colour = '#212b32') => {
		y += size * 1.25;
		parts.push(
			`<text x="${margin}" y="${y}" font-family="${FONT}" font-size="${size}" font-weight="${weight}" fill="${colour}">${escapeXml(content)}</text>`
		);
	};
	line(text.title, 20, 'bold');
	if (text.subtitle)
		for (const l of wrapText(text.subtitle, inner, 14)) line(l, 14, 'normal', '#4c6272');
	if (text.legend?.length) {
		y += 12;
		let x = margin;
		for (const item of text.legend) {
			const colour = escapeXml(resolveColour(svg, item.colour));
			const labelWidth = item.label.length * 14 * 0.52;
			if (x > margin && x + 22 + labelWidth > width - margin) {
				x = margin;
				y += 20;
			}
			const mark =
				item.kind === 'line' || item.kind === 'dashed'
					? `<line x1="${x}" x2="${x + 16}" y1="${y + 7}" y2="${y + 7}" stroke="${colour}" stroke-width="2"${item.kind === 'dashed' ? ' stroke-dasharray="6 4"' : ''}/>`
					: `<rect x="${x}" y="${y}" width="14" height="14" fill="${colour}" stroke="#212b32"/>`;
			parts.push(
				mark,
				`<text x="${x + 22}" y="${y + 12}" font-family="${FONT}" font-size="14" fill="#212b32">${escapeXml(item.label)}</text>`
			);
			x += 22 + labelWidth + 16;
		}
		y += 14;
	}
	y += 8;
	const copy = svg.cloneNode(true) as SVGSVGElement;
	inlineStyles(svg, copy);
	copy.setAttribute('x', String(margin + Math.round(box.left - outer.left)));
	copy.setAttribute('y', String(y + Math.round(box.top - outer.top)));
	copy.setAttribute('width', String(Math.round(box.width)));
	copy.setAttribute('height', String(Math.round(box.height)));
	copy.setAttribute('overflow', 'visible');
	copy.removeAttribute('style');
	parts.push(new XMLSerializer().serializeToString(copy));
	y += chartHeight;
	if (text.notice) {
		y += 6;
		for (const l of wrapText(text.notice, inner, 14)) line(l, 14);
	}
	if (text.source) {
		y += 4;
		for (const l of wrapText(text.source, inner, 12)) line(l, 12, 'normal', '#4c6272');
	}
	const height = Math.ceil(y + margin);
	const doc =
		`<svg xmlns="${SVG_NS}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT}">` +
		`<rect width="100%" height="100%" fill="#ffffff"/>${parts.join('')}</svg>`;
	return { svg: doc, width, height };
}

/** A standalone SVG drawn onto a canvas at `scale` × its size, as a PNG. */
export async function svgToPng(
	svg: string,
	width: number,
	height: number,
	scale = 2
): Promise<Blob> {
	const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml;charset=utf-8' }));
	try {
		const image = new Image();
		image.width = width;
		image.height = height;
		await new Promise<void>((resolve, reject) => {
			image.onload = () => resolve();
			image.onerror = () => reject(new Error('the chart could not be drawn as an image'));
			image.src = url;
		});
		const canvas = document.createElement('canvas');
		canvas.width = Math.round(width * scale);
		canvas.height = Math.round(height * scale);
		const context = canvas.getContext('2d');
		if (!context) throw new Error('this browser cannot draw the chart as an image');
		context.scale(scale, scale);
		context.drawImage(image, 0, 0, width, height);
		return await new Promise<Blob>((resolve, reject) =>
			canvas.toBlob(
				(blob) => (blob ? resolve(blob) : reject(new Error('the image could not be made'))),
				'image/png'
			)
		);
	} finally {
		URL.revokeObjectURL(url);
	}
}

/** Offers a blob to the user as a file download. */
export function downloadBlob(filename: string, blob: Blob): void {
	const url = URL.createObjectURL(blob);
	const link = document.createElement('a');
	link.href = url;
	link.download = filename;
	document.body.append(link);
	link.click();
	link.remove();
	setTimeout(() => URL.revokeObjectURL(url), 1000);
}
