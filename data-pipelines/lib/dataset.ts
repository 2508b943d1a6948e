import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Db } from './duckdb.ts';
import { UserError } from './errors.ts';
import { sqlString } from '../../src/lib/metrics/sql.ts';
import type { Manifest } from '../pipeline/publish.ts';

/** Reads a published dataset's manifest, with a message that says what to do when it is absent. */
export async function readManifest(dir: string): Promise<Manifest> {
	const path = join(resolve(dir), 'manifest.json');
	const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
		const why = error.code === 'ENOENT' ? 'has no manifest.json' : `cannot be read (${error.code})`;
		throw new UserError(
			`no dataset at "${dir}": the folder ${why}; publish one with npm run pipeline`
		);
	});
	try {
		return JSON.parse(text) as Manifest;
	} catch {
		throw new UserError(`the manifest in "${dir}" is not valid JSON: publish the dataset again`);
	}
}

/** Creates a view per published table over its Parquet file. */
export async function attachDataset(db: Db, dir: string, manifest: Manifest): Promise<void> {
	for (const [name, table] of Object.entries(manifest.tables)) {
		const path = join(resolve(dir), table.file);
		await db.run(
			`CREATE OR REPLACE VIEW ${name} AS SELECT * FROM read_parquet(${sqlString(path)})`
		);
	}
}
