import { resolve } from 'node:path';

/** The dataset folder: `PATHWAY_INSIGHT_DATA`, else `data/demo-icb` (npm start's demo). */
export function datasetDir(env: Record<string, string | undefined>): string {
	return resolve(env.PATHWAY_INSIGHT_DATA || 'data/demo-icb');
}

/** The benchmark folder (`PATHWAY_INSIGHT_BENCHMARK`, published by npm run import:rtt), or null. */
export function benchmarkDir(env: Record<string, string | undefined>): string | null {
	return env.PATHWAY_INSIGHT_BENCHMARK ? resolve(env.PATHWAY_INSIGHT_BENCHMARK) : null;
}
