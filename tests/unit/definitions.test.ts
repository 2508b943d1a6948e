/**
 * docs/definitions.md is the single source the code cites: every `docs/definitions.md "Section"`
 * in the sources names a heading it has, and the About page shows every section of it.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderDefinitions } from '../../src/lib/server/definitions.ts';

const ROOT = new URL('../..', import.meta.url).pathname;

async function sources(dir: string): Promise<string[]> {
	const entries = await readdir(join(ROOT, dir), { recursive: true, withFileTypes: true });
	return entries
		.filter((e) => e.isFile() && /\.(ts|svelte|sql)$/.test(e.name))
		.map((e) => join(e.parentPath, e.name));
}

describe('docs/definitions.md', () => {
	it('has every section the code cites', async () => {
		const markdown = await readFile(join(ROOT, 'docs/definitions.md'), 'utf8');
		const headings = new Set([...markdown.matchAll(/^#{2,4} (.+)$/gm)].map((m) => m[1]));
		const files = [...(await sources('src')), ...(await sources('data-pipelines'))];
		const cited: string[] = [];
		for (const file of files) {
			const text = await readFile(file, 'utf8');
			for (const m of text.matchAll(/docs\/definitions\.md(?:,)? "([^"]+)"(?:, "([^"]+)")*/g)) {
				for (const name of m.slice(1).filter(Boolean)) {
					cited.push(name);
					expect(headings.has(name), `${file} cites "${name}"`).toBe(true);
				}
			}
		}
		expect(cited.length).toBeGreaterThan(15);
	});

	it('renderDefinitions gives every section an id and lists the second-level ones', async () => {
		const markdown = await readFile(join(ROOT, 'docs/definitions.md'), 'utf8');
		const { intro, html, contents } = renderDefinitions(markdown);
		expect(intro).toMatch(/<h1 id="the-measures-definitions"/);
		expect(contents.map((c) => c.text)).toContain('Making Data Count: SPC charts');
		expect(html).toContain('<h3 id="median-and-92nd-percentile-wait" class="nhsuk-heading-s">');
		expect(html).toContain('<table class="nhsuk-table">');
		// No line of the text was taken for a list item of its own.
		expect(html).not.toMatch(/<li>cancelled by the provider/);
		expect(html).toContain(
			'<pre class="app-formula"><code>p-th percentile (weeks) = b + (p·N − C(b)) ÷ n(b)'
		);
	});
});
