/**
 * The stages of a pathway (docs/definitions.md "Pathway bottlenecks"), as the modelling writes them in
 * `stage_intervals.stage` and `pathways.current_stage`. The rules are at the top of
 * data-pipelines/sql/stage_intervals.sql.
 */
export const STAGES = [
	'triage',
	'first_appointment',
	'diagnostics',
	'follow_up_or_decision',
	'admitted_treatment'
] as const;

export type Stage = (typeof STAGES)[number];

/** What a pathway in each stage is waiting for, in plain English; `stopped` ends a pathway. */
export const STAGE_LABELS: Record<Stage | 'stopped', string> = {
	triage: 'Awaiting triage',
	first_appointment: 'Awaiting first appointment',
	diagnostics: 'Awaiting diagnostics',
	follow_up_or_decision: 'Awaiting follow-up or decision',
	admitted_treatment: 'Awaiting admitted treatment',
	stopped: 'Stopped'
};
