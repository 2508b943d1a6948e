import { open, readdir, stat } from 'node:fs/promises';
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
	/**
	 * What the file holds, told by its header: booking and referral events, or the optional capacity
	 * extract (one row per published clinic slot; it has `slot_id` and no `event_id`).
	 */
	kind: 'events' | 'capacity';
}

const FORMATS: Record<string, InputFormat> = {
	'.csv': 'csv',
	'.ndjson': 'ndjson',
	'.jsonl': 'ndjson'
};

function formatOf(path: string): InputFormat | undefined {
	return FORMATS[extname(path).toLowerCase()];
}

/** The column names on a file's first line (CSV header, or the first NDJSON object's keys). */
async function headerNames(path: string, format: InputFormat): Promise<string[]> {
	const handle = await open(path, 'r');
	try {
		const buffer = Buffer.alloc(64 * 1024);
		const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
		const first = buffer
			.subarray(0, bytesRead)
			.toString('utf8')
			.replace(/^\uFEFF/, '')
			.split(/\r?\n/, 1)[0];
		if (format === 'ndjson') {
			try {
				const doc: unknown = JSON.parse(first);
				return doc && typeof doc === 'object' ? Object.keys(doc) : [];
			} catch {
				return [];
			}
		}
		return first.split(',').map((name) => name.trim().replace(/^"|"$/g, '').toLowerCase());
	} finally {
		await handle.close();
	}
}

async function kindOf(path: string, format: InputFormat): Promise<InputFile['kind']> {
	const names = await headerNames(path, format);
	return names.includes('slot_id') && !names.includes('event_id') ? 'capacity' : 'events';
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
 * The input files named by `--input`: the file itself, or every `.csv`, `.ndjson` and `.jsonl` file
 * below the folder, in name order so that runs are repeatable. Each is marked as events or as the
 * capacity extract by its header, so a capacity file beside the events is never read as events.
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
		return [
			{
				path: root,
				name: basename(root),
				format,
				bytes: info.size,
				kind: await kindOf(root, format)
			}
		];
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
			bytes: (await stat(path)).size,
			kind: await kindOf(path, formatOf(path)!)
		}))
	);
}
