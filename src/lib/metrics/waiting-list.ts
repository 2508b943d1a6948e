import { filterConditions, type MetricFilters } from './filters.ts';
import { daysWaitedSql, LONG_WAIT_WEEKS, RTT_STANDARD_WEEKS, weekBandSql } from './rtt.ts';
import { sqlDate, sqlIdentifier, whereAll } from './sql.ts';

export interface WaitingListParams {
	/** Census date, `YYYY-MM-DD`. */
	asOf: string;
	filters?: MetricFilters;
	/** The pathway table (one row per RTT pathway); `pathways` unless told otherwise. */
	pathways?: string;
}

/** One row of {@link waitingListSummary}. `null` where the list is empty. */
export interface WaitingListSummaryRow {
	total: number;
	within_18_weeks_pct: number | null;
	over_52_weeks: number;
	over_65_weeks: number;
	over_78_weeks: number;
	over_104_weeks: number;
	median_weeks: number | null;
	p92_weeks: number | null;
}

/** One row of {@link waitingListByWeekBand}: band 0 is "0–1 weeks", band 104 is "104+". */
export interface WeekBandRow {
	week_band: number;
	pathways: number;
}

/**
 * Conditions for an RTT pathway on the waiting list at the census date `census` (a SQL date
 * expression): its clock started on or before the census and has not stopped on or before it
 * (docs/definitions.md "Waiting list at a census date"). An open clock is compared as stopping on
 * 9999-12-31, so that a join on a calendar of census dates is a plain range join.
 */
export function onWaitingListSql(census: string, alias?: string): string[] {
	const p = alias ? `${sqlIdentifier(alias)}.` : '';
	return [
		`${p}rtt`,
		`${p}clock_start <= ${census}`,
		`COALESCE(${p}clock_stop, DATE '9999-12-31') > ${census}`
	];
}

/** The pathways waiting at the census date, with their days waited and week band. */
function waitingCte({ asOf, filters, pathways = 'pathways' }: WaitingListParams): string {
	const census = sqlDate(asOf);
	const days = daysWaitedSql('clock_start', census);
	return `waiting AS (
  SELECT ${days} AS days_waited, ${weekBandSql(days)} AS week_band
  FROM ${sqlIdentifier(pathways)}
  ${whereAll([...onWaitingListSql(census), ...filterConditions(filters)])}
)`;
}

/**
 * The p-th percentile wait in weeks by NHS England's method: linear interpolation inside the
 * weekly band that holds it, b + (p·N − C(b)) / n(b) for the first band b with C(b) + n(b) ≥ p·N.
 * Compared in whole numbers (100·count ≥ pct·N) so 92% of 25 pathways is exactly 23. An
 * aggregate over a CTE with `week_band`, `n`, `below` (the count in lower bands) and `total`.
 */
export function percentileWeeksSql(pct: number): string {
	return `arg_min(week_band + (${pct} * total / 100.0 - below) / n, week_band)
    FILTER (WHERE 100 * (below + n) >= ${pct} * total)`;
}

/** Count of the list at or past `weeks` (band ≥ weeks, i.e. days ≥ 7 × weeks + 1). */
function overWeeksSql(weeks: number): string {
	return `COALESCE(SUM(CASE WHEN week_band >= ${weeks} THEN n ELSE 0 END), 0) AS over_${weeks}_weeks`;
}

/**
 * The summary of a waiting list from its band counts: the CTE `bands` (`week_band`, `n` as
 * DOUBLE) must come first. Shared by the pathway-level and the aggregate summaries, so they
 * cannot drift apart. Ends a `WITH` list: append it after `bands AS (…),`. With `key` (a column
 * of `bands`, such as `week_end`, or several), one row per value of it, in order; without, one
 * row.
 */
export function waitingListSummaryFromBandsSql(key?: string | readonly string[]): string {
	const keys = (key === undefined ? [] : typeof key === 'string' ? [key] : key).map(sqlIdentifier);
	const k = keys.length ? keys.join(', ') : null;
	const over = k ? `PARTITION BY ${k} ` : '';
	return `cumulative AS (
  SELECT ${k ? `${k}, ` : ''}week_band, n,
         SUM(n) OVER (${over}ORDER BY week_band ROWS UNBOUNDED PRECEDING) - n AS below,
         SUM(n) OVER (${over.trim()}) AS total
  FROM bands
)
SELECT${k ? `\n  ${k},` : ''}
  COALESCE(SUM(n), 0) AS total,
  CASE WHEN SUM(n) > 0
       THEN 100.0 * SUM(CASE WHEN week_band < ${RTT_STANDARD_WEEKS} THEN n ELSE 0 END) / SUM(n)
  END AS within_18_weeks_pct,
  ${LONG_WAIT_WEEKS.map(overWeeksSql).join(',\n  ')},
  ${percentileWeeksSql(50)} AS median_weeks,
  ${percentileWeeksSql(92)} AS p92_weeks
FROM cumulative${k ? `\nGROUP BY ${k}\nORDER BY ${k}` : ''}`;
}

/** The count in one NHS week band (band 0 is "0–1 weeks", 104 is "104+"). */
export interface BandCount {
	week_band: number;
	n: number;
}

/**
 * The p-th percentile wait in weeks of band counts in order of band, by the method of
 * {@link percentileWeeksSql} (the same arithmetic in the same order, so the two give the same
 * number to the last bit): null when nobody is counted.
 */
export function percentileWeeks(
	bands: readonly BandCount[],
	pct: number,
	total = bands.reduce((t, b) => t + b.n, 0)
): number | null {
	let below = 0;
	for (const { week_band, n } of bands) {
		if (n > 0 && 100 * (below + n) >= pct * total)
			return week_band + ((pct * total) / 100 - below) / n;
		below += n;
	}
	return null;
}

/**
 * The summary of a waiting list from its band counts in order of band, as
 * {@link waitingListSummaryFromBandsSql} works it out in SQL. The page works summaries out here,
 * from plain sums by band, because the engine in the browser spends ten milliseconds or more
 * on the window functions the SQL needs, however few the rows.
 */
export function summariseBands(bands: readonly BandCount[]): WaitingListSummaryRow {
	let total = 0;
	let within = 0;
	const over = LONG_WAIT_WEEKS.map(() => 0);
	for (const { week_band, n } of bands) {
		total += n;
		if (week_band < RTT_STANDARD_WEEKS) within += n;
		LONG_WAIT_WEEKS.forEach((w, i) => {
			if (week_band >= w) over[i] += n;
		});
	}
	const [over_52_weeks, over_65_weeks, over_78_weeks, over_104_weeks] = over;
	return {
		total,
		within_18_weeks_pct: total > 0 ? (100 * within) / total : null,
		over_52_weeks,
		over_65_weeks,
		over_78_weeks,
		over_104_weeks,
		median_weeks: percentileWeeks(bands, 50, total),
		p92_weeks: percentileWeeks(bands, 92, total)
	};
}

/**
 * Rows of (`key` columns…, `week_band`, `count`) grouped by key: each key's values (as in its
 * first row) and its band counts in order of band, keys in the order they come. Rows of one key
 * and band are added together (a key that leaves a column out, such as a census's rows by
 * priority summed over priority), so each band is counted once.
 */
export function groupBands(
	rows: readonly Record<string, unknown>[],
	keys: readonly string[],
	count = 'n'
): { key: Record<string, unknown>; bands: BandCount[] }[] {
	const groups = new Map<unknown, { key: Record<string, unknown>; bands: BandCount[] }>();
	for (const row of rows) {
		// One key's value as it is (a Map tells null from 'null'); several joined as text.
		const id =
			keys.length === 1
				? row[keys[0]]
				: keys.map((k) => `${typeof row[k]}:${row[k]}`).join('\u0000');
		let group = groups.get(id);
		if (!group) {
			group = { key: Object.fromEntries(keys.map((k) => [k, row[k]])), bands: [] };
			groups.set(id, group);
		}
		group.bands.push({ week_band: row.week_band as number, n: row[count] as number });
	}
	for (const g of groups.values()) {
		g.bands.sort((a, b) => a.week_band - b.week_band);
		g.bands = g.bands.reduce<BandCount[]>((merged, b) => {
			const last = merged.at(-1);
			if (last?.week_band === b.week_band) last.n += b.n;
			else merged.push({ ...b });
			return merged;
		}, []);
	}
	return [...groups.values()];
}

/**
 * Waiting list at a census date: size, % within 18 weeks, long waits, median and 92nd percentile.
 * One row, {@link WaitingListSummaryRow}.
 */
export function waitingListSummary(params: WaitingListParams): string {
	return `WITH ${waitingCte(params)},
bands AS (
  SELECT week_band, CAST(COUNT(*) AS DOUBLE) AS n FROM waiting GROUP BY week_band
),
${waitingListSummaryFromBandsSql()}`;
}

/** The waiting list at a census date by week band, bands with nobody omitted. */
export function waitingListByWeekBand(params: WaitingListParams): string {
	return `WITH ${waitingCte(params)}
SELECT week_band, CAST(COUNT(*) AS DOUBLE) AS pathways
FROM waiting
GROUP BY week_band
ORDER BY week_band`;
}
