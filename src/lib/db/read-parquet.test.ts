import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../../data-pipelines/lib/duckdb.ts';
import type { Manifest } from '../../../data-pipelines/pipeline/publish.ts';
import { keyFromEnvironment } from '../../../data-pipelines/pipeline/pseudonymise.ts';
import { runPipeline } from '../../../data-pipelines/pipeline/run.ts';
import { levelColumns } from '../dataset/schema.ts';
import { parquetDecoder } from './parquet-decode.ts';
import {
	openParquet,
	readRowGroups,
	rowGroupsOverlapping,
	WHOLE_FILE_BYTES
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

describe('parquetDecoder: a file to folded columns, by range requests', () => {
	const table = 'clock_flows_weekly_national';
	const file = () => manifest.tables[table].files[0];
	const types = levelColumns('clock_flows_weekly', 'national');

	it('reads a small file whole in one range request when a period wants it, and folds it to the same sums', async () => {
		const ranges: string[] = [];
		const decode = parquetDecoder(rangeFetch(ranges));
		const f = file();
		expect(f.bytes).toBeLessThanOrEqual(WHOLE_FILE_BYTES);
		const out = await decode({
			url: f.file,
			column: 'week_end',
			byteLength: f.bytes,
			footerBytes: f.footerBytes,
			min: '2000-01-01',
			max: '2100-01-01',
			skip: [],
			types,
			counts: ['pathways'],
			whole: true,
			constants: {}
		});
		expect(ranges).toEqual([`${f.file} bytes=0-${f.bytes - 1}`]);
		const db = await openDb();
		try {
			const path = join(dir, 'dataset', f.file);
			const keys = Object.keys(types).filter((c) => c !== 'pathways');
			const [native] = await db.all(
				`SELECT COUNT(*) AS groups, SUM(pathways) AS pathways, (SELECT COUNT(*) FROM '${path}') AS rows
				 FROM (SELECT ${keys.join(', ')}, SUM(pathways) AS pathways FROM '${path}' GROUP BY ALL)`
			);
			expect(out.rows).toBe(Number(native.rows));
			expect(out.folded!.length).toBe(Number(native.groups));
			expect(out.folded!.counts.pathways.reduce((a, b) => a + b, 0)).toBe(Number(native.pathways));
		} finally {
			db.close();
		}
		// Every row group was read: the caller marks the file loaded and never asks for it again.
		expect(out.groups).toHaveLength(out.totalGroups);
		// Asked again with them all loaded, it has nothing new to add.
		const again = await decode({
			url: f.file,
			column: 'week_end',
			byteLength: f.bytes,
			footerBytes: f.footerBytes,
			min: '2000-01-01',
			max: '2100-01-01',
			skip: out.groups,
			types,
			counts: ['pathways'],
			whole: true,
			constants: {}
		});
		expect(again).toMatchObject({ groups: [], rows: 0, folded: null });
	});

	it('reads the footer, then the row groups wanted in one range, for a census week', async () => {
		const ranges: string[] = [];
		const decode = parquetDecoder(rangeFetch(ranges));
		const f = file();
		const out = await decode({
			url: f.file,
			column: 'week_end',
			byteLength: f.bytes,
			footerBytes: f.footerBytes,
			min: '2025-03-30',
			max: '2025-03-30',
			skip: [],
			types,
			counts: [],
			whole: false,
			constants: {}
		});
		expect(ranges).toHaveLength(2);
		expect(ranges[0]).toBe(`${f.file} bytes=${f.bytes - f.footerBytes!}-${f.bytes - 1}`);
		expect(overlapping(ranges)).toEqual([]);
		expect(out.folded!.length).toBe(out.rows);
	});

	it('names the file that could not be read', async () => {
		const decode = parquetDecoder(rangeFetch([]));
		await expect(
			decode({
				url: 'aggregates/none.parquet',
				column: 'week_end',
				byteLength: 100,
				min: '2025-01-01',
				max: '2025-01-01',
				skip: [],
				types,
				counts: [],
				whole: false,
				constants: {}
			})
		).rejects.toThrow();
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
		const weeks = read.columns.week_end.map((d) =>
			new Date((d as number) * 86_400_000).toISOString().slice(0, 10)
		);
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
