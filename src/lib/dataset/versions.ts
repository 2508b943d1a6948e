/**
 * Where a published dataset's versions live (Node only: the pipeline writes them, the server
 * serves them). `--out DIR` is a symbolic link to the current version, one folder of
 * `.DIR.versions/`; the versions it replaced stay there for a while (pipeline/swap.ts).
 */
import { basename, dirname, join, resolve } from 'node:path';

/** The hidden folder that holds the versions of the dataset at `out`. */
export function versionsDir(out: string): string {
	const target = resolve(out);
	return join(dirname(target), `.${basename(target)}.versions`);
}

/** A version's name as it may appear in a URL: letters, digits, `-` and `_`, not `.`. */
export const VERSION_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$/;
