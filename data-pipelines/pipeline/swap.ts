/**
 * Atomic publishing. The dataset folder named by --out is a symbolic link to one complete
 * version in a hidden sibling folder (`.NAME.versions/`). A run writes a new version there,
 * verifies it, then points the link at it with a single rename, which the operating system
 * does atomically: readers see the old dataset or the new one, never a mix or nothing, and a
 * run killed at any moment leaves the old link, and so the old dataset, in place.
 */
import { lstat, mkdir, readdir, rename, rm, rmdir, symlink } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';

/** The hidden folder that holds the versions of the dataset at `out`. */
export function versionsDir(out: string): string {
	const target = resolve(out);
	return join(dirname(target), `.${basename(target)}.versions`);
}

/** A fresh folder to write a new version into, inside {@link versionsDir}. */
export async function newVersionDir(out: string): Promise<string> {
	const versions = versionsDir(out);
	await mkdir(versions, { recursive: true });
	const stamp = new Date().toISOString().replace(/[-:.]/g, '').replace('T', '-').slice(0, 15);
	const dir = join(versions, `${stamp}-${process.pid}`);
	await rm(dir, { recursive: true, force: true });
	await mkdir(dir);
	return dir;
}

async function kind(path: string): Promise<'missing' | 'link' | 'dir' | 'other'> {
	const info = await lstat(path).catch(() => null);
	if (!info) return 'missing';
	return info.isSymbolicLink() ? 'link' : info.isDirectory() ? 'dir' : 'other';
}

/**
 * Points `out` at `version` atomically, then removes every other version (including those left
 * by killed runs). A real folder already at `out` (an older layout, or an empty folder) is
 * moved into the versions folder first.
 */
export async function swapIn(version: string, out: string): Promise<void> {
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
	for (const entry of await readdir(versions)) {
		const path = join(versions, entry);
		if (path !== version) await rm(path, { recursive: true, force: true });
	}
}
