/**
 * Numbers that cannot silently go wrong, in the browser: a damaged file is named and no figure
 * drawn from it; a dataset republished under an open tab leaves that tab on its own version, with
 * a newer one offered; hostile filter values show an empty view, not an error; a manifest the
 * dashboard cannot use is said so, never "Loading" for ever. Each case has a dataset and a
 * server of its own.
 */
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, readdir, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectAccessible } from './axe.ts';
import { expect, test, type Page } from '@playwright/test';
import { keyFromEnvironment } from '../../data-pipelines/pipeline/pseudonymise.ts';
import { runPipeline } from '../../data-pipelines/pipeline/run.ts';
import { versionsDir } from '../../data-pipelines/pipeline/swap.ts';
import { startApp, type AppServer } from './app-server.ts';
import { expectSameFigures, metricsOf, optionValues, search, tiles } from './figures.ts';
import { E2E_DATASET, E2E_EVENTS, E2E_PORT } from './paths.ts';

const FIXTURE = new URL('../fixtures/metrics/events.csv', import.meta.url).pathname;
const APP = `http://127.0.0.1:${E2E_PORT}`;

let work: string;
const servers: AppServer[] = [];
test.beforeAll(async () => {
	work = await mkdtemp(join(tmpdir(), 'e2e-integrity-'));
});
test.afterAll(async () => {
	for (const server of servers) await server.close();
	await rm(work, { recursive: true, force: true });
});

async function serve(dataset: string, env?: NodeJS.ProcessEnv): Promise<AppServer> {
	const server = await startApp(dataset, env ? { env } : {});
	servers.push(server);
	return server;
}

/** A copy of the e2e dataset's current version, as a plain folder the test may damage. */
async function copyOfDataset(name: string): Promise<string> {
	const copy = join(work, name);
	await cp(await realpath(E2E_DATASET), copy, { recursive: true });
	return copy;
}

/** Rewrites a copy's manifest (and its checksum, so that the server accepts it). */
async function editManifest(dir: string, edit: (manifest: Record<string, unknown>) => void) {
	const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
	edit(manifest);
	const text = `${JSON.stringify(manifest, null, 2)}\n`;
	await writeFile(join(dir, 'manifest.json'), text);
	const digest = createHash('sha256').update(text).digest('hex');
	await writeFile(join(dir, 'manifest.sha256'), `${digest}  manifest.json\n`);
}

/** Errors the page logged: none is expected anywhere here. */
function pageErrors(page: Page): string[] {
	const errors: string[] = [];
	page.on('pageerror', (e) => errors.push(e.message));
	return errors;
}

test('a damaged file: the page names it, says to publish again, and draws no figure from it', async ({
	page
}) => {
	const dir = await copyOfDataset('damaged');
	const file = 'aggregates/clock_flows_weekly_national.parquet';
	const bytes = await readFile(join(dir, file));
	bytes[2909] ^= 1 << 7;
	await writeFile(join(dir, file), bytes);
	const app = await serve(dir);
	const errors = pageErrors(page);

	await page.goto(`${app.url}/?specialty=110`);
	const alert = page.locator('[data-state="query-error"]');
	await expect(alert).toContainText(
		`The dataset file ${file} does not match its SHA-256 checksum`,
		{
			timeout: 30_000
		}
	);
	await expect(alert).toContainText('No figure is drawn from it: publish the dataset again');
	await expect(page.locator('section[data-state="ready"]')).toHaveCount(0);
	await expect(page.locator('[data-metric]')).toHaveCount(0);
	await expectAccessible(page);

	// The data quality page names it too, once the server's check has reached it.
	await page.goto(`${app.url}/data-quality`);
	const integrity = page.getByTestId('integrity');
	await expect(integrity).toHaveAttribute('data-state', 'damaged', { timeout: 30_000 });
	await expect(integrity).toContainText(`${file} does not match its SHA-256 checksum`);
	await expect(integrity).toContainText('A file of this dataset is damaged');
	await expectAccessible(page);
	expect(errors).toEqual([]);
});

test('the data quality page says every file was verified against the manifest', async ({
	page
}) => {
	await page.goto(`${APP}/data-quality`);
	const integrity = page.getByTestId('integrity');
	await expect(integrity).toHaveAttribute('data-state', 'verified', { timeout: 30_000 });
	const manifest = JSON.parse(await readFile(join(E2E_DATASET, 'manifest.json'), 'utf8'));
	const files =
		Object.values(manifest.tables as Record<string, { files: unknown[] }>).reduce(
			(n, t) => n + t.files.length,
			0
		) +
		manifest.documents.length +
		1;
	await expect(integrity).toContainText(`verified ${files} of ${files} against the checksums`);
});

test('republished under an open tab: the tab keeps its version, offers the newer one, and the first reload works', async ({
	page
}) => {
	const out = join(work, 'republished');
	const key = keyFromEnvironment({});
	await runPipeline({ input: E2E_EVENTS, out, key });
	const first = await realpath(out);
	const app = await serve(out);
	const errors = pageErrors(page);
	await page.addInitScript(() => {
		localStorage.setItem('pathway-insight:version-check-ms', '250');
		// One provider at a time, so the change of provider below reads files after the republish.
		localStorage.setItem('pathway-insight:prefetch-rows', '0');
	});
	await page.goto(`${app.url}/`);
	expectSameFigures(await tiles(page), await metricsOf(first));
	const provider = (await optionValues(page, 'filter-provider'))[1];

	// A different extract (the hand-worked fixture: other providers, other figures) replaces it.
	await runPipeline({ input: FIXTURE, out, extractDate: '2025-07-31', key });
	expect(await realpath(out)).not.toBe(first);
	const banner = page.getByTestId('newer-dataset');
	await expect(banner).toContainText('A newer dataset is available', { timeout: 10_000 });
	await expect(banner).toHaveAttribute('data-state', 'newer');

	// The open tab goes on with its own version: the provider's figures are the first version's.
	await page.getByLabel('Provider').selectOption(provider);
	expectSameFigures(
		await tiles(page, { provider }),
		await metricsOf(first, ['--provider', provider])
	);
	await expect(page.locator('[data-state="query-error"]')).toHaveCount(0);
	await expectAccessible(page);

	// The first reload shows the new version, for the same link.
	await banner.getByRole('button', { name: 'Show the newer dataset' }).click();
	expectSameFigures(
		await tiles(page, { provider }),
		await metricsOf(out, ['--provider', provider])
	);
	await expect(page.getByTestId('newer-dataset')).toHaveCount(0);
	await page.goto(`${app.url}/`);
	expectSameFigures(await tiles(page), await metricsOf(out));
	expect(errors).toEqual([]);
});

test('a tab whose version is removed says so plainly and offers the current one', async ({
	page
}) => {
	const out = join(work, 'removed');
	const key = keyFromEnvironment({});
	await runPipeline({ input: FIXTURE, out, extractDate: '2025-07-31', key });
	const app = await serve(out);
	await page.addInitScript(() => {
		localStorage.setItem('pathway-insight:version-check-ms', '250');
		localStorage.setItem('pathway-insight:prefetch-rows', '0');
	});
	await page.goto(`${app.url}/`);
	await tiles(page);
	// Published again, keeping only the new version: the tab's is removed.
	await runPipeline({
		input: FIXTURE,
		out,
		extractDate: '2025-07-30',
		key,
		retention: { versions: 1, hours: 0 }
	});
	expect(await readdir(versionsDir(out))).toHaveLength(1);
	await page.getByLabel('Provider').selectOption('RTH');
	await expect(page.locator('[data-state="query-error"]')).toContainText(
		'a newer one has been published and this one removed. Reload the page',
		{ timeout: 30_000 }
	);
	const banner = page.getByTestId('newer-dataset');
	await expect(banner).toHaveAttribute('data-state', 'gone', { timeout: 10_000 });
	await expect(banner).toContainText('has been replaced and removed from the server');
	await banner.getByRole('button', { name: 'Show the newer dataset' }).click();
	expectSameFigures(
		await tiles(page, { provider: 'RTH' }),
		await metricsOf(out, ['--provider', 'RTH'])
	);
});

test('hostile filter values match nothing: an empty view, no error, no SQL', async ({ page }) => {
	const app = await serve(E2E_DATASET);
	const errors = pageErrors(page);
	const consoleErrors: string[] = [];
	page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
	const values = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', '\u0000', "R'; DROP"];
	for (const key of ['provider', 'commissioner', 'specialty', 'priority']) {
		for (const value of values) {
			const view = { [key]: value };
			await page.goto(`${app.proxy.url}/${search(view)}`);
			const shown = await tiles(page, view);
			expect(shown['waitingList.total'], `${key}=${value}`).toBe(0);
			expect(shown['referrals.received'], `${key}=${value}`).toBe(0);
			await expect(page.locator('[data-state="empty"]')).toContainText(
				'No pathways match these filters'
			);
			await expect(page.locator('[data-state="query-error"]')).toHaveCount(0);
			await expect(page.locator(`#filter-${key} option:checked`)).toContainText(
				'(not a valid code)'
			);
		}
	}
	// No view ran a query: not one Parquet file was asked for.
	expect(app.proxy.served.filter((s) => s.path.endsWith('.parquet'))).toEqual([]);
	// And back to a real view: the page was never stuck.
	await page.goto(`${app.proxy.url}/?priority=urgent`);
	expect((await tiles(page, { priority: 'urgent' }))['waitingList.total']).toBeGreaterThan(0);
	expect(errors).toEqual([]);
	expect(consoleErrors).toEqual([]);
});

test('a manifest without builtAt, or with no events, is said so on both pages, never "Loading"', async ({
	page
}) => {
	const noBuiltAt = await copyOfDataset('no-built-at');
	await editManifest(noBuiltAt, (m) => delete m.builtAt);
	const noEvents = await copyOfDataset('no-events');
	await editManifest(noEvents, (m) => (m.dataPeriod = null));
	const broken = await serve(noBuiltAt);
	for (const path of ['/', '/data-quality']) {
		await page.goto(`${broken.url}${path}`);
		const error = page.locator('[data-state="error"]');
		await expect(error, path).toContainText('The data could not be loaded', { timeout: 30_000 });
		await expect(error, path).toContainText(
			'The dataset manifest is damaged or incomplete (builtAt'
		);
		await expect(error, path).toContainText('publish the dataset again');
	}
	const empty = await serve(noEvents);
	await page.goto(`${empty.url}/`);
	await expect(page.locator('[data-state="error"]')).toContainText(
		'The published dataset holds no events',
		{ timeout: 30_000 }
	);
	await expectAccessible(page);
});

test('node build/index.js listens on this machine only unless HOST says otherwise', async () => {
	const app = await serve(E2E_DATASET, {});
	expect(app.stdout()).toMatch(/Listening on http:\/\/127\.0\.0\.1:\d+/);
	const everywhere = await serve(E2E_DATASET, { HOST: '0.0.0.0' });
	expect(everywhere.stdout()).toMatch(/Listening on http:\/\/0\.0\.0\.0:\d+/);
});
