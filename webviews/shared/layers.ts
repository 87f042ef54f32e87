/** Layer families, for colours and the legend; the types follow tfjs-layers names. */
import type { LayerFamily } from '../protocol';

export function layerFamily(type: string): LayerFamily {
	const t = type.toLowerCase();
	if (/^(dense|embedding)$/.test(t)) return 'core';
	if (/conv/.test(t)) return 'convolution';
	if (/pool/.test(t)) return 'pooling';
	if (/normalization$/.test(t)) return 'normalization';
	if (/dropout|noise/.test(t)) return 'regularization';
	if (/activation|relu|softmax/.test(t)) return 'activation';
	if (/flatten|reshape|permute|repeat/.test(t)) return 'reshape';
	if (/lstm|gru|rnn/.test(t)) return 'recurrent';
	return 'other';
}

/** Index into the theme palette per family (palette order: blue, orange, green, purple, red, yellow, …). */
export const FAMILY_COLOR_INDEX: Record<LayerFamily, number> = {
	core: 0,
	convolution: 3,
	pooling: 2,
	normalization: 6,
	regularization: 1,
	activation: 5,
	reshape: 7,
	recurrent: 8,
	other: 9,
};

/** Merge layers (engine/core/shapes/infer.ts MERGE_TYPES): a node where branches meet. */
export function isMergeLayer(type: string): boolean {
	return /^(add|concatenate|multiply|average)$/.test(type);
}
