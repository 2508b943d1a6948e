/** Numbers the NHS way: thousands separators, one decimal place for rates, weeks for waits. */

const count = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en-GB', {
	minimumFractionDigits: 1,
	maximumFractionDigits: 1
});
const longDate = new Intl.DateTimeFormat('en-GB', {
	day: 'numeric',
	month: 'long',
	year: 'numeric',
	timeZone: 'UTC'
});

export const NO_VALUE = '–';

export function formatCount(n: number | null | undefined): string {
	return n == null ? NO_VALUE : count.format(n);
}

export function formatPercent(n: number | null | undefined): string {
	return n == null ? NO_VALUE : `${oneDecimal.format(n)}%`;
}

export function formatWeeks(n: number | null | undefined): string {
	return n == null ? NO_VALUE : `${oneDecimal.format(n)} weeks`;
}

/** `2025-06-30` → `30 June 2025`. */
export function formatDate(iso: string | null | undefined): string {
	if (!iso) return NO_VALUE;
	return longDate.format(new Date(`${iso}T00:00:00Z`));
}

/** Where a dataset's figures come from, in a sentence: for a chart's source line and its files. */
export function datasetSource(manifest: {
	builtAt: string;
	dataPeriod: { from: string; to: string } | null;
	source: { files: readonly string[]; rowsAccepted: number };
	pseudonymisation: { demoKey: boolean };
}): string {
	const files = manifest.source.files.length;
	return (
		`Source: pathway-insight, dataset published ${formatDate(manifest.builtAt.slice(0, 10))} from ` +
		`${formatCount(manifest.source.rowsAccepted)} events in ${files} extract file${files === 1 ? '' : 's'}` +
		(manifest.dataPeriod
			? `, events dated ${formatDate(manifest.dataPeriod.from)} to ${formatDate(manifest.dataPeriod.to)}`
			: '') +
		(manifest.pseudonymisation.demoKey ? '. Demo data.' : '.')
	);
}

const shortDate = new Intl.DateTimeFormat('en-GB', {
	day: 'numeric',
	month: 'short',
	year: 'numeric',
	timeZone: 'UTC'
});
const monthYear = new Intl.DateTimeFormat('en-GB', {
	month: 'short',
	year: 'numeric',
	timeZone: 'UTC'
});

/** `2025-06-30` → `30 Jun 2025`, whatever the browser's locale. */
export function formatShortDate(iso: string | null | undefined): string {
	return iso ? shortDate.format(new Date(`${iso}T00:00:00Z`)) : NO_VALUE;
}

/** `2025-06-30` → `Jun 2025`: a month end names its month. */
export function formatMonth(iso: string | null | undefined): string {
	return iso ? monthYear.format(new Date(`${iso}T00:00:00Z`)) : NO_VALUE;
}

/** A change, signed: `+1,204`, `−3`, `0` (a minus sign, not a hyphen). */
export function formatChange(
	n: number | null | undefined,
	format: (n: number) => string = formatCount
): string {
	if (n == null) return NO_VALUE;
	// A change too small to show (−0.02 weeks at one decimal) is no change, not "−0.0".
	const size = format(Math.abs(n));
	if (n === 0 || size === format(0)) return format(0);
	return n > 0 ? `+${size}` : `−${size}`;
}
