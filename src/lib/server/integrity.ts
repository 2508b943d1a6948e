/**
 * Checks that every file served is the file the pipeline published: its size and SHA-256
 * against the manifest. A file is checked when it is first asked for after it changed on disk
 * (the result is kept by the file's identity: device, inode, size and modification time), and a
 * background sweep checks every file of the current version one after another, giving way while
 * requests are being answered, so that verification never holds a page up; once done, it looks
 * again every minute at what changed on disk. What it found is served as `/data/integrity.json`
 * and shown on the data quality page.
 */
import { createHash } from 'node:crypto';
import { createReadStream, type BigIntStats } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { IntegrityStatus } from '../dataset/integrity.ts';
import type { Version } from './published.ts';

/** What was found of one file; a whole one with the identity it was checked at. */
export type FileCheck = { ok: true; print: string } | { ok: false; problem: string };

const fmt = (n: number) => n.toLocaleString('en-GB');

/** Files up to this size are read in one go: a stream costs about 1 ms a file more. */
const WHOLE_READ_BYTES = 1 << 20;

/** Versions whose checks are kept (the current one and those open pages still read). */
const MAX_VERSIONS = 8;

/** How long a finished sweep's findings stand before it looks again at what changed on disk. */
const RECHECK_MS = 60_000;

async function sha256(path: string, size: number): Promise<string> {
	const hash = createHash('sha256');
	if (size <= WHOLE_READ_BYTES) return hash.update(await readFile(path)).digest('hex');
	for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }))
		hash.update(chunk as Buffer);
	return hash.digest('hex');
}

/**
 * A file's identity on disk: device, inode, size and modification time (not the change time,
 * which another hard link to the same file, as the merge makes, moves without a byte changing).
 */
export function fileIdentity(info: BigIntStats): string {
	return `${info.dev}:${info.ino}:${info.size}:${info.mtimeNs}`;
}

/**
 * Where a listed file is on disk: null when its path goes through a link (the pipeline writes
 * none inside a version, and the merge's shared files are hard links, so a link there was put
 * there by someone else, and whatever it leads to is not served), `missing` when it is not there,
 * `unreadable` when it cannot be looked at.
 */
export async function resolveInside(
	version: Version,
	file: string
): Promise<string | null | 'missing' | 'unreadable'> {
	const path = join(version.dir, file);
	const real = await realpath(path).catch((error: NodeJS.ErrnoException) =>
		error.code === 'ENOENT' ? 'missing' : error.code === 'ELOOP' ? null : 'unreadable'
	);
	if (real === null || real === 'missing' || real === 'unreadable') return real;
	return real === path && real.startsWith(version.dir + sep) ? real : null;
}

interface Sweep {
	status: IntegrityStatus;
	found: Map<string, FileCheck>;
	/** When it last finished a pass (ms, performance clock). */
	finished: number | null;
	running: boolean;
}

export class Integrity {
	/** Each version's last check of each file, by path, with the identity it was made on. */
	readonly #checks = new Map<string, Map<string, { print: string; result: Promise<FileCheck> }>>();
	/** The sweep of the current version: its figures, and what each file checked was found to be. */
	#sweep: Sweep | null = null;
	/** Requests being answered: the sweep waits while there are any. */
	#active = 0;

	/** Runs `answer` as a request: the background sweep gives way until it is done. */
	async request<T>(answer: () => Promise<T>): Promise<T> {
		this.#active++;
		try {
			return await answer();
		} finally {
			this.#active--;
		}
	}

	/**
	 * Checks one listed file of a version against its manifest entry (once per change of the
	 * file on disk). A missing file, one of another size or another checksum is damaged; one that
	 * cannot be read is too, said so.
	 */
	check(version: Version, file: string): Promise<FileCheck> {
		const examined = this.#examine(version, file).catch((error: Error): FileCheck => ({
			ok: false,
			problem: `cannot be read (${error.message.split('\n')[0].replace(version.dir, '…')})`
		}));
		return this.#record(version, file, examined);
	}

	/** The checks kept for a version, the most recently used last. */
	#checksOf(version: Version) {
		let checks = this.#checks.get(version.name);
		if (checks) this.#checks.delete(version.name);
		checks ??= new Map();
		this.#checks.set(version.name, checks);
		while (this.#checks.size > MAX_VERSIONS) this.#checks.delete(this.#checks.keys().next().value!);
		return checks;
	}

	async #examine(version: Version, file: string): Promise<FileCheck> {
		const expected = version.files.get(file);
		if (!expected) return { ok: false, problem: 'is not listed in the manifest' };
		const path = await resolveInside(version, file);
		if (path === 'missing') return { ok: false, problem: 'is missing from the dataset folder' };
		if (path === 'unreadable') return { ok: false, problem: 'cannot be read by the server' };
		if (path === null) return { ok: false, problem: 'is a link, not a file of the dataset folder' };
		const info = await stat(path, { bigint: true });
		if (!info.isFile()) return { ok: false, problem: 'is not a file' };
		const print = fileIdentity(info);
		const checks = this.#checksOf(version);
		const known = checks.get(path);
		if (known?.print === `${expected.sha256}:${print}`) return known.result;
		const result = (async (): Promise<FileCheck> => {
			if (Number(info.size) !== expected.bytes) {
				return {
					ok: false,
					problem: `is ${fmt(Number(info.size))} bytes long where the manifest says ${fmt(expected.bytes)} (cut short or replaced)`
				};
			}
			const actual = await sha256(path, Number(info.size));
			return actual === expected.sha256
				? { ok: true, print }
				: {
						ok: false,
						problem:
							'does not match its SHA-256 checksum in the manifest: its bytes have changed since it was published'
					};
		})();
		checks.set(path, { print: `${expected.sha256}:${print}`, result });
		result.catch(() => checks.delete(path));
		return result;
	}

	/** Notes a file's check in the sweep of its version, when that version is being swept. */
	async #record(version: Version, file: string, result: Promise<FileCheck>): Promise<FileCheck> {
		const found = await result;
		if (this.#sweep?.status.version === version.name) this.#sweep.found.set(file, found);
		return found;
	}

	/** The sweep's findings for `version` (starting the sweep when it has not begun). */
	status(version: Version): IntegrityStatus {
		this.sweep(version);
		const { status, found } = this.#sweep!;
		const damaged = [...found]
			.filter((entry): entry is [string, { ok: false; problem: string }] => !entry[1].ok)
			.map(([file, { problem }]) => ({ file, problem }))
			.sort((a, b) => (a.file < b.file ? -1 : 1));
		// The manifest, checked against manifest.sha256 before anything was served, counts too.
		return {
			...status,
			checked: found.size + 1,
			verified: found.size + 1 - damaged.length,
			damaged
		};
	}

	/**
	 * Starts checking every file of `version` in the background, unless that is under way; once
	 * a pass is a minute old, the next call starts another, which hashes only files changed since.
	 */
	sweep(version: Version): void {
		const current = this.#sweep;
		if (current?.status.version === version.name) {
			if (!current.running && performance.now() - (current.finished ?? 0) > RECHECK_MS)
				this.#pass(version, current);
			return;
		}
		const bytes = [...version.files.values()].reduce((n, f) => n + f.bytes, 0);
		const sweep: Sweep = {
			status: {
				version: version.name,
				files: version.files.size + 1,
				checked: 0,
				verified: 0,
				damaged: [],
				complete: false,
				bytes: bytes + version.manifestBytes.length,
				startedAt: new Date().toISOString(),
				finishedAt: null,
				seconds: null,
				megabytesPerSecond: null
			},
			found: new Map(),
			finished: null,
			running: false
		};
		this.#sweep = sweep;
		this.#pass(version, sweep);
	}

	/** One pass over every file of the version; the first one's time is what the status reports. */
	#pass(version: Version, sweep: Sweep): void {
		sweep.running = true;
		const first = sweep.finished === null;
		const began = performance.now();
		void (async () => {
			for (const file of version.files.keys()) {
				// Requests first: the sweep is for what no one has asked for yet.
				while (this.#active > 0) await sleep(20);
				// A newer version is being swept: this one is no longer served as current.
				if (this.#sweep !== sweep) return;
				await this.check(version, file);
			}
			sweep.running = false;
			sweep.finished = performance.now();
			if (!first) return;
			const seconds = (sweep.finished - began) / 1000;
			Object.assign(sweep.status, {
				complete: true,
				finishedAt: new Date().toISOString(),
				seconds: Math.round(seconds * 1000) / 1000,
				megabytesPerSecond: seconds > 0 ? Math.round(sweep.status.bytes / 1e6 / seconds) : null
			});
		})();
	}
}
