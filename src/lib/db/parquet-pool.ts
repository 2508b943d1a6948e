/**
 * The Parquet workers, started on first use: one per lane (each aggregate has its own), so that
 * a view's tables decode side by side (a provider's first view needs three files, and a worker
 * busy decoding one would hold up the others' network reads), and a file always goes to the same
 * worker, which keeps its footer. (The decoder is not bundled for the main thread as well: every
 * browser that runs the engine's worker runs these.)
 */
import type { DecodeRequest, Decoded } from './parquet-decode.ts';

interface Pending {
	lane: string;
	resolve: (decoded: Decoded) => void;
	reject: (error: Error) => void;
}

const workers = new Map<string, Worker>();
let nextId = 0;
const pending = new Map<number, Pending>();

function fail(lane: string, reason: string) {
	workers.get(lane)?.terminate();
	workers.delete(lane);
	for (const [id, waiting] of pending) {
		if (waiting.lane !== lane) continue;
		pending.delete(id);
		waiting.reject(new Error(reason));
	}
}

function workerFor(lane: string): Worker {
	let worker = workers.get(lane);
	if (worker) return worker;
	worker = new Worker(new URL('./parquet-worker.ts', import.meta.url), {
		type: 'module',
		name: `parquet ${lane}`
	});
	worker.addEventListener(
		'message',
		(event: MessageEvent<{ id: number; decoded?: Decoded; error?: string; status?: number }>) => {
			const { id, decoded, error, status } = event.data;
			const waiting = pending.get(id);
			pending.delete(id);
			if (!waiting) return;
			if (decoded) waiting.resolve(decoded);
			// The server's status travels with the message: a 503 is a damaged file, said as such.
			else
				waiting.reject(Object.assign(new Error(error ?? 'the Parquet worker failed'), { status }));
		}
	);
	// Files in flight are failed (their views say so and can be retried), and a new worker is
	// started for the next.
	worker.addEventListener('error', () => fail(lane, 'the Parquet worker stopped'));
	workers.set(lane, worker);
	return worker;
}

/** Decodes one file's wanted row groups in the Parquet worker of `lane`. */
export function decodeParquet(request: DecodeRequest, lane: string): Promise<Decoded> {
	return new Promise<Decoded>((resolve, reject) => {
		let worker: Worker;
		try {
			worker = workerFor(lane);
		} catch (error) {
			reject(new Error(`this browser could not start a worker to read the data (${error})`));
			return;
		}
		const id = nextId++;
		pending.set(id, { lane, resolve, reject });
		worker.postMessage({ id, ...request });
	});
}
