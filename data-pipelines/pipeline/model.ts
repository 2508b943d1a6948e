import { readFile } from 'node:fs/promises';
import { COLUMNS, PSEUDONYMISED, type Column } from '../lib/contract.ts';
import type { Db } from '../lib/duckdb.ts';
import { sqlDate } from '../../src/lib/metrics/sql.ts';
import { OPTIONAL_CHECKS } from './validate.ts';

const SQL_DIR = new URL('../sql/', import.meta.url);

/** A modelling SQL file from `data-pipelines/sql/`, with `:extract_date` bound. */
export async function modelSql(name: string, extractDate: string): Promise<string> {
	const text = await readFile(new URL(name, SQL_DIR), 'utf8');
	return text.replaceAll(':extract_date', sqlDate(extractDate));
}

/** Typed expressions for the columns that are not text. */
const TYPED: Partial<Record<Column, string>> = {
	event_time: 'event_ts',
	appointment_time: 'appointment_ts',
	rtt: `CASE WHEN event_type = 'referral_received' THEN COALESCE(rtt_flag, true) END`,
	imd_decile: 'TRY_CAST(imd_decile AS TINYINT)'
};

function publishedColumn(column: Column): string | null {
	if (column === 'event_id') return null;
	const check = OPTIONAL_CHECKS.find((c) => c.column === column);
	const expr = TYPED[column] ?? column;
	const cleaned = check
		? `CASE WHEN list_contains(_warnings, '${check.warning}') THEN NULL ELSE ${expr} END`
		: expr;
	const value = PSEUDONYMISED.includes(column) ? `pseudonym(${cleaned})` : cleaned;
	return `${value} AS ${column}`;
}

/**
 * Builds the modelled tables from the accepted rows: `events` (typed, pseudonymised, invalid
 * optional values as unknown), then `pathways` and `appointments` from the SQL files.
 */
export async function buildModel(db: Db, extractDate: string): Promise<void> {
	const columns = COLUMNS.map(publishedColumn).filter((c): c is string => c !== null);
	await db.run(`CREATE OR REPLACE TABLE events AS
SELECT ${columns.join(',\n  ')},
  CAST(event_ts AS DATE) AS event_date
FROM classified
WHERE _status = 'accepted'`);
	await db.run(await modelSql('pathways.sql', extractDate));
	await db.run(await modelSql('appointments.sql', extractDate));
}
