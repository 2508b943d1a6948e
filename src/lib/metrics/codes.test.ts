import { describe, expect, it } from 'vitest';
import { isFilterValue } from './codes.ts';
import { sqlString } from './sql.ts';

describe('isFilterValue', () => {
	it.each([
		['provider', 'RBD', true],
		['provider', 'RBD01', true],
		['commissioner', '15N', true],
		['specialty', '110', true],
		['priority', 'two_week_wait', true],
		['provider', 'rbd', false],
		['provider', 'RB', false],
		['provider', '__proto__', false],
		['commissioner', 'constructor', false],
		['specialty', '1100', false],
		['specialty', 'toString', false],
		['priority', 'hasOwnProperty', false],
		['priority', 'URGENT', false],
		['provider', '\u0000', false],
		['provider', "R'; --", false]
	] as const)('isFilterValue(%j, %j) is %j', (key, value, expected) => {
		expect(isFilterValue(key, value)).toBe(expected);
	});
});

describe('sqlString', () => {
	it('sqlString("it\'s") doubles the quote', () => {
		expect(sqlString("it's")).toBe("'it''s'");
	});
	it.each(['\u0000', 'a\nb', 'tab\there', '\u001f', '\u007f'])(
		'sqlString(%j) refuses a control character',
		(value) => {
			expect(() => sqlString(value)).toThrow(/refused a SQL string holding a control character/);
		}
	);
});
