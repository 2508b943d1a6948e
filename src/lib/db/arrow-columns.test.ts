import { describe, expect, it } from 'vitest';
import { arrowTable } from './arrow-columns.ts';
import { wasmEngine } from '../../../tests/helpers/engines.ts';

describe('arrowTable', () => {
	it('arrowTable(columns) loads into DuckDB-WASM with dates, booleans, codes and nulls intact', async () => {
		const table = arrowTable(
			{
				provider_code: ['RBD', 'RBD', null],
				rtt: [true, false, null],
				clock_start: [new Date('2024-02-29T00:00:00Z'), null, new Date('1999-12-31T00:00:00Z')],
				n: [1, null, 3]
			},
			{ provider_code: 'string', rtt: 'boolean', clock_start: 'date', n: 'integer' }
		);
		const engine = await wasmEngine();
		try {
			await engine.insertArrow('t', table);
			const rows = await engine.query(
				`SELECT provider_code, rtt, strftime(clock_start, '%Y-%m-%d') AS d, n, typeof(clock_start) AS type FROM t`
			);
			expect(rows).toEqual([
				{ provider_code: 'RBD', rtt: true, d: '2024-02-29', n: 1, type: 'DATE' },
				{ provider_code: 'RBD', rtt: false, d: null, n: null, type: 'DATE' },
				{ provider_code: null, rtt: null, d: '1999-12-31', n: 3, type: 'DATE' }
			]);
		} finally {
			await engine.close();
		}
	});
});
