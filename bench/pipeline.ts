#!/usr/bin/env node
/**
 * `npm run bench:pipeline`: the pipeline's throughput on the icb world, end to end and per step,
 * against the floor of DuckDB alone copying the same CSV to ZSTD Parquet, in the same run.
 * Writes bench/results/pipeline.json and pipeline.md.
 *
 *   node bench/pipeline.ts [--scale small|icb] [--input PATH]
 */
import { existsSync } from 'node:fs';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { openDb } from '../data-pipelines/lib/duckdb.ts';
import { generate } from '../data-pipelines/generate/generate.ts';
import { runPipeline } from '../data-pipelines/pipeline/run.ts';
import { listInputFiles } from '../data-pipelines/pipeline/input-files.ts';
import { keyFromEnvironment } from '../data-pipelines/pipeline/pseudonymise.ts';
import { sqlString } from '../src/lib/metrics/sql.ts';
import { machine, markdownTable } from './machine.ts';

const { values } = parseArgs({
	options: { scale: { type: 'string', default: 'icb' }, input: { type: 'string' } }
});
const scale = values.scale as 'small' | 'icb';
const cache = resolve('bench/.cache');
const work = join(cache, `pipeline-${scale}`);

async function eventFiles(): Promise<string> {
	if (values.input) return resolve(values.input);
	const dir = join(cache, `events-${scale}-seed42`);
	if (!existsSync(join(dir, 'events.csv'))) {
		process.stderr.write(`bench: generating the ${scale} world (seed 42)…\n`);
		await generate({ out: dir, seed: 42, scale });
	}
	return dir;
}

/** The event CSV files the pipeline reads (a capacity extract beside them is not events). */
async function csvFiles(input: string): Promise<string[]> {
	return (await listInputFiles(input))
		.filter((f) => f.kind === 'events' && f.format === 'csv')
		.map((f) => f.path);
}

async function floorSeconds(files: string[]): Promise<number> {
	const db = await openDb();
	const target = join(work, 'floor.parquet');
	try {
		const began = performance.now();
		await db.run(`COPY (SELECT * FROM read_csv([${files.map(sqlString).join(', ')}], all_varchar = true, header = true))
TO ${sqlString(target)} (FORMAT parquet, COMPRESSION zstd)`);
		return (performance.now() - began) / 1000;
	} finally {
		db.close();
	}
}

await rm(work, { recursive: true, force: true });
await mkdir(work, { recursive: true });
const input = await eventFiles();
const files = await csvFiles(input);
const bytes = (await Promise.all(files.map((f) => stat(f)))).reduce((a, s) => a + s.size, 0);

process.stderr.write('bench: DuckDB alone, CSV → Parquet (the floor)…\n');
const floor = await floorSeconds(files);
process.stderr.write('bench: the pipeline…\n');
const { report } = await runPipeline({
	input,
	out: join(work, 'dataset'),
	key: keyFromEnvironment({}),
	maxQuarantine: 1
});
const rate = (seconds: number) => Math.round(report.read / seconds);
const result = {
	machine: machine(),
	scale,
	input: { files: files.length, bytes, rows: report.read },
	floor: { seconds: +floor.toFixed(2), rowsPerSecond: rate(floor) },
	pipeline: {
		seconds: report.seconds,
		rowsPerSecond: rate(report.seconds),
		steps: Object.fromEntries(
			Object.entries(report.timings).map(([step, seconds]) => [
				step.replace(/ \/.*$/, ''),
				{ seconds, rowsPerSecond: seconds > 0 ? rate(seconds) : null }
			])
		)
	},
	ratioToFloor: +(report.seconds / floor).toFixed(2),
	peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024)
};
await mkdir('bench/results', { recursive: true });
await writeFile(`bench/results/pipeline-${scale}.json`, `${JSON.stringify(result, null, 2)}\n`);
const md = [
	`# Pipeline throughput, ${scale} (${result.machine.date.slice(0, 10)})`,
	'',
	`${result.input.rows.toLocaleString('en-GB')} events in ${files.length} CSV file(s), ${(bytes / 2 ** 20).toFixed(0)} MiB; ` +
		`${result.machine.cpus} cores, ${result.machine.memoryGiB} GiB, Node ${result.machine.node}, DuckDB ${result.machine.duckdbNode}.`,
	'',
	markdownTable(
		['step', 'seconds', 'events/s'],
		[
			...Object.entries(result.pipeline.steps).map(([s, v]) => [
				s,
				v.seconds.toFixed(1),
				v.rowsPerSecond?.toLocaleString('en-GB') ?? '–'
			]),
			[
				'**pipeline, end to end**',
				result.pipeline.seconds.toFixed(1),
				result.pipeline.rowsPerSecond.toLocaleString('en-GB')
			],
			[
				'DuckDB alone: CSV → Parquet (floor)',
				result.floor.seconds.toFixed(1),
				result.floor.rowsPerSecond.toLocaleString('en-GB')
			]
		]
	),
	'',
	`Pipeline / floor: **${result.ratioToFloor}×**. Peak RSS of the benchmark process: ${result.peakRssMiB} MiB.`,
	''
].join('\n');
await writeFile(`bench/results/pipeline-${scale}.md`, md);
process.stdout.write(md);
