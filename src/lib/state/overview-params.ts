/**
 * The overview's view state lives in the URL, so a link reproduces the view and back and
 * forward work: `?provider=RBD&specialty=110&priority=urgent&asOf=2025-06-30`.
 */
import { FILTER_KEYS, type FilterKey } from '../metrics/filters.ts';
import { isIsoDate } from '../metrics/sql.ts';

export interface OverviewView {
	filters: Partial<Record<FilterKey, string>>;
	/** Census date; undefined means the data's latest date. */
	asOf?: string;
}

/** Reads the view from search params, ignoring what is not a valid value. */
export function readView(params: URLSearchParams): OverviewView {
	const filters: OverviewView['filters'] = {};
	for (const key of FILTER_KEYS) {
		const value = params.get(key)?.trim();
		if (value) filters[key] = value;
	}
	const asOf = params.get('asOf') ?? undefined;
	return { filters, asOf: asOf && isIsoDate(asOf) ? asOf : undefined };
}

/** The search string for a view, keys in a fixed order so equal views give equal links. */
export function viewSearch(view: OverviewView): string {
	const params = new URLSearchParams();
	for (const key of FILTER_KEYS) {
		const value = view.filters[key];
		if (value) params.set(key, value);
	}
	if (view.asOf) params.set('asOf', view.asOf);
	const text = params.toString();
	return text ? `?${text}` : '';
}

/** The view with one filter set (or cleared, for an empty value). */
export function withFilter(view: OverviewView, key: FilterKey, value: string): OverviewView {
	const filters = { ...view.filters };
	if (value) filters[key] = value;
	else delete filters[key];
	return { ...view, filters };
}
