/**
 * The budgets of issues 6 and 13, and how far each measured figure is from its own. Times are reported,
 * never enforced here: a shared machine's absolute times vary (bench/guard.ts enforces ratios).
 */
import type { AppJsSize } from './app-size.ts';
import type { Size } from './datasets.ts';
import type { PageResult } from './run.ts';

export interface BudgetCheck {
	budget: string;
	unit: 'ms' | 'bytes';
	value: number;
	limit: number;
	met: boolean;
	/** "met, 40% of the budget" or "over by 1.2 s (2.2×)". */
	distance: string;
	note?: string;
}

export const BUDGETS = {
	/** First KPI, cold load, at icb. */
	firstKpiMs: { icb: 1000 } as Partial<Record<Size, number>>,
	/** Every chart of the page drawn, cold load, at icb (issue 13: the waits page). */
	chartsDrawnMs: { icb: 2500 } as Partial<Record<Size, number>>,
	/** Filter change → all charts redrawn, p95: England, and its stand-in scaled up from the slice. */
	filterChangeP95Ms: { icb: 100, england: 250, 'england-x7': 250 } as Partial<Record<Size, number>>,
	/** Every client chunk of the app, gzip, the DuckDB worker excepted. */
	appJsGzipBytes: 300_000,
	/** A cold first load, everything but the engine (wasm and its worker). */
	firstLoadBeyondEngineBytes: 5_000_000
};

const kb = (b: number) => `${(b / 1000).toFixed(b < 10_000 ? 1 : 0)} KB`;
const mb = (b: number) => `${(b / 1e6).toFixed(2)} MB`;
const ms = (t: number) => (t >= 1000 ? `${(t / 1000).toFixed(2)} s` : `${t.toFixed(0)} ms`);
export const formatBytes = (b: number) => (b >= 1e6 ? mb(b) : kb(b));
export const formatMs = ms;

function check(
	budget: string,
	unit: BudgetCheck['unit'],
	value: number,
	limit: number,
	note?: string
): BudgetCheck {
	const f = unit === 'ms' ? ms : formatBytes;
	const met = value <= limit;
	const distance = met
		? `met, ${((100 * value) / limit).toFixed(0)}% of the budget`
		: `over by ${f(value - limit)} (${(value / limit).toFixed(1)}×)`;
	return { budget, unit, value, limit, met, distance, ...(note ? { note } : {}) };
}

export function appJsBudget(js: AppJsSize): BudgetCheck {
	return check('app JS, gzip, all routes', 'bytes', js.gzipBytes, BUDGETS.appJsGzipBytes);
}

export function pageBudgets(r: PageResult): BudgetCheck[] {
	const out: BudgetCheck[] = [];
	const kpi = BUDGETS.firstKpiMs[r.size];
	if (kpi !== undefined && r.cold.firstKpiMs !== null)
		out.push(check(`first KPI at ${r.size}, cold`, 'ms', r.cold.firstKpiMs, kpi));
	const charts = BUDGETS.chartsDrawnMs[r.size];
	if (charts !== undefined)
		out.push(check(`all charts drawn at ${r.size}, cold`, 'ms', r.cold.chartsDrawnMs, charts));
	const p95 = BUDGETS.filterChangeP95Ms[r.size];
	if (p95 !== undefined)
		out.push(
			check(
				`filter change p95 at ${r.size}`,
				'ms',
				r.changes.drawnMs.p95,
				p95,
				r.size === 'england-x7'
					? 'England here is the published England slice (one region, a year) copied to seven regions under new codes (bench/browser/scale-up.ts): every aggregate file, level, count and code list England would have, without the events behind them'
					: undefined
			)
		);
	out.push(
		check(
			`first load beyond the engine at ${r.size}, cold`,
			'bytes',
			r.cold.bytes.total - r.cold.bytes.engine,
			BUDGETS.firstLoadBeyondEngineBytes
		)
	);
	return out;
}
