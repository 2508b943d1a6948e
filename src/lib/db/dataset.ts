/**
 * Opens the published dataset in the browser. First the manifest and `first-view.json` (the
 * default view of each page, worked out when the dataset was published), so a page can draw its
 * first figures at once. The query engine (DuckDB-WASM) starts beside them; a view that needs it
 * asks {@link OpenDataset.prepare} for its weeks, and only the row groups of the weekly aggregates
 * that hold those weeks are fetched (range requests) and added to the engine's tables, named as in
 * the pipeline so the metric SQL from src/lib/metrics runs unchanged.
 */
import type { FirstView, OverviewPeriod } from '../metrics/overview-view.ts';
import type { QueryRows } from '../metrics/overview.ts';
import {
	DASHBOARD_TABLES,
	SUPPORTED_SCHEMA_VERSION,
	type DashboardTable,
	type DatasetManifest
} from '../dataset/schema.ts';
import { arrowTable } from './arrow-columns.ts';
import { engine, type Engine } from './engine.ts';
import {
	openParquet,
	readRowGroups,
	rowGroupsOverlapping,
	type OpenParquet
} from './read-parquet.ts';

/** A problem with the dataset itself, said so that the person running the app can fix it. */
export class DatasetError extends Error {
	override name = 'DatasetError';
}

export interface LoadStats {
	/** Row groups fetched and added to the engine, over all tables. */
	rowGroups: number;
	rows: number;
}

export interface OpenDataset {
	manifest: DatasetManifest;
	/** The default views, worked out at publishing; null for a dataset published without them. */
	firstView: FirstView | null;
	/** Loads what a view of this census and period needs (once; later calls return at once). */
	prepare(period: OverviewPeriod): Promise<void>;
	/** Runs SQL on the engine (start it with {@link prepare} first). */
	query: QueryRows;
	/** The engine, started when the dataset opened. */
	engine(): Promise<Engine>;
	loaded: LoadStats;
}

async function fetchJson(url: string): Promise<Response> {
	try {
		return await fetch(url, { cache: 'no-cache' });
	} catch {
		throw new DatasetError(
			'The server did not answer. Check that pathway-insight is still running.'
		);
	}
}

async function fetchManifest(base: string): Promise<DatasetManifest> {
	const response = await fetchJson(`${base}/manifest.json`);
	if (response.status === 404) {
		throw new DatasetError(
			'No dataset is published here yet. Run the pipeline (npm run pipeline) into the folder this server reads (PATHWAY_INSIGHT_DATA).'
		);
	}
	if (!response.ok)
		throw new DatasetError(`The dataset manifest could not be read (HTTP ${response.status}).`);
	const manifest = (await response.json().catch(() => null)) as DatasetManifest | null;
	if (!manifest || typeof manifest.schemaVersion !== 'number' || !manifest.tables) {
		throw new DatasetError('The dataset manifest is damaged: publish the dataset again.');
	}
	if (manifest.schemaVersion !== SUPPORTED_SCHEMA_VERSION) {
		throw new DatasetError(
			`The dataset has schema version ${manifest.schemaVersion}; this dashboard reads version ${SUPPORTED_SCHEMA_VERSION}. Publish it again with this version's pipeline.`
		);
	}
	return manifest;
}

/** `first-view.json`, or null when it is missing or unreadable (the engine then answers). */
async function fetchFirstView(base: string): Promise<FirstView | null> {
	const response = await fetchJson(`${base}/first-view.json`).catch(() => null);
	if (!response?.ok) return null;
	const view = (await response.json().catch(() => null)) as FirstView | null;
	return view?.overview?.data?.metrics ? view : null;
}

/** The weeks (by `week_end`) each table must hold for a view of this census and period. */
function weeksNeeded(table: DashboardTable, { asOf, from, to }: OverviewPeriod) {
	return table === 'waiting_list_weekly' ? { min: asOf, max: asOf } : { min: from, max: to };
}

/** One aggregate table in the engine: its files' footers, and the row groups already added. */
class LoadedTable {
	readonly name: DashboardTable;
	#files: Promise<OpenParquet[]> | null = null;
	#loaded = new Set<string>();
	#created = false;
	/** Loads run one after another, so no row group is added twice. */
	#queue: Promise<void> = Promise.resolve();
	readonly #base: string;
	readonly #manifest: DatasetManifest;
	readonly #stats: LoadStats;

	constructor(name: DashboardTable, base: string, manifest: DatasetManifest, stats: LoadStats) {
		this.name = name;
		this.#base = base;
		this.#manifest = manifest;
		this.#stats = stats;
	}

	#open(): Promise<OpenParquet[]> {
		this.#files ??= (async () => {
			const entry = this.#manifest.tables[this.name];
			if (!entry?.files?.length) {
				throw new DatasetError(`The dataset has no ${this.name} table: publish it again.`);
			}
			return Promise.all(
				entry.files.map((f) =>
					openParquet({
						url: `${this.#base}/${f.file}`,
						byteLength: f.bytes,
						footerBytes: f.footerBytes
					})
				)
			);
		})().catch((error: Error) => {
			this.#files = null;
			throw error instanceof DatasetError
				? error
				: new DatasetError(`The ${this.name} table could not be read: ${error.message}`);
		});
		return this.#files;
	}

	load(db: Engine, min: string, max: string): Promise<void> {
		const next = this.#queue.then(() => this.#load(db, min, max));
		this.#queue = next.catch(() => {});
		return next;
	}

	async #load(db: Engine, min: string, max: string): Promise<void> {
		const spec = DASHBOARD_TABLES[this.name].columns;
		const columns = Object.keys(spec);
		for (const parquet of await this.#open()) {
			const wanted = rowGroupsOverlapping(parquet.metadata, 'week_end', min, max).filter(
				(g) => !this.#loaded.has(`${parquet.url}#${g}`)
			);
			// The first load creates the table even when no row group matches, so queries find it.
			if (wanted.length === 0 && this.#created) continue;
			const data = await readRowGroups(parquet, wanted, columns).catch((error: Error) => {
				throw new DatasetError(`The ${this.name} table could not be read: ${error.message}`);
			});
			await db.insertArrow(this.name, arrowTable(data.columns, spec), !this.#created);
			this.#created = true;
			for (const g of wanted) this.#loaded.add(`${parquet.url}#${g}`);
			this.#stats.rowGroups += wanted.length;
			this.#stats.rows += data.rows;
		}
	}
}

async function open(base: string): Promise<OpenDataset> {
	const [manifest, firstView] = await Promise.all([fetchManifest(base), fetchFirstView(base)]);
	const loaded: LoadStats = { rowGroups: 0, rows: 0 };
	const tables = (Object.keys(DASHBOARD_TABLES) as DashboardTable[]).map(
		(name) => new LoadedTable(name, base, manifest, loaded)
	);
	// Started now, in its worker, while the page draws the first view.
	const started = engine();
	started.catch(() => {});
	return {
		manifest,
		firstView,
		loaded,
		engine: () => started,
		async prepare(period) {
			const db = await started;
			await Promise.all(
				tables.map((t) => {
					const { min, max } = weeksNeeded(t.name, period);
					return t.load(db, min, max);
				})
			);
		},
		async query(sql) {
			const table = await (await started).query(sql);
			return table.toArray().map((row) => row.toJSON() as Record<string, unknown>);
		}
	};
}

let opening: Promise<OpenDataset> | null = null;

/** The dataset served under `base`, opened once and shared. */
export function openDataset(base = '/data'): Promise<OpenDataset> {
	opening ??= open(base).catch((error) => {
		opening = null;
		throw error;
	});
	return opening;
}
