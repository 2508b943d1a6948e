/** Command line of the generator: argument parsing, usage, progress, the calibration report. */
import { parseArgs } from 'node:util';
import { formatCalibration } from './calibration.ts';
import { DEFAULTS, generate } from './generate.ts';
import type { Format, GenerateOptions, Scale } from './generate.ts';
import { ProgressBar } from './progress.ts';
import { REGIONS } from './world.ts';

export const USAGE = `Usage: npm run generate -- --out DIR [--scale small|icb|england] [--seed N] [--years N | --months N]
                          [--start YYYY-MM-DD] [--format csv|parquet] [--region NAME] [--growth R]
                          [--no-capacity] [--progress] [--quiet] [--json]

Simulates a synthetic NHS referral and booking world (demand meeting finite clinic and theatre capacity)
and writes its event log in contract v1: DIR/events.csv, or Parquet parts in DIR/events/; the capacity
extract (DIR/capacity.csv or .parquet: every published clinic slot); DIR/world.json (organisations);
DIR/calibration.json (the headline figures, also printed). The same arguments give byte-identical files.

  --out DIR            output folder (created if missing)
  --scale S            small: a 1-in-100 sample of one ICB, for tests (default ${DEFAULTS.scale});
                       icb: one ICB of 1.5M people (~500k RTT referrals, ~3M appointments a year);
                       england: all 7 regions (~120M appointments a year), region by region
  --seed N             random seed (default ${DEFAULTS.seed})
  --years N            length of the data window in years (default 20 months; 12 for england)
  --months N           length of the data window in months
  --start YYYY-MM-DD   first day of the data window (default ${DEFAULTS.start}); 2 years are simulated before it
  --format F           csv or parquet (default csv; parquet for england)
  --region NAME        england only: one region, by code or name (${REGIONS.map((r) => r.code).join(', ')};
                       e.g. "North East and Yorkshire", about a seventh of England)
  --growth R           annual growth of referral demand (default ${DEFAULTS.growth})
  --no-capacity        do not write the capacity extract
  --progress           show progress even when stderr is not a terminal
  --quiet              print nothing but errors
  --json               print the result (rows, files, timings, calibration) as JSON on stdout
  -h, --help           show this help`;

export interface CliOptions extends GenerateOptions {
	progress?: boolean;
	quiet?: boolean;
	json?: boolean;
}

/** Parses argv into options; returns null when help was asked for. */
export function parseCli(argv: string[]): CliOptions | null {
	const { values } = parseArgs({
		args: argv,
		options: {
			out: { type: 'string' },
			seed: { type: 'string' },
			scale: { type: 'string' },
			start: { type: 'string' },
			months: { type: 'string' },
			years: { type: 'string' },
			format: { type: 'string' },
			region: { type: 'string' },
			growth: { type: 'string' },
			'no-capacity': { type: 'boolean' },
			progress: { type: 'boolean' },
			quiet: { type: 'boolean' },
			json: { type: 'boolean' },
			help: { type: 'boolean', short: 'h' }
		},
		strict: true,
		allowPositionals: false
	});
	if (values.help) return null;
	if (!values.out) throw new Error('missing --out DIR (where to write the events); see --help');
	const options: CliOptions = { out: values.out };
	if (values.seed !== undefined) options.seed = integer('--seed', values.seed);
	if (values.months !== undefined) options.months = integer('--months', values.months);
	if (values.years !== undefined) {
		if (values.months !== undefined) throw new Error('give --years or --months, not both');
		options.years = integer('--years', values.years);
	}
	if (values.scale !== undefined) {
		if (!['small', 'icb', 'england'].includes(values.scale))
			throw new Error(`invalid --scale "${values.scale}": expected small, icb or england`);
		options.scale = values.scale as Scale;
	}
	if (values.format !== undefined) {
		if (values.format !== 'csv' && values.format !== 'parquet')
			throw new Error(`invalid --format "${values.format}": expected csv or parquet`);
		options.format = values.format as Format;
	}
	if (values.growth !== undefined) {
		const g = Number(values.growth);
		if (!/^-?\d+(\.\d+)?$/.test(values.growth) || g <= -0.5 || g >= 1)
			throw new Error(`invalid --growth "${values.growth}": expected a rate such as 0.03`);
		options.growth = g;
	}
	if (values.start !== undefined) options.start = values.start;
	if (values.region !== undefined) options.region = values.region;
	if (values['no-capacity']) options.capacity = false;
	if (values.progress) options.progress = true;
	if (values.quiet) options.quiet = true;
	if (values.json) options.json = true;
	return options;
}

function integer(flag: string, text: string): number {
	if (!/^\d+$/.test(text)) throw new Error(`invalid ${flag} "${text}": expected a whole number`);
	return Number(text);
}

/** Runs the CLI: progress and the report on stderr (stdout only for --json). */
export async function main(argv: string[]): Promise<void> {
	const options = parseCli(argv);
	if (options === null) {
		process.stdout.write(USAGE + '\n');
		return;
	}
	const { progress, quiet, json, ...generateOptions } = options;
	const bar = !quiet && (progress || process.stderr.isTTY) ? new ProgressBar(process.stderr) : null;
	if (bar) generateOptions.onProgress = (state) => bar.update(state);
	let result;
	try {
		result = await generate(generateOptions);
	} finally {
		bar?.finish();
	}
	const seconds = result.timings.totalMs / 1000;
	if (json) {
		const usage = process.resourceUsage();
		process.stdout.write(
			JSON.stringify(
				{ ...result, peakRssMb: Math.round(usage.maxRSS / 1024), seconds },
				null,
				'\t'
			) + '\n'
		);
	}
	if (quiet) return;
	process.stderr.write(formatCalibration(result.calibration) + '\n');
	process.stderr.write(
		`generate: ${result.rows.toLocaleString('en-GB')} events in ${result.files.length} file${result.files.length === 1 ? '' : 's'} (${result.path})` +
			(result.capacityRows !== null
				? `, ${result.capacityRows.toLocaleString('en-GB')} published slots`
				: '') +
			`, ${seconds.toFixed(1)} s (${Math.round(result.rows / seconds).toLocaleString('en-GB')} events/s)\n`
	);
}
