/**
 * One publisher at a time: two commands publishing into one `--out` (the pipeline, the merge, in
 * either order) never mix or lose a version's files. A test hook (PATHWAY_INSIGHT_PAUSE) holds
 * the first at its lock or at its swap while the second starts, so each case is deterministic.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyFromEnvironment } from '../../data-pipelines/pipeline/pseudonymise.ts';
import { lockPath } from '../../data-pipelines/pipeline/lock.ts';
import type { Manifest } from '../../data-pipelines/pipeline/publish.ts';
import { runPipeline } from '../../data-pipelines/pipeline/run.ts';
import { versionsDir } from '../../data-pipelines/pipeline/swap.ts';

const FIXTURE = new URL('../fixtures/metrics/events.csv', import.meta.url).pathname;
const EXTRACT = '2025-07-31';
let dir: string;
/** Two "regions" of the fixture, each a folder input, and their published datasets. */
const regions = { RBD: '', RTH: '' };
const published = { RBD: '', RTH: '' };

beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'publish-lock-'));
	const [header, ...rows] = (await readFile(FIXTURE, 'utf8')).trimEnd().split('\n');
	const column = header.split(',').indexOf('provider_code');
	for (const provider of ['RBD', 'RTH'] as const) {
		regions[provider] = join(dir, `in-${provider}`);
		await mkdir(regions[provider]);
		const mine = rows.filter((r) => r.split(',')[column] === provider);
		await writeFile(join(regions[provider], 'events.csv'), `${[header, ...mine].join('\n')}\n`);
		published[provider] = join(dir, `region-${provider}`);
		await runPipeline({
			input: regions[provider],
			out: published[provider],
			extractDate: EXTRACT,
			key: keyFromEnvironment({})
		});
	}
});
afterAll(() => rm(dir, { recursive: true, force: true }));

interface Run {
	child: ChildProcess;
	stderr: () => string;
	/** Resolves when stderr has printed `text`. */
	said: (text: string) => Promise<void>;
	exit: Promise<number | null>;
}

function start(command: 'pipeline' | 'merge', args: string[], pause?: 'lock' | 'swap'): Run {
	const env: NodeJS.ProcessEnv = { ...process.env, PATHWAY_INSIGHT_PAUSE: pause ?? '' };
	delete env.PATHWAY_INSIGHT_KEY;
	const child = spawn(process.execPath, [`data-pipelines/bin/${command}.ts`, ...args], { env });
	let stderr = '';
	const waiting: { text: string; resolve: () => void }[] = [];
	child.stderr!.on('data', (chunk) => {
		stderr += chunk;
		for (const w of waiting.filter((w) => stderr.includes(w.text))) {
			waiting.splice(waiting.indexOf(w), 1);
			w.resolve();
		}
	});
	const exit = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
	return {
		child,
		stderr: () => stderr,
		said: (text) =>
			stderr.includes(text)
				? Promise.resolve()
				: new Promise((resolve, reject) => {
						waiting.push({ text, resolve });
						exit.then(() => reject(new Error(`exited before saying "${text}": ${stderr}`)));
					}),
		exit
	};
}

const pipeline = (out: string, input = regions.RBD, ...more: string[]) => [
	'--input',
	input,
	'--out',
	out,
	'--extract-date',
	EXTRACT,
	'--quiet',
	...more
];
const merge = (out: string, ...more: string[]) => [
	'--out',
	out,
	'--quiet',
	...more,
	published.RBD,
	published.RTH
];

/** Every file the dataset's manifest lists is there, with its checksum. */
async function intact(out: string): Promise<Manifest> {
	const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as Manifest;
	const files = [...Object.values(manifest.tables).flatMap((t) => t.files), ...manifest.documents];
	for (const { file, sha256 } of files) {
		const bytes = await readFile(join(out, file));
		expect(createHash('sha256').update(bytes).digest('hex'), file).toBe(sha256);
	}
	return manifest;
}

const CASES = [
	{ first: 'pipeline', second: 'pipeline' },
	{ first: 'pipeline', second: 'merge' },
	{ first: 'merge', second: 'pipeline' },
	{ first: 'merge', second: 'merge' }
] as const;

describe('two commands publishing into one --out', () => {
	for (const { first, second } of CASES) {
		for (const at of ['lock', 'swap'] as const) {
			it(`${first} held at its ${at}: ${second} refuses with exit 4, naming the pid and its start`, async () => {
				const out = join(dir, `${first}-${second}-${at}`);
				const args = (c: string) => (c === 'pipeline' ? pipeline(out) : merge(out));
				const holder = start(first, args(first), at);
				await holder.said(`paused at ${at}`);
				const lock = JSON.parse(await readFile(lockPath(out), 'utf8'));
				expect(lock.pid).toBe(holder.child.pid);
				const refused = start(second, args(second));
				expect(await refused.exit).toBe(4);
				expect(refused.stderr()).toContain(
					`${out} is being published by pid ${holder.child.pid} since ${lock.since}`
				);
				holder.child.kill('SIGUSR2');
				expect(await holder.exit, holder.stderr()).toBe(0);
				await intact(out);
				await expect(readFile(lockPath(out))).rejects.toThrow(/ENOENT/);
			}, 60_000);
		}
		it(`${second} --wait waits for ${first}, then publishes; both versions are whole`, async () => {
			const out = join(dir, `${first}-${second}-wait`);
			const args = (c: string, ...more: string[]) =>
				c === 'pipeline' ? pipeline(out, regions.RTH, ...more) : merge(out, ...more);
			const holder = start(first, args(first), 'swap');
			await holder.said('paused at swap');
			const waiter = start(second, args(second, '--wait'));
			const outcome = await Promise.race([
				waiter.exit.then(() => 'exited'),
				new Promise((r) => setTimeout(() => r('still waiting'), 1500))
			]);
			expect(outcome).toBe('still waiting');
			holder.child.kill('SIGUSR2');
			expect(await holder.exit, holder.stderr()).toBe(0);
			expect(await waiter.exit, waiter.stderr()).toBe(0);
			const manifest = await intact(out);
			// The waiter published last: its providers are the dataset's.
			const providers = manifest.tables.pathways.files.map((f) => f.partition);
			expect(providers).toEqual(second === 'merge' ? ['RBD', 'RTH'] : ['RTH']);
			const versions = await readdir(versionsDir(out));
			expect(versions).toHaveLength(2);
			for (const v of versions) await intact(join(versionsDir(out), v));
		}, 60_000);
	}

	/** A lock as a holder with these particulars would have written it. */
	async function plantLock(out: string, holder: Record<string, unknown>, touched = new Date()) {
		const { readFileSync, readlinkSync } = await import('node:fs');
		await writeFile(
			lockPath(out),
			JSON.stringify({
				host: hostname(),
				boot: readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim(),
				pidNamespace: readlinkSync('/proc/self/ns/pid'),
				processStart: '1',
				since: '2026-01-01T00:00:00Z',
				command: 'planted',
				token: 'x',
				...holder
			})
		);
		await utimes(lockPath(out), touched, touched);
	}

	it('a lock left by a killed run on this machine is taken over', async () => {
		const out = join(dir, 'stale');
		const dead = spawn(process.execPath, ['-e', '']);
		await new Promise((r) => dead.on('exit', r));
		await plantLock(out, { pid: dead.pid });
		const run = start('pipeline', pipeline(out));
		expect(await run.exit, run.stderr()).toBe(0);
		await intact(out);
	}, 60_000);

	it("another machine's lock holds while it is touched, and is taken over 10 minutes after", async () => {
		const out = join(dir, 'elsewhere');
		// A pid that is running here means nothing for a lock taken on another host.
		await plantLock(out, { host: 'another-host', boot: 'b', pidNamespace: 'p', pid: 1 });
		const refused = start('pipeline', pipeline(out));
		expect(await refused.exit).toBe(4);
		expect(refused.stderr()).toContain(
			`being published by pid 1 since 2026-01-01T00:00:00Z on another-host`
		);
		expect(refused.stderr()).toContain(`the lock is ${lockPath(out)}`);
		await plantLock(
			out,
			{ host: 'another-host', boot: 'b', pidNamespace: 'p', pid: 1 },
			new Date(Date.now() - 11 * 60_000)
		);
		const run = start('pipeline', pipeline(out));
		expect(await run.exit, run.stderr()).toBe(0);
		await intact(out);
	}, 60_000);

	it("a merge also takes its inputs' locks: a region being republished holds it off", async () => {
		const out = join(dir, 'merge-while-region');
		const region = start('pipeline', pipeline(published.RBD), 'lock');
		await region.said('paused at lock');
		const refused = start('merge', merge(out));
		expect(await refused.exit).toBe(4);
		expect(refused.stderr()).toContain(
			`${published.RBD} is being published by pid ${region.child.pid}`
		);
		const waiting = start('merge', merge(out, '--wait'));
		await new Promise((r) => setTimeout(r, 1000));
		expect(waiting.child.exitCode).toBeNull();
		region.child.kill('SIGUSR2');
		expect(await region.exit, region.stderr()).toBe(0);
		expect(await waiting.exit, waiting.stderr()).toBe(0);
		await intact(out);
	}, 60_000);

	it('two runs started 0.8 s apart, unpaused: the second refuses, the first publishes whole', async () => {
		const out = join(dir, 'apart');
		const a = start('pipeline', pipeline(out), 'lock');
		await a.said('paused at lock');
		setTimeout(() => a.child.kill('SIGUSR2'), 800);
		const b = start('pipeline', pipeline(out, regions.RTH));
		const [codeA, codeB] = await Promise.all([a.exit, b.exit]);
		expect([codeA, codeB]).toEqual([0, 4]);
		await intact(out);
	}, 60_000);
});
