/**
 * The published dataset as the dashboard reads it (schema version 1): which columns of which
 * Parquet file each page needs, and their types. The pipeline writes these columns
 * (data-pipelines/sql); a test keeps the two in step.
 */

export type ColumnType = 'string' | 'date' | 'boolean' | 'integer';

export interface TableSpec {
	/** Columns the browser loads, nothing more: identifiers are never among them. */
	columns: Record<string, ColumnType>;
}

export const DASHBOARD_TABLES = {
	pathways: {
		columns: {
			provider_code: 'string',
			commissioner_code: 'string',
			specialty_code: 'string',
			priority: 'string',
			rtt: 'boolean',
			referral_date: 'date',
			clock_start: 'date',
			clock_stop: 'date'
		}
	},
	appointments: {
		columns: {
			provider_code: 'string',
			commissioner_code: 'string',
			specialty_code: 'string',
			priority: 'string',
			appointment_date: 'date',
			outcome: 'string'
		}
	}
} as const satisfies Record<string, TableSpec>;

export type DashboardTable = keyof typeof DASHBOARD_TABLES;

/** The manifest the pipeline writes beside the Parquet (data-pipelines/pipeline/publish.ts). */
export interface DatasetManifest {
	schemaVersion: number;
	contractVersion: number;
	builtAt: string;
	extractDate: string;
	dataPeriod: { from: string; to: string } | null;
	tables: Record<string, { file: string; rows: number; bytes: number; sha256: string }>;
	pseudonymisation: { method: string; demoKey: boolean };
	source: { files: string[]; rowsRead: number; rowsAccepted: number };
}

export const SUPPORTED_SCHEMA_VERSION = 1;
