/**
 * Reads the dataset's JSON files for pages that need no query engine (data quality): the manifest
 * and run report, which must be there, and `quality.json`, which may not be. A missing or damaged
 * dataset gives the same plain messages as the overview (src/lib/db/dataset.ts).
 */
import { SUPPORTED_SCHEMA_VERSION, type DatasetManifest } from '../dataset/schema.ts';
import type { QualityFile, RunReportFile } from './files.ts';

/** A problem with the dataset itself, said so that the person running the app can fix it. */
export class DatasetFileError extends Error {
	override name = 'DatasetFileError';
}

const NO_ANSWER = 'The server did not answer. Check that pathway-insight is still running.';
const NO_DATASET =
	'No dataset is published here yet. Run the pipeline (npm run pipeline) into the folder this server reads (PATHWAY_INSIGHT_DATA).';

async function get(url: string, fetcher: typeof fetch): Promise<Response> {
	try {
		return await fetcher(url, { cache: 'no-cache' });
	} catch {
		throw new DatasetFileError(NO_ANSWER);
	}
}

/** The manifest, checked as the overview checks it. */
export async function fetchManifest(
	base = '/data',
	fetcher: typeof fetch = fetch
): Promise<DatasetManifest> {
	const response = await get(`${base}/manifest.json`, fetcher);
	if (response.status === 404) throw new DatasetFileError(NO_DATASET);
	if (!response.ok)
		throw new DatasetFileError(`The dataset manifest could not be read (HTTP ${response.status}).`);
	const manifest = (await response.json().catch(() => null)) as DatasetManifest | null;
	if (!manifest || typeof manifest.schemaVersion !== 'number' || !manifest.tables) {
		throw new DatasetFileError('The dataset manifest is damaged: publish the dataset again.');
	}
	if (manifest.schemaVersion !== SUPPORTED_SCHEMA_VERSION) {
		throw new DatasetFileError(
			`The dataset has schema version ${manifest.schemaVersion}; this dashboard reads version ${SUPPORTED_SCHEMA_VERSION}. Publish it again with this version's pipeline.`
		);
	}
	return manifest;
}

/** The run report; every published dataset has one. */
export async function fetchRunReport(
	base = '/data',
	fetcher: typeof fetch = fetch
): Promise<RunReportFile> {
	const response = await get(`${base}/run-report.json`, fetcher);
	if (!response.ok) {
		throw new DatasetFileError(
			response.status === 404
				? 'The dataset has no run report (run-report.json): publish it again.'
				: `The run report could not be read (HTTP ${response.status}).`
		);
	}
	const report = (await response.json().catch(() => null)) as RunReportFile | null;
	if (!report || typeof report.read !== 'number' || !Array.isArray(report.files)) {
		throw new DatasetFileError('The run report is damaged: publish the dataset again.');
	}
	return report;
}

/** `quality.json`, or null when this dataset was published without it. */
export async function fetchQuality(
	base = '/data',
	fetcher: typeof fetch = fetch
): Promise<QualityFile | null> {
	const response = await get(`${base}/quality.json`, fetcher).catch(() => null);
	if (!response?.ok) return null;
	const quality = (await response.json().catch(() => null)) as QualityFile | null;
	return quality && typeof quality.completeness?.pathways === 'number' ? quality : null;
}
