/**
 * The one seeded PRNG of the engine (mulberry32 + Box-Muller). Data generators, shuffles,
 * splits, weight initialisation and dropout masks all draw from it, so a seed fixes a run.
 */

export interface Rng {
	/** Uniform in [0, 1). */
	next(): number;
	uniform(lo: number, hi: number): number;
	normal(mean?: number, std?: number): number;
	/** Integer in [0, n). */
	int(n: number): number;
	/** A 32-bit seed for a child generator or a tfjs op. */
	seed(): number;
}

export function mulberry32(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** Mixes several integers into one seed, so sub-streams (per layer, per epoch) stay independent. */
export function mixSeed(...parts: number[]): number {
	let h = 0x811c9dc5;
	for (const p of parts) {
		h = Math.imul(h ^ (p >>> 0), 0x01000193) >>> 0;
		h = Math.imul(h ^ (h >>> 13), 0x5bd1e995) >>> 0;
		h ^= h >>> 15;
	}
	return h >>> 0;
}

export function createRng(seed: number): Rng {
	const u = mulberry32(seed);
	let spare: number | undefined;
	const rng: Rng = {
		next: u,
		uniform: (lo, hi) => lo + (hi - lo) * u(),
		normal(mean = 0, std = 1) {
			if (spare !== undefined) {
				const s = spare;
				spare = undefined;
				return mean + std * s;
			}
			let a = 0;
			while (a === 0) a = u();
			const b = u();
			const r = Math.sqrt(-2 * Math.log(a));
			spare = r * Math.sin(2 * Math.PI * b);
			return mean + std * r * Math.cos(2 * Math.PI * b);
		},
		int: (n) => Math.floor(u() * n),
		seed: () => Math.floor(u() * 4294967296) >>> 0,
	};
	return rng;
}

/** Fisher-Yates shuffle in place. */
export function shuffleInPlace<T>(a: T[] | Int32Array | Uint32Array, rng: Rng): typeof a {
	for (let i = a.length - 1; i > 0; i--) {
		const j = rng.int(i + 1);
		const t = a[i]!;
		a[i] = a[j]!;
		a[j] = t;
	}
	return a;
}

export function permutation(n: number, rng: Rng): number[] {
	return shuffleInPlace(
		Array.from({ length: n }, (_, i) => i),
		rng,
	) as number[];
}

/** Gamma(shape, 1) by Marsaglia-Tsang (boosted for shape < 1). */
export function gamma(rng: Rng, shape: number): number {
	if (shape < 1) return gamma(rng, shape + 1) * Math.pow(rng.next() || 1e-12, 1 / shape);
	const d = shape - 1 / 3;
	const c = 1 / Math.sqrt(9 * d);
	for (;;) {
		let x: number;
		let v: number;
		do {
			x = rng.normal();
			v = 1 + c * x;
		} while (v <= 0);
		v = v * v * v;
		const u = rng.next();
		if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
	}
}

/** Beta(a, b) as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b). */
export function beta(rng: Rng, a: number, b: number): number {
	const x = gamma(rng, a);
	const y = gamma(rng, b);
	return x / (x + y);
}
