import { describe, expect, it } from 'vitest';
import { arrowFromFolded, arrowTable, foldColumns } from './arrow-columns.ts';
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

	it('foldColumns(…, counts) makes rows alike in every other column one row, counts summed', async () => {
		const day = (iso: string) => Date.parse(iso) / 86_400_000;
		const columns = {
			// A date as hyparquet gives it by default (a Date) and as the dashboard asks (days).
			week_end: [
				day('2025-03-30'),
				new Date('2025-03-30'),
				day('2025-03-30'),
				day('2025-04-06'),
				day('2025-03-30')
			],
			priority: ['urgent', 'urgent', null, 'urgent', 'urgent'],
			band: [1, 1, 1, 1, 2],
			n: [3, 4, 5, null, 7]
		};
		const types = { week_end: 'date', priority: 'string', band: 'integer', n: 'integer' } as const;
		const folded = foldColumns(columns, types, ['n']);
		expect(folded.length).toBe(4);
		expect(Array.from(folded.counts.n)).toEqual([7, 5, 0, 7]);
		const engine = await wasmEngine();
		try {
			await engine.insertArrow('folded', arrowFromFolded(folded, types));
			await engine.insertArrow('whole', arrowTable(columns, types));
			const rows = await engine.query(
				`SELECT strftime(week_end, '%Y-%m-%d') AS week, priority, band, n FROM folded`
			);
			expect(rows).toEqual([
				{ week: '2025-03-30', priority: 'urgent', band: 1, n: 7 },
				{ week: '2025-03-30', priority: null, band: 1, n: 5 },
				{ week: '2025-04-06', priority: 'urgent', band: 1, n: 0 },
				{ week: '2025-03-30', priority: 'urgent', band: 2, n: 7 }
			]);
			// Any query of sums answers the same from the folded rows as from every row.
			const sums = (t: string) =>
				engine.query(
					`SELECT week_end::VARCHAR AS w, priority, SUM(COALESCE(n, 0))::INTEGER AS n FROM ${t} GROUP BY ALL ORDER BY ALL`
				);
			expect(await sums('folded')).toEqual(await sums('whole'));
		} finally {
			await engine.close();
		}
	});

	it('foldColumns(…, constants) gives a partition column its value in every row without reading it', () => {
		const folded = foldColumns(
			{ priority: ['urgent', 'urgent', 'routine'], n: [1, 2, 3] },
			{ provider_code: 'string', priority: 'string', n: 'integer' },
			['n'],
			{ provider_code: 'RBD' }
		);
		expect(folded.length).toBe(2);
		expect(folded.keys.provider_code.values).toEqual(['RBD']);
		expect(Array.from(folded.keys.provider_code.codes)).toEqual([0, 0]);
		expect(Array.from(folded.counts.n)).toEqual([3, 3]);
	});

	it('foldColumns refuses a missing column or a count that is not an integer', () => {
		expect(() => foldColumns({ a: [1] }, { a: 'integer', b: 'string' })).toThrow(
			/column b is missing/
		);
		expect(() => foldColumns({ a: ['x'] }, { a: 'string' }, ['a'])).toThrow(/not an integer/);
	});
});
