/**
 * Memory of the page's renderer process, read from /proc (Linux only). The page's JS heap leaves
 * out what matters most here: DuckDB-WASM's memory lives in its worker's wasm heap, in the same
 * renderer process. Renderers are found as descendants of this process (Playwright starts
 * Chromium as our child) whose command line says `--type=renderer`.
 */
import { readdirSync, readFileSync } from 'node:fs';

function read(path: string): string | null {
	try {
		return readFileSync(path, 'utf8');
	} catch {
		return null;
	}
}

/** Parent of each live process. */
function parents(): Map<number, number> {
	const map = new Map<number, number>();
	for (const name of readdirSync('/proc')) {
		if (!/^\d+$/.test(name)) continue;
		const stat = read(`/proc/${name}/stat`);
		if (!stat) continue;
		// Fields after the command (which may hold spaces) start after the last ')'.
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		map.set(Number(name), Number(fields[1]));
	}
	return map;
}

function rendererPids(root: number): number[] {
	const parent = parents();
	const isDescendant = (pid: number) => {
		for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p))
			if (p === root) return true;
		return false;
	};
	return [...parent.keys()].filter(
		(pid) => isDescendant(pid) && (read(`/proc/${pid}/cmdline`) ?? '').includes('--type=renderer')
	);
}

/**
 * Private resident memory (RssAnon: heaps, the wasm memory; not the shared binary's pages) of the
 * largest of this process's Chromium renderers, in bytes; null off Linux. Chromium keeps spare
 * renderers beside the page's own; with one page open, the page's is the largest.
 */
export function rendererPrivateBytes(root = process.pid): number | null {
	if (process.platform !== 'linux') return null;
	let largest = 0;
	for (const pid of rendererPids(root)) {
		const kb = read(`/proc/${pid}/status`)?.match(/^RssAnon:\s+(\d+) kB/m)?.[1];
		if (kb) largest = Math.max(largest, Number(kb) * 1024);
	}
	return largest;
}
