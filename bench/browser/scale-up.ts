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
 *
 * Nothing seven times the slice is held in DuckDB: a provider's or commissioner's file of a copy
 * is that file of the slice with its codes changed, read and written one at a time, because
 * copies share no provider or commissioner and so a copy's roll-up to commissioners is the
 * slice's roll-up renamed. Only the national roll-ups (each no larger than one copy's) are made
 * from all seven copies at once. Holding the copies as tables, as this script first did, spilled
 * more than the disk's 74 GB once the waits page's breakdowns by deprivation, ethnicity and age
 * were published.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { readManifest } from '../../data-pipelines/lib/dataset.ts';
import { openDb } from '../../data-pipelines/lib/duckdb.ts';
import { AGGREGATES, rollupsOf } from '../../data-pipelines/pipeline/aggregates.ts';
import {
	describeTable,
	TABLES,
	writeFirstView,
	writeParquet,
	writeTable,
	type Manifest,
	type PublishedTable
} from '../../data-pipelines/pipeline/publish.ts';
import { lockDataset } from '../../data-pipelines/pipeline/lock.ts';
import { publishVersion } from '../../data-pipelines/pipeline/version.ts';
import type { DatasetFile } from '../../src/lib/dataset/schema.ts';
import { sqlString } from '../../src/lib/metrics/sql.ts';

/** A new code for copy `k` (1…) of the `i`-th code: a letter, the copy, and three digits. */
const codeSql = (letter: string) =>
	`'${letter}' || k || lpad(CAST(row_number() OVER (PARTITION BY k ORDER BY code) AS VARCHAR), 3, '0')`;

type Level = 'provider' | 'commissioner';

/**
 * The rows of `source` (a table at the provider or commissioner level) under copy `k`'s codes,
 * or under every copy's when `k` is null.
 */
function copySql(source: string, level: Level, k: number | null, copies: number): string {
	const kk = k === null ? 'r.k' : String(k);
	const replaced = [
		...(level === 'provider' ? ['p.new_code AS provider_code'] : []),
		'c.new_code AS commissioner_code'
	];
	return [
		`SELECT t.* REPLACE (${replaced.join(', ')})`,
		`FROM ${source} t`,
		...(k === null ? [`CROSS JOIN range(${copies}) r(k)`] : []),
		...(level === 'provider'
			? [`JOIN provider_map p ON p.code = t.provider_code AND p.k = ${kk}`]
			: []),
		`LEFT JOIN commissioner_map c ON c.code = t.commissioner_code AND c.k = ${kk}`
	].join('\n');
}

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
		const read = (files: string[]) =>
			`read_parquet([${files.map((f) => sqlString(join(resolve(sliceDir), f))).join(', ')}], hive_partitioning = false)`;
		const whole = (name: string) => read(slice.tables[name].files.map((f) => f.file));
		const codes = (column: string) =>
			AGGREGATES.map((a) => `SELECT DISTINCT ${column} AS code FROM ${whole(a.name)}`).join(
				' UNION '
			);
		// Copy 0 keeps the slice's own codes; the others are new and distinct.
		const renamed = new Map<string, string>();
		for (const [level, letter] of [
			['provider', 'E'],
			['commissioner', 'C']
		] as const) {
			await db.run(`CREATE TABLE ${level}_map AS
SELECT code, k, CASE WHEN k = 0 THEN code ELSE ${codeSql(letter)} END AS new_code
FROM (${codes(`${level}_code`)}) c CROSS JOIN range(${copies}) r(k)
WHERE code IS NOT NULL`);
			for (const row of await db.all(`SELECT code, k, new_code FROM ${level}_map`))
				renamed.set(`${level}/${row.code}/${row.k}`, String(row.new_code));
		}
		// The copies as views, read only by the national roll-ups, the rows with no
		// commissioner and the first view.
		for (const aggregate of AGGREGATES) {
			await db.run(
				`CREATE VIEW ${aggregate.name} AS\n${copySql(whole(aggregate.name), 'provider', null, copies)}`
			);
			for (const { level, table, sql } of rollupsOf(aggregate)) {
				await db.run(`CREATE ${level === 'national' ? 'TABLE' : 'VIEW'} ${table} AS\n${sql}`);
			}
		}
		/** A provider's or commissioner's table, written file by file from the slice's files. */
		async function copyFiles(table: PublishedTable, level: Level, dir: string) {
			const files: DatasetFile[] = [];
			for (const f of slice.tables[table.name].files) {
				if (f.partition === null) {
					// Rows with no commissioner: one file of every copy's, rolled up as the
					// pipeline would. The copies' rows share their keys, so it holds as many rows
					// as the slice's file.
					if (level === 'provider') throw new Error(`${f.file}: a provider file with no code`);
					const query = `SELECT * FROM ${table.name} WHERE commissioner_code IS NULL`;
					files.push(
						await writeParquet(db, dir, table, query, {
							file: f.file,
							partition: null,
							expected: f.rows
						})
					);
					continue;
				}
				for (let k = 0; k < copies; k++) {
					const code = renamed.get(`${level}/${f.partition}/${k}`);
					if (!code) throw new Error(`${f.file}: ${level} ${f.partition} is in no file's rows`);
					const file = f.file.replace(`/${level}=${f.partition}/`, `/${level}=${code}/`);
					const query = copySql(read([f.file]), level, k, copies);
					files.push(
						await writeParquet(db, dir, table, query, { file, partition: code, expected: f.rows })
					);
				}
			}
			return files.sort((a, b) => a.file.localeCompare(b.file));
		}
		// Only the current version is kept: the bench's caches hold no page open on an old one.
		await publishVersion(
			target,
			async (dir): Promise<Omit<Manifest, 'documents'>> => {
				const tables: Manifest['tables'] = {};
				for (const table of TABLES.filter((t) => t.kind === 'aggregate')) {
					tables[table.name] =
						table.partitionedBy === null
							? await writeTable(db, dir, table)
							: describeTable(table, await copyFiles(table, table.partitionedBy, dir));
				}
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
