/**
 * NHS England's published RTT statistics in the browser (a dataset of kind `rtt-published`, made
 * by `npm run import:rtt`): the month's waiting list at the level a view's filters need
 * (rtt-published.ts), loaded by range requests into the same engine as the local data, and
 * summarised by the same SQL as the metrics CLI. Served as the main dataset (`/data`) or as a
 * benchmark beside local data (`/data/benchmark`, `PATHWAY_INSIGHT_BENCHMARK`).
 */
import {
	DatasetError,
	NoDatasetError,
	openPublished,
	type PublishedVersion
} from '../dataset/published.ts';
import type { MetricFilters } from '../metrics/filters.ts';
import {
	RTT_LIST_TABLES,
	publishedBands,
	publishedUnknownClockStart,
	publishedWaitingList,
	rttListColumns
} from '../metrics/rtt-published.ts';
import { aggregateLevel, partitionValues, type AggregateLevel } from '../metrics/levels.ts';
import type { WaitingListSummaryRow } from '../metrics/waiting-list.ts';
import { ALL_DATES, LoadedTable, type LoadStats } from './dataset.ts';
import { engine } from './engine.ts';

/** The published month's list under one set of filters. */
export interface PublishedFigures {
	summary: WaitingListSummaryRow;
	/** Incomplete pathways with an unknown clock start: in no figure above. */
	unknownClockStart: number;
	/** The list by week band (bands with nobody left out). */
	bands: { week_band: number; pathways: number }[];
}

export interface PublishedRtt {
	version: PublishedVersion;
	/** `YYYY-MM`. */
	month: string;
	/** The month's last day: the census the figures are at. */
	asOf: string;
	/** The providers and commissioners the file holds (from its files), and its specialties. */
	providers: string[];
	commissioners: string[];
	/** The month's list under these filters (priority is not published: it is ignored). */
	figures(filters: MetricFilters): Promise<PublishedFigures>;
	/** The specialty codes the file reports (`110`, and groups such as `X02`). */
	specialties(): Promise<string[]>;
}

const partitions = (version: PublishedVersion, table: string) =>
	(version.manifest.tables[table]?.files ?? []).flatMap((f) => f.partition ?? []).sort();

async function openRtt(root: string): Promise<PublishedRtt> {
	const version = await openPublished(root);
	const { manifest } = version;
	if (manifest.kind !== 'rtt-published' || !manifest.month || !manifest.dataPeriod)
		throw new DatasetError(
			`The folder served under ${root} does not hold NHS England's published RTT statistics: publish one with npm run import:rtt.`
		);
	if (!manifest.tables[RTT_LIST_TABLES.national])
		throw new DatasetError(
			`The published RTT statistics under ${root} were imported by an older version: import the file again (npm run import:rtt).`
		);
	const stats: LoadStats = { rowGroups: 0, rows: 0 };
	const tables = new Map<AggregateLevel, LoadedTable>();
	const table = (level: AggregateLevel) => {
		let t = tables.get(level);
		if (!t) {
			t = new LoadedTable(
				RTT_LIST_TABLES[level],
				{ counts: ['pathways'], column: 'month_end', lane: `rtt ${level}` },
				rttListColumns(level),
				version.base,
				manifest,
				stats
			);
			tables.set(level, t);
		}
		return t;
	};
	const started = engine();
	const query = async (sql: string) =>
		(await (await started).query(sql)).toArray().map((r) => r.toJSON() as Record<string, unknown>);
	const month = manifest.month;
	const asOf = manifest.dataPeriod.to;
	return {
		version,
		month,
		asOf,
		providers: partitions(version, RTT_LIST_TABLES.provider),
		commissioners: partitions(version, RTT_LIST_TABLES.commissioner),
		async specialties() {
			await table('national').load(started, ALL_DATES.min, ALL_DATES.max, null);
			const rows = await query(
				`SELECT DISTINCT specialty_code AS code FROM ${RTT_LIST_TABLES.national} ORDER BY code`
			);
			return rows.map((r) => String(r.code));
		},
		async figures(filters) {
			const published: MetricFilters = { ...filters, priority: undefined };
			const level = aggregateLevel(published);
			const codes = level === 'national' ? null : partitionValues(level, published);
			await table(level).load(started, ALL_DATES.min, ALL_DATES.max, codes);
			const [[summary], [unknown], bands] = await Promise.all([
				query(publishedWaitingList(published)),
				query(publishedUnknownClockStart(published)),
				query(publishedBands(published))
			]);
			return {
				summary: summary as unknown as WaitingListSummaryRow,
				unknownClockStart: Number(unknown?.n ?? 0),
				bands: bands.map((b) => ({ week_band: Number(b.week_band), pathways: Number(b.pathways) }))
			};
		}
	};
}

const opening = new Map<string, Promise<PublishedRtt>>();

/** The published statistics served under `root`, opened once. */
export function openPublishedRtt(root = '/data'): Promise<PublishedRtt> {
	let o = opening.get(root);
	if (!o) {
		o = openRtt(root).catch((error) => {
			opening.delete(root);
			throw error;
		});
		opening.set(root, o);
	}
	return o;
}

/** Where the benchmark is served. */
export const BENCHMARK_ROOT = '/data/benchmark';

/**
 * The benchmark beside the local data, or null when the server has none (it answers 404 to
 * its manifest); a benchmark that cannot be read is an error, said as such.
 */
export async function openBenchmark(): Promise<PublishedRtt | null> {
	try {
		return await openPublishedRtt(BENCHMARK_ROOT);
	} catch (error) {
		if (error instanceof NoDatasetError) return null;
		throw error;
	}
}
