import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { E2E_PORT } from './paths.ts';

const APP = `http://127.0.0.1:${E2E_PORT}`;

test('the About page shows every section of docs/definitions.md, each reachable from its contents', async ({
	page
}) => {
	const markdown = await readFile('docs/definitions.md', 'utf8');
	const sections = [...markdown.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
	await page.goto(`${APP}/about`);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('The measures: definitions');
	const contents = page.getByRole('navigation', { name: 'On this page' });
	await expect(contents.getByRole('link')).toHaveText(sections);
	await contents.getByRole('link', { name: 'Making Data Count: SPC charts' }).click();
	await expect(page).toHaveURL(/#making-data-count-spc-charts$/);
	await expect(
		page.getByRole('heading', { name: 'Making Data Count: SPC charts' })
	).toBeInViewport();
	await expect(page.getByText('p-th percentile (weeks) = b + (p·N − C(b)) ÷ n(b)')).toBeVisible();
});
