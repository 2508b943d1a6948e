/**
 * Measures one page of the built app in Chromium: a cold load (fresh context: empty cache), the
 * filter changes, and a warm load (the same context, so the HTTP cache holds what may be kept).
 * Bytes are counted where they arrive, at a counting proxy in front of the app: Playwright's
 * request events miss what a worker fetches (PITFALLS.md), and DuckDB-WASM fetches its wasm from
 * its worker.
 */
import type { Browser, CDPSession, Page } from 'playwright';
import type { CountingProxy, Served } from '../../tests/e2e/counting-proxy.ts';
import {
	changeAndTime,
	instrument,
	loadTimes,
	type ChangeTiming,
	type LoadTimes
} from './in-page.ts';
import type { BenchPage, Step } from './pages.ts';
import { rendererPrivateBytes } from './processes.ts';

export const MARKS = {
	firstKpi: 'pathway-insight:first-kpi',
	engineReady: 'pathway-insight:engine-ready',
	/** The page has finished loading in the background after its first view (prefetch). */
	settled: 'pathway-insight:settled',
	viewReady: 'pathway-insight:view-ready',
	chartsDrawn: 'bench:charts-drawn'
} as const;

/** What a page shows when it could not load or query its data. */
const FAILED = '[data-state="error"], [data-state="query-error"]';

export interface Bytes {
	/** DuckDB-WASM: the wasm and its worker script. */
	engine: number;
	appJs: number;
	parquet: number;
	other: number;
	total: number;
	requests: number;
}

export interface LoadResult {
	kind: 'cold' | 'warm';
	/** Milliseconds from navigation start. */
	firstKpiMs: number | null;
	engineReadyMs: number | null;
	settledMs: number | null;
	/** The page's own view-ready mark (queries answered). */
	viewReadyMs: number | null;
	/** Every chart of the first view drawn and painted (observed in the page). */
	chartsDrawnMs: number;
	/** The main thread's Parquet requests, first start to last end (ms from navigation). */
	parquetFetch: LoadTimes['parquetFetch'];
	/** Main-thread tasks over 50 ms until the first view was drawn. */
	longTasks: LoadTimes['longTasks'];
	bytes: Bytes;
	/** Every Parquet request asked for a byte range and was answered with one (206). */
	parquet: { requests: number; allRanged: boolean; notRanged: Served[] };
	peakJsHeapBytes: number | null;
	peakRendererPrivateBytes: number | null;
}

export interface ChangesResult {
	count: number;
	drawnMs: { p50: number; p95: number; max: number };
	dataMs: { p50: number; p95: number; max: number } | null;
	steps: (ChangeTiming & { label: string })[];
	peakJsHeapBytes: number | null;
	peakRendererPrivateBytes: number | null;
}

export function quantile(values: number[], q: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	if (sorted.length === 0) return NaN;
	const i = (sorted.length - 1) * q;
	const lo = Math.floor(i);
	return sorted[lo] + (sorted[Math.ceil(i)] - sorted[lo]) * (i - lo);
}

export const summary = (values: number[]) => ({
	p50: quantile(values, 0.5),
	p95: quantile(values, 0.95),
	max: Math.max(...values)
});

function categorise(served: Served[]): Bytes {
	const bytes: Bytes = { engine: 0, appJs: 0, parquet: 0, other: 0, total: 0, requests: 0 };
	for (const s of served) {
		const path = s.path;
		const key = /\.wasm$|duckdb-browser-[a-z]+\.worker\./.test(path)
			? 'engine'
			: path.endsWith('.parquet')
				? 'parquet'
				: path.endsWith('.js')
					? 'appJs'
					: 'other';
		bytes[key] += s.bytes;
		bytes.total += s.bytes;
		bytes.requests++;
	}
	return bytes;
}

/** Samples the main thread's JS heap (CDP) and the renderers' memory until stopped. */
function sampleMemory(cdp: CDPSession) {
	let heap: number | null = null;
	let rss: number | null = null;
	let busy = false;
	const sample = async () => {
		if (busy) return;
		busy = true;
		try {
			const { metrics } = await cdp.send('Performance.getMetrics');
			const used = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value;
			if (used !== undefined) heap = Math.max(heap ?? 0, used);
		} catch {
			// The page is navigating or closed; the next sample will tell.
		}
		const r = rendererPrivateBytes();
		if (r !== null) rss = Math.max(rss ?? 0, r);
		busy = false;
	};
	const timer = setInterval(sample, 200);
	return {
		async stop() {
			clearInterval(timer);
			await sample();
			return { peakJsHeapBytes: heap, peakRendererPrivateBytes: rss };
		}
	};
}

async function load(
	page: Page,
	cdp: CDPSession,
	proxy: CountingProxy,
	target: BenchPage,
	kind: 'cold' | 'warm'
): Promise<LoadResult> {
	// Leave the last document first, and collect its garbage, so that its heap is not counted as
	// this load's (the renderer process, and so its JS heap, is the same).
	if (kind === 'warm') {
		await page.goto('about:blank');
		await cdp.send('HeapProfiler.collectGarbage');
	}
	proxy.reset();
	const memory = sampleMemory(cdp);
	let times: LoadTimes;
	try {
		await page.goto(`${proxy.url}${target.path}`, { waitUntil: 'commit' });
		await page.evaluate(
			() =>
				(globalThis as unknown as { __bench: { firstDrawn: Promise<number> } }).__bench.firstDrawn
		);
		// A page may draw its first view before the engine is up: the load counts until both are
		// done, so the engine's start and its bytes are measured too.
		// So are the page's background loads after its first view: the filter changes are timed
		// from a settled page, as a person would make them, and their bytes count in the load.
		for (const mark of [MARKS.engineReady, MARKS.settled]) {
			await page.waitForFunction((m) => performance.getEntriesByName(m).length > 0, mark, {
				timeout: 60_000,
				polling: 50
			});
		}
		times = await page.evaluate(loadTimes, Object.values(MARKS));
	} catch (error) {
		await memory.stop();
		throw new Error(`${kind} load of ${target.name}: ${(error as Error).message}`);
	}
	const memoryPeaks = await memory.stop();
	const { marks, parquetFetch, longTasks } = times;
	// Served entries are complete once their body has been piped; give the last a moment.
	await new Promise((r) => setTimeout(r, 100));
	const served = [...proxy.served];
	const parquet = served.filter((s) => s.path.endsWith('.parquet'));
	// A warm load may revalidate a range and be told it has not changed (304, no body).
	const ok = (s: Served) =>
		s.range !== null &&
		/^bytes=\d+-\d*$/.test(s.range) &&
		(s.status === 206 || (kind === 'warm' && s.status === 304));
	const notRanged = parquet.filter((s) => !ok(s));
	return {
		kind,
		firstKpiMs: marks[MARKS.firstKpi],
		engineReadyMs: marks[MARKS.engineReady],
		settledMs: marks[MARKS.settled],
		viewReadyMs: marks[MARKS.viewReady],
		chartsDrawnMs: marks[MARKS.chartsDrawn]!,
		parquetFetch,
		longTasks,
		bytes: categorise(served),
		parquet: { requests: parquet.length, allRanged: notRanged.length === 0, notRanged },
		...memoryPeaks
	};
}

async function changes(
	page: Page,
	cdp: CDPSession,
	target: BenchPage,
	steps: Step[],
	{ thinkMs, timeoutMs }: { thinkMs: number; timeoutMs: number }
): Promise<ChangesResult> {
	const memory = sampleMemory(cdp);
	const timed: ChangesResult['steps'] = [];
	let step: Step | undefined;
	try {
		for (step of steps) {
			// A person reads a view before changing it again: the page may load in the meantime.
			await page.waitForTimeout(thinkMs);
			const t = await page.evaluate(changeAndTime, {
				control: step.control,
				value: step.value,
				ready: target.ready(step.expect),
				readyMark: MARKS.viewReady,
				timeoutMs
			});
			timed.push({ ...t, label: step.label });
		}
	} catch (error) {
		await memory.stop();
		throw new Error(
			`${target.name}, filter change ${timed.length + 1} (${step?.label}): ${(error as Error).message}`
		);
	}
	const data = timed.map((t) => t.dataMs).filter((t) => t !== null);
	return {
		count: timed.length,
		drawnMs: summary(timed.map((t) => t.drawnMs)),
		dataMs: data.length === timed.length ? summary(data) : null,
		steps: timed,
		...(await memory.stop())
	};
}

/** The Parquet read over the first cold load and the filter changes after it, in one session. */
export interface SessionParquet {
	requests: number;
	bytes: number;
	notRanged: Served[];
}

export interface PageRun {
	loads: LoadResult[];
	changes: ChangesResult;
	steps: Step[];
	session: SessionParquet;
}

/**
 * `loads` cold loads, each in a fresh context and followed by a warm load in the same context;
 * the filter changes run once, after the first cold load.
 */
export async function measurePage(
	browser: Browser,
	proxy: CountingProxy,
	target: BenchPage,
	options: {
		loads: number;
		changes: number;
		thinkMs: number;
		timeoutMs: number;
		screenshot?: string;
	}
): Promise<PageRun> {
	const loads: LoadResult[] = [];
	let changed: ChangesResult | null = null;
	let steps: Step[] = [];
	let session: SessionParquet = { requests: 0, bytes: 0, notRanged: [] };
	for (let i = 0; i < options.loads; i++) {
		const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
		try {
			await context.addInitScript(instrument, {
				ready: target.ready(target.initialView),
				failed: FAILED,
				timeoutMs: options.timeoutMs
			});
			const page = await context.newPage();
			const cdp = await context.newCDPSession(page);
			await cdp.send('Performance.enable');
			loads.push(await load(page, cdp, proxy, target, 'cold'));
			if (i === 0) {
				if (options.screenshot) await page.screenshot({ path: options.screenshot, fullPage: true });
				steps = await target.plan(page, options.changes);
				changed = await changes(page, cdp, target, steps, options);
				// A page may draw its first view from a published summary and read Parquet only
				// when the view changes: the range proof covers the whole session.
				await new Promise((r) => setTimeout(r, 100));
				const parquet = proxy.served.filter((s) => s.path.endsWith('.parquet'));
				session = {
					requests: parquet.length,
					bytes: parquet.reduce((n, s) => n + s.bytes, 0),
					notRanged: parquet.filter(
						(s) => s.status !== 206 || s.range === null || !/^bytes=\d+-\d*$/.test(s.range)
					)
				};
			}
			loads.push(await load(page, cdp, proxy, target, 'warm'));
		} finally {
			await context.close();
		}
	}
	return { loads, changes: changed!, steps, session };
}
