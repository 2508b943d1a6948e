/**
 * The patient attributes the waits are split by (docs/definitions.md "Fairness"): how each value
 * reads, and whether it counts as recorded. Ethnicity is the NHS ethnic category (NHS Data
 * Dictionary, ETHNIC CATEGORY): Z is "not stated"; unknown values are not recorded either.
 */
import type { WaitsAttribute } from '../metrics/waits-view.ts';

/** The referral priorities (PRIORITY TYPE), in order of urgency, and how each reads. */
export const PRIORITIES = ['routine', 'urgent', 'two_week_wait'] as const;
export const PRIORITY_NAMES: Record<string, string> = {
	routine: 'Routine',
	urgent: 'Urgent',
	two_week_wait: 'Two week wait'
};

/** Surgical prioritisation (the clinical priority recorded on a decision to admit or review). */
export const CLINICAL_PRIORITY_NAMES: Record<string, string> = {
	P1a: 'P1a (within 24 hours)',
	P1b: 'P1b (within 72 hours)',
	P2: 'P2 (within 4 weeks)',
	P3: 'P3 (within 12 weeks)',
	P4: 'P4 (over 12 weeks)',
	P5: 'P5 (patient chose to wait: COVID-19)',
	P6: 'P6 (patient chose to wait)'
};

export const ATTRIBUTE_NAMES: Record<WaitsAttribute, string> = {
	imd: 'Deprivation (IMD decile)',
	ethnicity: 'Ethnicity',
	age: 'Age band',
	sex: 'Sex'
};

/** The same, inside a sentence: "% within 18 weeks by deprivation (IMD decile)". */
export const ATTRIBUTE_WORDS: Record<WaitsAttribute, string> = {
	imd: 'deprivation (IMD decile)',
	ethnicity: 'ethnicity',
	age: 'age band',
	sex: 'sex'
};

const ETHNIC_CATEGORY: Readonly<Record<string, string>> = Object.assign(Object.create(null), {
	A: 'White: British',
	B: 'White: Irish',
	C: 'White: any other',
	D: 'Mixed: White and Black Caribbean',
	E: 'Mixed: White and Black African',
	F: 'Mixed: White and Asian',
	G: 'Mixed: any other',
	H: 'Asian: Indian',
	J: 'Asian: Pakistani',
	K: 'Asian: Bangladeshi',
	L: 'Asian: any other',
	M: 'Black: Caribbean',
	N: 'Black: African',
	P: 'Black: any other',
	R: 'Other: Chinese',
	S: 'Other: any other ethnic group',
	Z: 'Not stated'
});

/** How a value of an attribute reads; null (or unknown) is "Not recorded". */
export function attributeLabel(attribute: WaitsAttribute, value: string | null): string {
	if (value === null || value === 'unknown') return 'Not recorded';
	if (attribute === 'imd')
		return value === '1' ? '1 (most deprived)' : value === '10' ? '10 (least deprived)' : value;
	if (attribute === 'ethnicity')
		return ETHNIC_CATEGORY[value] ? `${value} ${ETHNIC_CATEGORY[value]}` : value;
	if (attribute === 'sex') return value.charAt(0).toUpperCase() + value.slice(1);
	return value;
}

/** Whether a value counts as recorded: not null, not unknown, and for ethnicity not Z. */
export function isRecorded(attribute: WaitsAttribute, value: string | null): boolean {
	return value !== null && value !== 'unknown' && !(attribute === 'ethnicity' && value === 'Z');
}

/** Core20: the most deprived fifth, IMD deciles 1 and 2 (NHS England's Core20PLUS5). */
export const CORE20_DECILES = ['1', '2'];
