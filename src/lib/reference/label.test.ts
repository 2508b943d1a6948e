import { describe, expect, it } from 'vitest';
import { codeLabel, labelledCodes } from './label.ts';

describe('codeLabel', () => {
	it.each([
		['RBD', 'Westmoor Hospitals NHS Trust', 'RBD – Westmoor Hospitals NHS Trust'],
		['110', 'Trauma and Orthopaedics', '110 – Trauma and Orthopaedics'],
		['RBD', undefined, 'RBD'],
		['RBD', null, 'RBD'],
		['RBD', '  ', 'RBD'],
		['11J', 'NHS Dorset ICB - 11J', '11J – NHS Dorset ICB'],
		['15N', 'NHS Northfield ICB - 15N (Northfield)', '15N – NHS Northfield ICB (Northfield)'],
		['11J', 'NHS Dorset ICB - 11JX', '11J – NHS Dorset ICB - 11JX'],
		['11J', '11J', '11J'],
		['R0A', 'Northfield University Hospitals', 'R0A – Northfield University Hospitals']
	])('codeLabel(%j, %j) is %j', (code, name, expected) => {
		expect(codeLabel(code, name)).toBe(expected);
	});
});

describe('labelledCodes', () => {
	it('labelledCodes(codes, names) puts named codes first, by name, then the rest by code', () => {
		const names = { RBD: 'Westmoor Hospitals', R0A: 'Northfield University Hospitals' };
		expect(labelledCodes(['RTH', 'RBD', 'R0A', 'RK9'], names)).toEqual([
			{ value: 'R0A', label: 'R0A – Northfield University Hospitals' },
			{ value: 'RBD', label: 'RBD – Westmoor Hospitals' },
			{ value: 'RK9', label: 'RK9' },
			{ value: 'RTH', label: 'RTH' }
		]);
	});
	it('labelledCodes(codes, undefined) keeps the codes in their order', () => {
		expect(labelledCodes(['320', '110', '100'], undefined).map((o) => o.label)).toEqual([
			'320',
			'110',
			'100'
		]);
	});
});
