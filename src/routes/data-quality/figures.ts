/** Small sums the data quality page shows, kept out of the component so they can be tested. */
import { NO_VALUE } from '../../lib/format.ts';
import type { RowCounts } from '../../lib/reference/files.ts';

/** True when every row read is accepted, a duplicate or quarantined. */
export function reconciles(counts: RowCounts): boolean {
	return counts.read === counts.accepted + counts.duplicates + counts.quarantined;
}

/** `read = accepted + duplicates + quarantined: 48,934 = 48,900 + 12 + 22`. */
export function reconciliationText(counts: RowCounts, format: (n: number) => string): string {
	return (
		`read = accepted + duplicates + quarantined: ${format(counts.read)} = ` +
		`${format(counts.accepted)} + ${format(counts.duplicates)} + ${format(counts.quarantined)}`
	);
}

/** `part` as a percentage of `whole`; null when there is nothing to divide by. */
export function percentOf(part: number, whole: number): number | null {
	return whole > 0 ? (100 * part) / whole : null;
}

/** Entries of a count record, largest first, then by name. */
export function byCount(record: Record<string, number>): [string, number][] {
	return Object.entries(record).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/**
 * A share as the page shows it: one decimal place, but never "0.0%" for some rows or "100.0%" for
 * not quite all, which would hide them.
 */
export function formatShare(part: number, whole: number, format: (pct: number) => string): string {
	const pct = percentOf(part, whole);
	if (pct === null) return NO_VALUE;
	if (part > 0 && pct < 0.05) return 'under 0.1%';
	if (part < whole && pct >= 99.95) return 'over 99.9%';
	return format(pct);
}
