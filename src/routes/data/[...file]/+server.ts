import { env } from '$env/dynamic/private';
import { benchmarkDir, datasetDir } from '$lib/server/dataset-dir';
import { serveData } from '$lib/server/data-route';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ params, request }) =>
	serveData({ dataset: datasetDir(env), benchmark: benchmarkDir(env) }, params.file, request);

export const HEAD = GET;
