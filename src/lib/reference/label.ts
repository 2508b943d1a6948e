/** Codes shown with their names: `RBD – Westmoor Hospitals NHS Trust`. */

/** The separator between a code and its name (an en dash, spaced). */
export const CODE_NAME_SEPARATOR = ' – ';

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * `code – name`, or the code alone when it has no name. A name that repeats the code after a dash,
 * as ODS names sub-ICB locations (`NHS Dorset ICB - 11J`), loses the repeat: `11J – NHS Dorset ICB`,
 * so the code always leads and a narrow select still shows it.
 */
export function codeLabel(code: string, name?: string | null): string {
	// A name looked up by a code from a URL is only ever a string, or nothing.
	const trimmed = (typeof name === 'string' ? name : undefined)
		?.replace(new RegExp(`\\s*[-–]\\s*${escapeRegExp(code)}(?![A-Za-z0-9])`), '')
		.trim();
	if (!trimmed || trimmed === code) return code;
	return `${code}${CODE_NAME_SEPARATOR}${trimmed}`;
}

export interface LabelledCode {
	value: string;
	label: string;
}

const byText = new Intl.Collator('en-GB', { numeric: true, sensitivity: 'base' });

/**
 * Codes as options for a select: named codes first, sorted by name, then the codes without a
 * name, sorted by code. Without names the codes keep their order.
 */
export function labelledCodes(
	codes: readonly string[],
	names: Readonly<Record<string, string>> | undefined
): LabelledCode[] {
	const options = codes.map((value) => {
		const label = codeLabel(value, names?.[value]);
		const name = label === value ? '' : label.slice(value.length + CODE_NAME_SEPARATOR.length);
		return { value, label, name };
	});
	if (!options.some((o) => o.name)) return options.map(({ value, label }) => ({ value, label }));
	const named = options
		.filter((o) => o.name)
		.sort((a, b) => byText.compare(a.name, b.name) || byText.compare(a.value, b.value));
	const unnamed = options.filter((o) => !o.name).sort((a, b) => byText.compare(a.value, b.value));
	return [...named, ...unnamed].map(({ value, label }) => ({ value, label }));
}
