import { env } from '$env/dynamic/private';
import { datasetDir } from '$lib/server/dataset-dir';
import { dataServer } from '$lib/server/data-route';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ params, request }) =>
	dataServer(datasetDir(env)).handle(params.file, request);

export const HEAD = GET;
