import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expectAccessible } from './axe.ts';
import { expect, test, type Page } from '@playwright/test';
import { codeLabel } from '../../src/lib/reference/label.ts';
import { COMPLETENESS_FIELDS } from '../../src/lib/reference/files.ts';
import type { QualityFile, ReferenceFile, RunReportFile } from '../../src/lib/reference/files.ts';
import { E2E_DATASET, E2E_PORT, E2E_PORT_NO_DATA } from './paths.ts';

const APP = `http://127.0.0.1:${E2E_PORT}`;
const en = (n: number) => n.toLocaleString('en-GB');

async function onDisk<T>(name: string): Promise<T | null> {
	const path = join(E2E_DATASET, name);
	return existsSync(path) ? (JSON.parse(await readFile(path, 'utf8')) as T) : null;
}

/** Opens the data quality page and reads every figure's raw value, by `data-figure`. */
async function figures(page: Page): Promise<Record<string, number>> {
	await page.goto(`${APP}/data-quality`);
	await expect(page.locator('[data-state="ready"]')).toBeVisible({ timeout: 30_000 });
	return page.evaluate(() =>
		Object.fromEntries(
			[...document.querySelectorAll<HTMLElement>('[data-figure][data-value]')].map((e) => [
				e.dataset.figure!,
				Number(e.dataset.value)
			])
		)
	);
}

test('the data quality page shows the run report’s figures, overall, by rule and by file', async ({
	page
}) => {
	const report = (await onDisk<RunReportFile>('run-report.json'))!;
	const shown = await figures(page);

	expect(shown.read).toBe(report.read);
	expect(shown.accepted).toBe(report.accepted);
	expect(shown.duplicates).toBe(report.duplicates);
	expect(shown.quarantined).toBe(report.quarantined);
	for (const [rule, n] of Object.entries(report.rules)) expect(shown[`rule:${rule}`], rule).toBe(n);
	for (const [warning, n] of Object.entries(report.warnings))
		expect(shown[`warning:${warning}`], warning).toBe(n);
	const ruleRows = Object.keys(shown).filter((k) => k.startsWith('rule:'));
	expect(ruleRows.length).toBe(Object.keys(report.rules).length);

	report.files.forEach((file, i) => {
		for (const key of ['read', 'accepted', 'duplicates', 'quarantined'] as const)
			expect(shown[`file:${i}:${key}`], `${file.file} ${key}`).toBe(file[key]);
		for (const [rule, n] of Object.entries(file.rules))
			expect(shown[`file:${i}:rule:${rule}`], `${file.file} ${rule}`).toBe(n);
	});
	for (const [i, file] of report.files.entries()) {
		const extra = page.locator(`[data-figure="file:${i}:extra"]`);
		const missing = page.locator(`[data-figure="file:${i}:missing"]`);
		await expect(extra).toContainText(file.extraColumns.length ? file.extraColumns[0] : 'None');
		await expect(missing).toContainText(
			file.missingColumns.length ? file.missingColumns[0] : 'None'
		);
	}

	const reconciliation = page.getByTestId('reconciliation');
	await expect(reconciliation).toContainText(
		`read = accepted + duplicates + quarantined: ${en(report.read)} = ${en(report.accepted)} + ${en(report.duplicates)} + ${en(report.quarantined)}`
	);
	await expect(reconciliation.locator('.nhsuk-tag--green')).toHaveText('Every row accounted for');

	const manifest = JSON.parse(await readFile(join(E2E_DATASET, 'manifest.json'), 'utf8'));
	for (const [name, table] of Object.entries(manifest.tables) as [string, { rows: number }][])
		expect(shown[`table:${name}`], name).toBe(table.rows);

	if (report.dataPeriod) {
		const day = (iso: string) =>
			new Date(`${iso}T00:00:00Z`).toLocaleDateString('en-GB', {
				day: 'numeric',
				month: 'long',
				year: 'numeric',
				timeZone: 'UTC'
			});
		await expect(page.getByTestId('data-period')).toHaveText(
			`${day(report.dataPeriod.from)} to ${day(report.dataPeriod.to)}`
		);
		await expect(page.getByTestId('extract-date')).toContainText(day(report.extractDate));
	}
	await expect(page.getByTestId('demo-key')).toHaveCount(report.pseudonymisation.demoKey ? 1 : 0);
});

test('completeness shows quality.json’s counts, or says it is not available', async ({ page }) => {
	const quality = await onDisk<QualityFile>('quality.json');
	const shown = await figures(page);
	if (!quality) {
		await expect(page.locator('[data-state="completeness-unavailable"]')).toContainText(
			'Not available'
		);
		return;
	}
	const { pathways, known } = quality.completeness;
	for (const field of COMPLETENESS_FIELDS) {
		expect(shown[`completeness:${field}`], field).toBe(known[field]);
		expect(shown[`completeness-pct:${field}`], field).toBeCloseTo(
			(100 * known[field]) / pathways,
			9
		);
	}
});

test('the header links to the data quality page, marked as the current page', async ({ page }) => {
	await page.goto(`${APP}/about`);
	await page
		.getByRole('navigation', { name: 'Primary navigation' })
		.getByText('Data quality')
		.click();
	await expect(page).toHaveURL(/\/data-quality$/);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Data quality');
	await expect(
		page.getByRole('navigation', { name: 'Primary navigation' }).locator('[aria-current="page"]')
	).toContainText('Data quality');
});

test('the data quality page, loaded and with no dataset, passes axe-core (WCAG 2.2 AA)', async ({
	page
}) => {
	await figures(page);
	await expectAccessible(page);
	// On a phone the wide tables stack (nhsuk responsive tables) rather than scroll.
	await page.setViewportSize({ width: 390, height: 844 });
	await expectAccessible(page);
	await page.setViewportSize({ width: 1280, height: 900 });

	await page.goto(`http://127.0.0.1:${E2E_PORT_NO_DATA}/data-quality`);
	const error = page.locator('[data-state="error"]');
	await expect(error).toContainText('The data could not be loaded');
	await expect(error).toContainText('No dataset is published here yet');
	await expectAccessible(page);
});

test('the overview’s filters show names beside codes while the URL keeps the code', async ({
	page
}) => {
	const reference = await onDisk<ReferenceFile>('reference.json');
	await page.goto(`${APP}/`);
	await expect(page.locator('section[data-state="ready"]')).toBeVisible({ timeout: 30_000 });
	const options = page.locator('#filter-provider option:not([value=""])');
	const codes = await options.evaluateAll((os) => (os as HTMLOptionElement[]).map((o) => o.value));
	expect(codes.length).toBeGreaterThan(1);
	const expected = codes.map((code) => codeLabel(code, reference?.providers[code]));
	await expect(options).toHaveText(expected);
	if (reference && Object.keys(reference.providers).length) {
		expect(expected.some((label) => label.includes(' – '))).toBe(true);
	}
	await page.getByLabel('Provider').selectOption(codes[0]);
	await expect(page).toHaveURL(new RegExp(`\\?provider=${codes[0]}$`));
	await expect(page.getByLabel('Provider')).toHaveValue(codes[0]);
});
