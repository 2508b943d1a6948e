/**
 * The browser bench: for each dataset size, serve the built app on that dataset and measure every
 * registered page in Chromium, then time the same pages' SQL on native DuckDB.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { chromium } from 'playwright';
import { readManifest } from '../../data-pipelines/lib/dataset.ts';
import { machine } from '../machine.ts';
import { appJsSize, type AppJsSize } from './app-size.ts';
import { appJsBudget, pageBudgets, type BudgetCheck } from './budgets.ts';
import { ensureDataset, parquetOnDisk, type Dataset, type Size } from './datasets.ts';
import {
	measurePage,
	quantile,
	type ChangesResult,
	type LoadResult,
	type SessionParquet
} from './measure.ts';
import { nativeBaseline, type NativeResult } from './native.ts';
import { PAGES } from './pages.ts';
import { startApp } from '../../tests/e2e/app-server.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../tests/e2e/chromium.ts';

const exec = promisify(execFile);

export interface BenchOptions {
	sizes: Size[];
	changes: number;
	/** The pause before each filter change (a person reading the last view). */
	thinkMs: number;
	/** Cold loads per page (each followed by a warm one). */
	loads: number;
	reuseBuild: boolean;
	timeoutMs: number;
	/** Where screenshots of each page's first view go (not committed). */
	screenshots: string;
	log: (line: string) => void;
}

/** The median of the loads of one kind, metric by metric. */
export interface LoadSummary {
	loads: number;
	firstKpiMs: number | null;
	engineReadyMs: number | null;
	settledMs: number | null;
	viewReadyMs: number | null;
	chartsDrawnMs: number;
	parquetFetch: { firstStartMs: number; lastEndMs: number } | null;
	longTasks: { count: number; totalMs: number; maxMs: number };
	bytes: LoadResult['bytes'];
	peakJsHeapBytes: number | null;
	peakRendererPrivateBytes: number | null;
}

export interface PageResult {
	page: string;
	size: Size;
	cold: LoadSummary;
	warm: LoadSummary;
	changes: ChangesResult;
	native: NativeResult;
	/** DuckDB-WASM in the page ÷ native DuckDB, the same views' SQL. */
	ratio: {
		/** Filter change p50 (change event → redrawn) ÷ native SQL p50. */
		drawnP50: number;
		/** Filter change p95 ÷ native SQL p50. */
		drawnP95: number;
		/** Filter change to the page's view-ready mark (queries answered), p50 ÷ native p50. */
		dataP50: number | null;
	};
	rangeReads: {
		ok: boolean;
		/** Parquet requests and bytes of a cold load alone (median, most). */
		parquetRequests: number;
		parquetBytesFetched: number;
		/** Over the first cold load and its filter changes. */
		sessionParquetRequests: number;
		sessionParquetBytes: number;
		parquetBytesOnDisk: number;
		parquetFiles: number;
		problems: string[];
	};
	budgets: BudgetCheck[];
	loads: LoadResult[];
}

export interface SizeResult {
	size: Size;
	dataset: Dataset & { events: number; parquetFiles: number; parquetBytes: number };
	pages: PageResult[];
}

export interface BenchResult {
	machine: ReturnType<typeof machine> & { chromium: string; playwright: string };
	load: { before: number; after: number };
	options: { sizes: Size[]; changes: number; thinkMs: number; loads: number; pages: string[] };
	appJs: Omit<AppJsSize, 'byFile'> & { largest: AppJsSize['byFile'] };
	sizes: SizeResult[];
	/** What failed outright (range reads): the bench exits 1 when this is not empty. */
	failures: string[];
	/** Budgets that hold for the whole app (per page and size ones are in each page). */
	budgets: BudgetCheck[];
}

const median = (values: number[]) => quantile(values, 0.5);
function medianOrNull(values: (number | null)[]): number | null {
	const known = values.filter((v) => v !== null);
	return known.length ? median(known) : null;
}

function summarise(loads: LoadResult[]): LoadSummary {
	const pick = <K extends keyof LoadResult>(k: K) => loads.map((l) => l[k]);
	const bytes = loads.map((l) => l.bytes);
	return {
		loads: loads.length,
		firstKpiMs: medianOrNull(pick('firstKpiMs')),
		engineReadyMs: medianOrNull(pick('engineReadyMs')),
		settledMs: medianOrNull(pick('settledMs')),
		viewReadyMs: medianOrNull(pick('viewReadyMs')),
		chartsDrawnMs: median(pick('chartsDrawnMs')),
		parquetFetch: loads.every((l) => l.parquetFetch)
			? {
					firstStartMs: median(loads.map((l) => l.parquetFetch!.firstStartMs)),
					lastEndMs: median(loads.map((l) => l.parquetFetch!.lastEndMs))
				}
			: null,
		longTasks: {
			count: median(loads.map((l) => l.longTasks.count)),
			totalMs: median(loads.map((l) => l.longTasks.totalMs)),
			maxMs: median(loads.map((l) => l.longTasks.maxMs))
		},
		bytes: {
			engine: median(bytes.map((b) => b.engine)),
			appJs: median(bytes.map((b) => b.appJs)),
			parquet: median(bytes.map((b) => b.parquet)),
			other: median(bytes.map((b) => b.other)),
			total: median(bytes.map((b) => b.total)),
			requests: median(bytes.map((b) => b.requests))
		},
		peakJsHeapBytes: medianOrNull(pick('peakJsHeapBytes')),
		peakRendererPrivateBytes: medianOrNull(pick('peakRendererPrivateBytes'))
	};
}

async function ensureBuild(reuse: boolean, log: (line: string) => void) {
	if (reuse && existsSync('build/index.js')) {
		log('reusing the existing build/');
		return;
	}
	log('building the app (vite build, about 80 s)…');
	await exec('npx', ['vite', 'build', '--logLevel', 'warn'], { maxBuffer: 1 << 26 });
}

function rangeReads(
	loads: LoadResult[],
	session: SessionParquet,
	onDisk: { files: number; bytes: number },
	log: (line: string) => void
): PageResult['rangeReads'] {
	const problems: string[] = [];
	const cold = loads.filter((l) => l.kind === 'cold');
	for (const l of loads)
		for (const s of l.parquet.notRanged)
			problems.push(
				`${l.kind} load: ${s.path} answered ${s.status} to ${s.range ? `Range ${s.range}` : 'a request with no Range header'}`
			);
	for (const s of session.notRanged)
		problems.push(
			`filter changes: ${s.path} answered ${s.status} to ${s.range ? `Range ${s.range}` : 'a request with no Range header'}`
		);
	if (session.requests === 0)
		problems.push(
			'a load and its filter changes fetched no Parquet: nothing to prove range reads by'
		);
	if (session.bytes >= onDisk.bytes)
		problems.push(
			`a load and its filter changes fetched ${session.bytes} bytes of Parquet, not less than the ${onDisk.bytes} bytes of Parquet on disk: files are read whole`
		);
	for (const p of problems) log(`range reads: ${p}`);
	return {
		ok: problems.length === 0,
		parquetRequests: median(cold.map((l) => l.parquet.requests)),
		parquetBytesFetched: Math.max(...cold.map((l) => l.bytes.parquet)),
		sessionParquetRequests: session.requests,
		sessionParquetBytes: session.bytes,
		parquetBytesOnDisk: onDisk.bytes,
		parquetFiles: onDisk.files,
		problems
	};
}

export async function runBrowserBench(options: BenchOptions): Promise<BenchResult> {
	const { log } = options;
	await ensureBuild(options.reuseBuild, log);
	const appJs = await appJsSize();
	const datasets: Dataset[] = [];
	for (const size of options.sizes) datasets.push(await ensureDataset(size, undefined, log));
	await mkdir(options.screenshots, { recursive: true });

	const browser = await chromium.launch({
		executablePath: CHROMIUM_PATH,
		args: CHROMIUM_ARGS
	});
	const loadBefore = loadavg()[0];
	const sizes: SizeResult[] = [];
	const failures: string[] = [];
	try {
		for (const dataset of datasets) {
			const manifest = await readManifest(dataset.dir);
			const onDisk = await parquetOnDisk(dataset.dir);
			const app = await startApp(dataset.dir);
			const pages: PageResult[] = [];
			try {
				for (const target of PAGES) {
					log(`${dataset.size}: ${target.name}: ${options.loads} cold + warm loads…`);
					const run = await measurePage(browser, app.proxy, target, {
						loads: options.loads,
						changes: options.changes,
						thinkMs: options.thinkMs,
						timeoutMs: options.timeoutMs,
						screenshot: join(options.screenshots, `${target.name}-${dataset.size}.png`)
					});
					log(`${dataset.size}: ${target.name}: native DuckDB, the same views…`);
					const native = await nativeBaseline(dataset.dir, target, run.steps);
					const ranges = rangeReads(run.loads, run.session, onDisk, log);
					if (!ranges.ok)
						failures.push(...ranges.problems.map((p) => `${dataset.size} ${target.name}: ${p}`));
					const { changes } = run;
					const result: PageResult = {
						page: target.name,
						size: dataset.size,
						cold: summarise(run.loads.filter((l) => l.kind === 'cold')),
						warm: summarise(run.loads.filter((l) => l.kind === 'warm')),
						changes,
						native,
						ratio: {
							drawnP50: changes.drawnMs.p50 / native.viewMs.p50,
							drawnP95: changes.drawnMs.p95 / native.viewMs.p50,
							dataP50: changes.dataMs ? changes.dataMs.p50 / native.viewMs.p50 : null
						},
						rangeReads: ranges,
						budgets: [],
						loads: run.loads
					};
					result.budgets = pageBudgets(result);
					pages.push(result);
					log(
						`${dataset.size}: ${target.name}: first KPI ${result.cold.firstKpiMs?.toFixed(0)} ms, ` +
							`charts ${result.cold.chartsDrawnMs.toFixed(0)} ms, filter change p50 ` +
							`${changes.drawnMs.p50.toFixed(0)} / p95 ${changes.drawnMs.p95.toFixed(0)} ms, ` +
							`native p50 ${native.viewMs.p50.toFixed(1)} ms`
					);
				}
			} finally {
				await app.close();
			}
			sizes.push({
				size: dataset.size,
				dataset: {
					...dataset,
					dir: relative(process.cwd(), dataset.dir),
					events: manifest.source.rowsAccepted,
					parquetFiles: onDisk.files,
					parquetBytes: onDisk.bytes
				},
				pages
			});
		}
		const info = machine();
		const { byFile, ...js } = appJs;
		return {
			machine: {
				...info,
				chromium: browser.version(),
				playwright: (await import('playwright/package.json', { with: { type: 'json' } })).default
					.version
			},
			load: { before: +loadBefore.toFixed(2), after: +loadavg()[0].toFixed(2) },
			options: {
				sizes: options.sizes,
				changes: options.changes,
				thinkMs: options.thinkMs,
				loads: options.loads,
				pages: PAGES.map((p) => p.name)
			},
			appJs: { ...js, largest: byFile.slice(0, 8) },
			sizes,
			failures,
			budgets: [appJsBudget(appJs)]
		};
	} finally {
		await browser.close();
	}
}
