/**
 * The datasets the browser bench serves: generated (seed 42) and published once, then reused from
 * `bench/.cache/browser/<size>-seed42/` until the code that made them changes. Each step writes a
 * stamp with a hash of its source files beside its output; a different hash remakes it. To force
 * a remake, `rm -rf bench/.cache/browser`.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { generate, type GenerateOptions } from '../../data-pipelines/generate/generate.ts';
import { runPipeline } from '../../data-pipelines/pipeline/run.ts';
import { keyFromEnvironment } from '../../data-pipelines/pipeline/pseudonymise.ts';
import { scaleUp } from './scale-up.ts';

export type Size = 'small' | 'icb' | 'england-slice' | 'england';
export const SIZES: readonly Size[] = ['small', 'icb', 'england-slice', 'england'];

/** England, as seven copies of the slice (scale-up.ts): the regions are about a seventh each. */
export const ENGLAND_COPIES = 7;

const SEED = 42;
/** The generator's default window (20 months from April 2024) ends here. */
const EXTRACT_DATE = '2025-11-30';

/** What each generated size is made from (England is scaled up from the slice). */
const WORLDS: Record<Exclude<Size, 'england'>, Omit<GenerateOptions, 'out'>> = {
	small: { scale: 'small' },
	icb: { scale: 'icb' },
	// One region (North East and Yorkshire, about a seventh of England), one year: bench/generate.ts's
	// fixed slice, written as CSV so the pipeline reads it as it reads the others.
	'england-slice': { scale: 'england', region: 'Y63', years: 1, format: 'csv' }
};

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

async function stamped(stampFile: string, key: string): Promise<boolean> {
	const text = await readFile(stampFile, 'utf8').catch(() => null);
	return text !== null && JSON.parse(text).key === key;
}

/** Generates and publishes `size` unless the cache already holds it for the current code. */
export async function ensureDataset(
	size: Size,
	root = resolve('bench/.cache/browser'),
	log: (line: string) => void = () => {}
): Promise<Dataset> {
	if (size === 'england') return ensureEngland(root, log);
	const home = join(root, `${size}-seed${SEED}`);
	const events = join(home, 'events');
	const dir = join(home, 'published');
	const eventsStamp = join(home, 'events.stamp.json');
	const publishedStamp = join(home, 'published.stamp.json');
	await mkdir(home, { recursive: true });
	const made = { events: false, published: false };
	const seconds = { generate: 0, publish: 0 };

	const eventsKey = await sourceHash(GENERATOR_SOURCES);
	if (!(await stamped(eventsStamp, eventsKey)) || !existsSync(events)) {
		log(`generating the ${size} world (seed ${SEED})…`);
		await rm(events, { recursive: true, force: true });
		await rm(publishedStamp, { force: true });
		const began = performance.now();
		await generate({ ...WORLDS[size], out: events, seed: SEED });
		seconds.generate = (performance.now() - began) / 1000;
		await writeFile(eventsStamp, JSON.stringify({ key: eventsKey, seed: SEED, ...WORLDS[size] }));
		made.events = true;
	}

	const publishedKey = `${eventsKey}-${await sourceHash(PIPELINE_SOURCES)}`;
	if (!(await stamped(publishedStamp, publishedKey)) || !existsSync(join(dir, 'manifest.json'))) {
		log(`publishing the ${size} dataset…`);
		const began = performance.now();
		await runPipeline({
			input: events,
			out: dir,
			extractDate: EXTRACT_DATE,
			key: keyFromEnvironment({}),
			maxQuarantine: 1,
			// Its own spill folder: DuckDB's default one is shared by every pipeline on the machine,
			// and one that finishes removes it from under another.
			tempDirectory: join(home, 'duckdb-tmp')
		});
		seconds.publish = (performance.now() - began) / 1000;
		await writeFile(publishedStamp, JSON.stringify({ key: publishedKey }));
		made.published = true;
	}
	return { size, dir, made, seconds };
}

/** England: the slice, published, then copied up to all seven regions (scale-up.ts). */
async function ensureEngland(root: string, log: (line: string) => void): Promise<Dataset> {
	const slice = await ensureDataset('england-slice', root, log);
	const home = join(root, `england-x${ENGLAND_COPIES}-seed${SEED}`);
	const dir = join(home, 'published');
	const stamp = join(home, 'published.stamp.json');
	await mkdir(home, { recursive: true });
	const sliceKey = await readFile(join(slice.dir, '..', 'published.stamp.json'), 'utf8');
	const key = `${JSON.parse(sliceKey).key}-${await sourceHash(['bench/browser/scale-up.ts'])}`;
	let seconds = 0;
	const made = !(await stamped(stamp, key)) || !existsSync(join(dir, 'manifest.json'));
	if (made) {
		log(`scaling the England slice up to ${ENGLAND_COPIES} regions…`);
		const began = performance.now();
		await scaleUp(slice.dir, dir, ENGLAND_COPIES, join(home, 'duckdb-tmp'));
		seconds = (performance.now() - began) / 1000;
		await writeFile(stamp, JSON.stringify({ key }));
	}
	return {
		size: 'england',
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
