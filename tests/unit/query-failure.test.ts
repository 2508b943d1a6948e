/**
 * DuckDB-WASM under a memory limit refuses a query that would need more, and goes on answering:
 * the page then says so in words a user can act on, rather than the tab being killed.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { queryFailureMessage } from '../../src/lib/db/query-failure.ts';
import { wasmEngine, type Engine } from '../helpers/engines.ts';

let engine: Engine;
beforeAll(async () => {
	engine = await wasmEngine();
	// The browser's limit is 1GB; a small one here makes a small query enough to reach it.
	await engine.run(`SET memory_limit = '64MB'`);
});
afterAll(() => engine?.close());

it('a query over the memory limit is refused with a message, and the engine answers the next one', async () => {
	const failure = await engine
		.query(`SELECT i, COUNT(*) AS n FROM range(30000000) t(i) GROUP BY i ORDER BY n DESC LIMIT 1`)
		.then(
			() => null,
			(error: unknown) => error
		);
	expect(String(failure)).toMatch(/Out of Memory/);
	const message = queryFailureMessage(failure);
	expect(message).toMatch(/^this view needs more memory than the query engine may use/);
	expect(message).toContain('1GB');
	expect(await engine.query('SELECT 42 AS answer')).toEqual([{ answer: 42 }]);
});

it('any other failure keeps the engine’s own first line', () => {
	expect(queryFailureMessage(new Error('Catalog Error: Table x does not exist\nLINE 1'))).toBe(
		'the query failed: Catalog Error: Table x does not exist'
	);
});
