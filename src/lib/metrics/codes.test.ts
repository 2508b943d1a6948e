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
	it.each([
		['\u0000', 'U+0000'],
		['a\u0001b', 'U+0001'],
		['\u001f', 'U+001F'],
		['\u007f', 'U+007F']
	])('sqlString(%j) refuses a control character, without quoting the value', (value, code) => {
		expect(() => sqlString(value)).toThrow(
			`refused a SQL string holding a control character (${code})`
		);
	});
	it('sqlString keeps a tab, a line feed and a carriage return, which a literal holds safely', () => {
		expect(sqlString('a\tb\r\nc')).toBe("'a\tb\r\nc'");
	});
});
