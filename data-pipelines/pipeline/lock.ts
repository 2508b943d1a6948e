/**
 * One publisher at a time per dataset. Every command that publishes into `--out DIR` (the
 * pipeline, `npm run merge`, the bench's datasets) first takes `DIR`'s lock: a file beside it,
 * `.NAME.lock`, created atomically, that names the holder (host, pid, the process's start, the
 * machine's boot and pid namespace, and the time it took the lock). The holder touches the file
 * every {@link HEARTBEAT_MS} while it runs. A second command is refused with the holder's pid
 * and start time, or waits with `--wait`.
 *
 * A lock is stale, and the next command takes it over (one at a time), when its holder has
 * died: on this machine and in this pid namespace, when its pid is gone or now names a process
 * started at another moment; anywhere else (another host, another container sharing the folder),
 * when it has not been touched for {@link STALE_MS}.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { link, mkdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { UserError } from '../lib/errors.ts';

/** Exit status of a command refused because another is publishing the same dataset. */
export const BUSY_EXIT = 4;

/** How often a holder touches its lock. */
export const HEARTBEAT_MS = 30_000;
/** A lock untouched this long is stale, wherever its holder ran. */
export const STALE_MS = 10 * 60_000;

export interface LockHolder {
	host: string;
	pid: number;
	/** When the holder's process started, as the kernel counts it (Linux), to tell a reused pid. */
	processStart: string | null;
	/** This boot of the machine and the pid namespace the pid is in (Linux): where it means something. */
	boot: string | null;
	pidNamespace: string | null;
	/** When it took the lock (ISO 8601, UTC). */
	since: string;
	command: string;
	/** Tells this holder from another in the same process (tests publish side by side). */
	token: string;
}

/** Another command holds the dataset's lock. */
export class DatasetBusyError extends UserError {
	override name = 'DatasetBusyError';
	readonly holder: LockHolder;
	constructor(out: string, holder: LockHolder) {
		super(
			`${out} is being published by pid ${holder.pid} since ${holder.since}` +
				`${holder.host === hostname() ? '' : ` on ${holder.host}`}: ` +
				`wait for it to finish, or run again with --wait (the lock is ${lockPath(out)}; ` +
				`it is taken over once pid ${holder.pid} has stopped, or ${STALE_MS / 60_000} minutes after it was last touched)`,
			BUSY_EXIT
		);
		this.holder = holder;
	}
}

/** The lock file of the dataset published at `out`. */
export function lockPath(out: string): string {
	const target = resolve(out);
	return join(dirname(target), `.${basename(target)}.lock`);
}

const quietly = <T>(read: () => T): T | null => {
	try {
		return read();
	} catch {
		return null;
	}
};

/** Field 22 of /proc/PID/stat: the process's start, in clock ticks since boot; null off Linux. */
function processStart(pid: number): string | null {
	return quietly(() => {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		// The command name (field 2) is in parentheses and may hold spaces: count after it.
		return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
	});
}

const BOOT = quietly(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim());
const PID_NAMESPACE = quietly(() => readlinkSync('/proc/self/ns/pid'));

/** True while the holder may be running. */
async function alive(holder: LockHolder, path: string): Promise<boolean> {
	const sameMachine =
		holder.host === hostname() &&
		holder.boot !== null &&
		holder.boot === BOOT &&
		holder.pidNamespace !== null &&
		holder.pidNamespace === PID_NAMESPACE;
	if (!sameMachine) {
		// Its pid means nothing here: it is alive while it keeps touching the lock.
		const touched = (await stat(path).catch(() => null))?.mtimeMs ?? 0;
		return Date.now() - touched < STALE_MS;
	}
	try {
		process.kill(holder.pid, 0);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
	}
	const started = processStart(holder.pid);
	return holder.processStart === null || started === null || started === holder.processStart;
}

async function readHolder(path: string): Promise<LockHolder | null | 'unreadable'> {
	const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
		if (error.code === 'ENOENT') return null;
		throw error;
	});
	if (text === null) return null;
	try {
		const holder = JSON.parse(text) as LockHolder;
		return typeof holder.pid === 'number' ? holder : 'unreadable';
	} catch {
		return 'unreadable';
	}
}

/**
 * Creates `path` holding `text`, or fails with EEXIST if it is there: the text is written to a
 * file of our own first and linked into place, so no reader ever sees a half-written lock.
 */
async function createExclusive(path: string, text: string): Promise<boolean> {
	const mine = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}`;
	await writeFile(mine, text);
	try {
		await link(mine, path);
		return true;
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
		throw error;
	} finally {
		await rm(mine, { force: true });
	}
}

/**
 * Removes a stale lock, under a short-lived second lock so that two commands finding the same
 * stale holder cannot both remove it (the second would remove the first's new lock). False when
 * another command is taking it over.
 */
async function takeOver(path: string, stale: LockHolder | 'unreadable'): Promise<boolean> {
	const guard = `${path}.takeover`;
	if (!(await createExclusive(guard, String(process.pid)))) {
		// Another command is taking over; a guard left by a command killed in that instant is old.
		const info = await stat(guard).catch(() => null);
		if (info && Date.now() - info.mtimeMs > 10_000) await rm(guard, { force: true });
		return false;
	}
	try {
		const now = await readHolder(path);
		if (JSON.stringify(now) === JSON.stringify(stale)) await rm(path, { force: true });
		return true;
	} finally {
		await rm(guard, { force: true });
	}
}

export interface LockOptions {
	/** Wait for the holder to finish instead of refusing. */
	wait?: boolean;
	/** Told once, when the command starts waiting. */
	onWait?: (holder: LockHolder) => void;
	/** How often to look again while waiting (ms). */
	pollMs?: number;
}

export interface DatasetLock {
	readonly path: string;
	release(): Promise<void>;
}

/** Takes the lock of the dataset at `out`: refuses (DatasetBusyError, exit 4) or waits. */
export async function lockDataset(out: string, options: LockOptions = {}): Promise<DatasetLock> {
	const path = lockPath(out);
	const pollMs = options.pollMs ?? 500;
	await mkdir(dirname(path), { recursive: true });
	const me: LockHolder = {
		host: hostname(),
		pid: process.pid,
		processStart: processStart(process.pid),
		boot: BOOT,
		pidNamespace: PID_NAMESPACE,
		since: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
		command: process.argv.slice(1).join(' ').slice(0, 500),
		token: randomUUID()
	};
	const text = `${JSON.stringify(me, null, 2)}\n`;
	let told = false;
	for (;;) {
		if (await createExclusive(path, text)) break;
		const holder = await readHolder(path);
		if (holder === null) continue;
		// A lock that cannot be read is stale only once it is old (someone else wrote it).
		const stale =
			holder === 'unreadable'
				? Date.now() - ((await stat(path).catch(() => null))?.mtimeMs ?? Date.now()) > 10_000
				: !(await alive(holder, path));
		if (stale) {
			if (!(await takeOver(path, holder))) await sleep(pollMs);
			continue;
		}
		if (holder !== 'unreadable' && !options.wait) throw new DatasetBusyError(out, holder);
		if (!told && holder !== 'unreadable') options.onWait?.(holder);
		told = true;
		await sleep(pollMs);
	}
	// The heartbeat: other machines and containers judge the lock by when it was last touched.
	const heartbeat = setInterval(() => {
		const now = new Date();
		utimes(path, now, now).catch(() => {});
	}, HEARTBEAT_MS);
	heartbeat.unref();
	let released = false;
	return {
		path,
		async release() {
			if (released) return;
			released = true;
			clearInterval(heartbeat);
			const holder = await readHolder(path).catch(() => null);
			if (holder !== null && holder !== 'unreadable' && holder.token === me.token)
				await rm(path, { force: true });
		}
	};
}

/**
 * Takes the locks of several datasets, in one order whatever order they are named in (so two
 * commands taking the same locks cannot each hold one the other waits for); releases all of them.
 */
export async function lockDatasets(
	outs: readonly string[],
	options: LockOptions = {}
): Promise<DatasetLock> {
	const taken: DatasetLock[] = [];
	const release = async () => {
		for (const lock of taken.reverse()) await lock.release();
	};
	try {
		for (const out of [...new Set(outs.map((o) => resolve(o)))].sort())
			taken.push(await lockDataset(out, options));
	} catch (error) {
		await release();
		throw error;
	}
	return { path: taken.map((l) => l.path).join(', '), release };
}
