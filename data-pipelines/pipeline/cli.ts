import { parseArgs } from 'node:util';
import { UserError } from '../lib/errors.ts';
import { QuarantineLimitError, runPipeline } from './run.ts';
import { PUBLISH_OPTIONS, PUBLISH_USAGE, publishing } from './publish-options.ts';
import { StepProgress } from './progress.ts';
import type { RunReport } from './report.ts';

export const PIPELINE_USAGE = `Usage: npm run pipeline -- --input PATH --out DIR [options]

Reads event extracts (contract v1: CSV or NDJSON), validates every row, pseudonymises identifiers,
models pathways and appointments, and publishes a dataset folder the dashboard reads.

  --input PATH          an event file, or a folder of them (.csv, .ndjson, .jsonl)
  --out DIR             the dataset folder to publish (replaced atomically)
  --extract-date DATE   no event may be dated after this day (YYYY-MM-DD; default today)
  --max-quarantine P    refuse to publish if more than P of the rows are quarantined
                        (a share or a percentage: 0.05 or 5%; default 5%); the previous
                        dataset stays served and the report is written beside it
  --strict              refuse to run without PATHWAY_INSIGHT_KEY (no demo key)
  --organisations FILE  names for organisation codes: a CSV with code,name[,type], or an NHS
                        ODS extract such as etr.csv or epraccur.csv (default: the demo world's)
  --memory-limit SIZE   DuckDB's memory limit, e.g. 8GB (default: half of this machine's)
${PUBLISH_USAGE}
  --json                print the run report as JSON on stdout, nothing else
  --quiet               print nothing but errors
  --progress            draw progress bars even when stderr is not a terminal
  --help                show this help

Environment:
  PATHWAY_INSIGHT_KEY   secret key for pseudonymising patient, pathway and appointment ids
                        (without it a public demo key is used, with a warning)

Exit status: 0 published; 1 failed; 2 bad arguments or unreadable input;
3 too many rows quarantined; 4 another command is publishing DIR; 5 no event accepted.
On 3 and 5 nothing is published: the report and the quarantined rows are written beside DIR
(DIR.rejected-run-report.json, DIR.rejected-quarantine.csv).`;

/** `5%` or `0.05` → 0.05. */
export function parseShare(text: string): number {
	const match = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(text);
	const value = match ? Number(match[1]) / (match[2] ? 100 : 1) : NaN;
	if (!(value >= 0 && value <= 1)) {
		throw new UserError(`invalid --max-quarantine "${text}": expected a share such as 0.05 or 5%`);
	}
	return value;
}

const fmt = (n: number) => n.toLocaleString('en-GB');

function summary(report: RunReport, out: string, published = true): string {
	const lines = [
		`read ${fmt(report.read)} rows from ${report.files.length} file${report.files.length === 1 ? '' : 's'}: ` +
			`${fmt(report.accepted)} accepted, ${fmt(report.duplicates)} duplicates, ${fmt(report.quarantined)} quarantined`
	];
	for (const [rule, n] of Object.entries(report.rules)) {
		const example = report.examples.find((e) => e.rule === rule);
		lines.push(
			`  ${rule.padEnd(20)} ${fmt(n).padStart(8)}` +
				(example ? `   e.g. line ${example.line} of ${example.file}: ${example.reason}` : '')
		);
	}
	for (const [rule, n] of Object.entries(report.warnings)) {
		lines.push(`  warning ${rule.padEnd(26)} ${fmt(n).padStart(8)} (kept, value set to unknown)`);
	}
	for (const file of report.files) {
		for (const notice of file.notices) lines.push(`  note: ${file.file}: ${notice}`);
		if (file.extraColumns.length) {
			lines.push(
				`  note: ${file.file}: ignored columns not in the contract: ${file.extraColumns.join(', ')}`
			);
		}
	}
	for (const other of report.otherFiles ?? []) lines.push(`  note: ${other.file}: ${other.note}`);
	const period = report.dataPeriod
		? `, events ${report.dataPeriod.from} to ${report.dataPeriod.to}`
		: '';
	if (published) {
		lines.push(`published ${out}${period} in ${report.seconds.toFixed(1)} s`);
		if (report.quarantined > 0) lines.push(`quarantined rows with reasons: ${out}/quarantine.csv`);
	}
	return lines.join('\n');
}

export async function pipelineCli(argv: string[]): Promise<number> {
	let values;
	try {
		({ values } = parseArgs({
			args: argv,
			options: {
				input: { type: 'string' },
				out: { type: 'string' },
				'extract-date': { type: 'string' },
				'max-quarantine': { type: 'string' },
				strict: { type: 'boolean', default: false },
				organisations: { type: 'string' },
				'memory-limit': { type: 'string' },
				...PUBLISH_OPTIONS,
				json: { type: 'boolean', default: false },
				quiet: { type: 'boolean', default: false },
				progress: { type: 'boolean', default: false },
				help: { type: 'boolean', default: false }
			}
		}));
	} catch (error) {
		throw new UserError(`${(error as Error).message} (see --help)`);
	}
	if (values.help) {
		process.stdout.write(`${PIPELINE_USAGE}\n`);
		return 0;
	}
	if (!values.input) throw new UserError('--input is required (see --help)');
	if (!values.out) throw new UserError('--out is required (see --help)');
	const chatty = !values.quiet && !values.json;
	const bars = chatty && (values.progress || process.stderr.isTTY) ? new StepProgress() : null;
	try {
		const { report } = await runPipeline({
			input: values.input,
			out: values.out,
			extractDate: values['extract-date'],
			maxQuarantine:
				values['max-quarantine'] === undefined ? undefined : parseShare(values['max-quarantine']),
			strict: values.strict,
			organisations: values.organisations,
			memoryLimit: values['memory-limit'],
			...publishing(values, 'pipeline', values.out),
			onStep: bars
				? (s) => bars.step(s)
				: chatty
					? (s) => process.stderr.write(`… ${s}\n`)
					: undefined,
			onProgress: bars ? (p) => bars.progress(p) : undefined,
			onWarning: values.quiet ? undefined : (m) => process.stderr.write(`${m}\n`)
		});
		bars?.stop();
		if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
		else if (!values.quiet) process.stderr.write(`${summary(report, values.out)}\n`);
		return 0;
	} catch (error) {
		bars?.stop();
		if (error instanceof QuarantineLimitError) {
			if (values.json) process.stdout.write(`${JSON.stringify(error.report, null, 2)}\n`);
			else if (!values.quiet) process.stderr.write(`${summary(error.report, values.out, false)}\n`);
			process.stderr.write(`pipeline: ${error.message}\n`);
			return error.exitCode;
		}
		throw error;
	}
}
