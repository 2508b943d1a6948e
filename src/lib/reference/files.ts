/**
 * The two small JSON files the pipeline writes beside the manifest for the dashboard
 * (data-pipelines/pipeline/reference.ts): names for the codes in the data, and how complete the
 * optional patient attributes are. Both are optional: a dataset without them shows codes only
 * and says completeness is not available.
 */

/** `reference.json`: a name for each code in the data that has one. Unknown codes are absent. */
export interface ReferenceFile {
	specialties: Record<string, string>;
	providers: Record<string, string>;
	commissioners: Record<string, string>;
	/** Where the names came from, in the order they were applied (later ones win). */
	sources: string[];
}

/** The kinds of code `reference.json` names. */
export type ReferenceKind = 'specialties' | 'providers' | 'commissioners';

/**
 * Names by code with no prototype: a code from a URL (`?provider=__proto__`, `constructor`) looks
 * up nothing rather than one of Object's own members.
 */
export function namesByCode(
	entries: Iterable<readonly [string, string]> = []
): Record<string, string> {
	const names = Object.create(null) as Record<string, string>;
	for (const [code, name] of entries) names[code] = name;
	return names;
}

export const EMPTY_REFERENCE: ReferenceFile = Object.freeze({
	specialties: namesByCode(),
	providers: namesByCode(),
	commissioners: namesByCode(),
	sources: []
});

/** Optional patient attributes whose completeness `quality.json` measures, in display order. */
export const COMPLETENESS_FIELDS = ['ethnicity', 'imdDecile', 'sex', 'ageBand'] as const;
export type CompletenessField = (typeof COMPLETENESS_FIELDS)[number];

/** Pathways (one per referral received) and how many of them have each attribute known. */
export interface CompletenessCounts {
	pathways: number;
	known: Record<CompletenessField, number>;
}

/** `quality.json`: measures of the published data that the run report does not hold. */
export interface QualityFile {
	completeness: CompletenessCounts & {
		/** The same counts for each provider, by provider code. */
		byProvider: (CompletenessCounts & { provider: string })[];
	};
}

/** Counts of rows, as the run report holds them overall and for each file. */
export interface RowCounts {
	read: number;
	accepted: number;
	duplicates: number;
	quarantined: number;
	/** Quarantined rows by rule; they add up to `quarantined`. */
	rules: Record<string, number>;
	/** Accepted rows with an optional value set to unknown, by rule. */
	warnings: Record<string, number>;
}

/**
 * `run-report.json` as the dashboard reads it: the part of the pipeline's run report
 * (data-pipelines/pipeline/report.ts) the data quality page shows. A unit test keeps the two in step.
 */
export interface RunReportFile extends RowCounts {
	extractDate: string;
	dataPeriod: { from: string; to: string } | null;
	files: (RowCounts & {
		file: string;
		format: string;
		missingColumns: string[];
		extraColumns: string[];
		notices: string[];
	})[];
	examples: { file: string; line: number; rule: string; reason: string }[];
	pseudonymisation: { method: string; demoKey: boolean };
	seconds: number;
}
