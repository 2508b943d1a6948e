/**
 * A progress bar on stderr: share of the simulation done, the simulated date, events written, rate
 * and ETA. Redrawn in place on a terminal; on a pipe (with --progress) a line every few seconds.
 */
export interface ProgressState {
	/** 0–1. */
	done: number;
	/** Simulated date, YYYY-MM-DD, and what is being simulated. */
	date: string;
	label: string;
	events: number;
}

function clock(seconds: number): string {
	if (!Number.isFinite(seconds) || seconds < 0) return '–:––';
	const s = Math.round(seconds);
	const h = Math.floor(s / 3600);
	const m = Math.floor((s % 3600) / 60);
	const r = s % 60;
	return h > 0
		? `${h}:${String(m).padStart(2, '0')}:${String(r).padStart(2, '0')}`
		: `${m}:${String(r).padStart(2, '0')}`;
}

function compact(n: number): string {
	if (n >= 1e9) return `${(n / 1e9).toFixed(2)}G`;
	if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
	if (n >= 1e3) return `${(n / 1e3).toFixed(0)}k`;
	return String(n);
}

export class ProgressBar {
	private readonly stream: NodeJS.WriteStream;
	private readonly tty: boolean;
	private readonly started = performance.now();
	private last = 0;
	private drawn = false;
	/** When the first events were written (the rate counts from there, after the warm-up). */
	private firstEvents = 0;

	constructor(stream: NodeJS.WriteStream = process.stderr) {
		this.stream = stream;
		this.tty = Boolean(stream.isTTY);
	}

	update(state: ProgressState, force = false): void {
		const now = performance.now();
		if (!force && now - this.last < (this.tty ? 150 : 5000)) return;
		this.last = now;
		const elapsed = (now - this.started) / 1000;
		if (state.events > 0 && this.firstEvents === 0) this.firstEvents = now;
		const writing = this.firstEvents > 0 ? (now - this.firstEvents) / 1000 : 0;
		const rate = writing > 0.5 ? state.events / writing : 0;
		const eta = state.done > 0.01 ? (elapsed * (1 - state.done)) / state.done : NaN;
		const width = 24;
		const filled = Math.round(width * Math.min(1, state.done));
		const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
		const text =
			`generate ${bar} ${(100 * state.done).toFixed(0).padStart(3)}% ${state.label} ${state.date}` +
			` · ${compact(state.events)} events · ${compact(rate)}/s · ${clock(elapsed)} elapsed · ETA ${clock(eta)}`;
		if (this.tty) {
			this.stream.write(`\r${text}\x1b[K`);
			this.drawn = true;
		} else this.stream.write(text + '\n');
	}

	/** Ends the bar's line. */
	finish(): void {
		if (this.tty && this.drawn) this.stream.write('\n');
		this.drawn = false;
	}
}
