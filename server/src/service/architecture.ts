/**
 * The architecture panel's view of a document, built from the server's analysis so the extension
 * host neither validates nor parses a config: the view model the page renders (webviews/protocol.ts)
 * and the range of each `model.layers` entry, for the cursor highlight and click-to-reveal.
 */
import { isSeq, type Node } from 'yaml';
import type { ValidationResult } from '../../../engine/core/config/validate';
import type { LayerConfig } from '../../../engine/core/config/schema';
import { toMermaid } from '../../../engine/core/shapes/summary';
import { blockParts } from '../../../engine/core/shapes/blocks';
import type { ArchitectureView, InputView, LayerDiagnostic, LayerView, PipelineStage } from '../../../webviews/protocol';
import type { ArchitectureResult } from '../protocol';
import { configNameFromPath } from '../../../engine/core/facts';
import type { Analysis } from './analysis';
import { ts } from './messages';

export function architecture(a: Analysis): ArchitectureResult | null {
	const model = architectureView(a.result, configNameFromPath(a.uri));
	if (!model) return null;
	const cd = a.result.document;
	const layers = cd.nodeAt(['model', 'layers']);
	// The entries as written (an alias entry is its own line), so the cursor inside one finds it.
	const layerRanges = (isSeq(layers) ? layers.items : []).map((item) => cd.nodeRange(item as Node) ?? cd.whole());
	const inputs = cd.nodeAt(['model', 'inputs']);
	const inputRanges = (isSeq(inputs) ? inputs.items : []).map((item) => cd.nodeRange(item as Node) ?? cd.whole());
	return { version: a.version, model, layerRanges, ...(inputRanges.length ? { inputRanges } : {}) };
}

function display(v: unknown): string {
	return typeof v === 'string' ? v : JSON.stringify(v);
}

const KEY_PARAMS: Record<string, string[]> = {
	dense: ['units', 'activation'],
	dropout: ['rate'],
	activation: ['activation'],
	reshape: ['targetShape'],
	conv1d: ['filters', 'kernelSize', 'strides', 'padding', 'activation'],
	conv2d: ['filters', 'kernelSize', 'strides', 'padding', 'activation'],
	maxPooling1d: ['poolSize', 'strides'],
	averagePooling1d: ['poolSize', 'strides'],
	maxPooling2d: ['poolSize', 'strides'],
	averagePooling2d: ['poolSize', 'strides'],
	embedding: ['inputDim', 'outputDim'],
	lstm: ['units', 'returnSequences'],
	gru: ['units', 'returnSequences'],
	simpleRnn: ['units', 'returnSequences'],
	batchNormalization: ['momentum'],
	layerNormalization: ['epsilon'],
	concatenate: ['axis'],
	positionEmbedding: ['maxLength'],
	multiHeadAttention: ['numHeads', 'keyDim', 'causal'],
	transformerEncoder: ['numHeads', 'feedForwardDim'],
};

/** Layers with shapes and their diagnostics, and the pipeline; undefined until the text is a config with layers. */
export function architectureView(r: ValidationResult, name: string): ArchitectureView | undefined {
	const cfg = r.resolved;
	if (!cfg || !Array.isArray(cfg.model?.layers)) return undefined;
	const shapes = r.shapes;
	// The problems of `model.<list>[index]`, for its node.
	const diagnosticsAt = (list: 'layers' | 'inputs', index: number): { diagnostics?: LayerDiagnostic[] } => {
		const diags = r.diagnostics.filter(
			(d) => d.path?.[0] === 'model' && d.path[1] === list && d.path[2] === index && d.severity !== 'hint',
		);
		return diags.length
			? {
					diagnostics: diags.map((d) => ({
						severity: d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warning' : 'info',
						message: d.message,
						...(d.code ? { code: d.code } : {}),
					})),
				}
			: {};
	};
	const layers: LayerView[] = (cfg.model.layers as LayerConfig[]).map((l, index) => {
		const info = shapes?.layers[index];
		const raw = l as unknown as Record<string, unknown>;
		const block = blockParts(l, info);
		return {
			index,
			type: l.type,
			name: info?.name ?? l.name ?? `${l.type}_${index + 1}`,
			params: (KEY_PARAMS[l.type] ?? []).filter((k) => raw[k] !== undefined).map((k) => ({ key: k, value: display(raw[k]) })),
			...(info?.outputShape ? { outputShape: info.outputShape } : {}),
			...(info?.trainableParams !== undefined ? { paramCount: info.trainableParams + (info.nonTrainableParams ?? 0) } : {}),
			...diagnosticsAt('layers', index),
			...(block ? { block } : {}),
		} satisfies LayerView;
	});
	// Named inputs: one node each, with the columns they take.
	const namedInputs = Array.isArray(cfg.model.inputs) ? cfg.model.inputs : [];
	const inputs: InputView[] = namedInputs.map((inp, index) => {
		const shape = shapes?.inputs?.[index]?.shape;
		return { index, name: inp.name, features: [...inp.features], ...(shape ? { shape } : {}), ...diagnosticsAt('inputs', index) };
	});
	const d = cfg.data;
	const src = d.source;
	const pipeline: PipelineStage[] = [
		{
			id: 'data',
			title: ts('stage.data'),
			enabled: true,
			settings: [
				{
					key: 'source',
					value:
						src.type === 'csv' || src.type === 'json'
							? `${src.type}: ${src.path}`
							: src.type === 'dataset'
								? `dataset: ${src.name}`
								: src.type,
				},
				...(r.data?.label ? [{ key: 'label', value: r.data.label }] : []),
				...(r.data?.features ? [{ key: 'features', value: r.data.features.join(', ') }] : []),
			],
		},
		{
			id: 'preprocessing',
			title: ts('stage.preprocessing'),
			enabled: d.scale !== 'none' || Object.keys(d.preprocessing ?? {}).length > 0,
			settings: [
				{ key: 'scale', value: d.scale },
				{ key: 'missing', value: d.missing },
				...Object.entries(d.preprocessing ?? {}).map(([k, v]) => ({ key: k, value: display(v) })),
			],
		},
		{
			id: 'split',
			title: ts('stage.split'),
			enabled: true,
			settings: d.split.folds
				? [
						{ key: 'folds', value: String(d.split.folds) },
						{ key: 'test', value: String(d.split.test) },
					]
				: [
						{ key: 'validation', value: String(d.split.validation) },
						{ key: 'test', value: String(d.split.test) },
						{ key: 'stratify', value: String(d.split.stratify) },
					],
		},
		{
			id: 'model',
			title: ts('stage.model'),
			enabled: true,
			settings: [
				{ key: 'layers', value: String(layers.length) },
				...(shapes?.totalParams !== undefined ? [{ key: 'params', value: shapes.totalParams.toLocaleString('en-US') }] : []),
			],
		},
		{
			id: 'training',
			title: ts('stage.training'),
			enabled: true,
			settings: [
				{ key: 'loss', value: cfg.training.loss },
				{ key: 'optimizer', value: `${cfg.training.optimizer.type} (lr ${cfg.training.optimizer.learningRate})` },
				{ key: 'epochs', value: String(cfg.training.epochs) },
				{ key: 'batchSize', value: String(cfg.training.batchSize) },
				...(cfg.training.earlyStopping
					? [{ key: 'earlyStopping', value: `${cfg.training.earlyStopping.monitor}, patience ${cfg.training.earlyStopping.patience}` }]
					: []),
			],
		},
		{
			id: 'tuning',
			title: ts('stage.tuning'),
			enabled: Boolean(cfg.tuning),
			settings: cfg.tuning
				? [
						{ key: 'strategy', value: cfg.tuning.strategy },
						{ key: 'trials', value: String(cfg.tuning.trials) },
						{ key: 'dimensions', value: Object.keys(cfg.tuning.space).join(', ') },
					]
				: [],
		},
		{
			id: 'evaluation',
			title: ts('stage.evaluation'),
			enabled: true,
			settings: [
				{ key: 'split', value: cfg.evaluation.split },
				...(cfg.evaluation.metrics ? [{ key: 'metrics', value: cfg.evaluation.metrics.join(', ') }] : []),
			],
		},
		{
			id: 'export',
			title: ts('stage.export'),
			enabled: true,
			settings: [
				{ key: 'formats', value: (cfg.export.formats ?? [cfg.export.format]).join(', ') },
				{ key: 'path', value: cfg.export.path ?? ts('runFolder') },
			],
		},
	];
	return {
		name: cfg.name ?? name,
		layers,
		pipeline,
		...(inputs.length ? { inputs } : {}),
		// A source below 0 is an input: the named input -1 - s, or the one model input.
		...(shapes
			? {
					edges: shapes.layers.flatMap((l) =>
						l.sources.map((s) =>
							s >= 0 ? { from: s, to: l.index } : { from: null, to: l.index, ...(inputs.length ? { input: -1 - s } : {}) },
						),
					),
				}
			: {}),
		mermaid: toMermaid(cfg, shapes, r.data),
		...(shapes?.inputShape ? { inputShape: shapes.inputShape } : {}),
		...(r.data?.features ? { inputLabel: r.data.features.join(', ') } : {}),
		...(shapes?.totalParams !== undefined
			? { totalParams: shapes.totalParams, trainableParams: shapes.trainableParams!, nonTrainableParams: shapes.nonTrainableParams! }
			: {}),
	};
}
