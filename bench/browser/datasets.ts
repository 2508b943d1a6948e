/**
 * The datasets the browser bench serves: generated (seed 42) and published once, then reused from
 * `bench/.cache/browser/<size>-seed42/` until the code that made them changes. Each step writes a
 * stamp with a hash of its source files beside its output; a different hash remakes it. To force
 * a remake, `rm -rf bench/.cache/browser`.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, statfs, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { generate, type GenerateOptions } from '../../data-pipelines/generate/generate.ts';
import { runPipeline } from '../../data-pipelines/pipeline/run.ts';
import { keyFromEnvironment } from '../../data-pipelines/pipeline/pseudonymise.ts';
import { scaleUp } from './scale-up.ts';
import { DEFAULT_SLICE_REGION, REGIONS } from '../../data-pipelines/generate/world.ts';
import { readManifest } from '../../data-pipelines/lib/dataset.ts';
import { mergeDatasets } from '../../data-pipelines/pipeline/merge.ts';

export type Size = 'small' | 'icb' | 'england-slice' | 'england' | 'england-x7';
export const SIZES: readonly Size[] = ['small', 'icb', 'england-slice', 'england', 'england-x7'];

/** The quick stand-in for England: seven copies of the slice (scale-up.ts). */
export const ENGLAND_COPIES = 7;

const SEED = 42;
/** The generator's default window (20 months from April 2024) ends here. */
const EXTRACT_DATE = '2025-11-30';

type World = Omit<GenerateOptions, 'out'>;

/** One region of England for a year, written as CSV so the pipeline reads it as it reads the others. */
const region = (code: string): World => ({
	scale: 'england',
	region: code,
	years: 1,
	format: 'csv'
});

/** What each generated size is made from (the two Englands are made from regions). */
const WORLDS: Record<'small' | 'icb', World> = { small: { scale: 'small' }, icb: { scale: 'icb' } };

/** Source folders whose content decides each step's output. */
const GENERATOR_SOURCES = ['data-pipelines/generate', 'data-pipelines/lib'];
const PIPELINE_SOURCES = [
	'data-pipelines',
	'src/lib/metrics',
	'src/lib/dataset',
	'src/lib/reference'
];

export interface Dataset {
	size: Size;
	/** The published dataset folder (what PATHWAY_INSIGHT_DATA points at). */
	dir: string;
	/** Whether this run generated or published it (false: reused from the cache). */
	made: { events: boolean; published: boolean };
	seconds: { generate: number; publish: number };
	/** How England was made, region by region (england only). */
	regions?: RegionRun[];
}

export interface RegionRun {
	region: string;
	/** Events the pipeline read and the published dataset's size on disk. */
	events: number;
	parquetBytes: number;
	/** Seconds this run spent (0 when reused from the cache). */
	seconds: { generate: number; publish: number };
	/** The process's peak resident memory once this region was published, in bytes (null: cached). */
	peakRssBytes: number | null;
}

async function filesUnder(dir: string): Promise<string[]> {
	const entries = await readdir(dir, { withFileTypes: true, recursive: true });
	return entries
		.filter((e) => e.isFile() && !/\.(test|spec)\.ts$/.test(e.name))
		.map((e) => join(e.parentPath, e.name))
		.sort();
}

/** A hash of every file under the folders (or of the files named), names and contents. */
async function sourceHash(paths: string[]): Promise<string> {
	const hash = createHash('sha256');
	for (const path of paths) {
		const real = resolve(path);
		const files = (await stat(real)).isFile() ? [real] : await filesUnder(real);
		for (const file of files) {
			hash.update(relative(process.cwd(), file)).update('\0');
			hash.update(await readFile(file)).update('\0');
		}
	}
	return hash.digest('hex').slice(0, 16);
}

async function stampKey(stampFile: string): Promise<string | null> {
	const text = await readFile(stampFile, 'utf8').catch(() => null);
	return text === null ? null : (JSON.parse(text).key as string);
}

interface Published {
	dir: string;
	key: string;
	made: { events: boolean; published: boolean };
	seconds: { generate: number; publish: number };
}

/**
 * Generates `world` and publishes it in `home` unless the cache already holds it for the current
 * code. With `keepEvents` false the events are deleted once published (an England region's CSV
 * is 7–13 GB, and making it again takes a minute or two).
 */
async function ensurePublished(
	home: string,
	world: World,
	keepEvents: boolean,
	log: (line: string) => void,
	/** Free disk the generating and publishing need (refused with a message when it is not there). */
	needsBytes = 0
): Promise<Published> {
	const name = relative(resolve('bench/.cache/browser'), home);
	const events = join(home, 'events');
	const dir = join(home, 'published');
	const eventsStamp = join(home, 'events.stamp.json');
	const publishedStamp = join(home, 'published.stamp.json');
	await mkdir(home, { recursive: true });
	const made = { events: false, published: false };
	const seconds = { generate: 0, publish: 0 };

	const eventsKey = await sourceHash(GENERATOR_SOURCES);
	const key = `${eventsKey}-${await sourceHash(PIPELINE_SOURCES)}`;
	if ((await stampKey(publishedStamp)) === key && existsSync(join(dir, 'manifest.json')))
		return { dir, key, made, seconds };

	const disk = await statfs(home);
	const free = disk.bavail * disk.bsize;
	if (free < needsBytes)
		throw new Error(
			`${name} needs about ${Math.ceil(needsBytes / 1e9)} GB of free disk to generate and publish (its CSV and DuckDB's spill); ${home} has ${Math.floor(free / 1e9)} GB free`
		);
	if ((await stampKey(eventsStamp)) !== eventsKey || !existsSync(events)) {
		log(`generating ${name} (seed ${SEED})…`);
		await rm(events, { recursive: true, force: true });
		const began = performance.now();
		await generate({ ...world, out: events, seed: SEED });
		seconds.generate = (performance.now() - began) / 1000;
		await writeFile(eventsStamp, JSON.stringify({ key: eventsKey, seed: SEED, ...world }));
		made.events = true;
	}
	log(`publishing ${name}…`);
	await rm(publishedStamp, { force: true });
	const began = performance.now();
	await runPipeline({
		input: events,
		out: dir,
		extractDate: EXTRACT_DATE,
		key: keyFromEnvironment({}),
		maxQuarantine: 1,
		// Only the current version is kept: the bench holds no page open on an old one, and
		// England's versions are gigabytes each.
		retention: { versions: 1, hours: 0 },
		// Its own spill folder: DuckDB's default one is shared by every pipeline on the machine,
		// and one that finishes removes it from under another.
		tempDirectory: join(home, 'duckdb-tmp')
	});
	seconds.publish = (performance.now() - began) / 1000;
	await writeFile(publishedStamp, JSON.stringify({ key }));
	made.published = true;
	if (!keepEvents) await rm(events, { recursive: true, force: true });
	return { dir, key, made, seconds };
}

/** Generates and publishes `size` unless the cache already holds it for the current code. */
export async function ensureDataset(
	size: Size,
	root = resolve('bench/.cache/browser'),
	log: (line: string) => void = () => {}
): Promise<Dataset> {
	if (size === 'england') return ensureEngland(root, log);
	if (size === 'england-x7') return ensureEnglandScaledUp(root, log);
	const home = join(
		root,
		size === 'england-slice' ? `england-${DEFAULT_SLICE_REGION}-seed${SEED}` : `${size}-seed${SEED}`
	);
	const world = size === 'england-slice' ? region(DEFAULT_SLICE_REGION) : WORLDS[size];
	const { dir, made, seconds } = await ensurePublished(home, world, size !== 'england-slice', log);
	return { size, dir, made, seconds };
}

/**
 * All of England, made as a real deployment would on one machine: each of the seven regions
 * generated (a year, as CSV), put through the pipeline on its own and its CSV deleted, largest
 * first while the disk is emptiest; then `npm run merge`'s code joins the seven published
 * datasets into one. Each region's run needs one region's memory and spill, not the country's.
 */
async function ensureEngland(root: string, log: (line: string) => void): Promise<Dataset> {
	const order = [...REGIONS].sort((a, b) => b.population - a.population);
	const regions: RegionRun[] = [];
	const published: Published[] = [];
	for (const r of order) {
		const home = join(root, `england-${r.code}-seed${SEED}`);
		// Measured: the Midlands (10.9M people, 73M events) used up to 58 GB, CSV and spill.
		const needs = Math.max(20e9, (60e9 * r.population) / 10_900_000);
		const one = await ensurePublished(home, region(r.code), false, log, needs);
		published.push(one);
		const manifest = await readManifest(one.dir);
		regions.push({
			region: `${r.code} ${r.name}`,
			events: manifest.source.rowsRead,
			parquetBytes: (await parquetOnDisk(one.dir)).bytes,
			seconds: one.seconds,
			peakRssBytes: one.made.published ? process.resourceUsage().maxRSS * 1024 : null
		});
		log(`${r.code} ${r.name}: ${manifest.source.rowsRead.toLocaleString('en-GB')} events`);
	}
	const home = join(root, `england-seed${SEED}`);
	const dir = join(home, 'published');
	const stamp = join(home, 'published.stamp.json');
	await mkdir(home, { recursive: true });
	const key = createHash('sha256')
		.update(published.map((p) => p.key).join('\0'))
		.digest('hex')
		.slice(0, 16);
	let mergeSeconds = 0;
	const merged = (await stampKey(stamp)) !== key || !existsSync(join(dir, 'manifest.json'));
	if (merged) {
		log(`merging the ${published.length} regions into England…`);
		await rm(stamp, { force: true });
		const began = performance.now();
		await mergeDatasets({
			inputs: published.map((p) => p.dir),
			out: dir,
			tempDirectory: join(home, 'duckdb-tmp'),
			retention: { versions: 1, hours: 0 }
		});
		mergeSeconds = (performance.now() - began) / 1000;
		await writeFile(stamp, JSON.stringify({ key }));
	}
	const sum = (f: (p: Published) => number) => published.reduce((n, p) => n + f(p), 0);
	return {
		size: 'england',
		dir,
		made: {
			events: published.some((p) => p.made.events),
			published: merged || published.some((p) => p.made.published)
		},
		seconds: {
			generate: sum((p) => p.seconds.generate),
			publish: sum((p) => p.seconds.publish) + mergeSeconds
		},
		regions
	};
}

/** England's quick stand-in: the slice, published, then copied up to seven regions (scale-up.ts). */
async function ensureEnglandScaledUp(root: string, log: (line: string) => void): Promise<Dataset> {
	const slice = await ensureDataset('england-slice', root, log);
	const home = join(root, `england-x${ENGLAND_COPIES}-seed${SEED}`);
	const dir = join(home, 'published');
	const stamp = join(home, 'published.stamp.json');
	await mkdir(home, { recursive: true });
	const sliceKey = await stampKey(join(slice.dir, '..', 'published.stamp.json'));
	const key = `${sliceKey}-${await sourceHash(['bench/browser/scale-up.ts'])}`;
	let seconds = 0;
	const made = (await stampKey(stamp)) !== key || !existsSync(join(dir, 'manifest.json'));
	if (made) {
		log(`scaling the England slice up to ${ENGLAND_COPIES} regions…`);
		const began = performance.now();
		await scaleUp(slice.dir, dir, ENGLAND_COPIES, join(home, 'duckdb-tmp'));
		seconds = (performance.now() - began) / 1000;
		await writeFile(stamp, JSON.stringify({ key }));
	}
	return {
		size: 'england-x7',
		dir,
		made: { events: slice.made.events, published: made },
		seconds: { generate: slice.seconds.generate, publish: slice.seconds.publish + seconds }
	};
}

/** Every Parquet file under the dataset folder and its size on disk, whatever the layout. */
export async function parquetOnDisk(dir: string): Promise<{ files: number; bytes: number }> {
	let files = 0;
	let bytes = 0;
	const real = resolve(dir);
	for (const file of await filesUnder(real)) {
		if (!file.endsWith('.parquet')) continue;
		files++;
		bytes += (await stat(file)).size;
	}
	return { files, bytes };
}
