/**
 * Config layers → a tfjs-layers Sequential model. Names follow defaultLayerNames (the same as
 * the shape hints), `activation: leakyRelu` becomes an extra leakyReLU layer (tfjs has no such
 * activation), and every random weight is drawn from our seeded PRNG (see init.ts).
 */
import * as tf from '@tensorflow/tfjs';
import type { ResolvedConfig } from '../../core/config/resolve';
import type { LayerConfig } from '../../core/config/schema';
import type { Activation, Initializer } from '../../core/config/vocabulary';
import { LayerSchema } from '../../core/config/schema';
import { applyDefaults, type S } from '../../core/config/schemaNav';
import { MODEL_INPUT } from '../../core/config/schema';
import { defaultLayerNames, inferShapes, isGraph, layerFrom } from '../../core/shapes/infer';
import { MaskedGlobalAveragePooling1D, MultiHeadAttention, PositionEmbedding, TransformerEncoder } from './layers';
import { mixSeed } from '../../core/random';
import { initialValues } from './init';
import { tr } from '../messages';

export interface BuiltModel {
	/** A Sequential model, or a functional one (tf.model over tf.input) when layers use `from` or merge. */
	model: tf.LayersModel;
	/** layerMap[i] = indices (in model.layers) of the tfjs layers made for config layer i. */
	layerMap: number[][];
}

/** A layer with its schema defaults filled in. */
type Layer = ResolvedConfig['model']['layers'][number];
type WithKernel = Extract<Layer, { type: 'dense' | 'conv1d' | 'conv2d' | 'lstm' | 'gru' | 'simpleRnn' }>;
/** A named model input and its per-sample shape (Preprocessing.modelInputs). */
export interface ModelInputSpec {
	name: string;
	shape: number[];
}
type Penalty = { l1: number; l2: number } | undefined;

const regularizer = (r: Penalty) => (r && (r.l1 > 0 || r.l2 > 0) ? tf.regularizers.l1l2({ l1: r.l1, l2: r.l2 }) : undefined);

/** Which config field initialises a weight, by the weight's tfjs name suffix. */
function initializerFor(weightName: string, l: Layer): Initializer | undefined {
	const base = weightName.split('/').pop() ?? weightName;
	if (base.startsWith('recurrent_kernel')) return 'recurrentInitializer' in l ? l.recurrentInitializer : undefined;
	if (base.startsWith('kernel')) return 'kernelInitializer' in l ? l.kernelInitializer : undefined;
	if (base.startsWith('bias')) return 'biasInitializer' in l ? l.biasInitializer : undefined;
	if (base.startsWith('embeddings')) return 'embeddingsInitializer' in l ? l.embeddingsInitializer : undefined;
	return undefined;
}

/** The tfjs initializers here are placeholders: buildModel overwrites those weights from our seeded stream. */
function kernelArgs(l: WithKernel) {
	const kernelRegularizer = regularizer(l.kernelRegularizer);
	const biasRegularizer = regularizer(l.biasRegularizer);
	return {
		useBias: l.useBias,
		kernelInitializer: l.kernelInitializer,
		biasInitializer: l.biasInitializer,
		...(kernelRegularizer ? { kernelRegularizer } : {}),
		...(biasRegularizer ? { biasRegularizer } : {}),
	};
}

/** tfjs has no leakyRelu activation: such layers stay linear and get a leakyReLU layer after them. */
const tfActivation = (a: Activation) => (a === 'leakyRelu' ? 'linear' : a);

/** The tfjs layers for one config layer (usually one; two with leakyRelu). */
function makeLayers(l: Layer, name: string, first: { inputShape?: number[] }, masked = false): tf.layers.Layer[] {
	const base = { name, ...first };
	const withAct = (layer: tf.layers.Layer, a: Activation) =>
		a === 'leakyRelu' ? [layer, tf.layers.leakyReLU({ name: `${name}_leakyrelu` })] : [layer];
	const L = tf.layers;
	switch (l.type) {
		case 'dense':
			return withAct(L.dense({ ...base, units: l.units, activation: tfActivation(l.activation), ...kernelArgs(l) }), l.activation);
		case 'dropout':
			return [L.dropout({ ...base, rate: l.rate })];
		case 'batchNormalization':
			return [L.batchNormalization({ ...base, momentum: l.momentum, epsilon: l.epsilon, center: l.center, scale: l.scale })];
		case 'layerNormalization':
			return [L.layerNormalization({ ...base, epsilon: l.epsilon, center: l.center, scale: l.scale })];
		case 'activation':
			return l.activation === 'leakyRelu' ? [L.leakyReLU(base)] : [L.activation({ ...base, activation: l.activation })];
		case 'flatten':
			return [L.flatten(base)];
		case 'reshape':
			return [L.reshape({ ...base, targetShape: l.targetShape })];
		case 'conv1d':
		case 'conv2d': {
			const args = {
				...base,
				filters: l.filters,
				kernelSize: l.kernelSize,
				strides: l.strides,
				padding: l.padding,
				dilationRate: l.dilationRate,
				activation: tfActivation(l.activation),
				...kernelArgs(l),
			};
			return withAct(l.type === 'conv1d' ? L.conv1d(args) : L.conv2d(args), l.activation);
		}
		case 'maxPooling1d':
		case 'averagePooling1d': {
			const args = { ...base, poolSize: l.poolSize, strides: l.strides ?? l.poolSize, padding: l.padding };
			return [l.type === 'maxPooling1d' ? L.maxPooling1d(args) : L.averagePooling1d(args)];
		}
		case 'maxPooling2d':
		case 'averagePooling2d': {
			const args = { ...base, poolSize: l.poolSize, strides: l.strides ?? l.poolSize, padding: l.padding };
			return [l.type === 'maxPooling2d' ? L.maxPooling2d(args) : L.averagePooling2d(args)];
		}
		case 'globalAveragePooling1d':
			// tfjs's own takes no padding mask; ours averages over the unmasked steps.
			return [masked ? new MaskedGlobalAveragePooling1D(base) : L.globalAveragePooling1d(base)];
		case 'positionEmbedding':
			return [new PositionEmbedding({ ...base, maxLength: l.maxLength ?? null })];
		case 'multiHeadAttention':
			return [
				new MultiHeadAttention({
					...base,
					numHeads: l.numHeads,
					keyDim: l.keyDim ?? null,
					dropout: l.dropout,
					causal: l.causal,
					useBias: l.useBias,
				}),
			];
		case 'transformerEncoder':
			return [
				new TransformerEncoder({
					...base,
					numHeads: l.numHeads,
					keyDim: l.keyDim ?? null,
					dropout: l.dropout,
					causal: l.causal,
					useBias: l.useBias,
					feedForwardDim: l.feedForwardDim,
					activation: l.activation,
					epsilon: l.epsilon,
				}),
			];
		case 'globalAveragePooling2d':
			return [L.globalAveragePooling2d(base)];
		case 'globalMaxPooling1d':
			return [L.globalMaxPooling1d(base)];
		case 'globalMaxPooling2d':
			return [L.globalMaxPooling2d(base)];
		case 'embedding': {
			const embeddingsRegularizer = regularizer(l.embeddingsRegularizer);
			return [
				L.embedding({
					...base,
					inputDim: l.inputDim,
					outputDim: l.outputDim,
					embeddingsInitializer: l.embeddingsInitializer,
					...(embeddingsRegularizer ? { embeddingsRegularizer } : {}),
					...(l.maskZero ? { maskZero: true } : {}),
				}),
			];
		}
		case 'add':
			return [L.add({ name })];
		case 'multiply':
			return [L.multiply({ name })];
		case 'average':
			return [L.average({ name })];
		case 'concatenate':
			return [L.concatenate({ name, axis: l.axis })];
		case 'lstm':
		case 'gru':
		case 'simpleRnn': {
			const args = {
				...base,
				units: l.units,
				activation: tfActivation(l.activation),
				returnSequences: l.returnSequences,
				dropout: l.dropout,
				recurrentDropout: l.recurrentDropout,
				recurrentInitializer: l.recurrentInitializer,
				...kernelArgs(l),
			};
			// Gates cannot be a separate layer, so a leakyRelu gate falls back to tfjs's default.
			const gated = () => ({
				...args,
				recurrentActivation: 'recurrentActivation' in l && l.recurrentActivation !== 'leakyRelu' ? l.recurrentActivation : 'hardSigmoid',
			});
			return withAct(l.type === 'lstm' ? L.lstm(gated()) : l.type === 'gru' ? L.gru(gated()) : L.simpleRNN(args), l.activation);
		}
		default:
			return unsupported(l);
	}
}

/** Reached only by configs that skipped validation. */
function unsupported(l: never): never {
	throw new Error(`unsupported layer type ${String((l as { type?: unknown }).type)}`);
}

/** The layers as a graph: tf.input, each layer applied to the outputs its `from` names, the last one the output. */
function buildFunctional(
	filled: Layer[],
	names: string[],
	inputs: ModelInputSpec[],
	masked: boolean[],
	all: tf.layers.Layer[],
): BuiltModel {
	const tensors = inputs.map((i) => tf.input({ shape: i.shape, name: i.name }));
	const outputs = new Map<string, tf.SymbolicTensor>(inputs.map((i, k) => [i.name, tensors[k]!]));
	const made: tf.layers.Layer[][] = [];
	let last: tf.SymbolicTensor = tensors[0]!;
	filled.forEach((l, i) => {
		const sources = layerFrom(l, i, names, inputs[0]!.name).map((f) => {
			const t = outputs.get(f);
			if (!t) throw new Error(`layer ${names[i]!} takes \`${f}\`, which is no earlier layer`);
			return t;
		});
		const layers = makeLayers(l, names[i]!, {}, masked[i]);
		all.push(...layers);
		let x: tf.SymbolicTensor | tf.SymbolicTensor[] = sources.length === 1 ? sources[0]! : sources;
		for (const m of layers) x = m.apply(x) as tf.SymbolicTensor;
		last = x as tf.SymbolicTensor;
		outputs.set(names[i]!, last);
		made.push(layers);
	});
	const model = tf.model({ inputs: tensors.length === 1 ? tensors[0]! : tensors, outputs: last });
	// A layer that does not reach the output (MW219, a warning) is not part of the model: its entry stays empty.
	const layerMap = made.map((ls) => ls.map((m) => model.layers.indexOf(m)).filter((j) => j >= 0));
	return { model, layerMap };
}

function buildSequential(filled: Layer[], names: string[], inputShape: number[], masked: boolean[], all: tf.layers.Layer[]): BuiltModel {
	const model = tf.sequential();
	const layerMap: number[][] = [];
	filled.forEach((l, i) => {
		const first = i === 0 ? { inputShape } : {};
		const made = makeLayers(l, names[i]!, first, masked[i]);
		all.push(...made);
		const idx: number[] = [];
		for (const m of made) {
			idx.push(model.layers.length);
			model.add(m);
		}
		layerMap.push(idx);
	});
	// The inner functional model is otherwise made lazily (by compile or predict): made here, a
	// model tfjs-layers cannot build fails in buildModel, where it is explained.
	model.build();
	return { model, layerMap };
}

/**
 * `inputs`: the named inputs of `model.inputs` (Preprocessing.modelInputs), each a tf.input of a
 * functional model; without them the model has one input, `input`, of `inputShape`.
 */
export function buildModel(layers: LayerConfig[], inputShape: number[], opts: { seed: number; inputs?: ModelInputSpec[] }): BuiltModel {
	const names = defaultLayerNames(layers);
	const filled = layers.map((l) => applyDefaults(LayerSchema as unknown as S, l) as Layer);
	const named = opts.inputs?.length ? opts.inputs : undefined;
	// Which layers get a padding mask (embedding maskZero), as the validator worked it out.
	const masked = inferShapes(layers, named ? undefined : inputShape, named).layers.map((s) => s.maskedInput === true);
	let built: BuiltModel;
	const all: tf.layers.Layer[] = [];
	try {
		built =
			named || isGraph(layers)
				? buildFunctional(filled, names, named ?? [{ name: MODEL_INPUT, shape: inputShape }], masked, all)
				: buildSequential(filled, names, inputShape, masked, all);
	} catch (err) {
		// The layers made so far hold weights: a long-lived engine process must not keep them.
		for (const m of all)
			try {
				m.dispose();
			} catch {
				/* a layer never built has nothing to free */
			}
		// tfjs-layers walks the graph recursively: thousands of layers overflow the stack (about
		// 6,000 dense layers here), which would otherwise surface as a bare RangeError.
		if (err instanceof RangeError && /call stack/i.test(err.message)) throw new Error(tr('build.tooDeep', { n: layers.length }));
		throw err;
	}
	const { model, layerMap } = built;
	// Replace every randomly initialised weight with values from our seeded stream.
	filled.forEach((l, i) => {
		for (const li of layerMap[i]!) {
			const layer = model.layers[li]!;
			layer.weights.forEach((w, wi) => {
				const init = initializerFor(w.originalName ?? w.name, l);
				if (!init) return;
				const values = initialValues(init, w.shape as number[], mixSeed(opts.seed, i, li, wi));
				if (!values) return;
				const t = tf.tensor(values, w.shape as number[], 'float32');
				w.write(t);
				t.dispose();
			});
		}
	});
	return { model, layerMap };
}
