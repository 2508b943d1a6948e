/**
 * Opens the published dataset in the browser: reads the manifest, then the columns each page
 * needs from the Parquet files (range requests; every provider's file of a table at once), into
 * one DuckDB-WASM table per published table, named as in the pipeline so the metric SQL from
 * src/lib/metrics runs unchanged.
 */
import type { QueryRows } from '../metrics/overview.ts';
import {
	DASHBOARD_TABLES,
	SUPPORTED_SCHEMA_VERSION,
	type DatasetManifest
} from '../dataset/schema.ts';
import { arrowTable } from './arrow-columns.ts';
import { engine } from './engine.ts';
import { readParquetParts } from './read-parquet.ts';

/** A problem with the dataset itself, said so that the person running the app can fix it. */
export class DatasetError extends Error {
	override name = 'DatasetError';
}

export interface OpenDataset {
	manifest: DatasetManifest;
	query: QueryRows;
	timings: { engineMs: number; loadMs: number };
}

async function fetchManifest(base: string): Promise<DatasetManifest> {
	let response: Response;
	try {
		response = await fetch(`${base}/manifest.json`, { cache: 'no-cache' });
	} catch {
		throw new DatasetError(
			'The server did not answer. Check that pathway-insight is still running.'
		);
	}
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

async function open(base: string): Promise<OpenDataset> {
	const began = performance.now();
	const manifest = await fetchManifest(base);
	const enginePromise = engine();
	const tables = await Promise.all(
		Object.entries(DASHBOARD_TABLES).map(async ([name, spec]) => {
			const entry = manifest.tables[name];
			if (!entry?.files?.length) {
				throw new DatasetError(`The dataset has no ${name} table: publish it again.`);
			}
			const columns = Object.keys(spec.columns);
			const parts = entry.files.map((f) => ({
				url: `${base}/${f.file}`,
				byteLength: f.bytes,
				footerBytes: f.footerBytes
			}));
			const data = await readParquetParts(parts, columns).catch((error: Error) => {
				throw new DatasetError(`The ${name} table could not be read: ${error.message}`);
			});
			return { name, table: arrowTable(data.columns, spec.columns) };
		})
	);
	const db = await enginePromise;
	for (const { name, table } of tables) await db.insertArrow(name, table);
	return {
		manifest,
		timings: { engineMs: db.readyMs, loadMs: performance.now() - began },
		async query(sql) {
			const table = await db.query(sql);
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
