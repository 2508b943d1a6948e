/**
 * The pages the browser bench drives. Each page says where it lives, how to tell that a view of
 * it is fully drawn (CSS selectors that all match), which filter changes to make, and the metric
 * SQL it runs for a view, so that the same SQL can be timed on native DuckDB against the same
 * files. A new page adds an entry to PAGES.
 */
import type { Page } from 'playwright';
import type { Manifest } from '../../data-pipelines/pipeline/publish.ts';
import {
	FILTER_KEYS,
	overviewPeriod,
	overviewView,
	waitsPeriod,
	waitsView,
	dnasPeriod,
	dnasView,
	type FilterKey,
	type QueryRows
} from '../../src/lib/metrics/index.ts';
import { viewSearch, withFilter, type ViewState } from '../../src/lib/state/view-params.ts';

/** One change a person makes: choose `value` in the form control `control`. */
export interface Step {
	/** CSS selector of a <select> or <input>. */
	control: string;
	value: string;
	/** The view key the page shows once it has answered this change. */
	expect: string;
	/** A short description for the results (`provider=RXX`, `priority=all`). */
	label: string;
	/** What the native baseline needs to run this view's SQL. */
	view: unknown;
}

export interface BenchPage {
	name: string;
	path: string;
	/** The view key of the page as first loaded from `path`. */
	initialView: string;
	/** Selectors that all match once view `key` is drawn (a comma list inside one means any of). */
	ready(key: string): string[];
	/** The filter changes to make, `count` of them, planned from the options the page offers. */
	plan(page: Page, count: number): Promise<Step[]>;
	/** The page's metric SQL for one step's view (and for the initial view when `view` is null). */
	native(query: QueryRows, manifest: Manifest, view: unknown | null): Promise<unknown>;
}

const cssString = (s: string) => JSON.stringify(s);

async function optionValues(page: Page, control: string): Promise<string[]> {
	return page
		.locator(`${control} option`)
		.evaluateAll((os) => (os as HTMLOptionElement[]).map((o) => o.value).filter(Boolean));
}

/**
 * The overview's changes: the four filters in turn (provider, specialty, priority, commissioner),
 * each time the next value of that filter, and every third visit to a filter set back to "all",
 * so views narrow and widen as a person's would. Every step changes the view.
 */
export function planOverview(options: Record<FilterKey, string[]>, count: number): Step[] {
	const order: FilterKey[] = ['provider', 'specialty', 'priority', 'commissioner'];
	const next: Record<string, number> = {};
	const visits: Record<string, number> = {};
	let view: ViewState = { filters: {} };
	const steps: Step[] = [];
	for (let i = 0; steps.length < count && i < count * 4; i++) {
		const key = order[i % order.length];
		const values = options[key];
		if (values.length === 0) continue;
		visits[key] = (visits[key] ?? 0) + 1;
		let value: string;
		if (visits[key] % 3 === 0 && view.filters[key]) value = '';
		else {
			const n = next[key] ?? 0;
			value = values[n % values.length];
			next[key] = n + 1;
			if (value === view.filters[key]) value = values[(n + 1) % values.length];
			if (value === view.filters[key]) value = '';
		}
		view = withFilter(view, key, value);
		steps.push({
			control: `#filter-${key}`,
			value,
			expect: viewSearch(view),
			label: `${key}=${value || 'all'}`,
			view
		});
	}
	return steps;
}

/** The dataset's last day and a step's filters, for a page's native baseline. */
function nativeView(manifest: Manifest, view: unknown | null) {
	const dataEnd = manifest.dataPeriod?.to;
	if (!dataEnd) throw new Error('the dataset has no data period');
	return { dataEnd, filters: (view as ViewState | null)?.filters ?? {} };
}

const overview: BenchPage = {
	name: 'overview',
	path: '/',
	initialView: '',
	ready: (key) => [
		`section[data-state="ready"][data-view=${cssString(key)}]`,
		'.app-chart-panel svg .bars rect, [data-state="chart-empty"]'
	],
	async plan(page, count) {
		return planOverview(await filterOptions(page), count);
	},
	async native(query, manifest, view) {
		const { dataEnd, filters } = nativeView(manifest, view);
		// What +page.svelte runs for a view, together, as it does: the weekly aggregates.
		return overviewView(query, overviewPeriod(dataEnd), filters);
	}
};

/** The filters' options, as the page offers them. */
async function filterOptions(page: Page): Promise<Record<FilterKey, string[]>> {
	return Object.fromEntries(
		await Promise.all(
			FILTER_KEYS.map(async (k) => [k, await optionValues(page, `#filter-${k}`)] as const)
		)
	) as Record<FilterKey, string[]>;
}

/** The waits page at its default, weekly cadence: the same changes of filter as the overview. */
const waits: BenchPage = {
	name: 'waits',
	path: '/waits',
	initialView: '',
	ready: (key) => [
		`section[data-state="ready"][data-view=${cssString(key)}]`,
		'[data-chart^="waiting-list-trend"] svg circle, [data-chart^="waiting-list-trend"] [data-state="chart-empty"]',
		'[data-chart^="flows"] svg .stacked-bars path, [data-chart^="flows"] [data-state="chart-empty"]',
		'[data-chart^="within-18-weeks-by-sex"] svg rect, [data-chart^="within-18-weeks-by-sex"] [data-state="chart-empty"]'
	],
	async plan(page, count) {
		return planOverview(await filterOptions(page), count);
	},
	async native(query, manifest, view) {
		const { dataEnd, filters } = nativeView(manifest, view);
		// What waits/+page.svelte runs for a view: the weekly aggregates, at every level it reads.
		return waitsView(query, waitsPeriod(dataEnd, {}), filters, {});
	}
};

/** The DNAs page at its defaults (12 months, weekly trend): the same changes of filter. */
const dnas: BenchPage = {
	name: 'dnas',
	path: '/dnas',
	initialView: '',
	ready: (key) => [
		`section[data-state="ready"][data-view=${cssString(key)}]`,
		'[data-chart^="dna-trend"] svg circle, [data-chart^="dna-trend"] [data-state="chart-empty"]',
		'[data-chart^="dna-by-earlier_dnas"] svg rect, [data-chart^="dna-by-earlier_dnas"] [data-state="chart-empty"]'
	],
	async plan(page, count) {
		return planOverview(await filterOptions(page), count);
	},
	async native(query, manifest, view) {
		const { dataEnd, filters } = nativeView(manifest, view);
		// What dnas/+page.svelte runs for a view: the DNA aggregates at every level it reads.
		return dnasView(query, dnasPeriod(dataEnd, {}), filters, {});
	}
};

export const PAGES: readonly BenchPage[] = [overview, waits, dnas];
