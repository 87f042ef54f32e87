/** Gradient clipping before each update: by value, then each gradient's L2 norm. */
import * as tf from '@tensorflow/tfjs';
import type { ResolvedConfig } from '../../core/config/resolve';

export type ClipGradients = (grads: tf.NamedTensorMap) => tf.NamedTensorMap;

/** Runs inside the step's tf.tidy, so the clipped tensors need no disposal here. */
export function gradientClipper(clip: ResolvedConfig['training']['gradientClipping']): ClipGradients {
	if (!clip || (clip.clipNorm === undefined && clip.clipValue === undefined)) return (grads) => grads;
	const { clipNorm, clipValue } = clip;
	return (grads) => {
		const out: tf.NamedTensorMap = {};
		for (const [k, g0] of Object.entries(grads)) {
			let g = g0;
			if (clipValue !== undefined) g = tf.clipByValue(g, -clipValue, clipValue);
			if (clipNorm !== undefined) g = tf.mul(g, tf.div(clipNorm, tf.maximum(tf.norm(g), clipNorm)));
			out[k] = g;
		}
		return out;
	};
}
