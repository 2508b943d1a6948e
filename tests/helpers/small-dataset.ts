/** The e2e tests' demo dataset (the small world, seed 42), published into a folder of the test's. */
import { join } from 'node:path';
import { generate } from '../../data-pipelines/generate/generate.ts';
import { keyFromEnvironment } from '../../data-pipelines/pipeline/pseudonymise.ts';
import { runPipeline, type PipelineOptions } from '../../data-pipelines/pipeline/run.ts';

/** Generates the small world into `dir/events` and publishes it at `dir/dataset`. */
export async function publishSmallWorld(
	dir: string,
	options: Partial<PipelineOptions> = {}
): Promise<{ events: string; dataset: string }> {
	const { path } = await generate({ out: join(dir, 'events'), seed: 42, scale: 'small' });
	const dataset = join(dir, 'dataset');
	await runPipeline({ input: path, out: dataset, key: keyFromEnvironment({}), ...options });
	return { events: path, dataset };
}

/** A small deterministic generator of numbers in [0, 1) (mulberry32), for seeded faults. */
export function seeded(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}
