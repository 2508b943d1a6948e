/**
 * Atomic publishing. The dataset folder named by --out is a symbolic link to one complete
 * version in a hidden sibling folder (`.NAME.versions/`). A run writes a new version there,
 * verifies it, then points the link at it with a single rename, which the operating system
 * does atomically: readers see the old dataset or the new one, never a mix or nothing, and a
 * run killed at any moment leaves the old link, and so the old dataset, in place.
 *
 * The versions it replaces are kept for a while: the dashboard addresses every file by its
 * version (`/data/v/VERSION/…`), so a page opened before the swap goes on reading the version it
 * started with, and is told a newer one is there. Only the publisher holding the dataset's lock
 * (lock.ts) swaps or removes versions.
 */
import {
	lstat,
	mkdir,
	readFile,
	readdir,
	rename,
	rm,
	rmdir,
	stat,
	symlink
} from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { versionsDir } from '../../src/lib/dataset/versions.ts';

export { versionsDir };

/** Which replaced versions a swap keeps. */
export interface Retention {
	/** The newest versions kept whatever their age, the current one included (at least 1). */
	versions: number;
	/** Hours a replaced version is kept after it was replaced, whatever the count. */
	hours: number;
}

/** The current and the previous version, and any version replaced in the last 24 hours. */
export const DEFAULT_RETENTION: Retention = { versions: 2, hours: 24 };

/**
 * A fresh folder to write a new version into, inside {@link versionsDir}, named for when it was
 * made (`20261201-201506-123-4567`: UTC date, time, milliseconds, pid): a new name every time,
 * never a folder that exists (it may be the version being served).
 */
export async function newVersionDir(out: string): Promise<string> {
	const versions = versionsDir(out);
	await mkdir(versions, { recursive: true });
	for (let n = 0; ; n++) {
		const iso = new Date().toISOString();
		const stamp = `${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 19).replaceAll(':', '')}-${iso.slice(20, 23)}`;
		const dir = join(versions, `${stamp}-${process.pid}${n ? `-${n}` : ''}`);
		try {
			await mkdir(dir);
			return dir;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
		}
	}
}

async function kind(path: string): Promise<'missing' | 'link' | 'dir' | 'other'> {
	const info = await lstat(path).catch(() => null);
	if (!info) return 'missing';
	return info.isSymbolicLink() ? 'link' : info.isDirectory() ? 'dir' : 'other';
}

/** When a version was published: its manifest's `builtAt`, else the manifest's time on disk. */
async function builtAt(dir: string): Promise<number | null> {
	const path = join(dir, 'manifest.json');
	const text = await readFile(path, 'utf8').catch(() => null);
	if (text === null) return null;
	try {
		const at = Date.parse((JSON.parse(text) as { builtAt?: string }).builtAt ?? '');
		if (Number.isFinite(at)) return at;
	} catch {
		// A damaged manifest: its time on disk will do.
	}
	return (await stat(path)).mtimeMs;
}

/**
 * Removes what the versions folder need not keep: folders with no manifest (left by killed
 * runs: the caller holds the lock, so no other run is writing one), and versions past the
 * {@link Retention}. Returns the versions kept, newest first.
 */
export async function pruneVersions(
	out: string,
	current: string,
	retention: Retention = DEFAULT_RETENTION,
	now = Date.now()
): Promise<string[]> {
	const versions = versionsDir(out);
	const complete: { path: string; at: number }[] = [];
	for (const entry of await readdir(versions)) {
		const path = join(versions, entry);
		if (path === current) continue;
		const at = await builtAt(path);
		if (at === null) await rm(path, { recursive: true, force: true });
		else complete.push({ path, at });
	}
	complete.sort((a, b) => b.at - a.at);
	const kept = [current];
	// Each older version was replaced when the next newer one was published.
	let replacedAt = (await builtAt(current)) ?? now;
	for (const [i, version] of complete.entries()) {
		const young = now - replacedAt < retention.hours * 3_600_000;
		if (i + 1 < Math.max(1, retention.versions) || young) kept.push(version.path);
		else await rm(version.path, { recursive: true, force: true });
		replacedAt = version.at;
	}
	return kept;
}

/**
 * Points `out` at `version` atomically, then prunes the versions folder. A real folder already
 * at `out` (an older layout, or an empty folder) is moved into the versions folder first.
 */
export async function swapIn(
	version: string,
	out: string,
	retention: Retention = DEFAULT_RETENTION
): Promise<void> {
	const target = resolve(out);
	const versions = versionsDir(out);
	const current = await kind(target);
	if (current === 'dir') {
		const entries = await readdir(target);
		if (entries.length === 0) await rmdir(target);
		else await rename(target, join(versions, `moved-${process.pid}`));
	} else if (current === 'other') {
		throw new Error(`--out ${out} is a file, not a dataset folder`);
	}
	const link = join(dirname(target), `.${basename(target)}.link-${process.pid}`);
	await rm(link, { force: true });
	await symlink(relative(dirname(target), version), link, 'dir');
	await rename(link, target);
	await pruneVersions(out, version, retention);
}
