/**
 * What `/data/…` serves, and in what order it refuses:
 * - `manifest.json`: which version is current (`{ version, builtAt }`), never cached;
 * - `integrity.json`: what the background check of the current version's files has found;
 * - `v/VERSION/FILE`: a file of that version, when its manifest lists it, kept by the browser
 *   for good (a version never changes). The manifest is the only list: a file it does not name,
 *   or whose real path leaves the version's folder (a link), is 404, however it is named. Then
 *   (when sign-in comes) 401 and 403; then 503 for a damaged file, with a message naming it;
 *   then the file itself (416 / 206 / 200 / 304).
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { IMMUTABLE, json, plain, serveFile } from './http-file.ts';
import { fileIdentity, Integrity, resolveInside } from './integrity.ts';
import { DatasetUnavailable, PublishedDataset, type Version } from './published.ts';

const CONTENT_TYPES: Record<string, string> = {
	json: 'application/json',
	parquet: 'application/vnd.apache.parquet'
};

const GONE =
	'This dataset version is not served here: a newer one has been published and this one removed. Reload the page to see the current dataset.';

/** A listed file that cannot be served as it is: the message a user reads, naming it. */
export const damagedMessage = (file: string, problem: string) =>
	`The dataset file ${file} ${problem}. No figure is drawn from it: publish the dataset again (npm run pipeline).`;

export class DataServer {
	readonly dataset: PublishedDataset;
	readonly integrity = new Integrity();

	constructor(root: string) {
		this.dataset = new PublishedDataset(root);
	}

	/** The answer to a GET or HEAD of `/data/<path>`. */
	handle(path: string, request: Request): Promise<Response> {
		return this.integrity.request(() => this.#answer(path, request));
	}

	async #answer(path: string, request: Request): Promise<Response> {
		if (path === 'manifest.json' || path === 'integrity.json') {
			let current: Version;
			try {
				current = await this.dataset.current();
			} catch (error) {
				if (error instanceof DatasetUnavailable) return plain(error.status, error.message);
				throw error;
			}
			this.integrity.sweep(current);
			if (path === 'integrity.json') return json(this.integrity.status(current));
			return json({ version: current.name, builtAt: current.manifest.builtAt });
		}
		const match = /^v\/([^/]+)\/(.+)$/.exec(path);
		if (!match) return plain(404, 'Not found');
		const [, name, file] = match;
		let version: Version | null;
		try {
			version = await this.dataset.version(name);
		} catch (error) {
			if (error instanceof DatasetUnavailable) return plain(error.status, error.message);
			throw error;
		}
		if (!version) return plain(404, GONE);
		if (file === 'manifest.json') {
			return serveFile(
				{
					size: version.manifestBytes.length,
					etag: `"${version.manifestSha256}"`,
					contentType: CONTENT_TYPES.json,
					cacheControl: IMMUTABLE,
					source: { bytes: version.manifestBytes }
				},
				request
			);
		}
		const listed = version.files.get(file);
		if (!listed) return plain(404, 'Not found');
		const real = await resolveInside(version, file);
		if (real === null) return plain(404, 'Not found');
		// Entitlement (sign-in: 401, 403) is checked here, before any file is read or hashed.
		const found = await this.integrity.check(version, file);
		if (!found.ok) return plain(503, damagedMessage(file, found.problem));
		// The very file that was checked is sent: opened without following a link, and refused if
		// it is not the one checked (replaced on disk since), as what is sent is kept for a year.
		const handle = await open(
			join(version.dir, file),
			constants.O_RDONLY | constants.O_NOFOLLOW
		).catch(() => null);
		if (!handle) return plain(503, damagedMessage(file, 'is missing'));
		const info = await handle.stat({ bigint: true }).catch(() => null);
		if (!info || fileIdentity(info) !== found.print) {
			await handle.close();
			return plain(503, damagedMessage(file, 'changed on disk while it was being checked'));
		}
		return serveFile(
			{
				size: Number(info.size),
				etag: `"${listed.sha256}"`,
				contentType: CONTENT_TYPES[file.split('.').pop()!] ?? 'application/octet-stream',
				cacheControl: IMMUTABLE,
				source: { handle }
			},
			request
		);
	}
}

const servers = new Map<string, DataServer>();

/** The one server of the dataset folder `root` (its checks are kept between requests). */
export function dataServer(root: string): DataServer {
	let server = servers.get(root);
	if (!server) servers.set(root, (server = new DataServer(root)));
	return server;
}

/** Where a benchmark dataset is served: `/data/benchmark/…`, with the same checks as `/data/…`. */
export const BENCHMARK_PREFIX = 'benchmark/';

/**
 * The answer to `/data/<path>`: the dataset folder's, or, under `benchmark/`, the benchmark
 * folder's (NHS England's published statistics beside local data), each served and checked the
 * same way. With no benchmark folder set, `benchmark/…` is 404, saying how to set one.
 */
export function serveData(
	folders: { dataset: string; benchmark: string | null },
	path: string,
	request: Request
): Promise<Response> {
	if (path.startsWith(BENCHMARK_PREFIX)) {
		if (!folders.benchmark)
			return Promise.resolve(
				plain(
					404,
					'No benchmark dataset is served here: set PATHWAY_INSIGHT_BENCHMARK to a folder published by npm run import:rtt.'
				)
			);
		return dataServer(folders.benchmark).handle(path.slice(BENCHMARK_PREFIX.length), request);
	}
	return dataServer(folders.dataset).handle(path, request);
}
