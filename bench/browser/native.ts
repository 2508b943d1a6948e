/**
 * The baseline: the page's metric SQL for the same views, on native DuckDB (@duckdb/node-api)
 * against the same published files, opened as the metrics CLI opens them. DuckDB runs on one
 * thread, as DuckDB-WASM does in the browser (the `eh` bundle), so the ratio compares like with
 * like and does not move with the number of cores.
 */
import { join } from 'node:path';
import { attachDataset, readManifest } from '../../data-pipelines/lib/dataset.ts';
import { openDb } from '../../data-pipelines/lib/duckdb.ts';
import { summary } from './measure.ts';
import type { BenchPage, Step } from './pages.ts';

export interface NativeResult {
	duckdb: string;
	threads: number;
	/** Each view's SQL, timed on a second pass (the first warms the OS cache and DuckDB). */
	viewMs: { p50: number; p95: number; max: number };
	/** The initial view, the same way. */
	initialViewMs: number;
}

export async function nativeBaseline(
	dir: string,
	target: BenchPage,
	steps: Step[]
): Promise<NativeResult> {
	const manifest = await readManifest(dir);
	// A spill folder of its own (the default is shared by every DuckDB the project opens here).
	const db = await openDb({ threads: 1, tempDirectory: join(dir, '..', 'duckdb-tmp') });
	try {
		await attachDataset(db, dir, manifest);
		const query = (sql: string) => db.all(sql);
		const time = async (view: unknown | null) => {
			const began = performance.now();
			await target.native(query, manifest, view);
			return performance.now() - began;
		};
		const views = steps.map((s) => s.view);
		for (const v of [null, ...views]) await time(v);
		const initialViewMs = await time(null);
		const times: number[] = [];
		for (const v of views) times.push(await time(v));
		const [{ v }] = await db.all('SELECT version() AS v');
		return { duckdb: String(v), threads: 1, viewMs: summary(times), initialViewMs };
	} finally {
		db.close();
	}
}
