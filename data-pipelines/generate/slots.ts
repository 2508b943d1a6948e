/**
 * Published clinic slots. Every service (provider × specialty) publishes four pools of slots: first
 * appointments face to face and remote, follow-ups face to face and remote. A pool publishes one more
 * day each day, `horizon` days ahead, with the number of slots its managers chose that week; each slot
 * has a fixed place in a clinic session (so a booked slot has a clinic code and a time, and the
 * published slots make the capacity extract). Each day's slots are a bitmap, so one slot is booked by
 * at most one appointment at a time; a patient's cancellation gives the slot back, a provider's
 * cancellation loses it.
 *
 * Part of each first face-to-face day is held back for urgent and two-week-wait patients until
 * `RELEASE_DAYS` before the day, when what is left is released to routine patients.
 */

/** Pool types (the low two bits of a pool index). */
export const FIRST_F2F = 0;
export const FIRST_REMOTE = 1;
export const FU_F2F = 2;
export const FU_REMOTE = 3;
export const POOL_TYPES = 4;

/** Days kept per pool: more than the longest publication horizon. */
export const RING = 256;
/** The longest horizon a pool may publish. */
export const MAX_HORIZON = RING - 16;
/** Held-back urgent slots are released to routine patients this many days before the day. */
export const RELEASE_DAYS = 4;

/** Slot length in minutes by pool type. */
export const SLOT_MINUTES = [30, 20, 15, 15];
/** Sessions: 09:00–12:30 and 13:30–17:00. */
const SESSION_MINUTES = 210;
const SESSION_STARTS = [9 * 60, 13 * 60 + 30];
const PER_SESSION = SLOT_MINUTES.map((m) => Math.floor(SESSION_MINUTES / m));

/** Minute of the day a slot starts, by pool type and slot index within the day. */
export function slotMinute(type: number, index: number): number {
	const per = PER_SESSION[type];
	const j = index % (2 * per);
	return SESSION_STARTS[j < per ? 0 : 1] + (j % per) * SLOT_MINUTES[type];
}

/**
 * Consultation medium of a slot (the contract's CONSULTATION_MEDIA index): face to face in face-to-face
 * clinics; in remote clinics every fifth slot is a video consultation, the rest telephone.
 */
export function slotMedium(type: number, index: number): number {
	if (type === FIRST_F2F || type === FU_F2F) return 0;
	return index % 5 === 4 ? 2 : 1;
}

/** Clinic number (0-based) of a slot index: each clinic runs two sessions a day. */
export function slotClinic(type: number, index: number): number {
	return Math.floor(index / (2 * PER_SESSION[type]));
}

export class SlotBook {
	readonly pools: number;
	today = 0;
	/** Published slots, free slots, first held-back index and free held-back slots, by pool × ring day. */
	private readonly n: Uint16Array;
	private readonly free: Uint16Array;
	private readonly rsvStart: Uint16Array;
	private readonly rsvFree: Uint16Array;
	/** Booked-slot bitmaps per pool, `words[pool]` 32-bit words per day. */
	private readonly bits: Uint32Array[];
	private readonly words: Int32Array;
	/** Last published day of each pool. */
	readonly pubEnd: Int32Array;
	/** Per pool, a bit per ring day: set when the day has a free slot a routine patient can book. */
	private readonly open: Uint32Array;
	/** Published groups (pool, day, count) kept for the capacity extract when `record` is on. */
	record = false;
	recordFrom = 0;
	groups: Int32Array = new Int32Array(0);
	groupCount = 0;

	constructor(pools: number, firstDay: number) {
		this.pools = pools;
		this.n = new Uint16Array(pools * RING);
		this.free = new Uint16Array(pools * RING);
		this.rsvStart = new Uint16Array(pools * RING);
		this.rsvFree = new Uint16Array(pools * RING);
		this.words = new Int32Array(pools).fill(1);
		this.bits = Array.from({ length: pools }, () => new Uint32Array(RING));
		this.pubEnd = new Int32Array(pools).fill(firstDay - 1);
		this.open = new Uint32Array(pools * (RING >> 5));
	}

	private widen(pool: number, count: number): void {
		const words = Math.ceil((count + 16) / 32);
		const old = this.bits[pool];
		const w0 = this.words[pool];
		const next = new Uint32Array(RING * words);
		for (let r = 0; r < RING; r++)
			for (let k = 0; k < w0; k++) next[r * words + k] = old[r * w0 + k];
		this.bits[pool] = next;
		this.words[pool] = words;
	}

	/** Publishes `count` slots of a pool for `day` (the next day of its horizon), `held` held back. */
	publish(pool: number, day: number, count: number, held: number): void {
		if (count > 65000) count = 65000;
		if (count > this.words[pool] * 32) this.widen(pool, count);
		const i = pool * RING + (day & (RING - 1));
		this.n[i] = count;
		this.free[i] = count;
		this.rsvStart[i] = count - held;
		this.rsvFree[i] = held;
		const w = this.words[pool];
		this.bits[pool].fill(0, (day & (RING - 1)) * w, (day & (RING - 1)) * w + w);
		this.pubEnd[pool] = day;
		this.mark(pool, day, count > held);
		if (this.record && day >= this.recordFrom && count > 0) {
			if (this.groupCount * 3 + 3 > this.groups.length) {
				const g = new Int32Array(Math.max(3 * 4096, this.groups.length * 2));
				g.set(this.groups);
				this.groups = g;
			}
			const o = this.groupCount++ * 3;
			this.groups[o] = pool;
			this.groups[o + 1] = day;
			this.groups[o + 2] = count;
		}
	}

	/** Releases a day's held-back slots to everyone. */
	release(pool: number, day: number): void {
		if (day > this.pubEnd[pool] || day < this.today) return;
		const i = pool * RING + (day & (RING - 1));
		if (this.rsvStart[i] === this.n[i]) return;
		this.rsvStart[i] = this.n[i];
		this.rsvFree[i] = 0;
		this.mark(pool, day, this.free[i] > 0);
	}

	/** Free slots of a day a routine patient can book. */
	generalFree(pool: number, day: number): number {
		const i = pool * RING + (day & (RING - 1));
		return this.free[i] - this.rsvFree[i];
	}

	private mark(pool: number, day: number, open: boolean): void {
		const r = day & (RING - 1);
		const k = pool * (RING >> 5) + (r >> 5);
		if (open) this.open[k] |= 1 << (r & 31);
		else this.open[k] &= ~(1 << (r & 31));
	}

	/**
	 * The first day in [from, to] with a free slot a routine patient can book, or -1: a scan of the
	 * pool's open-day bits, a word (32 days) at a time.
	 */
	findGeneral(pool: number, from: number, to: number): number {
		const end = Math.min(to, this.pubEnd[pool]);
		let d = from > this.today ? from : this.today;
		const base = pool * (RING >> 5);
		while (d <= end) {
			const r = d & (RING - 1);
			const word = this.open[base + (r >> 5)] >>> (r & 31);
			if (word !== 0) {
				const found = d + 31 - Math.clz32(word & -word);
				return found <= end ? found : -1;
			}
			d += 32 - (r & 31);
		}
		return -1;
	}

	/** The first day in [from, to] with any free slot, held-back ones included, or -1. */
	findAny(pool: number, from: number, to: number): number {
		const end = Math.min(to, this.pubEnd[pool]);
		const base = pool * RING;
		for (let d = Math.max(from, this.today); d <= end; d++)
			if (this.free[base + (d & (RING - 1))] > 0) return d;
		return -1;
	}

	/** Books the lowest free slot of a day (held-back first when `urgent`); returns its index. */
	take(pool: number, day: number, urgent: boolean): number {
		const i = pool * RING + (day & (RING - 1));
		const useHeld = urgent && this.rsvFree[i] > 0;
		const lo = useHeld ? this.rsvStart[i] : 0;
		const hi = useHeld ? this.n[i] : this.rsvStart[i];
		const w = this.words[pool];
		const bits = this.bits[pool];
		const row = (day & (RING - 1)) * w;
		for (let k = lo >> 5; k <= (hi - 1) >> 5; k++) {
			let word = bits[row + k] | 0;
			const first = k << 5;
			// Bits outside [lo, hi) count as taken.
			if (first < lo) word |= ((1 << (lo - first)) - 1) | 0;
			if (hi - first < 32) word |= ~(((1 << (hi - first)) - 1) | 0);
			if (word === -1) continue;
			const inv = ~word;
			const bit = 31 - Math.clz32(inv & -inv);
			bits[row + k] |= 1 << bit;
			this.free[i]--;
			if (useHeld) this.rsvFree[i]--;
			else if (this.free[i] === this.rsvFree[i]) this.mark(pool, day, false);
			return first + bit;
		}
		throw new Error(`no free slot in pool ${pool} on day ${day}`);
	}

	/** Gives a booked slot back (a patient's cancellation or a removal) if its day is still ahead. */
	giveBack(pool: number, day: number, index: number): void {
		if (day <= this.today || day > this.pubEnd[pool]) return;
		const i = pool * RING + (day & (RING - 1));
		const w = this.words[pool];
		const row = (day & (RING - 1)) * w;
		const k = index >> 5;
		const mask = 1 << (index & 31);
		const bits = this.bits[pool];
		if ((bits[row + k] & mask) === 0) return;
		bits[row + k] &= ~mask;
		this.free[i]++;
		if (index >= this.rsvStart[i]) this.rsvFree[i]++;
		else this.mark(pool, day, true);
	}
}
