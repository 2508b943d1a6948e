import { describe, expect, it } from 'vitest';
import { isWeekEnd, weekEnding, weekEndsSql } from './weeks.ts';

describe('weeks', () => {
	it.each([
		['2025-06-29', '2025-06-29'], // a Sunday is its own week end
		['2025-06-30', '2025-07-06'], // Monday starts the next week
		['2025-07-05', '2025-07-06'],
		['2024-12-30', '2025-01-05'], // across a year end
		['2024-02-26', '2024-03-03'] // across 29 February
	])('weekEnding(%s) is %s', (date, sunday) => {
		expect(weekEnding(date)).toBe(sunday);
	});
	it('isWeekEnd is true on Sundays only', () => {
		expect(isWeekEnd('2025-06-29')).toBe(true);
		expect(isWeekEnd('2025-06-28')).toBe(false);
	});
	it('weekEnding rejects anything but a calendar date', () => {
		expect(() => weekEnding('2025-02-30')).toThrow(/invalid date/);
	});
	it('weekEndsSql starts at the Sunday ending the first week', () => {
		expect(weekEndsSql('2025-06-30', '2025-07-20')).toContain("DATE '2025-07-06'");
	});
});
