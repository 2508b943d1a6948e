/**
 * Writing one version of a dataset, for every command that publishes (the pipeline, the merge,
 * the bench's England): a fresh folder in the versions folder, filled by the caller, then the
 * checksums of every served file that is not Parquet, the manifest and its own checksum, and
 * the swap. A failure removes the folder and leaves the dataset as it was. The caller holds the
 * dataset's lock (lock.ts).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DatasetDocument, DatasetManifest } from '../../src/lib/dataset/schema.ts';
import { pauseAt } from '../lib/pause.ts';
import { DEFAULT_RETENTION, newVersionDir, pruneVersions, swapIn, type Retention } from './swap.ts';

/** The files beside the Parquet that the server may serve, when a version has them. */
export const DOCUMENTS = ['first-view.json', 'reference.json', 'quality.json', 'run-report.json'];

/** The manifest's own checksum, in the format `sha256sum -c` reads. */
export const MANIFEST_CHECKSUM = 'manifest.sha256';

/** A file's SHA-256, hex. */
export async function sha256File(path: string): Promise<string> {
	const hash = createHash('sha256');
	for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }))
		hash.update(chunk as Buffer);
	return hash.digest('hex');
}

async function documents(dir: string): Promise<DatasetDocument[]> {
	const found: DatasetDocument[] = [];
	for (const file of DOCUMENTS) {
		const info = await stat(join(dir, file)).catch(() => null);
		if (info?.isFile())
			found.push({ file, bytes: info.size, sha256: await sha256File(join(dir, file)) });
	}
	return found;
}

/**
 * Publishes a new version of the dataset at `out`: `write` fills the folder it is given and
 * returns the manifest (without `documents`, which are worked out here); returns the manifest
 * as written.
 */
export async function publishVersion(
	out: string,
	write: (dir: string) => Promise<Omit<DatasetManifest, 'documents'>>,
	retention: Retention = DEFAULT_RETENTION
): Promise<DatasetManifest> {
	const dir = await newVersionDir(out);
	let published: DatasetManifest;
	try {
		const partial = await write(dir);
		const manifest: DatasetManifest = { ...partial, documents: await documents(dir) };
		const text = `${JSON.stringify(manifest, null, 2)}\n`;
		await writeFile(join(dir, 'manifest.json'), text);
		const digest = createHash('sha256').update(text).digest('hex');
		await writeFile(join(dir, MANIFEST_CHECKSUM), `${digest}  manifest.json\n`);
		await pauseAt('swap');
		await swapIn(dir, out);
		published = manifest;
	} catch (error) {
		await rm(dir, { recursive: true, force: true });
		throw error;
	}
	// Published: a failure to tidy the old versions away must never undo it.
	await pruneVersions(out, dir, retention).catch((error: Error) =>
		process.stderr.write(
			`pathway-insight: published ${out}, but could not remove its old versions (${error.message.split('\n')[0]}): they are removed by the next run\n`
		)
	);
	return published;
}
