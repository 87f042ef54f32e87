/** Losses and training metrics as tf ops over (labels, predictions), matching the formulas in vocabulary.ts. */
import * as tf from '@tensorflow/tfjs';
import type { Loss, TrainingMetric } from '../../core/config/vocabulary';
import type { LabelEncoding } from '../data/preprocess';

const EPS = 1e-7;

export function lossFn(loss: Loss, opts: { huberDelta: number; classes?: number }): (y: tf.Tensor, p: tf.Tensor) => tf.Scalar {
	switch (loss) {
		case 'meanSquaredError':
			return (y, p) => tf.mean(tf.squaredDifference(y, p));
		case 'meanAbsoluteError':
			return (y, p) => tf.mean(tf.abs(tf.sub(y, p)));
		case 'huber': {
			const d = opts.huberDelta;
			return (y, p) => {
				const r = tf.abs(tf.sub(y, p));
				const q = tf.minimum(r, d);
				// 0.5 q² + d (r − q): quadratic inside δ, linear beyond.
				return tf.mean(tf.add(tf.mul(0.5, tf.square(q)), tf.mul(d, tf.sub(r, q))));
			};
		}
		case 'logCosh':
			return (y, p) => {
				const x = tf.sub(p, y);
				// log cosh x = x + softplus(−2x) − log 2, stable for large |x|.
				return tf.mean(tf.sub(tf.add(x, tf.softplus(tf.mul(-2, x))), Math.log(2)));
			};
		case 'binaryCrossentropy':
			return (y, p) => {
				const c = tf.clipByValue(p, EPS, 1 - EPS);
				return tf.neg(tf.mean(tf.add(tf.mul(y, tf.log(c)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, c)))))) as tf.Scalar;
			};
		case 'categoricalCrossentropy':
			return (y, p) => {
				const c = tf.clipByValue(p, EPS, 1 - EPS);
				return tf.neg(tf.mean(tf.sum(tf.mul(y, tf.log(c)), -1))) as tf.Scalar;
			};
		case 'sparseCategoricalCrossentropy':
			return (y, p) => {
				const k = p.shape[p.shape.length - 1]!;
				const oh = tf.oneHot(tf.cast(tf.reshape(y, [-1]), 'int32'), k);
				const c = tf.clipByValue(p, EPS, 1 - EPS);
				return tf.neg(tf.mean(tf.sum(tf.mul(oh, tf.log(c)), -1))) as tf.Scalar;
			};
		case 'hinge':
			return (y, p) => tf.mean(tf.relu(tf.sub(1, tf.mul(y, p))));
		case 'kullbackLeiblerDivergence':
			return (y, p) => {
				const yc = tf.clipByValue(y, EPS, 1);
				const pc = tf.clipByValue(p, EPS, 1);
				return tf.mean(tf.sum(tf.mul(y, tf.log(tf.div(yc, pc))), -1));
			};
	}
}

/**
 * The loss of each sample (shape [n]): the mean over a sample's outputs for elementwise losses, the
 * sum over classes for the cross-entropies and KL, so that the mean over samples is `lossFn`'s value.
 * Used where samples are weighted (class weights): the loss is then mean(w · loss).
 */
export function sampleLossFn(loss: Loss, opts: { huberDelta: number }): (y: tf.Tensor, p: tf.Tensor) => tf.Tensor1D {
	const perSample = (t: tf.Tensor): tf.Tensor1D => tf.mean<tf.Tensor1D>(tf.reshape(t, [t.shape[0], -1]), -1);
	switch (loss) {
		case 'meanSquaredError':
			return (y, p) => perSample(tf.squaredDifference(y, p));
		case 'meanAbsoluteError':
			return (y, p) => perSample(tf.abs(tf.sub(y, p)));
		case 'huber': {
			const d = opts.huberDelta;
			return (y, p) => {
				const r = tf.abs(tf.sub(y, p));
				const q = tf.minimum(r, d);
				return perSample(tf.add(tf.mul(0.5, tf.square(q)), tf.mul(d, tf.sub(r, q))));
			};
		}
		case 'logCosh':
			return (y, p) => {
				const x = tf.sub(p, y);
				return perSample(tf.sub(tf.add(x, tf.softplus(tf.mul(-2, x))), Math.log(2)));
			};
		case 'binaryCrossentropy':
			return (y, p) => {
				const c = tf.clipByValue(p, EPS, 1 - EPS);
				return tf.neg(perSample(tf.add(tf.mul(y, tf.log(c)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, c))))));
			};
		case 'categoricalCrossentropy':
			return (y, p) => {
				const c = tf.clipByValue(p, EPS, 1 - EPS);
				return tf.neg(tf.sum(tf.mul(y, tf.log(c)), -1)) as tf.Tensor1D;
			};
		case 'sparseCategoricalCrossentropy':
			return (y, p) => {
				const k = p.shape[p.shape.length - 1]!;
				const oh = tf.oneHot(tf.cast(tf.reshape(y, [-1]), 'int32'), k);
				const c = tf.clipByValue(p, EPS, 1 - EPS);
				return tf.neg(tf.sum(tf.mul(oh, tf.log(c)), -1)) as tf.Tensor1D;
			};
		case 'hinge':
			return (y, p) => perSample(tf.relu(tf.sub(1, tf.mul(y, p))));
		case 'kullbackLeiblerDivergence':
			return (y, p) => {
				const yc = tf.clipByValue(y, EPS, 1);
				const pc = tf.clipByValue(p, EPS, 1);
				return tf.sum<tf.Tensor1D>(tf.mul(y, tf.log(tf.div(yc, pc))), -1);
			};
	}
}

/** Per-batch metric sums (not means) so epoch values are exact sample-weighted means. */
export function metricSum(metric: TrainingMetric, encoding: LabelEncoding, y: tf.Tensor, p: tf.Tensor): tf.Scalar {
	switch (metric) {
		case 'accuracy': {
			let hit: tf.Tensor;
			if (encoding === 'binary') hit = tf.equal(tf.greaterEqual(p, 0.5), tf.greaterEqual(y, 0.5));
			else if (encoding === 'hinge') hit = tf.equal(tf.greaterEqual(p, 0), tf.greaterEqual(y, 0));
			else if (encoding === 'oneHot') hit = tf.equal(tf.argMax(p, -1), tf.argMax(y, -1));
			else if (encoding === 'index') hit = tf.equal(tf.argMax(p, -1), tf.cast(tf.reshape(y, [-1]), 'int32'));
			else hit = tf.equal(tf.round(p), tf.round(y));
			return tf.sum(tf.cast(hit, 'float32'));
		}
		// Per-sample mean over outputs, summed over the batch.
		case 'mae':
			return tf.sum(tf.mean(tf.reshape(tf.abs(tf.sub(y, p)), [p.shape[0], -1]), -1));
		case 'mse':
		case 'rmse':
			return tf.sum(tf.mean(tf.reshape(tf.squaredDifference(y, p), [p.shape[0], -1]), -1));
	}
}

/** Turns summed values into the logged value. */
export function finishMetric(metric: TrainingMetric, sum: number, n: number): number {
	const m = sum / Math.max(1, n);
	return metric === 'rmse' ? Math.sqrt(m) : m;
}
