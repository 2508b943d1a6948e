/**
 * Publishing is safe: a killed run leaves the previous dataset served, a run over too many bad
 * rows publishes nothing, and weekly extracts added one by one publish the same result as one
 * run over all of them.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, lstat, mkdir, readFile, readdir, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	runPipeline,
	QuarantineLimitError,
	rejectedQuarantinePath,
	rejectedReportPath
} from '../../data-pipelines/pipeline/run.ts';
import { keyFromEnvironment } from '../../data-pipelines/pipeline/pseudonymise.ts';
import type { Manifest } from '../../data-pipelines/pipeline/publish.ts';
import {
	DEFAULT_RETENTION,
	pruneVersions,
	versionsDir,
	WENT_LIVE,
	type Retention
} from '../../data-pipelines/pipeline/swap.ts';

const FIXTURE = new URL('../fixtures/metrics/events.csv', import.meta.url).pathname;
const DEMO = keyFromEnvironment({});
const EXTRACT = '2025-07-31';
let dir: string;

beforeAll(async () => {
	dir = await (await import('node:fs/promises')).mkdtemp(join(tmpdir(), 'publish-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function sha256(path: string) {
	return createHash('sha256')
		.update(await readFile(path))
		.digest('hex');
}

/** True when every file the manifest lists is there with the checksum it gives. */
async function intact(out: string): Promise<boolean> {
	const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as Manifest;
	for (const table of Object.values(manifest.tables)) {
		for (const { file, sha256: expected } of table.files) {
			if ((await sha256(join(out, file))) !== expected) return false;
		}
	}
	return true;
}

/** A larger input, so a run is still going when it is killed: the fixture repeated with new ids. */
async function biggerInput(): Promise<string> {
	const lines = (await readFile(FIXTURE, 'utf8')).trim().split('\n');
	const out = [lines[0]];
	for (let copy = 0; copy < 4000; copy++) {
		for (const line of lines.slice(1)) {
			out.push(
				line
					.replace(/^E(\d+)/, `E${copy}-$1`)
					.replace(/,(P\w+),(NP\w+),/, `,$1-${copy},$2-${copy},`)
					.replace(/,(A\d+),/, `,$1-${copy},`)
			);
		}
	}
	const path = join(dir, 'bigger.csv');
	await writeFile(path, out.join('\n') + '\n');
	return path;
}

/** Runs the pipeline CLI to the end: its exit status and what it said on stderr. */
function cli(
	args: string[],
	env: Record<string, string> = {}
): Promise<{ code: number | null; stderr: string }> {
	return new Promise((done) => {
		const base = { ...process.env };
		delete base.PATHWAY_INSIGHT_KEY;
		const child = spawn(
			process.execPath,
			['data-pipelines/bin/pipeline.ts', '--extract-date', EXTRACT, '--quiet', ...args],
			{ env: { ...base, ...env } }
		);
		let stderr = '';
		child.stderr.on('data', (chunk) => (stderr += chunk));
		child.on('exit', (code) => done({ code, stderr }));
	});
}

/** Starts the pipeline CLI and kills it (SIGKILL) as soon as stderr announces `step`. */
function killDuring(input: string, out: string, step: string): Promise<string> {
	return new Promise((done) => {
		const child = spawn(process.execPath, [
			'data-pipelines/bin/pipeline.ts',
			'--input',
			input,
			'--out',
			out,
			'--extract-date',
			EXTRACT
		]);
		let stderr = '';
		child.stderr.on('data', (chunk) => {
			stderr += chunk;
			if (stderr.includes(`… ${step}`)) child.kill('SIGKILL');
		});
		child.on('exit', (_code, signal) => done(`${signal ?? 'exited'}: ${stderr}`));
	});
}

describe('publishing', () => {
	it('publishes the dataset folder as a link to one complete version', async () => {
		const out = join(dir, 'linked');
		await runPipeline({ input: FIXTURE, out, extractDate: EXTRACT, key: DEMO });
		expect((await lstat(out)).isSymbolicLink()).toBe(true);
		expect(await intact(out)).toBe(true);
	});

	it('keeps the versions it replaced for 24 hours, and the previous one whatever its age', async () => {
		const out = join(dir, 'kept');
		const run = (retention?: Retention) =>
			runPipeline({ input: FIXTURE, out, extractDate: EXTRACT, key: DEMO, retention });
		for (let i = 0; i < 3; i++) await run();
		const versions = await readdir(versionsDir(out));
		expect(versions).toHaveLength(3);
		for (const v of versions) expect(await intact(join(versionsDir(out), v))).toBe(true);
		// Two kept whatever their age: the new one and the one it replaced.
		await run({ versions: 2, hours: 0 });
		const kept = await readdir(versionsDir(out));
		expect(kept).toHaveLength(2);
		expect(kept).toContain(versions.sort().at(-1));
		// Aged: a version replaced more than 24 hours ago goes, the previous one stays.
		const [older, newer] = kept.sort();
		await pruneVersions(
			out,
			join(versionsDir(out), newer),
			DEFAULT_RETENTION,
			Date.now() + 25 * 3_600_000
		);
		expect(await readdir(versionsDir(out))).toEqual([older, newer]);
		await pruneVersions(
			out,
			join(versionsDir(out), newer),
			{ versions: 1, hours: 24 },
			Date.now() + 25 * 3_600_000
		);
		expect(await readdir(versionsDir(out))).toEqual([newer]);
	});

	it.each(['validating', 'modelling pathways and appointments', 'publishing'])(
		'a run killed while %s leaves the previous dataset intact and served',
		async (step) => {
			const out = join(dir, `killed-${step.split(' ')[0]}`);
			const first = await runPipeline({ input: FIXTURE, out, extractDate: EXTRACT, key: DEMO });
			const before = await readFile(join(out, 'manifest.json'), 'utf8');
			const outcome = await killDuring(await biggerInput(), out, step);
			expect(outcome).toMatch(/^SIGKILL/);
			expect(await readFile(join(out, 'manifest.json'), 'utf8')).toBe(before);
			expect(await intact(out)).toBe(true);
			expect(JSON.parse(before).tables.pathways.rows).toBe(first.manifest.tables.pathways.rows);
			// The next run tidies what the killed one left behind, and keeps the one it replaces.
			await runPipeline({ input: FIXTURE, out, extractDate: EXTRACT, key: DEMO });
			const versions = await readdir(versionsDir(out));
			expect(versions).toHaveLength(2);
			for (const v of versions) expect(await intact(join(versionsDir(out), v))).toBe(true);
		},
		60_000
	);

	it('refuses to publish over --max-quarantine, keeps the old dataset and writes the report beside it', async () => {
		const out = join(dir, 'limited');
		await runPipeline({ input: FIXTURE, out, extractDate: EXTRACT, key: DEMO });
		const before = await readFile(join(out, 'manifest.json'), 'utf8');
		const bad = join(dir, 'half-bad.csv');
		const lines = (await readFile(FIXTURE, 'utf8')).trim().split('\n');
		await writeFile(
			bad,
			[lines[0], ...lines.slice(1).map((l, i) => (i % 2 ? l.replace(',RBD,', ',R!D,') : l))].join(
				'\n'
			) + '\n'
		);
		const failure = await runPipeline({ input: bad, out, extractDate: EXTRACT, key: DEMO }).catch(
			(e) => e
		);
		expect(failure).toBeInstanceOf(QuarantineLimitError);
		expect(failure.message).toMatch(
			/of rows were quarantined, over the limit of 5\.0%: nothing was published/
		);
		expect(await readFile(join(out, 'manifest.json'), 'utf8')).toBe(before);
		const report = JSON.parse(await readFile(rejectedReportPath(out), 'utf8'));
		expect(report.read).toBe(report.accepted + report.duplicates + report.quarantined);
		expect(report.rules.invalid_code).toBeGreaterThan(0);
		await expect(
			runPipeline({ input: bad, out, extractDate: EXTRACT, key: DEMO, maxQuarantine: 0.6 })
		).resolves.toBeTruthy();
	});

	it('a version that never went live is removed; the one live until now is kept as the previous', async () => {
		const out = join(dir, 'never-live');
		await runPipeline({ input: FIXTURE, out, extractDate: EXTRACT, key: DEMO });
		const live = await realpath(out);
		// A complete version a killed run left between writing it and its swap: never served.
		const unswapped = join(versionsDir(out), '20200101-000000-000-1');
		await cp(live, unswapped, { recursive: true });
		await rm(join(unswapped, WENT_LIVE));
		await runPipeline({
			input: FIXTURE,
			out,
			extractDate: EXTRACT,
			key: DEMO,
			retention: { versions: 2, hours: 0 }
		});
		const kept = (await readdir(versionsDir(out))).map((v) => join(versionsDir(out), v)).sort();
		expect(kept).toEqual([live, await realpath(out)].sort());
	});

	it('an extract with no events publishes nothing: exit 5, the previous dataset untouched', async () => {
		const out = join(dir, 'no-events');
		await runPipeline({ input: FIXTURE, out, extractDate: EXTRACT, key: DEMO });
		const before = await readFile(join(out, 'manifest.json'), 'utf8');
		const empty = join(dir, 'header-only');
		await mkdir(empty, { recursive: true });
		const [header] = (await readFile(FIXTURE, 'utf8')).split('\n');
		await writeFile(join(empty, 'events.csv'), `${header}\n`);
		const { code, stderr } = await cli(['--input', empty, '--out', out]);
		expect(code).toBe(5);
		expect(stderr).toMatch(
			/pipeline: the extract holds no event that could be accepted \(0 rows read: 0 accepted, 0 duplicates, 0 quarantined\): nothing was published and the previous dataset is still served/
		);
		expect(await readFile(join(out, 'manifest.json'), 'utf8')).toBe(before);
		expect(await intact(out)).toBe(true);
		const report = JSON.parse(await readFile(rejectedReportPath(out), 'utf8'));
		expect(report).toMatchObject({ read: 0, accepted: 0, dataPeriod: null });
		// A later run that publishes clears the refusal's report away.
		await runPipeline({ input: FIXTURE, out, extractDate: EXTRACT, key: DEMO });
		await expect(readFile(rejectedReportPath(out))).rejects.toThrow(/ENOENT/);
	});

	it('when several refusals apply: bad arguments (2) before too many quarantined (3) before no events (5)', async () => {
		const out = join(dir, 'refusals');
		const bad = join(dir, 'all-bad.csv');
		const lines = (await readFile(FIXTURE, 'utf8')).trim().split('\n');
		await writeFile(
			bad,
			[
				lines[0],
				...lines.slice(1).map((l) => l.replace(',RBD,', ',R!D,').replace(',RTH,', ',R!H,'))
			].join('\n') + '\n'
		);
		expect((await cli(['--input', bad, '--out', out])).code).toBe(3);
		expect((await cli(['--input', bad, '--out', out, '--max-quarantine', '100%'])).code).toBe(5);
		const rejected = await readFile(rejectedQuarantinePath(out), 'utf8');
		expect(rejected.trim().split('\n')).toHaveLength(lines.length);
		expect((await cli(['--input', bad, '--out', out, '--extract-date', '31/07/2025'])).code).toBe(
			2
		);
		await expect(lstat(out)).rejects.toThrow(/ENOENT/);
	});

	it('--strict refuses a key under 32 characters, saying how to make one', async () => {
		for (const key of ['x', 'a'.repeat(31)]) {
			const { code, stderr } = await cli(
				['--input', FIXTURE, '--out', join(dir, 'short-key'), '--strict'],
				{ PATHWAY_INSIGHT_KEY: key }
			);
			expect(code, key).toBe(2);
			expect(stderr).toMatch(/PATHWAY_INSIGHT_KEY is \d+ characters long: a key shorter than 32/);
			expect(stderr).toMatch(/--strict refuses it \(make one with: node -e/);
		}
		const ok = await cli(['--input', FIXTURE, '--out', join(dir, 'long-key'), '--strict'], {
			PATHWAY_INSIGHT_KEY: 'k'.repeat(32)
		});
		expect(ok.code, ok.stderr).toBe(0);
	});

	it('--strict refuses the demo key', async () => {
		await expect(
			runPipeline({
				input: FIXTURE,
				out: join(dir, 'strict'),
				extractDate: EXTRACT,
				key: DEMO,
				strict: true
			})
		).rejects.toThrow(/--strict refuses the public demo key/);
	});
});

describe('incremental extracts', () => {
	it('weekly extracts added one by one, with late events, publish what one run over all of them does', async () => {
		const [header, ...rows] = (await readFile(FIXTURE, 'utf8')).trim().split('\n');
		// Week 1 holds events up to 2025-03-31, but three of them arrive late, in week 2.
		const early = rows.filter((r) => r.split(',')[2] <= '2025-03-31');
		const late = early.slice(-3);
		const week1 = early.slice(0, -3);
		const week2 = rows.filter((r) => !week1.includes(r));
		expect(late.length).toBe(3);
		const weekly = join(dir, 'weekly');
		await mkdir(weekly, { recursive: true });
		await writeFile(join(weekly, 'extract-2025-w14.csv'), [header, ...week1].join('\n') + '\n');
		const out = join(dir, 'incremental');
		await runPipeline({ input: weekly, out, extractDate: EXTRACT, key: DEMO });
		await writeFile(join(weekly, 'extract-2025-w15.csv'), [header, ...week2].join('\n') + '\n');
		const incremental = await runPipeline({ input: weekly, out, extractDate: EXTRACT, key: DEMO });
		const once = await runPipeline({
			input: FIXTURE,
			out: join(dir, 'once'),
			extractDate: EXTRACT,
			key: DEMO
		});
		for (const [table, { files }] of Object.entries(once.manifest.tables)) {
			expect(incremental.manifest.tables[table].files, table).toEqual(files);
		}
		expect(incremental.report.files.map((f) => f.read)).toEqual([week1.length, week2.length]);
	});
});
