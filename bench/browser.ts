#!/usr/bin/env node
/**
 * `npm run bench:browser`: the built dashboard in Chromium on published datasets of each size,
 * page by page: time to first KPI, DuckDB-WASM start, all charts drawn (cold and warm), filter
 * change → redrawn (p50 / p95 / max), bytes fetched and proof that Parquet is read by ranges,
 * peak memory, app JS size; and each page's SQL on native DuckDB against the same files, as the
 * WASM / native ratio. Writes `<out>/browser.json` and `<out>/browser.md`; exits 1 when Parquet
 * is not read by ranges.
 *
 *   node bench/browser.ts [--sizes small,icb[,england-slice,england,england-x7]] [--changes 30]
 *                         [--loads 3] [--reuse-build] [--datasets-only] [--out bench/results]
 *
 * `england` is all seven regions, each generated and published on its own, then merged (about an
 * hour and a half on 2 cores the first time); `england-x7` is the quick stand-in, the published
 * slice copied to seven regions. `--datasets-only` makes (or checks) the datasets and stops.
 *
 * Datasets are cached in bench/.cache/browser/ (remade when the generator's or the pipeline's
 * code changes; `rm -rf bench/.cache/browser` to remake them anyway).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureDataset, SIZES, type Size } from './browser/datasets.ts';
import { markdownReport } from './browser/report.ts';
import { runBrowserBench, type BenchResult } from './browser/run.ts';

/**
 * A second between a view drawn and the next change: a person reads the view before changing a
 * filter, and what the page loads in the background meanwhile is part of how it answers.
 */
export const THINK_MS = 1000;

export const USAGE =
	'usage: node bench/browser.ts [--sizes small,icb[,england-slice,england,england-x7]] [--changes N] [--think-ms N] [--loads N] [--reuse-build] [--datasets-only] [--out DIR]';

export interface CliOptions {
	sizes: Size[];
	changes: number;
	/** The pause before each filter change, as a person takes to read the last view. */
	thinkMs: number;
	loads: number;
	reuseBuild: boolean;
	datasetsOnly: boolean;
	out: string;
}

export function parseCli(argv: string[], defaults: Partial<CliOptions> = {}): CliOptions {
	const { values } = parseArgs({
		args: argv,
		options: {
			sizes: { type: 'string', default: (defaults.sizes ?? ['small', 'icb']).join(',') },
			changes: { type: 'string', default: String(defaults.changes ?? 30) },
			'think-ms': { type: 'string', default: String(defaults.thinkMs ?? THINK_MS) },
			loads: { type: 'string', default: String(defaults.loads ?? 3) },
			'reuse-build': { type: 'boolean', default: defaults.reuseBuild ?? false },
			'datasets-only': { type: 'boolean', default: defaults.datasetsOnly ?? false },
			out: { type: 'string', default: defaults.out ?? 'bench/results' }
		}
	});
	const sizes = values.sizes.split(',').map((s) => s.trim()) as Size[];
	for (const s of sizes)
		if (!SIZES.includes(s)) throw new Error(`unknown size "${s}": expected ${SIZES.join(', ')}`);
	const count = (name: string, text: string, min: number) => {
		const n = Number(text);
		if (!Number.isInteger(n) || n < min)
			throw new Error(`--${name} must be a whole number ≥ ${min}`);
		return n;
	};
	return {
		sizes,
		changes: count('changes', values.changes, 1),
		thinkMs: count('think-ms', values['think-ms'], 0),
		loads: count('loads', values.loads, 1),
		reuseBuild: values['reuse-build'],
		datasetsOnly: values['datasets-only'],
		out: values.out
	};
}

/** Runs the bench and writes its results; returns them. */
export async function benchAndWrite(
	options: Omit<CliOptions, 'datasetsOnly'>
): Promise<BenchResult> {
	const result = await runBrowserBench({
		...options,
		timeoutMs: 180_000,
		screenshots: resolve('bench/.cache/browser/screenshots'),
		log: (line) => process.stderr.write(`bench: ${line}\n`)
	});
	await mkdir(options.out, { recursive: true });
	await writeFile(join(options.out, 'browser.json'), `${JSON.stringify(result, null, 2)}\n`);
	await writeFile(join(options.out, 'browser.md'), markdownReport(result));
	return result;
}

if (import.meta.main) {
	let options: CliOptions;
	try {
		options = parseCli(process.argv.slice(2));
	} catch (error) {
		process.stderr.write(`bench: ${(error as Error).message}\n${USAGE}\n`);
		process.exit(2);
	}
	if (options.datasetsOnly) {
		try {
			for (const size of options.sizes) {
				const d = await ensureDataset(size, undefined, (line) =>
					process.stderr.write(`bench: ${line}\n`)
				);
				process.stdout.write(`${JSON.stringify(d)}\n`);
			}
		} catch (error) {
			process.stderr.write(`bench: the datasets could not be made: ${(error as Error).message}\n`);
			process.exit(1);
		}
		process.exit(0);
	}
	let result: BenchResult;
	try {
		result = await benchAndWrite(options);
	} catch (error) {
		process.stderr.write(`bench: the bench could not run: ${(error as Error).message}\n`);
		process.exit(1);
	}
	process.stdout.write(markdownReport(result));
	if (result.failures.length) {
		process.stderr.write(`bench: FAILED\n${result.failures.map((f) => `  ${f}\n`).join('')}`);
		process.exit(1);
	}
}
