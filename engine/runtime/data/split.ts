/** Seeded train/validation/test splits (stratified for classification) and k-fold indices. */
import { createRng, shuffleInPlace } from '../../core/random';
import { append } from '../../core/arrays';

export interface SplitIndices {
	train: number[];
	validation: number[];
	test: number[];
}

function groups(n: number, labels: readonly number[] | undefined): number[][] {
	if (!labels) return [Array.from({ length: n }, (_, i) => i)];
	const by = new Map<number, number[]>();
	for (let i = 0; i < n; i++) {
		const l = labels[i]!;
		if (!by.has(l)) by.set(l, []);
		by.get(l)!.push(i);
	}
	return [...by.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
}

/**
 * Splits n rows. With `labels` the split is stratified: each class is split in the same
 * proportions. Without `shuffle` rows keep their order (test last, validation before it).
 */
export function splitIndices(
	n: number,
	opts: { validation: number; test: number; seed: number; shuffle?: boolean; labels?: readonly number[] },
): SplitIndices {
	const rng = createRng(opts.seed);
	const out: SplitIndices = { train: [], validation: [], test: [] };
	for (const g of groups(n, opts.labels)) {
		if (opts.shuffle !== false) shuffleInPlace(g, rng);
		const nt = Math.round(g.length * opts.test);
		const nv = Math.round(g.length * opts.validation);
		const ntrain = g.length - nt - nv;
		append(out.train, g.slice(0, ntrain));
		append(out.validation, g.slice(ntrain, ntrain + nv));
		append(out.test, g.slice(ntrain + nv));
	}
	// Interleave classes again so batches are mixed even before the first epoch shuffle.
	if (opts.labels && opts.shuffle !== false) for (const k of ['train', 'validation', 'test'] as const) shuffleInPlace(out[k], rng);
	else if (opts.labels) for (const k of ['train', 'validation', 'test'] as const) out[k].sort((a, b) => a - b);
	return out;
}

/**
 * k folds over `indices` (row numbers): fold f validates on its part and trains on the rest.
 * Stratified when labels (indexed by row number) are given. Used by tuning and cross-validation.
 */
export function kFoldIndices(
	indices: readonly number[],
	k: number,
	opts: { seed: number; labels?: readonly number[]; shuffle?: boolean },
): { train: number[]; validation: number[] }[] {
	if (k < 2 || k > indices.length) throw new Error(`cannot make ${k} folds of ${indices.length} rows.`);
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
