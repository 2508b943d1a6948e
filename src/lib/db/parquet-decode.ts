/**
 * One step of loading an aggregate: from a Parquet file on the server to folded columns ready for
 * Arrow. It opens the file (its footer, or all of a small file, kept for the next read), picks
 * the row groups that may hold the weeks asked for and have not been read yet, fetches them in
 * one range request, decodes them (hyparquet) and folds alike rows (arrow-columns.ts).
 *
 * It runs in the Parquet workers (parquet-worker.ts), off the main thread and two files at a
 * time, or on the main thread where workers cannot start.
 */
import { foldColumns, type Folded } from './arrow-columns.ts';
import {
	fetchRowGroups,
	openParquet,
	readRowGroups,
	rowGroupsOverlapping,
	type OpenParquet
} from './read-parquet.ts';
import type { ColumnType } from '../dataset/schema.ts';

export interface DecodeRequest {
	url: string;
	byteLength: number;
	footerBytes?: number;
	/** The period column (`week_end`, `month_end`) whose values `min` and `max` bound. */
	column: string;
	/** The periods wanted (in `column`, inclusive, `YYYY-MM-DD`). */
	min: string;
	max: string;
	/** Row groups already read: not read again. */
	skip: number[];
	types: Record<string, ColumnType>;
	counts: string[];
	/** Columns every row of the file has the same value in (its partition): not decoded. */
	constants: Record<string, string>;
	/** Fetch the file whole in one request if it is small (read-parquet.ts's `WHOLE_FILE_BYTES`). */
	whole: boolean;
}

export interface Decoded {
	/** The row groups read (none when every group that may hold the weeks was in `skip`). */
	groups: number[];
	/** How many row groups the file has. */
	totalGroups: number;
	/** Rows read from the file, before folding. */
	rows: number;
	folded: Folded | null;
	/** Milliseconds spent: opening (footer), fetching the row groups, decoding and folding. */
	ms: { open: number; fetch: number; decode: number };
}

/** The server refused a request (its status, and its plain-text reason as the message). */
export class HttpRefusal extends Error {
	override name = 'HttpRefusal';
	/** The HTTP status; 0 when the server did not answer at all. */
	readonly status: number;
	constructor(status: number, message: string) {
		super(message);
		this.status = status;
	}
}

/**
 * `fetch` that fails with {@link HttpRefusal} on any answer but a success, keeping the server's
 * reason (a damaged file's 503 names it), instead of leaving the Parquet reader to fail on it.
 */
export function refusingFetch(fetchImpl: typeof fetch): typeof fetch {
	return async (input, init) => {
		let response: Response;
		try {
			response = await fetchImpl(input, init);
		} catch {
			throw new HttpRefusal(0, 'the server did not answer');
		}
		if (!response.ok) {
			const text = await response.text().catch(() => '');
			throw new HttpRefusal(response.status, text.trim().split('\n')[0].slice(0, 500));
		}
		return response;
	};
}

/** A decoder that keeps each file it has opened, for the next read of it. */
export function parquetDecoder(given: typeof fetch = (...args) => fetch(...args)) {
	const fetchImpl = refusingFetch(given);
	const files = new Map<string, Promise<OpenParquet>>();
	return async function decode(request: DecodeRequest): Promise<Decoded> {
		const { url, byteLength, footerBytes } = request;
		let began = performance.now();
		let opened = files.get(url);
		if (!opened) {
			opened = openParquet({ url, byteLength, footerBytes }, fetchImpl, request.whole);
			files.set(url, opened);
			opened.catch(() => files.delete(url));
		}
		const parquet = await opened;
		const open = performance.now() - began;
		const totalGroups = parquet.metadata.row_groups.length;
		const groups = rowGroupsOverlapping(parquet.metadata, request.column, request.min, request.max);
		const wanted = groups.filter((g) => !request.skip.includes(g));
		if (wanted.length === 0)
			return { groups: [], totalGroups, rows: 0, folded: null, ms: { open, fetch: 0, decode: 0 } };
		// A file read to the end is not asked for again (the caller knows it is all loaded): its
		// footer, and a small file's bytes, need not be kept.
		if (wanted.length + request.skip.length >= totalGroups) files.delete(url);
		const columns = Object.keys(request.types).filter((c) => !(c in request.constants));
		began = performance.now();
		const fetched = await fetchRowGroups(parquet, wanted, columns);
		const fetch = performance.now() - began;
		began = performance.now();
		const data = await readRowGroups(fetched, wanted, columns);
		const folded = foldColumns(data.columns, request.types, request.counts, request.constants);
		const decode = performance.now() - began;
		return { groups: wanted, totalGroups, rows: data.rows, folded, ms: { open, fetch, decode } };
	};
}
