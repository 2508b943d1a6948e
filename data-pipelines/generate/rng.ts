/**
 * Seeded pseudo-random numbers: sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, period ≈ 2^128),
 * seeded through splitmix32 so that nearby seeds give unrelated streams. Deterministic for a seed on every
 * platform: only 32-bit integer arithmetic.
 */
export class Rng {
	private a: number;
	private b: number;
	private c: number;
	private d: number;
	private spareNormal = 0;
	private hasSpare = false;

	constructor(seed: number) {
		let s = seed >>> 0;
		const next = (): number => {
			s = (s + 0x9e3779b9) | 0;
			let z = s;
			z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
			z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
			return (z ^ (z >>> 16)) >>> 0;
		};
		this.a = next();
		this.b = next();
		this.c = next();
		this.d = next();
		for (let i = 0; i < 12; i++) this.next32();
	}

	/** Next unsigned 32-bit integer. */
	next32(): number {
		const a = this.a;
		const b = this.b;
		const c = this.c;
		const d = this.d;
		const t = (((a + b) | 0) + d) | 0;
		this.d = (d + 1) | 0;
		this.a = b ^ (b >>> 9);
		this.b = (c + (c << 3)) | 0;
		const r = (c << 21) | (c >>> 11);
		this.c = (r + t) | 0;
		return t >>> 0;
	}

	/** Uniform in [0, 1). */
	next(): number {
		return this.next32() / 4294967296;
	}

	/** True with probability p. */
	chance(p: number): boolean {
		return this.next() < p;
	}

	/** Integer in [lo, hi] inclusive. */
	int(lo: number, hi: number): number {
		return lo + Math.floor(this.next() * (hi - lo + 1));
	}

	/** Uniform real in [lo, hi). */
	uniform(lo: number, hi: number): number {
		return lo + this.next() * (hi - lo);
	}

	/** Standard normal (Marsaglia polar method). */
	normal(): number {
		if (this.hasSpare) {
			this.hasSpare = false;
			return this.spareNormal;
		}
		let u: number;
		let v: number;
		let s: number;
		do {
			u = this.next() * 2 - 1;
			v = this.next() * 2 - 1;
			s = u * u + v * v;
		} while (s >= 1 || s === 0);
		const m = Math.sqrt((-2 * Math.log(s)) / s);
		this.spareNormal = v * m;
		this.hasSpare = true;
		return u * m;
	}

	/** Lognormal with the given median and log-scale sigma. */
	lognormal(median: number, sigma: number): number {
		return median * Math.exp(sigma * this.normal());
	}

	/** Exponential with the given mean. */
	exponential(mean: number): number {
		return -mean * Math.log(1 - this.next());
	}

	/** Poisson count with the given mean (Knuth below 30, rounded normal above). */
	poisson(mean: number): number {
		if (mean <= 0) return 0;
		if (mean < 30) {
			const limit = Math.exp(-mean);
			let k = 0;
			let p = this.next();
			while (p > limit) {
				k++;
				p *= this.next();
			}
			return k;
		}
		return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.normal()));
	}

	/** Index drawn from cumulative weights (last entry is the total). */
	pickCumulative(cumulative: ArrayLike<number>): number {
		const n = cumulative.length;
		const x = this.next() * cumulative[n - 1];
		let i = 0;
		while (i < n - 1 && cumulative[i] <= x) i++;
		return i;
	}
}

/** Running totals of weights, for {@link Rng.pickCumulative}. */
export function cumulative(weights: readonly number[]): Float64Array {
	const out = new Float64Array(weights.length);
	let total = 0;
	for (let i = 0; i < weights.length; i++) {
		total += weights[i];
		out[i] = total;
	}
	return out;
}
