#!/usr/bin/env node
/**
 * `npm run bench:guard`: the CI regression guard. Runs the browser bench at `small` (reusing
 * build/ when there is one) and fails only on gross regressions. Times are judged as ratios to
 * yardsticks measured in the same run on the same machine, never as absolute times, so a slow or
 * busy CI machine does not fail it; sizes are judged absolutely. Writes its figures to
 * bench/.cache/guard/ (browser.json, browser.md) for a CI job to keep.
 *
 *   node bench/guard.ts [--changes 30] [--loads 1]
 */
import { parseArgs } from 'node:util';
import { benchAndWrite, THINK_MS } from './browser.ts';
import { BUDGETS, formatBytes } from './browser/budgets.ts';
import type { BenchResult } from './browser/run.ts';

/**
 * The limits, chosen from what the bench measured at `small` on the 2-core development machine
 * (bench/results/browser.md) with at least 3× headroom over today's figures:
 *
 * - Filter change p95 (change event → redrawn) ≤ 40 × native DuckDB's p50 for the same views'
 *   SQL + 150 ms. Measured: p95 about 100 ms against a native p50 of about 8 ms (about 12×;
 *   WASM single-thread is 1–2.3× native for the SQL itself, PITFALLS.md, the rest is Svelte,
 *   navigation and paint). The limit is then about 470 ms, 4–5× today's p95. The fixed 150 ms
 *   covers work that does not scale with the SQL (navigation, rendering, a GC pause) so that a
 *   fast native baseline does not make the limit twitchy.
 * - All charts drawn on a cold load ≤ 5 × the time DuckDB-WASM took to start in the same load
 *   (measured 1.2–1.4×: at `small` the data is loaded while the engine compiles; both slow down
 *   together on a busy machine). Catches a first screen that waits for something new and slow;
 *   skipped if a page stops starting the engine on load.
 * - Parquet read by ranges (every Parquet request a 206 to a Range, fewer bytes than on disk):
 *   the bench itself fails without it.
 * - App JS ≤ 300 KB gzip and a cold first load ≤ 5 MB beyond the engine: sizes, not times, so
 *   the budgets themselves (measured 213 KB and 0.4 MB).
 */
export const GUARD = {
	filterChangeP95: { timesNativeP50: 40, plusMs: 150 },
	chartsDrawnTimesEngineReady: 5
};

export function guardFailures(result: BenchResult): string[] {
	const failures = [...result.failures];
	for (const b of result.budgets)
		if (!b.met) failures.push(`${b.budget}: ${formatBytes(b.value)}, ${b.distance}`);
	for (const size of result.sizes)
		for (const p of size.pages) {
			const where = `${p.page} at ${p.size}`;
			const { timesNativeP50, plusMs } = GUARD.filterChangeP95;
			const limit = timesNativeP50 * p.native.viewMs.p50 + plusMs;
			if (p.changes.drawnMs.p95 > limit)
				failures.push(
					`${where}: filter change p95 ${p.changes.drawnMs.p95.toFixed(0)} ms is over ` +
						`${timesNativeP50} × native p50 ${p.native.viewMs.p50.toFixed(1)} ms + ${plusMs} ms = ${limit.toFixed(0)} ms`
				);
			const engine = p.cold.engineReadyMs;
			const k = GUARD.chartsDrawnTimesEngineReady;
			if (engine !== null && p.cold.chartsDrawnMs > k * engine)
				failures.push(
					`${where}: all charts drawn at ${p.cold.chartsDrawnMs.toFixed(0)} ms on a cold load, over ` +
						`${k} × the engine's start ${engine.toFixed(0)} ms = ${(k * engine).toFixed(0)} ms`
				);
			const beyond = p.cold.bytes.total - p.cold.bytes.engine;
			if (beyond > BUDGETS.firstLoadBeyondEngineBytes)
				failures.push(
					`${where}: a cold load fetched ${formatBytes(beyond)} beyond the engine, over ${formatBytes(BUDGETS.firstLoadBeyondEngineBytes)}`
				);
		}
	return failures;
}

if (import.meta.main) {
	const { values } = parseArgs({
		options: {
			changes: { type: 'string', default: '30' },
			loads: { type: 'string', default: '1' }
		}
	});
	let result: BenchResult;
	try {
		result = await benchAndWrite({
			sizes: ['small'],
			changes: Number(values.changes),
			thinkMs: THINK_MS,
			loads: Number(values.loads),
			reuseBuild: true,
			out: 'bench/.cache/guard'
		});
	} catch (error) {
		process.stderr.write(
			`bench:guard: FAILED, the bench could not run: ${(error as Error).message}\n`
		);
		process.exit(1);
	}
	const failures = guardFailures(result);
	const page = result.sizes[0].pages
		.map(
			(p) =>
				`${p.page}: filter change p95 ${p.changes.drawnMs.p95.toFixed(0)} ms (native p50 ` +
				`${p.native.viewMs.p50.toFixed(1)} ms, ${p.ratio.drawnP95.toFixed(1)}×), charts drawn ` +
				`${p.cold.chartsDrawnMs.toFixed(0)} ms (engine ${p.cold.engineReadyMs?.toFixed(0) ?? '–'} ms)`
		)
		.join('; ');
	if (failures.length) {
		process.stderr.write(
			`bench:guard: FAILED, a gross regression (figures in bench/.cache/guard/browser.md):\n` +
				failures.map((f) => `  - ${f}\n`).join('')
		);
		process.exit(1);
	}
	process.stderr.write(
		`bench:guard: passed. ${page}; app JS ${formatBytes(result.appJs.gzipBytes)} gzip.\n`
	);
}
