/**
 * Output shapes and parameter counts of a Sequential stack or a layer graph (`from`, merge
 * layers), computed without TensorFlow.js
 * so the language server can show them on every keystroke. test/unit/shapes.test.ts checks
 * every example and fixture against the real tfjs-layers model.
 */
import { MODEL_INPUT, type LayerConfig, type LayerType } from '../config/schema';
import type { DiagnosticCode } from '../config/diagnostics';
import { tc } from '../config/messages';
import { list } from '../l10n';

/** A shape with the batch dimension first (`null`), like tfjs. `null` dims are unknown. */
export type Shape = (number | null)[];

export interface LayerShapeInfo {
	index: number;
	type: LayerType;
	name: string;
	inputShape?: Shape;
	outputShape?: Shape;
	/** Undefined when the input size is unknown. */
	trainableParams?: number;
	nonTrainableParams?: number;
	issue?: ShapeIssue;
	/** What the layer takes: names of earlier layers or `input` (one, or several for a merge). */
	from: string[];
	/** Indices of the layers in `from`, -1 for the model input (unresolved names left out). */
	sources: number[];
	/** Input shapes of a merge layer, one per entry of `from`. */
	inputShapes?: (Shape | undefined)[];
	/** The layer's input carries a padding mask (an `embedding` with `maskZero` before it). */
	maskedInput?: boolean;
}

export interface ShapeIssue {
	code: DiagnosticCode;
	message: string;
	/** The field of the layer the issue is about (for the range), if any. */
	field?: string;
	/** A path inside the layer, more exact than `field` (e.g. `['from', 1]`). */
	at?: (string | number)[];
	/** A value to write at `at` that fixes the issue (a quick fix). */
	replacement?: string;
}

export const MERGE_TYPES = ['add', 'concatenate', 'multiply', 'average'] as const;
export type MergeType = (typeof MERGE_TYPES)[number];
export const isMerge = (type: string): type is MergeType => (MERGE_TYPES as readonly string[]).includes(type);

/** Whether the layers form a graph (a functional model) rather than a Sequential stack. */
export function isGraph(layers: readonly { type: string; from?: unknown }[]): boolean {
	return layers.some((l) => l.from !== undefined || isMerge(l.type));
}

/** The `from` names of a layer as written, or the implicit previous layer (the first input for the first layer). */
export function layerFrom(layer: { from?: unknown }, index: number, names: readonly string[], firstInput = MODEL_INPUT): string[] {
	if (typeof layer.from === 'string') return [layer.from];
	if (Array.isArray(layer.from)) return layer.from.filter((f): f is string => typeof f === 'string');
	return [index === 0 ? firstInput : names[index - 1]!];
}

/** A named model input (`model.inputs`) with its per-sample shape when known. */
export interface NamedInput {
	name: string;
	shape?: readonly number[] | undefined;
}

/** Whether a layer passes a padding mask (from `embedding.maskZero`) on, consumes it, or cannot take one (tfjs throws). */
function maskRule(layer: LayerConfig): 'pass' | 'consume' | 'refuse' {
	switch (layer.type) {
		case 'dropout':
		case 'batchNormalization':
		case 'layerNormalization':
		case 'positionEmbedding':
		case 'multiHeadAttention':
		case 'transformerEncoder':
		case 'add':
		case 'multiply':
		case 'average':
		case 'concatenate':
			return 'pass';
		case 'dense':
		case 'activation':
			// tfjs's LeakyReLU layer (our leakyRelu activation) takes no mask.
			return layer.activation === 'leakyRelu' ? 'refuse' : 'pass';
		case 'globalAveragePooling1d':
			return 'consume';
		case 'lstm':
		case 'gru':
		case 'simpleRnn':
			return layer.returnSequences ? 'pass' : 'consume';
		default:
			return 'refuse';
	}
}

/** A problem with a named model input (`model.inputs[input]`). */
export interface InputIssue {
	input: number;
	code: DiagnosticCode;
	message: string;
}

export interface ModelShapeInfo {
	inputShape?: Shape;
	/** The named inputs of `model.inputs`, with their shapes (batch first) when known. */
	inputs?: { name: string; shape?: Shape }[];
	inputIssues?: InputIssue[];
	layers: LayerShapeInfo[];
	outputShape?: Shape;
	totalParams?: number;
	trainableParams?: number;
	nonTrainableParams?: number;
}

type Dims = number | [number, number] | undefined;
const pair = (v: Dims, def: number): [number, number] => (v === undefined ? [def, def] : typeof v === 'number' ? [v, v] : v);

/** Keras/tfjs conv_output_length. */
function convOut(len: number | null, k: number, padding: string, stride: number, dilation: number): number | null {
	if (len === null) return null;
	const dk = k + (k - 1) * (dilation - 1);
	const out = padding === 'valid' ? len - dk + 1 : len;
	return Math.floor((out + stride - 1) / stride);
}

const fmt = (s: Shape | undefined) => (s ? `[${s.map((d) => (d === null ? 'null' : d)).join(', ')}]` : '?');
export const formatShape = fmt;

/** Default layer names like Keras: `dense_1`, `dense_2`, `dropout_1` … */
export function defaultLayerNames(layers: readonly { type: string; name?: string | undefined }[]): string[] {
	const counts = new Map<string, number>();
	return layers.map((l) => {
		const n = (counts.get(l.type) ?? 0) + 1;
		counts.set(l.type, n);
		return l.name ?? `${l.type}_${n}`;
	});
}

export function inferShapes(
	layers: readonly LayerConfig[],
	inputShape: readonly number[] | undefined,
	namedInputs?: readonly NamedInput[],
): ModelShapeInfo {
	const names = defaultLayerNames(layers);
	const input: Shape | undefined = inputShape ? [null, ...inputShape] : undefined;
	// The model's inputs by name: `input`, or the names of `model.inputs` (index -1, -2, …).
	const inputNames = namedInputs?.length ? namedInputs.map((i) => i.name) : [MODEL_INPUT];
	const inputShapes = namedInputs?.length ? namedInputs.map((i) => (i.shape ? [null, ...i.shape] : undefined)) : [input];
	const usedInputs = new Set<number>();
	/** Whether each layer's output carries a padding mask. */
	const masked: boolean[] = [];
	/** Output shapes passed on to later layers (undefined after an error). */
	const passed: (Shape | undefined)[] = [];
	const out: LayerShapeInfo[] = [];
	const firstIndex = new Map<string, number>();
	names.forEach((n, i) => {
		if (!firstIndex.has(n)) firstIndex.set(n, i);
	});
	let total = 0;
	let trainable = 0;
	let nonTrainable = 0;
	let known = true;
	const used = new Set<number>();
	layers.forEach((layer, index) => {
		const from = layerFrom(layer, index, names, inputNames[0]);
		const info: LayerShapeInfo = { index, type: layer.type, name: names[index]!, from, sources: [] };
		let issue: ShapeIssue | undefined = graphIssue(layer, index, names, firstIndex, inputNames);
		const inShapes: (Shape | undefined)[] = [];
		let inMasked = false;
		from.forEach((f, k) => {
			const inputAt = inputNames.indexOf(f);
			const src = inputAt >= 0 ? -1 - inputAt : firstIndex.get(f);
			const at = Array.isArray(layer.from) ? ['from', k] : ['from'];
			if (src === undefined) {
				const near = nearest(f, names.slice(0, index), inputNames);
				issue ??= {
					code: 'MW215',
					at,
					message: tc('MW215', {
						name: f,
						inputs: inputNames.length > 1 ? tc('MW215.inputs', { names: list(inputNames.map((n) => `\`${n}\``)) }) : `\`${inputNames[0]}\``,
						hint: near
							? tc('MW215.didYouMean', { value: near })
							: index
								? tc('MW215.earlier', { names: list([...new Set(names.slice(0, index))].map((n) => `\`${n}\``)) })
								: '',
					}),
					...(near ? { replacement: near } : {}),
				};
				inShapes.push(undefined);
				return;
			}
			if (src >= index) {
				issue ??= {
					code: 'MW216',
					at,
					message: src === index ? tc('MW216.self', { name: f }) : tc('MW216.later', { name: f, src: src + 1, index: index + 1 }),
				};
				inShapes.push(undefined);
				return;
			}
			info.sources.push(src);
			if (src >= 0) used.add(src);
			else usedInputs.add(-1 - src);
			if (src >= 0 && masked[src]) inMasked = true;
			inShapes.push(src < 0 ? inputShapes[-1 - src] : passed[src]);
		});
		const rule = maskRule(layer);
		if (inMasked && rule === 'refuse')
			issue ??= {
				code: 'MW240',
				field: 'type',
				message: tc('MW240', { type: layer.type }),
			};
		masked.push((inMasked && rule === 'pass') || (layer.type === 'embedding' && layer.maskZero === true));
		if (inMasked) info.maskedInput = true;
		const shape = inShapes[0];
		if (shape) info.inputShape = shape;
		if (isMerge(layer.type)) info.inputShapes = inShapes;
		const r: LayerResult = issue
			? { issue }
			: isMerge(layer.type)
				? mergeOutput(layer as Extract<LayerConfig, { type: MergeType }>, inShapes, from)
				: layerOutput(layer, shape);
		if (r.issue) info.issue = r.issue;
		if (r.shape) info.outputShape = r.shape;
		if (r.trainable !== undefined) {
			info.trainableParams = r.trainable;
			info.nonTrainableParams = r.nonTrainable ?? 0;
			trainable += r.trainable;
			nonTrainable += r.nonTrainable ?? 0;
			total += r.trainable + (r.nonTrainable ?? 0);
		} else known = false;
		out.push(info);
		passed.push(r.issue && r.issue.code !== 'MW213' ? undefined : r.shape);
	});
	// Layers whose output nothing takes (the last layer is the model's output).
	out.forEach((info, i) => {
		if (i === out.length - 1 || used.has(i) || info.issue) return;
		info.issue = {
			code: 'MW219',
			field: layers[i]!.name !== undefined ? 'name' : 'type',
			message: tc('MW219', { name: info.name }),
		};
	});
	// Named inputs no layer takes: tfjs would refuse the model (its inputs must all reach the output).
	const inputIssues: InputIssue[] = [];
	if (namedInputs?.length)
		namedInputs.forEach((inp, k) => {
			if (!usedInputs.has(k) && layers.length)
				inputIssues.push({
					input: k,
					code: 'MW241',
					message: tc('MW241', { name: inp.name }),
				});
		});
	const last = passed[passed.length - 1];
	return {
		...(namedInputs?.length
			? { inputs: namedInputs.map((n, k) => ({ name: n.name, ...(inputShapes[k] ? { shape: inputShapes[k] } : {}) })) }
			: {}),
		...(inputIssues.length ? { inputIssues } : {}),
		...(input ? { inputShape: input } : {}),
		layers: out,
		...(last ? { outputShape: last } : {}),
		...(known ? { totalParams: total, trainableParams: trainable, nonTrainableParams: nonTrainable } : {}),
	};
}

/** A duplicate `name` (or a layer named like a model input). */
function graphIssue(
	layer: LayerConfig,
	index: number,
	names: readonly string[],
	firstIndex: Map<string, number>,
	inputNames: readonly string[],
): ShapeIssue | undefined {
	const n = names[index]!;
	if (n === MODEL_INPUT || inputNames.includes(n)) return { code: 'MW217', field: 'name', message: tc('MW217.input', { name: n }) };
	const first = firstIndex.get(n)!;
	if (first !== index)
		return {
			code: 'MW217',
			field: layer.name !== undefined ? 'name' : 'type',
			message: tc('MW217.duplicate', { first: first + 1, name: n, note: layer.name === undefined ? tc('MW217.defaultName') : '' }),
		};
	return undefined;
}

/** The earlier layer name (or `input`) a misspelt `from` name most likely meant. */
function nearest(name: string, names: readonly string[], inputNames: readonly string[] = [MODEL_INPUT]): string | undefined {
	return [...names, ...inputNames].find(
		(n) => n.toLowerCase() === name.toLowerCase() || editDistance(n, name) <= Math.min(2, n.length - 1),
	);
}

function editDistance(a: string, b: string): number {
	const d = Array.from({ length: b.length + 1 }, (_, j) => j);
	for (let i = 1; i <= a.length; i++) {
		let prev = d[0]!;
		d[0] = i;
		for (let j = 1; j <= b.length; j++) {
			const tmp = d[j]!;
			d[j] = Math.min(d[j]! + 1, d[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
			prev = tmp;
		}
	}
	return d[b.length]!;
}

/** Output of a merge layer; the inputs must agree (on every axis but `axis` for concatenate). */
function mergeOutput(layer: Extract<LayerConfig, { type: MergeType }>, shapes: (Shape | undefined)[], from: string[]): LayerResult {
	if (shapes.some((s) => !s)) return { trainable: 0 };
	const all = shapes as Shape[];
	const first = all[0]!;
	const mismatch = (k: number, why: string): LayerResult => ({
		issue: {
			code: 'MW218',
			at: ['from', k],
			message: tc('MW218.merge', { type: layer.type, a: from[0]!, shapeA: fmt(first), b: from[k]!, shapeB: fmt(all[k]), why }),
		},
	});
	const unify = (a: number | null, b: number | null) => (a === null ? b : a);
	if (layer.type === 'concatenate') {
		const rank = first.length;
		const axis = layer.axis ?? -1;
		const ax = axis < 0 ? rank + axis : axis;
		if (ax < 1 || ax >= rank)
			return {
				issue: {
					code: 'MW218',
					field: 'axis',
					message: tc('MW218.axis', {
						axis,
						shape: fmt(first),
						axes: rank === 2 ? tc('MW218.axes2') : tc('MW218.axesN', { n: rank - 1 }),
					}),
				},
			};
		const shape = [...first];
		for (let k = 1; k < all.length; k++) {
			const s = all[k]!;
			if (s.length !== rank) return mismatch(k, tc('MW218.ranks', { a: rank - 1, b: s.length - 1 }));
			for (let d = 1; d < rank; d++) {
				if (d === ax) continue;
				if (shape[d] !== null && s[d] !== null && shape[d] !== s[d]) return mismatch(k, tc('MW218.axisDiffers', { d, axis }));
				shape[d] = unify(shape[d]!, s[d]!);
			}
			shape[ax] = shape[ax] === null || s[ax] === null ? null : shape[ax]! + s[ax]!;
		}
		return { shape, trainable: 0 };
	}
	const shape = [...first];
	for (let k = 1; k < all.length; k++) {
		const s = all[k]!;
		if (s.length !== shape.length || s.some((d, i) => d !== null && shape[i] !== null && d !== shape[i]))
			return mismatch(k, tc('MW218.elementwise', { type: layer.type }));
		s.forEach((d, i) => (shape[i] = unify(shape[i]!, d)));
	}
	return { shape, trainable: 0 };
}

interface LayerResult {
	shape?: Shape;
	trainable?: number;
	nonTrainable?: number;
	issue?: ShapeIssue;
}

function needRank(shape: Shape, rank: number, what: string, type: string): ShapeIssue | undefined {
	if (shape.length === rank) return undefined;
	return {
		code: 'MW210',
		message: tc('MW210.rank', {
			type,
			what,
			rank: rank - 1,
			shape: fmt(shape),
			hint: rank === 4 && shape.length === 2 ? tc('MW210.rankHint4') : rank === 3 && shape.length === 2 ? tc('MW210.rankHint3') : '',
		}),
	};
}

function shrinkIssue(type: string, field: string, input: Shape, output: Shape): ShapeIssue | undefined {
	if (output.slice(1).some((d) => d !== null && d < 1)) {
		return {
			code: 'MW211',
			field,
			message: tc('MW211', { type, input: fmt(input), output: fmt(output), field }),
		};
	}
	return undefined;
}

function layerOutput(layer: LayerConfig, shape: Shape | undefined): LayerResult {
	switch (layer.type) {
		case 'dense': {
			const bias = layer.useBias !== false ? layer.units : 0;
			if (!shape) return { shape: [null, layer.units] };
			const last = shape[shape.length - 1] ?? null;
			if (shape.length < 2 || last === null)
				return { issue: { code: 'MW210', message: tc('MW210.lastDim', { type: 'dense', shape: fmt(shape) }) } };
			const issue: ShapeIssue | undefined =
				shape.length > 2
					? {
							code: 'MW213',
							message: tc('MW213', { shape: fmt(shape), output: fmt([...shape.slice(0, -1), layer.units]) }),
						}
					: undefined;
			return { shape: [...shape.slice(0, -1), layer.units], trainable: last * layer.units + bias, ...(issue ? { issue } : {}) };
		}
		case 'dropout':
		case 'activation':
			return shape ? { shape, trainable: 0 } : { trainable: 0 };
		case 'batchNormalization':
		case 'layerNormalization': {
			if (!shape) return {};
			const c = shape[shape.length - 1] ?? null;
			if (shape.length < 2 || c === null)
				return { issue: { code: 'MW210', message: tc('MW210.lastDim', { type: layer.type, shape: fmt(shape) }) } };
			const learned = (layer.center !== false ? c : 0) + (layer.scale !== false ? c : 0);
			return { shape, trainable: learned, nonTrainable: layer.type === 'batchNormalization' ? 2 * c : 0 };
		}
		case 'flatten': {
			if (!shape) return { trainable: 0 };
			if (shape.length < 3)
				return {
					issue: {
						code: 'MW210',
						message: tc('MW210.flatten', { shape: fmt(shape) }),
					},
				};
			const dims = shape.slice(1);
			return { shape: [null, dims.includes(null) ? null : (dims as number[]).reduce((a, b) => a * b, 1)], trainable: 0 };
		}
		case 'reshape': {
			const target = layer.targetShape;
			const unknowns = target.filter((d) => d === -1).length;
			if (unknowns > 1) return { issue: { code: 'MW212', field: 'targetShape', message: tc('MW212.oneUnknown') } };
			if (target.some((d) => d === 0)) return { issue: { code: 'MW212', field: 'targetShape', message: tc('MW212.positive') } };
			if (!shape || shape.slice(1).includes(null)) return { shape: [null, ...target.map((d) => (d === -1 ? null : d))], trainable: 0 };
			const size = (shape.slice(1) as number[]).reduce((a, b) => a * b, 1);
			const known = target.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
			if (unknowns === 1) {
				if (size % known !== 0)
					return {
						issue: {
							code: 'MW212',
							field: 'targetShape',
							message: tc('MW212.divisible', { shape: fmt(shape), size, target: target.join(', '), known }),
						},
					};
				return { shape: [null, ...target.map((d) => (d === -1 ? size / known : d))], trainable: 0 };
			}
			if (known !== size)
				return {
					issue: {
						code: 'MW212',
						field: 'targetShape',
						message: tc('MW212.size', { shape: fmt(shape), size, target: target.join(', '), known }),
					},
				};
			return { shape: [null, ...target], trainable: 0 };
		}
		case 'conv1d': {
			if (!shape) return {};
			const bad = needRank(shape, 3, '[steps, channels]', 'conv1d');
			if (bad) return { issue: bad };
			const [, len, ch] = shape as [null, number | null, number | null];
			if (ch === null) return { issue: { code: 'MW210', message: tc('MW210.channels', { type: 'conv1d' }) } };
			const out: Shape = [
				null,
				convOut(len, layer.kernelSize, layer.padding ?? 'valid', layer.strides ?? 1, layer.dilationRate ?? 1),
				layer.filters,
			];
			const issue = shrinkIssue('conv1d', 'kernelSize', shape, out);
			if (issue) return { issue };
			return { shape: out, trainable: layer.kernelSize * ch * layer.filters + (layer.useBias !== false ? layer.filters : 0) };
		}
		case 'conv2d': {
			if (!shape) return {};
			const bad = needRank(shape, 4, '[height, width, channels]', 'conv2d');
			if (bad) return { issue: bad };
			const [, h, w, ch] = shape as [null, number | null, number | null, number | null];
			if (ch === null) return { issue: { code: 'MW210', message: tc('MW210.channels', { type: 'conv2d' }) } };
			const [kh, kw] = pair(layer.kernelSize, 1);
			const [sh, sw] = pair(layer.strides, 1);
			const [dh, dw] = pair(layer.dilationRate, 1);
			const pad = layer.padding ?? 'valid';
			const out: Shape = [null, convOut(h, kh, pad, sh, dh), convOut(w, kw, pad, sw, dw), layer.filters];
			const issue = shrinkIssue('conv2d', 'kernelSize', shape, out);
			if (issue) return { issue };
			return { shape: out, trainable: kh * kw * ch * layer.filters + (layer.useBias !== false ? layer.filters : 0) };
		}
		case 'maxPooling1d':
		case 'averagePooling1d': {
			if (!shape) return {};
			const bad = needRank(shape, 3, '[steps, channels]', layer.type);
			if (bad) return { issue: bad };
			const p = layer.poolSize ?? 2;
			const out: Shape = [null, convOut(shape[1] ?? null, p, layer.padding ?? 'valid', layer.strides ?? p, 1), shape[2] ?? null];
			const issue = shrinkIssue(layer.type, 'poolSize', shape, out);
			return issue ? { issue } : { shape: out, trainable: 0 };
		}
		case 'maxPooling2d':
		case 'averagePooling2d': {
			if (!shape) return {};
			const bad = needRank(shape, 4, '[height, width, channels]', layer.type);
			if (bad) return { issue: bad };
			const [ph, pw] = pair(layer.poolSize, 2);
			const [sh, sw] = layer.strides === undefined ? [ph, pw] : pair(layer.strides, 1);
			const pad = layer.padding ?? 'valid';
			const out: Shape = [null, convOut(shape[1] ?? null, ph, pad, sh, 1), convOut(shape[2] ?? null, pw, pad, sw, 1), shape[3] ?? null];
			const issue = shrinkIssue(layer.type, 'poolSize', shape, out);
			return issue ? { issue } : { shape: out, trainable: 0 };
		}
		case 'globalAveragePooling1d':
		case 'globalMaxPooling1d': {
			if (!shape) return {};
			const bad = needRank(shape, 3, '[steps, channels]', layer.type);
			return bad ? { issue: bad } : { shape: [null, shape[2] ?? null], trainable: 0 };
		}
		case 'globalAveragePooling2d':
		case 'globalMaxPooling2d': {
			if (!shape) return {};
			const bad = needRank(shape, 4, '[height, width, channels]', layer.type);
			return bad ? { issue: bad } : { shape: [null, shape[3] ?? null], trainable: 0 };
		}
		case 'embedding': {
			const params = layer.inputDim * layer.outputDim;
			if (!shape) return { trainable: params };
			if (shape.length !== 2)
				return {
					issue: { code: 'MW210', message: tc('MW210.ids', { shape: fmt(shape) }) },
				};
			return { shape: [null, shape[1] ?? null, layer.outputDim], trainable: params };
		}
		case 'positionEmbedding': {
			if (!shape) return {};
			const bad = needRank(shape, 3, '[steps, features]', layer.type);
			if (bad) return { issue: bad };
			const [, t, d] = shape as [null, number | null, number | null];
			if (d === null) return { issue: { code: 'MW210', message: tc('MW210.features', { type: 'positionEmbedding' }) } };
			const len = layer.maxLength ?? t;
			if (len === null) return { issue: { code: 'MW210', field: 'type', message: tc('MW210.steps') } };
			if (t !== null && t > len)
				return {
					issue: {
						code: 'MW210',
						field: 'maxLength',
						message: tc('MW210.positions', { len, steps: t }),
					},
				};
			return { shape, trainable: len * d };
		}
		case 'multiHeadAttention':
		case 'transformerEncoder': {
			if (!shape) return {};
			const bad = needRank(shape, 3, '[steps, features]', layer.type);
			if (bad) return { issue: bad };
			const d = shape[2] ?? null;
			if (d === null) return { issue: { code: 'MW210', message: tc('MW210.features', { type: layer.type }) } };
			const h = layer.numHeads;
			const k = layer.keyDim ?? Math.floor(d / h);
			if (k < 1)
				return {
					issue: {
						code: 'MW210',
						field: 'numHeads',
						message: tc('MW210.heads', { type: layer.type, d, h }),
					},
				};
			const attention = 4 * d * h * k + (layer.useBias !== false ? 3 * h * k + d : 0);
			if (layer.type === 'multiHeadAttention') return { shape, trainable: attention };
			const ff = layer.feedForwardDim;
			return { shape, trainable: attention + 2 * d * ff + ff + d + 4 * d };
		}
		case 'lstm':
		case 'gru':
		case 'simpleRnn': {
			if (!shape) return {};
			const bad = needRank(shape, 3, '[steps, features]', layer.type);
			if (bad) return { issue: bad };
			const f = shape[2] ?? null;
			if (f === null) return { issue: { code: 'MW210', message: tc('MW210.features', { type: layer.type }) } };
			const u = layer.units;
			const gates = layer.type === 'lstm' ? 4 : layer.type === 'gru' ? 3 : 1;
			const params = gates * (u * (f + u) + (layer.useBias !== false ? u : 0));
			return { shape: layer.returnSequences ? [null, shape[1] ?? null, u] : [null, u], trainable: params };
		}
		default:
			// Merge layers: mergeOutput.
			return {};
	}
}
