import { generate } from '../../data-pipelines/generate/generate.ts';
import { runPipeline } from '../../data-pipelines/pipeline/run.ts';
import { keyFromEnvironment } from '../../data-pipelines/pipeline/pseudonymise.ts';
import { E2E_DATASET, E2E_EVENTS } from './paths.ts';

/** The demo world at small scale, generated and published once for all e2e tests. */
export default async function globalSetup() {
	const { path } = await generate({ out: E2E_EVENTS, seed: 42, scale: 'small' });
	await runPipeline({ input: path, out: E2E_DATASET, key: keyFromEnvironment({}) });
}
