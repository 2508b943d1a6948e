/**
 * The services of the synthetic world, by treatment function code (TFC): how much demand each sees,
 * how its pathways run (diagnostics, follow-ups, admission, long-term caseload) and how much capacity
 * its providers publish against that demand. Parameters are chosen so that the figures measured at the
 * census land in the ranges of docs/definitions.md "The demo data"; the under-capacity specialties are
 * the four that docs/definitions.md "The demo data" names (T&O, ENT, ophthalmology, gynaecology).
 */
import type { CARE_SETTINGS } from '../lib/contract.ts';

export type CareSetting = (typeof CARE_SETTINGS)[number];
/** Who is referred: demographic weighting of a specialty's demand. */
export type Population = 'adult' | 'older' | 'female' | 'child' | 'all' | 'maternity';

export interface Specialty {
	code: string;
	name: string;
	/** RTT (consultant-led) service: referrals start an RTT clock (a few are planned, rtt false). */
	rtt: boolean;
	careSetting: CareSetting;
	/** Relative referral volume within its kind (RTT or not). */
	weight: number;
	/** Publishes too little capacity for its demand from a year before the data window. */
	underCapacity: boolean;
	/** The wait to first appointment, weeks, that its managers steer the queue towards. */
	firstTargetWeeks: number;
	/** Share of RTT decisions that are a decision to admit. */
	admitShare: number;
	/** The routine (P4) wait for admission, weeks, its managers steer towards. */
	admitTargetWeeks: number;
	/** Share of first attendances that lead to a diagnostic test before the decision. */
	diagnosticShare: number;
	/** DNA rate relative to the average specialty. */
	dnaFactor: number;
	/** Share of RTT referrals that are urgent suspected cancer (two week wait), before scaling to 7%. */
	twoWeekWaitShare: number;
	/** Share of first slots published as remote (telephone or video) clinics. */
	remoteFirstShare: number;
	/** Share of follow-up slots published as remote clinics. */
	remoteFollowUpShare: number;
	population: Population;
	/** Follow-ups after the clock stops (non-admitted treatment): mean count. Non-RTT: after the first. */
	followUps: number;
	/** Weeks between follow-ups. */
	followUpWeeks: number;
	/** Share of treated patients who stay under long-term follow-up (a caseload). */
	caseloadShare: number;
	/** Days between caseload reviews, and the mean number of reviews before discharge. */
	caseloadIntervalDays: number;
	caseloadVisits: number;
}

/** Defaults shared by the consultant-led specialties (overridden per specialty below). */
const RTT_BASE = {
	rtt: true,
	careSetting: 'acute' as CareSetting,
	underCapacity: false,
	firstTargetWeeks: 8,
	admitTargetWeeks: 10,
	remoteFollowUpShare: 0.24,
	followUps: 1.3,
	followUpWeeks: 8,
	caseloadShare: 0.06,
	caseloadIntervalDays: 182,
	caseloadVisits: 4
};

/** Defaults of the non-RTT services (community, mental health, maternity, audiology). */
const OTHER_BASE = {
	rtt: false,
	underCapacity: false,
	firstTargetWeeks: 5,
	admitShare: 0,
	admitTargetWeeks: 0,
	diagnosticShare: 0,
	twoWeekWaitShare: 0,
	caseloadShare: 0,
	caseloadIntervalDays: 0,
	caseloadVisits: 0
};

export const SPECIALTIES: readonly Specialty[] = [
	{
		...RTT_BASE,
		code: '100',
		name: 'General Surgery',
		weight: 9,
		firstTargetWeeks: 10,
		admitShare: 0.4,
		admitTargetWeeks: 11,
		diagnosticShare: 0.3,
		dnaFactor: 1.0,
		twoWeekWaitShare: 0.1,
		remoteFirstShare: 0.06,
		population: 'adult',
		followUps: 1.0
	},
	{
		...RTT_BASE,
		code: '101',
		name: 'Urology',
		weight: 7,
		firstTargetWeeks: 10.5,
		admitShare: 0.34,
		admitTargetWeeks: 11,
		diagnosticShare: 0.35,
		dnaFactor: 0.95,
		twoWeekWaitShare: 0.14,
		remoteFirstShare: 0.08,
		population: 'older',
		caseloadShare: 0.08
	},
	{
		...RTT_BASE,
		code: '110',
		name: 'Trauma and Orthopaedics',
		weight: 12,
		underCapacity: true,
		firstTargetWeeks: 12,
		admitShare: 0.42,
		admitTargetWeeks: 22,
		diagnosticShare: 0.35,
		dnaFactor: 0.95,
		twoWeekWaitShare: 0,
		remoteFirstShare: 0.05,
		population: 'adult',
		followUps: 1.1
	},
	{
		...RTT_BASE,
		code: '120',
		name: 'Ear, Nose and Throat',
		weight: 8,
		underCapacity: true,
		firstTargetWeeks: 12,
		admitShare: 0.29,
		admitTargetWeeks: 20,
		diagnosticShare: 0.2,
		dnaFactor: 1.05,
		twoWeekWaitShare: 0.07,
		remoteFirstShare: 0.05,
		population: 'all',
		followUps: 1.0
	},
	{
		...RTT_BASE,
		code: '130',
		name: 'Ophthalmology',
		weight: 11,
		underCapacity: true,
		firstTargetWeeks: 11,
		admitShare: 0.36,
		admitTargetWeeks: 16,
		diagnosticShare: 0.15,
		dnaFactor: 1.35,
		twoWeekWaitShare: 0,
		remoteFirstShare: 0.02,
		remoteFollowUpShare: 0.08,
		population: 'older',
		followUps: 1.4,
		caseloadShare: 0.2,
		caseloadIntervalDays: 150,
		caseloadVisits: 6
	},
	{
		...RTT_BASE,
		code: '300',
		name: 'General Internal Medicine',
		weight: 4,
		firstTargetWeeks: 9,
		admitShare: 0.06,
		admitTargetWeeks: 7,
		diagnosticShare: 0.4,
		dnaFactor: 1.0,
		twoWeekWaitShare: 0,
		remoteFirstShare: 0.12,
		population: 'older'
	},
	{
		...RTT_BASE,
		code: '301',
		name: 'Gastroenterology',
		weight: 7,
		firstTargetWeeks: 11,
		admitShare: 0.17,
		admitTargetWeeks: 8,
		diagnosticShare: 0.55,
		dnaFactor: 1.05,
		twoWeekWaitShare: 0.12,
		remoteFirstShare: 0.12,
		population: 'adult',
		caseloadShare: 0.1
	},
	{
		...RTT_BASE,
		code: '320',
		name: 'Cardiology',
		weight: 7,
		firstTargetWeeks: 10.5,
		admitShare: 0.14,
		admitTargetWeeks: 10,
		diagnosticShare: 0.55,
		dnaFactor: 1.3,
		twoWeekWaitShare: 0,
		remoteFirstShare: 0.1,
		population: 'older',
		caseloadShare: 0.1,
		caseloadIntervalDays: 300
	},
	{
		...RTT_BASE,
		code: '330',
		name: 'Dermatology',
		weight: 9,
		firstTargetWeeks: 11,
		admitShare: 0.1,
		admitTargetWeeks: 8,
		diagnosticShare: 0.1,
		dnaFactor: 1.1,
		twoWeekWaitShare: 0.2,
		remoteFirstShare: 0.12,
		population: 'all'
	},
	{
		...RTT_BASE,
		code: '340',
		name: 'Respiratory Medicine',
		weight: 5,
		firstTargetWeeks: 10.5,
		admitShare: 0.05,
		admitTargetWeeks: 7,
		diagnosticShare: 0.5,
		dnaFactor: 1.0,
		twoWeekWaitShare: 0.09,
		remoteFirstShare: 0.12,
		population: 'older',
		caseloadShare: 0.1
	},
	{
		...RTT_BASE,
		code: '400',
		name: 'Neurology',
		weight: 4,
		firstTargetWeeks: 12.5,
		admitShare: 0.03,
		admitTargetWeeks: 8,
		diagnosticShare: 0.55,
		dnaFactor: 1.1,
		twoWeekWaitShare: 0,
		remoteFirstShare: 0.15,
		population: 'adult',
		caseloadShare: 0.12
	},
	{
		...RTT_BASE,
		code: '410',
		name: 'Rheumatology',
		weight: 4,
		firstTargetWeeks: 11,
		admitShare: 0.02,
		admitTargetWeeks: 7,
		diagnosticShare: 0.4,
		dnaFactor: 1.0,
		twoWeekWaitShare: 0,
		remoteFirstShare: 0.12,
		population: 'adult',
		caseloadShare: 0.25,
		caseloadVisits: 5
	},
	{
		...RTT_BASE,
		code: '502',
		name: 'Gynaecology',
		weight: 9,
		underCapacity: true,
		firstTargetWeeks: 12,
		admitShare: 0.34,
		admitTargetWeeks: 18,
		diagnosticShare: 0.35,
		dnaFactor: 1.0,
		twoWeekWaitShare: 0.14,
		remoteFirstShare: 0.06,
		population: 'female',
		followUps: 1.0
	},
	{
		...RTT_BASE,
		code: '420',
		name: 'Paediatrics',
		weight: 5,
		firstTargetWeeks: 11,
		admitShare: 0.06,
		admitTargetWeeks: 8,
		diagnosticShare: 0.3,
		dnaFactor: 1.15,
		twoWeekWaitShare: 0,
		remoteFirstShare: 0.1,
		population: 'child',
		caseloadShare: 0.1
	},
	{
		...OTHER_BASE,
		code: '501',
		name: 'Obstetrics',
		careSetting: 'acute',
		weight: 5,
		dnaFactor: 1.0,
		remoteFirstShare: 0.05,
		remoteFollowUpShare: 0.1,
		population: 'maternity',
		followUps: 3.2,
		followUpWeeks: 6
	},
	{
		...OTHER_BASE,
		code: '650',
		name: 'Physiotherapy',
		careSetting: 'community',
		weight: 9,
		dnaFactor: 1.2,
		remoteFirstShare: 0.2,
		remoteFollowUpShare: 0.25,
		population: 'adult',
		followUps: 2.5,
		followUpWeeks: 3
	},
	{
		...OTHER_BASE,
		code: '840',
		name: 'Audiology',
		careSetting: 'community',
		weight: 4,
		dnaFactor: 1.0,
		remoteFirstShare: 0.02,
		remoteFollowUpShare: 0.2,
		population: 'older',
		followUps: 1.5,
		followUpWeeks: 8
	},
	{
		...OTHER_BASE,
		code: '710',
		name: 'Adult Mental Illness',
		careSetting: 'mental_health',
		weight: 5,
		dnaFactor: 1.5,
		remoteFirstShare: 0.25,
		remoteFollowUpShare: 0.35,
		population: 'adult',
		followUps: 3.2,
		followUpWeeks: 4
	}
];

/** Index of a specialty by its code. */
export function specialtyIndex(code: string): number {
	const i = SPECIALTIES.findIndex((s) => s.code === code);
	if (i < 0) throw new Error(`unknown specialty ${code}`);
	return i;
}
