/**
 * Opens the published dataset in the browser. First the manifest and `first-view.json` (the
 * default view of each page, worked out when the dataset was published), so a page can draw its
 * first figures at once. The query engine (DuckDB-WASM) starts beside them; a view that needs it
 * asks {@link OpenDataset.prepare} for its census, period and filters. Only the files of the
 * aggregate level those filters need (src/lib/metrics/levels.ts: one national file, or the chosen
 * provider's or commissioner's files) are opened, only the row groups that hold the view's weeks
 * are fetched (range requests), and they are added to the engine's tables, named as in the
 * pipeline so the metric SQL from src/lib/metrics runs unchanged.
 */
import type { FirstView } from '../metrics/first-view.ts';
import type { QueryRows } from '../metrics/overview.ts';
import type { FilterKey, MetricFilters } from '../metrics/filters.ts';
import {
	AGGREGATE_LEVELS,
	aggregateLevel,
	levelTable,
	partitionValues,
	type AggregateLevel
} from '../metrics/levels.ts';
import {
	aggregateSpec,
	LOADED_AGGREGATES,
	periodColumnOf,
	periodsToLoad,
	type LoadedAggregate,
	type StockReads,
	type ViewPeriod
} from '../metrics/aggregates.ts';
import {
	levelColumns,
	type ColumnType,
	type DatasetFile,
	type DatasetManifest
} from '../dataset/schema.ts';
import {
	DamagedFileError,
	DatasetError,
	fetchDocument,
	NO_ANSWER,
	openPublished,
	VersionGoneError,
	type PublishedVersion
} from '../dataset/published.ts';
import { periodCount } from '../metrics/cadence.ts';
import { sqlString } from '../metrics/sql.ts';
import { arrowFromFolded } from './arrow-columns.ts';
import { engine, type Engine } from './engine.ts';
import { decodeParquet } from './parquet-pool.ts';

export { DatasetError };

export interface LoadStats {
	/** Row groups fetched and added to the engine, over all tables. */
	rowGroups: number;
	rows: number;
}

export interface OpenDataset {
	/** The version of the dataset this page reads, whatever is published while it is open. */
	version: PublishedVersion;
	manifest: DatasetManifest;
	/** The default views, worked out at publishing; null for a dataset published without them. */
	firstView: FirstView | null;
	/**
	 * Why the published default views could not be used (`first-view.json` damaged), when they
	 * could not: the page says so, and works its figures out from the aggregates instead.
	 */
	firstViewProblem: string | null;
	/**
	 * Loads what a view of this census, period and filters needs (once; later calls for data
	 * already loaded return at once): of each aggregate of the period's cadence, its census or
	 * period, and of the stocks in `reads` every census of the period (`history`: a trend) or the
	 * census before too (`previous`).
	 */
	prepare(
		period: ViewPeriod,
		filters?: MetricFilters,
		aggregates?: readonly LoadedAggregate[],
		reads?: StockReads
	): Promise<void>;
	/**
	 * Loads every file of one level (every provider's, or every commissioner's) of these
	 * aggregates for the period: for a comparison of providers or commissioners side by side.
	 */
	prepareLevel(
		period: ViewPeriod,
		level: AggregateLevel,
		aggregates: readonly LoadedAggregate[],
		reads?: StockReads,
		/** Only these partitions of the level; absent: every one. */
		partitions?: readonly string[]
	): Promise<void>;
	/**
	 * When the provider and commissioner levels' rows for this census and period are few (a trust
	 * or an ICB, up to {@link PREFETCH_ROWS}), loads them all in the background once no view is
	 * loading, so that later changes of filter are answered without a fetch. For a region or
	 * England, where each provider or commissioner is loaded when a view first asks for it, it
	 * loads the organisations a view of `filters` likely leads to next (a chosen commissioner's
	 * own figures, its largest providers), one organisation at a time between views, within a
	 * bound on the rows it adds.
	 */
	prefetch(
		period: ViewPeriod,
		aggregates?: readonly LoadedAggregate[],
		reads?: StockReads,
		filters?: MetricFilters
	): Promise<void>;
	/**
	 * Loads one provider's rows of event-level tables (`pathways`, `appointments`, …) into the
	 * engine's tables of the same names, with these columns (the same for every call that names
	 * a table): every row group of the provider's file, only these columns' bytes, by range
	 * requests. Other providers' files are not read.
	 */
	prepareFacts(
		provider: string,
		specs: Readonly<Record<string, Readonly<Record<string, ColumnType>>>>
	): Promise<void>;
	/**
	 * The codes each filter can take, for a dataset published without `first-view.json`: the
	 * providers and commissioners from the manifest's files, the rest from the national level
	 * of the weeks loaded.
	 */
	options(period: ViewPeriod): Promise<Record<FilterKey, string[]>>;
	/** Runs SQL on the engine (start it with {@link prepare} first). */
	query: QueryRows;
	loaded: LoadStats;
}

/** `first-view.json`, or null when there is none, or why it cannot be used. */
async function fetchFirstView(
	version: PublishedVersion
): Promise<{ view: FirstView | null; problem: string | null }> {
	try {
		const view = await fetchDocument<FirstView>(version, 'first-view.json');
		return { view: view?.overview?.data?.metrics ? view : null, problem: null };
	} catch (error) {
		if (error instanceof VersionGoneError) throw error;
		return { view: null, problem: error instanceof Error ? error.message : String(error) };
	}
}

/**
 * What a failed read of a Parquet file means for the user: the server's refusal (damaged, 503;
 * version removed, 404), no answer, or a file the decoder could not read, which only a damaged
 * file (or one that is not Parquet) gives: said so, never as the decoder's own words.
 */
export function parquetFailure(file: string, error: Error & { status?: number }): DatasetError {
	if (error instanceof DatasetError) return error;
	if (error.status === 503)
		return new DamagedFileError(
			file,
			error.message || `The dataset file ${file} is damaged: publish the dataset again.`
		);
	if (error.status === 404)
		return new VersionGoneError(
			error.message ||
				'This dataset version is no longer on the server. Reload the page to see the current dataset.'
		);
	if (error.status === 0) return new DatasetError(NO_ANSWER);
	if (error.message === 'the Parquet worker stopped')
		return new DatasetError(
			`The ${file} file could not be read: ${error.message}. Reload the page.`
		);
	return new DamagedFileError(
		file,
		`The dataset file ${file} could not be read: it is damaged or is not a Parquet file (${error.message.split('\n')[0]}). No figure is drawn from it: publish the dataset again (npm run pipeline).`
	);
}

/** Prefetch the detailed levels when what a period needs of them is estimated at most this. */
export const PREFETCH_ROWS = 1_000_000;

/**
 * Above that, the organisations a view's next change likely needs are prefetched one by one,
 * until they have added this many times the limit (3M rows, some ten providers at England's
 * scale, a few hundred MB) over the session: the views a person asks for are loaded whatever.
 */
const NEIGHBOUR_ROWS_PER_LIMIT = 3;

/** The providers of a chosen commissioner prefetched, largest first. */
const NEIGHBOUR_PROVIDERS = 3;

/**
 * The prefetch limit: {@link PREFETCH_ROWS}, unless `localStorage['pathway-insight:prefetch-rows']`
 * says otherwise (the e2e tests set 0 to watch a small dataset load one provider at a time).
 */
function prefetchLimit(): number {
	const set = globalThis.localStorage?.getItem('pathway-insight:prefetch-rows');
	const n = set === null || set === undefined ? NaN : Number(set);
	return Number.isFinite(n) && n >= 0 ? n : PREFETCH_ROWS;
}

const SQL_TYPES: Record<ColumnType, string> = {
	string: 'VARCHAR',
	date: 'DATE',
	boolean: 'BOOLEAN',
	integer: 'INTEGER'
};

/**
 * How a table's files are read: its additive counts (rows alike in the rest are folded into
 * one), the DATE column whose row-group statistics pick the row groups a period needs, and the
 * Parquet worker that decodes them.
 */
export interface TableReading {
	counts: readonly string[];
	column: string;
	lane: string;
}

/** An aggregate's reading: its counts, its period column, a worker of its own. */
const aggregateReading = (aggregate: LoadedAggregate): TableReading => ({
	counts: aggregateSpec(aggregate).loads!.counts,
	column: periodColumnOf(aggregate),
	lane: aggregate
});

/**
 * The aggregates held by the second engine, whatever their level: a view's queries are split
 * between two engines that answer at once, on two cores. Each table is held by one engine only
 * (no row is held twice), and no query reads tables of both. The waits page's largest scans
 * (the list by each patient attribute, the waits of clock stops and first appointments) and the
 * overview's appointments are here; the list, its totals and the flows on the first engine.
 */
const SECOND_ENGINE = [
	'waiting_list_by_imd',
	'waiting_list_by_ethnicity',
	'waiting_list_by_age',
	'waiting_list_by_sex',
	'clock_stop_waits',
	'first_appointment_waits',
	'appointments_weekly'
];

/** The engine (0 or 1) that holds the table `name`: an aggregate at any level, or event-level. */
export function engineNumber(name: string): 0 | 1 {
	return SECOND_ENGINE.some((a) => name === a || name.startsWith(`${a}_`)) ? 1 : 0;
}

/** Every aggregate's table at every level. */
const KNOWN_TABLES: ReadonlySet<string> = new Set(
	LOADED_AGGREGATES.flatMap((a) => AGGREGATE_LEVELS.map((l) => levelTable(a, l)))
);

/** Identifiers in SQL that may name tables. */
const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_]*/g;

/**
 * The engine that answers `sql`: the one holding the tables it reads (the first engine when it
 * reads none). A query reading tables of both engines is a mistake in the page's SQL.
 */
export function engineForSql(sql: string): 0 | 1 {
	const used = new Set<0 | 1>();
	for (const [word] of sql.matchAll(IDENTIFIER))
		if (KNOWN_TABLES.has(word)) used.add(engineNumber(word));
	if (used.size > 1)
		throw new Error(
			`A query reads tables held by both engines (SECOND_ENGINE): ${sql.slice(0, 200)}`
		);
	return used.has(1) ? 1 : 0;
}

/** Answers kept by SQL (a view asks about ten questions). */
const MAX_ANSWERS = 400;

/** Dates that bound every row group: a table read whole. */
export const ALL_DATES = { min: '0001-01-01', max: '9999-12-31' };

/**
 * One table in the engine (an aggregate at one level, or an event-level table), and the row
 * groups of its files already added (the Parquet workers keep the files' footers). The table is
 * created empty first, so a view whose filters match no file (a provider with no rows in it)
 * finds it and counts nothing.
 */
export class LoadedTable {
	readonly name: string;
	readonly #reading: TableReading;
	readonly #spec: Record<string, ColumnType>;
	/** Each file's row groups already added, by URL. */
	readonly #loaded = new Map<string, Set<number>>();
	/** Files whose every row group has been added: never asked for again. */
	readonly #complete = new Set<string>();
	/**
	 * The date ranges already loaded of each file, by URL: a load inside one asks no worker
	 * (a change of view whose rows are in the engine waits on nothing but its queries).
	 */
	readonly #covered = new Map<string, { min: string; max: string }[]>();
	#created: Promise<unknown> | null = null;
	/** Rows added to the engine's table so far. */
	rowsLoaded = 0;
	/** Whether a load of every partition's files has been made (a whole level, for a comparison). */
	everyPartition = false;
	/**
	 * Each file's loads run one after another, so no row group is added twice; loads of other
	 * files (another provider's) do not wait for them.
	 */
	readonly #queues = new Map<string, Promise<void>>();
	readonly #base: string;
	readonly #manifest: DatasetManifest;
	readonly #stats: LoadStats;

	constructor(
		name: string,
		reading: TableReading,
		spec: Record<string, ColumnType>,
		base: string,
		manifest: DatasetManifest,
		stats: LoadStats
	) {
		this.name = name;
		this.#reading = reading;
		this.#spec = spec;
		this.#base = base;
		this.#manifest = manifest;
		this.#stats = stats;
	}

	/** The table's files holding these partitions (every file when it is kept in one). */
	#filesFor(partitions: readonly string[] | null): DatasetFile[] {
		const entry = this.#manifest.tables[this.name];
		if (!entry?.files?.length) {
			throw new DatasetError(`The dataset has no ${this.name} table: publish it again.`);
		}
		if (entry.partitionedBy === null || partitions === null) return entry.files;
		return entry.files.filter((f) => f.partition !== null && partitions.includes(f.partition));
	}

	/** Makes the engine's table, empty (once; again if making it failed). */
	create(db: Engine): Promise<unknown> {
		if (!this.#created) {
			const columns = Object.entries(this.#spec).map(([c, t]) => `${c} ${SQL_TYPES[t]}`);
			this.#created = db.query(`CREATE OR REPLACE TABLE ${this.name} (${columns.join(', ')})`);
			this.#created.catch(() => (this.#created = null));
		}
		return this.#created;
	}

	/** The file's partition as a column of the same value in every row, when the table keeps it. */
	#partitionColumn(f: DatasetFile): Record<string, string> {
		const by = this.#manifest.tables[this.name]?.partitionedBy;
		const column = by ? `${by}_code` : null;
		return column && column in this.#spec && f.partition !== null ? { [column]: f.partition } : {};
	}

	/**
	 * Adds the row groups of these partitions' files that may hold `min` to `max`. The files are
	 * fetched and decoded while the engine starts: only adding their rows waits for it.
	 */
	async load(
		engine: Promise<Engine>,
		min: string,
		max: string,
		partitions: readonly string[] | null
	): Promise<void> {
		const files = this.#filesFor(partitions);
		// The files are read while the table is made (if it is not made yet).
		const created = engine.then((db) => this.create(db));
		// Every file at once, each decoded in a Parquet worker (its footer, then its new row
		// groups in one range request), then added to the engine. The phases are measured
		// (performance entries `pathway-insight:load:<table>:…`) for npm run bench.
		const reads = files.map((f) => {
			const url = `${this.#base}/${f.file}`;
			const next = (this.#queues.get(url) ?? Promise.resolve()).then(() =>
				this.#loadFile(engine, created, f, url, min, max)
			);
			this.#queues.set(
				url,
				next.catch(() => {})
			);
			return next;
		});
		// Every read settles before a failure is reported, so no insert is left running.
		const failed = (await Promise.allSettled([created, ...reads])).find(
			(r) => r.status === 'rejected'
		);
		if (failed) throw (failed as PromiseRejectedResult).reason;
		if (partitions === null) this.everyPartition = true;
	}

	/** Adds the row groups of one file that may hold `min` to `max` and are not added yet. */
	async #loadFile(
		engine: Promise<Engine>,
		created: Promise<unknown>,
		f: DatasetFile,
		url: string,
		min: string,
		max: string
	): Promise<void> {
		if (this.#complete.has(url)) return;
		const covered = this.#covered.get(url) ?? [];
		if (covered.some((c) => c.min <= min && max <= c.max)) return;
		const sent = performance.now();
		const out = await decodeParquet(
			{
				url,
				byteLength: f.bytes,
				footerBytes: f.footerBytes,
				min,
				max,
				skip: [...(this.#loaded.get(url) ?? [])],
				types: this.#spec,
				counts: [...this.#reading.counts],
				column: this.#reading.column,
				// A period (more than a census and the one before it) needs most row groups of
				// a file: a small one comes whole, footer and all, in one request.
				whole: Date.parse(max) - Date.parse(min) > 31 * 86_400_000,
				constants: this.#partitionColumn(f)
			},
			// Each aggregate's files go to its own Parquet worker.
			this.#reading.lane
		).catch((error: Error) => {
			throw parquetFailure(f.file, error);
		});
		const cover = () => void this.#covered.set(url, [...covered, { min, max }]);
		if (!out.folded) return cover();
		performance.measure(
			`pathway-insight:load:${this.name}:read ${out.rows} rows to ${out.folded.length} (open ${out.ms.open.toFixed(0)}, fetch ${out.ms.fetch.toFixed(0)}, decode ${out.ms.decode.toFixed(0)} ms)`,
			{ start: sent }
		);
		const arrow = arrowFromFolded(out.folded, this.#spec);
		await created;
		const db = await engine;
		const inserting = performance.now();
		await db.insertArrow(this.name, arrow, false);
		performance.measure(`pathway-insight:load:${this.name}:insert`, { start: inserting });
		const loaded = this.#loaded.get(url) ?? new Set<number>();
		for (const g of out.groups) loaded.add(g);
		this.#loaded.set(url, loaded);
		if (loaded.size >= out.totalGroups) this.#complete.add(url);
		cover();
		this.#stats.rowGroups += out.groups.length;
		this.#stats.rows += out.rows;
		this.rowsLoaded += out.rows;
	}
}

async function open(root: string): Promise<OpenDataset> {
	const version = await openPublished(root);
	const { manifest, base } = version;
	if (manifest.kind === 'rtt-published') {
		throw new DatasetError(
			`The published dataset holds NHS England's RTT statistics for ${manifest.month ?? 'one month'} (npm run import:rtt), counts by week band and no events: this page needs a dataset published from an event extract (npm run pipeline).`
		);
	}
	const { dataPeriod } = manifest;
	if (!dataPeriod) {
		throw new DatasetError(
			'The published dataset holds no events, so there is nothing to show: publish a dataset from an extract with events (npm run pipeline).'
		);
	}
	const { view: firstView, problem: firstViewProblem } = await fetchFirstView(version);
	const loaded: LoadStats = { rowGroups: 0, rows: 0 };
	const tables = new Map<string, LoadedTable>();
	const table = (aggregate: LoadedAggregate, level: AggregateLevel) => {
		const name = levelTable(aggregate, level);
		let t = tables.get(name);
		if (!t) {
			t = new LoadedTable(
				name,
				aggregateReading(aggregate),
				levelColumns(aggregate, level),
				base,
				manifest,
				loaded
			);
			tables.set(name, t);
		}
		return t;
	};
	// The event-level tables loaded, by name (one provider's files at a time, as asked).
	const facts = new Map<string, LoadedTable>();
	// Started now, each in its worker, while the page draws the first view; the second once the
	// first is up, so that its wasm comes from the HTTP cache, compiled once.
	const engines = [engine(0), engine(0).then(() => engine(1))] as const;
	for (const e of engines) e.catch(() => {});
	const engineOf = (table: string) => engines[engineNumber(table)];
	const run: QueryRows = async (sql) => {
		const db = await engines[engineForSql(sql)];
		const sent = performance.now();
		const result = await db.query(sql);
		const rows = result.toArray().map((row) => row.toJSON() as Record<string, unknown>);
		// For npm run bench: each query's time in the engine, queueing included, with its start.
		performance.measure(`pathway-insight:query:${sql.replace(/\s+/g, ' ').slice(0, 120)}`, {
			start: sent
		});
		return rows;
	};
	// Answers by SQL while the tables it reads hold the same rows (a new view often asks some of
	// the last one's questions again: a comparison sets aside the filter it compares by, so a
	// provider's first view, which loads that provider's rows, keeps the comparison's answers).
	const answers = new Map<string, { rows: string; answer: Promise<Record<string, unknown>[]> }>();
	const rowsRead = (sql: string) => {
		const read = new Set<string>();
		for (const [word] of sql.matchAll(IDENTIFIER)) {
			const t = tables.get(word) ?? facts.get(word);
			if (t) read.add(`${word} ${t.rowsLoaded}`);
		}
		return [...read].join(',');
	};
	const query: QueryRows = (sql) => {
		const rows = rowsRead(sql);
		const kept = answers.get(sql);
		if (kept && kept.rows === rows) return kept.answer.then((rows) => [...rows]);
		const answer = run(sql);
		answers.delete(sql);
		answers.set(sql, { rows, answer });
		if (answers.size > MAX_ANSWERS) answers.delete(answers.keys().next().value!);
		answer.catch(() => {
			if (answers.get(sql)?.answer === answer) answers.delete(sql);
		});
		return answer.then((rows) => [...rows]);
	};
	const aggregates = LOADED_AGGREGATES;
	// Every level's table is made, empty, as soon as the engine is up: a view's first drill-down
	// then waits on its files alone.
	for (const a of aggregates)
		for (const l of AGGREGATE_LEVELS) {
			const t = table(a, l);
			engineOf(t.name)
				.then((db) => t.create(db))
				.catch(() => {});
		}
	/** Loads the aggregates at one level for a period: every file, or these partitions'. */
	const loadLevel = async (
		period: ViewPeriod,
		level: AggregateLevel,
		partitions: readonly string[] | null,
		names: readonly LoadedAggregate[],
		reads: StockReads
	) => {
		await Promise.all(
			names.map((aggregate) => {
				const range = periodsToLoad(aggregate, period, reads);
				const t = table(aggregate, level);
				return range && t.load(engineOf(t.name), range.min, range.max, partitions);
			})
		);
	};
	// Views being loaded for: the prefetch waits while there are any.
	let active = 0;
	let waiting: (() => void)[] = [];
	const quiet = () =>
		active === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiting.push(resolve));
	const prepare = async (
		period: ViewPeriod,
		filters: MetricFilters = {},
		names: readonly LoadedAggregate[] = aggregates,
		reads: StockReads = {}
	) => {
		active++;
		try {
			const level = aggregateLevel(filters);
			await loadLevel(
				period,
				level,
				level === 'national' ? null : partitionValues(level, filters),
				names,
				reads
			);
		} finally {
			if (--active === 0) {
				const ready = waiting;
				waiting = [];
				for (const resolve of ready) resolve();
			}
		}
	};
	/**
	 * The rows the detailed levels hold for what a period reads: each aggregate's rows at those
	 * levels, times the share of the data's censuses (or periods) the period reads of it.
	 */
	const detailedRows = (
		period: ViewPeriod,
		names: readonly LoadedAggregate[],
		reads: StockReads
	) => {
		return names.reduce((sum, aggregate) => {
			const range = periodsToLoad(aggregate, period, reads);
			const cadence = aggregateSpec(aggregate).cadence;
			const all = periodCount(cadence, dataPeriod.from, dataPeriod.to);
			if (!range || !all) return sum;
			const share = periodCount(cadence, range.min, range.max) / all;
			const rows = (['provider', 'commissioner'] as const).reduce(
				(n, level) => n + (manifest.tables[levelTable(aggregate, level)]?.rows ?? 0),
				0
			);
			return sum + rows * share;
		}, 0);
	};
	const partitionsOf = (name: string) =>
		[...new Set((manifest.tables[name]?.files ?? []).flatMap((f) => f.partition ?? []))].sort();
	/**
	 * The providers that serve a commissioner, most pathways first, from a provider level
	 * already loaded for every provider (a comparison's): none when no such table is loaded.
	 */
	const providersOf = async (commissioner: string, names: readonly LoadedAggregate[]) => {
		const whole = names
			.map((a) => ({ a, t: tables.get(levelTable(a, 'provider')) }))
			.find(({ a, t }) => t?.everyPartition && 'commissioner_code' in levelColumns(a, 'provider'));
		if (!whole) return [];
		const count = aggregateSpec(whole.a).loads!.counts[0];
		const rows = await query(
			`SELECT provider_code AS code, SUM(${count}) AS n FROM ${whole.t!.name} WHERE commissioner_code = ${sqlString(commissioner)} AND provider_code IS NOT NULL GROUP BY 1 ORDER BY n DESC, code LIMIT ${NEIGHBOUR_PROVIDERS}`
		);
		return rows.map((r) => String(r.code));
	};
	/**
	 * The organisations a person is likeliest to look at next from a view of these filters, at
	 * the level each is read at: with a provider and a commissioner chosen, the commissioner
	 * alone (the provider cleared); with a commissioner chosen, the providers that serve it.
	 */
	const neighbours = async (
		filters: MetricFilters,
		names: readonly LoadedAggregate[]
	): Promise<[AggregateLevel, string][]> => {
		// One commissioner chosen: several is a comparison of its own.
		const commissioners = partitionValues('commissioner', filters);
		if (commissioners.length !== 1) return [];
		const [commissioner] = commissioners;
		const providers = partitionValues('provider', filters);
		const next: [AggregateLevel, string][] = providers.length
			? [['commissioner', commissioner]]
			: [];
		for (const code of await providersOf(commissioner, names))
			if (!providers.includes(code)) next.push(['provider', code]);
		return next;
	};
	/** Rows the prefetch of likely next organisations has added (to a bound). */
	let neighbourRows = 0;
	// Each prefetch supersedes the last: a loop still loading for an older view stops.
	let generation = 0;
	const prefetchPeriod = async (
		period: ViewPeriod,
		names: readonly LoadedAggregate[],
		reads: StockReads,
		filters: MetricFilters,
		mine: number
	) => {
		await loadLevel(period, 'national', null, names, reads);
		const limit = prefetchLimit();
		if (detailedRows(period, names, reads) <= limit) {
			// Every file of each level in one load: decoding them together is quicker than one
			// provider at a time, which made the bench's changes of filter wait on the main thread.
			await quiet();
			for (const level of ['provider', 'commissioner'] as const)
				await loadLevel(period, level, null, names, reads);
			return;
		}
		// A region or England: too many rows to hold every organisation's. The view's likeliest
		// next ones are loaded instead, one organisation at a time (its tables together, as a
		// view of it would) while no view is loading, until they have added a bound of rows.
		for (const [level, code] of await neighbours(filters, names)) {
			await quiet();
			if (mine !== generation || neighbourRows > NEIGHBOUR_ROWS_PER_LIMIT * limit) return;
			const before = loaded.rows;
			await loadLevel(period, level, [code], names, reads);
			neighbourRows += loaded.rows - before;
		}
	};
	let prefetching: Promise<void> = Promise.resolve();
	const prefetch = (
		period: ViewPeriod,
		names: readonly LoadedAggregate[] = aggregates,
		reads: StockReads = {},
		filters: MetricFilters = {}
	) => {
		const mine = ++generation;
		prefetching = prefetching
			.then(() => prefetchPeriod(period, names, reads, filters, mine))
			.catch(() => {});
		return prefetching;
	};
	return {
		version,
		manifest,
		firstView,
		firstViewProblem,
		loaded,
		prepare,
		prepareLevel: (period, level, names, reads = {}, partitions) =>
			loadLevel(period, level, partitions ?? null, names, reads),
		prefetch,
		async prepareFacts(provider, specs) {
			await Promise.all(
				Object.entries(specs).map(([name, spec]) => {
					let t = facts.get(name);
					if (!t) {
						const column = Object.keys(spec).find((c) => spec[c] === 'date');
						if (!column) throw new Error(`${name}: an event-level table is read by a date column`);
						t = new LoadedTable(
							name,
							{ counts: [], column, lane: `facts ${name}` },
							spec,
							base,
							manifest,
							loaded
						);
						facts.set(name, t);
					}
					return t.load(engineOf(name), ALL_DATES.min, ALL_DATES.max, [provider]);
				})
			);
		},
		query,
		async options(period) {
			await prepare(period);
			const national = levelTable('clock_flows_weekly', 'national');
			const [specialty, priority] = await Promise.all(
				(['specialty_code', 'priority'] as const).map(async (column) =>
					(
						await query(
							`SELECT DISTINCT ${column} AS value FROM ${national} WHERE ${column} IS NOT NULL ORDER BY value`
						)
					).map((r) => String(r.value))
				)
			);
			return {
				provider: partitionsOf('clock_flows_weekly'),
				commissioner: partitionsOf(levelTable('clock_flows_weekly', 'commissioner')),
				specialty,
				priority
			};
		}
	};
}

let opening: Promise<OpenDataset> | null = null;

/** The dataset served under `root` (the version current when the page opened), opened once and shared. */
export function openDataset(root = '/data'): Promise<OpenDataset> {
	opening ??= open(root).catch((error) => {
		opening = null;
		throw error;
	});
	return opening;
}
