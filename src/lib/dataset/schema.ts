/**
 * The published dataset as the dashboard reads it (schema version 4): the manifest, and which
 * columns of which table each page needs, with their types. The pipeline writes these columns
 * (data-pipelines/sql, src/lib/metrics for the aggregates); a test keeps the two in step.
 *
 * Layout (version 4):
 * - event-level tables, one Parquet file per provider: `pathways/provider=RBD/pathways.parquet`,
 *   `appointments/provider=RBD/appointments.parquet`, `stage_intervals/provider=RBD/…`,
 *   `pathway_reviews/provider=RBD/…`;
 *   a table with no rows at all is one empty file, `pathways/pathways.parquet`, with no provider;
 * - weekly aggregates at three levels (src/lib/metrics/levels.ts): one file per provider,
 *   `aggregates/waiting_list_weekly/provider=RBD/waiting_list_weekly.parquet`; one per
 *   commissioner, `aggregates/waiting_list_weekly_commissioner/commissioner=15N/…`; and one
 *   national file, `aggregates/waiting_list_weekly_national.parquet`;
 * - `manifest.json` lists every Parquet file with its partition, rows, bytes, footer length and
 *   SHA-256, and every other served file (`documents`) with its bytes and SHA-256;
 *   `manifest.sha256` beside it holds the manifest's own, as `sha256sum` writes it.
 * Every Parquet file is ZSTD, sorted by the filter columns (provider, commissioner, specialty,
 * priority) and then a unique key, so a re-run on the same input writes the same bytes.
 */

import { loadedColumns, type ColumnType, type LoadedAggregate } from '../metrics/aggregates.ts';
import { DIMENSION_COLUMNS } from '../metrics/filters.ts';
import { LEVEL_DIMENSIONS, type AggregateLevel } from '../metrics/levels.ts';

export type { ColumnType };

/**
 * The columns the dashboard reads of an aggregate at a level, with their types: those the
 * registry says it loads (src/lib/metrics/aggregates.ts), less the filter columns the level sums
 * away.
 */
export function levelColumns(
	aggregate: LoadedAggregate,
	level: AggregateLevel
): Record<string, ColumnType> {
	const dropped = DIMENSION_COLUMNS.filter((c) => !LEVEL_DIMENSIONS[level].includes(c));
	return Object.fromEntries(
		Object.entries(loadedColumns(aggregate)).filter(([c]) => !dropped.includes(c))
	);
}

/** One Parquet file of a published table. */
export interface DatasetFile {
	/** Path inside the dataset folder, `/`-separated: `pathways/provider=RBD/pathways.parquet`. */
	file: string;
	/**
	 * The provider (or commissioner, by the table's `partitionedBy`) whose rows the file holds;
	 * null for a table kept in one file, or for the file of rows with no code
	 * (`commissioner=unknown`), which no filter reads.
	 */
	partition: string | null;
	rows: number;
	bytes: number;
	/**
	 * Bytes at the end of the file that hold its Parquet footer (the metadata, its length and
	 * `PAR1`), so a reader fetches the footer in one range request and nothing else with it.
	 */
	footerBytes: number;
	sha256: string;
}

/**
 * A served file of a published dataset that is not Parquet (`first-view.json`, `reference.json`,
 * `quality.json`, `run-report.json`): its size and checksum, checked by the server as the
 * Parquet files are. The manifest itself is checked against `manifest.sha256` beside it.
 */
export interface DatasetDocument {
	file: string;
	bytes: number;
	sha256: string;
}

/** A published table: its files (one per provider for event-level tables) and their totals. */
export interface DatasetTable {
	/** `facts`: one row per pathway, appointment or stage; `aggregate`: weekly additive counts. */
	kind: 'facts' | 'aggregate';
	/** `provider` or `commissioner` when there is one file per code; null for a single file. */
	partitionedBy: 'provider' | 'commissioner' | null;
	rows: number;
	bytes: number;
	files: DatasetFile[];
}

/** The manifest the pipeline writes beside the Parquet (data-pipelines/pipeline/publish.ts). */
export interface DatasetManifest {
	/**
	 * What the dataset holds: `events` (absent in older manifests), published by the pipeline
	 * from an event extract; or `rtt-published`, NHS England's monthly RTT statistics for one
	 * month (`npm run import:rtt`), which hold counts by week band, not pathways.
	 */
	kind?: 'events' | 'rtt-published';
	/** For `rtt-published`: the month, `YYYY-MM`. */
	month?: string;
	schemaVersion: number;
	contractVersion: number;
	builtAt: string;
	extractDate: string;
	dataPeriod: { from: string; to: string } | null;
	tables: Record<string, DatasetTable>;
	/** Every other file the server may serve, with its checksum. */
	documents: DatasetDocument[];
	pseudonymisation: { method: string; demoKey: boolean };
	source: { files: string[]; rowsRead: number; rowsAccepted: number };
}

/** The layout version this dashboard reads; the pipeline writes the same (publish.ts). */
export const SUPPORTED_SCHEMA_VERSION = 4;
