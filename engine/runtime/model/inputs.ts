/**
 * Rows of prepared data are flat: one Float32Array row per sample, each named input of
 * `model.inputs` a run of consecutive values (Preprocessing.modelInputs). `feed` cuts a batch
 * into what the model takes: the tensor itself for one input, one tensor per named input otherwise.
 */
import * as tf from '@tensorflow/tfjs';
import type { Preprocessing } from '../data/preprocess';

export function feed(pre: Pick<Preprocessing, 'modelInputs'>, x: tf.Tensor): tf.Tensor | tf.Tensor[] {
	const m = pre.modelInputs;
	if (!m?.length) return x;
	const n = x.shape[0];
	const flat = x.reshape([n, -1]);
	return m.map((i) => tf.slice(flat, [0, i.offset], [n, i.width]).reshape([n, ...i.shape]));
}

/** The model's outputs for `n` flat rows `x`, as [n, outputs]. Call inside tf.tidy. */
export function predictRowsFlat(
	model: tf.LayersModel,
	pre: Pick<Preprocessing, 'modelInputs' | 'inputShape'>,
	x: Float32Array,
	n: number,
	batchSize?: number,
): tf.Tensor {
	const input = feed(pre, tf.tensor(x, [n, ...pre.inputShape]));
	return (model.predict(input, batchSize ? { batchSize } : {}) as tf.Tensor).reshape([n, -1]);
}
