/**
 * A trained tfjs layers model and its fitted preprocessing → one ONNX file (model.onnx), written
 * with onnx-proto's protobufjs classes. The graph takes the raw feature values, one input per
 * feature column named after it, shape [N, 1]: `double` for numeric columns (NaN = missing),
 * `string` for categorical ones ("" = missing), or `double` when a categorical column's
 * categories are all numbers. A date column takes its days since 1970-01-01 UTC (`double`, the
 * fraction being the time of day; NaN = missing): no ONNX operator parses date text, but the
 * calendar parts are arithmetic the graph does. A tokenized text column is the other exception: ai.onnx has no word
 * splitter (StringSplit is opset 20, and has no punctuation rules), so it takes the column's token
 * ids, int64 [N, maxLength], made by the tokenizer written beside the file (tokenizer.json,
 * `tokenizerFile`). It applies the stored preprocessing (fills, scaling, one-hot, label encoding)
 * in the graph, cuts the row into the named inputs of `model.inputs`, then runs the network; two
 * outputs: `scores` [N, K] (what the tfjs model outputs: probabilities, or the regression value)
 * and `prediction` [N] (the class, or the value). Opset and IR versions: engine/core/onnx.ts; the
 * user documentation: docs/export.md.
 *
 * Tensors stay channels-last (tfjs layout) between layers; convolutions and pooling transpose to
 * ONNX's channels-first and back around their operator. Padding masks (embedding maskZero) travel
 * beside the tensors as float [N, T] (1 = a real step), as tfjs passes them from layer to layer.
 */
import { tr } from '../messages';
import { onnx } from 'onnx-proto';
import type * as tf from '@tensorflow/tfjs';
import type { Preprocessing, FeatureTransform } from '../data/preprocess';
import { OOV_ID, PAD_ID, type Tokenizer } from '../../core/data/tokenize';
import { ONNX_IR_VERSION, ONNX_ML_OPSET, ONNX_OPSET, ONNX_STEPS, RNN_ACTIVATIONS, TOKENIZER_FILE } from '../../core/onnx';
import type { Activation } from '../../core/config/vocabulary';

const T = onnx.TensorProto.DataType;
const A = onnx.AttributeProto.AttributeType;
const utf8 = (s: string) => new TextEncoder().encode(s);

type Attr = onnx.IAttributeProto;
const fa = (name: string, f: number): Attr => ({ name, type: A.FLOAT, f });
const ia = (name: string, i: number): Attr => ({ name, type: A.INT, i });
const ias = (name: string, ints: number[]): Attr => ({ name, type: A.INTS, ints });
const fas = (name: string, floats: number[]): Attr => ({ name, type: A.FLOATS, floats });
const sas = (name: string, strings: string[]): Attr => ({ name, type: A.STRINGS, strings: strings.map(utf8) });

export type OnnxInputType = 'double' | 'string' | 'float' | 'int64';

/** An images source's resize (preprocessing.json `image`), when the model was trained on one. */
const imageOf = (pre: object) => (pre as { image?: { size: [number, number]; channels: number } }).image;

/** What the written graph takes and gives, for the model card and docs. */
export interface OnnxSummary {
	opset: number;
	irVersion: number;
	/** Whether the graph uses the `ai.onnx.ml` domain (LabelEncoder, for text categories). */
	usesMl: boolean;
	/** `meaning`: what a number input holds when it is not the column's raw value (a date's day number). */
	inputs: { name: string; type: OnnxInputType; shape: (number | string)[]; missing: string; meaning?: string }[];
	outputs: { name: string; type: string; shape: (number | string)[] }[];
	nodes: number;
}

/** Builds nodes and initializers with unique names. */
class Graph {
	readonly nodes: onnx.INodeProto[] = [];
	readonly inits: onnx.ITensorProto[] = [];
	/** The graph's outputs keep their names whatever the columns are called. */
	private used = new Set<string>(['scores', 'prediction']);

	reserve(name: string): void {
		this.used.add(name);
	}
	unique(base: string): string {
		let name = base;
		for (let i = 1; this.used.has(name); i++) name = `${base}_${i}`;
		this.used.add(name);
		return name;
	}
	/** One node; returns its output names (`outs` of them). */
	op(
		opType: string,
		inputs: string[],
		attrs: Attr[] = [],
		opts: { outs?: number; name?: string; domain?: string; exact?: boolean } = {},
	): string[] {
		const base = opts.exact && opts.name ? opts.name : this.unique(opts.name ?? opType);
		const outputs = Array.from({ length: opts.outs ?? 1 }, (_, i) => (i === 0 ? base : this.unique(`${base}_out${i}`)));
		this.nodes.push({
			opType,
			name: base,
			input: inputs,
			output: outputs,
			attribute: attrs,
			...(opts.domain ? { domain: opts.domain } : {}),
		});
		return outputs;
	}
	op1(opType: string, inputs: string[], attrs: Attr[] = [], name?: string): string {
		return this.op(opType, inputs, attrs, name ? { name } : {})[0]!;
	}
	private init(base: string, t: Omit<onnx.ITensorProto, 'name'>): string {
		const name = this.unique(base);
		this.inits.push({ ...t, name });
		return name;
	}
	float(base: string, values: ArrayLike<number>, dims: number[]): string {
		const a = Float32Array.from(values);
		return this.init(base, { dataType: T.FLOAT, dims, rawData: new Uint8Array(a.buffer) });
	}
	double(base: string, values: ArrayLike<number>, dims: number[]): string {
		const a = Float64Array.from(values);
		return this.init(base, { dataType: T.DOUBLE, dims, rawData: new Uint8Array(a.buffer) });
	}
	int64(base: string, values: number[], dims = [values.length]): string {
		const a = BigInt64Array.from(values.map((v) => BigInt(v)));
		return this.init(base, { dataType: T.INT64, dims, rawData: new Uint8Array(a.buffer) });
	}
	strings(base: string, values: string[], dims = [values.length]): string {
		return this.init(base, { dataType: T.STRING, dims, stringData: values.map(utf8) });
	}
}

const tensorType = (elemType: number, dims: (number | string)[]): onnx.ITypeProto => ({
	tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } },
});

/** How a feature column is fed: categorical columns with text categories take strings, tokenized ones their ids. */
function inputKind(f: FeatureTransform): 'double' | 'string' | 'int64' {
	if (f.step === 'tokenize') return 'int64';
	if (f.step !== 'oneHot' && f.step !== 'labelEncode') return 'double';
	return f.categories!.every((c) => typeof c === 'number') ? 'double' : 'string';
}

/**
 * The graph's inputs: one per feature column, named after it (a column called `scores` or
 * `prediction`, the outputs' names, gets `_input` appended), with the type it is fed as and its
 * values per row (`width`: 1, or a tokenized column's maxLength ids).
 */
export function onnxInputs(
	pre: Pick<Preprocessing, 'features'>,
): { name: string; column: string; type: OnnxInputType; width: number; tokenizer?: Tokenizer; date?: true }[] {
	// An images source: decoding and resizing stay outside the graph; it takes the resized pixels in [0, 1].
	if (imageOf(pre)) return [{ name: 'image', column: 'image', type: 'float', width: 0 }];
	const taken = new Set(['scores', 'prediction']);
	return pre.features.map((f) => {
		let name = f.column;
		while (taken.has(name)) name = `${name}_input`;
		taken.add(name);
		const kind = inputKind(f);
		return kind === 'int64'
			? { name, column: f.column, type: kind, width: f.tokenizer!.options.maxLength, tokenizer: f.tokenizer! }
			: { name, column: f.column, type: kind, width: 1, ...(f.step === 'date' ? { date: true as const } : {}) };
	});
}

/**
 * tokenizer.json: per tokenized input, the fitted vocabulary and the settings that produce its ids
 * (engine/core/data/tokenize.ts; docs/export.md has a reference implementation). Undefined when
 * the model has no tokenized column.
 */
export function tokenizerFile(pre: Pick<Preprocessing, 'features'>): string | undefined {
	const cols = onnxInputs(pre).filter((i) => i.tokenizer);
	if (!cols.length) return undefined;
	return `${JSON.stringify(
		{
			format: 'modelwright-tokenizer',
			version: 1,
			padId: PAD_ID,
			oovId: OOV_ID,
			inputs: cols.map(({ name, column, tokenizer: t }) => ({
				input: name,
				column,
				...t!.options,
				// Token vocabulary[i] has id i + 2 (0 pads, 1 is any token outside the vocabulary).
				vocabulary: t!.vocabulary,
			})),
		},
		null,
		1,
	)}\n`;
}

const DAY_MS = 86_400_000;
/** What a date column's input holds (model card, docs/export.md). */
export const DATE_MEANING = 'days since 1970-01-01 UTC; the fraction is the time of day';

/**
 * A date column's values (engine/core/data/dates.ts expandDate), [N, width] float, from its days
 * since 1970-01-01 UTC (double; the fraction is the time of day). ONNX cannot parse date text,
 * so the caller turns dates into day numbers; the graph does the calendar arithmetic in double
 * precision with Floor divisions (exact on whole numbers of this size): H. Hinnant's
 * civil_from_days for year, month and day, days_from_civil for 1 January.
 */
function dateColumns(g: Graph, f: FeatureTransform, input: string): string {
	const e = f.date!;
	const o = e.options;
	// One initializer per constant, however often the arithmetic uses it.
	const consts = new Map<string, string>();
	const c = (name: string, v: number) => consts.get(name) ?? (consts.set(name, g.double(name, [v], [])), consts.get(name)!);
	const add = (a: string, b: string) => g.op1('Add', [a, b]);
	const sub = (a: string, b: string) => g.op1('Sub', [a, b]);
	const mul = (a: string, b: string) => g.op1('Mul', [a, b]);
	const fdiv = (a: string, b: string) => g.op1('Floor', [g.op1('Div', [a, b])]);
	// Whole milliseconds, as the engine holds a date: the day and the time of day come out exact.
	let ms = g.op1('Round', [mul(input, c('day_ms', DAY_MS))]);
	const missing = g.op1('IsNaN', [input]);
	// A missing date takes the fitted fill date (`zero` writes zeros at the end instead).
	if (f.fillValue !== undefined && f.fill !== 'zero') ms = g.op1('Where', [missing, c(`${f.column}_fill_ms`, Number(f.fillValue)), ms]);
	const days = fdiv(ms, c('day_ms', DAY_MS));
	const era = fdiv(add(days, c('epoch_shift', 719468)), c('era_days', 146097));
	const doe = sub(add(days, c('epoch_shift', 719468)), mul(era, c('era_days', 146097)));
	const yoe = fdiv(
		add(sub(doe, fdiv(doe, c('c1460', 1460))), sub(fdiv(doe, c('c36524', 36524)), fdiv(doe, c('c146096', 146096)))),
		c('c365', 365),
	);
	const doy = sub(doe, sub(add(mul(yoe, c('c365', 365)), fdiv(yoe, c('c4', 4))), fdiv(yoe, c('c100', 100))));
	const mp = fdiv(add(mul(doy, c('c5', 5)), c('c2', 2)), c('c153', 153));
	const day = add(sub(doy, fdiv(add(mul(mp, c('c153', 153)), c('c2', 2)), c('c5', 5))), c('c1', 1));
	const month = g.op1('Where', [g.op1('Less', [mp, c('c10', 10)]), add(mp, c('c3', 3)), sub(mp, c('c9', 9))]);
	const early = g.op1('Cast', [g.op1('Less', [month, c('c3', 3)])], [ia('to', T.DOUBLE)]);
	const year = add(add(yoe, mul(era, c('c400', 400))), early);
	/** days_from_civil(y, 1, 1): January counts in the year before, from 1 March. */
	const jan1 = (y: string) => {
		const yy = sub(y, c('c1', 1));
		const era1 = fdiv(yy, c('c400', 400));
		const yoe1 = sub(yy, mul(era1, c('c400', 400)));
		const doe1 = add(sub(add(mul(yoe1, c('c365', 365)), fdiv(yoe1, c('c4', 4))), fdiv(yoe1, c('c100', 100))), c('c306', 306));
		return sub(add(mul(era1, c('era_days', 146097)), doe1), c('epoch_shift', 719468));
	};
	const cols: string[] = [];
	for (const p of o.parts) {
		let v: string;
		// The cycle's length, made only when `cyclical` asks for sin/cos.
		let period: (() => string) | undefined;
		if (p === 'year') v = year;
		else if (p === 'month') [v, period] = [sub(month, c('c1', 1)), () => c('c12', 12)];
		else if (p === 'day') v = day;
		else if (p === 'dayOfYear') {
			const start = jan1(year);
			// 365 or 366: the days to next 1 January, which is the leap-year rule.
			[v, period] = [sub(days, start), () => sub(jan1(add(year, c('c1', 1))), start)];
		} else if (p === 'weekday') {
			// Monday 0 … Sunday 6; 1970-01-01 was a Thursday. A floor-based modulo (ai.onnx Mod needs fmod=1 on floats).
			const d3 = add(days, c('c3', 3));
			[v, period] = [sub(d3, mul(fdiv(d3, c('c7', 7)), c('c7', 7))), () => c('c7', 7)];
		} else [v, period] = [fdiv(sub(ms, mul(days, c('day_ms', DAY_MS))), c('hour_ms', 3_600_000)), () => c('c24', 24)];
		if (o.cyclical && period) {
			const a = g.op1('Div', [mul(c('two_pi', 2 * Math.PI), v), period()]);
			cols.push(g.op1('Sin', [a]), g.op1('Cos', [a]));
		} else cols.push(p === 'month' || p === 'dayOfYear' ? add(v, c('c1', 1)) : v);
	}
	if (o.elapsed === 'days') cols.push(g.op1('Div', [sub(ms, c(`${f.column}_origin_ms`, e.origin ?? 0)), c('day_ms', DAY_MS)]));
	// The engine writes each value into a float32 row, then scales that float32 in double precision.
	let x = g.op1('Cast', [cols.length === 1 ? cols[0]! : g.op1('Concat', cols, [ia('axis', 1)])], [ia('to', T.FLOAT)]);
	if (e.scale) {
		const w = e.scale.shift.length;
		const scaled = g.op1('Div', [
			sub(g.op1('Cast', [x], [ia('to', T.DOUBLE)]), g.double(`${f.column}_shift`, e.scale.shift, [w])),
			g.double(`${f.column}_div`, e.scale.div, [w]),
		]);
		x = g.op1('Cast', [scaled], [ia('to', T.FLOAT)]);
	}
	if (f.fill === 'zero' && f.fillValue !== undefined) x = g.op1('Where', [missing, g.float('zero', [0], []), x]);
	return g.op1('Identity', [x], [], `${f.column}_date`);
}

/** One feature's preprocessed columns, [N, width] float. */
function featureColumns(g: Graph, f: FeatureTransform, input: string): string {
	if (f.step === 'date') return dateColumns(g, f, input);
	const kind = inputKind(f);
	// Token ids travel as floats in the flat row, as in training (the embedding casts them back).
	if (kind === 'int64') return g.op1('Cast', [input], [ia('to', T.FLOAT)], `${f.column}_ids`);
	const cats = f.step === 'oneHot' || f.step === 'labelEncode' ? f.categories! : undefined;
	if (kind === 'string') {
		// Category text → its index (-1 for unknown); a missing value ("") → the fill's index.
		const keys = cats!.map(String);
		const values = cats!.map((_, i) => i);
		if (f.fillValue !== undefined && !keys.includes('')) {
			keys.push('');
			values.push(keys.indexOf(String(f.fillValue)));
		}
		const idx = g.op(
			'LabelEncoder',
			[input],
			[sas('keys_strings', keys), { name: 'values_int64s', type: A.INTS, ints: values }, ia('default_int64', -1)],
			{ domain: 'ai.onnx.ml', name: `${f.column}_index` },
		)[0]!;
		const fidx = g.op1('Cast', [idx], [ia('to', T.FLOAT)]);
		if (f.step === 'labelEncode') return fidx;
		const range = g.float(
			`${f.column}_codes`,
			cats!.map((_, i) => i),
			[cats!.length],
		);
		return g.op1('Cast', [g.op1('Equal', [fidx, range])], [ia('to', T.FLOAT)], `${f.column}_onehot`);
	}
	let x = input;
	if (typeof f.fillValue === 'number') x = g.op1('Where', [g.op1('IsNaN', [x]), g.double(`${f.column}_fill`, [f.fillValue], []), x]);
	if (cats) {
		const eq = g.op1(
			'Cast',
			[g.op1('Equal', [x, g.double(`${f.column}_categories`, cats as number[], [cats.length])])],
			[ia('to', T.FLOAT)],
		);
		if (f.step === 'oneHot') return eq;
		// The index of the matching category, -1 when none matches (as indexOf).
		const at = g.op1('MatMul', [
			eq,
			g.float(
				`${f.column}_codes`,
				cats.map((_, i) => i),
				[cats.length, 1],
			),
		]);
		const any = g.op1('ReduceSum', [eq, g.int64('axes', [1])], [ia('keepdims', 1)]);
		return g.op1('Sub', [g.op1('Add', [at, any]), g.float('one', [1], [])], [], `${f.column}_index`);
	}
	// Scaled in double precision then rounded, as transformRow does.
	if (f.step === 'standardize')
		x = g.op1('Div', [g.op1('Sub', [x, g.double('mean', [f.params![0]], [])]), g.double('std', [f.params![1]], [])]);
	else if (f.step === 'minMax')
		x = g.op1('Div', [g.op1('Sub', [x, g.double('min', [f.params![0]], [])]), g.double('span', [f.params![1] - f.params![0] || 1], [])]);
	return g.op1('Cast', [x], [ia('to', T.FLOAT)], `${f.column}_value`);
}

/** An element-wise activation; leakyRelu only reaches here as its own layer. */
function activation(g: Graph, x: string, a: string, where: string): string {
	switch (a as Activation | 'linear') {
		case 'linear':
			return x;
		case 'relu':
			return g.op1('Relu', [x]);
		case 'relu6':
			return g.op1('Clip', [x, g.float('zero', [0], []), g.float('six', [6], [])]);
		case 'sigmoid':
			return g.op1('Sigmoid', [x]);
		case 'tanh':
			return g.op1('Tanh', [x]);
		case 'softmax':
			return g.op1('Softmax', [x], [ia('axis', -1)]);
		case 'elu':
			return g.op1('Elu', [x], [fa('alpha', 1)]);
		case 'selu':
			return g.op1('Selu', [x], [fa('alpha', 1.6732632423543772), fa('gamma', 1.0507009873554805)]);
		case 'gelu': {
			// x · ½(1 + erf(x/√2)), as tfjs-layers computes it (ONNX's Gelu operator needs opset 20).
			const erf = g.op1('Erf', [g.op1('Div', [x, g.float('sqrt2', [Math.SQRT2], [])])]);
			return g.op1('Mul', [x, g.op1('Mul', [g.float('half', [0.5], []), g.op1('Add', [g.float('one', [1], []), erf])])]);
		}
		case 'swish':
			return g.op1('Mul', [g.op1('Sigmoid', [x]), x]);
		case 'mish':
			return g.op1('Mul', [x, g.op1('Tanh', [g.op1('Softplus', [x])])]);
		case 'softplus':
			return g.op1('Softplus', [x]);
		case 'softsign':
			return g.op1('Softsign', [x]);
		case 'hardSigmoid':
			return g.op1('HardSigmoid', [x], [fa('alpha', 0.2), fa('beta', 0.5)]);
		default:
			throw new Error(tr('onnx.activation', { where, activation: a }));
	}
}

/** TensorFlow's `same` padding: [before, after] for one spatial axis. */
function samePads(size: number, k: number, s: number, d: number): [number, number] {
	const out = Math.ceil(size / s);
	const total = Math.max((out - 1) * s + (k - 1) * d + 1 - size, 0);
	return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/** Spatial pads in ONNX order (all befores, then all afters). */
function pads(padding: string, sizes: number[], k: number[], s: number[], d: number[]): number[] {
	if (padding !== 'same') return [...sizes.map(() => 0), ...sizes.map(() => 0)];
	const p = sizes.map((n, i) => samePads(n, k[i]!, s[i]!, d[i]!));
	return [...p.map((x) => x[0]), ...p.map((x) => x[1])];
}

/** Channels-last ↔ channels-first permutations for rank 3 (1-D) and rank 4 (2-D). */
const toFirst = (rank: number) => (rank === 3 ? [0, 2, 1] : [0, 3, 1, 2]);
const toLast = (rank: number) => (rank === 3 ? [0, 2, 1] : [0, 2, 3, 1]);

/** Reorders a row-major array of `shape` by `perm` (numpy transpose). */
function transpose(values: Float32Array, shape: number[], perm: number[]): Float32Array {
	const rank = shape.length;
	const outShape = perm.map((p) => shape[p]!);
	const strides = new Array<number>(rank);
	strides[rank - 1] = 1;
	for (let i = rank - 2; i >= 0; i--) strides[i] = strides[i + 1]! * shape[i + 1]!;
	const out = new Float32Array(values.length);
	const idx = new Array<number>(rank).fill(0);
	for (let o = 0; o < out.length; o++) {
		let src = 0;
		for (let i = 0; i < rank; i++) src += idx[i]! * strides[perm[i]!]!;
		out[o] = values[src]!;
		for (let i = rank - 1; i >= 0; i--) {
			if (++idx[i]! < outShape[i]!) break;
			idx[i] = 0;
		}
	}
	return out;
}

interface LayerLike {
	name: string;
	getClassName(): string;
	getConfig(): Record<string, unknown>;
	getWeights(): tf.Tensor[];
	weights: { name: string; originalName?: string }[];
	inboundNodes: { inboundLayers: LayerLike[]; inputShapes: (number | null)[] | (number | null)[][] }[];
}

const dataOf = (t: tf.Tensor) => t.dataSync() as Float32Array;

/** A layer's weights by their tfjs name suffix (kernel, bias, gamma, moving_mean, …). */
function weightsOf(layer: LayerLike): Map<string, { values: Float32Array; shape: number[] }> {
	const m = new Map<string, { values: Float32Array; shape: number[] }>();
	const ws = layer.getWeights();
	layer.weights.forEach((w, i) => {
		const base = (w.originalName ?? w.name).split('/').pop()!;
		const v = { values: dataOf(ws[i]!), shape: ws[i]!.shape };
		m.set(base, v);
		// A weight renamed unique by tfjs (`kernel_1`) is found by its plain name too, unless that is another weight's.
		const plain = base.replace(/_\d+$/, '');
		if (!layer.weights.some((o) => (o.originalName ?? o.name).split('/').pop() === plain) && !m.has(plain)) m.set(plain, v);
	});
	return m;
}

const numberList = (v: unknown): number[] => (Array.isArray(v) ? (v as number[]) : [v as number]);

/** Layers that hand their input's padding mask on unchanged (tfjs supportsMasking, computeMask = the mask). */
const MASK_PASSING = new Set([
	'Dense',
	'Activation',
	'Dropout',
	'SpatialDropout1D',
	'GaussianNoise',
	'GaussianDropout',
	'AlphaDropout',
	'BatchNormalization',
	'LayerNormalization',
	'PositionEmbedding',
	'MultiHeadAttention',
	'TransformerEncoder',
]);

/**
 * The padding mask of a layer's output (float [N, T], 1 = a real step), as tfjs computes it:
 * an embedding with maskZero makes one (ids ≠ 0), pooling consumes it, the layers above pass it
 * on, a concatenate along the features keeps the steps every input keeps. Anything else that
 * receives a mask is refused (engine/core/onnx.ts refuses the same at validate time).
 */
function layerMask(g: Graph, layer: LayerLike, xs: string[], masks: (string | undefined)[]): string | undefined {
	const cls = layer.getClassName();
	const cfg = layer.getConfig();
	if (cls === 'Embedding')
		return cfg.maskZero
			? g.op1('Cast', [g.op1('Not', [g.op1('Equal', [xs[0]!, g.float('zero', [0], [])])])], [ia('to', T.FLOAT)], `${layer.name}_mask`)
			: undefined;
	const given = masks.filter((m): m is string => m !== undefined);
	if (!given.length) return undefined;
	if (cls === 'MaskedGlobalAveragePooling1D') return undefined;
	if (MASK_PASSING.has(cls)) return masks[0];
	if (cls === 'Concatenate' && Number(cfg.axis ?? -1) === -1) return given.slice(1).reduce((a, m) => g.op1('Mul', [a, m]), given[0]!);
	throw new Error(tr('onnx.maskThrough', { layer: layer.name, cls }));
}

/** The ONNX nodes for one tfjs layer, applied to `xs` (`mask`: the padding mask of its first input); returns its output. */
function convertLayer(g: Graph, layer: LayerLike, xs: string[], mask?: string): string {
	const cls = layer.getClassName();
	const cfg = layer.getConfig();
	const where = tr('onnx.layer', { layer: layer.name, cls });
	const w = () => weightsOf(layer);
	const x = xs[0]!;
	const shapes = layer.inboundNodes[0]?.inputShapes ?? [];
	const inShape = (Array.isArray(shapes[0]) ? shapes[0] : shapes) as (number | null)[];
	switch (cls) {
		case 'Dense': {
			const ws = w();
			const k = ws.get('kernel')!;
			let y = g.op1('MatMul', [x, g.float(`${layer.name}_kernel`, k.values, k.shape)], [], layer.name);
			const b = ws.get('bias');
			if (b) y = g.op1('Add', [y, g.float(`${layer.name}_bias`, b.values, b.shape)]);
			return activation(g, y, String(cfg.activation), where);
		}
		case 'Activation':
			return activation(g, x, String(cfg.activation), where);
		case 'LeakyReLU':
			return g.op1('LeakyRelu', [x], [fa('alpha', Number(cfg.alpha ?? 0.3))], layer.name);
		case 'Dropout':
		case 'SpatialDropout1D':
		case 'GaussianNoise':
		case 'GaussianDropout':
		case 'AlphaDropout':
			return x; // identity at inference
		case 'BatchNormalization': {
			// (x − moving mean) · γ/√(var + ε) + β over the last axis, as tfjs at inference.
			const ws = w();
			const mean = ws.get('moving_mean')!;
			const variance = ws.get('moving_variance')!.values;
			const gamma = ws.get('gamma')?.values;
			const eps = Number(cfg.epsilon);
			const scale = Float32Array.from(variance, (v, i) => (gamma ? gamma[i]! : 1) / Math.sqrt(v + eps));
			let y = g.op1('Sub', [x, g.float(`${layer.name}_mean`, mean.values, mean.shape)], [], layer.name);
			y = g.op1('Mul', [y, g.float(`${layer.name}_scale`, scale, mean.shape)]);
			const beta = ws.get('beta');
			return beta ? g.op1('Add', [y, g.float(`${layer.name}_beta`, beta.values, beta.shape)]) : y;
		}
		case 'LayerNormalization': {
			const ws = w();
			const c = inShape[inShape.length - 1]!;
			const gamma = ws.get('gamma')?.values ?? new Float32Array(c).fill(1);
			const beta = ws.get('beta');
			return g.op1(
				'LayerNormalization',
				[x, g.float(`${layer.name}_gamma`, gamma, [c]), ...(beta ? [g.float(`${layer.name}_beta`, beta.values, [c])] : [])],
				[ia('axis', -1), fa('epsilon', Number(cfg.epsilon))],
				layer.name,
			);
		}
		case 'Flatten':
			return g.op1('Flatten', [x], [ia('axis', 1)], layer.name);
		case 'Reshape':
			return g.op1('Reshape', [x, g.int64(`${layer.name}_shape`, [0, ...(cfg.targetShape as number[])])], [], layer.name);
		case 'Conv1D':
		case 'Conv2D': {
			const rank = cls === 'Conv1D' ? 3 : 4;
			const ws = w();
			const k = ws.get('kernel')!;
			// tfjs kernel [k…, Cin, F] → ONNX [F, Cin, k…].
			const perm = rank === 3 ? [2, 1, 0] : [3, 2, 0, 1];
			const kernel = g.float(
				`${layer.name}_kernel`,
				transpose(k.values, k.shape, perm),
				perm.map((p) => k.shape[p]!),
			);
			const b = ws.get('bias');
			const ks = numberList(cfg.kernelSize);
			const st = numberList(cfg.strides);
			const dl = numberList(cfg.dilationRate);
			const sizes = inShape.slice(1, -1) as number[];
			const xf = g.op1('Transpose', [x], [ias('perm', toFirst(rank))]);
			const conv = g.op1(
				'Conv',
				[xf, kernel, ...(b ? [g.float(`${layer.name}_bias`, b.values, b.shape)] : [])],
				[ias('kernel_shape', ks), ias('strides', st), ias('dilations', dl), ias('pads', pads(String(cfg.padding), sizes, ks, st, dl))],
				layer.name,
			);
			return activation(g, g.op1('Transpose', [conv], [ias('perm', toLast(rank))]), String(cfg.activation), where);
		}
		case 'MaxPooling1D':
		case 'AveragePooling1D':
		case 'MaxPooling2D':
		case 'AveragePooling2D': {
			const rank = cls.endsWith('1D') ? 3 : 4;
			const ps = numberList(cfg.poolSize);
			const st = numberList(cfg.strides ?? cfg.poolSize);
			const sizes = inShape.slice(1, -1) as number[];
			const xf = g.op1('Transpose', [x], [ias('perm', toFirst(rank))]);
			const attrs = [
				ias('kernel_shape', ps),
				ias('strides', st),
				ias(
					'pads',
					pads(
						String(cfg.padding),
						sizes,
						ps,
						st,
						ps.map(() => 1),
					),
				),
			];
			// Average pooling counts only the values inside the input (count_include_pad 0), as TensorFlow.
			const pooled = g.op1(cls.startsWith('Max') ? 'MaxPool' : 'AveragePool', [xf], attrs, layer.name);
			return g.op1('Transpose', [pooled], [ias('perm', toLast(rank))]);
		}
		case 'GlobalAveragePooling1D':
		case 'GlobalMaxPooling1D':
		case 'GlobalAveragePooling2D':
		case 'GlobalMaxPooling2D':
			return g.op1(
				cls.startsWith('GlobalMax') ? 'ReduceMax' : 'ReduceMean',
				[x],
				[ias('axes', cls.endsWith('1D') ? [1] : [1, 2]), ia('keepdims', 0)],
				layer.name,
			);
		case 'Embedding': {
			const e = w().get('embeddings')!;
			// tfjs casts the ids to int32 (truncating), then gathers rows.
			const ids = g.op1('Cast', [x], [ia('to', T.INT64)]);
			return g.op1('Gather', [g.float(`${layer.name}_embeddings`, e.values, e.shape), ids], [ia('axis', 0)], layer.name);
		}
		case 'LSTM':
		case 'GRU':
		case 'SimpleRNN':
			// A masked recurrence carries its state over padded steps anywhere in the sequence; ONNX's
			// operators only stop early (sequence_lens), so it is refused rather than approximated.
			if (mask) throw new Error(tr('onnx.maskOperator', { where, cls }));
			return recurrent(g, layer, cls, cfg, x, where);
		case 'PositionEmbedding': {
			// y_t = x_t + P_t over the input's steps: the rows of P it uses, as a constant.
			const p = w().get('embeddings')!;
			const [t, d] = [inShape[1]!, inShape[2]!];
			return g.op1('Add', [x, g.float(`${layer.name}_positions`, p.values.subarray(0, t * d), [t, d])], [], layer.name);
		}
		case 'MultiHeadAttention':
			return attention(g, layer.name, w(), cfg, x, inShape, mask);
		case 'TransformerEncoder': {
			// Post-norm: h = LN(x + MHA(x)), y = LN(h + W2 f(W1 h + b1) + b2); dropout is identity at inference.
			const ws = w();
			const eps = Number(cfg.epsilon);
			const norm = (y: string, i: number) =>
				g.op1(
					'LayerNormalization',
					[y, tensor(g, layer.name, ws, `gamma_${i}`), tensor(g, layer.name, ws, `beta_${i}`)],
					[ia('axis', -1), fa('epsilon', eps)],
				);
			const h = norm(g.op1('Add', [x, attention(g, layer.name, ws, cfg, x, inShape, mask)]), 1);
			let f = g.op1('Add', [g.op1('MatMul', [h, tensor(g, layer.name, ws, 'kernel_ff1')]), tensor(g, layer.name, ws, 'bias_ff1')]);
			f = encoderActivation(g, f, String(cfg.activation), where);
			f = g.op1('Add', [g.op1('MatMul', [f, tensor(g, layer.name, ws, 'kernel_ff2')]), tensor(g, layer.name, ws, 'bias_ff2')]);
			return g.op1('Identity', [norm(g.op1('Add', [h, f]), 2)], [], layer.name);
		}
		case 'MaskedGlobalAveragePooling1D': {
			if (!mask) return g.op1('ReduceMean', [x], [ias('axes', [1]), ia('keepdims', 0)], layer.name);
			// The mean over the real steps: Σ x·m / max(Σ m, 1), as the tfjs layer.
			const m = g.op1('Unsqueeze', [mask, g.int64('last_axis', [-1])]);
			const axes = g.int64('steps_axis', [1]);
			const total = g.op1('ReduceSum', [g.op1('Mul', [x, m]), axes], [ia('keepdims', 0)]);
			const count = g.op1('Max', [g.op1('ReduceSum', [m, axes], [ia('keepdims', 0)]), g.float('one', [1], [])]);
			return g.op1('Div', [total, count], [], layer.name);
		}
		case 'Add':
		case 'Multiply': {
			let y = xs[0]!;
			for (const other of xs.slice(1)) y = g.op1(cls === 'Add' ? 'Add' : 'Mul', [y, other]);
			return g.op1('Identity', [y], [], layer.name);
		}
		case 'Average': {
			let y = xs[0]!;
			for (const other of xs.slice(1)) y = g.op1('Add', [y, other]);
			return g.op1('Mul', [y, g.float(`${layer.name}_share`, [1 / xs.length], [])], [], layer.name);
		}
		case 'Concatenate':
			return g.op1('Concat', xs, [ia('axis', Number(cfg.axis ?? -1))], layer.name);
		default:
			throw new Error(tr('onnx.noTranslation', { where, cls }));
	}
}

/** A layer weight as an initializer. */
function tensor(g: Graph, layer: string, ws: Map<string, { values: Float32Array; shape: number[] }>, name: string): string {
	const t = ws.get(name);
	if (!t) throw new Error(`layer \`${layer}\` has no weight \`${name}\`.`);
	return g.float(`${layer}_${name}`, t.values, t.shape);
}

/** The transformer encoder's feed-forward activation (engine/runtime/model/layers.ts ACT; gelu is the tanh form). */
function encoderActivation(g: Graph, x: string, a: string, where: string): string {
	if (a !== 'gelu') return activation(g, x, a, where);
	// ½x(1 + tanh(√(2/π)(x + 0.044715x³)))
	const cube = g.op1('Mul', [g.op1('Mul', [x, x]), x]);
	const inner = g.op1('Mul', [
		g.float('sqrt_2_pi', [Math.sqrt(2 / Math.PI)], []),
		g.op1('Add', [x, g.op1('Mul', [g.float('c', [0.044715], []), cube])]),
	]);
	return g.op1('Mul', [g.op1('Mul', [x, g.float('half', [0.5], [])]), g.op1('Add', [g.float('one', [1], []), g.op1('Tanh', [inner])])]);
}

/** Multi-head self-attention of x [N, T, d] (engine/runtime/model/layers.ts Attention): heads split, scaled dot products, optional causal bias. */
function attention(
	g: Graph,
	name: string,
	ws: Map<string, { values: Float32Array; shape: number[] }>,
	cfg: Record<string, unknown>,
	x: string,
	inShape: (number | null)[],
	mask?: string,
): string {
	const t = inShape[1]!;
	const h = Number(cfg.numHeads);
	const hk = ws.get('kernel_q')!.shape[1]!;
	const k = hk / h;
	const proj = (w: string, b: string, input: string) => {
		const y = g.op1('MatMul', [input, tensor(g, name, ws, w)]);
		return ws.has(b) ? g.op1('Add', [y, tensor(g, name, ws, b)]) : y;
	};
	const heads = (w: string, b: string) =>
		g.op1('Transpose', [g.op1('Reshape', [proj(w, b, x), g.int64('heads_shape', [0, 0, h, k])])], [ias('perm', [0, 2, 1, 3])]);
	const q = heads('kernel_q', 'bias_q');
	const kT = g.op1(
		'Transpose',
		[g.op1('Reshape', [proj('kernel_k', 'bias_k', x), g.int64('heads_shape', [0, 0, h, k])])],
		[ias('perm', [0, 2, 3, 1])],
	);
	const v = heads('kernel_v', 'bias_v');
	let scores = g.op1('Mul', [g.op1('MatMul', [q, kT]), g.float('scale', [1 / Math.sqrt(k)], [])]);
	if (mask) {
		// Padded keys get −1e9 before the softmax, added first as the tfjs layer does: [N, 1, 1, T].
		const bias = g.op1('Mul', [g.op1('Sub', [g.float('one', [1], []), mask]), g.float('masked_key', [-1e9], [])]);
		scores = g.op1('Add', [scores, g.op1('Reshape', [bias, g.int64('key_bias_shape', [-1, 1, 1, t])])]);
	}
	if (cfg.causal) {
		const bias = new Float32Array(t * t);
		for (let i = 0; i < t; i++) for (let j = i + 1; j < t; j++) bias[i * t + j] = -1e9;
		scores = g.op1('Add', [scores, g.float(`${name}_causal`, bias, [t, t])]);
	}
	const weights = g.op1('Softmax', [scores], [ia('axis', -1)]);
	const ctx = g.op1('Reshape', [
		g.op1('Transpose', [g.op1('MatMul', [weights, v])], [ias('perm', [0, 2, 1, 3])]),
		g.int64('merged_shape', [0, 0, hk]),
	]);
	return proj('kernel_o', 'bias_o', ctx);
}

/** tfjs gate blocks (LSTM i,f,c,o; GRU z,r,h) in ONNX's order (LSTM i,o,f,c; GRU z,r,h). */
const GATE_ORDER: Record<string, number[]> = { LSTM: [0, 3, 1, 2], GRU: [0, 1, 2], SimpleRNN: [0] };

/** A tfjs recurrent kernel [rows, G·u] → ONNX [1, G·u, rows] with the gate blocks reordered. */
function gateMatrix(k: { values: Float32Array; shape: number[] }, order: number[], u: number): Float32Array {
	const rows = k.shape[0]!;
	const cols = k.shape[1]!;
	const out = new Float32Array(rows * cols);
	order.forEach((src, dst) => {
		for (let j = 0; j < u; j++) for (let r = 0; r < rows; r++) out[(dst * u + j) * rows + r] = k.values[r * cols + src * u + j]!;
	});
	return out;
}

function recurrent(g: Graph, layer: LayerLike, cls: string, cfg: Record<string, unknown>, x: string, where: string): string {
	const u = Number(cfg.units);
	const order = GATE_ORDER[cls]!;
	const G = order.length;
	const ws = weightsOf(layer);
	const k = ws.get('kernel')!;
	const rk = ws.get('recurrent_kernel')!;
	const b = ws.get('bias');
	const acts =
		cls === 'LSTM'
			? [cfg.recurrentActivation, cfg.activation, cfg.activation]
			: cls === 'GRU'
				? [cfg.recurrentActivation, cfg.activation]
				: [cfg.activation];
	const ops = acts.map((a) => {
		const m = RNN_ACTIVATIONS[String(a) as Activation];
		if (!m) throw new Error(tr('onnx.rnnActivation', { where, activation: String(a), op: cls === 'SimpleRNN' ? 'RNN' : cls }));
		return m;
	});
	const W = g.float(`${layer.name}_W`, gateMatrix(k, order, u), [1, G * u, k.shape[0]!]);
	const R = g.float(`${layer.name}_R`, gateMatrix(rk, order, u), [1, G * u, u]);
	const bias = new Float32Array(2 * G * u);
	if (b) order.forEach((src, dst) => bias.set(b.values.subarray(src * u, (src + 1) * u), dst * u));
	const B = g.float(`${layer.name}_B`, bias, [1, 2 * G * u]);
	const alphas = ops.filter((o) => o.alpha !== undefined).map((o) => o.alpha!);
	const betas = ops.filter((o) => o.beta !== undefined).map((o) => o.beta!);
	const attrs: Attr[] = [
		ia('hidden_size', u),
		sas(
			'activations',
			ops.map((o) => o.op),
		),
	];
	if (alphas.length) attrs.push(fas('activation_alpha', alphas));
	if (betas.length) attrs.push(fas('activation_beta', betas));
	// tfjs's GRU applies the reset gate before the recurrent matmul: linear_before_reset 0 (the default).
	const seqFirst = g.op1('Transpose', [x], [ias('perm', [1, 0, 2])]);
	const [Y, Yh] = g.op(cls === 'SimpleRNN' ? 'RNN' : cls, [seqFirst, W, R, B], attrs, { outs: 2, name: layer.name });
	let y: string;
	if (cfg.returnSequences) {
		const seq = g.op1('Squeeze', [Y!, g.int64('axes', [1])]);
		y = g.op1('Transpose', [seq], [ias('perm', [1, 0, 2])]);
	} else y = g.op1('Squeeze', [Yh!, g.int64('axes', [0])]);
	return y;
}

/** The class or value each row's scores decode to (as decodeOutput). */
function predictionOutput(g: Graph, pre: Preprocessing, scores: string, threshold: number): { name: string; type: number } {
	const e = pre.label.encoding;
	if (e === 'value')
		return {
			name: g.op('Gather', [scores, g.int64('first', [0], [])], [ia('axis', 1)], { name: 'prediction', exact: true })[0]!,
			type: T.FLOAT,
		};
	const classes = pre.label.classes!;
	const numeric = classes.every((c) => typeof c === 'number');
	const table = numeric ? g.double('classes', classes, [classes.length]) : g.strings('classes', classes.map(String));
	let index: string;
	if (e === 'binary' || e === 'hinge') {
		const first = g.op1('Gather', [scores, g.int64('first', [0], [])], [ia('axis', 1)]);
		const cut = g.float('threshold', [e === 'hinge' ? 0 : threshold], []);
		index = g.op1('Cast', [g.op1('GreaterOrEqual', [first, cut])], [ia('to', T.INT64)]);
	} else index = g.op1('ArgMax', [scores], [ia('axis', 1), ia('keepdims', 0)]);
	return {
		name: g.op('Gather', [table, index], [ia('axis', 0)], { name: 'prediction', exact: true })[0]!,
		type: numeric ? T.DOUBLE : T.STRING,
	};
}

/**
 * The ONNX file for `model` with its preprocessing `pre`; throws naming the layer that has no
 * ONNX translation. `threshold` decides a single sigmoid output's class (as evaluation.threshold).
 */
export function onnxModel(
	model: tf.LayersModel,
	pre: Preprocessing,
	opts: { name?: string; threshold?: number } = {},
): { bytes: Uint8Array; summary: OnnxSummary; tokenizer?: string } {
	const g = new Graph();
	const inputs: onnx.IValueInfoProto[] = [];
	const summaryInputs: OnnxSummary['inputs'] = [];
	const parts: string[] = [];
	for (const f of pre.features) if (!ONNX_STEPS.has(f.step)) throw new Error(tr('onnx.step', { column: f.column, step: f.step }));
	let x: string;
	/** The model's inputs by the name of their InputLayer (several with `model.inputs`). */
	const modelInputs = new Map<string, string>();
	if (imageOf(pre)) {
		g.reserve('image');
		inputs.push({ name: 'image', type: tensorType(T.FLOAT, ['N', ...pre.inputShape]) });
		summaryInputs.push({ name: 'image', type: 'float', shape: ['N', ...pre.inputShape], missing: '(none)' });
		x = 'image';
	} else {
		for (const [i, { name, type, width, date }] of onnxInputs(pre).entries()) {
			g.reserve(name);
			const elem = type === 'string' ? T.STRING : type === 'int64' ? T.INT64 : T.DOUBLE;
			inputs.push({ name, type: tensorType(elem, ['N', width]) });
			summaryInputs.push({
				name,
				type,
				shape: ['N', width],
				missing: type === 'string' ? '""' : type === 'int64' ? `the ids of "" (${PAD_ID}, padding)` : 'NaN',
				...(date ? { meaning: DATE_MEANING } : {}),
			});
			parts.push(featureColumns(g, pre.features[i]!, name));
		}
		x = parts.length === 1 ? parts[0]! : g.op1('Concat', parts, [ia('axis', 1)], 'features');
		// Several named inputs: each takes its run of the flat row, shaped as declared (model/inputs.ts feed).
		for (const mi of pre.modelInputs ?? []) {
			const cut = g.op1('Slice', [x, g.int64('start', [mi.offset]), g.int64('end', [mi.offset + mi.width]), g.int64('axes', [1])]);
			modelInputs.set(mi.name, g.op1('Reshape', [cut, g.int64(`${mi.name}_shape`, [-1, ...mi.shape])], [], `${mi.name}_in`));
		}
		const width = pre.inputs.length;
		if (pre.inputShape.length !== 1 || pre.inputShape[0] !== width)
			x = g.op1('Reshape', [x, g.int64('input_shape', [-1, ...pre.inputShape])], [], 'input');
	}
	if (modelInputs.size && model.inputs.some((i) => !modelInputs.has(i.sourceLayer.name)))
		throw new Error(tr('onnx.inputs', { inputs: model.inputs.map((i) => i.sourceLayer.name).join(', ') }));
	// Walk the layers in order (model.layers is topologically sorted); each reads its inbound layers' outputs and masks.
	const out = new Map<string, string>();
	const maskOf = new Map<string, string | undefined>();
	const layers = model.layers as unknown as LayerLike[];
	for (const l of layers) {
		if (l.getClassName() === 'InputLayer') {
			out.set(l.name, modelInputs.get(l.name) ?? x);
			continue;
		}
		const sources = l.inboundNodes[0]?.inboundLayers ?? [];
		const from = sources.map((p) => {
			// A Sequential model's InputLayer is not among its layers.
			const t = out.get(p.name) ?? (p.getClassName() === 'InputLayer' ? (modelInputs.get(p.name) ?? x) : undefined);
			if (!t) throw new Error(`layer \`${l.name}\` takes \`${p.name}\`, which comes later in the model.`);
			return t;
		});
		const masks = sources.map((p) => maskOf.get(p.name));
		if (!from.length) from.push(x);
		out.set(l.name, convertLayer(g, l, from, masks[0]));
		maskOf.set(l.name, layerMask(g, l, from, masks));
	}
	const last = out.get(model.outputs[0]!.sourceLayer.name);
	if (!last) throw new Error('the model has no output layer.');
	const outShape = model.outputs[0]!.shape.slice(1) as number[];
	const k = outShape.reduce((a, b) => a * b, 1);
	const scores = g.op(outShape.length === 1 ? 'Identity' : 'Flatten', [last], outShape.length === 1 ? [] : [ia('axis', 1)], {
		name: 'scores',
		exact: true,
	})[0]!;
	const pred = predictionOutput(g, pre, scores, opts.threshold ?? 0.5);
	const outputs: onnx.IValueInfoProto[] = [
		{ name: scores, type: tensorType(T.FLOAT, ['N', k]) },
		{ name: pred.name, type: tensorType(pred.type, ['N']) },
	];
	const usesMl = g.nodes.some((n) => n.domain === 'ai.onnx.ml');
	const tokenizer = tokenizerFile(pre);
	const proto = onnx.ModelProto.create({
		irVersion: ONNX_IR_VERSION,
		producerName: 'modelwright',
		producerVersion: '1',
		modelVersion: 1,
		docString: `Raw feature values in (one input per column; token ids from ${TOKENIZER_FILE} for a tokenized text column), preprocessing and the ${opts.name ?? 'trained'} network inside; outputs scores and prediction.`,
		opsetImport: [{ domain: '', version: ONNX_OPSET }, ...(usesMl ? [{ domain: 'ai.onnx.ml', version: ONNX_ML_OPSET }] : [])],
		graph: {
			name: opts.name ?? 'modelwright',
			node: g.nodes,
			initializer: g.inits,
			input: inputs,
			output: outputs,
		},
		metadataProps: [
			{ key: 'label', value: pre.label.column },
			{ key: 'task', value: pre.task },
			...(pre.label.classes ? [{ key: 'classes', value: JSON.stringify(pre.label.classes) }] : []),
			// The file alone is enough: the tokenizer that makes its id inputs travels inside it too.
			...(tokenizer ? [{ key: 'tokenizer', value: tokenizer }] : []),
		],
	});
	return {
		bytes: onnx.ModelProto.encode(proto).finish(),
		...(tokenizer ? { tokenizer } : {}),
		summary: {
			opset: ONNX_OPSET,
			irVersion: ONNX_IR_VERSION,
			usesMl,
			inputs: summaryInputs,
			outputs: [
				{ name: scores, type: 'float', shape: ['N', k] },
				{ name: pred.name, type: pred.type === T.STRING ? 'string' : pred.type === T.DOUBLE ? 'double' : 'float', shape: ['N'] },
			],
			nodes: g.nodes.length,
		},
	};
}
