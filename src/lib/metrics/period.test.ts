import { describe, expect, it } from 'vitest';
import { addDays, yearEnding } from './period.ts';
import { periodCount, periodEnds } from './cadence.ts';
import { isIsoDate, sqlDate, sqlString } from './sql.ts';

describe('period', () => {
	it.each([
		['2025-06-30', '2024-07-01'],
		['2025-01-01', '2024-01-02'],
		['2024-02-29', '2023-03-01'],
		['2025-03-01', '2024-03-02']
	])('yearEnding(%s) starts on %s', (asOf, from) => {
		expect(yearEnding(asOf)).toEqual({ from, to: asOf });
	});
	it('addDays crosses months and years', () => {
		expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
		expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
	});
});

describe('sql helpers', () => {
	it('sqlString doubles single quotes', () => {
		expect(sqlString("O'Neil")).toBe("'O''Neil'");
	});
	it('sqlDate accepts only real calendar dates', () => {
		expect(sqlDate('2024-02-29')).toBe("DATE '2024-02-29'");
		expect(() => sqlDate('2023-02-29')).toThrow(/invalid date/);
		expect(() => sqlDate("2024-01-01' OR 1=1 --")).toThrow(/invalid date/);
		expect(isIsoDate('2024-1-01')).toBe(false);
	});
});

describe('periodCount', () => {
	it('counts the period ends periodEnds lists, for weeks and months, over ranges of every length', () => {
		const starts = ['2022-02-27', '2023-01-01', '2023-01-31', '2024-02-29', '2024-12-15'];
		for (const cadence of ['week', 'month'] as const)
			for (const from of starts)
				for (const days of [0, 1, 6, 7, 8, 27, 28, 29, 30, 31, 59, 60, 364, 365, 366, 800]) {
					const to = addDays(from, days);
					expect(periodCount(cadence, from, to), `${cadence} ${from}…${to}`).toBe(
						periodEnds(cadence, from, to).length
					);
				}
		expect(periodCount('week', '2023-01-10', '2023-01-01')).toBe(0);
	});
});
