import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expectAccessible } from './axe.ts';
import { expect, test, type Page } from '@playwright/test';
import { startCountingProxy, type CountingProxy } from './counting-proxy.ts';
import { expectSameFigures, metricsOf, optionValues, search, tiles } from './figures.ts';
import { E2E_DATASET, E2E_PORT, E2E_PORT_NO_DATA } from './paths.ts';
import { WHOLE_FILE_BYTES } from '../../src/lib/db/read-parquet.ts';

let proxy: CountingProxy;
test.beforeAll(async () => {
	proxy = await startCountingProxy(E2E_PORT);
});
test.afterAll(async () => {
	await proxy.close();
});

/** Everything the page asked of any host but the app's own, and any CSP violation. */
function watchOrigin(page: Page, origin: string) {
	const foreign: string[] = [];
	page.context().on('request', (r) => {
		const url = r.url();
		if (!url.startsWith(origin) && !url.startsWith('data:') && !url.startsWith('blob:'))
			foreign.push(url);
	});
	page.on('console', (m) => {
		if (/Content Security Policy/i.test(m.text())) foreign.push(`CSP: ${m.text()}`);
	});
	return foreign;
}

/** Where the served version's files are: `/data/v/VERSION`. */
async function versionBase(): Promise<string> {
	const { version } = await (await fetch(`${proxy.url}/data/manifest.json`)).json();
	return `/data/v/${version}`;
}

const cliMetrics = (args: string[]) => metricsOf(E2E_DATASET, args);

test('the overview shows the same figures as npm run metrics, unfiltered and filtered', async ({
	page
}) => {
	await page.goto(`${proxy.url}/`);
	expectSameFigures(await tiles(page), await cliMetrics([]));

	const providers = await optionValues(page, 'filter-provider');
	expect(providers.length).toBeGreaterThan(1);
	const one = { provider: providers[1] };
	await page.goto(`${proxy.url}/${search(one)}`);
	expectSameFigures(await tiles(page, one), await cliMetrics(['--provider', one.provider]));

	const commissioners = await optionValues(page, 'filter-commissioner');
	const specialties = await optionValues(page, 'filter-specialty');
	const combo = {
		commissioner: commissioners[0],
		specialty: specialties[2],
		priority: 'urgent',
		asOf: '2025-03-30'
	};
	await page.goto(`${proxy.url}/${search(combo)}`);
	expectSameFigures(
		await tiles(page, combo),
		await cliMetrics([
			'--commissioner',
			combo.commissioner,
			'--specialty',
			combo.specialty,
			'--priority',
			'urgent',
			'--as-of',
			combo.asOf
		])
	);
	await expect(page.getByTestId('as-at')).toContainText('30 March 2025');
	await expect(page.getByTestId('as-at')).toContainText('52 weeks 1 April 2024 to 30 March 2025');
});

test('a census on a day that is not a Sunday shows the week ending the Sunday before', async ({
	page
}) => {
	await page.goto(`${proxy.url}/?asOf=2025-04-02`);
	const shown = await tiles(page, { asOf: '2025-04-02' });
	await expect(page.getByTestId('as-at')).toContainText('30 March 2025');
	expectSameFigures(shown, await cliMetrics(['--as-of', '2025-03-30']));
	// The census is chosen from the week ends the data holds, written the English way.
	const census = page.getByLabel(/Census/);
	await expect(census.locator('option[value="2025-06-15"]')).toHaveText('15 June 2025');
	await census.selectOption('2025-06-15');
	await expect(page).toHaveURL(/\?asOf=2025-06-15$/);
	expectSameFigures(
		await tiles(page, { asOf: '2025-06-15' }),
		await cliMetrics(['--as-of', '2025-06-15'])
	);
});

test('the default view is drawn from the published first view, without the query engine', async ({
	page
}) => {
	// With DuckDB-WASM unreachable, the default view still shows its figures (first-view.json,
	// worked out by the pipeline with the same SQL); a filtered view says it could not work them out.
	// The context's route also catches the worker's script, which the page's route would miss.
	await page.context().route(/duckdb.*\.(wasm|js)$/, (route) => route.abort());
	await page.goto(`${proxy.url}/`);
	expectSameFigures(await tiles(page), await cliMetrics([]));
	await page.getByLabel('Priority').selectOption('urgent');
	await expect(page.locator('[data-state="query-error"]')).toContainText('query engine', {
		timeout: 30_000
	});
});

test('a filter change updates the URL and the numbers; the link, back and forward reproduce views', async ({
	page
}) => {
	await page.goto(`${proxy.url}/`);
	const all = await tiles(page);
	await page.getByLabel('Priority').selectOption('two_week_wait');
	await expect(page).toHaveURL(/\?priority=two_week_wait$/);
	const twoWeek = await tiles(page, { priority: 'two_week_wait' });
	expect(twoWeek['waitingList.total']).toBeLessThan(all['waitingList.total']!);
	expect(twoWeek['referrals.received']).toBeLessThan(all['referrals.received']!);

	const providers = await optionValues(page, 'filter-provider');
	await page.getByLabel('Provider').selectOption(providers[0]);
	const both = { provider: providers[0], priority: 'two_week_wait' };
	await expect(page).toHaveURL(new RegExp(`\\${search(both)}$`));
	const narrowed = await tiles(page, both);

	await page.reload();
	expect(await tiles(page, both)).toEqual(narrowed);
	await expect(page.getByLabel('Provider')).toHaveValue(providers[0]);
	await expect(page.getByLabel('Priority')).toHaveValue('two_week_wait');

	await page.goBack();
	expect(await tiles(page, { priority: 'two_week_wait' })).toEqual(twoWeek);
	await page.goBack();
	expect(await tiles(page)).toEqual(all);
	await page.goForward();
	expect(await tiles(page, { priority: 'two_week_wait' })).toEqual(twoWeek);
});

test('the Parquet is read by range requests, only the files a view needs, and nothing leaves the origin', async ({
	page
}) => {
	const foreign = watchOrigin(page, proxy.url);
	const manifest = JSON.parse(await readFile(join(E2E_DATASET, 'manifest.json'), 'utf8'));
	const base = await versionBase();
	const at = base.replaceAll('/', '\\/');
	const DASHBOARD = ['waiting_list_weekly', 'clock_flows_weekly', 'appointments_weekly'];
	const parquet = () => proxy.served.filter((s) => s.path.endsWith('.parquet'));
	const all: typeof proxy.served = [];
	/** The Parquet files read since the last call, after checking each is read only in part. */
	const readSince = () => {
		const served = parquet();
		all.push(...served);
		proxy.reset();
		return served;
	};

	// This dataset is small enough that the page would load every provider in the background
	// (the next test); here it may not, to show what a region or England does.
	await page.addInitScript(() => localStorage.setItem('pathway-insight:prefetch-rows', '0'));
	// All providers: the national level, one file per aggregate, only the weeks needed.
	proxy.reset();
	await page.goto(`${proxy.url}/`);
	await tiles(page);
	await page.getByLabel('Priority').selectOption('urgent');
	await tiles(page, { priority: 'urgent' });
	const national = readSince();
	for (const table of DASHBOARD) {
		const { files, bytes } = manifest.tables[`${table}_national`];
		const reads = national.filter((s) => s.path === `${base}/${files[0].file}`);
		const fetched = reads.reduce((a, s) => a + s.bytes, 0);
		expect(fetched, `${table}_national was read`).toBeGreaterThan(0);
		if (table === 'waiting_list_weekly' || bytes > WHOLE_FILE_BYTES) {
			// A census week, or a large file: its footer, then only the row groups needed.
			expect(fetched, `${table}_national: only the row groups needed`).toBeLessThan(bytes);
		} else {
			// A small file a period needs all of: footer and data in one range request.
			expect(reads.map((s) => s.range)).toEqual([`bytes=0-${bytes - 1}`]);
		}
	}
	expect(
		national
			.map((s) => s.path)
			.filter((p) => !new RegExp(`^${at}/aggregates/\\w+_weekly_national\\.parquet$`).test(p)),
		'only the national aggregates (the event-level tables are never read)'
	).toEqual([]);

	// Drill-down to one provider (one with rows in every table): its files, and no other's.
	const partitions = (table: string) =>
		(manifest.tables[table].files as { partition: string | null }[]).map((f) => f.partition);
	const provider = (await optionValues(page, 'filter-provider')).find((p) =>
		DASHBOARD.every((table) => partitions(table).includes(p))
	)!;
	expect(provider).toBeDefined();
	await page.getByLabel('Provider').selectOption(provider);
	await tiles(page, { provider, priority: 'urgent' });
	const drilled = readSince().map((s) => s.path);
	for (const table of DASHBOARD) {
		expect(drilled, `${table} of ${provider}`).toContain(
			`${base}/aggregates/${table}/provider=${provider}/${table}.parquet`
		);
	}
	expect(
		drilled.filter((p) => !p.includes(`/provider=${provider}/`)),
		`only ${provider}'s partition`
	).toEqual([]);

	// One commissioner, any provider: that commissioner's files of the commissioner level.
	const commissioner = (await optionValues(page, 'filter-commissioner'))[0];
	await page.getByLabel('Provider').selectOption('');
	await tiles(page, { priority: 'urgent' });
	await page.getByLabel('Commissioner (sub-ICB)').selectOption(commissioner);
	await tiles(page, { commissioner, priority: 'urgent' });
	const byCommissioner = readSince().map((s) => s.path);
	expect(byCommissioner.length).toBeGreaterThan(0);
	expect(
		byCommissioner.filter(
			(p) =>
				!new RegExp(
					`^${at}/aggregates/\\w+_weekly_commissioner/commissioner=${commissioner}/`
				).test(p)
		),
		`only ${commissioner}'s partition of the commissioner level`
	).toEqual([]);

	for (const s of all) {
		expect(s.range, `${s.path} asked for a range`).toMatch(/^bytes=\d+-\d*$/);
		expect(s.status, `${s.path} answered with part of the file`).toBe(206);
	}
	expect(foreign).toEqual([]);
});

test('a small dataset’s providers and commissioners load in the background, so a filter change fetches nothing', async ({
	page
}) => {
	proxy.reset();
	await page.goto(`${proxy.url}/`);
	await tiles(page);
	const manifest = JSON.parse(await readFile(join(E2E_DATASET, 'manifest.json'), 'utf8'));
	const base = await versionBase();
	const providerFiles = (manifest.tables.clock_flows_weekly.files as { file: string }[]).map(
		(f) => `${base}/${f.file}`
	);
	// Every provider's file of the period's flows is fetched without a filter being chosen. The
	// background load waits for the engine and for the page to be quiet: on a busy machine that
	// takes a while, so the wait is long (this is not a speed test: npm run bench is).
	await expect
		.poll(
			() => {
				const fetched = new Set(proxy.served.map((s) => s.path));
				return providerFiles.filter((f) => !fetched.has(f));
			},
			{ timeout: 30_000 }
		)
		.toEqual([]);
	// The commissioners' files load after the providers' (decoding those fetches nothing, so the
	// network can look idle between the two): the page marks when its background loading is done.
	await expect
		.poll(
			() => page.evaluate(() => performance.getEntriesByName('pathway-insight:settled').length),
			{
				timeout: 30_000
			}
		)
		.toBeGreaterThan(0);
	proxy.reset();
	const provider = (await optionValues(page, 'filter-provider'))[0];
	await page.getByLabel('Provider').selectOption(provider);
	await tiles(page, { provider });
	expect(proxy.served.filter((s) => s.path.endsWith('.parquet')).map((s) => s.path)).toEqual([]);
});

test('the overview, an empty view and the About page pass axe-core (WCAG 2.2 AA)', async ({
	page
}) => {
	await page.goto(`${proxy.url}/`);
	await tiles(page);
	await page.getByText('Show the data as a table').click();
	await expectAccessible(page);

	await page.goto(`${proxy.url}/?provider=NOPE`);
	// A code of the right shape: the engine answers it (it starts first: slow on a busy machine).
	await expect(page.locator('[data-state="empty"]')).toContainText(
		'No pathways match these filters',
		{ timeout: 30_000 }
	);
	await expectAccessible(page);

	await page.goto(`${proxy.url}/about`);
	await expectAccessible(page);
});

test('the chart has a table twin with the same numbers and a CSV download', async ({ page }) => {
	await page.goto(`${proxy.url}/`);
	const shown = await tiles(page);
	await page.getByText('Show the data as a table').click();
	const rows = page.locator('.data-table tbody tr');
	const counts = await rows
		.locator('td')
		.evaluateAll((tds) =>
			tds.filter((_, i) => i % 2 === 0).map((td) => Number(td.textContent!.replace(/,/g, '')))
		);
	expect(counts.reduce((a, b) => a + b, 0)).toBe(shown['waitingList.total']);
	const [download] = await Promise.all([
		page.waitForEvent('download'),
		page.getByRole('button', { name: /Download CSV/ }).click()
	]);
	const csv = await readFile(await download.path(), 'utf8');
	const lines = csv.trim().split('\r\n');
	expect(lines[0]).toBe('Weeks waited,Pathways,Group');
	expect(lines.slice(1).reduce((a, l) => a + Number(l.split(',')[1]), 0)).toBe(
		shown['waitingList.total']
	);
});

test('the chart downloads as SVG and PNG with its title, legend and source, and prints without its controls', async ({
	page
}) => {
	await page.goto(`${proxy.url}/`);
	const frame = page.locator('[data-chart^="waiting-list-by-week"]');
	await expect(frame.locator('svg rect').first()).toBeVisible();
	const [svgFile] = await Promise.all([
		page.waitForEvent('download'),
		frame.getByRole('button', { name: /Download SVG/ }).click()
	]);
	expect(svgFile.suggestedFilename()).toMatch(/^waiting-list-by-week-\d{4}-\d{2}-\d{2}\.svg$/);
	const svg = await readFile(await svgFile.path(), 'utf8');
	expect(svg).toContain('How long the list has waited');
	expect(svg).toContain('18- and 52-week marks');
	expect(svg).toContain('Source: pathway-insight');
	expect(svg).not.toContain('var(');
	expect((svg.match(/<rect/g) ?? []).length).toBeGreaterThan(50);
	const [pngFile] = await Promise.all([
		page.waitForEvent('download'),
		frame.getByRole('button', { name: /Download PNG/ }).click()
	]);
	const png = await readFile(await pngFile.path());
	expect([...png.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
	const { width } = await frame
		.locator('.app-chart-panel__chart')
		.boundingBox()
		.then((b) => b!);
	// PNG width (bytes 16–19 of the IHDR chunk) is twice the chart box's, with 16 px margins.
	expect(png.readUInt32BE(16)).toBe(2 * Math.max(Math.round(width) + 32, 480));

	await page.emulateMedia({ media: 'print' });
	await expect(frame.getByRole('button', { name: /Download CSV/ })).toBeHidden();
	await expect(frame.locator('.app-chart-panel__actions')).toBeHidden();
	await expect(frame.locator('figcaption')).toBeVisible();
	await expect(frame.locator('.app-chart-panel__source')).toBeVisible();
	const pdf = await page.pdf({ format: 'A4' });
	expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
});

test('a missing dataset shows the error state, not a blank page', async ({ page }) => {
	await page.goto(`http://127.0.0.1:${E2E_PORT_NO_DATA}/`);
	const error = page.locator('[data-state="error"]');
	await expect(error).toContainText('The data could not be loaded');
	await expect(error).toContainText('No dataset is published here yet');
	await expectAccessible(page);
});

test('too large to prefetch whole, a view of a provider and a commissioner loads that commissioner’s files in the background, so clearing the provider reads nothing', async ({
	page
}) => {
	// As a region or England would be: no level is prefetched whole (one row is the limit), and
	// the likely next organisations are loaded up to a bound (three rows: the first of them).
	await page.addInitScript(() => localStorage.setItem('pathway-insight:prefetch-rows', '1'));
	const base = await versionBase();
	await page.goto(`${proxy.url}/`);
	await tiles(page);
	const view = {
		provider: (await optionValues(page, 'filter-provider'))[0],
		commissioner: (await optionValues(page, 'filter-commissioner'))[0]
	};
	const parquet = () => proxy.served.filter((s) => s.path.endsWith('.parquet'));
	const commissionerFiles = () =>
		parquet().filter(
			(s) =>
				s.path.startsWith(`${base}/aggregates/`) &&
				s.path.includes(`/commissioner=${view.commissioner}/`)
		);
	proxy.reset();
	await page.goto(`${proxy.url}/${search(view)}`);
	await tiles(page, view);
	// The commissioner's own files are read once the view is drawn, and then nothing more.
	await expect.poll(() => commissionerFiles().length, { timeout: 15_000 }).toBeGreaterThan(0);
	let count = -1;
	await expect
		.poll(
			async () => {
				const before = parquet().length;
				await page.waitForTimeout(500);
				const still = before === parquet().length && before === count;
				count = before;
				return still;
			},
			{ timeout: 15_000 }
		)
		.toBe(true);

	proxy.reset();
	await page.getByLabel('Provider').selectOption('');
	const cleared = { commissioner: view.commissioner };
	expectSameFigures(
		await tiles(page, cleared),
		await cliMetrics(['--commissioner', cleared.commissioner])
	);
	expect(parquet(), 'the commissioner’s view was loaded before it was asked for').toEqual([]);
});
