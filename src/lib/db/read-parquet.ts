/**
 * Reads chosen columns of a Parquet file over HTTP with range requests (hyparquet): the footer
 * first, then only the column chunks asked for. DuckDB-WASM's own Parquet reader is an extension
 * it would download from the internet, which NHS networks and this app do not allow.
 */
import {
	asyncBufferFromUrl,
	cachedAsyncBuffer,
	parquetMetadataAsync,
	parquetRead
} from 'hyparquet';
import type { AsyncBuffer, FileMetaData } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';

/**
 * Without the footer's length (from the manifest), only its last 8 bytes are fetched first, then
 * exactly the rest of the footer: a larger first guess would take in column data, and a later
 * request for that data would overlap it (Chromium then revalidates instead of fetching a range).
 */
const TAIL = 8;

export interface ParquetColumns {
	rows: number;
	columns: Record<string, unknown[]>;
}

export async function readParquetColumns(
	url: string,
	byteLength: number,
	columns: readonly string[],
	fetchImpl: typeof fetch = fetch,
	/** The footer's length, when the manifest gives it: the first request fetches just that. */
	footerBytes = TAIL
): Promise<ParquetColumns> {
	const remote = await asyncBufferFromUrl({ url, byteLength, fetch: fetchImpl });
	const file = cachedAsyncBuffer(remote, { minSize: 0 });
	const metadata = await parquetMetadataAsync(file, { initialFetchSize: footerBytes });
	const rows = Number(metadata.num_rows);
	const out: Record<string, unknown[]> = Object.fromEntries(
		columns.map((c) => [c, new Array(rows)])
	);
	await parquetRead({
		file,
		metadata,
		columns: [...columns],
		compressors,
		onChunk({ columnName, columnData, rowStart, rowEnd }) {
			const target = out[columnName];
			if (!target) return;
			const end = Math.min(rowEnd, rows);
			for (let i = rowStart; i < end; i++) target[i] = columnData[i - rowStart];
		}
	});
	return { rows, columns: out };
}

/** One Parquet file to read: where it is, how long and its footer's length (from the manifest). */
export interface ParquetPart {
	url: string;
	byteLength: number;
	footerBytes?: number;
}

/**
 * Reads chosen columns of several Parquet files with the same columns (one table's partitions),
 * all at once, and joins them end to end in the order given.
 */
export async function readParquetParts(
	parts: readonly ParquetPart[],
	columns: readonly string[],
	fetchImpl: typeof fetch = fetch
): Promise<ParquetColumns> {
	const read = await Promise.all(
		parts.map(({ url, byteLength, footerBytes }) =>
			readParquetColumns(url, byteLength, columns, fetchImpl, footerBytes).catch((error: Error) => {
				throw new Error(`${url}: ${error.message}`, { cause: error });
			})
		)
	);
	if (read.length === 1) return read[0];
	const rows = read.reduce((n, part) => n + part.rows, 0);
	const out: Record<string, unknown[]> = {};
	for (const column of columns) {
		const joined = new Array(rows);
		let at = 0;
		for (const part of read) {
			const values = part.columns[column];
			for (let i = 0; i < part.rows; i++) joined[at + i] = values[i];
			at += part.rows;
		}
		out[column] = joined;
	}
	return { rows, columns: out };
}

/** A Parquet file whose footer has been read: what is in it, and how to read more of it. */
export interface OpenParquet {
	url: string;
	file: AsyncBuffer;
	metadata: FileMetaData;
}

/** Fetches a file's footer (one range request when the manifest gives its length). */
export async function openParquet(
	{ url, byteLength, footerBytes = TAIL }: ParquetPart,
	fetchImpl: typeof fetch = fetch
): Promise<OpenParquet> {
	const remote = await asyncBufferFromUrl({ url, byteLength, fetch: fetchImpl });
	const file = cachedAsyncBuffer(remote, { minSize: 0 });
	const metadata = await parquetMetadataAsync(file, { initialFetchSize: footerBytes });
	return { url, file, metadata };
}

/** A date statistic as `YYYY-MM-DD` (hyparquet gives DATE statistics as Date objects). */
function isoDay(value: unknown): string | null {
	if (value instanceof Date) return value.toISOString().slice(0, 10);
	if (typeof value === 'string') return value.slice(0, 10);
	return null;
}

/**
 * The row groups whose `column` (a DATE) may hold a value from `min` to `max` (`YYYY-MM-DD`,
 * inclusive), by the min and max the writer recorded; a row group without them is included.
 */
export function rowGroupsOverlapping(
	metadata: FileMetaData,
	column: string,
	min: string,
	max: string
): number[] {
	const groups: number[] = [];
	metadata.row_groups.forEach((group, i) => {
		const chunk = group.columns.find((c) => c.meta_data?.path_in_schema.join('.') === column);
		const stats = chunk?.meta_data?.statistics;
		const low = isoDay(stats?.min_value ?? stats?.min);
		const high = isoDay(stats?.max_value ?? stats?.max);
		if (low === null || high === null || (low <= max && high >= min)) groups.push(i);
	});
	return groups;
}

/**
 * Reads chosen columns of the given row groups (in file order) of an open file: only those
 * groups' column chunks are fetched.
 */
export async function readRowGroups(
	{ file, metadata }: OpenParquet,
	groups: readonly number[],
	columns: readonly string[]
): Promise<ParquetColumns> {
	const starts: number[] = [];
	let at = 0;
	for (const group of metadata.row_groups) {
		starts.push(at);
		at += Number(group.num_rows);
	}
	// Neighbouring groups are read as one range of rows.
	const ranges: { start: number; end: number }[] = [];
	for (const g of [...groups].sort((a, b) => a - b)) {
		const start = starts[g];
		const end = start + Number(metadata.row_groups[g].num_rows);
		const last = ranges.at(-1);
		if (last && last.end === start) last.end = end;
		else ranges.push({ start, end });
	}
	const rows = ranges.reduce((n, r) => n + r.end - r.start, 0);
	const out: Record<string, unknown[]> = Object.fromEntries(
		columns.map((c) => [c, new Array(rows)])
	);
	let offset = 0;
	for (const { start, end } of ranges) {
		const base = offset;
		await parquetRead({
			file,
			metadata,
			columns: [...columns],
			rowStart: start,
			rowEnd: end,
			compressors,
			onChunk({ columnName, columnData, rowStart, rowEnd }) {
				const target = out[columnName];
				if (!target) return;
				const from = Math.max(rowStart, start);
				const to = Math.min(rowEnd, end);
				for (let i = from; i < to; i++) target[base + i - start] = columnData[i - rowStart];
			}
		});
		offset += end - start;
	}
	return { rows, columns: out };
}
