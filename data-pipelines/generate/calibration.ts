/**
 * The calibration report: the headline figures of the world just generated, from the simulation's own
 * counters (no pass over the output). Definitions follow docs/definitions.md and the product's metrics: the
 * census is the data's last event date, the period the year ending on it; the waiting list is every
 * RTT pathway whose referral is in the data and whose clock runs at the census, week band
 * max(0, ceil(days / 7) − 1), median and 92nd percentile interpolated inside the weekly band (NHS
 * England's method, exactly as the metric SQL does it); DNA rate on the attended basis, appointments
 * dated by their slot.
 */
import { AGE_BANDS, SEXES } from '../lib/contract.ts';
import { yearEnding } from '../../src/lib/metrics/period.ts';
import { formatDay, parseDay } from './calendar.ts';
import { C, CS, SPLITS } from './sim.ts';
import type { SystemSummary } from './sim.ts';
import type { World } from './world.ts';

/** docs/definitions.md "The demo data": the ranges a default world must land in. */
export const REALISM_RANGES = {
	dnaRatePct: [5, 9],
	within18WeeksPct: [55, 75],
	medianWeeks: [8, 16],
	p92Weeks: [30, 52],
	over52WeeksPct: [1, 5],
	followUpToFirst: [1.6, 2.4],
	remoteSharePct: [10, 25],
	asiRateUnderCapacityPct: [5, 25]
} as const;
export type RangeName = keyof typeof REALISM_RANGES;

/**
 * The waiting list's histogram by week band must fall smoothly: no band more than this far (%)
 * below the mean of the two bands either side of it. Real lists show no such notch at a bank
 * holiday; one was a calendar artefact of the generator (a bank holiday's referrals lost, now made
 * on the other days of its week). The Christmas fortnight stays quieter, as it does in e-RS: its
 * bands are judged against {@link CHRISTMAS_DIP_LIMIT_PCT}.
 */
export const HISTOGRAM_DIP_LIMIT_PCT = 12;
export const CHRISTMAS_DIP_LIMIT_PCT = 40;
/** Bands whose neighbours hold fewer pathways than this are not judged (noise, not shape). */
const HISTOGRAM_MIN_EXPECTED = 500;

/** The week bands at `census` (a day number) of referrals made from 24 December to 2 January. */
function christmasBands(census: number): Set<number> {
	const out = new Set<number>();
	const year = new Date(census * 86400000).getUTCFullYear();
	for (let y = year - 3; y <= year; y++) {
		const from = Date.UTC(y, 11, 24) / 86400000;
		for (let d = from; d <= from + 9; d++)
			if (d <= census) out.add(Math.max(0, Math.ceil((census - d) / 7) - 1));
	}
	return out;
}

/** The deepest notch in bands 2–50 of a waiting list's histogram, against its neighbours. */
export function histogramShape(
	bands: ArrayLike<number>,
	census: number
): {
	largestDipPct: number | null;
	atBand: number | null;
	christmasDipPct: number | null;
	ok: boolean | null;
} {
	const christmas = christmasBands(census);
	let largest: number | null = null;
	let at: number | null = null;
	let christmasDip: number | null = null;
	for (let b = 2; b <= 50; b++) {
		const expected = (bands[b - 2] + bands[b - 1] + bands[b + 1] + bands[b + 2]) / 4;
		if (expected < HISTOGRAM_MIN_EXPECTED) continue;
		const dip = 100 * (1 - bands[b] / expected);
		if (christmas.has(b)) christmasDip = Math.max(christmasDip ?? -Infinity, dip);
		else if (largest === null || dip > largest) {
			largest = dip;
			at = b;
		}
	}
	return {
		largestDipPct: largest,
		atBand: at,
		christmasDipPct: christmasDip,
		ok:
			largest === null
				? null
				: largest <= HISTOGRAM_DIP_LIMIT_PCT && (christmasDip ?? 0) <= CHRISTMAS_DIP_LIMIT_PCT
	};
}

export interface SpecialtyFigures {
	code: string;
	name: string;
	underCapacity: boolean;
	clockStarts: number;
	clockStops: number;
	/** Clock starts ÷ clock stops (all reasons) in the period: above 1, the list grows (λ/μ). */
	load: number;
	waitingList: number;
	/** Growth of the list over the period, %. */
	listGrowthPct: number | null;
	medianWeeks: number | null;
	asiRatePct: number | null;
	dnaRatePct: number | null;
}

export interface Calibration {
	scale: string;
	seed: number;
	region: string | null;
	window: { from: string; to: string };
	census: string;
	period: { from: string; to: string; days: number };
	referrals: {
		received: number;
		rtt: number;
		nonRtt: number;
		clockStarts: number;
		perYear: number;
	};
	appointments: {
		total: number;
		perYear: number;
		attended: number;
		firstAttended: number;
		followUpAttended: number;
		dna: number;
		cancelledByPatient: number;
		cancelledByProvider: number;
	};
	dnaRatePct: number | null;
	dnaRateHesPct: number | null;
	dnaRateByAgeBand: Record<string, number | null>;
	dnaRateByImdDecile: Record<string, number | null>;
	dnaRateBySex: Record<string, number | null>;
	dnaRateByPreviousDna: { none: number | null; previous: number | null };
	dnaRateByLeadTime: Record<string, number | null>;
	dnaRateFirstByMedium: { faceToFace: number | null; remote: number | null };
	waitingList: {
		total: number;
		within18WeeksPct: number | null;
		medianWeeks: number | null;
		p92Weeks: number | null;
		over52Weeks: number;
		over52WeeksPct: number | null;
		over65Weeks: number;
		over78Weeks: number;
		over104Weeks: number;
	};
	followUpToFirst: number | null;
	remoteSharePct: number | null;
	patientCancellationPct: number | null;
	providerCancellationPct: number | null;
	asiRatePct: number | null;
	asiRateUnderCapacityPct: number | null;
	clockStops: {
		total: number;
		admittedSharePct: number | null;
		firstAppointmentDna: number;
		validatedRemovals: number;
	};
	mostUnderCapacity: SpecialtyFigures[];
	specialties: SpecialtyFigures[];
	/** The shape of the list's histogram by week band (null where too few pathways to judge). */
	histogram: ReturnType<typeof histogramShape>;
	ranges: Record<
		RangeName,
		{ range: readonly [number, number]; value: number | null; ok: boolean }
	>;
	rows: number;
}

const pct = (a: number, b: number): number | null => (b > 0 ? (100 * a) / b : null);

/** NHS England's percentile from week band counts, as the metric SQL computes it. */
export function bandPercentile(bands: ArrayLike<number>, p: number): number | null {
	let total = 0;
	for (let b = 0; b < bands.length; b++) total += bands[b];
	if (total === 0) return null;
	let below = 0;
	for (let b = 0; b < bands.length; b++) {
		const n = bands[b];
		if (n === 0) continue;
		if (100 * (below + n) >= p * total) return b + ((p * total) / 100.0 - below) / n;
		below += n;
	}
	return null;
}

function listFigures(bands: ArrayLike<number>) {
	let total = 0;
	let within = 0;
	const over = [0, 0, 0, 0];
	const limits = [52, 65, 78, 104];
	for (let b = 0; b < bands.length; b++) {
		const n = bands[b];
		total += n;
		if (b < 18) within += n;
		for (let k = 0; k < 4; k++) if (b >= limits[k]) over[k] += n;
	}
	return {
		total,
		within18WeeksPct: pct(within, total),
		medianWeeks: bandPercentile(bands, 50),
		p92Weeks: bandPercentile(bands, 92),
		over52Weeks: over[0],
		over52WeeksPct: pct(over[0], total),
		over65Weeks: over[1],
		over78Weeks: over[2],
		over104Weeks: over[3]
	};
}

export interface CalibrationInput {
	world: World;
	systems: SystemSummary[];
	scale: string;
	seed: number;
	region: string | null;
	startDay: number;
	endDay: number;
	rows: number;
}

/** Builds the report from the finished systems (one per simulated region or ICB). */
export function calibrate(input: CalibrationInput): Calibration {
	const { world, systems } = input;
	const census = Math.max(...systems.map((s) => s.lastEventDay));
	const period = yearEnding(formatDay(census));
	const from = Math.max(parseDay(period.from), systems[0].counterBase);
	const base = systems[0].counterBase;
	const nSpec = world.specialties.length;
	const sum = new Float64Array(C.size);
	const specialty = new Float64Array(nSpec * CS.size);
	const splits = new Float64Array(SPLITS.size * 2);
	const bands = new Float64Array(105);
	const specialtyBands = world.specialties.map(() => new Float64Array(105));
	for (const s of systems) {
		for (let d = from; d <= census; d++) {
			const i = d - base;
			for (let k = 0; k < C.size; k++) sum[k] += s.counts[i * C.size + k];
			for (let k = 0; k < nSpec * CS.size; k++)
				specialty[k] += s.specialtyCounts[i * nSpec * CS.size + k];
			for (let k = 0; k < SPLITS.size * 2; k++) splits[k] += s.splitCounts[i * SPLITS.size * 2 + k];
		}
		// The list at the census: open pathways started on or before it, by week band.
		for (let k = 0; k < nSpec; k++) {
			for (let d = 0; d < s.runningDays; d++) {
				const n = s.running[k * s.runningDays + d];
				if (n === 0) continue;
				const start = s.runningFrom + d;
				if (start > census) continue;
				const band = Math.min(104, Math.max(0, Math.ceil((census - start) / 7) - 1));
				bands[band] += n;
				specialtyBands[k][band] += n;
			}
		}
	}
	const days = census - from + 1;
	const perYear = 365.25 / days;
	const split = (group: number) =>
		pct(splits[group * 2 + 1], splits[group * 2] + splits[group * 2 + 1]);
	const attended = sum[C.attendedFirst] + sum[C.attendedFollowUp];
	const dna = sum[C.dnaFirst] + sum[C.dnaFollowUp];
	const appointments = attended + dna + sum[C.cancelledPatient] + sum[C.cancelledProvider];
	const stops =
		sum[C.stopAdmitted] +
		sum[C.stopNonAdmitted] +
		sum[C.stopFirstDna] +
		sum[C.stopValidated] +
		sum[C.stopOther];
	const list = listFigures(bands);

	const specialties: SpecialtyFigures[] = world.specialties.map((sp, k) => {
		const o = k * CS.size;
		const starts = specialty[o + CS.starts];
		const stopped = specialty[o + CS.stops];
		const figures = listFigures(specialtyBands[k]);
		const before = figures.total - (starts - stopped);
		return {
			code: sp.code,
			name: sp.name,
			underCapacity: sp.underCapacity,
			clockStarts: starts,
			clockStops: stopped,
			load: stopped > 0 ? starts / stopped : 0,
			waitingList: figures.total,
			listGrowthPct: before > 0 ? (100 * (figures.total - before)) / before : null,
			medianWeeks: figures.medianWeeks,
			asiRatePct: pct(specialty[o + CS.asi], specialty[o + CS.asi] + specialty[o + CS.bookings]),
			dnaRatePct: pct(specialty[o + CS.dna], specialty[o + CS.dna] + specialty[o + CS.attended])
		};
	});
	const rtt = specialties.filter((s) => world.specialties.find((x) => x.code === s.code)!.rtt);
	// Ranked by the e-RS signal that too few slots are published (docs/definitions.md "Pathway bottlenecks": ASI rate), then load.
	const mostUnderCapacity = [...rtt]
		.sort((a, b) => (b.asiRatePct ?? 0) - (a.asiRatePct ?? 0) || b.load - a.load)
		.slice(0, 3);

	const report: Omit<Calibration, 'ranges'> = {
		scale: input.scale,
		seed: input.seed,
		region: input.region,
		window: { from: formatDay(input.startDay), to: formatDay(input.endDay) },
		census: formatDay(census),
		period: { from: formatDay(from), to: formatDay(census), days },
		referrals: {
			received: sum[C.referralsRtt] + sum[C.referralsOther],
			rtt: sum[C.referralsRtt],
			nonRtt: sum[C.referralsNonRtt],
			clockStarts: sum[C.clockStarts],
			perYear: (sum[C.referralsRtt] + sum[C.referralsOther]) * perYear
		},
		appointments: {
			total: appointments,
			perYear: appointments * perYear,
			attended,
			firstAttended: sum[C.attendedFirst],
			followUpAttended: sum[C.attendedFollowUp],
			dna,
			cancelledByPatient: sum[C.cancelledPatient],
			cancelledByProvider: sum[C.cancelledProvider]
		},
		dnaRatePct: pct(dna, attended + dna),
		dnaRateHesPct: pct(dna, appointments),
		dnaRateByAgeBand: Object.fromEntries(AGE_BANDS.map((a, i) => [a, split(SPLITS.age + i)])),
		dnaRateByImdDecile: Object.fromEntries(
			Array.from({ length: 10 }, (_, i) => [String(i + 1), split(SPLITS.imd + i)])
		),
		dnaRateBySex: Object.fromEntries(SEXES.map((x, i) => [x, split(SPLITS.sex + i)])),
		dnaRateByPreviousDna: { none: split(SPLITS.previous), previous: split(SPLITS.previous + 1) },
		dnaRateByLeadTime: Object.fromEntries(
			['0-7', '8-14', '15-28', '29-56', '57+'].map((band, i) => [band, split(SPLITS.lead + i)])
		),
		dnaRateFirstByMedium: {
			faceToFace: split(SPLITS.firstMedium),
			remote: split(SPLITS.firstMedium + 1)
		},
		waitingList: list,
		followUpToFirst:
			sum[C.attendedFirst] > 0 ? sum[C.attendedFollowUp] / sum[C.attendedFirst] : null,
		remoteSharePct: pct(sum[C.attendedRemote], attended),
		patientCancellationPct: pct(sum[C.cancelledPatient], appointments),
		providerCancellationPct: pct(sum[C.cancelledProvider], appointments),
		asiRatePct: pct(sum[C.asi], sum[C.asi] + sum[C.bookings]),
		asiRateUnderCapacityPct: pct(
			sum[C.asiUnderCapacity],
			sum[C.asiUnderCapacity] + sum[C.bookingsUnderCapacity]
		),
		clockStops: {
			total: stops,
			admittedSharePct: pct(sum[C.stopAdmitted], stops),
			firstAppointmentDna: sum[C.stopFirstDna],
			validatedRemovals: sum[C.stopValidated]
		},
		mostUnderCapacity,
		specialties,
		histogram: histogramShape(bands, census),
		rows: input.rows
	};
	const values: Record<RangeName, number | null> = {
		dnaRatePct: report.dnaRatePct,
		within18WeeksPct: list.within18WeeksPct,
		medianWeeks: list.medianWeeks,
		p92Weeks: list.p92Weeks,
		over52WeeksPct: list.over52WeeksPct,
		followUpToFirst: report.followUpToFirst,
		remoteSharePct: report.remoteSharePct,
		asiRateUnderCapacityPct: report.asiRateUnderCapacityPct
	};
	const ranges = Object.fromEntries(
		(Object.keys(REALISM_RANGES) as RangeName[]).map((name) => {
			const range = REALISM_RANGES[name];
			const value = values[name];
			return [name, { range, value, ok: value !== null && value >= range[0] && value <= range[1] }];
		})
	) as Calibration['ranges'];
	return { ...report, ranges };
}

const n0 = (x: number) => Math.round(x).toLocaleString('en-GB');
const f1 = (x: number | null) => (x === null ? '–' : x.toFixed(1));
const f2 = (x: number | null) => (x === null ? '–' : x.toFixed(2));

/** The report as the CLI prints it. */
export function formatCalibration(c: Calibration): string {
	const lines: string[] = [];
	const mark = (name: RangeName) => {
		const r = c.ranges[name];
		return `${r.ok ? 'ok ' : 'OUT'} (${r.range[0]}–${r.range[1]})`;
	};
	lines.push(
		`Calibration (${c.scale}${c.region ? `, ${c.region}` : ''}, seed ${c.seed}): census ${c.census}, period ${c.period.from} … ${c.period.to}`
	);
	lines.push(
		`  referrals        ${n0(c.referrals.received)} (${n0(c.referrals.perYear)} a year; RTT clock starts ${n0(c.referrals.clockStarts)}, non-RTT ${n0(c.referrals.nonRtt)})`
	);
	lines.push(
		`  appointments     ${n0(c.appointments.total)} (${n0(c.appointments.perYear)} a year; attended ${n0(c.appointments.attended)}, DNA ${n0(c.appointments.dna)})`
	);
	lines.push(`  DNA rate         ${f1(c.dnaRatePct)}% of attended + DNA   ${mark('dnaRatePct')}`);
	lines.push(
		`    by age band    ${Object.entries(c.dnaRateByAgeBand)
			.map(([k, v]) => `${k} ${f1(v)}`)
			.join(', ')}`
	);
	lines.push(
		`    by IMD decile  ${Object.entries(c.dnaRateByImdDecile)
			.map(([k, v]) => `${k}: ${f1(v)}`)
			.join(', ')}`
	);
	lines.push(
		`    previous DNA   none ${f1(c.dnaRateByPreviousDna.none)}, after a DNA ${f1(c.dnaRateByPreviousDna.previous)}`
	);
	const wl = c.waitingList;
	lines.push(`  waiting list     ${n0(wl.total)} RTT pathways at the census`);
	lines.push(`    within 18 wks  ${f1(wl.within18WeeksPct)}%   ${mark('within18WeeksPct')}`);
	lines.push(`    median wait    ${f1(wl.medianWeeks)} weeks   ${mark('medianWeeks')}`);
	lines.push(`    92nd pct wait  ${f1(wl.p92Weeks)} weeks   ${mark('p92Weeks')}`);
	lines.push(
		`    over 52 weeks  ${n0(wl.over52Weeks)} (${f1(wl.over52WeeksPct)}%)   ${mark('over52WeeksPct')}`
	);
	const h = c.histogram;
	lines.push(
		h.largestDipPct === null
			? '    histogram      not judged: too few pathways a week band'
			: `    histogram      deepest notch ${f1(h.largestDipPct)}% below its neighbours (band ${h.atBand}), Christmas ${f1(h.christmasDipPct)}%   ${h.ok ? 'ok ' : 'OUT'} (at most ${HISTOGRAM_DIP_LIMIT_PCT}; Christmas ${CHRISTMAS_DIP_LIMIT_PCT})`
	);
	lines.push(`  follow-up:first  ${f2(c.followUpToFirst)}   ${mark('followUpToFirst')}`);
	lines.push(
		`  remote share     ${f1(c.remoteSharePct)}% of attendances   ${mark('remoteSharePct')}`
	);
	lines.push(
		`  ASI rate         ${f1(c.asiRateUnderCapacityPct)}% of bookings in under-capacity specialties (all: ${f1(c.asiRatePct)}%)   ${mark('asiRateUnderCapacityPct')}`
	);
	lines.push(
		`  cancellations    patient ${f1(c.patientCancellationPct)}%, provider ${f1(c.providerCancellationPct)}% of appointments; admitted ${f1(c.clockStops.admittedSharePct)}% of clock stops`
	);
	lines.push(
		`  most under capacity: ${c.mostUnderCapacity
			.map(
				(s) =>
					`${s.name} (${s.code}: ASI ${f1(s.asiRatePct)}%, load ${s.load.toFixed(2)}, list ${s.listGrowthPct === null ? '–' : `${s.listGrowthPct >= 0 ? '+' : ''}${s.listGrowthPct.toFixed(0)}%`}, median ${f1(s.medianWeeks)} wks)`
			)
			.join('; ')}`
	);
	return lines.join('\n');
}
