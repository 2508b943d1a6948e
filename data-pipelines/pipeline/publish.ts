/**
 * Publishing the dataset: every file is written to a fresh folder beside the target, verified,
 * then swapped in by rename, so readers see the old dataset or the new one, never half of each.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { COLUMNS, CONTRACT_VERSION, PSEUDONYMISED } from '../lib/contract.ts';
import type { Db } from '../lib/duckdb.ts';
import { UserError } from '../lib/errors.ts';
import { sqlString } from '../../src/lib/metrics/sql.ts';
import { FILES_TABLE, RAW_TABLE } from './read-events.ts';
import type { RunReport } from './report.ts';
import { newVersionDir, swapIn } from './swap.ts';
import {
	codesInData,
	completeness,
	writeQuality,
	writeReference,
	type Reference
} from './reference.ts';

/** Version of the published dataset's layout (manifest, tables, columns). */
export const SCHEMA_VERSION = 1;

/**
 * Published tables and the order their rows are written in: the dashboard's filter columns first,
 * ending in a key that is unique, so a re-run writes the same bytes. Identifier columns are
 * replaced by their keyed pseudonyms as they are written.
 */
export const TABLES = [
	{
		name: 'pathways',
		orderBy:
			'provider_code, commissioner_code, specialty_code, priority, referral_date, pathway_id',
		identifiers: ['pathway_id', 'patient_id']
	},
	{
		name: 'appointments',
		orderBy:
			'provider_code, commissioner_code, specialty_code, priority, appointment_date, appointment_id',
		identifiers: ['appointment_id', 'pathway_id', 'patient_id']
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

/** Quarantined rows as they were written, but for the identifiers, which are pseudonymised. */
const QUARANTINE_COLUMNS = COLUMNS.map((c) =>
	PSEUDONYMISED.includes(c) ? `pseudonym(r.${c}) AS ${c}` : `r.${c}`
);

/** Writes, verifies and swaps in the dataset; returns its manifest. */
export async function publish(
	db: Db,
	out: string,
	report: RunReport,
	/** Called when the files are written, before the run report is: the last chance to amend it. */
	beforeReport: () => void = () => {},
	/** Names for the codes in the data (reference.json); none when absent. */
	reference?: Reference
): Promise<Manifest> {
	const target = resolve(out);
	if (!(await isDataset(target))) {
		throw new UserError(
			`--out "${out}" is a folder that holds other files and no manifest.json: choose an empty or new folder`
		);
	}
	await mkdir(dirname(target), { recursive: true });
	const staging = await newVersionDir(target);
	try {
		const tables: Manifest['tables'] = {};
		for (const { name, orderBy, identifiers } of TABLES) {
			const file = `${name}.parquet`;
			const path = join(staging, file);
			const replaced = identifiers.map((c) => `pseudonym(${c}) AS ${c}`).join(', ');
			await db.run(`COPY (SELECT * REPLACE (${replaced}) FROM ${name} ORDER BY ${orderBy})
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
  SELECT f._file AS file, r._line AS line, v._rule AS rule, v._reason AS reason,
    ${QUARANTINE_COLUMNS.join(', ')}
  FROM verdicts v
  JOIN ${RAW_TABLE} r USING (_id)
  JOIN ${FILES_TABLE} f USING (_file_no)
  WHERE v._status = 'quarantined'
  ORDER BY r._file_no, r._line
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
		if (reference) await writeReference(staging, reference, await codesInData(db));
		await writeQuality(staging, await completeness(db));
		beforeReport();
		await writeFile(join(staging, 'run-report.json'), `${JSON.stringify(report, null, 2)}\n`);
		await writeFile(join(staging, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
		await swapIn(staging, target);
		return manifest;
	} catch (error) {
		await rm(staging, { recursive: true, force: true });
		throw error;
	}
}
