/** What a benchmark ran on, written beside its figures. */
import { cpus, totalmem } from 'node:os';
import { readFileSync } from 'node:fs';

export function machine() {
	const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
	const version = (name: string) => {
		try {
			const path = new URL(`../node_modules/${name}/package.json`, import.meta.url);
			return JSON.parse(readFileSync(path, 'utf8')).version as string;
		} catch {
			return 'not installed';
		}
	};
	return {
		date: new Date().toISOString(),
		cpus: cpus().length,
		cpu: cpus()[0]?.model ?? 'unknown',
		memoryGiB: Math.round(totalmem() / 2 ** 30),
		node: process.version,
		app: pkg.version as string,
		duckdbNode: version('@duckdb/node-api'),
		duckdbWasm: version('@duckdb/duckdb-wasm')
	};
}

/** A Markdown table from rows of cells. */
export function markdownTable(header: string[], rows: (string | number)[][]): string {
	const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
	return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
