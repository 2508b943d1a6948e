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

/** Footer bytes fetched first; our footers are a few KB, and more is fetched only if needed. */
const FOOTER_FETCH = 32 * 1024;

export interface ParquetColumns {
	rows: number;
	columns: Record<string, unknown[]>;
}

export async function readParquetColumns(
	url: string,
	byteLength: number,
	columns: readonly string[],
	fetchImpl: typeof fetch = fetch
): Promise<ParquetColumns> {
	const remote = await asyncBufferFromUrl({ url, byteLength, fetch: fetchImpl });
	const file = cachedAsyncBuffer(remote, { minSize: 0 });
	const metadata = await parquetMetadataAsync(file, { initialFetchSize: FOOTER_FETCH });
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
