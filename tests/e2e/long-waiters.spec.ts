import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { expectAccessible } from './axe.ts';
import { startCountingProxy, type CountingProxy } from './counting-proxy.ts';
import { metricsOf, optionValues, search, tiles } from './figures.ts';
import { E2E_DATASET, E2E_PORT } from './paths.ts';

let proxy: CountingProxy;
test.beforeAll(async () => {
	proxy = await startCountingProxy(E2E_PORT);
});
test.afterAll(async () => {
	await proxy.close();
});

const cli = (args: string[]) => metricsOf(E2E_DATASET, args);
const FACTS = ['pathways', 'appointments', 'stage_intervals', 'pathway_reviews'];

/** The table's pathway references, in the order drawn. */
const refs = (page: import('@playwright/test').Page) =>
	page.locator('.app-sortable tbody tr th').allTextContents();

test('one provider’s long waiters are the metrics CLI’s, read from that provider’s event-level files alone, by ranges', async ({
	page
}) => {
	await page.goto(`${proxy.url}/waits/long-waiters`);
	await expect(page.locator('[data-state="choose-provider"]')).toBeVisible();
	const provider = (await optionValues(page, 'filter-provider'))[0];

	proxy.reset();
	await page.goto(`${proxy.url}/waits/long-waiters${search({ provider })}`);
	const shown = await tiles(page, { provider });
	const { longWaiters } = await cli(['--provider', provider, '--long-waiters', '52']);
	expect(longWaiters.summary.total).toBeGreaterThan(0);
	expect(shown).toEqual(
		Object.fromEntries(
			Object.entries(longWaiters.summary).map(([k, v]) => [`longWaiters.summary.${k}`, v])
		)
	);
	expect(await refs(page)).toEqual(
		longWaiters.rows.slice(0, 500).map((r: { pathwayRef: string }) => r.pathwayRef)
	);
	// A row reads as the CLI's: weeks waited, and the next appointment and validation as dates.
	const first = longWaiters.rows[0];
	const row = page.locator(`tr[data-row="${first.pathwayRef}"]`);
	await expect(row).toContainText(String(first.weeksWaited));
	await expect(row).toContainText(first.lastValidated ? /\d+ \w+ 20\d\d/ : 'Never');

	// Only this provider's event-level files, each in part, by range requests.
	const manifest = JSON.parse(await readFile(join(E2E_DATASET, 'manifest.json'), 'utf8'));
	const parquet = proxy.served.filter((s) => s.path.endsWith('.parquet'));
	const read = new Set(parquet.map((s) => s.path.replace(/^\/data\/v\/[^/]+\//, '')));
	const expected = FACTS.flatMap((t) =>
		(manifest.tables[t].files as { file: string; partition: string | null }[])
			.filter((f) => f.partition === provider)
			.map((f) => f.file)
	);
	expect([...read].sort()).toEqual(expected.sort());
	for (const s of parquet) {
		expect(s.range, `${s.path} asked for a range`).toMatch(/^bytes=\d+-\d*$/);
		expect(s.status).toBe(206);
	}
});

test('the weeks live in the URL, the list sorts by any column and downloads whole as CSV, and it passes axe-core', async ({
	page
}) => {
	await page.goto(`${proxy.url}/waits/long-waiters`);
	await expect(page.locator('[data-state="choose-provider"]')).toBeVisible();
	await expectAccessible(page);
	const provider = (await optionValues(page, 'filter-provider'))[0];
	await page.goto(`${proxy.url}/waits/long-waiters${search({ provider })}`);
	await tiles(page, { provider });

	await page.getByLabel('Waited more than').selectOption('40');
	await tiles(page, { provider, over: '40' });
	expect(new URL(page.url()).searchParams.get('over')).toBe('40');
	const { longWaiters } = await cli(['--provider', provider, '--long-waiters', '40']);
	await expect(page.locator('[data-metric="longWaiters.summary.total"]')).toHaveAttribute(
		'data-value',
		String(longWaiters.summary.total)
	);
	await expectAccessible(page);

	// Sorted by clock start, oldest first on a second press: the longest wait heads it.
	const heading = page.getByRole('columnheader', { name: 'Clock start' });
	await heading.getByRole('button').click();
	await expect(heading).toHaveAttribute('aria-sort', 'descending');
	await heading.getByRole('button').click();
	await expect(heading).toHaveAttribute('aria-sort', 'ascending');
	const byStart = [...longWaiters.rows].sort(
		(a: { clockStart: string }, b: { clockStart: string }) =>
			a.clockStart < b.clockStart ? -1 : a.clockStart > b.clockStart ? 1 : 0
	);
	expect((await refs(page))[0]).toBe(byStart[0].pathwayRef);

	const [download] = await Promise.all([
		page.waitForEvent('download'),
		page.getByRole('button', { name: /Download CSV/ }).click()
	]);
	expect(download.suggestedFilename()).toMatch(
		new RegExp(`^long-waiters-${provider}-over-40-weeks-\\d{4}-\\d{2}-\\d{2}\\.csv$`)
	);
	const lines = (await readFile(await download.path(), 'utf8')).trim().split('\r\n');
	expect(lines[0]).toMatch(/^Pathway \(pseudonym\),Specialty,Priority,Clinical priority,/);
	expect(lines.length - 1).toBe(longWaiters.rows.length);
	expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(
		longWaiters.rows.map((r: { pathwayRef: string }) => r.pathwayRef)
	);

	// The waits page links here, keeping the filters.
	await page.goto(`${proxy.url}/waits${search({ provider })}`);
	await page.getByRole('link', { name: "List one provider's long waiters" }).click();
	await tiles(page, { provider });
});
