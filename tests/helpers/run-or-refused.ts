/**
 * Runs the pipeline where the input may hold no acceptable event: the run then publishes
 * nothing (exit 5) and writes its report and quarantined rows beside the dataset. Either way the
 * test gets the report and where the quarantined rows are.
 */
import { join } from 'node:path';
import {
	NoEventsError,
	rejectedQuarantinePath,
	runPipeline,
	type PipelineOptions
} from '../../data-pipelines/pipeline/run.ts';
import type { RunReport } from '../../data-pipelines/pipeline/report.ts';

export async function runOrRefused(
	options: PipelineOptions
): Promise<{ report: RunReport; quarantine: string; published: boolean }> {
	try {
		const { report } = await runPipeline(options);
		return { report, quarantine: join(options.out, 'quarantine.csv'), published: true };
	} catch (error) {
		if (!(error instanceof NoEventsError)) throw error;
		return {
			report: error.report,
			quarantine: rejectedQuarantinePath(options.out),
			published: false
		};
	}
}
