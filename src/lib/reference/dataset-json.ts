/**
 * Reads the dataset's JSON files for pages that need no query engine (data quality): the run
 * report, which every dataset has, `quality.json`, which it may not, and what the server's check
 * of the files has found (`/data/integrity.json`). All of one version (src/lib/dataset/published.ts).
 */
import {
	DatasetError,
	fetchDocument,
	NO_ANSWER,
	type PublishedVersion
} from '../dataset/published.ts';
import type { IntegrityStatus } from '../dataset/integrity.ts';
import type { QualityFile, RunReportFile } from './files.ts';

/** The run report; every published dataset has one. */
export async function fetchRunReport(version: PublishedVersion): Promise<RunReportFile> {
	const report = await fetchDocument<RunReportFile>(version, 'run-report.json');
	if (report === null)
		throw new DatasetError('The dataset has no run report (run-report.json): publish it again.');
	if (typeof report.read !== 'number' || !Array.isArray(report.files)) {
		throw new DatasetError('The run report is damaged: publish the dataset again.');
	}
	return report;
}

/** `quality.json`, or null when this dataset was published without it. */
export async function fetchQuality(version: PublishedVersion): Promise<QualityFile | null> {
	const quality = await fetchDocument<QualityFile>(version, 'quality.json');
	return quality && typeof quality.completeness?.pathways === 'number' ? quality : null;
}

/** `/data/integrity.json`: the server's check of every file of the current version. */
export async function fetchIntegrity(root = '/data'): Promise<IntegrityStatus> {
	let response: Response;
	try {
		response = await fetch(`${root}/integrity.json`, { cache: 'no-store' });
	} catch {
		throw new DatasetError(NO_ANSWER);
	}
	const status = (await response.json().catch(() => null)) as IntegrityStatus | null;
	if (!response.ok || typeof status?.files !== 'number' || !Array.isArray(status.damaged))
		throw new DatasetError(
			`The server's check of the dataset's files could not be read (HTTP ${response.status}).`
		);
	return status;
}
