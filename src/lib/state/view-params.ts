/**
 * Every page's view lives in the URL, so a link reproduces the view and back and forward work:
 * `?provider=RBD&specialty=110&priority=urgent&asOf=2025-06-30`. The filters and the census are
 * the same on every page, and are kept when moving from one page to another ({@link sharedSearch}).
 */
import { FILTER_KEYS, type FilterKey } from '../metrics/filters.ts';
import { isIsoDate } from '../metrics/sql.ts';

export interface ViewState {
	filters: Partial<Record<FilterKey, string>>;
	/** Census date; undefined means the data's latest date. */
	asOf?: string;
	/**
	 * The page's own settings (any other key, such as the waits page's `cadence`): kept in its
	 * links and across its changes of filter, left behind when moving to another page.
	 */
	settings?: Readonly<Record<string, string>>;
}

const SHARED_KEYS = new Set<string>([...FILTER_KEYS, 'asOf']);

/** Reads the view from search params, ignoring what is not a valid value. */
export function readView(params: URLSearchParams): ViewState {
	const filters: ViewState['filters'] = {};
	for (const key of FILTER_KEYS) {
		const value = params.get(key)?.trim();
		if (value) filters[key] = value;
	}
	const asOf = params.get('asOf') ?? undefined;
	const settings: Record<string, string> = {};
	for (const [key, value] of params) if (!SHARED_KEYS.has(key) && value) settings[key] = value;
	return {
		filters,
		asOf: asOf && isIsoDate(asOf) ? asOf : undefined,
		...(Object.keys(settings).length ? { settings } : {})
	};
}

/** The search string for a view, keys in a fixed order so equal views give equal links. */
export function viewSearch(view: ViewState): string {
	const params = new URLSearchParams();
	for (const key of FILTER_KEYS) {
		const value = view.filters[key];
		if (value) params.set(key, value);
	}
	if (view.asOf) params.set('asOf', view.asOf);
	for (const key of Object.keys(view.settings ?? {}).sort())
		if (!SHARED_KEYS.has(key) && view.settings![key]) params.set(key, view.settings![key]);
	const text = params.toString();
	return text ? `?${text}` : '';
}

/** The view with one filter set (or cleared, for an empty value). */
export function withFilter(view: ViewState, key: FilterKey, value: string): ViewState {
	const filters = { ...view.filters };
	if (value) filters[key] = value;
	else delete filters[key];
	return { ...view, filters };
}

/**
 * The part of a URL's search that every page shares (the filters and the census), for links
 * from one page to another: a page's own settings stay behind.
 */
export function sharedSearch(params: URLSearchParams): string {
	const { filters, asOf } = readView(params);
	return viewSearch({ filters, asOf });
}

/** The view with one of the page's settings set (or cleared, for an empty value). */
export function withSetting(view: ViewState, key: string, value: string): ViewState {
	const settings = { ...view.settings };
	if (value) settings[key] = value;
	else delete settings[key];
	return { ...view, settings };
}
