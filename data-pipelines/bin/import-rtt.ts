#!/usr/bin/env node
import { parseCommand } from '../lib/args.ts';
import { runCli, UserError } from '../lib/errors.ts';
import { importRtt } from '../import/rtt.ts';

const USAGE = `Usage: npm run import:rtt -- --input FILE --out DIR [--json]

Reads NHS England's monthly RTT Full CSV (or the published .zip that holds it) into a published
dataset of kind "rtt-published" for that month: npm run metrics -- --data DIR prints its waiting
list, and the waits page shows it, on its own or as a benchmark (PATHWAY_INSIGHT_BENCHMARK).

  --input FILE   the RTT Full CSV, or its .zip
  --out DIR      the dataset folder to publish (a new version; the folder is locked meanwhile)
  --json         print the result as JSON`;

await runCli('import:rtt', async (argv) => {
	const values = parseCommand(
		argv,
		{
			input: { type: 'string' },
			out: { type: 'string' },
			json: { type: 'boolean', default: false }
		},
		USAGE
	);
	if (!values) return 0;
	if (!values.input || !values.out)
		throw new UserError('--input and --out are required (see --help)');
	const result = await importRtt({ input: values.input as string, out: values.out as string });
	process.stdout.write(
		values.json
			? `${JSON.stringify({ month: result.month, rows: result.rows, totalRowsDropped: result.totalRowsDropped, seconds: result.seconds, out: values.out })}\n`
			: `imported ${result.rows.toLocaleString('en-GB')} rows of ${result.month} (${result.totalRowsDropped.toLocaleString('en-GB')} total rows dropped) into ${values.out} in ${result.seconds.toFixed(1)} s\n`
	);
	return 0;
});
