/**
 * England at full size, for the browser bench, made from the England slice as issue 6 allows
 * where disk or time runs short. All of England is about 383M events a year; generating and
 * publishing it in one run needs more disk than this machine has (the slice, a seventh of it,
 * spills up to 34 GB). So the slice's published aggregates are copied `copies` times, each copy
 * under new provider and commissioner codes (`E1001`, `C1001`, …: seven regions of the same
 * shape), and the coarser levels and `first-view.json` are made from the copies by the
 * pipeline's own code. What the dashboard reads is then what an England dataset would hold:
 * seven times the providers, commissioners, files and manifest, seven times every count.
 *
 * It holds the aggregates only, not the event-level tables: the dashboard's pages read nothing
 * else, and the data quality page is not benched.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { readManifest } from '../../data-pipelines/lib/dataset.ts';
import { openDb } from '../../data-pipelines/lib/duckdb.ts';
import { AGGREGATES, buildRollups } from '../../data-pipelines/pipeline/aggregates.ts';
import {
	writeAggregates,
	writeFirstView,
	type Manifest
} from '../../data-pipelines/pipeline/publish.ts';
import { lockDataset } from '../../data-pipelines/pipeline/lock.ts';
import { publishVersion } from '../../data-pipelines/pipeline/version.ts';
import { sqlString } from '../../src/lib/metrics/sql.ts';

/** A new code for copy `k` (1…) of the `i`-th code: a letter, the copy, and three digits. */
const codeSql = (letter: string) =>
	`'${letter}' || k || lpad(CAST(row_number() OVER (PARTITION BY k ORDER BY code) AS VARCHAR), 3, '0')`;

export async function scaleUp(
	sliceDir: string,
	out: string,
	copies = 7,
	tempDirectory?: string
): Promise<void> {
	const slice = await readManifest(sliceDir);
	const target = resolve(out);
	const lock = await lockDataset(target);
	const db = await openDb({ tempDirectory });
	// A folder left by this script before it published by versions.
	if (!(await readFile(join(target, 'manifest.sha256')).catch(() => null)))
		await rm(target, { recursive: true, force: true });
	try {
		const files = (name: string) =>
			`read_parquet([${slice.tables[name].files.map((f) => sqlString(join(resolve(sliceDir), f.file))).join(', ')}])`;
		const codes = (column: string) =>
			AGGREGATES.map((a) => `SELECT DISTINCT ${column} AS code FROM ${files(a.name)}`).join(
				' UNION '
			);
		// Copy 0 keeps the slice's own codes; the others are new and distinct.
		for (const [map, column, letter] of [
			['provider_map', 'provider_code', 'E'],
			['commissioner_map', 'commissioner_code', 'C']
		] as const) {
			await db.run(`CREATE TABLE ${map} AS
SELECT code, k, CASE WHEN k = 0 THEN code ELSE ${codeSql(letter)} END AS new_code
FROM (${codes(column)}) c CROSS JOIN range(${copies}) r(k)
WHERE code IS NOT NULL`);
		}
		for (const { name } of AGGREGATES) {
			await db.run(`CREATE TABLE ${name} AS
SELECT t.* REPLACE (p.new_code AS provider_code, c.new_code AS commissioner_code)
FROM ${files(name)} t
CROSS JOIN range(${copies}) r(k)
JOIN provider_map p ON p.code = t.provider_code AND p.k = r.k
LEFT JOIN commissioner_map c ON c.code = t.commissioner_code AND c.k = r.k`);
		}
		await buildRollups(db);
		// Only the current version is kept: the bench's caches hold no page open on an old one.
		await publishVersion(
			target,
			async (dir): Promise<Omit<Manifest, 'documents'>> => {
				const tables = await writeAggregates(db, dir);
				if (slice.dataPeriod) await writeFirstView(db, dir, slice.dataPeriod.to);
				const reference = await readFile(join(sliceDir, 'reference.json')).catch(() => null);
				if (reference) await writeFile(join(dir, 'reference.json'), reference);
				const { documents: _, ...rest } = slice;
				return {
					...rest,
					builtAt: new Date().toISOString(),
					tables,
					source: {
						files: [`${copies} copies of the England slice (bench/browser/scale-up.ts)`],
						rowsRead: slice.source.rowsRead * copies,
						rowsAccepted: slice.source.rowsAccepted * copies
					}
				};
			},
			{ versions: 1, hours: 0 }
		);
	} finally {
		db.close();
		await lock.release();
	}
}
