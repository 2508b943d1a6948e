import definitions from '../../../docs/definitions.md?raw';
import { renderDefinitions } from '$lib/server/definitions';
import type { PageServerLoad } from './$types';

const rendered = renderDefinitions(definitions);

export const load: PageServerLoad = () => rendered;
