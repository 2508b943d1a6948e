/**
 * Referral demand: how many referrals arrive each day (seasonal, growing slowly, mostly on working days)
 * and who they are for.
 */
import type { Rng } from './rng.ts';
import { cumulative } from './rng.ts';
import { WorkCalendar, monthOf, weekday } from './calendar.ts';
import { AGE_BANDS, REFERRAL_SOURCES } from '../lib/contract.ts';
import { PRIORITY, SPECIALTIES } from './world.ts';
import type { PatientPool, ReferralSource, World } from './world.ts';
import type { Referral } from './simulate.ts';

/** Referral volume by calendar month relative to the average (August and December dips). */
const MONTH_FACTOR = [1.05, 1.02, 1.06, 0.97, 1.0, 1.02, 1.0, 0.9, 1.0, 1.04, 1.03, 0.86];
const ANNUAL_GROWTH = 0.03;
const RTT_SHARE = 0.95;
const URGENT_SHARE = 0.13;
const TWO_WEEK_WAIT_SHARE = 0.07;

function dayWeight(cal: WorkCalendar, day: number): number {
	const w = weekday(day);
	let weight = cal.isWorking(day) ? 1 : w === 0 || w === 6 ? 0.03 : 0.08;
	const date = new Date(day * 86400000);
	const m = date.getUTCMonth() + 1;
	const dom = date.getUTCDate();
	if ((m === 12 && dom >= 24) || (m === 1 && dom === 2)) weight *= 0.45;
	return weight * MONTH_FACTOR[monthOf(day) - 1];
}

/** Expected referrals per day over [firstDay, lastDay], for an annual rate at `startDay`. */
export function dailyReferralMeans(
	cal: WorkCalendar,
	firstDay: number,
	lastDay: number,
	startDay: number,
	annualRate: number
): Float64Array {
	const n = lastDay - firstDay + 1;
	const weights = new Float64Array(n);
	let total = 0;
	for (let i = 0; i < n; i++) {
		weights[i] = dayWeight(cal, firstDay + i);
		total += weights[i];
	}
	const perWeight = (annualRate * (n / 365.25)) / total;
	for (let i = 0; i < n; i++) {
		const years = (firstDay + i - startDay) / 365.25;
		weights[i] *= perWeight * Math.pow(1 + ANNUAL_GROWTH, years);
	}
	return weights;
}

/** Draws the attributes of referrals: practice, patient, specialty, provider, priority, source. */
export class ReferralSampler {
	private readonly rng: Rng;
	private readonly world: World;
	private readonly patients: PatientPool;
	private readonly twoWeekWaitScale: number;
	private readonly sourceCum: Float64Array[];

	constructor(rng: Rng, world: World, patients: PatientPool) {
		this.rng = rng;
		this.world = world;
		this.patients = patients;
		const totalWeight = SPECIALTIES.reduce((s, sp) => s + sp.weight, 0);
		const tww = SPECIALTIES.reduce((s, sp) => s + sp.weight * sp.twoWeekWaitShare, 0) / totalWeight;
		this.twoWeekWaitScale = TWO_WEEK_WAIT_SHARE / tww;
		this.sourceCum = SPECIALTIES.map((sp) => {
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
			return cumulative(REFERRAL_SOURCES.map((source) => w[source]));
		});
	}

	sample(number: number, day: number): Referral {
		const rng = this.rng;
		const practice = rng.pickCumulative(this.world.practiceCum);
		const from = this.patients.practiceStart[practice];
		const to = this.patients.practiceStart[practice + 1];
		const patient = from + Math.floor(rng.next() * (to - from));
		const specialty = rng.pickCumulative(
			this.patients.specialtyCum[
				this.patients.sex[patient] * AGE_BANDS.length + this.patients.age[patient]
			]
		);
		const sp = SPECIALTIES[specialty];
		const commissioner = this.world.practices[practice].commissioner;
		const provider = rng.pickCumulative(this.world.providerCum[commissioner]);
		const r = rng.next();
		const twoWeekWait = sp.twoWeekWaitShare * this.twoWeekWaitScale;
		const priority =
			r < twoWeekWait
				? PRIORITY.twoWeekWait
				: r < twoWeekWait + URGENT_SHARE
					? PRIORITY.urgent
					: PRIORITY.routine;
		const source = rng.pickCumulative(this.sourceCum[specialty]);
		const working = weekday(day) !== 0 && weekday(day) !== 6;
		const secondOfDay = working ? rng.int(7 * 3600, 19 * 3600) : rng.int(9 * 3600, 17 * 3600);
		return {
			number,
			day,
			secondOfDay,
			patient,
			practice,
			provider,
			specialty,
			priority,
			source,
			rtt: rng.chance(RTT_SHARE)
		};
	}
}
