import { describe, expect, test } from 'vitest';
import { quantile } from './measure.ts';
import { planOverview } from './pages.ts';

const options = {
	provider: ['RBD', 'RK9', 'RTH'],
	commissioner: ['15N', '92G'],
	specialty: ['110', '120', '330'],
	priority: ['routine', 'two_week_wait', 'urgent']
};

describe('planOverview(options, count)', () => {
	const steps = planOverview(options, 30);

	test('plans count steps, each to a new view', () => {
		expect(steps).toHaveLength(30);
		let previous = '';
		for (const step of steps) {
			expect(step.expect).not.toBe(previous);
			previous = step.expect;
		}
	});

	test('changes every filter, and sets each back to all', () => {
		for (const key of Object.keys(options)) {
			const mine = steps.filter((s) => s.control === `#filter-${key}`);
			expect(mine.some((s) => s.value !== '')).toBe(true);
			expect(mine.some((s) => s.value === '')).toBe(true);
		}
	});

	test('expects the search string the page writes, keys in its order', () => {
		expect(steps[0].expect).toBe('?provider=RBD');
		expect(steps[1].expect).toBe('?provider=RBD&specialty=110');
		expect(steps[3].expect).toBe('?provider=RBD&commissioner=15N&specialty=110&priority=routine');
	});

	test('skips a filter with no values', () => {
		const few = planOverview({ ...options, commissioner: [] }, 12);
		expect(few).toHaveLength(12);
		expect(few.some((s) => s.control === '#filter-commissioner')).toBe(false);
	});
});

describe('quantile(values, q)', () => {
	test.each([
		[[1, 2, 3, 4], 0.5, 2.5],
		[[4, 1, 3, 2], 0, 1],
		[[4, 1, 3, 2], 1, 4],
		[[10, 20], 0.95, 19.5],
		[[7], 0.95, 7]
	])('quantile(%j, %d) is %d', (values, q, want) => {
		expect(quantile(values, q)).toBeCloseTo(want, 9);
	});
});
