/**
 * Worker thread: encodes batches of event records as CSV and writes them (see csv-encoder.ts), and
 * the capacity extract's published slots as they arrive (capacity.ts). Messages in:
 * { init: { path, lookups, capacityPath? } }, { records, count }, { groups, count }, { close: true }.
 * Out: { done: n } after each event batch; { closed: { rows, capacityRows, encodeMs, writeMs } } at
 * the end; or { error }.
 */
import { parentPort } from 'node:worker_threads';
import { CapacityCsv } from './capacity.ts';
import { CsvEncoder } from './csv-encoder.ts';
import type { Lookups } from './csv-encoder.ts';

type Message =
	| { init: { path: string; lookups: Lookups; capacityPath: string | null } }
	| { records: Int32Array; count: number }
	| { groups: Int32Array; count: number }
	| { close: true };

let encoder: CsvEncoder | null = null;
let capacity: CapacityCsv | null = null;
let capacityMs = 0;

parentPort!.on('message', (message: Message) => {
	try {
		if ('init' in message) {
			const { path, lookups, capacityPath } = message.init;
			encoder = new CsvEncoder(path, lookups);
			if (capacityPath)
				capacity = new CapacityCsv(capacityPath, lookups.providers, lookups.specialties);
		} else if ('records' in message) {
			encoder!.encode(message.records, message.count);
			parentPort!.postMessage({ done: message.count });
		} else if ('groups' in message) {
			const t = performance.now();
			capacity!.encode(message.groups, message.count);
			capacityMs += performance.now() - t;
		} else {
			encoder!.close();
			capacity?.close();
			const { rows, encodeMs, writeMs } = encoder!;
			parentPort!.postMessage({
				closed: {
					rows,
					capacityRows: capacity ? capacity.rows : null,
					encodeMs: encodeMs + capacityMs,
					writeMs
				}
			});
		}
	} catch (error) {
		parentPort!.postMessage({ error: error instanceof Error ? error.message : String(error) });
	}
});
