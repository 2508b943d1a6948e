/**
 * Progress on the terminal for the pipeline's long steps: one bar per step, with DuckDB's own
 * estimate of how far the current query has gone, rows per second and time left.
 */
import { SingleBar } from 'cli-progress';
import type { QueryProgress } from '../lib/duckdb.ts';

const fmt = (n: number) => Math.round(n).toLocaleString('en-GB');

export class StepProgress {
	#bar: SingleBar | null = null;
	#name = '';
	#began = 0;

	step(name: string): void {
		this.#finish();
		this.#name = name;
		this.#began = performance.now();
		this.#bar = new SingleBar({
			stream: process.stderr,
			format:
				'{step} [{bar}] {percentage}% | {rows} rows | {rate} rows/s | {elapsed}s, ETA {eta_formatted}',
			barsize: 24,
			hideCursor: true,
			clearOnComplete: false,
			noTTYOutput: !process.stderr.isTTY,
			notTTYSchedule: 2000
		});
		this.#bar.start(100, 0, { step: name.padEnd(38), rows: '0', rate: '0', elapsed: '0' });
	}

	progress({ percent, rows }: QueryProgress): void {
		if (!this.#bar || percent < 0) return;
		const seconds = (performance.now() - this.#began) / 1000;
		this.#bar.update(Math.min(100, Math.round(percent)), {
			rows: fmt(rows),
			rate: fmt(seconds > 0 ? rows / seconds : 0),
			elapsed: seconds.toFixed(1)
		});
	}

	#finish(): void {
		if (!this.#bar) return;
		const seconds = (performance.now() - this.#began) / 1000;
		this.#bar.update(100, { elapsed: seconds.toFixed(1) });
		this.#bar.stop();
		this.#bar = null;
	}

	stop(): void {
		this.#finish();
	}
}
