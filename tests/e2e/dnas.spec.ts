import { expect, test } from '@playwright/test';
import { expectAccessible } from './axe.ts';
import { metricsOf, optionValues, search, tiles } from './figures.ts';
import { E2E_DATASET, E2E_PORT } from './paths.ts';

const APP = `http://127.0.0.1:${E2E_PORT}`;

/** The page's period: the 12 months ending on the census month end it states. */
async function periodOf(page: import('@playwright/test').Page) {
	const text = (await page.getByTestId('as-at').textContent()) ?? '';
	const dates = [...text.matchAll(/(\d{1,2}) (\w+) (\d{4})/g)].map((m) =>
		new Date(`${m[1]} ${m[2]} ${m[3]} UTC`).toISOString().slice(0, 10)
	);
	return { from: dates[0], to: dates[1] };
}

const HEADLINE = [
	'attendedBasisRate',
	'allAppointmentsBasisRate',
	'patientCancellationRate',
	'providerCancellationRate',
	'dnaCount',
	'lostSlots',
	'estimatedCost'
] as const;

function expectSameDna(shown: Record<string, number | null>, cli: { dna: Record<string, number> }) {
	for (const key of HEADLINE) {
		const value = shown[`dna.${key}`];
		if (cli.dna[key] === null) expect(value, key).toBeNull();
		else expect(value, key).toBeCloseTo(cli.dna[key], 6);
	}
}

test('the DNAs headline equals npm run metrics for the page period, filtered or not, and at set prices', async ({
	page
}) => {
	await page.goto(`${APP}/dnas`);
	const shown = await tiles(page);
	const { from, to } = await periodOf(page);
	expect(from).toMatch(/-01$/);
	expectSameDna(shown, await metricsOf(E2E_DATASET, ['--from', from, '--to', to]));

	const providers = await optionValues(page, 'filter-provider');
	const view = { provider: providers[0], priority: 'routine', 'price-first': '150' };
	await page.goto(`${APP}/dnas${search(view)}`);
	expectSameDna(
		await tiles(page, view),
		await metricsOf(E2E_DATASET, [
			'--from',
			from,
			'--to',
			to,
			'--provider',
			providers[0],
			'--priority',
			'routine',
			'--price-first',
			'150'
		])
	);
	// A view nothing matches says so, and its rates read "no appointments".
	const none = { specialty: '999' };
	await page.goto(`${APP}/dnas${search(none)}`);
	const empty = await tiles(page, none);
	expect(empty['dna.attendedBasisRate']).toBeNull();
	await expect(page.getByText('No appointments match these filters in this period')).toBeVisible();
});

test('every section of the DNAs page is drawn with its table twin, and it passes axe-core', async ({
	page
}) => {
	for (const view of [{}, { trend: 'month' }] as Record<string, string>[]) {
		await page.goto(`${APP}/dnas${search(view)}`);
		await tiles(page, view);
		for (const chart of ['dna-trend', 'dna-funnel', 'dna-by-age', 'dna-by-earlier_dnas']) {
			const frame = page.locator(`[data-chart^="${chart}-"]`);
			await expect(frame.locator('svg').first(), chart).toBeVisible();
			await frame.getByText('Show the data as a table').click();
			await expect(frame.locator('.data-table tbody tr').first(), chart).toBeVisible();
			await expect(frame.getByRole('button', { name: /Download CSV/ })).toBeVisible();
		}
		await expect(page.getByTestId('repeat')).toContainText('already missed an appointment');
		await expect(page.getByRole('table', { name: /weekday of the slot/ })).toBeVisible();
		await expect(page.getByRole('table', { name: /most excess DNAs/ })).toBeVisible();
		await expect(page.getByText('(was not brought)').first()).toBeVisible();
		await expectAccessible(page);
	}
});
