import { describe, expect, it } from 'vitest';
import { AGGREGATES } from '../../../data-pipelines/pipeline/aggregates.ts';
import { AGGREGATE_COUNTS } from './aggregate-counts.ts';

describe('AGGREGATE_COUNTS', () => {
	it('names, for each aggregate the dashboard loads, the one count the pipeline sums it by', () => {
		for (const [name, count] of Object.entries(AGGREGATE_COUNTS)) {
			const published = AGGREGATES.find((a) => a.name === name);
			expect(published?.counts, name).toEqual([count]);
		}
	});
});
