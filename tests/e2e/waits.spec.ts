import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { importRtt } from '../../data-pipelines/import/rtt.ts';
import { rttFile } from '../helpers/rtt-file.ts';
import { startApp } from './app-server.ts';
import { expectAccessible } from './axe.ts';
import { expectSameWaitingList, metricsOf, optionValues, search, tiles } from './figures.ts';
import { E2E_BENCHMARK, E2E_BENCHMARK_MONTH_END, E2E_DATASET, E2E_PORT } from './paths.ts';

const APP = `http://127.0.0.1:${E2E_PORT}`;
const cli = (args: string[]) => metricsOf(E2E_DATASET, args);

test('the waits headline equals npm run metrics at the week-end and the month-end census, filtered or not', async ({
	page
}) => {
	const all = await cli([]);
	await page.goto(`${APP}/waits`);
	expectSameWaitingList(await tiles(page), all);
	await expect(page.getByTestId('as-at')).toContainText(`the week ending`);

	const providers = await optionValues(page, 'filter-provider');
	const one = { provider: providers[0], priority: 'routine' };
	await page.goto(`${APP}/waits${search(one)}`);
	expectSameWaitingList(
		await tiles(page, one),
		await cli(['--provider', one.provider, '--priority', 'routine'])
	);

	// The official census: a month end (a Monday here), with a commissioner.
	const commissioners = await optionValues(page, 'filter-commissioner');
	const month = { commissioner: commissioners[0], asOf: '2025-06-30', cadence: 'month' };
	await page.goto(`${APP}/waits${search(month)}`);
	expectSameWaitingList(
		await tiles(page, month),
		await cli(['--commissioner', month.commissioner, '--as-of', '2025-06-30'])
	);
	await expect(page.getByTestId('as-at')).toContainText('30 June 2025 (month end)');
	// Changes are since the month end before.
	await expect(page.getByText('Changes are since the previous census, 31 May 2025')).toBeVisible();
});

test('the trends are the metrics CLI’s series: the same points, variation and assurance', async ({
	page
}) => {
	for (const cadence of ['week', 'month'] as const) {
		const { series } = await cli(['--series', cadence, '--target', '65']);
		const view: Record<string, string> = cadence === 'month' ? { cadence } : {};
		await page.goto(`${APP}/waits${search(view)}`);
		await tiles(page, view);
		const frame = page.locator('[data-chart^="waiting-list-trend"]');
		// The table twin is drawn once opened.
		await expect(frame.locator('.data-table tbody tr')).toHaveCount(0);
		await frame.getByText('Show the data as a table').click();
		const rows = frame.locator('.data-table tbody tr');
		await expect(rows).toHaveCount(series.points.length);
		const values = await rows
			.locator('td:nth-child(2)')
			.allTextContents()
			.then((t) => t.map((v) => Number(v.replace(/,/g, ''))));
		expect(values).toEqual(series.points.map((p: { waitingList: number }) => p.waitingList));
		await expect(frame.locator('[data-variation]')).toHaveAttribute(
			'data-variation',
			series.spc.waitingList.variation
		);
		const within = page.locator('[data-chart^="within-18-weeks-trend"] [data-variation]');
		await expect(within).toHaveAttribute('data-variation', series.spc.within18WeeksPct.variation);
		await expect(within).toHaveAttribute('data-assurance', series.spc.within18WeeksPct.assurance);
		expect(series.spc.within18WeeksPct.target).toBe(65);
	}
});

test('the cadence and the interim target live in the URL and survive a change of filter', async ({
	page
}) => {
	await page.goto(`${APP}/waits`);
	await tiles(page);
	await page.getByLabel('Month ends (the official census)').check();
	await expect(page).toHaveURL(/\/waits\?cadence=month$/);
	await tiles(page, { cadence: 'month' });
	await expect(page.getByLabel('Census (month end)')).toBeVisible();
	const target = page.getByLabel('Interim target, % within 18 weeks');
	await target.fill('70');
	await target.dispatchEvent('change');
	await expect(page).toHaveURL(/\?cadence=month&target=70$/);
	await page.locator('#filter-priority').selectOption('urgent');
	await expect(page).toHaveURL(/\?priority=urgent&cadence=month&target=70$/);
	await tiles(page, { priority: 'urgent', cadence: 'month', target: '70' });
	await expect(
		page
			.getByText('Meets the 70% interim target')
			.or(page.getByText('Below the 70% interim target'))
			.or(page.getByText('Meets the 92% standard'))
	).toBeVisible();
	// To the overview, the filters go and the page's own settings stay behind.
	await page.getByRole('link', { name: 'Overview' }).click();
	await expect(page).toHaveURL(/\/\?priority=urgent$/);
});

test('dates read the English way in a US-locale browser, and the census lists only month ends', async ({
	browser
}) => {
	const context = await browser.newContext({ locale: 'en-US', timezoneId: 'America/New_York' });
	const page = await context.newPage();
	await page.goto(`${APP}/waits?cadence=month`);
	await tiles(page, { cadence: 'month' });
	const census = page.getByLabel('Census (month end)');
	const options = await census.locator('option').allTextContents();
	expect(options.length).toBeGreaterThan(12);
	for (const text of options) expect(text).toMatch(/^[A-Z][a-z]{2,3} \d{4}$/);
	const values = await census
		.locator('option')
		.evaluateAll((os) => (os as HTMLOptionElement[]).map((o) => o.value));
	for (const v of values) {
		const next = new Date(`${v}T00:00:00Z`);
		next.setUTCDate(next.getUTCDate() + 1);
		expect(next.getUTCDate(), v).toBe(1);
	}
	await expect(page.getByTestId('as-at')).toContainText(/\d{1,2} [A-Z][a-z]+ \d{4} \(month end\)/);
	await context.close();
});

test('every section of the waits page is drawn, each chart with its table twin, and it passes axe-core', async ({
	page
}) => {
	for (const view of [{}, { cadence: 'month' }] as Record<string, string>[]) {
		await page.goto(`${APP}/waits${search(view)}`);
		await tiles(page, view);
		for (const chart of [
			'waiting-list-trend',
			'within-18-weeks-trend',
			'waiting-list-by-priority',
			'flows',
			'within-18-weeks-by-imd',
			'within-18-weeks-by-ethnicity',
			'within-18-weeks-by-age',
			'within-18-weeks-by-sex'
		]) {
			const frame = page.locator(`[data-chart^="${chart}-"]`);
			await expect(frame.locator('svg').first(), chart).toBeVisible();
			await frame.getByText('Show the data as a table').click();
			await expect(frame.locator('.data-table tbody tr').first(), chart).toBeVisible();
			await expect(frame.getByRole('button', { name: /Download CSV/ })).toBeVisible();
		}
		await expect(page.getByRole('table', { name: /Waits of completed pathways/ })).toBeVisible();
		await expect(page.getByRole('table', { name: /Referral to first appointment/ })).toBeVisible();
		await expect(page.getByTestId('core20')).toContainText('Core20');
		await expectAccessible(page);
	}
});

test('the comparison sorts by any column, compares commissioners or specialties, and its funnel says which limits it draws', async ({
	page
}) => {
	await page.goto(`${APP}/waits`);
	await tiles(page);
	const providers = await optionValues(page, 'filter-provider');
	const table = page.getByRole('table', { name: /Providers by waiting list/ });
	// Every provider with anyone on the RTT list (a community provider may have none).
	await expect(table.locator('tbody tr').first()).toBeVisible();
	const rows = await table.locator('tbody tr').count();
	expect(rows).toBeGreaterThan(1);
	expect(rows).toBeLessThanOrEqual(providers.length);
	const waiting = async () =>
		(await table.locator('tbody tr td:nth-child(2)').allTextContents()).map((t) =>
			Number(t.replace(/,/g, ''))
		);
	const first = await waiting();
	expect(first).toEqual([...first].sort((a, b) => b - a));
	// Each provider's list is the headline's under that provider filter: they add up.
	expect(first.reduce((a, b) => a + b, 0)).toBe((await tiles(page))['waitingList.total']);

	const within = table.getByRole('button', { name: 'Within 18 weeks' });
	await within.click();
	await expect(table.locator('th[aria-sort="descending"]')).toContainText('Within 18 weeks');
	const pct = async () =>
		(await table.locator('tbody tr td:nth-child(3)').allTextContents()).map((t) => parseFloat(t));
	const down = await pct();
	expect(down).toEqual([...down].sort((a, b) => b - a));
	await within.press('Enter');
	await expect(table.locator('th[aria-sort="ascending"]')).toContainText('Within 18 weeks');

	const funnel = page.locator('[data-chart^="funnel-provider"]');
	await expect(funnel.locator('svg circle')).toHaveCount(rows);
	await expect(funnel.locator('.app-chart-panel__subtitle')).toContainText(/95% and 99\.8% limits/);

	await page.locator('#compare-by').selectOption('specialty');
	await expect(page).toHaveURL(/\?compare=specialty$/);
	await tiles(page, { compare: 'specialty' });
	const specialties = await optionValues(page, 'filter-specialty');
	const bySpecialty = page.getByRole('table', { name: /Specialties by waiting list/ });
	await expect(bySpecialty.locator('tbody tr').first()).toBeVisible();
	expect(await bySpecialty.locator('tbody tr').count()).toBeGreaterThan(rows);
	expect(await bySpecialty.locator('tbody tr').count()).toBeLessThanOrEqual(specialties.length);
});

test('the waits page prints on A4 without its controls', async ({ page }) => {
	await page.goto(`${APP}/waits`);
	await tiles(page);
	await page.emulateMedia({ media: 'print' });
	await expect(page.locator('.app-settings')).toBeHidden();
	await expect(page.locator('.app-chart-panel__actions').first()).toBeHidden();
	await expect(page.locator('[data-chart^="flows"] svg')).toBeVisible();
	const pdf = await page.pdf({ format: 'A4' });
	expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
	expect(pdf.length).toBeGreaterThan(50_000);
});

test('a dataset of published RTT statistics is shown on the waits page with the metrics CLI’s figures; the overview says what it is', async ({
	page
}) => {
	const dir = await mkdtemp(join(tmpdir(), 'e2e-rtt-'));
	const input = join(dir, 'full.csv');
	await writeFile(
		input,
		rttFile([
			{
				provider: 'RBD',
				commissioner: '15N',
				part: 'Part_2',
				treatment: 'C_110',
				bands: { 0: 3, 10: 2, 60: 1 },
				unknown: 2
			},
			{
				provider: 'RTH',
				commissioner: '11J',
				part: 'Part_2',
				treatment: 'X02',
				bands: { 5: 2, 52: 1 }
			}
		])
	);
	const published = join(dir, 'published');
	await importRtt({ input, out: published });
	const app = await startApp(published);
	try {
		await page.goto(`${app.url}/waits`);
		await expect(page.getByTestId('as-at')).toContainText('June 2025');
		const { unknownClockStart, ...shown } = await tiles(page);
		const all = await metricsOf(published, []);
		expectSameWaitingList(shown, all);
		expect(unknownClockStart).toBe(all.waitingList.unknownClockStart);
		await expect(page.locator('[data-chart^="published-waiting-list"] svg')).toBeVisible();
		await expectAccessible(page);

		await page.getByLabel('Provider').selectOption('RTH');
		const { unknownClockStart: _u, ...rth } = await tiles(page, { provider: 'RTH' });
		expectSameWaitingList(rth, await metricsOf(published, ['--provider', 'RTH']));

		await page.goto(`${app.url}/`);
		await expect(page.locator('[data-state="error"]')).toContainText(
			"NHS England's RTT statistics for 2025-06"
		);
		await expectAccessible(page);
	} finally {
		await app.close();
		await rm(dir, { recursive: true, force: true });
	}
});

test('beside local data, the benchmark gives NHS England’s published figures for the same filters, at its own month end', async ({
	page
}) => {
	const providers = await (async () => {
		await page.goto(`${APP}/waits`);
		await tiles(page);
		return optionValues(page, 'filter-provider');
	})();
	const provider = providers[0];
	await page.goto(`${APP}/waits${search({ provider })}`);
	await tiles(page, { provider });
	const panel = page.locator('[data-state="benchmark"]');
	await expect(panel).toContainText('October 2025');
	// At a week end the local column waits for the file's census: a link sets it.
	await panel.getByTestId('benchmark-census').click();
	const month = { provider, asOf: E2E_BENCHMARK_MONTH_END, cadence: 'month' };
	const local = await tiles(page, month);
	const table = page.getByTestId('benchmark-table');
	await expect(table).toBeVisible();
	const cell = (field: string, column: string) =>
		table.locator(`tr[data-field="${field}"] td[data-column="${column}"]`);
	const same = await metricsOf(E2E_BENCHMARK, ['--provider', provider]);
	const everyone = await metricsOf(E2E_BENCHMARK, []);
	for (const [field, key] of [
		['total', 'total'],
		['within_18_weeks_pct', 'within18WeeksPct'],
		['median_weeks', 'medianWeeks'],
		['p92_weeks', 'p92Weeks'],
		['over_52_weeks', 'over52Weeks']
	]) {
		expect(Number(await cell(field, 'published').getAttribute('data-value'))).toBeCloseTo(
			same.waitingList[key],
			9
		);
		expect(Number(await cell(field, 'all').getAttribute('data-value'))).toBeCloseTo(
			everyone.waitingList[key],
			9
		);
	}
	expect(Number(await cell('unknownClockStart', 'published').getAttribute('data-value'))).toBe(
		same.waitingList.unknownClockStart
	);
	await expect(cell('total', 'local')).toHaveText(
		(local['waitingList.total'] as number).toLocaleString('en-GB')
	);

	// A specialty the file reports only in its group: compared with the group, and said so.
	await page.goto(`${APP}/waits${search({ ...month, specialty: '130' })}`);
	await tiles(page, { ...month, specialty: '130' });
	await expect(page.getByTestId('benchmark-group')).toContainText('X05');
	const grouped = await metricsOf(E2E_BENCHMARK, ['--provider', provider, '--specialty', 'X05']);
	await expect(table.locator('tr[data-field="total"] td[data-column="published"]')).toHaveAttribute(
		'data-value',
		String(grouped.waitingList.total)
	);
	await expectAccessible(page);
});
