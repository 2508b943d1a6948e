/**
 * Names for the codes in the dataset, read once from `/data/reference.json`. The file is optional:
 * a dataset published without it (or a server that cannot send it) shows codes only, never an
 * error.
 */
import { EMPTY_REFERENCE, namesByCode, type ReferenceFile, type ReferenceKind } from './files.ts';

/** Keeps only string-to-string entries of each kind: a damaged file degrades to codes only. */
export function parseReference(json: unknown): ReferenceFile {
	if (!json || typeof json !== 'object') return EMPTY_REFERENCE;
	const source = json as Record<string, unknown>;
	const names = (kind: ReferenceKind): Record<string, string> => {
		const value = source[kind];
		if (!value || typeof value !== 'object') return namesByCode();
		return namesByCode(
			Object.entries(value).filter(
				(entry): entry is [string, string] => typeof entry[1] === 'string'
			)
		);
	};
	const sources = Array.isArray(source.sources)
		? source.sources.filter((s): s is string => typeof s === 'string')
		: [];
	return {
		specialties: names('specialties'),
		providers: names('providers'),
		commissioners: names('commissioners'),
		sources
	};
}

async function fetchReference(base: string, fetcher: typeof fetch): Promise<ReferenceFile> {
	try {
		const response = await fetcher(`${base}/reference.json`, { cache: 'no-cache' });
		if (!response.ok) return EMPTY_REFERENCE;
		return parseReference(await response.json());
	} catch {
		// The server did not answer: show codes now, and ask again next time.
		loading = null;
		return EMPTY_REFERENCE;
	}
}

let loading: Promise<ReferenceFile> | null = null;

/** The dataset's names, fetched once and shared; resolves to no names when there are none. */
export function loadReference(
	base = '/data',
	fetcher: typeof fetch = fetch
): Promise<ReferenceFile> {
	loading ??= fetchReference(base, fetcher);
	return loading;
}

/** Forgets the names fetched (for tests, and after a dataset is republished). */
export function resetReference(): void {
	loading = null;
}
