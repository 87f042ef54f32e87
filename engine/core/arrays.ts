/**
 * Array helpers for inputs of any length. `a.push(...b)` and `Math.max(...b)` pass every element
 * as a call argument and overflow the stack past ~100k elements (a 200k-row split, a 200k-key
 * config): everything whose length comes from user data goes through these instead.
 */

/** Appends `src` to `target` in place; returns `target`. */
export function append<T>(target: T[], src: readonly T[]): T[] {
	for (let i = 0; i < src.length; i++) target.push(src[i]!);
	return target;
}

/** The smallest and largest value (`[Infinity, -Infinity]` for none); NaN is skipped. */
export function extent(xs: Iterable<number>): [number, number] {
	let lo = Infinity;
	let hi = -Infinity;
	for (const x of xs) {
		if (x < lo) lo = x;
		if (x > hi) hi = x;
	}
	return [lo, hi];
}

export const minOf = (xs: Iterable<number>): number => extent(xs)[0];
export const maxOf = (xs: Iterable<number>): number => extent(xs)[1];

/** Index of the largest value (the first on ties), -1 for an empty array. */
export function argmax(xs: ArrayLike<number>): number {
	let best = -1;
	let bv = -Infinity;
	for (let i = 0; i < xs.length; i++) {
		if (best < 0 || xs[i]! > bv) {
			best = i;
			bv = xs[i]!;
		}
	}
	return best;
}
