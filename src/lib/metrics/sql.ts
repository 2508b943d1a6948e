/**
 * The one escaping helper for values placed into metric SQL. Every value that comes from a user
 * (a filter, a date) passes through here; nothing is concatenated raw.
 */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const IDENTIFIER = /^[a-z_][a-z0-9_]*$/i;

/**
 * Control characters but tab, line feed and carriage return (which a file name or a CSV header
 * cell may hold, and which a SQL string literal holds safely): a NUL above all.
 */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/**
 * A SQL string literal: `it's` → `'it''s'`. Refuses a value holding a control character (a NUL
 * from `?provider=%00`, say): the filters never pass one (codes.ts), so one here is a bug or an
 * attack, and DuckDB's parser would answer it with an error rather than no rows. The refusal
 * does not quote the value (it may be an input's).
 */
export function sqlString(value: string): string {
	const control = typeof value === 'string' ? CONTROL.exec(value) : null;
	if (typeof value !== 'string' || control) {
		const code = control
			? `U+${control[0].charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}`
			: typeof value;
		throw new RangeError(`refused a SQL string holding a control character (${code})`);
	}
	return `'${value.replaceAll("'", "''")}'`;
}

/** True when `value` is a real calendar date written `YYYY-MM-DD`. */
export function isIsoDate(value: string): boolean {
	const match = ISO_DATE.exec(value);
	if (!match) return false;
	const date = new Date(Date.UTC(+match[1], +match[2] - 1, +match[3]));
	return date.toISOString().slice(0, 10) === value;
}

/** A SQL date literal from `YYYY-MM-DD`; throws on anything else. */
export function sqlDate(value: string): string {
	if (!isIsoDate(value)) throw new RangeError(`invalid date "${value}": expected YYYY-MM-DD`);
	return `DATE '${value}'`;
}

/** A table or column name we chose ourselves; throws if it could be anything else. */
export function sqlIdentifier(name: string): string {
	if (!IDENTIFIER.test(name)) throw new RangeError(`invalid SQL identifier "${name}"`);
	return name;
}

/** `WHERE a AND b` from the conditions given, skipping empty ones; '' when none remain. */
export function whereAll(conditions: readonly (string | false | null | undefined)[]): string {
	const kept = conditions.filter((c): c is string => typeof c === 'string' && c.length > 0);
	return kept.length ? `WHERE ${kept.map((c) => `(${c})`).join('\n  AND ')}` : '';
}
