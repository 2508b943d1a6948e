/**
 * What the bench runs inside the page. Times are taken there, with performance.now(), so that
 * Playwright's round trips to the browser add nothing to them.
 *
 * `waitFor(selectors)` resolves once every selector matches (checked on every DOM mutation) and
 * the frame that shows it has been painted: a requestAnimationFrame callback runs just before a
 * paint, and a task queued from it runs after that paint.
 */

/** Installed as an init script: `arg` is the page's selectors for its first view. */
export function instrument(arg: { ready: string[]; failed: string | null; timeoutMs: number }) {
	type Bench = {
		waitFor(selectors: string[], timeoutMs: number): Promise<number>;
		firstDrawn: Promise<number>;
		/** Main-thread tasks over 50 ms: how long the page could not answer a person. */
		longTasks: { count: number; totalMs: number; maxMs: number };
	};
	const painted = () =>
		new Promise<number>((resolve) =>
			requestAnimationFrame(() => setTimeout(() => resolve(performance.now()), 0))
		);
	const failure = () => {
		const el = arg.failed ? document.querySelector(arg.failed) : null;
		return el ? (el.textContent ?? '').replace(/\s+/g, ' ').trim() : null;
	};
	function waitFor(selectors: string[], timeoutMs: number): Promise<number> {
		return new Promise((resolve, reject) => {
			let done = false;
			let timer: ReturnType<typeof setTimeout> | undefined;
			const observer = new MutationObserver(() => check());
			function finish() {
				done = true;
				observer.disconnect();
				clearTimeout(timer);
			}
			function check() {
				if (done) return;
				const failed = failure();
				if (failed !== null) {
					finish();
					reject(new Error(`the page shows an error: ${failed}`));
				} else if (selectors.every((s) => document.querySelector(s))) {
					finish();
					painted().then(resolve);
				}
			}
			observer.observe(document, {
				subtree: true,
				childList: true,
				attributes: true,
				characterData: true
			});
			timer = setTimeout(() => {
				if (done) return;
				finish();
				reject(new Error(`not drawn within ${timeoutMs} ms: ${selectors.join(' and ')}`));
			}, timeoutMs);
			check();
		});
	}
	const bench: Bench = {
		waitFor,
		firstDrawn: waitFor(arg.ready, arg.timeoutMs).then((t) => {
			performance.mark('bench:charts-drawn');
			return t;
		}),
		longTasks: { count: 0, totalMs: 0, maxMs: 0 }
	};
	new PerformanceObserver((list) => {
		for (const e of list.getEntries()) {
			bench.longTasks.count++;
			bench.longTasks.totalMs += e.duration;
			bench.longTasks.maxMs = Math.max(bench.longTasks.maxMs, e.duration);
		}
	}).observe({ type: 'longtask', buffered: true });
	// Read later by page.evaluate; a rejection is reported there.
	bench.firstDrawn.catch(() => {});
	(globalThis as unknown as { __bench: Bench }).__bench = bench;
}

export interface ChangeTiming {
	/** From the change event to the new view drawn and painted. */
	drawnMs: number;
	/** From the change event to the page's view-ready mark (its queries answered). */
	dataMs: number | null;
}

/** Makes one change and times it to the new view drawn. Runs in the page. */
export async function changeAndTime(arg: {
	control: string;
	value: string;
	ready: string[];
	readyMark: string;
	timeoutMs: number;
}): Promise<ChangeTiming> {
	const bench = (
		globalThis as unknown as {
			__bench: { waitFor(s: string[], t: number): Promise<number> };
		}
	).__bench;
	const el = document.querySelector<HTMLSelectElement | HTMLInputElement>(arg.control);
	if (!el) throw new Error(`no ${arg.control} on the page`);
	const before = performance.getEntriesByName(arg.readyMark).length;
	const began = performance.now();
	el.value = arg.value;
	el.dispatchEvent(new Event('change', { bubbles: true }));
	const drawn = await bench.waitFor(arg.ready, arg.timeoutMs);
	const marks = performance.getEntriesByName(arg.readyMark);
	return {
		drawnMs: drawn - began,
		dataMs: marks.length > before ? marks[marks.length - 1].startTime - began : null
	};
}

export interface LoadTimes {
	/** Milliseconds since navigation of the first of each mark, or null. */
	marks: Record<string, number | null>;
	/** When the main thread's Parquet requests began and the last one ended (resource timing). */
	parquetFetch: { firstStartMs: number; lastEndMs: number } | null;
	longTasks: { count: number; totalMs: number; maxMs: number };
}

/** What the page recorded of its load, once drawn. Runs in the page. */
export function loadTimes(names: string[]): LoadTimes {
	const parquet = performance
		.getEntriesByType('resource')
		.filter((e) => new URL(e.name).pathname.endsWith('.parquet')) as PerformanceResourceTiming[];
	const bench = (globalThis as unknown as { __bench: { longTasks: LoadTimes['longTasks'] } })
		.__bench;
	return {
		marks: Object.fromEntries(
			names.map((n) => [n, performance.getEntriesByName(n, 'mark')[0]?.startTime ?? null])
		),
		parquetFetch: parquet.length
			? {
					firstStartMs: Math.min(...parquet.map((e) => e.startTime)),
					lastEndMs: Math.max(...parquet.map((e) => e.responseEnd))
				}
			: null,
		longTasks: { ...bench.longTasks }
	};
}
