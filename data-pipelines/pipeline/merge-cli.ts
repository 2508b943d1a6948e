import { parseArgs } from 'node:util';
import { UserError } from '../lib/errors.ts';
import { PUBLISH_OPTIONS, PUBLISH_USAGE, publishing } from './publish-options.ts';
import { mergeDatasets } from './merge.ts';

export const MERGE_USAGE = `Usage: npm run merge -- --out DIR DATASET DATASET [DATASET …]

Merges datasets published by separate pipeline runs (regions, or trusts) into one, without
reading an event again: event-level files are copied as they are, the weekly aggregates are
concatenated and their commissioner and national levels made again, and the run reports,
quarantine, names and completeness are added up.

Each provider must be in one dataset only, every dataset must have the same extract date, and
every one must be published with the same PATHWAY_INSIGHT_KEY.

  --out DIR             the dataset folder to publish (replaced atomically)
  --memory-limit SIZE   DuckDB's memory limit, e.g. 8GB (default: half of this machine's)
${PUBLISH_USAGE}
  --quiet               print nothing but errors
  --help                show this help

Exit status: 0 published; 1 failed; 2 bad arguments or datasets that cannot be merged;
4 another command is publishing DIR.`;

export async function mergeCli(argv: string[]): Promise<number> {
	let values;
	let positionals;
	try {
		({ values, positionals } = parseArgs({
			args: argv,
			allowPositionals: true,
			options: {
				out: { type: 'string' },
				'memory-limit': { type: 'string' },
				...PUBLISH_OPTIONS,
				quiet: { type: 'boolean', default: false },
				help: { type: 'boolean', default: false }
			}
		}));
	} catch (error) {
		throw new UserError(`${(error as Error).message}\n\n${MERGE_USAGE}`);
	}
	if (values.help) {
		process.stdout.write(`${MERGE_USAGE}\n`);
		return 0;
	}
	if (!values.out) throw new UserError(`--out is required\n\n${MERGE_USAGE}`);
	const began = performance.now();
	const manifest = await mergeDatasets({
		inputs: positionals,
		out: values.out,
		memoryLimit: values['memory-limit'],
		...publishing(values, 'merge', values.out)
	});
	if (!values.quiet) {
		const providers = manifest.tables.pathways.files.filter((f) => f.partition !== null).length;
		process.stderr.write(
			`merged ${positionals.length} datasets (${manifest.source.rowsAccepted.toLocaleString('en-GB')} events, ${providers} providers) into ${values.out} in ${((performance.now() - began) / 1000).toFixed(1)} s\n`
		);
	}
	return 0;
}
