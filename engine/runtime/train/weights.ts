/**
 * Class weights (`training.classWeight`) and sample weights (`data.sampleWeight`, product of both when
 * both are set) as one weight per training row. The weight rides with the
 * row as an extra label column, so shuffling and batching keep each row's weight without a second
 * gather; the trainer splits it off before the loss (weighted, as Keras weighs `class_weight`:
 * the batch mean of weight × per-sample loss) and the metrics (unweighted).
 */
import type { ResolvedConfig } from '../../core/config/resolve';
import { classLookup } from '../../core/data/labels';
import { DataError } from '../data/csv';
import type { PreparedData, SplitArrays } from '../data/prepare';
import { tr } from '../messages';

/**
 * The weight of each class: `balanced` is n / (K · n_k) over the training rows (K the classes
 * present), as scikit-learn's compute_class_weight and Keras; a map gives its classes' weights
 * and 1 to the others. Undefined when the config sets none.
 */
export function classWeights(config: ResolvedConfig, data: PreparedData): Float64Array | undefined {
	const cw = config.training.classWeight;
	if (cw === undefined) return undefined;
	const classes = data.preprocessing.label.classes;
	const rows = data.train.classes;
	if (!classes || !rows || data.preprocessing.task === 'regression') throw new DataError(tr('weight.classRegression'));
	const out = new Float64Array(classes.length).fill(1);
	if (cw === 'balanced') {
		const counts = new Float64Array(classes.length);
		for (const c of rows) if (c >= 0) counts[c]!++;
		const present = counts.filter((n) => n > 0).length;
		let n = 0;
		for (const c of counts) n += c;
		counts.forEach((nk, k) => {
			if (nk > 0) out[k] = n / (present * nk);
		});
		return out;
	}
	const lookup = classLookup(classes);
	for (const [key, w] of Object.entries(cw)) {
		const k = lookup(key);
		if (k < 0)
			throw new DataError(
				tr('weight.unknownClass', {
					cls: key,
					label: data.preprocessing.label.column,
					classes: `${classes
						.slice(0, 10)
						.map((c) => `\`${String(c)}\``)
						.join(', ')}${classes.length > 10 ? ', …' : ''}`,
				}),
			);
		out[k] = w;
	}
	return out;
}

/** The training split with each row's weight appended to its label values (width + 1), or the split itself. */
export function weightedTrain(config: ResolvedConfig, data: PreparedData): { train: SplitArrays; yShape: number[]; weighted: boolean } {
	const perClass = classWeights(config, data);
	const perRow = data.train.weights;
	if (!perClass && !perRow) return { train: data.train, yShape: data.yShape, weighted: false };
	const d = data.train;
	const yw = d.y.length / Math.max(1, d.n);
	const y = new Float32Array(d.n * (yw + 1));
	for (let i = 0; i < d.n; i++) {
		y.set(d.y.subarray(i * yw, (i + 1) * yw), i * (yw + 1));
		const c = perClass ? d.classes![i]! : -1;
		y[i * (yw + 1) + yw] = (c >= 0 ? perClass![c]! : 1) * (perRow ? perRow[i]! : 1);
	}
	// Only what batching reads: the preview rows stay with the unweighted split.
	const train: SplitArrays = { x: d.x, y, n: d.n, rows: [], ...(d.classes ? { classes: d.classes } : {}) };
	return { train, yShape: [yw + 1], weighted: true };
}
