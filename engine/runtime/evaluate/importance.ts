/**
 * Permutation feature importance on the evaluation split: each feature's columns (a one-hot group
 * is one feature) are shuffled across rows, seeded, `repeats` times; the importance is the mean
 * and standard deviation of the drop in the metric (accuracy for classifiers, R² for regression).
 */
import { tr } from '../messages';
import * as tf from '@tensorflow/tfjs';
import { predictRowsFlat } from '../model/inputs';
import type { ResolvedConfig } from '../../core/config/resolve';
import type { Evaluation, FeatureImportance } from '../../core/records';
import { createRng, mixSeed } from '../../core/random';
import type { PreparedData, SplitArrays } from '../data/prepare';
import { featureWidthOf, type Preprocessing } from '../data/preprocess';

export const IMPORTANCE_REPEATS = 5;
/** Rows used (the first of the split): the cost is features × repeats predictions of these. */
export const IMPORTANCE_MAX_ROWS = 2000;
/** More features than this and importance is left out (its cost grows with them). */
export const IMPORTANCE_MAX_FEATURES = 200;

/** Each feature's input columns [start, end), or undefined when the inputs do not map to features one by one. */
export function featureColumns(pre: Preprocessing): { feature: string; start: number; end: number }[] | undefined {
	const width = pre.inputShape.reduce((a, d) => a * d, 1);
	if (width !== pre.inputs.length) return undefined;
	const out: { feature: string; start: number; end: number }[] = [];
	let k = 0;
	for (const f of pre.features) {
		// A date's parts are one feature, as a one-hot group is.
		const w = featureWidthOf(f);
		out.push({ feature: f.column, start: k, end: k + w });
		k += w;
	}
	return k === width ? out : undefined;
}

/** The metric on predicted outputs: accuracy (classes) or R² (regression); higher is better. */
function score(pre: Preprocessing, out: Float32Array, width: number, s: SplitArrays, n: number, threshold: number): number {
	if (pre.task === 'regression') {
		let mean = 0;
		for (let i = 0; i < n; i++) mean += s.y[i]!;
		mean /= n;
		let ssRes = 0;
		let ssTot = 0;
		for (let i = 0; i < n; i++) {
			ssRes += (s.y[i]! - out[i * width]!) ** 2;
			ssTot += (s.y[i]! - mean) ** 2;
		}
		return ssTot > 0 ? 1 - ssRes / ssTot : 0;
	}
	let right = 0;
	for (let i = 0; i < n; i++) {
		let k: number;
		if (width === 1) k = out[i]! >= threshold ? 1 : 0;
		else {
			k = 0;
			for (let j = 1; j < width; j++) if (out[i * width + j]! > out[i * width + k]!) k = j;
		}
		if (k === s.classes![i]) right++;
	}
	return right / n;
}

export function permutationImportance(
	model: tf.LayersModel,
	pre: Preprocessing,
	s: SplitArrays,
	opts: { seed: number; repeats?: number; maxRows?: number; threshold?: number },
): NonNullable<Evaluation['importance']> | undefined {
	const groups = featureColumns(pre);
	if (!groups || !groups.length || groups.length > IMPORTANCE_MAX_FEATURES) return undefined;
	if (pre.task !== 'regression' && !s.classes) return undefined;
	const repeats = opts.repeats ?? IMPORTANCE_REPEATS;
	const n = Math.min(s.n, opts.maxRows ?? IMPORTANCE_MAX_ROWS);
	if (n < 2) return undefined;
	const w = pre.inputs.length;
	const threshold = pre.label.encoding === 'hinge' ? 0 : (opts.threshold ?? 0.5);
	const run = (x: Float32Array) => {
		const t = tf.tidy(() => predictRowsFlat(model, pre, x, n, 1024));
		try {
			return score(pre, t.dataSync() as Float32Array, t.shape[1] ?? 1, s, n, threshold);
		} finally {
			t.dispose();
		}
	};
	const base = s.x.subarray(0, n * w);
	const baseline = run(base);
	const x = new Float32Array(base.length);
	const features: FeatureImportance[] = groups.map((g, gi) => {
		const drops: number[] = [];
		for (let r = 0; r < repeats; r++) {
			const rng = createRng(mixSeed(opts.seed, gi, r));
			// Fisher–Yates over the rows; the group's columns move together.
			const perm = new Int32Array(n);
			for (let i = 0; i < n; i++) perm[i] = i;
			for (let i = n - 1; i > 0; i--) {
				const j = rng.int(i + 1);
				const t = perm[i]!;
				perm[i] = perm[j]!;
				perm[j] = t;
			}
			x.set(base);
			for (let i = 0; i < n; i++) for (let c = g.start; c < g.end; c++) x[i * w + c] = base[perm[i]! * w + c]!;
			drops.push(baseline - run(x));
		}
		const mean = drops.reduce((a, b) => a + b, 0) / repeats;
		const std = Math.sqrt(drops.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, repeats - 1));
		return { feature: g.feature, mean, std, inputs: g.end - g.start };
	});
	features.sort((a, b) => b.mean - a.mean);
	return {
		metric: pre.task === 'regression' ? 'r2' : 'accuracy',
		baseline,
		repeats,
		seed: opts.seed,
		rows: n,
		features,
	};
}

/** Adds `importance` to an evaluation (the engine's evaluation step and re-evaluation); a failure is a note, never a lost evaluation. */
export function addImportance(ev: Evaluation, model: tf.LayersModel, config: ResolvedConfig, data: PreparedData): Evaluation {
	try {
		const s = data[ev.split];
		if (!s) return ev;
		const imp = permutationImportance(model, data.preprocessing, s, { seed: config.seed, threshold: config.evaluation.threshold });
		if (imp) ev.importance = imp;
	} catch (err) {
		(ev.notes ??= []).push(tr('eval.noImportance', { error: err instanceof Error ? err.message : String(err) }));
	}
	return ev;
}
