import { describe, expect, it } from 'vitest';
import { addDays, yearEnding } from './period.ts';
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
