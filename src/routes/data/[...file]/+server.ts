import { env } from '$env/dynamic/private';
import { datasetDir, serveDatasetFile } from '$lib/server/dataset-files';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ params, request }) =>
	serveDatasetFile(datasetDir(env), params.file, request);

export const HEAD = GET;
