/**
 * Answers a GET or HEAD for one served file with byte ranges and validators: 200 with the whole
 * file, 206 with one range, 416 for a range outside it, 304 when the browser's copy is current
 * (`If-None-Match` with this ETag, a list holding it, or `*`). Every answer carries the headers a
 * data file needs: never sniffed as another type, never run as a page, no referrer.
 */
import type { FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import fresh from 'fresh';
import parseRange from 'range-parser';

/** Headers on every answer under /data, errors included. */
export const DATA_HEADERS: Readonly<Record<string, string>> = {
	'x-content-type-options': 'nosniff',
	'referrer-policy': 'no-referrer',
	// A data file opened as a page can run nothing and load nothing.
	'content-security-policy': "default-src 'none'; frame-ancestors 'none'; sandbox"
};

/** A version's files never change under their URL: the browser may keep them. */
export const IMMUTABLE = 'private, max-age=31536000, immutable';

/** A plain-text answer (errors, refusals), never cached. */
export function plain(status: number, message: string): Response {
	return new Response(`${message}\n`, {
		status,
		headers: {
			...DATA_HEADERS,
			'content-type': 'text/plain; charset=utf-8',
			'cache-control': 'no-store'
		}
	});
}

/** JSON worked out for this request (the current version, the integrity sweep), never cached. */
export function json(value: unknown): Response {
	return new Response(`${JSON.stringify(value)}\n`, {
		headers: {
			...DATA_HEADERS,
			'content-type': 'application/json',
			'cache-control': 'no-store'
		}
	});
}

export interface ServedFile {
	size: number;
	/** A strong validator: the file's SHA-256 from the manifest, quoted. */
	etag: string;
	contentType: string;
	cacheControl: string;
	/**
	 * The bytes: a file already open (the very file that was checked; it is closed when the
	 * answer is sent), or bytes held in memory.
	 */
	source: { handle: FileHandle } | { bytes: Buffer };
}

/** The answer to `request` for `file`, honouring Range, If-Range and If-None-Match. */
export function serveFile(file: ServedFile, request: Request): Response {
	const answer = respond(file, request);
	// An open file with no body to send is closed now; one with a body, when it has been sent.
	if ('handle' in file.source && answer.body === null) void file.source.handle.close();
	return answer;
}

function respond(file: ServedFile, request: Request): Response {
	const headers = new Headers({
		...DATA_HEADERS,
		'accept-ranges': 'bytes',
		'content-type': file.contentType,
		'cache-control': file.cacheControl,
		etag: file.etag
	});
	const conditions = Object.fromEntries(request.headers);
	if (fresh(conditions, { etag: file.etag })) return new Response(null, { status: 304, headers });

	let start = 0;
	let end = file.size - 1;
	let status = 200;
	const range = request.headers.get('range');
	const ifRange = request.headers.get('if-range');
	if (range && (!ifRange || ifRange === file.etag)) {
		const ranges = parseRange(file.size, range, { combine: true });
		if (ranges === -1) {
			headers.set('content-range', `bytes */${file.size}`);
			return new Response(null, { status: 416, headers });
		}
		// One range is all a Parquet reader asks for; for several we send the whole file.
		if (ranges !== -2 && ranges.type === 'bytes' && ranges.length === 1) {
			({ start, end } = ranges[0]);
			status = 206;
			headers.set('content-range', `bytes ${start}-${end}/${file.size}`);
		}
	}
	const length = file.size === 0 ? 0 : end - start + 1;
	headers.set('content-length', String(length));
	if (request.method === 'HEAD' || length === 0) return new Response(null, { status, headers });
	const body =
		'bytes' in file.source
			? new Uint8Array(file.source.bytes.subarray(start, end + 1))
			: (Readable.toWeb(
					file.source.handle.createReadStream({ start, end, autoClose: true })
				) as ReadableStream<Uint8Array>);
	return new Response(body, { status, headers });
}
