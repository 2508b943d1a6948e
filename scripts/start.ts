#!/usr/bin/env node
/**
 * `npm start`: makes sure a dataset exists (generating the demo world and running the pipeline
 * on a fresh clone), builds the app, serves it and prints the address.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runCli, UserError } from '../data-pipelines/lib/errors.ts';
import { generate } from '../data-pipelines/generate/generate.ts';
import type { Scale } from '../data-pipelines/generate/world.ts';
import { ProgressBar } from '../data-pipelines/generate/progress.ts';
import { formatCalibration } from '../data-pipelines/generate/calibration.ts';
import { runPipeline } from '../data-pipelines/pipeline/run.ts';
import { StepProgress } from '../data-pipelines/pipeline/progress.ts';

const SCALES: readonly Scale[] = ['small', 'icb'];

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
	return new Promise((done, fail) => {
		const child = spawn(command, args, { stdio: 'inherit', env });
		child.on('exit', (code) =>
			code === 0
				? done()
				: fail(new UserError(`${command} ${args.join(' ')} failed (exit ${code})`))
		);
	});
}

async function ensureDataset(dir: string, isDemo: boolean, scale: Scale): Promise<void> {
	if (existsSync(join(dir, 'manifest.json'))) return;
	if (!isDemo) {
		throw new UserError(
			`no dataset at ${dir} (PATHWAY_INSIGHT_DATA): publish one with npm run pipeline`
		);
	}
	process.stderr.write(
		`start: no dataset yet, so generating the ${scale} demo world and running the pipeline ` +
			`(once; ${scale === 'icb' ? 'about 3 minutes' : 'a few seconds'})…\n`
	);
	const events = `${dir}-events`;
	const bar = process.stderr.isTTY ? new ProgressBar(process.stderr) : null;
	let generated;
	try {
		generated = await generate({
			out: events,
			seed: 42,
			scale,
			onProgress: bar ? (state) => bar.update(state) : undefined
		});
	} finally {
		bar?.finish();
	}
	process.stderr.write(formatCalibration(generated.calibration) + '\n');
	const bars = process.stderr.isTTY ? new StepProgress() : null;
	try {
		await runPipeline({
			input: events,
			out: dir,
			onStep: (s) => (bars ? bars.step(s) : process.stderr.write(`start: ${s}\n`)),
			onProgress: bars ? (p) => bars.progress(p) : undefined,
			onWarning: (m) => process.stderr.write(`start: ${m}\n`)
		});
	} finally {
		bars?.stop();
	}
}

await runCli('start', async (argv) => {
	const { values } = parseArgs({
		args: argv,
		options: {
			port: { type: 'string', default: process.env.PORT ?? '3000' },
			host: { type: 'string', default: process.env.HOST ?? '127.0.0.1' },
			'no-build': { type: 'boolean', default: false },
			scale: { type: 'string', default: 'icb' }
		}
	});
	const scale = values.scale as Scale;
	if (!SCALES.includes(scale)) {
		throw new UserError(`invalid --scale "${values.scale}": expected ${SCALES.join(' or ')}`);
	}
	const dataEnv = process.env.PATHWAY_INSIGHT_DATA;
	const data = resolve(dataEnv || `data/demo-${scale}`);
	await ensureDataset(data, !dataEnv, scale);
	if (!values['no-build'] || !existsSync('build/index.js')) {
		process.stderr.write('start: building the app…\n');
		await run(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn']);
	}
	const shownHost =
		values.host === '0.0.0.0' || values.host === '127.0.0.1' ? 'localhost' : values.host;
	process.stderr.write(
		`\npathway-insight is running at http://${shownHost}:${values.port}/\n` +
			`dataset: ${data}\nstop it with Ctrl+C\n\n`
	);
	await run(process.execPath, ['build/index.js'], {
		...process.env,
		PORT: values.port,
		HOST: values.host,
		PATHWAY_INSIGHT_DATA: data
	});
});
