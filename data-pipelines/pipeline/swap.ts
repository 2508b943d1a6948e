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
	realpath,
	rename,
	rm,
	rmdir,
	symlink,
	writeFile
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

/**
 * A version's note of when it went live (became what `out` links to), written by the swap; a
 * complete version without one never went live (a run killed between writing it and the swap).
 */
export const WENT_LIVE = '.went-live';

/** When `dir` went live, or null if it never did. */
async function wentLive(dir: string): Promise<number | null> {
	const text = await readFile(join(dir, WENT_LIVE), 'utf8').catch(() => null);
	const at = text === null ? NaN : Date.parse(text.trim());
	return Number.isFinite(at) ? at : null;
}

/** When the manifest in `dir` says it was built, or null. */
async function builtAt(dir: string): Promise<number | null> {
	const text = await readFile(join(dir, 'manifest.json'), 'utf8').catch(() => null);
	try {
		const at = Date.parse((JSON.parse(text ?? '') as { builtAt?: string }).builtAt ?? '');
		return Number.isFinite(at) ? at : null;
	} catch {
		return null;
	}
}

/**
 * Removes a version folder: renamed first to a name the server does not serve, so a page
 * reading it finds it gone (404), never half-removed (503, "damaged").
 */
async function removeVersion(path: string): Promise<void> {
	const trash = join(dirname(path), `.trash-${basename(path)}-${process.pid}`);
	await rename(path, trash).catch(() => {});
	await rm(trash, { recursive: true, force: true });
	await rm(path, { recursive: true, force: true });
}

/**
 * Removes what the versions folder need not keep: folders that never went live (left by killed
 * runs: the caller holds the lock, so no other run is writing one), and live ones past the
 * {@link Retention}, judged by when each was replaced (when the next went live). Returns the
 * versions kept, newest first.
 */
export async function pruneVersions(
	out: string,
	current: string,
	retention: Retention = DEFAULT_RETENTION,
	now = Date.now()
): Promise<string[]> {
	const versions = versionsDir(out);
	const live: { path: string; at: number }[] = [];
	for (const entry of await readdir(versions)) {
		const path = join(versions, entry);
		if (path === current) continue;
		if (entry.startsWith('.trash-')) {
			await rm(path, { recursive: true, force: true });
			continue;
		}
		const at = await wentLive(path);
		if (at === null) await removeVersion(path);
		else live.push({ path, at });
	}
	live.sort((a, b) => b.at - a.at);
	const kept = [current];
	let replacedAt = (await wentLive(current)) ?? now;
	for (const [i, version] of live.entries()) {
		const young = now - replacedAt < retention.hours * 3_600_000;
		if (i + 1 < Math.max(1, retention.versions) || young) kept.push(version.path);
		else await removeVersion(version.path);
		replacedAt = version.at;
	}
	return kept;
}

/**
 * Points `out` at `version` atomically and notes when it went live. A real folder already at
 * `out` (an older layout, or an empty folder) is moved into the versions folder first. The
 * caller prunes the versions folder after ({@link pruneVersions}).
 */
export async function swapIn(version: string, out: string): Promise<void> {
	const target = resolve(out);
	const versions = versionsDir(out);
	const current = await kind(target);
	if (current === 'dir') {
		const entries = await readdir(target);
		if (entries.length === 0) await rmdir(target);
		else {
			const moved = join(versions, `moved-${process.pid}`);
			await rename(target, moved);
			await writeFile(join(moved, WENT_LIVE), `${new Date().toISOString()}\n`);
		}
	} else if (current === 'other') {
		throw new Error(`--out ${out} is a file, not a dataset folder`);
	} else if (current === 'link') {
		// The version being replaced was live; one published before versions noted it is given
		// the time it was built.
		const previous = await realpath(target).catch(() => null);
		if (previous && (await wentLive(previous)) === null) {
			const at = (await builtAt(previous)) ?? Date.now();
			await writeFile(join(previous, WENT_LIVE), `${new Date(at).toISOString()}\n`).catch(() => {});
		}
	}
	const link = join(dirname(target), `.${basename(target)}.link-${process.pid}`);
	await rm(link, { force: true });
	await symlink(relative(dirname(target), version), link, 'dir');
	await rename(link, target);
	await writeFile(join(version, WENT_LIVE), `${new Date().toISOString()}\n`);
}
