/**
 * The size of the built app's client JavaScript, gzip-compressed with node:zlib (level 9, as
 * `gzip -9`): every chunk under build/client/_app/immutable, the DuckDB worker reported apart
 * (it is the engine, loaded with the wasm, not app code).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { constants, gzipSync } from 'node:zlib';

export interface JsFile {
	/** Path as the browser asks for it, e.g. `/_app/immutable/nodes/2.C0aWoOku.js`. */
	path: string;
	bytes: number;
	gzipBytes: number;
}

export interface AppJsSize {
	/** All app chunks (every route), gzip. */
	gzipBytes: number;
	bytes: number;
	files: number;
	/** The DuckDB-WASM worker script, gzip. */
	engineWorkerGzipBytes: number;
	/** Every file, largest first, to see what a change added. */
	byFile: JsFile[];
}

const isEngineWorker = (path: string) => /duckdb-browser-[a-z]+\.worker\./.test(path);

export async function appJsSize(build = 'build'): Promise<AppJsSize> {
	const client = join(build, 'client');
	const root = join(client, '_app', 'immutable');
	const entries = await readdir(root, { withFileTypes: true, recursive: true });
	const files: JsFile[] = [];
	for (const e of entries) {
		if (!e.isFile() || !e.name.endsWith('.js')) continue;
		const file = join(e.parentPath, e.name);
		const content = await readFile(file);
		files.push({
			path: `/${relative(client, file).split('\\').join('/')}`,
			bytes: content.length,
			gzipBytes: gzipSync(content, { level: constants.Z_BEST_COMPRESSION }).length
		});
	}
	files.sort((a, b) => b.gzipBytes - a.gzipBytes);
	const app = files.filter((f) => !isEngineWorker(f.path));
	const sum = (list: JsFile[], key: 'bytes' | 'gzipBytes') => list.reduce((a, f) => a + f[key], 0);
	return {
		gzipBytes: sum(app, 'gzipBytes'),
		bytes: sum(app, 'bytes'),
		files: app.length,
		engineWorkerGzipBytes: sum(
			files.filter((f) => isEngineWorker(f.path)),
			'gzipBytes'
		),
		byFile: files
	};
}
