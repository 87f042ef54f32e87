/** Seeded train/validation/test splits (stratified for classification) and k-fold indices. */
import { createRng, shuffleInPlace } from '../../core/random';
import { tr } from '../messages';

export interface SplitIndices {
	train: number[];
	validation: number[];
	test: number[];
}

/** Row numbers per class (ascending label, ascending row), or all rows as one group. */
function groups(n: number, labels: ArrayLike<number> | undefined): Int32Array[] {
	if (!labels) {
		const g = new Int32Array(n);
		for (let i = 0; i < n; i++) g[i] = i;
		return [g];
	}
	const counts = new Map<number, number>();
	for (let i = 0; i < n; i++) counts.set(labels[i]!, (counts.get(labels[i]!) ?? 0) + 1);
	const keys = [...counts.keys()].sort((a, b) => a - b);
	const by = new Map(keys.map((k) => [k, { rows: new Int32Array(counts.get(k)!), k: 0 }]));
	for (let i = 0; i < n; i++) {
		const g = by.get(labels[i]!)!;
		g.rows[g.k++] = i;
	}
	return keys.map((k) => by.get(k)!.rows);
}

function concat(parts: Int32Array[]): Int32Array {
	const out = new Int32Array(parts.reduce((a, p) => a + p.length, 0));
	let k = 0;
	for (const p of parts) {
		out.set(p, k);
		k += p.length;
	}
	return out;
}

/** A plain array of the values (preallocated, not grown element by element). */
export function toArray(a: Int32Array): number[] {
	const out = new Array<number>(a.length);
	for (let i = 0; i < a.length; i++) out[i] = a[i]!;
	return out;
}

/** A split as Int32Arrays of row numbers. */
export interface SplitRows {
	train: Int32Array;
	validation: Int32Array;
	test: Int32Array;
}

/**
 * Splits n rows. With `labels` the split is stratified: each class is split in the same
 * proportions. Without `shuffle` rows keep their order (test last, validation before it).
 * Rows are shuffled as Int32Arrays (ten million rows are 40 MB, not growing arrays of numbers).
 */
export function splitRows(
	n: number,
	opts: { validation: number; test: number; seed: number; shuffle?: boolean; labels?: ArrayLike<number> },
): SplitRows {
	const rng = createRng(opts.seed);
	const parts: Record<keyof SplitRows, Int32Array[]> = { train: [], validation: [], test: [] };
	for (const g of groups(n, opts.labels)) {
		if (opts.shuffle !== false) shuffleInPlace(g, rng);
		const nt = Math.round(g.length * opts.test);
		const nv = Math.round(g.length * opts.validation);
		const ntrain = g.length - nt - nv;
		parts.train.push(g.subarray(0, ntrain));
		parts.validation.push(g.subarray(ntrain, ntrain + nv));
		parts.test.push(g.subarray(ntrain + nv));
	}
	const out: SplitRows = { train: concat(parts.train), validation: concat(parts.validation), test: concat(parts.test) };
	// Interleave classes again so batches are mixed even before the first epoch shuffle.
	for (const k of ['train', 'validation', 'test'] as const)
		if (opts.labels && opts.shuffle !== false) shuffleInPlace(out[k], rng);
		else if (opts.labels) out[k].sort();
	return out;
}

/** splitRows as plain arrays. */
export function splitIndices(
	n: number,
	opts: { validation: number; test: number; seed: number; shuffle?: boolean; labels?: ArrayLike<number> },
): SplitIndices {
	const r = splitRows(n, opts);
	return { train: toArray(r.train), validation: toArray(r.validation), test: toArray(r.test) };
}

/**
 * k folds over `indices` (row numbers): fold f validates on its part and trains on the rest.
 * Stratified when labels (indexed by row number) are given. Used by tuning and cross-validation.
 */
export function kFoldIndices(
	indices: readonly number[],
	k: number,
	opts: { seed: number; labels?: ArrayLike<number>; shuffle?: boolean },
): { train: number[]; validation: number[] }[] {
	if (k < 2 || k > indices.length) throw new Error(tr('data.folds', { k, n: indices.length }));
	const rng = createRng(opts.seed);
	const parts: number[][] = Array.from({ length: k }, () => []);
	const by = new Map<number, number[]>();
	for (const i of indices) {
		const l = opts.labels ? opts.labels[i]! : 0;
		if (!by.has(l)) by.set(l, []);
		by.get(l)!.push(i);
	}
	let offset = 0;
	for (const [, g] of [...by.entries()].sort((a, b) => a[0] - b[0])) {
		if (opts.shuffle !== false) shuffleInPlace(g, rng);
		// Continue the round-robin across classes so fold sizes differ by at most one.
		g.forEach((row, j) => parts[(offset + j) % k]!.push(row));
		offset += g.length;
	}
	return parts.map((validation, f) => ({ validation, train: parts.flatMap((p, j) => (j === f ? [] : p)) }));
}
