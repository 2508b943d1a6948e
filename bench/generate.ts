#!/usr/bin/env node
/**
 * `npm run bench:generate`: how fast the synthetic world is made, and where the time goes.
 * Each case runs in its own process (so peak memory is its own): `small`, `icb` (CSV, the demo; and
 * Parquet), and a fixed England slice (one region, North East and Yorkshire, about a seventh of
 * England, one year, Parquet), each also with events discarded to time the simulation alone. The
 * England-year time is extrapolated from the slice by population (regions are simulated one after
 * another, so time grows with the people simulated). Writes bench/results/generate.json and .md.
 *
 *   node bench/generate.ts [--quick]     (--quick: small and icb only)
 */
import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { machine, markdownTable } from './machine.ts';

const run = promisify(execFile);
const SELF = new URL(import.meta.url).pathname;

interface Case {
	name: string;
	options: Record<string, unknown>;
	/** Population simulated, for the England extrapolation. */
	population?: number;
}

interface Measured {
	name: string;
	options: Record<string, unknown>;
	rows: number;
	seconds: number;
	eventsPerSecond: number;
	peakRssMiB: number;
	cpuSeconds: { user: number; system: number };
	timings: Record<string, number>;
	files: number;
	bytes: number;
	capacityRows: number | null;
	calibration: Record<string, unknown>;
}

const { values } = parseArgs({
	options: { quick: { type: 'boolean' }, child: { type: 'string' } },
	allowPositionals: false
});

if (values.child) {
	// One case, in this process: generate, then report what it took.
	const { generate } = await import('../data-pipelines/generate/generate.ts');
	const { stat } = await import('node:fs/promises');
	const options = JSON.parse(values.child);
	const cpu = process.cpuUsage();
	const result = await generate(options);
	const used = process.cpuUsage(cpu);
	let bytes = 0;
	for (const f of result.files) bytes += (await stat(f)).size;
	const seconds = result.timings.totalMs / 1000;
	const out: Measured = {
		name: '',
		options,
		rows: result.rows,
		seconds,
		eventsPerSecond: Math.round(result.rows / seconds),
		peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
		cpuSeconds: { user: used.user / 1e6, system: used.system / 1e6 },
		timings: Object.fromEntries(
			Object.entries(result.timings).map(([k, v]) => [k.replace(/Ms$/, 'Seconds'), v / 1000])
		),
		files: result.files.length,
		bytes,
		capacityRows: result.capacityRows,
		calibration: {
			referralsPerYear: result.calibration.referrals.perYear,
			appointmentsPerYear: result.calibration.appointments.perYear,
			waitingList: result.calibration.waitingList.total,
			ranges: Object.fromEntries(
				Object.entries(result.calibration.ranges).map(([k, v]) => [k, v.value])
			)
		}
	};
	process.stdout.write(JSON.stringify(out));
	process.exit(0);
}

const work = resolve('bench/.cache/generate');
const SLICE_REGION = 'Y63';
/** England's population and the slice's (world.ts REGIONS: ONS 2022). */
const ENGLAND = 57_090_000;
const SLICE = 8_260_000;

const cases: Case[] = [
	{ name: 'small (CSV)', options: { scale: 'small' } },
	{ name: 'icb (CSV, the demo)', options: { scale: 'icb' } },
	{ name: 'icb, simulation only', options: { scale: 'icb', discard: true, capacity: false } },
	{ name: 'icb (Parquet)', options: { scale: 'icb', format: 'parquet' } }
];
if (!values.quick)
	cases.push(
		{
			name: 'England slice (Parquet)',
			options: { scale: 'england', region: SLICE_REGION, years: 1 },
			population: SLICE
		},
		{
			name: 'England slice, simulation only',
			options: { scale: 'england', region: SLICE_REGION, years: 1, discard: true, capacity: false },
			population: SLICE
		}
	);

await mkdir(work, { recursive: true });
const measured: Measured[] = [];
// Other work on the machine slows every figure: the load average is recorded beside them.
const loadBefore = loadavg()[0];
for (const c of cases) {
	const out = join(work, c.name.replace(/[^a-z0-9]+/gi, '-').toLowerCase());
	await rm(out, { recursive: true, force: true });
	process.stderr.write(`bench: ${c.name}…\n`);
	const { stdout } = await run(
		process.execPath,
		[SELF, '--child', JSON.stringify({ ...c.options, out, seed: 42 })],
		{ maxBuffer: 1 << 26 }
	);
	const m = JSON.parse(stdout) as Measured;
	m.name = c.name;
	measured.push(m);
	process.stderr.write(
		`bench: ${c.name}: ${m.rows.toLocaleString('en-GB')} events, ${m.seconds.toFixed(1)} s, ` +
			`${m.eventsPerSecond.toLocaleString('en-GB')} events/s, ` +
			`${(m.cpuSeconds.user + m.cpuSeconds.system).toFixed(0)} CPU s, peak ${m.peakRssMiB} MiB\n`
	);
	await rm(out, { recursive: true, force: true });
}

const slice = measured.find((m) => m.name === 'England slice (Parquet)');
const england = slice
	? {
			scale: ENGLAND / SLICE,
			seconds: slice.seconds * (ENGLAND / SLICE),
			events: Math.round(slice.rows * (ENGLAND / SLICE)),
			arithmetic:
				`${slice.seconds.toFixed(0)} s × ${ENGLAND.toLocaleString('en-GB')} / ${SLICE.toLocaleString('en-GB')} people ` +
				`(${(ENGLAND / SLICE).toFixed(2)}) = ${(slice.seconds * (ENGLAND / SLICE)).toFixed(0)} s ` +
				`≈ ${((slice.seconds * (ENGLAND / SLICE)) / 60).toFixed(1)} min for ` +
				`${Math.round((slice.rows * (ENGLAND / SLICE)) / 1e6)}M events (regions run one after another, ` +
				`each with memory like the slice's ${slice.peakRssMiB} MiB)`
		}
	: null;

const load = { before: +loadBefore.toFixed(2), after: +loadavg()[0].toFixed(2) };
const result = { machine: machine(), load, cases: measured, englandYear: england };
await mkdir('bench/results', { recursive: true });
await writeFile('bench/results/generate.json', `${JSON.stringify(result, null, 2)}\n`);

const s = (x: number | undefined) => (x === undefined ? '–' : x.toFixed(1));
const md = [
	`# Generator throughput (${result.machine.date.slice(0, 10)})`,
	'',
	`${result.machine.cpus} cores (${result.machine.cpu}), ${result.machine.memoryGiB} GiB, Node ${result.machine.node}, ` +
		`DuckDB ${result.machine.duckdbNode}; load average ${load.before} before, ${load.after} after ` +
		'(other work on the machine slows every figure). Seed 42, 2 simulated warm-up years before each window ' +
		'(small and icb: 20-month window; England slice: 1 year of North East and Yorkshire, 8.26M people).',
	'',
	markdownTable(
		[
			'case',
			'events',
			'wall s',
			'events/s',
			'CPU s',
			'peak RSS MiB',
			'simulate s',
			'sort s',
			'hand-over s',
			'waiting for writer s',
			'encode + write s (other threads)'
		],
		measured.map((m) => [
			m.name,
			m.rows.toLocaleString('en-GB'),
			m.seconds.toFixed(1),
			m.eventsPerSecond.toLocaleString('en-GB'),
			(m.cpuSeconds.user + m.cpuSeconds.system).toFixed(0),
			m.peakRssMiB,
			s(m.timings.simulateSeconds),
			s(m.timings.sortSeconds),
			s(m.timings.handSeconds),
			s(m.timings.waitSeconds),
			s(m.timings.encodeSeconds)
		])
	),
	'',
	'Simulation runs on the main thread; CSV is encoded and written by a worker thread, Parquet is ' +
		'formatted and written by DuckDB on its own threads, both overlapping the simulation. ' +
		'"Waiting for writer" is time the simulation stood idle because the writer was behind.',
	'',
	england ? `**England year, extrapolated from the slice:** ${england.arithmetic}.` : '',
	''
].join('\n');
await writeFile('bench/results/generate.md', md);
process.stdout.write(md);
