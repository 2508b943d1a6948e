/**
 * Serves the published dataset folder over HTTP with byte ranges, so the browser reads only the
 * Parquet footer and column chunks it needs. Only the files a browser may load are served:
 * the manifest, the run report, the names of the codes in the data (`reference.json`), the data
 * quality measures (`quality.json`), the default views worked out at publishing (`first-view.json`)
 * and Parquet, in folders too (`pathways/provider=RBD/…`); never
 * the quarantine (it keeps rows as written).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import parseRange from 'range-parser';

const SERVED =
	/^(manifest\.json|run-report\.json|reference\.json|quality\.json|first-view\.json|[A-Za-z0-9_=/-]+\.parquet)$/;

const CONTENT_TYPES: Record<string, string> = {
	json: 'application/json',
	parquet: 'application/vnd.apache.parquet'
};

/** The dataset folder: `PATHWAY_INSIGHT_DATA`, else `data/demo-icb` (npm start's demo). */
export function datasetDir(env: Record<string, string | undefined>): string {
	return resolve(env.PATHWAY_INSIGHT_DATA || 'data/demo-icb');
}

function plain(status: number, message: string): Response {
	return new Response(`${message}\n`, {
		status,
		headers: { 'content-type': 'text/plain; charset=utf-8' }
	});
}

/**
 * Answers a GET or HEAD for `name` inside `dir`: 200 with the whole file, 206 with one range,
 * 416 for a range outside the file, 404 for anything not served.
 */
export async function serveDatasetFile(
	dir: string,
	name: string,
	request: Request
): Promise<Response> {
	if (!SERVED.test(name) || name.split('/').includes('..')) return plain(404, 'Not found');
	const path = resolve(dir, name);
	if (!path.startsWith(dir + sep)) return plain(404, 'Not found');
	const info = await stat(path).catch(() => null);
	if (!info?.isFile()) return plain(404, `No ${name} in the dataset`);

	const etag = `"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
	const headers = new Headers({
		'accept-ranges': 'bytes',
		'content-type': CONTENT_TYPES[name.split('.').pop()!],
		etag,
		'last-modified': info.mtime.toUTCString(),
		// Revalidate every time: a newly published dataset must show at once.
		'cache-control': 'no-cache'
	});
	if (request.headers.get('if-none-match') === etag)
		return new Response(null, { status: 304, headers });

	let start = 0;
	let end = info.size - 1;
	let status = 200;
	const range = request.headers.get('range');
	const ifRange = request.headers.get('if-range');
	if (range && (!ifRange || ifRange === etag)) {
		const ranges = parseRange(info.size, range, { combine: true });
		if (ranges === -1) {
			headers.set('content-range', `bytes */${info.size}`);
			return new Response(null, { status: 416, headers });
		}
		// One range is all a Parquet reader asks for; for several we send the whole file.
		if (ranges !== -2 && ranges.type === 'bytes' && ranges.length === 1) {
			({ start, end } = ranges[0]);
			status = 206;
			headers.set('content-range', `bytes ${start}-${end}/${info.size}`);
		}
	}
	const length = info.size === 0 ? 0 : end - start + 1;
	headers.set('content-length', String(length));
	if (request.method === 'HEAD' || length === 0) return new Response(null, { status, headers });
	const body = Readable.toWeb(createReadStream(path, { start, end })) as ReadableStream<Uint8Array>;
	return new Response(body, { status, headers });
}
