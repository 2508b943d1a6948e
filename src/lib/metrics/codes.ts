/**
 * What a code a filter may take looks like, as the input contract (v1) defines it: an ODS code
 * for a provider or commissioner, a 3-digit treatment function code for a specialty, one of the
 * listed priorities. A value of another shape cannot be in the data (the pipeline quarantines or
 * sets it to unknown), so a view filtered by one matches nothing, and no SQL is run on it.
 */
import type { FilterKey } from './filters.ts';

/** An ODS code: 3 to 6 capital letters and digits (`RBD`, `15N`, `RBD01`). */
export const ODS_CODE = /^[A-Z0-9]{3,6}$/;
/** A treatment function code: 3 digits (`110`). */
export const TREATMENT_FUNCTION_CODE = /^[0-9]{3}$/;
/** Data Dictionary PRIORITY TYPE, as the contract writes it. */
export const PRIORITIES = ['routine', 'urgent', 'two_week_wait'] as const;

/** True when `value` has the shape of a code the filter `key` can take. */
export function isFilterValue(key: FilterKey, value: string): boolean {
	switch (key) {
		case 'provider':
		case 'commissioner':
			return ODS_CODE.test(value);
		case 'specialty':
			return TREATMENT_FUNCTION_CODE.test(value);
		case 'priority':
			return (PRIORITIES as readonly string[]).includes(value);
		default:
			return false;
	}
}
