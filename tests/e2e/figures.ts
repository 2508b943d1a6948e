/**
 * What the overview shows, read as a test reads it (each tile's raw value), and what
 * `npm run metrics` says for the same view, to hold the two to each other.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, type Page } from '@playwright/test';

const exec = promisify(execFile);

/** The view's search string as the page writes it (fixed key order). */
export function search(params: Record<string, string>): string {
	const order = ['provider', 'commissioner', 'specialty', 'priority', 'asOf'];
	const p = new URLSearchParams();
	for (const k of order) if (params[k]) p.set(k, params[k]);
	// A page's own settings follow, in name order (view-params.ts).
	for (const k of Object.keys(params).sort())
		if (!order.includes(k) && params[k]) p.set(k, params[k]);
	const s = p.toString();
	return s ? `?${s}` : '';
}

/** Waits for the figures of the given view, then reads every tile's raw value. */
export async function tiles(page: Page, view: Record<string, string> = {}) {
	const ready = page.locator(`section[data-state="ready"][data-view="${search(view)}"]`);
	await expect(ready).toBeVisible({ timeout: 30_000 });
	return page.evaluate(() =>
		Object.fromEntries(
			[...document.querySelectorAll<HTMLElement>('[data-metric]')].map((e) => [
				e.dataset.metric!,
				e.dataset.value === '' ? null : Number(e.dataset.value)
			])
		)
	);
}

/** `npm run metrics -- --data DIR --json ARGS`. */
export async function metricsOf(dir: string, args: string[] = []) {
	const { stdout } = await exec(process.execPath, [
		'data-pipelines/bin/metrics.ts',
		'--data',
		dir,
		'--json',
		...args
	]);
	return JSON.parse(stdout);
}

export function expectSameFigures(shown: Record<string, number | null>, cli: any) {
	const expected: Record<string, number | null> = {
		'waitingList.total': cli.waitingList.total,
		'waitingList.within18WeeksPct': cli.waitingList.within18WeeksPct,
		'waitingList.over52Weeks': cli.waitingList.over52Weeks,
		'waitingList.over65Weeks': cli.waitingList.over65Weeks,
		'waitingList.over78Weeks': cli.waitingList.over78Weeks,
		'waitingList.over104Weeks': cli.waitingList.over104Weeks,
		'waitingList.medianWeeks': cli.waitingList.medianWeeks,
		'waitingList.p92Weeks': cli.waitingList.p92Weeks,
		'referrals.received': cli.referrals.received,
		'appointments.attended': cli.appointments.attended,
		'appointments.dna': cli.appointments.dna,
		'appointments.dnaRate': cli.appointments.dnaRate
	};
	expect(Object.keys(shown).sort()).toEqual(Object.keys(expected).sort());
	for (const [metric, want] of Object.entries(expected)) {
		if (want === null) expect(shown[metric], metric).toBeNull();
		else expect(shown[metric], metric).toBeCloseTo(want, 9);
	}
}

/** The waits page's headline against the metrics CLI's `waitingList` for the same census. */
export function expectSameWaitingList(shown: Record<string, number | null>, cli: any) {
	const fields = [
		'total',
		'within18WeeksPct',
		'over52Weeks',
		'over65Weeks',
		'over78Weeks',
		'over104Weeks',
		'medianWeeks',
		'p92Weeks'
	];
	expect(Object.keys(shown).sort()).toEqual(fields.map((f) => `waitingList.${f}`).sort());
	for (const f of fields) {
		const want = cli.waitingList[f];
		if (want === null) expect(shown[`waitingList.${f}`], f).toBeNull();
		else expect(shown[`waitingList.${f}`], f).toBeCloseTo(want, 9);
	}
}

export async function optionValues(page: Page, id: string): Promise<string[]> {
	return page
		.locator(`#${id} option`)
		.evaluateAll((os) => (os as HTMLOptionElement[]).map((o) => o.value).filter(Boolean));
}
