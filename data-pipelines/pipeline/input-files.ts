import { readdir, stat } from 'node:fs/promises';
import { basename, extname, join, relative, resolve } from 'node:path';
import { UserError } from '../lib/errors.ts';

export type InputFormat = 'csv' | 'ndjson';

export interface InputFile {
	/** Absolute path. */
	path: string;
	/** The name shown in messages and reports: relative to the input folder, or the file's own name. */
	name: string;
	format: InputFormat;
	bytes: number;
}

const FORMATS: Record<string, InputFormat> = {
	'.csv': 'csv',
	'.ndjson': 'ndjson',
	'.jsonl': 'ndjson'
};

function formatOf(path: string): InputFormat | undefined {
	return FORMATS[extname(path).toLowerCase()];
}

async function walk(dir: string): Promise<string[]> {
	const entries = await readdir(dir, { withFileTypes: true });
	const nested = await Promise.all(
		entries
			.filter((e) => !e.name.startsWith('.'))
			.map((e) =>
				e.isDirectory() ? walk(join(dir, e.name)) : Promise.resolve([join(dir, e.name)])
			)
	);
	return nested.flat();
}

/**
 * The event files named by `--input`: the file itself, or every `.csv`, `.ndjson` and `.jsonl` file
 * below the folder, in name order so that runs are repeatable.
 */
export async function listInputFiles(input: string): Promise<InputFile[]> {
	const root = resolve(input);
	const info = await stat(root).catch((error: NodeJS.ErrnoException) => {
		const why = error.code === 'ENOENT' ? 'no such file or folder' : (error.code ?? error.message);
		throw new UserError(`cannot read input "${input}": ${why}`);
	});
	if (info.isFile()) {
		const format = formatOf(root);
		if (!format) {
			throw new UserError(
				`input "${input}" is not an event file: expected .csv, .ndjson or .jsonl`
			);
		}
		return [{ path: root, name: basename(root), format, bytes: info.size }];
	}
	const paths = (await walk(root)).filter((p) => formatOf(p)).sort();
	if (paths.length === 0) {
		throw new UserError(`input folder "${input}" holds no .csv, .ndjson or .jsonl event files`);
	}
	return Promise.all(
		paths.map(async (path) => ({
			path,
			name: relative(root, path),
			format: formatOf(path)!,
			bytes: (await stat(path)).size
		}))
	);
}
