#!/usr/bin/env node
/**
 * `npm run bench:rtt`: how long `npm run import:rtt` takes on a month of all England, a
 * generated RTT Full CSV of 200,000 rows (about the published file's size) with the published
 * header, and how long `npm run metrics` then takes on it. Writes nothing but a temporary folder.
 *
 *   node bench/rtt-import.ts [--rows 200000]
 */
import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { importRtt, RTT_PARTS } from '../data-pipelines/import/rtt.ts';
import { rttLine, RTT_HEADER } from '../tests/helpers/rtt-file.ts';

const exec = promisify(execFile);
const { values } = parseArgs({ options: { rows: { type: 'string', default: '200000' } } });
const rows = Number(values.rows);
const dir = await mkdtemp(join(tmpdir(), 'bench-rtt-'));
try {
	const input = join(dir, 'rtt-full.csv');
	const out = createWriteStream(input);
	out.write(`${RTT_HEADER.join(',')}\r\n`);
	// A seeded walk over providers × commissioners × parts × treatment functions, waits skewed.
	let seed = 42;
	const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
	const functions = [
		...Array.from({ length: 40 }, (_, i) => `C_${100 + i * 10}`),
		'X02',
		'X03',
		'X04',
		'X05',
		'X06'
	];
	for (let i = 0; i < rows; i++) {
		const bands: Record<number, number> = {};
		const n = 1 + Math.floor(next() * 60);
		for (let k = 0; k < n; k++) {
			const band = Math.min(104, Math.floor(-Math.log(1 - next()) * 14));
			bands[band] = (bands[band] ?? 0) + 1;
		}
		const line = rttLine({
			provider: `R${String(Math.floor(i / 1300)).padStart(2, '0')}A`,
			commissioner: `${String(10 + (i % 106)).padStart(2, '0')}X`,
			part: RTT_PARTS[i % RTT_PARTS.length],
			treatment: functions[i % functions.length],
			bands,
			unknown: i % 50 === 0 ? 1 : 0
		});
		if (!out.write(`${line}\r\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
	}
	await new Promise<void>((r) => out.end(() => r()));
	const { size } = await stat(input);
	const result = await importRtt({ input, out: join(dir, 'published') });
	const started = performance.now();
	await exec(process.execPath, [
		'data-pipelines/bin/metrics.ts',
		'--data',
		join(dir, 'published'),
		'--json'
	]);
	const metricsSeconds = (performance.now() - started) / 1000;
	const report = {
		rows,
		fileMB: +(size / 1e6).toFixed(1),
		importSeconds: +result.seconds.toFixed(2),
		metricsSeconds: +metricsSeconds.toFixed(2)
	};
	process.stdout.write(`${JSON.stringify(report)}\n`);
} finally {
	await rm(dir, { recursive: true, force: true });
}
