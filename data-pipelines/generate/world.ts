/**
 * The organisations of the synthetic world: NHS regions, integrated care boards (ICBs), their sub-ICB
 * locations (the commissioners), acute and community trusts (the providers) and GP practices, with
 * ODS-shaped codes and plausible names. The organisations are fictional; their sizes follow England
 * (about 57M people in 7 regions and 42 ICBs; an ICB has about 1.5M people, 3–5 acute trusts and
 * 100–200 practices). The world does not depend on the run's seed, so every seed shows the same
 * organisations.
 */
import { Rng } from './rng.ts';
import { SPECIALTIES } from './specialties.ts';
import type { Specialty } from './specialties.ts';

export type Scale = 'small' | 'icb' | 'england';

export interface Region {
	code: string;
	name: string;
	population: number;
	icbs: number[];
}

export interface Icb {
	code: string;
	name: string;
	region: number;
	population: number;
	commissioners: number[];
	/** Acute trusts, then the community and mental health trust. */
	acute: number[];
	community: number;
}

export interface Provider {
	code: string;
	name: string;
	icb: number;
	kind: 'acute' | 'community';
}

export interface Commissioner {
	code: string;
	name: string;
	icb: number;
	/** Where this population's acute referrals go: provider indices and shares (summing to 1). */
	providers: number[];
	shares: number[];
}

export interface Practice {
	code: string;
	name: string;
	commissioner: number;
	/** Registered patients. */
	listSize: number;
	/** Centre of the practice population's IMD deciles (1 most deprived). */
	imdCentre: number;
	/** 0–1: how far the practice population departs from England's majority ethnic group. */
	diversity: number;
}

export interface World {
	scale: Scale;
	regions: Region[];
	icbs: Icb[];
	providers: Provider[];
	commissioners: Commissioner[];
	practices: Practice[];
	specialties: readonly Specialty[];
}

/** NHS England's seven regions (real codes and names), with approximate populations (ONS 2022). */
export const REGIONS: readonly { code: string; name: string; population: number; icbs: number }[] =
	[
		{ code: 'Y56', name: 'London', population: 8_870_000, icbs: 5 },
		{ code: 'Y59', name: 'South East', population: 9_380_000, icbs: 6 },
		{ code: 'Y58', name: 'South West', population: 5_760_000, icbs: 7 },
		{ code: 'Y61', name: 'East of England', population: 6_400_000, icbs: 6 },
		{ code: 'Y60', name: 'Midlands', population: 10_900_000, icbs: 11 },
		{ code: 'Y63', name: 'North East and Yorkshire', population: 8_260_000, icbs: 4 },
		{ code: 'Y62', name: 'North West', population: 7_520_000, icbs: 3 }
	];

/** The region an England slice is taken from by default: about a seventh of England. */
export const DEFAULT_SLICE_REGION = 'Y63';

/** Finds a region by code or name (case and punctuation ignored); undefined if none matches. */
export function findRegion(text: string): number | undefined {
	const key = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
	const k = key(text);
	const i = REGIONS.findIndex((r) => key(r.code) === k || key(r.name) === k);
	return i < 0 ? undefined : i;
}

const WORLD_SEED = 20240401;

const PLACE_HEADS = [
	'Ash',
	'Bram',
	'Cal',
	'Dun',
	'Elm',
	'Fair',
	'Glen',
	'Hart',
	'Ivy',
	'Kings',
	'Lang',
	'Mar',
	'Nor',
	'Oak',
	'Pen',
	'Queens',
	'Ring',
	'Sand',
	'Thorn',
	'Up',
	'Wes',
	'Whit',
	'Brad',
	'Chester',
	'Don',
	'Farn',
	'Hal',
	'Kel',
	'Lin',
	'Mel',
	'Ned',
	'Ot',
	'Red',
	'Stan',
	'Tam',
	'Wal',
	'Bar',
	'Craw',
	'Ell',
	'Gos',
	'Hol',
	'Roth',
	'Stour',
	'Tid',
	'Wick',
	'Yar',
	'Brox',
	'Cher'
];
const PLACE_TAILS = [
	'ford',
	'ley',
	'ton',
	'bury',
	'field',
	'wick',
	'ham',
	'worth',
	'borough',
	'mouth',
	'vale',
	'dale',
	'minster',
	'bridge',
	'stead',
	'combe',
	'port',
	'by',
	'thorpe',
	'well',
	'moor',
	'hurst'
];
const PRACTICE_KINDS = [
	'Surgery',
	'Medical Centre',
	'Health Centre',
	'Medical Practice',
	'Family Practice',
	'Group Practice'
];
const STREETS = [
	'High Street',
	'Church Road',
	'Station Road',
	'Park Lane',
	'Market Square',
	'Mill Lane',
	'Victoria Road',
	'The Green',
	'Riverside',
	'Castle Street',
	'Queens Road',
	'Hillside',
	'Orchard',
	'Abbey',
	'Meadow'
];

/** Unique fictional place names and ODS-shaped codes, drawn from a fixed stream. */
class Namer {
	private readonly rng: Rng;
	private readonly places = new Set<string>();
	private readonly codes = new Set<string>();

	constructor(rng: Rng) {
		this.rng = rng;
	}

	/** A place name not given before (for ICBs and trusts; there are about a thousand). */
	place(): string {
		for (let tries = 0; ; tries++) {
			const name = this.anyPlace();
			if (!this.places.has(name) || tries > 10000) {
				this.places.add(name);
				return name;
			}
		}
	}

	/** A place name, possibly given before (practices share their towns). */
	anyPlace(): string {
		return (
			PLACE_HEADS[this.rng.int(0, PLACE_HEADS.length - 1)] +
			PLACE_TAILS[this.rng.int(0, PLACE_TAILS.length - 1)]
		);
	}

	/** A code from a pattern: A = letter, 9 = digit, X = letter or digit, anything else literal. */
	code(pattern: string): string {
		const letters = 'ABCDEFGHJKLMNPQRSTUVWXY';
		const alnum = letters + '0123456789';
		for (;;) {
			let code = '';
			for (const c of pattern) {
				if (c === 'A') code += letters[this.rng.int(0, letters.length - 1)];
				else if (c === '9') code += String(this.rng.int(0, 9));
				else if (c === 'X') code += alnum[this.rng.int(0, alnum.length - 1)];
				else code += c;
			}
			if (!this.codes.has(code)) {
				this.codes.add(code);
				return code;
			}
		}
	}

	reserve(code: string): void {
		this.codes.add(code);
	}

	practiceName(place: string): string {
		const r = this.rng.next();
		const kind = PRACTICE_KINDS[this.rng.int(0, PRACTICE_KINDS.length - 1)];
		if (r < 0.4) return `${place} ${kind}`;
		if (r < 0.75) return `${STREETS[this.rng.int(0, STREETS.length - 1)]} ${kind}, ${place}`;
		return `The ${place} ${kind}`;
	}
}

/** Splits a total into `n` positive integer parts with lognormal weights. */
function split(rng: Rng, total: number, n: number, sigma: number): number[] {
	const w = Array.from({ length: n }, () => Math.exp(sigma * rng.normal()));
	const sum = w.reduce((a, b) => a + b, 0);
	const parts = w.map((x) => Math.max(1, Math.floor((total * x) / sum)));
	parts[0] += total - parts.reduce((a, b) => a + b, 0);
	return parts;
}

interface IcbSpec {
	code: string;
	name: string;
	population: number;
	commissioners: { code: string; name: string; population: number; imdCentre: number }[];
	acute: { code: string; name: string }[];
	community: { code: string; name: string };
	/** Share of each commissioner's acute referrals going to each acute trust (rows: commissioners). */
	shares?: number[][];
	practicePrefix?: string[];
	diversity: number;
}

/** The hand-made ICB of `--scale icb` and `small` (the old demo's organisations, grown to full size). */
const NORTHFIELD: IcbSpec = {
	code: 'QNW',
	name: 'NHS Northfield and Westmoor Integrated Care Board',
	population: 1_500_000,
	commissioners: [
		{
			code: '15N',
			name: 'NHS Northfield and Westmoor ICB - 15N (Northfield)',
			population: 600_000,
			imdCentre: 4.2
		},
		{
			code: '11J',
			name: 'NHS Northfield and Westmoor ICB - 11J (Westmoor)',
			population: 500_000,
			imdCentre: 5.5
		},
		{
			code: '92G',
			name: 'NHS Northfield and Westmoor ICB - 92G (Eastbrook and Southvale)',
			population: 400_000,
			imdCentre: 6.8
		}
	],
	acute: [
		{ code: 'R0A', name: 'Northfield University Hospitals NHS Foundation Trust' },
		{ code: 'RBD', name: 'Westmoor Hospitals NHS Trust' },
		{ code: 'RK9', name: 'Eastbrook and District NHS Foundation Trust' },
		{ code: 'RTH', name: 'Southvale Community Hospitals NHS Trust' }
	],
	community: { code: 'RV3', name: 'Northfield and Westmoor Community and Mental Health NHS Trust' },
	shares: [
		[0.62, 0.2, 0.1, 0.08],
		[0.15, 0.55, 0.18, 0.12],
		[0.12, 0.13, 0.42, 0.33]
	],
	practicePrefix: ['L83', 'J81', 'K84'],
	diversity: 0.3
};

/** Mean registered list of a practice (England: about 9,000 patients a practice). */
const MEAN_LIST = 9400;

function addIcb(world: World, namer: Namer, rng: Rng, region: number, spec: IcbSpec): void {
	const icbIndex = world.icbs.length;
	const icb: Icb = {
		code: spec.code,
		name: spec.name,
		region,
		population: spec.population,
		commissioners: [],
		acute: [],
		community: -1
	};
	world.icbs.push(icb);
	world.regions[region].icbs.push(icbIndex);
	for (const a of spec.acute) {
		icb.acute.push(world.providers.length);
		world.providers.push({ code: a.code, name: a.name, icb: icbIndex, kind: 'acute' });
	}
	icb.community = world.providers.length;
	world.providers.push({
		code: spec.community.code,
		name: spec.community.name,
		icb: icbIndex,
		kind: 'community'
	});
	spec.commissioners.forEach((c, ci) => {
		const index = world.commissioners.length;
		icb.commissioners.push(index);
		let shares = spec.shares?.[ci];
		if (!shares) {
			// A home trust takes about half; the rest spread over the ICB's other trusts.
			const home = ci % spec.acute.length;
			const w = spec.acute.map((_, i) => (i === home ? 3.2 : 0.6 + rng.next() * 1.2));
			const sum = w.reduce((x, y) => x + y, 0);
			shares = w.map((x) => x / sum);
		}
		world.commissioners.push({
			code: c.code,
			name: c.name,
			icb: icbIndex,
			providers: [...icb.acute],
			shares
		});
		const practices = Math.max(3, Math.round(c.population / MEAN_LIST));
		const lists = split(rng, c.population, practices, 0.45);
		for (let p = 0; p < practices; p++) {
			const code = spec.practicePrefix
				? namer.code(`${spec.practicePrefix[ci]}999`)
				: namer.code(`${'ABCDEFGHJKLMNPY'[(icbIndex * 7 + ci) % 15]}99999`);
			const imdCentre = Math.min(10.4, Math.max(0.6, c.imdCentre + rng.normal() * 2.1));
			world.practices.push({
				code,
				name: namer.practiceName(namer.anyPlace()),
				commissioner: index,
				listSize: lists[p],
				imdCentre,
				diversity: Math.min(
					1,
					Math.max(0, spec.diversity + (5.5 - imdCentre) * 0.07 + rng.normal() * 0.15)
				)
			});
		}
	});
}

function emptyWorld(scale: Scale): World {
	return {
		scale,
		regions: REGIONS.map((r) => ({ code: r.code, name: r.name, population: 0, icbs: [] })),
		icbs: [],
		providers: [],
		commissioners: [],
		practices: [],
		specialties: SPECIALTIES
	};
}

/** Generated ICB specifications of one region. */
function regionIcbs(namer: Namer, rng: Rng, region: number): IcbSpec[] {
	const r = REGIONS[region];
	const pops = split(rng, r.population, r.icbs, 0.35);
	return pops.map((population) => {
		const a = namer.place();
		const b = namer.place();
		const short = rng.chance(0.5) ? `${a} and ${b}` : a;
		const nCommissioners = Math.max(1, Math.min(9, Math.round(population / 550_000)));
		const commissionerPops = split(rng, population, nCommissioners, 0.3);
		const centre = 3.2 + rng.next() * 4.6;
		const commissioners = commissionerPops.map((p) => {
			const code = namer.code('99A');
			return {
				code,
				name: `NHS ${short} ICB - ${code}`,
				population: p,
				imdCentre: Math.min(9, Math.max(2, centre + rng.normal() * 1.2))
			};
		});
		const nAcute = Math.max(2, Math.min(6, Math.round(population / 450_000)));
		const acute = Array.from({ length: nAcute }, (_, i) => {
			const place = i === 0 ? a : namer.place();
			const kind = [
				'University Hospitals NHS Foundation Trust',
				'Hospitals NHS Trust',
				'and District NHS Foundation Trust',
				'Hospitals NHS Foundation Trust',
				'General Hospital NHS Trust'
			][rng.int(0, 4)];
			return { code: namer.code('RXX'), name: `${place} ${kind}` };
		});
		return {
			code: namer.code('QXX'),
			name: `NHS ${short} Integrated Care Board`,
			population,
			commissioners,
			acute,
			community: {
				code: namer.code('RXX'),
				name: `${short} Community and Mental Health NHS Trust`
			},
			diversity: REGIONS[region].code === 'Y56' ? 0.75 : 0.15 + rng.next() * 0.3
		};
	});
}

/**
 * Builds the world of a scale: `small` and `icb` are one ICB (Northfield and Westmoor); `england` is
 * every region, or only `region` when given.
 */
export function buildWorld(scale: Scale, region?: number): World {
	const rng = new Rng(WORLD_SEED);
	const namer = new Namer(rng);
	const world = emptyWorld(scale);
	if (scale !== 'england') {
		for (const c of [
			...NORTHFIELD.acute.map((a) => a.code),
			NORTHFIELD.community.code,
			NORTHFIELD.code
		])
			namer.reserve(c);
		const r = REGIONS.findIndex((x) => x.code === DEFAULT_SLICE_REGION);
		addIcb(world, namer, rng, r, NORTHFIELD);
		world.regions[r].population = NORTHFIELD.population;
		world.regions = world.regions.filter((x) => x.icbs.length > 0);
		world.icbs[0].region = 0;
		return world;
	}
	// Every region's ICBs are drawn (so a region's organisations do not depend on --region), then the
	// world keeps the ones asked for.
	const specs = REGIONS.map((_, r) => regionIcbs(namer, rng, r));
	for (let r = 0; r < REGIONS.length; r++) {
		if (region !== undefined && r !== region) continue;
		for (const spec of specs[r]) addIcb(world, namer, rng, r, spec);
		world.regions[r].population = REGIONS[r].population;
	}
	const kept = world.regions.map((x) => x.icbs.length > 0);
	const renumber = new Map<number, number>();
	world.regions.forEach((x, i) => {
		if (kept[i]) renumber.set(i, renumber.size);
	});
	world.regions = world.regions.filter((_, i) => kept[i]);
	for (const icb of world.icbs) icb.region = renumber.get(icb.region)!;
	return world;
}

/** The organisations as written to world.json (the dashboard shows names beside codes). */
export function worldJson(world: World, sampleFraction: number) {
	return {
		scale: world.scale,
		sampleFraction,
		regions: world.regions.map((r) => ({ code: r.code, name: r.name, population: r.population })),
		icbs: world.icbs.map((i) => ({
			code: i.code,
			name: i.name,
			region: world.regions[i.region].code,
			population: i.population
		})),
		providers: world.providers.map((p) => ({
			code: p.code,
			name: p.name,
			kind: p.kind,
			icb: world.icbs[p.icb].code
		})),
		commissioners: world.commissioners.map((c) => ({
			code: c.code,
			name: c.name,
			icb: world.icbs[c.icb].code
		})),
		practices: world.practices.map((p) => ({
			code: p.code,
			name: p.name,
			commissioner: world.commissioners[p.commissioner].code,
			listSize: p.listSize
		})),
		specialties: world.specialties.map((s) => ({
			code: s.code,
			name: s.name,
			rtt: s.rtt,
			careSetting: s.careSetting,
			underCapacity: s.underCapacity
		}))
	};
}
