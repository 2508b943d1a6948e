/** Command line of the generator: argument parsing, usage, the one-line summary. */
import { parseArgs } from 'node:util';
import { DEFAULTS, generate } from './generate.ts';
import type { GenerateOptions, Scale } from './generate.ts';

export const USAGE = `Usage: npm run generate -- --out DIR [--seed N] [--scale small|icb] [--start YYYY-MM-DD] [--months N]

Writes a synthetic ICB's outpatient event log (contract v1) to DIR/events.csv.

  --out DIR            output folder (created if missing)
  --seed N             random seed (default ${DEFAULTS.seed}); the same arguments give a byte-identical file
  --scale small|icb    small: ~2,300 referrals a year (tests); icb: ~500,000 a year (default ${DEFAULTS.scale})
  --start YYYY-MM-DD   first day of the data window (default ${DEFAULTS.start})
  --months N           length of the window in months (default ${DEFAULTS.months})
  -h, --help           show this help`;

/** Parses argv into options; returns null when help was asked for. */
export function parseCli(argv: string[]): GenerateOptions | null {
	const { values } = parseArgs({
		args: argv,
		options: {
			out: { type: 'string' },
			seed: { type: 'string' },
			scale: { type: 'string' },
			start: { type: 'string' },
			months: { type: 'string' },
			help: { type: 'boolean', short: 'h' }
		},
		strict: true,
		allowPositionals: false
	});
	if (values.help) return null;
	if (!values.out) throw new Error('missing --out DIR (where to write events.csv); see --help');
	const options: GenerateOptions = { out: values.out };
	if (values.seed !== undefined) options.seed = integer('--seed', values.seed);
	if (values.months !== undefined) options.months = integer('--months', values.months);
	if (values.scale !== undefined) {
		if (values.scale !== 'small' && values.scale !== 'icb')
			throw new Error(`invalid --scale "${values.scale}": expected small or icb`);
		options.scale = values.scale as Scale;
	}
	if (values.start !== undefined) options.start = values.start;
	return options;
}

function integer(flag: string, text: string): number {
	if (!/^\d+$/.test(text)) throw new Error(`invalid ${flag} "${text}": expected a whole number`);
	return Number(text);
}

/** Runs the CLI; prints the summary line to stderr. */
export async function main(argv: string[]): Promise<void> {
	const options = parseCli(argv);
	if (options === null) {
		process.stdout.write(USAGE + '\n');
		return;
	}
	const started = performance.now();
	const result = await generate(options);
	const seconds = (performance.now() - started) / 1000;
	process.stderr.write(
		`generate: ${result.rows.toLocaleString('en-GB')} rows, 1 file (${result.path}), ${seconds.toFixed(2)} s\n`
	);
}
