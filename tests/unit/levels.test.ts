import { describe, expect, it } from 'vitest';
import {
	aggregateLevel,
	levelTable,
	LEVEL_DIMENSIONS,
	partitionValues,
	rollupSql
} from '../../src/lib/metrics/levels.ts';

describe('aggregate levels', () => {
	it('picks the least detailed level that can answer the filters', () => {
		expect(aggregateLevel()).toBe('national');
		expect(aggregateLevel({ specialty: '110', priority: 'urgent' })).toBe('national');
		expect(aggregateLevel({ commissioner: '15N', specialty: '110' })).toBe('commissioner');
		expect(aggregateLevel({ provider: 'RBD', commissioner: '15N' })).toBe('provider');
		expect(aggregateLevel({ provider: ['RBD', 'RTH'] })).toBe('provider');
		// Empty values are no filter at all.
		expect(aggregateLevel({ provider: '', commissioner: [] })).toBe('national');
	});

	it('names each level’s table, and reads only the partitions the filters ask for', () => {
		expect(levelTable('waiting_list_weekly', 'provider')).toBe('waiting_list_weekly');
		expect(levelTable('waiting_list_weekly', 'national')).toBe('waiting_list_weekly_national');
		expect(partitionValues('provider', { provider: ['RBD', 'RTH'], commissioner: '15N' })).toEqual([
			'RBD',
			'RTH'
		]);
		expect(partitionValues('commissioner', { commissioner: '15N' })).toEqual(['15N']);
		expect(partitionValues('national', { provider: 'RBD' })).toEqual([]);
	});

	it('keeps fewer filter columns at each coarser level', () => {
		expect(LEVEL_DIMENSIONS.provider).toContain('provider_code');
		expect(LEVEL_DIMENSIONS.commissioner).not.toContain('provider_code');
		expect(LEVEL_DIMENSIONS.commissioner).toContain('commissioner_code');
		expect(LEVEL_DIMENSIONS.national).toEqual(['specialty_code', 'priority']);
		const sql = rollupSql({
			from: 'clock_flows_weekly',
			level: 'national',
			breakdown: ['flow'],
			counts: ['pathways']
		});
		expect(sql).toContain('GROUP BY week_end, specialty_code, priority, flow');
		expect(sql).not.toContain('provider_code');
	});
});
