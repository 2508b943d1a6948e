import { readFile } from 'node:fs/promises';
import { COLUMNS, type Column } from '../lib/contract.ts';
import type { Db } from '../lib/duckdb.ts';
import { sqlDate } from '../../src/lib/metrics/sql.ts';
import { buildAggregates } from './aggregates.ts';
import { stopwatch } from '../lib/stopwatch.ts';
import { OPTIONAL_CHECKS, warningBit } from './validate.ts';

const SQL_DIR = new URL('../sql/', import.meta.url);

/** A modelling SQL file from `data-pipelines/sql/`, with `:extract_date` bound. */
export async function modelSql(name: string, extractDate: string): Promise<string> {
	const text = await readFile(new URL(name, SQL_DIR), 'utf8');
	return text.replaceAll(':extract_date', sqlDate(extractDate));
}

/** Typed expressions for the columns that are not text. */
const TYPED: Partial<Record<Column, string>> = {
	event_time: 'c.event_ts',
	appointment_time: 'c.appointment_ts',
	rtt: `CASE WHEN c.event_type = 'referral_received' THEN COALESCE(c.rtt_flag, true) END`,
	imd_decile: 'TRY_CAST(c.imd_decile AS TINYINT)'
};

function eventColumn(column: Column): string | null {
	if (column === 'event_id') return null;
	const check = OPTIONAL_CHECKS.find((c) => c.column === column);
	const expr = TYPED[column] ?? `c.${column}`;
	return check
		? `CASE WHEN c._warn & ${warningBit(check.warning)} <> 0 THEN NULL ELSE ${expr} END AS ${column}`
		: `${expr} AS ${column}`;
}

/** The modelling SQL files, in the order they run: each may read the tables made before it. */
export const MODEL_FILES = [
	'stage_intervals.sql',
	'appointments.sql',
	'pathways.sql',
	'pathway_reviews.sql'
] as const;

/** Builds `events`: the accepted rows, typed, invalid optional values as unknown. Internal, never published. */
export async function buildEvents(db: Db): Promise<void> {
	const columns = COLUMNS.map(eventColumn).filter((c): c is string => c !== null);
	await db.run(`CREATE OR REPLACE TABLE events AS
SELECT ${columns.join(',\n  ')},
  CAST(c.event_ts AS DATE) AS event_date
FROM checked c
WHERE c._id NOT IN (SELECT _id FROM verdicts)`);
}

/**
 * Builds the modelled tables from the accepted rows: `events` ({@link buildEvents}), then
 * `stage_intervals`, `appointments`, `pathways` and `pathway_reviews` from the SQL files, then the weekly aggregates
 * ({@link buildAggregates}). Identifiers stay as written here; `publish` pseudonymises them on the
 * way out.
 */
export async function buildModel(db: Db, extractDate: string): Promise<Record<string, number>> {
	const { seconds, lap } = stopwatch();
	await buildEvents(db);
	// Every row is counted and typed into events by now: free the staged copy before modelling.
	await db.run('DROP VIEW IF EXISTS classified; DROP TABLE IF EXISTS checked');
	lap('events');
	for (const file of MODEL_FILES) {
		await db.run(await modelSql(file, extractDate));
		lap(file.replace(/\.sql$/, ''));
	}
	await buildAggregates(db, extractDate, lap);
	return seconds;
}
