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
