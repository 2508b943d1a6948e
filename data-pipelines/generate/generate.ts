/**
 * The demo data generator: a small synthetic ICB's outpatient event log in contract v1, deterministic
 * for a seed (no clock, no Math.random).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Rng } from './rng.ts';
import { WorkCalendar, addMonths, parseDay } from './calendar.ts';
import { EventStore, PathwayStore } from './events.ts';
import { buildPatients, buildWorld } from './world.ts';
import { ReferralSampler, dailyReferralMeans } from './referrals.ts';
import { PathwaySimulator } from './simulate.ts';
import { writeEventsCsv } from './write-csv.ts';

export type Scale = 'small' | 'icb';

export interface GenerateOptions {
	/** Output folder; created if missing. events.csv is written inside it. */
	out: string;
	seed?: number;
	scale?: Scale;
	/** First day of the data window, YYYY-MM-DD. */
	start?: string;
	/** Length of the data window in calendar months. */
	months?: number;
}

export interface GenerateResult {
	rows: number;
	path: string;
}

export const DEFAULTS = { seed: 42, scale: 'small' as Scale, start: '2024-04-01', months: 20 };

/** Referrals a year (at the window start) by scale. */
export const ANNUAL_REFERRALS: Record<Scale, number> = { small: 2300, icb: 500000 };

/** Years of referrals simulated before the window so that the window opens on a settled waiting list. */
const BURN_IN_DAYS = 3 * 365;

/** Generates `out/events.csv`. */
export async function generate(options: GenerateOptions): Promise<GenerateResult> {
	const seed = options.seed ?? DEFAULTS.seed;
	const scale = options.scale ?? DEFAULTS.scale;
	const months = options.months ?? DEFAULTS.months;
	if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
		throw new Error(`invalid seed ${seed}: expected an integer 0–4294967295`);
	if (!(scale in ANNUAL_REFERRALS))
		throw new Error(`invalid scale "${scale}": expected small or icb`);
	if (!Number.isInteger(months) || months < 1 || months > 120)
		throw new Error(`invalid months ${months}: expected an integer 1–120`);
	const startDay = parseDay(options.start ?? DEFAULTS.start);
	const endDay = addMonths(startDay, months) - 1;
	const baseDay = startDay - BURN_IN_DAYS;

	const rng = new Rng(seed);
	const world = buildWorld(rng);
	const annual = ANNUAL_REFERRALS[scale];
	const expected = annual * ((endDay - baseDay + 1) / 365.25);
	const patients = buildPatients(rng, world, expected);
	const cal = new WorkCalendar(baseDay - 7, endDay + 3 * 365);
	const events = new EventStore(Math.min(1 << 24, Math.max(1024, Math.round(expected * 6))));
	const pathways = new PathwayStore(Math.max(1024, Math.round(expected * 0.75)));
	const sampler = new ReferralSampler(rng, world, patients);
	const sim = new PathwaySimulator(
		rng,
		world,
		patients,
		cal,
		{ baseDay, startDay, endDay },
		events,
		pathways
	);

	const means = dailyReferralMeans(cal, baseDay, endDay, startDay, annual);
	let number = 0;
	for (let day = baseDay; day <= endDay; day++) {
		const count = rng.poisson(means[day - baseDay]);
		for (let k = 0; k < count; k++) sim.run(sampler.sample(++number, day));
	}

	await mkdir(options.out, { recursive: true });
	const path = join(options.out, 'events.csv');
	const rows = await writeEventsCsv({ path, events, pathways, world, baseDay });
	return { rows, path };
}
