import { describe, expect, test } from 'vitest';
import { formatChange, formatCount } from '../../src/lib/format.ts';

const weeks = (n: number) => `${n.toFixed(1)} wks`;

describe('formatChange', () => {
	test('signs a rise and a fall, and says nothing for no value', () => {
		expect(formatChange(1234)).toBe(`+${formatCount(1234)}`);
		expect(formatChange(-56)).toBe('−56');
		expect(formatChange(null)).toBe('–');
		expect(formatChange(0.3, weeks)).toBe('+0.3 wks');
		expect(formatChange(-0.3, weeks)).toBe('−0.3 wks');
	});

	test('a change that rounds to nothing has no sign', () => {
		expect(formatChange(0, weeks)).toBe('0.0 wks');
		expect(formatChange(-0.02, weeks)).toBe('0.0 wks');
		expect(formatChange(0.04, weeks)).toBe('0.0 wks');
		expect(formatChange(-0.4)).toBe('0');
	});
});
