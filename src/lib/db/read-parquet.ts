/**
 * Reads chosen columns and row groups of a Parquet file over HTTP with range requests
 * (hyparquet): the footer first, then only the row groups asked for. DuckDB-WASM's own Parquet
 * reader is an extension it would download from the internet, which NHS networks and this app
 * do not allow.
 */
import {
	asyncBufferFromUrl,
	cachedAsyncBuffer,
	parquetMetadata,
	parquetMetadataAsync,
	parquetRead
} from 'hyparquet';
import type { AsyncBuffer, ColumnMetaData, FileMetaData } from 'hyparquet';
import { decompress as zstd } from 'fzstd';

/**
 * The pipeline writes every file with ZSTD: its decoder alone (hyparquet-compressors' others,
 * Brotli's dictionary above all, would triple the Parquet worker's size for codecs never used).
 * Snappy and uncompressed pages hyparquet reads itself.
 */
const compressors = { ZSTD: (input: Uint8Array) => zstd(input) };

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

/** One Parquet file to read: where it is, how long and its footer's length (from the manifest). */
export interface ParquetPart {
	url: string;
	byteLength: number;
	footerBytes?: number;
}

/** A Parquet file whose footer has been read: what is in it, and how to read more of it. */
export interface OpenParquet {
	url: string;
	/** The file: its bytes, when it was fetched whole, or reads of it over the network. */
	file: AsyncBuffer | ArrayBuffer;
	metadata: FileMetaData;
}

/**
 * A file at most this long, when its reader will need all of it, is fetched whole: footer and
 * data in one range request instead of one for the footer and then one for the data. A
 * provider's flows files, sorted by their filters, have every week in every row group, so a
 * period reads them whole anyway; at England they are 50–70 KB, the largest 187 KB.
 */
export const WHOLE_FILE_BYTES = 256 * 1024;

/**
 * Opens a file: fetches its footer (one range request when the manifest gives its length), or,
 * with `whole` and a file of at most {@link WHOLE_FILE_BYTES}, the whole file in one range
 * request.
 */
export async function openParquet(
	{ url, byteLength, footerBytes = TAIL }: ParquetPart,
	fetchImpl: typeof fetch = fetch,
	whole = false
): Promise<OpenParquet> {
	const remote = await asyncBufferFromUrl({ url, byteLength, fetch: fetchImpl });
	if (whole && byteLength <= WHOLE_FILE_BYTES) {
		const whole = await remote.slice(0, byteLength);
		if (whole.byteLength !== byteLength)
			throw new Error(`expected ${byteLength} bytes, the server sent ${whole.byteLength}`);
		return { url, file: whole, metadata: parquetMetadata(whole) };
	}
	const file = cachedAsyncBuffer(remote, { minSize: 0 });
	const metadata = await parquetMetadataAsync(file, { initialFetchSize: footerBytes });
	return { url, file, metadata };
}

/** Where a column chunk's pages start: its dictionary page, if it has one, else its first data page. */
function chunkStart(meta: ColumnMetaData): number {
	const dictionary = Number(meta.dictionary_page_offset ?? 0);
	const data = Number(meta.data_page_offset);
	return dictionary > 0 && dictionary < data ? dictionary : data;
}

/**
 * Fetches, in one range request, the bytes of the chosen columns of the given row groups (from
 * the first such column chunk to the end of the last), and gives a file that answers reads of
 * them from memory. Decoding then waits on no network, so it can take its turn on the main
 * thread whole.
 */
export async function fetchRowGroups(
	open: OpenParquet,
	groups: readonly number[],
	columns: readonly string[]
): Promise<OpenParquet> {
	let start = Infinity;
	let end = 0;
	for (const g of groups) {
		for (const chunk of open.metadata.row_groups[g].columns) {
			const meta = chunk.meta_data;
			if (!meta || !columns.includes(meta.path_in_schema.join('.'))) continue;
			const from = chunkStart(meta);
			start = Math.min(start, from);
			end = Math.max(end, from + Number(meta.total_compressed_size));
		}
	}
	if (!(start < end) || open.file instanceof ArrayBuffer) return open;
	const { file } = open;
	const bytes = await file.slice(start, end);
	const spanned: AsyncBuffer = {
		byteLength: file.byteLength,
		slice: (from, to = file.byteLength) =>
			from >= start && to <= end ? bytes.slice(from - start, to - start) : file.slice(from, to)
	};
	return { ...open, file: spanned };
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

/** Days since 1970 of a count of `unit` since 1970 (a timestamp, local time as written). */
const dayOf = (value: bigint | number | null | undefined, unit: number) =>
	value === null || value === undefined ? value : Math.floor(Number(value) / unit);

/**
 * Dates as hyparquet reads them, days since 1970: a Date object per row costs a fifth of a read.
 * Timestamps (an appointment's booking and cancellation) come as their calendar dates, the only
 * part of them the dashboard reads (docs/definitions.md "Dates, weeks and periods").
 */
const DAYS = {
	dateFromDays: (days: number) => days,
	timestampFromMilliseconds: (ms: bigint | number) => dayOf(ms, 86_400_000),
	timestampFromMicroseconds: (us: bigint | number) => dayOf(us, 86_400_000_000),
	timestampFromNanoseconds: (ns: bigint | number) => dayOf(ns, 86_400_000_000_000)
};

/**
 * Reads chosen columns of the given row groups (in file order) of an open file: only those
 * groups' column chunks are fetched. DATE columns come as days since 1970 (numbers).
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
			parsers: DAYS,
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
