/**
 * The registered population of the simulated practices and who among them is referred. Patients are
 * parallel typed arrays, laid out by practice then by (age band × sex) bucket so that a referral can be
 * drawn by practice, then by an age- and sex-weighted bucket, then uniformly within it.
 *
 * Demographics follow England (2021 census): age, sex, ethnic group (varying with each practice's
 * diversity) and IMD decile (each practice centred on its own deprivation, England uniform overall).
 * Each patient carries a DNA propensity folding the published drivers (youth, deprivation, male sex,
 * ethnicity) with a personal lognormal factor, so that DNAs cluster in patients who DNA repeatedly.
 */
import { AGE_BANDS, REFERRAL_SOURCES, SEXES } from '../lib/contract.ts';
import { Rng, cumulative } from './rng.ts';
import type { Population, Specialty } from './specialties.ts';
import type { World } from './world.ts';

type AgeBand = (typeof AGE_BANDS)[number];
type Sex = (typeof SEXES)[number];
type ReferralSource = (typeof REFERRAL_SOURCES)[number];

const N_AGE = AGE_BANDS.length;
const N_SEX = SEXES.length;
/** Buckets per practice: age band × sex. */
export const BUCKETS = N_AGE * N_SEX;

function byAge(values: Record<AgeBand, number>): number[] {
	return AGE_BANDS.map((band) => values[band]);
}
function bySex(values: Record<Sex, number>): number[] {
	return SEXES.map((sex) => values[sex]);
}

/** England's population by age band (2021 census, %). */
const POPULATION_AGE = byAge({
	'0-17': 21.0,
	'18-24': 8.4,
	'25-34': 13.6,
	'35-44': 13.0,
	'45-54': 13.5,
	'55-64': 12.4,
	'65-74': 9.9,
	'75-84': 6.1,
	'85+': 2.4
});
/** Who is referred, by age band (%): outpatient referrals skew old. */
const REFERRAL_AGE = byAge({
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
/** Referrals per head by age band, relative to the average. */
const REFERRAL_RATE = REFERRAL_AGE.map((r, i) => r / POPULATION_AGE[i]);
const SEX_WEIGHTS = bySex({ female: 50.9, male: 48.6, other: 0.1, unknown: 0.4 });
/** Women are referred a little more often (maternity aside). */
const SEX_REFERRAL = bySex({ female: 1.08, male: 0.93, other: 1, unknown: 1 });

/** DNA rate by age band relative to 45–54 (18–34 about twice 70–79: docs/definitions.md "The demo data"). */
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
/** Men about 1.25× women. */
const SEX_DNA_FACTOR = bySex({ female: 0.92, male: 1.15, other: 1.0, unknown: 1.0 });
/** Personal DNA propensity: lognormal, mean 1. */
const PROPENSITY_SIGMA = 0.6;

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
/** Weights for a practice with diversity 0 and with diversity 1, mixed linearly (England ≈ 0.35). */
const ETHNICITY_LOW = [
	88, 1.0, 4.0, 0.3, 0.2, 0.4, 0.5, 0.7, 0.4, 0.1, 0.3, 0.3, 0.4, 0.1, 0.3, 0.6, 2.6, 0.7
];
const ETHNICITY_HIGH = [
	42, 1.2, 11, 1.2, 0.8, 1.8, 2.0, 9, 8, 3.2, 4, 3, 7.5, 1.4, 2.0, 5.5, 2.6, 0.6
];
const ETHNICITY_DNA_FACTOR = [
	1.0, 1.0, 1.05, 1.15, 1.15, 1.15, 1.15, 1.05, 1.1, 1.1, 1.05, 1.2, 1.2, 1.2, 1.05, 1.1, 1.2, 1.2
];

const CHILD = AGE_BANDS.indexOf('0-17');
const MALE = SEXES.indexOf('male');
const FEMALE = SEXES.indexOf('female');
const PEAK_MATERNITY = AGE_BANDS.indexOf('25-34');
const OLD = new Set([AGE_BANDS.indexOf('75-84'), AGE_BANDS.indexOf('85+')]);
const CHILDBEARING = new Set([
	AGE_BANDS.indexOf('18-24'),
	AGE_BANDS.indexOf('25-34'),
	AGE_BANDS.indexOf('35-44')
]);

/** How likely a patient of this sex and age band is to be referred to a specialty of this population. */
export function populationFactor(population: Population, sex: number, age: number): number {
	const child = age === CHILD;
	switch (population) {
		case 'child':
			return child ? 6 : 0;
		case 'female':
			return sex === MALE ? 0 : child ? 0.1 : OLD.has(age) ? 0.6 : 1.8;
		case 'maternity':
			return sex === FEMALE && CHILDBEARING.has(age) ? (age === PEAK_MATERNITY ? 3.2 : 1.6) : 0;
		case 'older':
			return OLDER_FACTOR[age];
		case 'adult':
			return child ? 0.2 : 1;
		default:
			return 1;
	}
}

/** True for the age bands where a death before treatment is possible. */
export function isOld(age: number): boolean {
	return OLD.has(age);
}

export interface Patients {
	size: number;
	/** Index of the first patient of the system in the global numbering (patient ids). */
	offset: number;
	age: Uint8Array;
	sex: Uint8Array;
	ethnicity: Uint8Array;
	imd: Uint8Array;
	/** Static DNA factor (demographics × personal propensity). */
	dnaFactor: Float32Array;
	/**
	 * The same, packed two words a patient, with the DNAs so far (saturating at 255: "above all a
	 * previous DNA") (one cache line holds eight patients): word 0 is the
	 * demographics as in an event record's word 4 >> 9 (age | sex << 4 | ethnicity << 6 | IMD << 11)
	 * with the DNA count in bits 16–23; word 1 is the DNA factor as a float32 (see `factor`).
	 */
	packed: Int32Array;
	factor: Float32Array;
	/** First patient of each (practice, bucket); practices are the system's, in `practices` order. */
	bucketStart: Int32Array;
	/** Cumulative referral weight of each practice's buckets (BUCKETS per practice). */
	bucketCum: Float64Array;
	/** Cumulative referral weight of the practices. */
	practiceCum: Float64Array;
	/** World indices of the system's practices. */
	practices: Int32Array;
}

/** Reflects a kernel draw into 1–10 so that uniform practice centres give uniform deciles. */
function decile(centre: number, rng: Rng): number {
	let x = centre + rng.normal() * 1.6;
	for (let k = 0; k < 4 && (x < 0.5 || x >= 10.5); k++) x = x < 0.5 ? 1 - x : 21 - x;
	return Math.min(10, Math.max(1, Math.round(x)));
}

/** The sampled population of the given practices (`fraction` of each list). */
export function buildPatients(
	rng: Rng,
	world: World,
	practiceIndices: number[],
	fraction: number,
	offset: number
): Patients {
	const nPractices = practiceIndices.length;
	const sizes = practiceIndices.map((p) =>
		Math.max(8, Math.round(world.practices[p].listSize * fraction))
	);
	const size = sizes.reduce((a, b) => a + b, 0);
	const age = new Uint8Array(size);
	const sex = new Uint8Array(size);
	const ethnicity = new Uint8Array(size);
	const imd = new Uint8Array(size);
	const dnaFactor = new Float32Array(size);
	const bucketStart = new Int32Array(nPractices * BUCKETS + 1);
	const bucketCum = new Float64Array(nPractices * BUCKETS);
	const practiceCum = new Float64Array(nPractices);
	const ageCum = cumulative(POPULATION_AGE);
	const sexCum = cumulative(SEX_WEIGHTS);
	const shift = -(PROPENSITY_SIGMA * PROPENSITY_SIGMA) / 2;
	const counts = new Int32Array(BUCKETS);
	const draws = new Uint8Array(Math.max(...sizes));
	let start = 0;
	let practiceTotal = 0;
	for (let k = 0; k < nPractices; k++) {
		const practice = world.practices[practiceIndices[k]];
		const n = sizes[k];
		counts.fill(0);
		for (let i = 0; i < n; i++) {
			const b = rng.pickCumulative(ageCum) * N_SEX + rng.pickCumulative(sexCum);
			draws[i] = b;
			counts[b]++;
		}
		let pos = start;
		let weight = 0;
		for (let b = 0; b < BUCKETS; b++) {
			bucketStart[k * BUCKETS + b] = pos;
			const a = (b / N_SEX) | 0;
			const s = b % N_SEX;
			for (let i = 0; i < counts[b]; i++) {
				age[pos + i] = a;
				sex[pos + i] = s;
			}
			pos += counts[b];
			weight += counts[b] * REFERRAL_RATE[a] * SEX_REFERRAL[s];
			bucketCum[k * BUCKETS + b] = weight;
		}
		practiceTotal += weight;
		practiceCum[k] = practiceTotal;
		const ethCum = cumulative(
			ETHNICITY_LOW.map((w, i) => w + (ETHNICITY_HIGH[i] - w) * practice.diversity)
		);
		for (let i = start; i < start + n; i++) {
			ethnicity[i] = rng.pickCumulative(ethCum);
			imd[i] = decile(practice.imdCentre, rng);
			// Most deprived decile about 1.7× the least (docs/definitions.md "The demo data": 1.5–2×).
			const imdFactor = 1.7 - (0.72 * (imd[i] - 1)) / 9;
			const propensity = Math.exp(shift + PROPENSITY_SIGMA * rng.normal());
			dnaFactor[i] =
				AGE_DNA_FACTOR[age[i]] *
				SEX_DNA_FACTOR[sex[i]] *
				ETHNICITY_DNA_FACTOR[ethnicity[i]] *
				imdFactor *
				propensity;
		}
		start += n;
	}
	bucketStart[nPractices * BUCKETS] = start;
	const buffer = new ArrayBuffer(size * 8);
	const packed = new Int32Array(buffer);
	const factor = new Float32Array(buffer);
	for (let i = 0; i < size; i++) {
		packed[2 * i] = age[i] | (sex[i] << 4) | (ethnicity[i] << 6) | (imd[i] << 11);
		factor[2 * i + 1] = dnaFactor[i];
	}
	return {
		packed,
		factor,
		size,
		offset,
		age,
		sex,
		ethnicity,
		imd,
		dnaFactor,
		bucketStart,
		bucketCum,
		practiceCum,
		practices: Int32Array.from(practiceIndices)
	};
}

/** Binary search: first index whose cumulative weight exceeds x. */
export function searchCumulative(cum: Float64Array, from: number, to: number, x: number): number {
	let lo = from;
	let hi = to - 1;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if (cum[mid] > x) hi = mid;
		else lo = mid + 1;
	}
	return lo;
}

/** Referral sources by specialty: cumulative weights in the contract's REFERRAL_SOURCES order. */
export function sourceWeights(sp: Specialty): Float64Array {
	const w: Record<ReferralSource, number> = {
		gp: 80,
		consultant: 8,
		self: 1.2,
		emergency: 3,
		optometrist: 0,
		dentist: 0,
		other: 4
	};
	if (sp.code === '130') w.optometrist = 40;
	if (sp.code === '120') w.dentist = 3;
	if (sp.code === '100') w.dentist = 0.5;
	if (sp.code === '420') w.self = 0;
	if (sp.code === '650') w.self = 18;
	if (sp.code === '710') w.self = 10;
	if (sp.code === '501') {
		w.self = 45;
		w.emergency = 0;
	}
	return cumulative(REFERRAL_SOURCES.map((s) => w[s]));
}

/** Specialty weights per (sex × age band) for choosing the specialty of a referral. */
export function specialtyChoice(
	specialties: readonly Specialty[],
	rttPerHead: number,
	otherPerHead: number
): Float64Array[] {
	const rttWeight = specialties.filter((s) => s.rtt).reduce((a, s) => a + s.weight, 0);
	const otherWeight = specialties.filter((s) => !s.rtt).reduce((a, s) => a + s.weight, 0);
	const out: Float64Array[] = [];
	for (let s = 0; s < N_SEX; s++)
		for (let a = 0; a < N_AGE; a++)
			out[s * N_AGE + a] = cumulative(
				specialties.map(
					(sp) =>
						(sp.weight / (sp.rtt ? rttWeight : otherWeight)) *
						(sp.rtt ? rttPerHead : otherPerHead) *
						populationFactor(sp.population, s, a)
				)
			);
	return out;
}
