/**
 * The simulation's two scheduling structures, both typed arrays with no per-item objects:
 * a binary min-heap (a service's queue of patients: key = priority class then clock start) and a
 * calendar of actions by day (a bucket per day, kept in a ring).
 */

/** Min-heap of (key, pathway slot, pathway number); ties broken by insertion order. */
export class Heap {
	size = 0;
	private keys: Float64Array;
	private slots: Int32Array;
	private numbers: Int32Array;
	private order: Float64Array;
	private counter = 0;

	constructor(capacity = 64) {
		this.keys = new Float64Array(capacity);
		this.slots = new Int32Array(capacity);
		this.numbers = new Int32Array(capacity);
		this.order = new Float64Array(capacity);
	}

	private less(i: number, j: number): boolean {
		const a = this.keys[i];
		const b = this.keys[j];
		return a < b || (a === b && this.order[i] < this.order[j]);
	}

	private swap(i: number, j: number): void {
		const k = this.keys[i];
		this.keys[i] = this.keys[j];
		this.keys[j] = k;
		const s = this.slots[i];
		this.slots[i] = this.slots[j];
		this.slots[j] = s;
		const n = this.numbers[i];
		this.numbers[i] = this.numbers[j];
		this.numbers[j] = n;
		const o = this.order[i];
		this.order[i] = this.order[j];
		this.order[j] = o;
	}

	push(key: number, slot: number, number: number): void {
		if (this.size === this.keys.length) {
			const grow = <T extends Float64Array | Int32Array>(a: T): T => {
				const b = new (a.constructor as { new (n: number): T })(a.length * 2);
				b.set(a);
				return b;
			};
			this.keys = grow(this.keys);
			this.slots = grow(this.slots);
			this.numbers = grow(this.numbers);
			this.order = grow(this.order);
		}
		let i = this.size++;
		this.keys[i] = key;
		this.slots[i] = slot;
		this.numbers[i] = number;
		this.order[i] = this.counter++;
		while (i > 0) {
			const parent = (i - 1) >> 1;
			if (!this.less(i, parent)) break;
			this.swap(i, parent);
			i = parent;
		}
	}

	topKey(): number {
		return this.keys[0];
	}
	topSlot(): number {
		return this.slots[0];
	}
	topNumber(): number {
		return this.numbers[0];
	}

	pop(): void {
		const last = --this.size;
		if (last === 0) return;
		this.keys[0] = this.keys[last];
		this.slots[0] = this.slots[last];
		this.numbers[0] = this.numbers[last];
		this.order[0] = this.order[last];
		let i = 0;
		for (;;) {
			const l = 2 * i + 1;
			if (l >= last) break;
			const r = l + 1;
			const m = r < last && this.less(r, l) ? r : l;
			if (!this.less(m, i)) break;
			this.swap(i, m);
			i = m;
		}
	}
}

/** Days the action calendar can look ahead. */
export const AGENDA_DAYS = 1024;

/** Pathway records per memory page (64-byte records, 4 KiB pages). */
const PAGE_SHIFT = 6;

/** Actions per chunk of a day's bucket. */
const CHUNK = 1024;

/**
 * Actions by day: each is (pathway slot, pathway number, action code << 24 | tag). A day's bucket is a
 * list of fixed-size chunks filled in order, so a day's actions run in the order they were scheduled
 * and are read sequentially (actions scheduled for the day being run are run the same day). Chunks come
 * from a shared pool and go back to it once their day has run, so memory follows the pending actions.
 */
export class Agenda {
	private data = new Int32Array(CHUNK * 3 * 64);
	private next = new Int32Array(64).fill(-1);
	/** Entries used in each chunk. */
	private fill = new Int32Array(64);
	private chunks = 0;
	private free: number[] = [];
	private readonly head = new Int32Array(AGENDA_DAYS).fill(-1);
	private readonly tail = new Int32Array(AGENDA_DAYS).fill(-1);
	private counts = new Int32Array(0);
	private copy = new Int32Array(0);

	private newChunk(): number {
		let c = this.free.pop();
		if (c === undefined) {
			if (this.chunks === this.next.length) {
				const n = this.next.length * 2;
				const data = new Int32Array(n * CHUNK * 3);
				data.set(this.data);
				this.data = data;
				const next = new Int32Array(n).fill(-1);
				next.set(this.next);
				this.next = next;
				const fill = new Int32Array(n);
				fill.set(this.fill);
				this.fill = fill;
			}
			c = this.chunks++;
		}
		this.next[c] = -1;
		this.fill[c] = 0;
		return c;
	}

	add(day: number, slot: number, number: number, action: number, tag: number): void {
		const b = day & (AGENDA_DAYS - 1);
		let c = this.tail[b];
		if (c < 0 || this.fill[c] === CHUNK) {
			const n = this.newChunk();
			if (c < 0) this.head[b] = n;
			else this.next[c] = n;
			this.tail[b] = c = n;
		}
		const o = (c * CHUNK + this.fill[c]) * 3;
		this.data[o] = slot;
		this.data[o + 1] = number;
		this.data[o + 2] = (action << 24) | tag;
		this.fill[c]++;
	}

	/**
	 * Runs `visit(slot, number, word)` for each of a day's actions in order, including any added to the
	 * day while it runs, then returns the day's chunks to the pool.
	 */
	drain(day: number, visit: (slot: number, number: number, word: number) => void): void {
		const b = day & (AGENDA_DAYS - 1);
		// The day's actions as scheduled before it began, visited grouped by the memory page of their
		// pathway record (a stable counting sort on slot >> 6: far fewer cache misses than scheduling
		// order), then any scheduled while it runs.
		let n = 0;
		let maxSlot = 0;
		for (let c = this.head[b]; c >= 0; c = this.next[c]) {
			const f = this.fill[c];
			for (let j = 0; j < f; j++) {
				const slot = this.data[(c * CHUNK + j) * 3];
				if (slot > maxSlot) maxSlot = slot;
			}
			n += f;
		}
		if (n > 64) {
			const pages = (maxSlot >> PAGE_SHIFT) + 2;
			if (this.counts.length < pages) this.counts = new Int32Array(pages * 2);
			const counts = this.counts;
			counts.fill(0, 0, pages);
			const data = this.data;
			for (let c = this.head[b]; c >= 0; c = this.next[c])
				for (let j = 0; j < this.fill[c]; j++)
					counts[(data[(c * CHUNK + j) * 3] >> PAGE_SHIFT) + 1]++;
			for (let k = 1; k < pages; k++) counts[k] += counts[k - 1];
			if (this.copy.length < n * 3) this.copy = new Int32Array(n * 6);
			const first = this.copy;
			for (let c = this.head[b]; c >= 0; c = this.next[c])
				for (let j = 0; j < this.fill[c]; j++) {
					const o = (c * CHUNK + j) * 3;
					const w = counts[data[o] >> PAGE_SHIFT]++ * 3;
					first[w] = data[o];
					first[w + 1] = data[o + 1];
					first[w + 2] = data[o + 2];
				}
			// Empty the bucket of what was copied; what is scheduled while the day runs comes after.
			let c = this.head[b];
			while (c >= 0) {
				this.free.push(c);
				c = this.next[c];
			}
			this.head[b] = -1;
			this.tail[b] = -1;
			for (let i = 0; i < n; i++) visit(first[i * 3], first[i * 3 + 1], first[i * 3 + 2]);
		}
		let c = this.head[b];
		while (c >= 0) {
			for (let k = 0; k < this.fill[c]; k++) {
				const o = (c * CHUNK + k) * 3;
				const d = this.data;
				visit(d[o], d[o + 1], d[o + 2]);
			}
			const done = c;
			c = this.next[c];
			this.free.push(done);
		}
		this.head[b] = -1;
		this.tail[b] = -1;
	}
}
