import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generate } from '../../data-pipelines/generate/generate.ts';
import { importRtt } from '../../data-pipelines/import/rtt.ts';
import { runPipeline } from '../../data-pipelines/pipeline/run.ts';
import { keyFromEnvironment } from '../../data-pipelines/pipeline/pseudonymise.ts';
import type { DatasetManifest } from '../../src/lib/dataset/schema.ts';
import { rttFile, type RttRow } from '../helpers/rtt-file.ts';
import { E2E_BENCHMARK, E2E_DATASET, E2E_EVENTS, E2E_ROOT } from './paths.ts';

/**
 * The demo world at small scale, generated and published once for all e2e tests, and beside it
 * a benchmark of published statistics for October 2025: an RTT Full CSV written here for the
 * demo's providers and commissioners, with a provider of its own that the demo does not have.
 */
export default async function globalSetup() {
	const { path } = await generate({ out: E2E_EVENTS, seed: 42, scale: 'small' });
	await runPipeline({ input: path, out: E2E_DATASET, key: keyFromEnvironment({}) });
	const manifest: DatasetManifest = JSON.parse(
		await readFile(join(E2E_DATASET, 'manifest.json'), 'utf8')
	);
	const codes = (table: string) =>
		manifest.tables[table].files.flatMap((f) => (f.partition ? [f.partition] : []));
	const providers = [...codes('pathways'), 'RZZ'];
	const commissioners = codes('waiting_list_weekly_commissioner');
	const rows: RttRow[] = [];
	providers.forEach((provider, p) =>
		commissioners.forEach((commissioner, c) =>
			['C_110', 'C_120', 'X05'].forEach((treatment, t) => {
				const seed = 7 * p + 3 * c + t + 1;
				const bands: Record<number, number> = {};
				for (let b = 0; b <= 104; b += 1 + ((seed + b) % 4))
					bands[b] = Math.max(0, 40 - Math.floor(b / 3) + ((seed * b) % 7));
				rows.push(
					{
						period: 'RTT-October-2025',
						provider,
						commissioner,
						part: 'Part_2',
						treatment,
						bands,
						unknown: seed % 3
					},
					{
						period: 'RTT-October-2025',
						provider,
						commissioner,
						part: 'Part_1A',
						treatment,
						bands: { 2: seed }
					}
				);
			})
		)
	);
	const input = join(E2E_ROOT, 'rtt-full-october-2025.csv');
	await writeFile(input, rttFile(rows));
	await importRtt({ input, out: E2E_BENCHMARK });
}
