/**
 * Modelwright's own tfjs layers for text models: positionEmbedding, multiHeadAttention,
 * transformerEncoder and a mask-aware global average pooling. tfjs-layers has none of them.
 * Each is registered with tf.serialization.registerClass when this module loads, so a saved
 * model names them by `className` and tf.loadLayersModel rebuilds them in any process that has
 * imported this module (docs/engine.md: what a plain tfjs user registers).
 *
 * Padding masks: an `embedding` with `maskZero` marks id 0 as padding; these layers pass the mask
 * on, attention never attends to masked keys, and the pooling averages over unmasked steps only.
 * Ops are chosen to train on the wasm backend: 2-D matmuls for the projections, batched matmuls
 * for the scores (ours transpose first, train/kernels.ts), softmax, and no int/bool gradients.
 */
import * as tf from '@tensorflow/tfjs';

type Kwargs = { training?: boolean; mask?: tf.Tensor | tf.Tensor[] | null };
type Shape = (number | null)[];

const one = (x: tf.Tensor | tf.Tensor[]): tf.Tensor => (Array.isArray(x) ? x[0]! : x);
const oneMask = (m: Kwargs['mask']): tf.Tensor | undefined => (m ? (Array.isArray(m) ? (m[0] ?? undefined) : m) : undefined);
const lastDim = (s: Shape | Shape[], who: string): [number | null, number] => {
	const shape = (Array.isArray(s[0]) ? s[0] : s) as Shape;
	const d = shape[shape.length - 1];
	if (shape.length !== 3 || typeof d !== 'number') throw new Error(`${who} expects [batch, steps, features], got [${shape.join(', ')}]`);
	return [shape[1] ?? null, d];
};
const asShape = (s: Shape | Shape[]): Shape => (Array.isArray(s[0]) ? s[0] : s) as Shape;

/** tfjs types computeMask as returning a tensor; null (no mask) is what it means by none. */
const NO_MASK = null as unknown as tf.Tensor;
const passMask = (m: tf.Tensor | tf.Tensor[] | undefined): tf.Tensor => oneMask(m) ?? NO_MASK;

/** Dropout whose masks come from `seed` when the trainer sets it (as it does for tfjs Dropout layers). */
function seededDropout(x: tf.Tensor, rate: number, training: boolean | undefined, owner: { seed?: number; calls: number }): tf.Tensor {
	if (!training || rate <= 0) return x;
	const seed = owner.seed === undefined ? undefined : owner.seed + owner.calls++;
	return tf.dropout(x, rate, undefined, seed);
}

/** [B, T, d] · [d, n] + [n] as one 2-D matmul (wasm's fast path) reshaped back. */
function project(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor | undefined): tf.Tensor {
	const [b, t, d] = x.shape as [number, number, number];
	let y = tf.matMul(tf.reshape(x, [b * t, d]), kernel);
	if (bias) y = tf.add(y, bias);
	return tf.reshape(y, [b, t, kernel.shape[1]!]);
}

function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number): tf.Tensor {
	const { mean, variance } = tf.moments(x, -1, true);
	return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, epsilon))), gamma), beta);
}

/** A [B, 1, 1, T] additive bias: −1e9 on masked keys (padding). */
function keyBias(mask: tf.Tensor | undefined, t: number): tf.Tensor | undefined {
	if (!mask) return undefined;
	const m = tf.cast(mask, 'float32');
	return tf.reshape(tf.mul(tf.sub(1, m), -1e9), [-1, 1, 1, t]);
}

/** A [T, T] additive bias: −1e9 above the diagonal (a step attends to itself and earlier steps). */
function causalBias(t: number): tf.Tensor {
	const v = new Float32Array(t * t);
	for (let i = 0; i < t; i++) for (let j = i + 1; j < t; j++) v[i * t + j] = -1e9;
	return tf.tensor2d(v, [t, t]);
}

export interface AttentionArgs {
	name?: string;
	numHeads: number;
	/** Per-head size; null: the input size divided by numHeads. */
	keyDim?: number | null;
	dropout?: number;
	causal?: boolean;
	useBias?: boolean;
}

/** The attention weights and math shared by multiHeadAttention and transformerEncoder. */
class Attention {
	wq!: tf.LayerVariable;
	wk!: tf.LayerVariable;
	wv!: tf.LayerVariable;
	wo!: tf.LayerVariable;
	bq?: tf.LayerVariable;
	bk?: tf.LayerVariable;
	bv?: tf.LayerVariable;
	bo?: tf.LayerVariable;
	private k = 0;
	constructor(readonly a: Required<Omit<AttentionArgs, 'name'>>) {}

	build(add: (name: string, shape: number[], init: string) => tf.LayerVariable, d: number): void {
		this.k = this.a.keyDim ?? Math.floor(d / this.a.numHeads);
		if (this.k < 1) throw new Error(`attention over ${d} features cannot have ${this.a.numHeads} heads`);
		const hk = this.a.numHeads * this.k;
		this.wq = add('kernel_q', [d, hk], 'glorotUniform');
		this.wk = add('kernel_k', [d, hk], 'glorotUniform');
		this.wv = add('kernel_v', [d, hk], 'glorotUniform');
		this.wo = add('kernel_o', [hk, d], 'glorotUniform');
		if (this.a.useBias) {
			this.bq = add('bias_q', [hk], 'zeros');
			this.bk = add('bias_k', [hk], 'zeros');
			this.bv = add('bias_v', [hk], 'zeros');
			this.bo = add('bias_o', [d], 'zeros');
		}
	}

	/** Self-attention of x [B, T, d] → [B, T, d]. */
	call(x: tf.Tensor, mask: tf.Tensor | undefined, dropout: (t: tf.Tensor) => tf.Tensor): tf.Tensor {
		const [b, t] = x.shape as [number, number, number];
		const h = this.a.numHeads;
		const k = this.k;
		const heads = (w: tf.LayerVariable, bias?: tf.LayerVariable) =>
			tf.transpose(tf.reshape(project(x, w.read(), bias?.read()), [b, t, h, k]), [0, 2, 1, 3]);
		const q = heads(this.wq, this.bq);
		const key = heads(this.wk, this.bk);
		const v = heads(this.wv, this.bv);
		let scores = tf.mul(tf.matMul(q, key, false, true), 1 / Math.sqrt(k));
		const kb = keyBias(mask, t);
		if (kb) scores = tf.add(scores, kb);
		if (this.a.causal) scores = tf.add(scores, causalBias(t));
		const weights = dropout(tf.softmax(scores, -1));
		const ctx = tf.reshape(tf.transpose(tf.matMul(weights, v), [0, 2, 1, 3]), [b, t, h * k]);
		return project(ctx, this.wo.read(), this.bo?.read());
	}
}

const attentionDefaults = (a: AttentionArgs): Required<Omit<AttentionArgs, 'name'>> => ({
	numHeads: a.numHeads,
	keyDim: a.keyDim ?? null,
	dropout: a.dropout ?? 0,
	causal: a.causal ?? false,
	useBias: a.useBias ?? true,
});

/** Adds a weight with a named initializer (buildModel then overwrites random ones from the seeded stream). */
function adder(layer: tf.layers.Layer): (name: string, shape: number[], init: string) => tf.LayerVariable {
	return (name, shape, init) =>
		(layer as unknown as { addWeight: (n: string, s: number[], dt: string, i: unknown) => tf.LayerVariable }).addWeight(
			name,
			shape,
			'float32',
			(tf.initializers[init as 'glorotUniform'] as (a: object) => unknown)({}),
		);
}

/** Learned position vectors added to a sequence: y_t = x_t + P_t. */
export class PositionEmbedding extends tf.layers.Layer {
	static className = 'PositionEmbedding';
	readonly maxLength: number | null;
	private positions!: tf.LayerVariable;
	constructor(args: { name?: string; maxLength?: number | null }) {
		super(args);
		this.maxLength = args.maxLength ?? null;
		this.supportsMasking = true;
	}
	override build(inputShape: Shape | Shape[]): void {
		const [t, d] = lastDim(inputShape, 'positionEmbedding');
		const len = this.maxLength ?? t;
		if (len === null) throw new Error('positionEmbedding needs a known sequence length (set maxLength)');
		this.positions = adder(this)('embeddings', [len, d], 'glorotUniform');
		this.built = true;
	}
	override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
		return tf.tidy(() => {
			const x = one(inputs);
			const [, t, d] = x.shape as [number, number, number];
			return tf.add(x, tf.slice(this.positions.read(), [0, 0], [t, d]));
		});
	}
	override computeOutputShape(s: Shape | Shape[]): Shape {
		return asShape(s);
	}
	override computeMask(_inputs: tf.Tensor | tf.Tensor[], mask?: tf.Tensor | tf.Tensor[]): tf.Tensor {
		return passMask(mask);
	}
	override getConfig(): tf.serialization.ConfigDict {
		return { ...super.getConfig(), maxLength: this.maxLength };
	}
}

/** Multi-head scaled dot-product self-attention (queries, keys and values from the same sequence). */
export class MultiHeadAttention extends tf.layers.Layer {
	static className = 'MultiHeadAttention';
	/** Set per batch by the trainer for reproducible attention dropout. */
	seed?: number;
	calls = 0;
	private readonly args: Required<Omit<AttentionArgs, 'name'>>;
	private readonly attn: Attention;
	constructor(args: AttentionArgs) {
		super(args);
		this.args = attentionDefaults(args);
		this.attn = new Attention(this.args);
		this.supportsMasking = true;
	}
	override build(inputShape: Shape | Shape[]): void {
		this.attn.build(adder(this), lastDim(inputShape, 'multiHeadAttention')[1]);
		this.built = true;
	}
	override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
		return tf.tidy(() =>
			this.attn.call(one(inputs), oneMask(kwargs.mask), (t) => seededDropout(t, this.args.dropout, kwargs.training, this)),
		);
	}
	override computeOutputShape(s: Shape | Shape[]): Shape {
		return asShape(s);
	}
	override computeMask(_inputs: tf.Tensor | tf.Tensor[], mask?: tf.Tensor | tf.Tensor[]): tf.Tensor {
		return passMask(mask);
	}
	override getConfig(): tf.serialization.ConfigDict {
		return { ...super.getConfig(), ...this.args };
	}
}

export interface EncoderArgs extends AttentionArgs {
	feedForwardDim: number;
	activation?: 'relu' | 'gelu' | 'elu' | 'tanh' | 'linear';
	epsilon?: number;
}

const ACT: Record<NonNullable<EncoderArgs['activation']>, (x: tf.Tensor) => tf.Tensor> = {
	relu: (x) => tf.relu(x),
	// tanh approximation of GELU (as BERT and GPT-2); built from ops wasm can differentiate.
	gelu: (x) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3))))))),
	elu: (x) => tf.elu(x),
	tanh: (x) => tf.tanh(x),
	linear: (x) => x,
};

/**
 * A Transformer encoder block (post-norm, as in "Attention Is All You Need"):
 * h = LN(x + Dropout(MHA(x))), y = LN(h + Dropout(W₂ f(W₁ h + b₁) + b₂)).
 */
export class TransformerEncoder extends tf.layers.Layer {
	static className = 'TransformerEncoder';
	seed?: number;
	calls = 0;
	private readonly args: Required<Omit<EncoderArgs, 'name'>>;
	private readonly attn: Attention;
	private w1!: tf.LayerVariable;
	private b1!: tf.LayerVariable;
	private w2!: tf.LayerVariable;
	private b2!: tf.LayerVariable;
	private g1!: tf.LayerVariable;
	private beta1!: tf.LayerVariable;
	private g2!: tf.LayerVariable;
	private beta2!: tf.LayerVariable;
	constructor(args: EncoderArgs) {
		super(args);
		this.args = {
			...attentionDefaults(args),
			feedForwardDim: args.feedForwardDim,
			activation: args.activation ?? 'relu',
			epsilon: args.epsilon ?? 1e-6,
		};
		this.attn = new Attention(this.args);
		this.supportsMasking = true;
	}
	override build(inputShape: Shape | Shape[]): void {
		const d = lastDim(inputShape, 'transformerEncoder')[1];
		const add = adder(this);
		this.attn.build(add, d);
		this.g1 = add('gamma_1', [d], 'ones');
		this.beta1 = add('beta_1', [d], 'zeros');
		this.w1 = add('kernel_ff1', [d, this.args.feedForwardDim], 'glorotUniform');
		this.b1 = add('bias_ff1', [this.args.feedForwardDim], 'zeros');
		this.w2 = add('kernel_ff2', [this.args.feedForwardDim, d], 'glorotUniform');
		this.b2 = add('bias_ff2', [d], 'zeros');
		this.g2 = add('gamma_2', [d], 'ones');
		this.beta2 = add('beta_2', [d], 'zeros');
		this.built = true;
	}
	override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
		return tf.tidy(() => {
			const x = one(inputs);
			const drop = (t: tf.Tensor) => seededDropout(t, this.args.dropout, kwargs.training, this);
			const a = this.attn.call(x, oneMask(kwargs.mask), drop);
			const h = layerNorm(tf.add(x, drop(a)), this.g1.read(), this.beta1.read(), this.args.epsilon);
			const f = project(ACT[this.args.activation](project(h, this.w1.read(), this.b1.read())), this.w2.read(), this.b2.read());
			return layerNorm(tf.add(h, drop(f)), this.g2.read(), this.beta2.read(), this.args.epsilon);
		});
	}
	override computeOutputShape(s: Shape | Shape[]): Shape {
		return asShape(s);
	}
	override computeMask(_inputs: tf.Tensor | tf.Tensor[], mask?: tf.Tensor | tf.Tensor[]): tf.Tensor {
		return passMask(mask);
	}
	override getConfig(): tf.serialization.ConfigDict {
		return { ...super.getConfig(), ...this.args };
	}
}

/** Mean over the steps of [B, T, C] → [B, C]; with a padding mask, over the unmasked steps only. */
export class MaskedGlobalAveragePooling1D extends tf.layers.Layer {
	static className = 'MaskedGlobalAveragePooling1D';
	constructor(args: { name?: string }) {
		super(args);
		this.supportsMasking = true;
	}
	override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
		return tf.tidy(() => {
			const x = one(inputs);
			const mask = oneMask(kwargs.mask);
			if (!mask) return tf.mean(x, 1);
			const m = tf.expandDims(tf.cast(mask, 'float32'), -1);
			return tf.div(tf.sum(tf.mul(x, m), 1), tf.maximum(tf.sum(m, 1), 1));
		});
	}
	override computeOutputShape(s: Shape | Shape[]): Shape {
		const shape = asShape(s);
		return [shape[0] ?? null, shape[2] ?? null];
	}
	override computeMask(): tf.Tensor {
		return NO_MASK;
	}
}

/** The classes above, registered once for (de)serialisation. */
export const CUSTOM_LAYERS = [PositionEmbedding, MultiHeadAttention, TransformerEncoder, MaskedGlobalAveragePooling1D];
export const CUSTOM_LAYER_NAMES: ReadonlySet<string> = new Set(CUSTOM_LAYERS.map((c) => c.className));
/** Layers with dropout inside whose masks the trainer seeds per batch (as tfjs Dropout layers). */
export const SEEDED_LAYERS: ReadonlySet<string> = new Set([MultiHeadAttention.className, TransformerEncoder.className]);
for (const c of CUSTOM_LAYERS) tf.serialization.registerClass(c);
