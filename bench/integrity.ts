#!/usr/bin/env node
/**
 * `npm run bench:integrity`: how fast the server checks a published dataset's files against
 * the manifest's SHA-256 (src/lib/server/integrity.ts), the whole sweep of every file one after
 * another as the server does it, from a cold page cache (each file's cached pages dropped first,
 * with GNU dd's `iflag=nocache`, where dd has it) and again warm, each three times (the median
 * is reported: this machine's disk and CPU are shared); and what that means for England.
 * Writes bench/results/integrity.json and integrity.md.
 *
 *   node bench/integrity.ts [--sizes small,icb] [--data DIR]
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, realpath, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DataServer } from '../src/lib/server/data-route.ts';
import { ensureDataset, type Size } from './browser/datasets.ts';
import { machine, markdownTable } from './machine.ts';

const { values } = parseArgs({
	options: { sizes: { type: 'string', default: 'small,icb' }, data: { type: 'string' } }
});

/** England as `npm run bench -- --sizes england` published it (last session's measure). */
const ENGLAND = { files: 1_515, bytes: 9.8e9 };

/** Drops the page cache of every file of `dir`; false where dd cannot. */
function dropCache(dir: string, files: string[]): boolean {
	try {
		for (const file of files)
			execFileSync('dd', [`if=${join(dir, file)}`, 'iflag=nocache', 'count=0', 'status=none']);
		return true;
	} catch {
		return false;
	}
}

/** The floor: every file read and hashed one after another, nothing else (no stat, no cache). */
async function floor(dir: string, files: string[]) {
	const began = performance.now();
	let bytes = 0;
	for (const file of files) {
		const hash = createHash('sha256');
		for await (const chunk of createReadStream(join(dir, file), { highWaterMark: 1 << 20 })) {
			hash.update(chunk as Buffer);
			bytes += (chunk as Buffer).length;
		}
		hash.digest('hex');
	}
	const seconds = (performance.now() - began) / 1000;
	return { seconds, mbPerSecond: bytes / 1e6 / seconds };
}

async function sweep(dir: string) {
	const server = new DataServer(dir);
	const version = await server.dataset.current();
	const began = performance.now();
	server.integrity.sweep(version);
	let status = server.integrity.status(version);
	while (!status.complete) {
		await new Promise((r) => setTimeout(r, 5));
		status = server.integrity.status(version);
	}
	const seconds = (performance.now() - began) / 1000;
	return { version, status, seconds, mbPerSecond: status.bytes / 1e6 / seconds };
}

const results = [];
const targets: { name: string; dir: string }[] = values.data
	? [{ name: values.data, dir: resolve(values.data) }]
	: [];
if (!values.data) {
	for (const size of values.sizes!.split(',') as Size[]) {
		process.stderr.write(`bench: ${size}: making sure the dataset is published…\n`);
		const dataset = await ensureDataset(size, undefined, (line) =>
			process.stderr.write(`${line}\n`)
		);
		targets.push({ name: size, dir: dataset.dir });
	}
}
for (const { name, dir } of targets) {
	const real = await realpath(dir);
	const first = await new DataServer(dir).dataset.current();
	const files = [...first.files.keys()];
	const median = <T extends { seconds: number }>(runs: T[]) =>
		[...runs].sort((x, y) => x.seconds - y.seconds)[Math.floor(runs.length / 2)];
	let cold = true;
	const colds = [];
	for (let i = 0; i < 3; i++) {
		cold &&= dropCache(real, files);
		colds.push(await sweep(dir));
	}
	const warms = [];
	const floors = [];
	for (let i = 0; i < 3; i++) {
		warms.push(await sweep(dir));
		floors.push(await floor(real, files));
	}
	const a = median(colds);
	const b = median(warms);
	const f = median(floors);
	const row = {
		dataset: name,
		files: a.status.files,
		megabytes: Math.round(a.status.bytes / 1e5) / 10,
		damaged: a.status.damaged.length,
		cold: cold ? { seconds: a.seconds, mbPerSecond: Math.round(a.mbPerSecond) } : null,
		warm: { seconds: b.seconds, mbPerSecond: Math.round(b.mbPerSecond) },
		floor: { seconds: f.seconds, mbPerSecond: Math.round(f.mbPerSecond) },
		englandSeconds: {
			cold: cold ? Math.round(ENGLAND.bytes / 1e6 / a.mbPerSecond) : null,
			warm: Math.round(ENGLAND.bytes / 1e6 / b.mbPerSecond)
		}
	};
	process.stderr.write(`bench: ${name}: ${JSON.stringify(row)}\n`);
	results.push(row);
}

const out = resolve('bench/results');
await mkdir(out, { recursive: true });
await writeFile(
	join(out, 'integrity.json'),
	`${JSON.stringify({ machine: machine(), england: ENGLAND, results }, null, 2)}\n`
);
const table = markdownTable(
	[
		'dataset',
		'files',
		'MB',
		'cold: s',
		'cold: MB/s',
		'warm: s',
		'warm: MB/s',
		'floor, warm: MB/s',
		'England (9.8 GB), s'
	],
	results.map((r) => [
		r.dataset,
		r.files,
		r.megabytes,
		r.cold ? r.cold.seconds.toFixed(2) : 'n/a',
		r.cold ? r.cold.mbPerSecond : 'n/a',
		r.warm.seconds.toFixed(2),
		r.warm.mbPerSecond,
		r.floor.mbPerSecond,
		`${r.englandSeconds.cold ?? '–'} cold, ${r.englandSeconds.warm} warm`
	])
);
await writeFile(
	join(out, 'integrity.md'),
	`# Checking a dataset's files against the manifest\n\n` +
		`The server's whole sweep (every listed file, size and SHA-256, one after another), from a cold page cache and again warm, on ${machine().cpus} cores, the median of three; ` +
		`the floor is the same files read and hashed with nothing else, in the same run; ` +
		`England's time scaled from each rate to its ${ENGLAND.files.toLocaleString('en-GB')} files, 9.8 GB.\n\n${table}\n`
);
process.stdout.write(`${table}\n`);
