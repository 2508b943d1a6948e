/**
 * The view runner: everything between a page's URL and its figures, so that a page is its
 * queries and its markup. Made once per page, while the page's component is set up (it starts
 * its own effects), in the manner of SvelteKit's own rune state:
 *
 *   const runner = new ViewRunner(overviewPage, () => page.url);
 *
 * It opens the dataset (the version current when the page opened), reads the URL's filters and
 * census, loads exactly the aggregates the page's queries read (the level its filters need, the
 * weeks its census and period need), runs the queries, drops an answer for a view no longer
 * shown, keeps answered views for back and forward, and draws the default view from the figures
 * published with the dataset, before the query engine has started. A view whose filter value
 * cannot be a code matches nothing, without a query. It exposes `{ data, error, updating }`.
 */
import { onMount } from 'svelte';
import { afterNavigate, goto } from '$app/navigation';
import { openDataset, type OpenDataset } from '../db/dataset.ts';
import { isFilterValue } from '../metrics/codes.ts';
import { FILTER_KEYS, type FilterKey, type MetricFilters } from '../metrics/filters.ts';
import type { ViewPeriod } from '../metrics/aggregates.ts';
import { periodEndOnOrBefore, periodEnds } from '../metrics/cadence.ts';
import { monthEnding } from '../metrics/months.ts';
import type { PageQueries, PageView } from '../metrics/page-queries.ts';
import { overviewPeriod } from '../metrics/overview-view.ts';
import { weekEnding } from '../metrics/weeks.ts';
import { loadReference } from '../reference/load.ts';
import { readView, viewSearch, withFilter, type ViewState } from './view-params.ts';

export type { PageQueries };

/** The page's figures and the view (its search string) they are for. */
export interface Shown<T> {
	value: T;
	search: string;
}

const NO_OPTIONS: Record<FilterKey, string[]> = {
	provider: [],
	commissioner: [],
	specialty: [],
	priority: []
};

/** The URL follows a view asked for once it is drawn, or after this long at the latest. */
const URL_AT_LATEST_MS = 400;

/** Views answered and kept, for back, forward and a return to a view. */
const MAX_ANSWERS = 100;

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The filter values of a view that cannot be codes (codes.ts): such a view matches nothing. */
export function notCodes(filters: ViewState['filters']): FilterKey[] {
	return FILTER_KEYS.filter((k) => filters[k] !== undefined && !isFilterValue(k, filters[k]!));
}

export class ViewRunner<T> {
	/** The dataset, once opened. */
	dataset = $state.raw<OpenDataset | null>(null);
	/** Why the dataset could not be opened: the page shows this and nothing else. */
	loadError = $state<string | null>(null);
	/** Why the published default view could not be used, when it could not. */
	firstViewProblem = $state<string | null>(null);
	/** The codes each filter can take, and names for them. */
	options = $state.raw<Record<FilterKey, string[]>>(NO_OPTIONS);
	names = $state.raw<Partial<Record<FilterKey, Record<string, string>>>>({});
	/** The figures shown, and the view they are for; null until the first are worked out. */
	data = $state.raw<Shown<T> | null>(null);
	/** Why the current view's figures could not be worked out (none are shown then). */
	error = $state<string | null>(null);
	/** A new view is being worked out (the figures shown are the last view's). */
	updating = $state(false);

	readonly #queries: PageQueries<T>;
	// Set by the constructor; the deriveds below read it only once they are first read.
	#url: () => URL = () => new URL('http://localhost/');
	#ticket = 0;
	#firstPaint = true;
	readonly #answers = new Map<string, T>();
	/** The view last worked out (or under way), so that the URL catching up does not start it again. */
	#running: { opened: OpenDataset; key: string } | null = null;
	/**
	 * The view asked for by {@link show}, until the URL shows it: its queries start at once,
	 * not after the navigation (which lays the page out to save its scroll position).
	 */
	#asked = $state.raw<{ view: ViewState; search: string; path: string } | null>(null);

	/** The view shown: the one just asked for, else the URL's filters and census. */
	readonly view: ViewState = $derived.by(() => {
		const next = this.#asked?.view ?? readView(this.#url().searchParams);
		const search = viewSearch(next);
		// The same view as before (the URL catching up with it): the same object, so nothing
		// that reads it is worked out or drawn again.
		if (this.#lastView?.search !== search) this.#lastView = { view: next, search };
		return this.#lastView.view;
	});
	#lastView: { view: ViewState; search: string } | null = null;
	/** The published views whose loads and warm-up have been started. */
	readonly #warmed = new Set<string>();
	readonly #dataPeriod = $derived(this.dataset?.manifest.dataPeriod ?? null);
	/** The census and the period of flows and trends the view shows; null before the dataset. */
	readonly period: ViewPeriod | null = $derived(
		this.#dataPeriod ? this.#periodOf(this.#dataPeriod.to, this.view) : null
	);
	/** The earliest and the latest census the data allows (week ends, or month ends). */
	readonly censusRange: { min: string; max: string } | null = $derived(
		this.#dataPeriod
			? {
					min: (this.period?.cadence === 'month' ? monthEnding : weekEnding)(this.#dataPeriod.from),
					max: periodEndOnOrBefore(this.period?.cadence ?? 'week', this.#dataPeriod.to)
				}
			: null
	);
	/** Every census the data holds at the view's cadence, newest first. */
	readonly censuses: string[] = $derived(
		this.censusRange
			? periodEnds(
					this.period?.cadence ?? 'week',
					this.censusRange.min,
					this.censusRange.max
				).reverse()
			: []
	);
	/** The filters of the view whose values cannot be codes. */
	readonly notCodes: FilterKey[] = $derived(notCodes(this.view.filters));

	constructor(queries: PageQueries<T>, url: () => URL) {
		this.#queries = queries;
		this.#url = url;
		onMount(() => {
			void this.#open();
		});
		// The URL has caught up with the view asked for, or another navigation (back, a link)
		// has moved it on: the URL says what is shown again.
		afterNavigate(({ to, type }) => {
			if (this.#asked && (type !== 'goto' || to?.url.search === this.#asked.search))
				this.#asked = null;
		});
		// Imperative: work out the view whenever the data or the URL changes.
		$effect(() => {
			if (this.dataset && this.period) this.#run(this.dataset, this.period, this.view);
		});
	}

	#periodOf(dataEnd: string, view: PageView): ViewPeriod {
		return this.#queries.period?.(dataEnd, view) ?? overviewPeriod(dataEnd, view.asOf);
	}

	async #open(): Promise<void> {
		try {
			const opened = await openDataset();
			// Names beside codes, when the dataset has them; never holds up or fails the figures.
			loadReference(opened.version.base).then((r) => {
				this.names = {
					provider: r.providers,
					commissioner: r.commissioners,
					specialty: r.specialties
				};
			});
			this.firstViewProblem = opened.firstViewProblem;
			const first = opened.firstView?.overview;
			if (first) this.options = first.options;
			this.dataset = opened;
			if (!first && opened.manifest.dataPeriod) {
				// No published first view: list the filters' values from the weeks loaded.
				this.options = await opened.options(overviewPeriod(opened.manifest.dataPeriod.to));
			}
		} catch (error) {
			this.loadError = message(error);
		}
	}

	#shown(value: T, search: string): void {
		this.data = { value, search };
		this.error = null;
		this.updating = false;
		this.#followUrl();
		if (this.#firstPaint) {
			this.#firstPaint = false;
			requestAnimationFrame(() => performance.mark('pathway-insight:first-kpi'));
		}
		performance.mark('pathway-insight:view-ready');
	}

	#run(opened: OpenDataset, period: ViewPeriod, view: ViewState): void {
		const search = viewSearch(view);
		const key = `${period.cadence ?? 'week'} ${period.asOf} ${period.from} ${search}`;
		if (this.#running?.opened === opened && this.#running.key === key) return;
		this.#running = { opened, key };
		const mine = ++this.#ticket;
		const { filters } = view;
		const queries = this.#queries;
		const noFilters = FILTER_KEYS.every((k) => !filters[k]);
		const first =
			noFilters && opened.firstView ? queries.published?.(opened.firstView, period, view) : null;
		if (first) {
			this.#shown(first, search);
			// Once for each census and period: a return to the default view finds it all done.
			if (this.#warmed.has(key)) return;
			this.#warmed.add(key);
			// Warm the engine with this view's weeks (and the levels it compares), so the first
			// change of filter is quick.
			this.#load(opened, period, {}, view)
				.then(() => opened.prefetch(period, queries.aggregates, queries))
				.then(() => this.#warm(opened, period))
				.catch(() => {})
				// For npm run bench: the page's background loading is done.
				.finally(() => performance.mark('pathway-insight:settled'));
			return;
		}
		if (notCodes(filters).length) {
			this.#shown(queries.empty(period, filters, view), search);
			return;
		}
		const cached = this.#answers.get(key);
		if (cached) {
			this.#shown(cached, search);
			return;
		}
		this.updating = true;
		this.#load(opened, period, filters, view)
			.then(() => queries.run(opened.query, period, filters, view))
			.then(
				(value) => {
					this.#answers.set(key, value);
					if (this.#answers.size > MAX_ANSWERS)
						this.#answers.delete(this.#answers.keys().next().value!);
					if (mine === this.#ticket) this.#shown(value, search);
					// A small dataset's other providers and commissioners, or a large one's likeliest
					// next, for the next change.
					opened.prefetch(period, queries.aggregates, queries, filters).catch(() => {});
				},
				(error) => {
					if (this.#running?.key === key) this.#running = null;
					if (mine !== this.#ticket) return;
					// No figure is shown for a view that could not be worked out: not the last view's.
					this.data = null;
					this.error = message(error);
					this.updating = false;
					this.#followUrl();
				}
			);
	}

	/** Loads what a view reads: its level's aggregates, any whole levels, any event-level rows. */
	async #load(
		opened: OpenDataset,
		period: ViewPeriod,
		filters: MetricFilters,
		view: PageView
	): Promise<void> {
		const queries = this.#queries;
		const facts = queries.facts?.(filters, view);
		// All at once: each table's files are fetched and decoded in a worker of its own.
		await Promise.all([
			opened.prepare(period, filters, queries.aggregates, queries),
			...(queries.levels?.(filters, view) ?? []).map((l) =>
				opened.prepareLevel(period, l.level, l.aggregates, l, l.partitions)
			),
			facts && opened.prepareFacts(facts.provider, facts.tables)
		]);
	}

	/**
	 * Runs the page's queries once in the background: for the view drawn from the published
	 * figures (its weeks are loaded), then for one provider and one commissioner of the data. The
	 * engine's first queries run slower than later ones (its code is compiled as it is first
	 * used), and the first change of filter a person makes should not pay for that. A code that
	 * matches no row would not warm it: the engine skips its rows unread.
	 */
	async #warm(opened: OpenDataset, period: ViewPeriod): Promise<void> {
		const { provider, commissioner } = this.options;
		const views: MetricFilters[] = [{}];
		if (provider.length) views.push({ provider: provider.slice(-1) });
		if (commissioner.length) views.push({ commissioner: commissioner.slice(-1) });
		for (const filters of views) await this.#queries.run(opened.query, period, filters, {});
	}

	/**
	 * Shows another view: it is worked out at once (its loads and queries started in this task)
	 * and the URL follows once it is drawn (#followUrl).
	 */
	show(next: ViewState): void {
		const search = viewSearch(next);
		this.#asked = { view: next, search, path: location.pathname };
		// In case the view waits long (files to fetch), the URL follows within a moment anyway.
		clearTimeout(this.#urlDue);
		this.#urlDue = setTimeout(() => this.#followUrl(), URL_AT_LATEST_MS);
	}

	/** Set while the URL has yet to follow a view asked for: the latest it will. */
	#urlDue: ReturnType<typeof setTimeout> | undefined;

	/**
	 * The URL catches up with the view asked for, once its figures are drawn: the navigation's
	 * work on the main thread (it lays the page out to save its scroll position, and updates
	 * what reads the URL) would otherwise hold up the engines' answers, and the drawing.
	 */
	#followUrl(): void {
		if (this.#urlDue === undefined) return;
		clearTimeout(this.#urlDue);
		this.#urlDue = undefined;
		// After the frame that draws the view has been painted.
		requestAnimationFrame(() =>
			setTimeout(() => {
				const asked = this.#asked;
				// Not once the user has moved to another page: its URL is its own.
				if (asked && location.pathname === asked.path && location.search !== asked.search)
					goto(`${location.pathname}${asked.search}`, { keepFocus: true, noScroll: true });
			})
		);
	}

	/** Sets one filter (or clears it, for an empty value). */
	filter(key: FilterKey, value: string): void {
		this.show(withFilter(this.view, key, value));
	}

	/**
	 * Sets the census: the weekly figures hold a census at each week end (Sunday) and the monthly
	 * ones at each month end, so another day means the period end on or before it, or the
	 * latest when that is past the data.
	 */
	census(value: string): void {
		const census = value ? periodEndOnOrBefore(this.period?.cadence ?? 'week', value) : undefined;
		const latest = this.censusRange?.max;
		this.show({ ...this.view, asOf: census && census !== latest ? census : undefined });
	}
}
