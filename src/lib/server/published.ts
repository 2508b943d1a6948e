/**
 * The published dataset as the server sees it: the folder `PATHWAY_INSIGHT_DATA` names, which is
 * a link to its current version (pipeline/swap.ts), and the versions it replaced, still in
 * `.NAME.versions/` for a while. Every version is known by a name used in URLs
 * (`/data/v/NAME/…`), so that an open page reads the version it started with to the end. A
 * version's manifest is checked against `manifest.sha256` and parsed before anything of it is
 * served: it says which files may be served, and each one's size and checksum.
 */
import { createHash } from 'node:crypto';
import { lstat, readFile, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { listedFiles, ManifestError, parseManifest } from '../dataset/manifest.ts';
import type { DatasetManifest } from '../dataset/schema.ts';
import { VERSION_NAME, versionsDir } from '../dataset/versions.ts';

/** One version of the dataset, read and checked. */
export interface Version {
	/** Its name in URLs. */
	name: string;
	/** Its folder, with every link resolved. */
	dir: string;
	manifest: DatasetManifest;
	/** The manifest's bytes as checked, served as they are. */
	manifestBytes: Buffer;
	manifestSha256: string;
	/** The files it may serve beside the manifest, with their sizes and checksums. */
	files: Map<string, { bytes: number; sha256: string }>;
}

/** Why the dataset cannot be served: 404 (none published) or 503 (its manifest is damaged). */
export class DatasetUnavailable extends Error {
	override name = 'DatasetUnavailable';
	readonly status: 404 | 503;
	constructor(status: 404 | 503, message: string) {
		super(message);
		this.status = status;
	}
}

const NO_DATASET =
	'No dataset is published here yet. Run the pipeline (npm run pipeline) into the folder this server reads (PATHWAY_INSIGHT_DATA).';

/** Versions whose manifests are kept in memory (the current one and those pages still read). */
const MAX_VERSIONS = 8;

/** A file's identity on disk: a change of any part means it must be read again. */
async function fingerprint(path: string): Promise<string | null> {
	const info = await stat(path, { bigint: true }).catch(() => null);
	return info ? `${info.dev}:${info.ino}:${info.size}:${info.mtimeNs}:${info.ctimeNs}` : null;
}

export class PublishedDataset {
	readonly root: string;
	/** Versions read so far, by folder, with the fingerprint of the manifest they were read from. */
	readonly #versions = new Map<string, { print: string; version: Version }>();

	constructor(root: string) {
		this.root = resolve(root);
	}

	/** The current version: the folder the dataset's link points at. */
	async current(): Promise<Version> {
		const dir = await realpath(this.root).catch(() => null);
		if (dir === null) throw new DatasetUnavailable(404, NO_DATASET);
		return this.#read(dir);
	}

	/**
	 * The version called `name`, current or kept; null when there is none (any more). A version
	 * whose manifest is damaged throws {@link DatasetUnavailable} (503), as the current one does.
	 */
	async version(name: string): Promise<Version | null> {
		if (!VERSION_NAME.test(name)) return null;
		const versions = await realpath(versionsDir(this.root)).catch(() => null);
		if (versions !== null) {
			// A kept version is a folder of the versions folder itself, never a link out of it.
			const dir = await realpath(join(versions, name)).catch(() => null);
			if (dir !== null && dirname(dir) === versions) return this.#readIfThere(dir);
		}
		// A dataset folder written some other way is named by its manifest: only the current one.
		const current = await this.current().catch((error) => {
			if (error instanceof DatasetUnavailable && error.status === 404) return null;
			throw error;
		});
		return current?.name === name ? current : null;
	}

	/** The version in `dir`, or null when it has no manifest (removed, or never finished). */
	async #readIfThere(dir: string): Promise<Version | null> {
		try {
			return await this.#read(dir);
		} catch (error) {
			if (error instanceof DatasetUnavailable && error.status === 404) return null;
			throw error;
		}
	}

	async #read(dir: string): Promise<Version> {
		const path = join(dir, 'manifest.json');
		const print = await fingerprint(path);
		if (print === null) throw new DatasetUnavailable(404, NO_DATASET);
		const cached = this.#versions.get(dir);
		if (cached?.print === print && cached.version) {
			// The most recently used last: the oldest are let go beyond a handful.
			this.#versions.delete(dir);
			this.#versions.set(dir, cached);
			return cached.version;
		}
		// Read only as files of the version itself, never through a link.
		const regular = async (file: string) => {
			const info = await lstat(join(dir, file)).catch(() => null);
			return info?.isFile() ? readFile(join(dir, file)) : null;
		};
		const [bytes, sidecarBytes] = await Promise.all([
			regular('manifest.json'),
			regular('manifest.sha256')
		]);
		if (bytes === null) {
			throw new DatasetUnavailable(
				503,
				'The dataset manifest (manifest.json) is not a file of the dataset folder: publish the dataset again.'
			);
		}
		const sidecar = sidecarBytes?.toString('utf8') ?? null;
		const sha256 = createHash('sha256').update(bytes).digest('hex');
		const expected = sidecar?.match(/^[0-9a-f]{64}/)?.[0];
		if (!expected) {
			throw new DatasetUnavailable(
				503,
				'The dataset has no manifest.sha256 beside its manifest, so its files cannot be checked: publish the dataset again.'
			);
		}
		if (expected !== sha256) {
			throw new DatasetUnavailable(
				503,
				'The dataset manifest (manifest.json) is damaged: it does not match its checksum in manifest.sha256. Publish the dataset again.'
			);
		}
		let manifest: DatasetManifest;
		try {
			manifest = parseManifest(JSON.parse(bytes.toString('utf8')));
		} catch (error) {
			const message =
				error instanceof ManifestError
					? error.message
					: 'The dataset manifest is not valid JSON: publish the dataset again.';
			throw new DatasetUnavailable(503, message);
		}
		const versions = await realpath(versionsDir(this.root)).catch(() => null);
		const own = basename(dir);
		// A dataset folder written some other way (not by our swap) is named by its manifest.
		const name =
			dirname(dir) === versions && VERSION_NAME.test(own) ? own : `m-${sha256.slice(0, 20)}`;
		const version: Version = {
			name,
			dir,
			manifest,
			manifestBytes: bytes,
			manifestSha256: sha256,
			files: listedFiles(manifest)
		};
		this.#versions.delete(dir);
		this.#versions.set(dir, { print, version });
		while (this.#versions.size > MAX_VERSIONS)
			this.#versions.delete(this.#versions.keys().next().value!);
		return version;
	}
}
