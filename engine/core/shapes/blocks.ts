/**
 * The inside of a block layer, for the architecture panel: a `transformerEncoder` is one layer in
 * the config and in tfjs, but a reader wants to see its residual connections. The parts mirror
 * engine/runtime/model/layers.ts (post-norm: h = LN(x + MHA(x)), y = LN(h + W₂ f(W₁ h + b₁) + b₂)),
 * and their parameter counts add up to the layer's count in infer.ts (a unit test checks both).
 */
import type { LayerConfig } from '../config/schema';
import type { LayerShapeInfo, Shape } from './infer';

export interface BlockPart {
	/** Unique inside the block; `x` is the block's input. */
	id: string;
	type: 'input' | 'multiHeadAttention' | 'add' | 'layerNormalization' | 'dense';
	/** Parts this one takes, by id. */
	from: string[];
	/** Key parameters as written in a config (`units: 64`). */
	params: { key: string; value: string }[];
	/** An `add` that is a residual (skip) connection. */
	residual?: boolean;
	outputShape?: Shape;
	paramCount?: number;
}

/** The parts of a block layer, or undefined for a layer that is one operation. */
export function blockParts(layer: LayerConfig, info: LayerShapeInfo | undefined): BlockPart[] | undefined {
	if (layer.type !== 'transformerEncoder') return undefined;
	const shape = info?.outputShape;
	const d = shape?.[2] ?? undefined;
	const h = layer.numHeads;
	const k = d === undefined || d === null ? undefined : (layer.keyDim ?? Math.floor(d / h));
	const ff = layer.feedForwardDim;
	const known = typeof d === 'number' && k !== undefined;
	const withShape = (s: Shape | undefined) => (s ? { outputShape: s } : {});
	const count = (n: number | undefined) => (known && n !== undefined ? { paramCount: n } : {});
	const steps = shape?.[1] ?? null;
	const ffShape: Shape | undefined = shape ? [null, steps, ff] : undefined;
	const dd = known ? d : 0;
	const kk = k ?? 0;
	const attention = 4 * dd * h * kk + (layer.useBias !== false ? 3 * h * kk + dd : 0);
	return [
		{ id: 'x', type: 'input', from: [], params: [], ...withShape(info?.inputShape) },
		{
			id: 'attention',
			type: 'multiHeadAttention',
			from: ['x'],
			params: [
				{ key: 'numHeads', value: String(h) },
				...(k !== undefined ? [{ key: 'keyDim', value: String(k) }] : []),
				...(layer.causal ? [{ key: 'causal', value: 'true' }] : []),
			],
			...withShape(shape),
			...count(attention),
		},
		{
			id: 'add_1',
			type: 'add',
			from: ['x', 'attention'],
			params: layer.dropout ? [{ key: 'dropout', value: String(layer.dropout) }] : [],
			residual: true,
			...withShape(shape),
			...count(0),
		},
		{ id: 'norm_1', type: 'layerNormalization', from: ['add_1'], params: [], ...withShape(shape), ...count(2 * dd) },
		{
			id: 'ff_1',
			type: 'dense',
			from: ['norm_1'],
			params: [
				{ key: 'units', value: String(ff) },
				{ key: 'activation', value: layer.activation ?? 'relu' },
			],
			...withShape(ffShape),
			...count(dd * ff + ff),
		},
		{
			id: 'ff_2',
			type: 'dense',
			from: ['ff_1'],
			params: known ? [{ key: 'units', value: String(d) }] : [],
			...withShape(shape),
			...count(ff * dd + dd),
		},
		{
			id: 'add_2',
			type: 'add',
			from: ['norm_1', 'ff_2'],
			params: layer.dropout ? [{ key: 'dropout', value: String(layer.dropout) }] : [],
			residual: true,
			...withShape(shape),
			...count(0),
		},
		{ id: 'norm_2', type: 'layerNormalization', from: ['add_2'], params: [], ...withShape(shape), ...count(2 * dd) },
	];
}
