import { describe, expect, it } from 'vitest';
import { overviewPeriod, overviewView, waitsPeriod, waitsView } from '../metrics/index.ts';
import type { MetricFilters } from '../metrics/filters.ts';
import type { PageView } from '../metrics/page-queries.ts';
import { engineForSql, engineNumber } from './dataset.ts';

/** The SQL a page runs for a view, answered with no rows. */
async function sqlOf(run: (query: (sql: string) => Promise<never[]>) => Promise<unknown>) {
	const asked: string[] = [];
	// The overview's figures need rows to be worked out: its questions are asked all the same.
	await run(async (sql) => {
		asked.push(sql);
		return [];
	}).catch(() => {});
	return asked;
}

const VIEWS: MetricFilters[] = [
	{},
	{ provider: ['RK9'] },
	{ commissioner: ['15N'] },
	{ specialty: ['110'], priority: ['urgent'] }
];

/** The waits page weekly, monthly, and comparing specialties. */
const PAGE_VIEWS: PageView[] = [
	{},
	{ settings: { cadence: 'month' } },
	{ settings: { compare: 'specialty' } }
];

describe('two engines', () => {
	it('holds each aggregate, at every level, in one engine', () => {
		expect(engineNumber('waiting_list_weekly_national')).toBe(0);
		expect(engineNumber('waiting_list_totals_monthly_commissioner')).toBe(0);
		expect(engineNumber('clock_flows_weekly')).toBe(0);
		expect(engineNumber('waiting_list_by_imd_weekly')).toBe(1);
		expect(engineNumber('waiting_list_by_sex_monthly_national')).toBe(1);
		expect(engineNumber('clock_stop_waits_weekly_commissioner')).toBe(1);
		expect(engineNumber('appointments_weekly_national')).toBe(1);
		// The event-level tables (long waiters) stay on the first.
		expect(engineNumber('appointments')).toBe(0);
		expect(engineNumber('pathways')).toBe(0);
	});

	it('sends a query to the engine holding its tables, and refuses one that reads both', () => {
		expect(engineForSql('SELECT 1')).toBe(0);
		expect(engineForSql('SELECT * FROM waiting_list_weekly_national')).toBe(0);
		expect(engineForSql('SELECT * FROM clock_stop_waits_weekly WHERE x = 1')).toBe(1);
		expect(() =>
			engineForSql(
				'SELECT * FROM waiting_list_weekly UNION ALL SELECT * FROM waiting_list_by_age_weekly'
			)
		).toThrow(/both engines/);
	});

	it("answers every query of the waits page and the overview on one engine, and splits the waits page's over both", async () => {
		for (const filters of VIEWS) {
			for (const view of PAGE_VIEWS) {
				const waits = await sqlOf((q) =>
					waitsView(q, waitsPeriod('2025-11-30', view), filters, view)
				);
				const engines = waits.map((sql) => engineForSql(sql));
				expect(new Set(engines)).toEqual(new Set([0, 1]));
			}
			const overview = await sqlOf((q) => overviewView(q, overviewPeriod('2025-11-30'), filters));
			expect(overview.length).toBeGreaterThan(2);
			for (const sql of overview) expect(() => engineForSql(sql)).not.toThrow();
		}
	});
});
