/**
 * What each quarantine rule and warning of the pipeline (data-pipelines/pipeline/validate.ts,
 * classify.ts) means, in plain English, for the data quality page. A unit test checks that every
 * rule and warning the pipeline can report is explained here.
 */

/** Quarantine rules: the row was held back, with its file, line and reason. */
export const RULE_MEANINGS: Record<string, string> = {
	malformed_row:
		'The line could not be read as a row: a wrong number of fields, a broken quote, or a JSON line that does not parse.',
	missing_column:
		"A column the contract requires is missing from the file's header, so rows that need it cannot be used.",
	missing_value:
		'A required value is empty, such as a row with no pathway_id, or a referral with no specialty.',
	invalid_event_type: 'The event_type is not one of the event types in the input contract.',
	invalid_date:
		'The event_time, or an appointment_time, is not a date or timestamp written as ISO 8601 (2025-03-14 or 2025-03-14T09:30:00).',
	invalid_value:
		'A required value is not one of those allowed, such as a priority other than routine, urgent or two_week_wait.',
	invalid_code:
		'A provider or commissioner code is not an ODS code (3 to 6 letters and digits), or a specialty is not a 3-digit treatment function code.',
	future_event_time:
		'The event is dated after the extract date, so it cannot have happened yet. (Appointment slots in the future are normal and allowed.)',
	conflict:
		'Two or more rows share one event_id but differ. All copies are held back, because it is not known which is right.',
	contradiction:
		"The row contradicts the pathway's other events: a second referral for one pathway, a clock stop before its start or a second stop, an outcome dated before its booking, or a second booking or outcome for one appointment."
};

/** Optional fields whose invalid value is set to unknown, with the words for what is lost. */
const WARNING_FIELDS: Record<string, string> = {
	referrer_code: 'the referring practice',
	commissioner_code: 'the commissioner',
	specialty_code: 'the specialty',
	priority: 'the priority',
	care_setting: 'the care setting',
	referral_source: 'the source of referral',
	age_band: 'the age band',
	sex: 'sex',
	ethnicity: 'ethnicity',
	imd_decile: 'the deprivation decile',
	clinical_priority: 'the clinical priority',
	attendance_type: 'first or follow-up',
	consultation_medium: 'face to face, telephone or video',
	cancelled_by: 'who cancelled',
	stop_reason: 'the stop reason',
	appointment_time: 'the appointment time'
};

const WARNING_DETAIL: Record<string, string> = {
	ethnicity: 'an NHS ethnic category letter (A to Z) or "unknown"',
	imd_decile: 'a whole number from 1 (most deprived) to 10',
	sex: 'female, male, other or unknown',
	age_band: 'one of the age bands 0-17, 18-24 … 85+',
	referrer_code: 'an ODS code',
	commissioner_code: 'an ODS code',
	specialty_code: 'a 3-digit treatment function code',
	clinical_priority: 'P1a, P1b, P2, P3, P4, P5 or P6',
	appointment_time: 'an ISO 8601 timestamp'
};

/** The plain-English meaning of a quarantine rule; a fallback for a rule this page does not know. */
export function ruleMeaning(rule: string): string {
	return (
		RULE_MEANINGS[rule] ??
		'A rule this version of the dashboard does not describe: see the example reason.'
	);
}

/** The plain-English meaning of a warning (`invalid_ethnicity` and so on). */
export function warningMeaning(warning: string): string {
	const column = warning.replace(/^invalid_/, '');
	const lost = WARNING_FIELDS[column];
	if (!lost) return 'An optional value could not be used and was set to unknown.';
	const expected = WARNING_DETAIL[column];
	return (
		`${column} held a value that is not allowed${expected ? ` (expected ${expected})` : ''}. ` +
		`The row is kept, with ${lost} unknown.`
	);
}

/** Whether a warning is one this page describes (for tests). */
export const describesWarning = (warning: string) =>
	warning.replace(/^invalid_/, '') in WARNING_FIELDS;
