/**
 * Config layers → a tfjs-layers Sequential model. Names follow defaultLayerNames (the same as
 * the shape hints), `activation: leakyRelu` becomes an extra leakyReLU layer (tfjs has no such
 * activation), and every random weight is drawn from our seeded PRNG (see init.ts).
 */
import * as tf from '@tensorflow/tfjs';
import type { LayerConfig } from '../../core/config/schema';
import type { Initializer } from '../../core/config/vocabulary';
import { LayerSchema } from '../../core/config/schema';
import { applyDefaults, type S } from '../../core/config/schemaNav';
import { defaultLayerNames } from '../../core/shapes/infer';
import { mixSeed } from '../../core/random';
import { initialValues } from './init';

export interface BuiltModel {
	model: tf.Sequential;
	/** layerMap[i] = indices (in model.layers) of the tfjs layers made for config layer i. */
	layerMap: number[][];
}

type Filled = Record<string, any>;

const regularizer = (r: { l1?: number; l2?: number } | undefined) =>
	r && ((r.l1 ?? 0) > 0 || (r.l2 ?? 0) > 0) ? tf.regularizers.l1l2({ l1: r.l1 ?? 0, l2: r.l2 ?? 0 }) : undefined;

/** Which config field initialises a weight, by the weight's tfjs name suffix. */
function initializerFor(weightName: string, l: Filled): Initializer | undefined {
	const base = weightName.split('/').pop() ?? weightName;
	if (base.startsWith('recurrent_kernel')) return l.recurrentInitializer;
	if (base.startsWith('kernel')) return l.kernelInitializer;
	if (base.startsWith('bias')) return l.biasInitializer;
	if (base.startsWith('embeddings')) return l.embeddingsInitializer;
	return undefined;
}

function kernelArgs(l: Filled) {
	const args: Record<string, unknown> = {
		useBias: l.useBias,
		kernelInitializer: l.kernelInitializer,
		biasInitializer: l.biasInitializer,
	};
	const kr = regularizer(l.kernelRegularizer);
	const br = regularizer(l.biasRegularizer);
	if (kr) args.kernelRegularizer = kr;
	if (br) args.biasRegularizer = br;
	return args;
}

/** The tfjs layers for one config layer (usually one; two with leakyRelu). */
function makeLayers(l: Filled, name: string, first: Record<string, unknown>): tf.layers.Layer[] {
	const leaky = l.activation === 'leakyRelu';
	const act = leaky ? 'linear' : l.activation;
	const base = { name, ...first } as Record<string, unknown>;
	const withAct = (layer: tf.layers.Layer) => (leaky ? [layer, tf.layers.leakyReLU({ name: `${name}_leakyrelu` })] : [layer]);
	const L = tf.layers;
	switch (l.type) {
		case 'dense': return withAct(L.dense({ ...base, units: l.units, activation: act, ...kernelArgs(l) } as any));
		case 'dropout': return [L.dropout({ ...base, rate: l.rate } as any)];
		case 'batchNormalization': return [L.batchNormalization({ ...base, momentum: l.momentum, epsilon: l.epsilon, center: l.center, scale: l.scale } as any)];
		case 'layerNormalization': return [L.layerNormalization({ ...base, epsilon: l.epsilon, center: l.center, scale: l.scale } as any)];
		case 'activation': return leaky ? [L.leakyReLU({ ...base } as any)] : [L.activation({ ...base, activation: l.activation } as any)];
		case 'flatten': return [L.flatten(base as any)];
		case 'reshape': return [L.reshape({ ...base, targetShape: l.targetShape } as any)];
		case 'conv1d': return withAct(L.conv1d({ ...base, filters: l.filters, kernelSize: l.kernelSize, strides: l.strides, padding: l.padding, dilationRate: l.dilationRate, activation: act, ...kernelArgs(l) } as any));
		case 'conv2d': return withAct(L.conv2d({ ...base, filters: l.filters, kernelSize: l.kernelSize, strides: l.strides, padding: l.padding, dilationRate: l.dilationRate, activation: act, ...kernelArgs(l) } as any));
		case 'maxPooling1d': return [L.maxPooling1d({ ...base, poolSize: l.poolSize, strides: l.strides ?? l.poolSize, padding: l.padding } as any)];
		case 'averagePooling1d': return [L.averagePooling1d({ ...base, poolSize: l.poolSize, strides: l.strides ?? l.poolSize, padding: l.padding } as any)];
		case 'maxPooling2d': return [L.maxPooling2d({ ...base, poolSize: l.poolSize, strides: l.strides ?? l.poolSize, padding: l.padding } as any)];
		case 'averagePooling2d': return [L.averagePooling2d({ ...base, poolSize: l.poolSize, strides: l.strides ?? l.poolSize, padding: l.padding } as any)];
		case 'globalAveragePooling1d': return [L.globalAveragePooling1d(base as any)];
		case 'globalAveragePooling2d': return [L.globalAveragePooling2d(base as any)];
		case 'globalMaxPooling1d': return [L.globalMaxPooling1d(base as any)];
		case 'globalMaxPooling2d': return [L.globalMaxPooling2d(base as any)];
		case 'embedding': {
			const args: Record<string, unknown> = { ...base, inputDim: l.inputDim, outputDim: l.outputDim, embeddingsInitializer: l.embeddingsInitializer };
			const er = regularizer(l.embeddingsRegularizer);
			if (er) args.embeddingsRegularizer = er;
			return [L.embedding(args as any)];
		}
		case 'lstm':
		case 'gru':
		case 'simpleRnn': {
			const args: Record<string, unknown> = {
				...base, units: l.units, activation: act, returnSequences: l.returnSequences, dropout: l.dropout, recurrentDropout: l.recurrentDropout,
				recurrentInitializer: l.recurrentInitializer, ...kernelArgs(l),
			};
			if (l.type !== 'simpleRnn') args.recurrentActivation = l.recurrentActivation === 'leakyRelu' ? 'hardSigmoid' : l.recurrentActivation;
			const layer = l.type === 'lstm' ? L.lstm(args as any) : l.type === 'gru' ? L.gru(args as any) : L.simpleRNN(args as any);
			return withAct(layer);
		}
		default: throw new Error(`unsupported layer type ${String(l.type)}`);
	}
}

export function buildModel(layers: LayerConfig[], inputShape: number[], opts: { seed: number }): BuiltModel {
	const names = defaultLayerNames(layers);
	const model = tf.sequential();
	const layerMap: number[][] = [];
	const filled = layers.map((l) => applyDefaults(LayerSchema as unknown as S, l) as Filled);
	filled.forEach((l, i) => {
		const first = i === 0 ? { inputShape } : {};
		const made = makeLayers(l, names[i]!, first);
		const idx: number[] = [];
		for (const m of made) {
			idx.push(model.layers.length);
			model.add(m);
		}
		layerMap.push(idx);
	});
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
