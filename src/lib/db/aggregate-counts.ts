import type { DashboardAggregate } from '../dataset/schema.ts';

/**
 * Each aggregate's count, summed when rows alike in every column the dashboard reads are folded
 * into one as they are loaded (arrow-columns.ts): the pipeline's `counts` for it (a unit test
 * holds them to data-pipelines/pipeline/aggregates.ts).
 */
export const AGGREGATE_COUNTS: Record<DashboardAggregate, string> = {
	waiting_list_weekly: 'pathways',
	clock_flows_weekly: 'pathways',
	appointments_weekly: 'appointments'
};
