import { readFile, realpath } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Db } from './duckdb.ts';
import { UserError } from './errors.ts';
import { sqlIdentifier, sqlString } from '../../src/lib/metrics/sql.ts';
import { SUPPORTED_SCHEMA_VERSION } from '../../src/lib/dataset/schema.ts';
import type { Manifest } from '../pipeline/publish.ts';

/**
 * The version folder each manifest was read from: `--data DIR` is a link that a republish
 * switches, and the files must be read from the version whose manifest was read.
 */
const versionOf = new WeakMap<Manifest, string>();

/** Reads a published dataset's manifest, with a message that says what to do when it is absent. */
export async function readManifest(dir: string): Promise<Manifest> {
	const fail = (error: NodeJS.ErrnoException): never => {
		const why = error.code === 'ENOENT' ? 'has no manifest.json' : `cannot be read (${error.code})`;
		throw new UserError(
			`no dataset at "${dir}": the folder ${why}; publish one with npm run pipeline`
		);
	};
	const version = await realpath(resolve(dir)).catch(fail);
	const text = await readFile(join(version, 'manifest.json'), 'utf8').catch(fail);
	let manifest: Manifest;
	try {
		manifest = JSON.parse(text) as Manifest;
	} catch {
		throw new UserError(`the manifest in "${dir}" is not valid JSON: publish the dataset again`);
	}
	if (manifest.schemaVersion !== SUPPORTED_SCHEMA_VERSION) {
		throw new UserError(
			`the dataset in "${dir}" has schema version ${manifest.schemaVersion}; this version reads ${SUPPORTED_SCHEMA_VERSION}: publish it again with npm run pipeline`
		);
	}
	versionOf.set(manifest, version);
	return manifest;
}

/** Creates a view per published table over all its Parquet files (one per provider). */
export async function attachDataset(db: Db, dir: string, manifest: Manifest): Promise<void> {
	const version = versionOf.get(manifest) ?? resolve(dir);
	for (const [name, table] of Object.entries(manifest.tables)) {
		const paths = table.files.map((f) => sqlString(join(version, f.file)));
		await db.run(
			`CREATE OR REPLACE VIEW ${sqlIdentifier(name)} AS SELECT * FROM read_parquet([${paths.join(', ')}])`
		);
	}
}
