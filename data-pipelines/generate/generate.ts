/**
 * The synthetic NHS world generator: simulates referral demand meeting finite capacity (sim.ts) for
 * one ICB (`small`, `icb`) or England region by region (`england`), streams the events of the data
 * window in contract v1 (CSV, or Parquet parts through DuckDB) a simulated week at a time, and writes
 * the capacity extract, world.json (organisations) and calibration.json (headline figures). The same
 * options give byte-identical files; nothing depends on the clock or Math.random.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { addMonths, formatDay, parseDay, weekday } from './calendar.ts';
import { calibrate } from './calibration.ts';
import type { Calibration } from './calibration.ts';
import { GROUP } from './capacity.ts';
import type { Lookups } from './csv-encoder.ts';
import type { ProgressState } from './progress.ts';
import { sortBatch } from './record.ts';
import { CsvSink, NullSink, ParquetSink } from './sinks.ts';
import type { Sink, SinkTimings } from './sinks.ts';
import { System } from './sim.ts';
import type { SystemSummary } from './sim.ts';
import { RING } from './slots.ts';
import { REGIONS, buildWorld, findRegion, worldJson } from './world.ts';
import type { Scale } from './world.ts';

export type { Scale } from './world.ts';
export type Format = 'csv' | 'parquet';

export interface GenerateOptions {
	/** Output folder; created if missing. */
	out: string;
	seed?: number;
	scale?: Scale;
	/** First day of the data window, YYYY-MM-DD. */
	start?: string;
	/** Length of the data window in calendar months (or `years`). */
	months?: number;
	years?: number;
	/** Default: csv for small and icb, parquet for england. */
	format?: Format;
	/** England only: one region (code or name), e.g. "Y63" or "North East and Yorkshire". */
	region?: string;
	/** Annual growth of referral demand (default 0.03). */
	growth?: number;
	/** Write the capacity extract (default true). */
	capacity?: boolean;
	/** Told of progress a few times a second. */
	onProgress?: (state: ProgressState) => void;
	/** Simulate but write no events (to measure the simulation alone). */
	discard?: boolean;
	/** Encode CSV in a worker thread (default true). */
	threads?: boolean;
	/** Rows per Parquet part (default 2,000,000). */
	partRows?: number;
	/** DuckDB threads writing Parquet (default 2). */
	parquetThreads?: number;
	/** Days simulated before the window (default WARM_UP_DAYS). */
	warmUpDays?: number;
}

export interface GenerateTimings {
	totalMs: number;
	/** Simulation (the main thread, stepping days). */
	simulateMs: number;
	/** Sorting each week's events by time. */
	sortMs: number;
	/** Handing batches to the sink (main thread). */
	handMs: number;
	/** Waiting for the sink to catch up (main thread idle). */
	waitMs: number;
	/** Encoding and writing, on the sink's own thread(s), overlapping the simulation. */
	encodeMs: number;
	writeMs: number;
	/** Capacity extract, world.json, calibration. */
	finishMs: number;
}

export interface GenerateResult {
	/** Event rows written. */
	rows: number;
	/** The events file (CSV) or the folder of event parts (Parquet). */
	path: string;
	files: string[];
	calibration: Calibration;
	capacityRows: number | null;
	timings: GenerateTimings;
}

export const DEFAULTS = {
	seed: 42,
	scale: 'small' as Scale,
	start: '2024-04-01',
	months: { small: 20, icb: 20, england: 12 } as Record<Scale, number>,
	growth: 0.03
};

/** Share of each practice list simulated: `small` is a 1-in-100 sample of the ICB. */
export const SAMPLE_FRACTION: Record<Scale, number> = { small: 0.01, icb: 1, england: 1 };

/** Simulated days before the window, so that it opens on a settled waiting list and caseload. */
export const WARM_UP_DAYS = 730;

/** Global numbering stride of an England region's patients and pathways. */
const REGION_STRIDE = 100_000_000;

function check(condition: boolean, message: string): void {
	if (!condition) throw new Error(message);
}

/** Seed of one region's system: the run's seed mixed with the region (splitmix32 finaliser). */
function systemSeed(seed: number, region: number): number {
	let z = (seed + Math.imul(region + 1, 0x9e3779b9)) | 0;
	z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
	z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
	return (z ^ (z >>> 16)) >>> 0;
}

/** Generates the world; see the module comment. */
export async function generate(options: GenerateOptions): Promise<GenerateResult> {
	const started = performance.now();
	const seed = options.seed ?? DEFAULTS.seed;
	const scale = options.scale ?? DEFAULTS.scale;
	check(
		Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff,
		`invalid seed ${seed}: expected an integer 0–4294967295`
	);
	check(
		scale === 'small' || scale === 'icb' || scale === 'england',
		`invalid scale "${scale}": expected small, icb or england`
	);
	let months =
		options.months ?? (options.years !== undefined ? options.years * 12 : DEFAULTS.months[scale]);
	check(
		Number.isInteger(months) && months >= 1 && months <= 120,
		`invalid window of ${months} months: expected 1–120 months (up to 10 years)`
	);
	const format: Format = options.format ?? (scale === 'england' ? 'parquet' : 'csv');
	check(
		format === 'csv' || format === 'parquet',
		`invalid format "${format}": expected csv or parquet`
	);
	const growth = options.growth ?? DEFAULTS.growth;
	check(Number.isFinite(growth) && growth > -0.5 && growth < 1, `invalid growth ${growth}`);
	let regionIndex: number | undefined;
	if (options.region !== undefined) {
		check(scale === 'england', '--region applies to --scale england only');
		regionIndex = findRegion(options.region);
		check(
			regionIndex !== undefined,
			`unknown region "${options.region}": expected one of ${REGIONS.map((r) => `${r.code} (${r.name})`).join(', ')}`
		);
	}
	const startDay = parseDay(options.start ?? DEFAULTS.start);
	const endDay = addMonths(startDay, months) - 1;
	months = Math.round(months);
	const baseDay = startDay - (options.warmUpDays ?? WARM_UP_DAYS);
	const world = buildWorld(scale, regionIndex);
	const fraction = SAMPLE_FRACTION[scale];

	// Clear what an earlier run left, then write.
	await mkdir(options.out, { recursive: true });
	const eventsPath =
		format === 'csv' ? join(options.out, 'events.csv') : join(options.out, 'events');
	for (const name of ['events.csv', 'events', 'capacity.csv', 'capacity.parquet'])
		await rm(join(options.out, name), { recursive: true, force: true });

	const lookups: Lookups = {
		baseDay,
		firstDay: 0,
		lastDay: endDay - baseDay + RING + 7,
		providers: world.providers.map((p) => p.code),
		commissioners: world.commissioners.map((c) => c.code),
		practices: world.practices.map((p) => p.code),
		specialties: world.specialties.map((s) => s.code),
		idWidth: 10
	};
	const recordCapacity = (options.capacity ?? true) && !options.discard;
	const capacityPath = recordCapacity
		? join(options.out, format === 'csv' ? 'capacity.csv' : 'capacity.parquet')
		: null;
	let sink: Sink;
	if (options.discard) sink = new NullSink();
	else if (format === 'csv')
		sink = new CsvSink(eventsPath, lookups, capacityPath, options.threads ?? true);
	else {
		const parquet = new ParquetSink(
			eventsPath,
			lookups,
			capacityPath,
			options.partRows,
			options.parquetThreads
		);
		await parquet.open();
		sink = parquet;
	}

	// One system per region (england) or the one ICB; simulated one after the other.
	const plans =
		scale === 'england'
			? world.regions.map((r) => ({
					icbs: r.icbs,
					region: REGIONS.findIndex((x) => x.code === r.code),
					label: r.name,
					weight: r.population
				}))
			: [
					{
						icbs: [0],
						region: 0,
						label: world.icbs[0].name.replace(/^NHS | Integrated Care Board$/g, ''),
						weight: 1
					}
				];
	const totalWeight = plans.reduce((a, p) => a + p.weight, 0);
	const summaries: SystemSummary[] = [];
	let groups = new Int32Array(0);
	const timings: GenerateTimings = {
		totalMs: 0,
		simulateMs: 0,
		sortMs: 0,
		handMs: 0,
		waitMs: 0,
		encodeMs: 0,
		writeMs: 0,
		finishMs: 0
	};
	let events = 0;
	let doneWeight = 0;
	const span = endDay - baseDay + 1;
	try {
		for (const plan of plans) {
			let t = performance.now();
			const scaleOffset = scale === 'england' ? plan.region * REGION_STRIDE : 0;
			const system = new System({
				world,
				icbs: plan.icbs,
				seed: scale === 'england' ? systemSeed(seed, plan.region) : seed,
				baseDay,
				startDay,
				endDay,
				fraction,
				growth,
				patientOffset: scaleOffset,
				pathwayOffset: scaleOffset,
				recordCapacity
			});
			timings.simulateMs += performance.now() - t;
			for (let day = baseDay; day <= endDay; day++) {
				t = performance.now();
				system.step();
				const afterStep = performance.now();
				timings.simulateMs += afterStep - t;
				if (day >= startDay && (weekday(day) === 0 || day === endDay)) {
					const n = system.batch.length;
					if (n > 0) {
						const sorted = sortBatch(system.batch);
						system.batch.clear();
						const afterSort = performance.now();
						timings.sortMs += afterSort - afterStep;
						await sink.write(sorted, n);
						events += n;
					}
					if (recordCapacity) {
						// Slots published since the last week, as (provider, specialty, type, day, count).
						const slots = system.slots;
						if (groups.length < slots.groupCount * GROUP)
							groups = new Int32Array(slots.groupCount * GROUP * 2);
						for (let g = 0; g < slots.groupCount; g++) {
							const service = system.services[slots.groups[g * 3] >> 2];
							const o = g * GROUP;
							groups[o] = service.provider;
							groups[o + 1] = service.specialty;
							groups[o + 2] = slots.groups[g * 3] & 3;
							groups[o + 3] = slots.groups[g * 3 + 1];
							groups[o + 4] = slots.groups[g * 3 + 2];
						}
						sink.capacity(groups, slots.groupCount);
						slots.groupCount = 0;
					}
				}
				if (options.onProgress && (day & 7) === 0)
					options.onProgress({
						done: (doneWeight + (plan.weight * (day - baseDay + 1)) / span) / totalWeight,
						date: formatDay(day),
						label: day < startDay ? `${plan.label} (warm-up)` : plan.label,
						events
					});
			}
			doneWeight += plan.weight;
			summaries.push(system.summary());
		}
	} catch (error) {
		await sink.close().catch(() => undefined);
		throw error;
	}
	const closed = await sink.close();
	const sinkTimings: SinkTimings = closed.timings;
	timings.handMs = sinkTimings.handMs;
	timings.waitMs = sinkTimings.waitMs;
	timings.encodeMs = sinkTimings.encodeMs;
	timings.writeMs = sinkTimings.writeMs;

	const finishing = performance.now();
	const calibration = calibrate({
		world,
		systems: summaries,
		scale,
		seed,
		region: regionIndex === undefined ? null : REGIONS[regionIndex].name,
		startDay,
		endDay,
		rows: closed.rows
	});
	await writeFile(
		join(options.out, 'world.json'),
		JSON.stringify(worldJson(world, fraction), null, '\t') + '\n'
	);
	await writeFile(
		join(options.out, 'calibration.json'),
		JSON.stringify(calibration, null, '\t') + '\n'
	);
	timings.finishMs = performance.now() - finishing;
	timings.totalMs = performance.now() - started;
	return {
		rows: closed.rows,
		path: eventsPath,
		files: closed.files,
		calibration,
		capacityRows: closed.capacityRows,
		timings
	};
}
