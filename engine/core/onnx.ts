/**
 * What the ONNX export can express, stated once: the versions it writes and which layer settings
 * have no ONNX equivalent. The validator (MW250, when `export.formats` has `onnx`) and the
 * exporter (engine/runtime/export/onnx.ts) both ask here, so a config that validates clean exports.
 */
import type { LayerConfig } from './config/schema';
import type { JsonPath } from './config/diagnostics';
import type { ResolvedConfig } from './config/resolve';
import { defaultLayerNames } from './shapes/infer';
import { tc } from './config/messages';
import type { Activation } from './config/vocabulary';

/** Default-domain opset: LayerNormalization is an operator from 17 on. */
export const ONNX_OPSET = 17;
/** `ai.onnx.ml` opset (LabelEncoder maps category text to its index). */
export const ONNX_ML_OPSET = 3;
/** IR version 8 is the one that goes with opset 17 (ONNX 1.12). */
export const ONNX_IR_VERSION = 8;
export const ONNX_FILE = 'model.onnx';
/** Beside model.onnx when a text column is tokenized: the vocabulary and settings that make its id input. */
export const TOKENIZER_FILE = 'tokenizer.json';

/**
 * Activations ONNX's LSTM/GRU/RNN operators accept for their gates and candidates, by our name:
 * the operator's activation name and the alpha/beta it consumes (the tfjs constants).
 */
export const RNN_ACTIVATIONS: Partial<Record<Activation, { op: string; alpha?: number; beta?: number }>> = {
	linear: { op: 'Affine', alpha: 1, beta: 0 },
	relu: { op: 'Relu' },
	sigmoid: { op: 'Sigmoid' },
	tanh: { op: 'Tanh' },
	hardSigmoid: { op: 'HardSigmoid', alpha: 0.2, beta: 0.5 },
	elu: { op: 'Elu', alpha: 1 },
	softsign: { op: 'Softsign' },
	softplus: { op: 'Softplus' },
	// leakyRelu: the model applies it as a layer after a linear recurrence (model/build.ts).
	leakyRelu: { op: 'Affine', alpha: 1, beta: 0 },
};

/** The layer types the exporter translates (engine/runtime/export/onnx.ts); others are refused by name. */
export const ONNX_LAYER_TYPES: ReadonlySet<string> = new Set([
	'dense',
	'dropout',
	'batchNormalization',
	'layerNormalization',
	'activation',
	'flatten',
	'reshape',
	'conv1d',
	'conv2d',
	'maxPooling1d',
	'averagePooling1d',
	'maxPooling2d',
	'averagePooling2d',
	'globalAveragePooling1d',
	'globalAveragePooling2d',
	'globalMaxPooling1d',
	'globalMaxPooling2d',
	'embedding',
	'lstm',
	'gru',
	'simpleRnn',
	'add',
	'concatenate',
	'multiply',
	'average',
	'positionEmbedding',
	'multiHeadAttention',
	'transformerEncoder',
]);

/**
 * Why a layer cannot be exported to ONNX (with the field to blame), or undefined when it can:
 * a type the exporter has no translation for, or a recurrent layer whose activation ONNX's
 * recurrent operators lack.
 */
export function onnxLayerProblem(layer: LayerConfig, name: string): { field: string; message: string } | undefined {
	const type = String((layer as { type: unknown }).type);
	if (!ONNX_LAYER_TYPES.has(type)) return { field: 'type', message: tc('MW250.type', { name, type }) };
	if (layer.type !== 'lstm' && layer.type !== 'gru' && layer.type !== 'simpleRnn') return undefined;
	const act = layer.activation ?? 'tanh';
	const allowed = Object.keys(RNN_ACTIVATIONS).join(', ');
	if (!RNN_ACTIVATIONS[act])
		return {
			field: 'activation',
			message: tc('MW250.activation', { name, type: layer.type, activation: act, op: opName(layer.type), allowed }),
		};
	if ('recurrentActivation' in layer && layer.recurrentActivation && !RNN_ACTIVATIONS[layer.recurrentActivation])
		return {
			field: 'recurrentActivation',
			message: tc('MW250.recurrentActivation', {
				name,
				type: layer.type,
				activation: layer.recurrentActivation,
				op: opName(layer.type),
				allowed,
			}),
		};
	return undefined;
}

/**
 * Why a layer that receives a padding mask (embedding maskZero upstream) cannot be exported, or
 * undefined when the export carries the mask through it (attention biases padded keys, pooling
 * averages real steps, concatenate along the features keeps the steps all inputs keep). A masked
 * recurrence carries its state over padded steps wherever they are, which ONNX's LSTM/GRU/RNN
 * (stopping at sequence_lens) cannot; tfjs's add/multiply/average give a mask of another shape.
 */
export function onnxMaskProblem(layer: LayerConfig, name: string): { field: string; message: string } | undefined {
	if (layer.type === 'lstm' || layer.type === 'gru' || layer.type === 'simpleRnn')
		return { field: 'type', message: tc('MW250.maskRecurrent', { name, type: layer.type, op: opName(layer.type) }) };
	const axis = (layer as { axis?: number }).axis ?? -1;
	if (layer.type === 'add' || layer.type === 'multiply' || layer.type === 'average' || (layer.type === 'concatenate' && axis !== -1))
		return { field: 'type', message: tc('MW250.maskMerge', { name, type: layer.type }) };
	return undefined;
}

/** Preprocessing steps the graph reproduces (engine/runtime/export/onnx.ts; tokenize from its ids, date from its day number); any other is refused by name. */
export const ONNX_STEPS: ReadonlySet<string> = new Set([
	'none',
	'standardize',
	'minMax',
	'oneHot',
	'labelEncode',
	'tokenize',
	'date',
	'drop',
]);

/**
 * Everything in a config that keeps it from exporting to ONNX (MW250), where it is written:
 * layers (onnxLayerProblem), layers a padding mask reaches that cannot carry it (`maskedInput`,
 * per layer, from inferShapes), preprocessing steps the graph cannot hold. `invalid` skips parts
 * with schema errors.
 */
export function onnxProblems(
	cfg: ResolvedConfig,
	invalid: (p: JsonPath) => boolean,
	maskedInput: readonly boolean[] = [],
): { path: JsonPath; message: string }[] {
	const out: { path: JsonPath; message: string }[] = [];
	const layers = Array.isArray(cfg.model?.layers) ? (cfg.model.layers as LayerConfig[]) : [];
	const names = defaultLayerNames(layers);
	layers.forEach((l, i) => {
		if (invalid(['model', 'layers', i])) return;
		const p = onnxLayerProblem(l, names[i]!) ?? (maskedInput[i] ? onnxMaskProblem(l, names[i]!) : undefined);
		if (p) out.push({ path: ['model', 'layers', i, p.field], message: p.message });
	});
	for (const [column, entry] of Object.entries(cfg.data?.preprocessing ?? {})) {
		const step = typeof entry === 'string' ? entry : (entry as { step?: string } | undefined)?.step;
		if (step !== undefined && !ONNX_STEPS.has(step) && !invalid(['data', 'preprocessing', column]))
			out.push({
				path: typeof entry === 'string' ? ['data', 'preprocessing', column] : ['data', 'preprocessing', column, 'step'],
				message: tc('MW250.step', { column, step }),
			});
	}
	return out;
}

const opName = (t: 'lstm' | 'gru' | 'simpleRnn') => (t === 'lstm' ? 'LSTM' : t === 'gru' ? 'GRU' : 'RNN');
