/**
 * The product's definitions (docs/definitions.md, the single source the code cites) as the About
 * page shows them: Markdown made into HTML on the server, in the NHS.UK frontend's classes, each
 * heading with the id GitHub gives it, so a link to a section works in the repository and in the
 * app alike. The page's own text, so it is trusted as written.
 */
import GithubSlugger from 'github-slugger';
import { Marked, type Tokens } from 'marked';

export interface Definitions {
	/** The title and what comes before the first section. */
	intro: string;
	/** The sections. */
	html: string;
	/** The sections (second-level headings), for the page's contents. */
	contents: { id: string; text: string }[];
}

const escapeHtml = (text: string) =>
	text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/** The definitions in `markdown`, as HTML and a list of sections. */
export function renderDefinitions(markdown: string): Definitions {
	const slugger = new GithubSlugger();
	const contents: Definitions['contents'] = [];
	const marked = new Marked({
		gfm: true,
		renderer: {
			heading({ tokens, depth, text }: Tokens.Heading) {
				const id = slugger.slug(text);
				if (depth === 2) contents.push({ id, text });
				const size = ['', 'l', 'm', 's', 'xs'][depth] ?? 'xs';
				return `<h${depth} id="${id}" class="nhsuk-heading-${size}">${this.parser.parseInline(tokens)}</h${depth}>\n`;
			},
			code({ text }: Tokens.Code) {
				return `<pre class="app-formula"><code>${escapeHtml(text)}</code></pre>\n`;
			},
			table(token: Tokens.Table) {
				const cell = (c: Tokens.TableCell, tag: 'th' | 'td') =>
					`<${tag} class="nhsuk-table__${tag === 'th' ? 'header' : 'cell'}"${tag === 'th' ? ' scope="col"' : ''}>${this.parser.parseInline(c.tokens)}</${tag}>`;
				const head = token.header.map((c) => cell(c, 'th')).join('');
				const rows = token.rows
					.map(
						(row) => `<tr class="nhsuk-table__row">${row.map((c) => cell(c, 'td')).join('')}</tr>`
					)
					.join('\n');
				return `<div class="app-table-scroll"><table class="nhsuk-table"><thead class="nhsuk-table__head"><tr class="nhsuk-table__row">${head}</tr></thead><tbody class="nhsuk-table__body">${rows}</tbody></table></div>\n`;
			}
		}
	});
	const all = marked.parse(markdown, { async: false });
	const first = all.indexOf('<h2');
	return {
		intro: first < 0 ? all : all.slice(0, first),
		html: first < 0 ? '' : all.slice(first),
		contents
	};
}
