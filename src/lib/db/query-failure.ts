/**
 * What the page says when a query fails. DuckDB-WASM runs under a memory limit (engine.ts), so a
 * view that would need more is refused with DuckDB's out-of-memory error rather than growing the
 * tab until the browser kills it; that refusal is said in words a user can act on.
 */

/** DuckDB-WASM's memory limit: well inside what a 32-bit WebAssembly tab can address. */
export const MEMORY_LIMIT = '1GB';

function firstLine(error: unknown): string {
	return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}

export function queryFailureMessage(error: unknown): string {
	const line = firstLine(error);
	if (/out of memory/i.test(line)) {
		return `this view needs more memory than the query engine may use in a browser tab (${MEMORY_LIMIT}). Choose a provider or commissioner to narrow it, or reload the page. (${line})`;
	}
	return `the query failed: ${line}`;
}
