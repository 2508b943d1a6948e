/**
 * The published dataset as a page reads it: `/data/manifest.json` says which version is
 * current, and every file of that version is then read under `/data/v/VERSION/`, so a page
 * reads one version to the end even when a newer one is published while it is open (the
 * server keeps the versions it replaced for a while). A file the server refuses is said in
 * words a user can act on: damaged (503, the server's message names the file), or its version
 * gone (404).
 */
import { ManifestError, parseManifest } from './manifest.ts';
import type { DatasetManifest } from './schema.ts';

/** A problem with the dataset itself, said so that the person running the app can fix it. */
export class DatasetError extends Error {
	override name = 'DatasetError';
}

/** A file of the dataset that the server found damaged (503): no figure is drawn from it. */
export class DamagedFileError extends DatasetError {
	override name = 'DamagedFileError';
	readonly file: string;
	constructor(file: string, message: string) {
		super(message);
		this.file = file;
	}
}

/** Dispatched on `window` when a request finds the page's version gone: look again now. */
/** The server has no dataset in that folder (its manifest is 404): nothing is published there. */
export class NoDatasetError extends DatasetError {
	override name = 'NoDatasetError';
}

export const CHECK_VERSION_EVENT = 'pathway-insight:check-version';

/** The version this page was reading has been removed from the server (404 under it). */
export class VersionGoneError extends DatasetError {
	override name = 'VersionGoneError';
	constructor(message: string) {
		super(message);
		// The banner that offers the current version looks at once.
		globalThis.dispatchEvent?.(new Event(CHECK_VERSION_EVENT));
	}
}

export const NO_ANSWER = 'The server did not answer. Check that pathway-insight is still running.';

/** Which version is current, as `/data/manifest.json` says. */
export interface CurrentVersion {
	version: string;
	builtAt: string;
}

/** One version of the dataset, opened: its manifest and where its files are. */
export interface PublishedVersion extends CurrentVersion {
	/** The URL its files are under: `/data/v/VERSION`. */
	base: string;
	manifest: DatasetManifest;
}

async function request(url: string, init?: RequestInit): Promise<Response> {
	try {
		return await fetch(url, init);
	} catch {
		throw new DatasetError(NO_ANSWER);
	}
}

/** The server's own words for a refusal (it always sends plain text), kept to one paragraph. */
async function said(response: Response): Promise<string> {
	const text = await response.text().catch(() => '');
	return text.trim().split('\n')[0].slice(0, 500);
}

/**
 * The error to show for a refused request of `file`: damaged (503) or gone (404) as the server
 * says, or the status.
 */
export async function refusal(response: Response, file: string): Promise<DatasetError> {
	const message = await said(response);
	if (response.status === 503)
		return new DamagedFileError(
			file,
			message || `The dataset file ${file} is damaged: publish the dataset again.`
		);
	if (response.status === 404)
		return new VersionGoneError(
			message ||
				'This dataset version is no longer on the server. Reload the page to see the current dataset.'
		);
	return new DatasetError(`The dataset file ${file} could not be read (HTTP ${response.status}).`);
}

/** Asks the server which version is current (never from a cache). */
export async function currentVersion(root = '/data'): Promise<CurrentVersion> {
	const response = await request(`${root}/manifest.json`, { cache: 'no-store' });
	if (!response.ok) {
		const message = await said(response);
		if (response.status === 404)
			throw new NoDatasetError(
				message ||
					'No dataset is published here yet. Run the pipeline (npm run pipeline) into the folder this server reads (PATHWAY_INSIGHT_DATA).'
			);
		throw new DatasetError(message || `The dataset could not be read (HTTP ${response.status}).`);
	}
	const pointer = (await response.json().catch(() => null)) as Partial<CurrentVersion> | null;
	if (typeof pointer?.version !== 'string' || !/^[A-Za-z0-9_-]+$/.test(pointer.version)) {
		throw new DatasetError(
			'The server did not say which dataset version is current: publish the dataset again.'
		);
	}
	return { version: pointer.version, builtAt: String(pointer.builtAt ?? '') };
}

async function open(root: string): Promise<PublishedVersion> {
	const current = await currentVersion(root);
	const base = `${root}/v/${current.version}`;
	const response = await request(`${base}/manifest.json`);
	if (!response.ok) throw await refusal(response, 'manifest.json');
	const json = await response.json().catch(() => null);
	try {
		return { ...current, base, manifest: parseManifest(json) };
	} catch (error) {
		throw error instanceof ManifestError ? new DatasetError(error.message) : error;
	}
}

const opened = new Map<string, Promise<PublishedVersion>>();

/**
 * The version that was current when the page first asked, opened once and shared by the page:
 * one for each folder served (`/data`, and `/data/benchmark` for published statistics).
 */
export function openPublished(root = '/data'): Promise<PublishedVersion> {
	let opening = opened.get(root);
	if (!opening) {
		opening = open(root).catch((error) => {
			opened.delete(root);
			throw error;
		});
		opened.set(root, opening);
	}
	return opening;
}

/**
 * A JSON file of the version (`first-view.json`, `reference.json`, `quality.json`,
 * `run-report.json`): null when the version has none; a refusal (damaged, gone) is thrown.
 */
export async function fetchDocument<T>(version: PublishedVersion, file: string): Promise<T | null> {
	if (!version.manifest.documents.some((d) => d.file === file)) return null;
	const response = await request(`${version.base}/${file}`);
	if (!response.ok) throw await refusal(response, file);
	const json = (await response.json().catch(() => undefined)) as T | undefined;
	if (json === undefined)
		throw new DamagedFileError(
			file,
			`The dataset file ${file} is not valid JSON: publish the dataset again.`
		);
	return json;
}
