/**
 * Reading a published manifest that may be damaged, old or not ours: the server reads it to know
 * what it may serve and what each file's checksum is, the dashboard to know what to load. Both
 * go through {@link parseManifest}, which says what is wrong and to publish again, so that a page
 * given a manifest it cannot use says so rather than waiting for ever.
 */
import * as v from 'valibot';
import { SUPPORTED_SCHEMA_VERSION, type DatasetManifest } from './schema.ts';

/** A manifest that cannot be used, with the reason (to show, then publish again). */
export class ManifestError extends Error {
	override name = 'ManifestError';
}

const count = v.pipe(v.number(), v.integer(), v.minValue(0));
const sha256 = v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/, 'is not a SHA-256 (64 hex digits)'));
const isoDate = v.pipe(v.string(), v.isoDate('is not a date written YYYY-MM-DD'));
/** A path inside the dataset folder, made of the segments the pipeline writes: no `..`, no `.x`. */
const parquetPath = v.pipe(
	v.string(),
	v.regex(
		/^(?:[A-Za-z0-9_][A-Za-z0-9_=-]*\/)*[A-Za-z0-9_][A-Za-z0-9_=-]*\.parquet$/,
		'is not a Parquet file inside the dataset folder'
	)
);

const FileSchema = v.object({
	file: parquetPath,
	partition: v.nullable(v.string()),
	rows: count,
	bytes: count,
	footerBytes: count,
	sha256
});

const ManifestSchema = v.object({
	kind: v.optional(v.picklist(['events', 'rtt-published'])),
	month: v.optional(
		v.pipe(v.string(), v.regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'is not a month (YYYY-MM)'))
	),
	schemaVersion: v.number(),
	contractVersion: v.number(),
	builtAt: v.pipe(v.string(), v.isoTimestamp('is not a date and time (ISO 8601)')),
	extractDate: isoDate,
	dataPeriod: v.nullable(v.object({ from: isoDate, to: isoDate })),
	tables: v.record(
		v.string(),
		v.object({
			kind: v.picklist(['facts', 'aggregate']),
			partitionedBy: v.nullable(v.picklist(['provider', 'commissioner'])),
			rows: count,
			bytes: count,
			files: v.array(FileSchema)
		})
	),
	documents: v.array(
		v.object({
			file: v.picklist(['first-view.json', 'reference.json', 'quality.json', 'run-report.json']),
			bytes: count,
			sha256
		})
	),
	pseudonymisation: v.object({ method: v.string(), demoKey: v.boolean() }),
	source: v.object({ files: v.array(v.string()), rowsRead: count, rowsAccepted: count })
});

/** Where in the manifest an issue is: `tables.pathways.files[3].sha256`. */
function where(issue: v.BaseIssue<unknown>): string {
	return (issue.path ?? [])
		.map((p, i) => (typeof p.key === 'number' ? `[${p.key}]` : `${i ? '.' : ''}${String(p.key)}`))
		.join('');
}

/**
 * The manifest in `json` (already parsed), checked: its layout version, every field the
 * dashboard and the server use, and every file's path. Throws {@link ManifestError} saying what is
 * wrong.
 */
export function parseManifest(json: unknown): DatasetManifest {
	const version = (json as { schemaVersion?: unknown } | null)?.schemaVersion;
	if (typeof version === 'number' && version !== SUPPORTED_SCHEMA_VERSION) {
		throw new ManifestError(
			`The dataset has schema version ${version}; this dashboard reads version ${SUPPORTED_SCHEMA_VERSION}. Publish it again with this version's pipeline.`
		);
	}
	const result = v.safeParse(ManifestSchema, json);
	if (!result.success) {
		const issue = result.issues[0];
		const at = where(issue);
		throw new ManifestError(
			`The dataset manifest is damaged or incomplete (${at ? `${at}: ` : ''}${issue.message}): publish the dataset again.`
		);
	}
	return result.output;
}

/** Every file a version of the dataset may serve beside the manifest: Parquet, then documents. */
export function listedFiles(
	manifest: DatasetManifest
): Map<string, { bytes: number; sha256: string }> {
	const files = new Map<string, { bytes: number; sha256: string }>();
	for (const table of Object.values(manifest.tables))
		for (const f of table.files) files.set(f.file, { bytes: f.bytes, sha256: f.sha256 });
	for (const d of manifest.documents) files.set(d.file, { bytes: d.bytes, sha256: d.sha256 });
	return files;
}
