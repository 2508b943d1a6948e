/**
 * Publishing the dataset: every file is written to a fresh folder beside the target, verified,
 * then swapped in by rename, so readers see the old dataset or the new one, never half of each.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { COLUMNS, CONTRACT_VERSION } from '../lib/contract.ts';
import type { Db } from '../lib/duckdb.ts';
import { UserError } from '../lib/errors.ts';
import { sqlString } from '../../src/lib/metrics/sql.ts';
import type { RunReport } from './report.ts';

/** Version of the published dataset's layout (manifest, tables, columns). */
export const SCHEMA_VERSION = 1;

/** Published tables and the order their rows are written in (the dashboard's filter columns first). */
export const TABLES = [
	{
		name: 'pathways',
		orderBy: 'provider_code, commissioner_code, specialty_code, priority, referral_date, pathway_id'
	},
	{
		name: 'appointments',
		orderBy:
			'provider_code, commissioner_code, specialty_code, priority, appointment_date, appointment_id'
	},
	{
		name: 'events',
		orderBy: 'provider_code, pathway_id, event_time, event_type, appointment_id, appointment_time'
	}
] as const;

export interface Manifest {
	schemaVersion: number;
	contractVersion: number;
	builtAt: string;
	extractDate: string;
	dataPeriod: { from: string; to: string } | null;
	tables: Record<string, { file: string; rows: number; bytes: number; sha256: string }>;
	pseudonymisation: { method: string; demoKey: boolean };
	source: { files: string[]; rowsRead: number; rowsAccepted: number };
}

async function sha256(path: string): Promise<string> {
	const hash = createHash('sha256');
	for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
	return hash.digest('hex');
}

async function isDataset(dir: string): Promise<boolean> {
	const entries = await readdir(dir).catch(() => null);
	return entries === null || entries.length === 0 || entries.includes('manifest.json');
}

const QUARANTINE_COLUMNS = COLUMNS.map((c) =>
	c === 'patient_id' || c === 'pathway_id' || c === 'appointment_id' ? `pseudonym(${c}) AS ${c}` : c
);

/** Writes, verifies and swaps in the dataset; returns its manifest. */
export async function publish(db: Db, out: string, report: RunReport): Promise<Manifest> {
	const target = resolve(out);
	if (!(await isDataset(target))) {
		throw new UserError(
			`--out "${out}" is a folder that holds other files and no manifest.json: choose an empty or new folder`
		);
	}
	await mkdir(dirname(target), { recursive: true });
	const staging = join(dirname(target), `.${basename(target)}.partial-${process.pid}`);
	await rm(staging, { recursive: true, force: true });
	await mkdir(staging);
	try {
		const tables: Manifest['tables'] = {};
		for (const { name, orderBy } of TABLES) {
			const file = `${name}.parquet`;
			const path = join(staging, file);
			// Ties on the sort key are broken by every column, so a re-run writes the same bytes.
			const all = (await db.all(`SELECT column_name FROM (DESCRIBE ${name})`)).map(
				(r) => `"${r.column_name}"`
			);
			await db.run(`COPY (SELECT * FROM ${name} ORDER BY ${orderBy}, ${all.join(', ')})
TO ${sqlString(path)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)`);
			const [{ expected }] = await db.all(
				`SELECT CAST(COUNT(*) AS DOUBLE) AS expected FROM ${name}`
			);
			const [{ rows }] = await db.all(
				`SELECT CAST(COUNT(*) AS DOUBLE) AS rows FROM read_parquet(${sqlString(path)})`
			);
			if (rows !== expected) {
				throw new Error(`verification failed: ${file} holds ${rows} rows, expected ${expected}`);
			}
			tables[name] = {
				file,
				rows: rows as number,
				bytes: (await stat(path)).size,
				sha256: await sha256(path)
			};
		}
		await db.run(`COPY (
  SELECT _file AS file, _line AS line, _rule AS rule, _reason AS reason, ${QUARANTINE_COLUMNS.join(', ')}
  FROM classified WHERE _status = 'quarantined' ORDER BY _file, _line
) TO ${sqlString(join(staging, 'quarantine.csv'))} (HEADER, DELIMITER ',')`);
		const manifest: Manifest = {
			schemaVersion: SCHEMA_VERSION,
			contractVersion: CONTRACT_VERSION,
			builtAt: new Date().toISOString(),
			extractDate: report.extractDate,
			dataPeriod: report.dataPeriod,
			tables,
			pseudonymisation: report.pseudonymisation,
			source: {
				files: report.files.map((f) => f.file),
				rowsRead: report.read,
				rowsAccepted: report.accepted
			}
		};
		await writeFile(join(staging, 'run-report.json'), `${JSON.stringify(report, null, 2)}\n`);
		await writeFile(join(staging, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
		await swapIn(staging, target);
		return manifest;
	} catch (error) {
		await rm(staging, { recursive: true, force: true });
		throw error;
	}
}

async function swapIn(staging: string, target: string): Promise<void> {
	const exists = await stat(target).then(
		() => true,
		() => false
	);
	if (!exists) {
		await rename(staging, target);
		return;
	}
	const previous = `${staging}.previous`;
	await rename(target, previous);
	await rename(staging, target);
	await rm(previous, { recursive: true, force: true });
}
