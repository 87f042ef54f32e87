/** Tensors ↔ the base64 records of a checkpoint (Float32 little-endian, as the weights are). */
import * as tf from '@tensorflow/tfjs';
import type { SerialTensor } from '../../core/records';

export function serialise(name: string, t: tf.Tensor): SerialTensor {
	const d = t.dataSync() as Float32Array;
	return { name, shape: t.shape, data: Buffer.from(new Float32Array(d).buffer).toString('base64') };
}

export function deserialise(s: SerialTensor): tf.Tensor {
	const b = Buffer.from(s.data, 'base64');
	return tf.tensor(new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4).slice(), s.shape, 'float32');
}

/** Weights are named by position: tfjs names change with every model built in a process. */
export const serialiseAll = (ts: readonly tf.Tensor[]): SerialTensor[] => ts.map((w, i) => serialise(String(i), w));

export function restoreWeights(model: tf.LayersModel, ws: readonly SerialTensor[]): void {
	const ts = ws.map(deserialise);
	model.setWeights(ts);
	tf.dispose(ts);
}
