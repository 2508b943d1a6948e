import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachDataset } from '../../../data-pipelines/lib/dataset.ts';
import { openDb } from '../../../data-pipelines/lib/duckdb.ts';
import type { Manifest } from '../../../data-pipelines/pipeline/publish.ts';
import { keyFromEnvironment } from '../../../data-pipelines/pipeline/pseudonymise.ts';
import { runPipeline } from '../../../data-pipelines/pipeline/run.ts';
import {
	openParquet,
	readParquetParts,
	readRowGroups,
	rowGroupsOverlapping
} from './read-parquet.ts';

const FIXTURE = new URL('../../../tests/fixtures/metrics/events.csv', import.meta.url).pathname;
let dir: string;
let manifest: Manifest;

beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'read-parquet-'));
	({ manifest } = await runPipeline({
		input: FIXTURE,
		out: join(dir, 'dataset'),
		extractDate: '2025-07-31',
		key: keyFromEnvironment({})
	}));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A fetch that answers range requests from the dataset folder, and notes each range asked for. */
function rangeFetch(ranges: string[]): typeof fetch {
	return (async (input: string | URL | Request, init?: RequestInit) => {
		const url = String(input);
		const range = new Headers(init?.headers).get('range');
		if (!range) throw new Error(`${url} was asked for without a range`);
		ranges.push(`${url} ${range}`);
		const [, start, end] = /^bytes=(\d+)-(\d+)$/.exec(range)!;
		const file = await open(join(dir, 'dataset', url));
		try {
			const length = Number(end) - Number(start) + 1;
			const { buffer, bytesRead } = await file.read(Buffer.alloc(length), 0, length, +start);
			return new Response(buffer.subarray(0, bytesRead), { status: 206 });
		} finally {
			await file.close();
		}
	}) as typeof fetch;
}

/** Pairs of requests for the same bytes: the browser would revalidate those, not fetch a range. */
function overlapping(ranges: string[]): string[] {
	const spans = ranges.map((r) => {
		const [, file, start, end] = /^(\S+) bytes=(\d+)-(\d+)$/.exec(r)!;
		return { file, start: +start, end: +end, r };
	});
	return spans.flatMap((a, i) =>
		spans
			.slice(i + 1)
			.filter((b) => a.file === b.file && a.start <= b.end && b.start <= a.end)
			.map((b) => `${a.r} and ${b.r}`)
	);
}

describe('readParquetParts', () => {
	it('readParquetParts(every provider file of pathways) gives the whole table, in file order, by ranges', async () => {
		const files = manifest.tables.pathways.files;
		expect(files.length).toBe(2);
		const ranges: string[] = [];
		const read = await readParquetParts(
			files.map((f) => ({ url: f.file, byteLength: f.bytes, footerBytes: f.footerBytes })),
			['provider_code', 'clock_start', 'priority'],
			rangeFetch(ranges)
		);
		const db = await openDb();
		try {
			await attachDataset(db, join(dir, 'dataset'), manifest);
			const rows = await db.all(
				`SELECT provider_code, clock_start, priority FROM pathways ORDER BY provider_code, commissioner_code, specialty_code, priority, referral_date, pathway_id`
			);
			expect(read.rows).toBe(14);
			expect(read.columns.provider_code).toEqual(rows.map((r) => r.provider_code));
			expect(read.columns.priority).toEqual(rows.map((r) => r.priority));
			expect(
				read.columns.clock_start.map((d) => (d === null ? null : new Date(d as Date).getTime()))
			).toEqual(
				rows.map((r) => (r.clock_start === null ? null : (r.clock_start as Date).getTime()))
			);
		} finally {
			db.close();
		}
		for (const f of files) {
			expect(
				ranges.some((r) => r.startsWith(`${f.file} `)),
				f.file
			).toBe(true);
		}
	});

	it('readParquetParts names the file that could not be read', async () => {
		await expect(
			readParquetParts(
				[{ url: 'pathways/provider=ZZZ/pathways.parquet', byteLength: 100 }],
				['priority'],
				rangeFetch([])
			)
		).rejects.toThrow(/^pathways\/provider=ZZZ\/pathways\.parquet: /);
	});
});

describe('reading only the row groups that hold the weeks asked for', () => {
	it('picks row groups by their week_end statistics and reads exactly their rows', async () => {
		// 20 weeks of 1,000 rows, sorted by week, in row groups of 2,048 rows (several weeks each).
		const path = join(dir, 'dataset', 'weeks.parquet');
		const db = await openDb();
		try {
			await db.run(`COPY (
  SELECT DATE '2025-01-05' + CAST(7 * (i // 1000) AS INTEGER) AS week_end, CAST(i AS INTEGER) AS n
  FROM range(20000) t(i) ORDER BY i
) TO '${path}' (FORMAT parquet, ROW_GROUP_SIZE 2048)`);
		} finally {
			db.close();
		}
		const { size } = await (await open(path)).stat();
		const ranges: string[] = [];
		const file = await openParquet({ url: '/weeks.parquet', byteLength: size }, rangeFetch(ranges));
		const groups = rowGroupsOverlapping(file.metadata, 'week_end', '2025-03-02', '2025-03-09');
		expect(groups.length).toBeGreaterThan(0);
		expect(groups.length).toBeLessThan(file.metadata.row_groups.length / 2);
		const read = await readRowGroups(file, groups, ['week_end', 'n']);
		const weeks = read.columns.week_end.map((d) => (d as Date).toISOString().slice(0, 10));
		// Every row of the weeks asked for is there (weeks 8 and 9: rows 8,000–9,999)…
		const ns = new Set(read.columns.n as number[]);
		for (let n = 8000; n < 10000; n++) expect(ns.has(n)).toBe(true);
		// …and nothing from a row group that cannot hold them.
		expect(weeks.every((w) => w >= '2025-02-16' && w <= '2025-03-23')).toBe(true);
		expect(read.rows).toBe(
			groups.reduce((a, g) => a + Number(file.metadata.row_groups[g].num_rows), 0)
		);
		expect(overlapping(ranges)).toEqual([]);
	});
});
