/**
 * The synthetic ICB: providers, sub-ICB commissioners, GP practices, specialties and the patient pool.
 * Codes are ODS-shaped but the organisations are fictional; parameters are chosen so that the measured
 * figures land in DOMAIN.md's "Realism for synthetic data" ranges.
 */
import { AGE_BANDS, PRIORITIES, REFERRAL_SOURCES, SEXES } from '../lib/contract.ts';
import { Rng, cumulative } from './rng.ts';

type AgeBand = (typeof AGE_BANDS)[number];
type Sex = (typeof SEXES)[number];
export type ReferralSource = (typeof REFERRAL_SOURCES)[number];

/** Priority codes: indices into the contract's PRIORITIES. */
export const PRIORITY = {
	routine: PRIORITIES.indexOf('routine'),
	urgent: PRIORITIES.indexOf('urgent'),
	twoWeekWait: PRIORITIES.indexOf('two_week_wait')
};

/** Referral source codes: indices into the contract's REFERRAL_SOURCES. */
export function sourceCode(source: ReferralSource): number {
	return REFERRAL_SOURCES.indexOf(source);
}

/** A table keyed by age band, as an array in the contract's AGE_BANDS order. */
function byAge(values: Record<AgeBand, number>): number[] {
	return AGE_BANDS.map((band) => values[band]);
}

/** A table keyed by sex, as an array in the contract's SEXES order. */
function bySex(values: Record<Sex, number>): number[] {
	return SEXES.map((sex) => values[sex]);
}

export interface Provider {
	code: string;
	name: string;
	/** Clinics (A, B, …) per specialty, besides the virtual clinic V. */
	clinics: number;
}

export interface Commissioner {
	code: string;
	name: string;
	/** Share of this population's referrals going to each provider, in PROVIDERS order. */
	providerShare: readonly number[];
}

export interface Practice {
	code: string;
	commissioner: number;
	listSize: number;
	/** Mean IMD decile of the practice population (1 most deprived). */
	imdMean: number;
	/** 0–1: how far the practice population departs from the ICB's majority ethnic group. */
	diversity: number;
}

export interface Specialty {
	code: string;
	name: string;
	/** Relative referral volume. */
	weight: number;
	/** Demand exceeds capacity: longer and growing waits, more slot issues. */
	underCapacity: boolean;
	/** Median routine wait to first appointment, weeks. */
	firstWaitWeeks: number;
	/** Share of decisions that are a decision to admit. */
	admitShare: number;
	/** Median routine wait from decision to admit to admission, weeks. */
	admitWaitWeeks: number;
	/** Share of first attendances that lead to a diagnostic test. */
	diagnosticShare: number;
	/** DNA rate relative to the average specialty. */
	dnaFactor: number;
	/** Share of referrals that are urgent suspected cancer (two week wait). */
	twoWeekWaitShare: number;
	/** Share of first appointments held remotely. */
	remoteFirstShare: number;
	/** Who is referred: demographic weighting. */
	population: 'adult' | 'older' | 'female' | 'child' | 'all';
}

export const PROVIDERS: readonly Provider[] = [
	{ code: 'R0A', name: 'Northfield University Hospitals NHS Foundation Trust', clinics: 3 },
	{ code: 'RBD', name: 'Westmoor Hospitals NHS Trust', clinics: 3 },
	{ code: 'RK9', name: 'Eastbrook and District NHS Foundation Trust', clinics: 2 },
	{ code: 'RTH', name: 'Southvale Community Hospitals NHS Trust', clinics: 2 }
];

export const COMMISSIONERS: readonly Commissioner[] = [
	{ code: '15N', name: 'Northfield sub-ICB location', providerShare: [0.62, 0.2, 0.1, 0.08] },
	{ code: '11J', name: 'Westmoor sub-ICB location', providerShare: [0.15, 0.55, 0.18, 0.12] },
	{
		code: '92G',
		name: 'Eastbrook and Southvale sub-ICB location',
		providerShare: [0.12, 0.13, 0.42, 0.33]
	}
];

export const SPECIALTIES: readonly Specialty[] = [
	{
		code: '100',
		name: 'General Surgery',
		weight: 9,
		underCapacity: false,
		firstWaitWeeks: 10,
		admitShare: 0.403,
		admitWaitWeeks: 13.2,
		diagnosticShare: 0.3,
		dnaFactor: 1.0,
		twoWeekWaitShare: 0.1,
		remoteFirstShare: 0.06,
		population: 'adult'
	},
	{
		code: '101',
		name: 'Urology',
		weight: 7,
		underCapacity: false,
		firstWaitWeeks: 11.4,
		admitShare: 0.339,
		admitWaitWeeks: 14.3,
		diagnosticShare: 0.35,
		dnaFactor: 0.95,
		twoWeekWaitShare: 0.14,
		remoteFirstShare: 0.08,
		population: 'older'
	},
	{
		code: '110',
		name: 'Trauma and Orthopaedics',
		weight: 12,
		underCapacity: true,
		firstWaitWeeks: 17.1,
		admitShare: 0.424,
		admitWaitWeeks: 22,
		diagnosticShare: 0.35,
		dnaFactor: 0.95,
		twoWeekWaitShare: 0,
		remoteFirstShare: 0.05,
		population: 'adult'
	},
	{
		code: '120',
		name: 'Ear, Nose and Throat',
		weight: 8,
		underCapacity: true,
		firstWaitWeeks: 17.1,
		admitShare: 0.286,
		admitWaitWeeks: 19.8,
		diagnosticShare: 0.2,
		dnaFactor: 1.05,
		twoWeekWaitShare: 0.07,
		remoteFirstShare: 0.05,
		population: 'all'
	},
	{
		code: '130',
		name: 'Ophthalmology',
		weight: 11,
		underCapacity: true,
		firstWaitWeeks: 15.7,
		admitShare: 0.36,
		admitWaitWeeks: 17.6,
		diagnosticShare: 0.15,
		dnaFactor: 1.4,
		twoWeekWaitShare: 0,
		remoteFirstShare: 0.02,
		population: 'older'
	},
	{
		code: '300',
		name: 'General Internal Medicine',
		weight: 4,
		underCapacity: false,
		firstWaitWeeks: 8.6,
		admitShare: 0.064,
		admitWaitWeeks: 6.6,
		diagnosticShare: 0.4,
		dnaFactor: 1.0,
		twoWeekWaitShare: 0,
		remoteFirstShare: 0.12,
		population: 'older'
	},
	{
		code: '301',
		name: 'Gastroenterology',
		weight: 7,
		underCapacity: false,
		firstWaitWeeks: 12.9,
		admitShare: 0.17,
		admitWaitWeeks: 8.8,
		diagnosticShare: 0.55,
		dnaFactor: 1.05,
		twoWeekWaitShare: 0.12,
		remoteFirstShare: 0.12,
		population: 'adult'
	},
	{
		code: '320',
		name: 'Cardiology',
		weight: 7,
		underCapacity: false,
		firstWaitWeeks: 11.4,
		admitShare: 0.138,
		admitWaitWeeks: 11,
		diagnosticShare: 0.55,
		dnaFactor: 1.35,
		twoWeekWaitShare: 0,
		remoteFirstShare: 0.1,
		population: 'older'
	},
	{
		code: '330',
		name: 'Dermatology',
		weight: 9,
		underCapacity: false,
		firstWaitWeeks: 12.9,
		admitShare: 0.106,
		admitWaitWeeks: 8.8,
		diagnosticShare: 0.1,
		dnaFactor: 1.1,
		twoWeekWaitShare: 0.2,
		remoteFirstShare: 0.12,
		population: 'all'
	},
	{
		code: '340',
		name: 'Respiratory Medicine',
		weight: 5,
		underCapacity: false,
		firstWaitWeeks: 11.4,
		admitShare: 0.053,
		admitWaitWeeks: 6.6,
		diagnosticShare: 0.5,
		dnaFactor: 1.0,
		twoWeekWaitShare: 0.09,
		remoteFirstShare: 0.12,
		population: 'older'
	},
	{
		code: '400',
		name: 'Neurology',
		weight: 4,
		underCapacity: false,
		firstWaitWeeks: 15.7,
		admitShare: 0.032,
		admitWaitWeeks: 8.8,
		diagnosticShare: 0.55,
		dnaFactor: 1.1,
		twoWeekWaitShare: 0,
		remoteFirstShare: 0.15,
		population: 'adult'
	},
	{
		code: '410',
		name: 'Rheumatology',
		weight: 4,
		underCapacity: false,
		firstWaitWeeks: 12.9,
		admitShare: 0.021,
		admitWaitWeeks: 6.6,
		diagnosticShare: 0.4,
		dnaFactor: 1.0,
		twoWeekWaitShare: 0,
		remoteFirstShare: 0.12,
		population: 'adult'
	},
	{
		code: '502',
		name: 'Gynaecology',
		weight: 9,
		underCapacity: true,
		firstWaitWeeks: 17.1,
		admitShare: 0.339,
		admitWaitWeeks: 17.6,
		diagnosticShare: 0.35,
		dnaFactor: 1.0,
		twoWeekWaitShare: 0.14,
		remoteFirstShare: 0.06,
		population: 'female'
	},
	{
		code: '420',
		name: 'Paediatrics',
		weight: 5,
		underCapacity: false,
		firstWaitWeeks: 12.9,
		admitShare: 0.064,
		admitWaitWeeks: 8.8,
		diagnosticShare: 0.3,
		dnaFactor: 1.15,
		twoWeekWaitShare: 0,
		remoteFirstShare: 0.1,
		population: 'child'
	}
];

/** Age of referred patients (outpatient referrals skew old). */
const AGE_WEIGHTS = byAge({
	'0-17': 9,
	'18-24': 6,
	'25-34': 11,
	'35-44': 12,
	'45-54': 15,
	'55-64': 16,
	'65-74': 15,
	'75-84': 12,
	'85+': 4
});
/** DNA rate by age band relative to 45–54 (18–34 about twice 70–79: DOMAIN.md). */
const AGE_DNA_FACTOR = byAge({
	'0-17': 1.15,
	'18-24': 1.75,
	'25-34': 1.6,
	'35-44': 1.25,
	'45-54': 1.0,
	'55-64': 0.82,
	'65-74': 0.72,
	'75-84': 0.8,
	'85+': 0.95
});
/** Referral weight of "older" specialties (cardiology, ophthalmology …) by age band. */
const OLDER_FACTOR = byAge({
	'0-17': 0.15,
	'18-24': 0.3,
	'25-34': 0.4,
	'35-44': 0.55,
	'45-54': 0.8,
	'55-64': 1.1,
	'65-74': 1.5,
	'75-84': 1.8,
	'85+': 1.7
});
const SEX_WEIGHTS = bySex({ female: 54.5, male: 44.8, other: 0.2, unknown: 0.5 });
/** Men about 1.25× women. */
const SEX_DNA_FACTOR = bySex({ female: 0.92, male: 1.15, other: 1.0, unknown: 1.0 });

/** Age bands from which a patient is "old" for the death and older-specialty rules. */
export const OLD_AGE_BANDS = new Set<number>([
	AGE_BANDS.indexOf('75-84'),
	AGE_BANDS.indexOf('85+')
]);
const CHILD = AGE_BANDS.indexOf('0-17');
const MALE = SEXES.indexOf('male');

/** NHS ethnic category letters (Data Dictionary ETHNIC CATEGORY), plus unknown. */
export const ETHNICITIES = [
	'A',
	'B',
	'C',
	'D',
	'E',
	'F',
	'G',
	'H',
	'J',
	'K',
	'L',
	'M',
	'N',
	'P',
	'R',
	'S',
	'Z',
	'unknown'
] as const;
/** Weights for a practice with diversity 0 and with diversity 1; mixed linearly. */
const ETHNICITY_LOW = [
	88, 1.2, 3.5, 0.3, 0.2, 0.3, 0.4, 0.6, 0.3, 0.1, 0.3, 0.3, 0.3, 0.1, 0.2, 0.5, 3.0, 0.7
];
const ETHNICITY_HIGH = [
	48, 1.5, 9, 1.5, 1.0, 1.2, 1.5, 8, 6, 2.5, 3, 4, 4.5, 1.2, 1.3, 2.5, 2.8, 0.5
];
const ETHNICITY_DNA_FACTOR = [
	1.0, 1.0, 1.05, 1.15, 1.15, 1.15, 1.15, 1.05, 1.1, 1.1, 1.05, 1.2, 1.2, 1.2, 1.05, 1.1, 1.2, 1.2
];

export interface World {
	providers: readonly Provider[];
	commissioners: readonly Commissioner[];
	practices: Practice[];
	specialties: readonly Specialty[];
	/** Cumulative practice weights (by list size). */
	practiceCum: Float64Array;
	/** Cumulative provider shares per commissioner. */
	providerCum: Float64Array[];
}

const PRACTICE_PREFIX = ['L83', 'J81', 'K84'];

/** Builds the 30 practices (10 per sub-ICB location) and lookup tables. */
export function buildWorld(rng: Rng): World {
	const practices: Practice[] = [];
	for (let c = 0; c < COMMISSIONERS.length; c++) {
		for (let i = 0; i < 10; i++) {
			const number = 1 + i * 7 + rng.int(0, 6);
			// Deprivation: the first sub-ICB location is urban and more deprived, the last rural and affluent.
			const centre = [4.2, 5.5, 6.8][c];
			const imdMean = Math.min(9.5, Math.max(1.5, centre + rng.normal() * 2));
			practices.push({
				code: `${PRACTICE_PREFIX[c]}${String(number).padStart(3, '0')}`,
				commissioner: c,
				listSize: Math.round(rng.uniform(3500, 16000)),
				imdMean,
				diversity: Math.min(
					1,
					Math.max(0, (10 - imdMean) / 9 + rng.normal() * 0.15 - (c === 2 ? 0.3 : 0))
				)
			});
		}
	}
	return {
		providers: PROVIDERS,
		commissioners: COMMISSIONERS,
		practices,
		specialties: SPECIALTIES,
		practiceCum: cumulative(practices.map((p) => p.listSize)),
		providerCum: COMMISSIONERS.map((c) => cumulative(c.providerShare))
	};
}

/**
 * Referred patients, one pool per practice, as parallel typed arrays. `dnaFactor` folds the patient's
 * demographic DNA drivers with a personal propensity (lognormal, mean 1) so that DNAs cluster in
 * patients who DNA repeatedly.
 */
export interface PatientPool {
	size: number;
	/** First pool index of each practice, and one past the end. */
	practiceStart: Int32Array;
	age: Uint8Array;
	sex: Uint8Array;
	ethnicity: Uint8Array;
	imd: Uint8Array;
	dnaFactor: Float32Array;
	/** Cumulative specialty weights per (sex × age band), for choosing the specialty of a referral. */
	specialtyCum: Float64Array[];
}

const PROPENSITY_SIGMA = 0.6;

export function buildPatients(rng: Rng, world: World, expectedPathways: number): PatientPool {
	const total = Math.max(500, Math.round(expectedPathways * 0.75));
	const listTotal = world.practices.reduce((s, p) => s + p.listSize, 0);
	const practiceStart = new Int32Array(world.practices.length + 1);
	let acc = 0;
	for (let i = 0; i < world.practices.length; i++) {
		practiceStart[i] = acc;
		acc += Math.max(20, Math.round((total * world.practices[i].listSize) / listTotal));
	}
	practiceStart[world.practices.length] = acc;
	const size = acc;
	const age = new Uint8Array(size);
	const sex = new Uint8Array(size);
	const ethnicity = new Uint8Array(size);
	const imd = new Uint8Array(size);
	const dnaFactor = new Float32Array(size);
	const ageCum = cumulative(AGE_WEIGHTS);
	const sexCum = cumulative(SEX_WEIGHTS);
	const propensityShift = -(PROPENSITY_SIGMA * PROPENSITY_SIGMA) / 2;
	for (let p = 0; p < world.practices.length; p++) {
		const practice = world.practices[p];
		const ethCum = cumulative(
			ETHNICITY_LOW.map((w, i) => w + (ETHNICITY_HIGH[i] - w) * practice.diversity)
		);
		for (let i = practiceStart[p]; i < practiceStart[p + 1]; i++) {
			age[i] = rng.pickCumulative(ageCum);
			sex[i] = rng.pickCumulative(sexCum);
			ethnicity[i] = rng.pickCumulative(ethCum);
			imd[i] = Math.min(10, Math.max(1, Math.round(practice.imdMean + rng.normal() * 1.8)));
			// Most deprived decile about 1.7× the least (DOMAIN.md: 1.5–2×).
			const imdFactor = 1.7 - (0.72 * (imd[i] - 1)) / 9;
			const propensity = Math.exp(propensityShift + PROPENSITY_SIGMA * rng.normal());
			dnaFactor[i] =
				AGE_DNA_FACTOR[age[i]] *
				SEX_DNA_FACTOR[sex[i]] *
				ETHNICITY_DNA_FACTOR[ethnicity[i]] *
				imdFactor *
				propensity;
		}
	}
	const specialtyCum: Float64Array[] = [];
	for (let s = 0; s < SEXES.length; s++) {
		for (let a = 0; a < AGE_BANDS.length; a++) {
			specialtyCum.push(
				cumulative(SPECIALTIES.map((sp) => sp.weight * populationFactor(sp.population, s, a)))
			);
		}
	}
	return { size, practiceStart, age, sex, ethnicity, imd, dnaFactor, specialtyCum };
}

/** How likely a patient of this sex and age band is to be referred to a specialty of this population. */
function populationFactor(population: Specialty['population'], sex: number, age: number): number {
	const child = age === CHILD;
	switch (population) {
		case 'child':
			return child ? 6 : 0;
		case 'female':
			return sex === MALE ? 0 : child ? 0.1 : OLD_AGE_BANDS.has(age) ? 0.6 : 1.8;
		case 'older':
			return OLDER_FACTOR[age];
		case 'adult':
			return child ? 0.2 : 1;
		default:
			return 1;
	}
}
