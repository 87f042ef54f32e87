/**
 * ML-semantic checks: things a schema cannot say (loss vs. activation vs. units vs. labels,
 * shapes, validation data for early stopping, …). They run on the config with defaults
 * filled in and report warnings with an explanation and, where obvious, a fix.
 */
import * as nodePath from 'node:path';
import type { ConfigDocument } from './document';
import { makeDiagnostic, type ConfigDiagnostic, type DiagnosticCode, type Fix, type JsonPath, type TextEdit } from './diagnostics';
import { setValueEdit } from './edit';
import type { ResolvedConfig } from './resolve';
import { ConfigSchema, type LayerConfig, type SourceConfig } from './schema';
import { schemaAtPath } from './schemaNav';
import { closest } from './suggest';
import { CLASSIFICATION_LOSSES, USUAL_LEARNING_RATE, type Activation, type Loss } from './vocabulary';
import { inferShapes, type ModelShapeInfo } from '../shapes/infer';
import { dateChecks, embeddingChecks, featureWidth, inputFeatures, namedInputs, stepOfEntry, tokenizeChecks } from './inputs';
import { onnxProblems } from '../onnx';
import { MAX_CARDINALITY, staticDataInfo, type DataInfo, type ProbeResult } from '../data/info';
import { classesOf, classKey } from '../data/labels';
import { DEFAULT_MEMORY_BUDGET, estimateMemory, formatBytes } from '../memory';
import { list } from '../l10n';
import { tc } from './messages';
import { bareRecord } from '../own';

export interface SemanticOptions {
	/** Probes a file source (csv/json) relative to the config; absent → file checks are skipped. */
	probe?: (source: SourceConfig) => ProbeResult | undefined;
	/** Bytes a training run may use (MW233); DEFAULT_MEMORY_BUDGET when absent. */
	memoryBudget?: number;
}

export interface DataSummary {
	info?: DataInfo;
	features?: string[];
	label?: string;
	/** Number of model inputs after preprocessing (one-hot expands), when known. */
	inputSize?: number;
	/** Shape of one sample when the data decides it beyond a flat row (images: [height, width, channels]). */
	inputShape?: number[];
	/** Values each feature gives after preprocessing (one-hot: its categories, tokenize: maxLength), when known. */
	widths?: Record<string, number | undefined>;
	classes?: (string | number)[];
	task?: 'regression' | 'binaryClassification' | 'multiclassClassification';
	trainRows?: number;
}

export interface SemanticResult {
	diagnostics: ConfigDiagnostic[];
	shapes?: ModelShapeInfo;
	data: DataSummary;
}

const REGRESSION_LOSSES: readonly Loss[] = ['meanSquaredError', 'meanAbsoluteError', 'huber', 'logCosh'];

/** `invalidPaths`: paths with schema errors; checks touching them are skipped. */
export function semanticChecks(cd: ConfigDocument, cfg: ResolvedConfig, invalidPaths: JsonPath[], opts: SemanticOptions): SemanticResult {
	const out: ConfigDiagnostic[] = [];
	const invalid = (p: JsonPath) =>
		invalidPaths.some((bad) => (bad.length >= p.length ? p.every((s, i) => bad[i] === s) : bad.every((s, i) => p[i] === s)));
	const add = (code: DiagnosticCode, message: string, path: JsonPath, which: 'key' | 'value' = 'value', fixes: Fix[] = []) => {
		const d = makeDiagnostic(code, message, cd.rangeAt(path, which), { path });
		if (fixes.length) d.fixes = fixes;
		out.push(d);
	};
	/** One fix; `also` lists further [path, value] edits that make it whole (loss, units and activation agree). */
	const fix = (title: string, path: JsonPath, value: unknown, preferred = false, also: [JsonPath, unknown][] = []): Fix[] => {
		const edits = [[path, value] as [JsonPath, unknown], ...also].map(([p, v]) => setValueEdit(cd, p, v));
		if (edits.some((e) => !e)) return [];
		return [{ title, edits: edits as TextEdit[], ...(preferred ? { preferred } : {}) }];
	};

	const data = dataSummary(cd, cfg, invalid, add, opts);
	let shapes: ModelShapeInfo | undefined;
	/** How shapes were inferred (the checked layers and their input), to infer a trial's again. */
	let shapeInput: { layers: LayerConfig[]; input: number[] | undefined; named: ReturnType<typeof namedInputs> } | undefined;

	// ---- shapes: only over the prefix of layers that passed the schema
	if (!invalid(['model', 'inputShape']) && Array.isArray(cfg.model?.layers)) {
		const layers: LayerConfig[] = [];
		for (let i = 0; i < cfg.model.layers.length && !invalid(['model', 'layers', i]); i++) layers.push(cfg.model.layers[i] as LayerConfig);
		const declared = cfg.model.inputShape;
		const input = declared ?? data.inputShape ?? (data.inputSize !== undefined ? [data.inputSize] : undefined);
		const named = namedInputs(cfg, data, invalid, add);
		shapes = inferShapes(layers, named ? undefined : input, named);
		shapeInput = { layers, input, named };
		for (const ii of shapes.inputIssues ?? []) add(ii.code, ii.message, ['model', 'inputs', ii.input, 'name']);
		if (!invalid(['data', 'preprocessing']))
			embeddingChecks(cfg, shapes, data.features, (code, message, p, vocab) =>
				add(code, message, p, 'value', fix(tc('fix.setTo', { key: 'inputDim', value: String(vocab) }), p, vocab, true)),
			);
		for (const l of shapes.layers) {
			if (!l.issue) continue;
			const path: JsonPath = ['model', 'layers', l.index, ...(l.issue.at ?? (l.issue.field ? [l.issue.field] : ['type']))];
			const fixes = l.issue.replacement ? fix(tc('fix.take', { value: l.issue.replacement }), path, l.issue.replacement, true) : [];
			add(l.issue.code, l.issue.message, path, 'value', fixes);
		}
		const imageShape = data.inputShape;
		if (declared && imageShape && declared.reduce((a, b) => a * b, 1) !== data.inputSize) {
			add(
				'MW214',
				tc('MW214.images', {
					shape: declared.join(', '),
					size: declared.reduce((a, b) => a * b, 1),
					image: imageShape.join(', '),
					n: imageShape.reduce((a, b) => a * b, 1),
				}),
				['model', 'inputShape'],
				'value',
				fix(tc('fix.setTo', { key: 'inputShape', value: `[${imageShape.join(', ')}]` }), ['model', 'inputShape'], imageShape, true),
			);
		} else if (!imageShape && declared && data.inputSize !== undefined && declared.length === 1 && declared[0] !== data.inputSize) {
			add(
				'MW214',
				tc('MW214', {
					shape: declared.join(', '),
					n: data.inputSize,
					features: data.features ? ` (${data.features.join(', ')})` : '',
				}),
				['model', 'inputShape'],
				'value',
				fix(tc('fix.setTo', { key: 'inputShape', value: `[${data.inputSize}]` }), ['model', 'inputShape'], [data.inputSize], true),
			);
		}
	}

	// ---- ONNX export: every layer needs a translation (core/onnx.ts), said here rather than after training
	if (cfg.export?.formats?.includes('onnx') && !invalid(['export', 'formats'])) {
		// Which layers a padding mask reaches decides what else must carry it (core/onnx.ts).
		const masked: boolean[] = [];
		for (const l of shapes?.layers ?? []) masked[l.index] = l.maskedInput === true;
		for (const p of onnxProblems(cfg, invalid, masked)) add('MW250', p.message, p.path);
	}

	// ---- output layer vs. loss vs. labels
	const t = cfg.training;
	if (t && !invalid(['training', 'loss']) && Array.isArray(cfg.model?.layers) && !invalid(['model', 'layers'])) {
		outputChecks(cfg, data, add, fix);
	}

	foldChecks(cfg, data, invalid, add);

	// ---- validation data
	const split = cfg.data?.split;
	if (split && !invalid(['data', 'split'])) {
		const val = split.validation ?? 0;
		const test = split.test ?? 0;
		if (val + test >= 1) add('MW226', tc('MW226', { val, test, sum: +(val + test).toFixed(4) }), ['data', 'split'], 'key');
		const folds = split.folds ?? cfg.tuning?.folds;
		const writtenVal = (cd.value as { data?: { split?: { validation?: unknown } } } | null)?.data?.split?.validation;
		if (folds !== undefined && typeof writtenVal === 'number' && writtenVal > 0) {
			add(
				'MW221',
				tc('MW221', { folds, value: writtenVal }),
				['data', 'split', 'validation'],
				'value',
				fix(tc('fix.setTo', { key: 'validation', value: 0 }), ['data', 'split', 'validation'], 0, true),
			);
		}
		// Folds give validation data to `cv` and `tune` only: plain `train` with validation 0 has none.
		const hasValidation = val > 0;
		const monitors: [JsonPath, string | undefined][] = [];
		if (t?.earlyStopping) monitors.push([['training', 'earlyStopping'], t.earlyStopping.monitor]);
		if (t?.learningRateSchedule?.type === 'reduceOnPlateau')
			monitors.push([['training', 'learningRateSchedule'], t.learningRateSchedule.monitor]);
		for (const [p, monitor] of monitors) {
			if (!hasValidation && monitor?.startsWith('val_')) {
				add(
					'MW220',
					tc('MW220', {
						what: p[1] === 'earlyStopping' ? tc('MW220.earlyStopping') : tc('MW220.plateau'),
						monitor,
						folds: folds !== undefined ? tc('MW220.folds', { folds }) : '',
						base: monitor.slice(4),
					}),
					p,
					'key',
					[
						// With folds, a validation split would hold data out twice (MW221): monitor the training value instead.
						...(folds === undefined ? fix(tc('fix.addValidation', { value: 0.2 }), ['data', 'split', 'validation'], 0.2, true) : []),
						...fix(tc('fix.monitorLoss'), [...p, 'monitor'], 'loss', folds !== undefined),
					],
				);
			}
		}
	}

	// ---- monitored names must be logged
	if (t && !invalid(['training', 'metrics'])) {
		const metrics = t.metrics ?? [];
		const logged = ['loss', 'val_loss', ...metrics, ...metrics.map((m) => `val_${m}`)];
		const check = (p: JsonPath, name: unknown) => {
			if (typeof name !== 'string' || logged.includes(name) || invalid(p)) return;
			if (cd.nodeAt(p) === null) return; // the default monitor is always logged
			const s = closest(name, logged);
			add(
				'MW229',
				tc('MW229', {
					name,
					logged: list(logged.map((l) => `\`${l}\``)),
					hint: /accuracy|mae|mse|rmse/.test(name) && s === undefined ? tc('MW229.addMetric') : '',
				}),
				p,
				'value',
				s ? fix(tc('fix.changeTo', { value: s }), p, s, true) : [],
			);
		};
		if (t.earlyStopping) check(['training', 'earlyStopping', 'monitor'], t.earlyStopping.monitor);
		if (t.learningRateSchedule?.type === 'reduceOnPlateau')
			check(['training', 'learningRateSchedule', 'monitor'], t.learningRateSchedule.monitor);
		if (cfg.tuning?.objective) check(['tuning', 'objective', 'metric'], cfg.tuning.objective.metric);
	}

	// ---- batch size, model size vs. data size
	if (data.trainRows !== undefined && data.trainRows > 0 && t && !invalid(['training', 'batchSize']) && t.batchSize > data.trainRows) {
		add(
			'MW222',
			tc('MW222', { batch: t.batchSize, rows: data.trainRows }),
			['training', 'batchSize'],
			'value',
			fix(
				tc('fix.setTo', { key: 'batchSize', value: Math.max(1, 2 ** Math.floor(Math.log2(data.trainRows))) }),
				['training', 'batchSize'],
				Math.max(1, 2 ** Math.floor(Math.log2(data.trainRows))),
			),
		);
	}
	if (
		shapes?.totalParams !== undefined &&
		data.trainRows !== undefined &&
		shapes.totalParams > 50 * Math.max(1, data.trainRows) &&
		shapes.totalParams > 1000
	) {
		add('MW223', tc('MW223', { params: shapes.totalParams.toLocaleString('en-US'), rows: data.trainRows }), ['model'], 'key');
	}

	// ---- memory: refuse what would be killed mid-run rather than start it
	if (t && !invalid(['training', 'batchSize']) && !invalid(['training', 'optimizer'])) {
		const budget = opts.memoryBudget ?? DEFAULT_MEMORY_BUDGET;
		const est = estimateMemory(cfg, shapes, data.info?.rows, data.inputSize);
		if (est.total > budget) {
			const parts = [
				tc('MW233.weights', { size: formatBytes(est.weights) }),
				tc('MW233.activations', { batch: t.batchSize, size: formatBytes(est.activations) }),
				...(est.data ? [tc('MW233.data', { size: formatBytes(est.data) })] : []),
			];
			const biggest = Math.max(est.weights, est.activations, est.data);
			// Point at what to shrink: the layer's size when weights or activations dominate (a written
			// batch size first for activations), else the data.
			const layer = biggest === est.weights ? est.largestLayer : est.widestLayer;
			const layerPath = (i: number): JsonPath =>
				['units', 'filters', 'outputDim'].map((k) => ['model', 'layers', i, k] as JsonPath).find((p) => cd.nodeAt(p)) ?? [
					'model',
					'layers',
					i,
				];
			const where: JsonPath =
				biggest === est.activations && cd.nodeAt(['training', 'batchSize'])
					? ['training', 'batchSize']
					: biggest !== est.data && layer !== undefined
						? layerPath(layer)
						: cd.nodeAt(['data', 'source', 'samples'])
							? ['data', 'source', 'samples']
							: ['model'];
			add(
				'MW233',
				tc('MW233', { total: formatBytes(est.total), parts: list(parts), budget: formatBytes(budget) }),
				where,
				where.length === 1 ? 'key' : 'value',
			);
		} else if (cfg.tuning?.space && shapeInput && !invalid(['tuning', 'space'])) {
			// The largest trial of each searched size (units, filters, batch size…), one dimension at a
			// time: a sweep whose trials would be refused one by one is said here, at its range.
			for (const [key, param] of Object.entries(cfg.tuning.space)) {
				const target = parseConfigPath(key);
				const top = largestValue(param);
				if (!target || top === undefined) continue;
				const now = valueAt(cfg, target);
				if (typeof now !== 'number' || top <= now) continue;
				const trial = structuredClone(cfg);
				setValueAt(trial, target, top);
				const n = shapeInput.layers.length;
				const trialShapes = inferShapes(trial.model.layers.slice(0, n), shapeInput.named ? undefined : shapeInput.input, shapeInput.named);
				const e = estimateMemory(trial, trialShapes, data.info?.rows, data.inputSize);
				if (e.total > budget)
					add('MW233', tc('MW233.trial', { key, value: top, total: formatBytes(e.total), budget: formatBytes(budget) }), [
						'tuning',
						'space',
						key,
						Object.keys(param)[0]!,
					]);
			}
		}
	}

	// ---- learning rate
	if (t?.optimizer && !invalid(['training', 'optimizer'])) {
		const o = t.optimizer;
		const [lo, hi] = USUAL_LEARNING_RATE[o.type];
		const lr = o.learningRate;
		if (typeof lr === 'number' && (lr < lo || lr > hi) && cd.nodeAt(['training', 'optimizer', 'learningRate'])) {
			add('MW224', tc(lr > hi ? 'MW224.high' : 'MW224.low', { lr, optimizer: o.type, lo, hi }), ['training', 'optimizer', 'learningRate']);
		}
	}

	classWeightChecks(cd, cfg, data, invalid, add);
	// ---- image augmentation needs image inputs (the engine refuses it on a flat row)
	const aug = cfg.data?.augmentation;
	if (aug && !invalid(['data', 'augmentation']) && !invalid(['model', 'inputShape']) && cfg.data.source && !invalid(['data', 'source'])) {
		const keys = (['flip', 'rotation', 'shift', 'brightness', 'contrast'] as const).filter((k) =>
			k === 'flip' ? aug.flip !== 'none' : aug[k] > 0,
		);
		const declared = cfg.model?.inputShape;
		const shape = declared ?? data.inputShape ?? (data.inputSize !== undefined ? [data.inputSize] : ['n']);
		const multiInput = (cfg.model as { inputs?: unknown } | undefined)?.inputs !== undefined;
		if (keys.length && shape.length !== 3 && !multiInput)
			add(
				'MW255',
				tc('MW255', { keys: keys.map((k) => `\`${k}\``).join(', '), shape: shape.join(', ') }),
				['data', 'augmentation', keys[0]!],
				'key',
			);
	}

	convChecks(cfg, invalid, add, fix);
	tuningChecks(cfg, invalid, add);
	return { diagnostics: out, ...(shapes ? { shapes } : {}), data };
}

/**
 * `training.classWeight` names classes of the label (compared as the engine compares labels:
 * `1` and `"1.0"` are one class) and only means something for a classifier.
 */
function classWeightChecks(cd: ConfigDocument, cfg: ResolvedConfig, data: DataSummary, invalid: (p: JsonPath) => boolean, add: Add): void {
	const cw = cfg.training?.classWeight;
	const at: JsonPath = ['training', 'classWeight'];
	if (cw === undefined || invalid(at)) return;
	if (data.task === 'regression') {
		add('MW238', tc('MW238.regression'), at, 'key');
		return;
	}
	if (typeof cw !== 'object' || !data.classes) return;
	const known = new Set(data.classes.map((c) => classKey(c)));
	const names = data.classes.map(String);
	for (const key of Object.keys(cw)) {
		if (known.has(classKey(key))) continue;
		const s = closest(key, names);
		const range = cd.rangeAt([...at, key], 'key');
		const fixes: Fix[] = s ? [{ title: tc('fix.replaceKey', { key, value: s }), edits: [{ range, newText: s }], preferred: true }] : [];
		add('MW238', tc('MW238', { key, classes: list(names.slice(0, 10).map((c) => `\`${c}\``)) }), [...at, key], 'key', fixes);
	}
}

type Add = (code: DiagnosticCode, message: string, path: JsonPath, which?: 'key' | 'value', fixes?: Fix[]) => void;
type MkFix = (title: string, path: JsonPath, value: unknown, preferred?: boolean, also?: [JsonPath, unknown][]) => Fix[];

function dataSummary(
	cd: ConfigDocument,
	cfg: ResolvedConfig,
	invalid: (p: JsonPath) => boolean,
	add: Add,
	opts: SemanticOptions,
): DataSummary {
	const d = cfg.data;
	const out: DataSummary = {};
	if (!d?.source || invalid(['data', 'source'])) return out;
	let info = staticDataInfo(d.source);
	if (d.source.type === 'images') {
		// The input shape is the config's, whatever the folder holds: conv shapes work before it exists.
		const [h, w] = typeof d.source.imageSize === 'number' ? [d.source.imageSize, d.source.imageSize] : d.source.imageSize;
		const c = d.source.channels ?? 3;
		out.inputShape = [h, w, c];
		out.inputSize = h * w * c;
	}
	if (!info && (d.source.type === 'csv' || d.source.type === 'json' || d.source.type === 'images')) {
		const probe = opts.probe?.(d.source);
		if (probe && !probe.ok) {
			if (probe.reason === 'outside') add('MW228', probe.message, ['data', 'source', 'path']);
			else add('MW225', probe.message, ['data', 'source', 'path']);
		} else if (probe?.ok) info = probe.info;
		else if (!opts.probe && (nodePath.isAbsolute(d.source.path) || d.source.path.split(/[\\/]/).includes('..'))) {
			add('MW228', tc('MW228.outside', { path: d.source.path }), ['data', 'source', 'path']);
		}
	}
	if (d.sampleWeight !== undefined && d.source.type === 'images' && !invalid(['data', 'sampleWeight']))
		add('MW248', tc('MW248.images'), ['data', 'sampleWeight'], 'key');
	if (!info) return out;
	out.info = info;
	const cols = info.columns;
	const colFix = (p: JsonPath, name: string): Fix[] => {
		const s = closest(name, cols);
		const e = s ? setValueEdit(cd, p, s) : undefined;
		return s && e ? [{ title: tc('fix.changeTo', { value: s }), edits: [e], preferred: true }] : [];
	};
	const label = d.label ?? info.defaultLabel;
	if (d.label !== undefined && !cols.includes(d.label)) {
		if (!invalid(['data', 'label']))
			add(
				'MW227',
				tc('MW227', { col: d.label, cols: list(cols.map((c) => `\`${c}\``)) }),
				['data', 'label'],
				'value',
				colFix(['data', 'label'], d.label),
			);
		return out; // without a label the features and classes are guesses: no checks built on them
	}
	if (label !== undefined) out.label = label;

	// A null-prototype copy: a column named `constructor` has no entry unless the config gives one.
	const prep = Object.assign(bareRecord<NonNullable<typeof d.preprocessing>[string]>(), d.preprocessing);
	if (!invalid(['data', 'preprocessing'])) {
		for (const col of Object.keys(prep)) {
			if (!cols.includes(col))
				add('MW227', tc('MW227', { col, cols: list(cols.map((c) => `\`${c}\``)) }), ['data', 'preprocessing', col], 'key');
		}
	}
	const weight = d.sampleWeight !== undefined && !invalid(['data', 'sampleWeight']) ? d.sampleWeight : undefined;
	if (weight !== undefined && d.source.type !== 'images') sampleWeightChecks(cd, d, info, label, weight, invalid, add, colFix);
	// The weight column is never a default feature (as the engine leaves it out).
	let features = d.features ?? inputFeatures(cfg) ?? info.defaultFeatures ?? cols.filter((c) => c !== label && c !== weight);
	if (d.features && !invalid(['data', 'features'])) {
		d.features.forEach((f, i) => {
			if (!cols.includes(f))
				add(
					'MW227',
					tc('MW227', { col: f, cols: list(cols.map((c) => `\`${c}\``)) }),
					['data', 'features', i],
					'value',
					colFix(['data', 'features', i], f),
				);
		});
	}
	features = features.filter((f) => cols.includes(f) && stepOf(prep[f]) !== 'drop');
	out.features = features;
	tableChecks(cd, d, info, label, features, invalid, add);

	// Input size after preprocessing: one-hot columns expand to one input per category (images: set above).
	let size: number | undefined = d.source.type === 'images' ? undefined : 0;
	// Keyed by column names, which may be `__proto__`: no prototype to set or inherit from.
	const widths = bareRecord<number | undefined>();
	for (const f of features) {
		const step = stepOf(prep[f]) ?? (info.numeric.includes(f) ? 'none' : 'oneHot');
		const w = featureWidth(step, prep[f], info.distinct[f]?.length);
		widths[f] = w;
		size = w === undefined || size === undefined ? undefined : size + w;
	}
	out.widths = widths;
	if (size !== undefined) out.inputSize = size;
	if (!invalid(['data', 'preprocessing'])) {
		tokenizeChecks(cfg, (p) => cd.nodeAt(p) !== null, add);
		dateChecks(cfg, (p) => cd.nodeAt(p) !== null, add);
	}

	if (label !== undefined && info.distinct[label]) {
		// Classes as the engine counts them (core/data/labels.ts): `1` and `"1.0"` are one class.
		const values = classesOf(info.distinct[label]);
		const numericLabel = info.numeric.includes(label);
		const looksCategorical = !numericLabel || (values.every((v) => Number.isInteger(v)) && values.length <= 20);
		if (looksCategorical) out.classes = values;
	}
	const loss = cfg.training?.loss;
	const task =
		d.task !== 'auto' && d.task !== undefined
			? d.task
			: loss && CLASSIFICATION_LOSSES.includes(loss)
				? loss === 'binaryCrossentropy' || loss === 'hinge' || out.classes?.length === 2
					? 'binaryClassification'
					: 'multiclassClassification'
				: out.classes && !info.numeric.includes(label ?? '')
					? out.classes.length === 2
						? 'binaryClassification'
						: 'multiclassClassification'
					: 'regression';
	out.task = task;
	if (info.rows !== undefined && d.split) {
		const folds = d.split.folds;
		const val = folds ? 1 / folds : (d.split.validation ?? 0);
		out.trainRows = Math.max(0, Math.floor(info.rows * (1 - val - (d.split.test ?? 0))));
	}
	return out;
}

/**
 * What a real table lets through silently: the label among the inputs (leakage), a numeric column
 * with some text (one-hot encoded by accident), ID- or date-like text columns (thousands of one-hot
 * inputs), a label with a single class. Row numbers are file lines (header on line 1).
 */
function tableChecks(
	cd: ConfigDocument,
	d: ResolvedConfig['data'],
	info: DataInfo,
	label: string | undefined,
	features: string[],
	invalid: (p: JsonPath) => boolean,
	add: Add,
): void {
	// A null-prototype copy: a column named `constructor` has no entry unless the config gives one.
	const prep = Object.assign(bareRecord<NonNullable<typeof d.preprocessing>[string]>(), d.preprocessing);
	const featuresWithout = (drop: string): Fix[] => {
		const e = setValueEdit(
			cd,
			['data', 'features'],
			features.filter((f) => f !== drop),
		);
		return e ? [{ title: tc('fix.leaveOut', { col: drop }), edits: [e], preferred: true }] : [];
	};
	const dateStepFix = (col: string): Fix[] => {
		const e = setValueEdit(cd, ['data', 'preprocessing', col], 'date');
		return e ? [{ title: tc('fix.dateStep', { col }), edits: [e], preferred: true }] : [];
	};
	if (label !== undefined && d.features && !invalid(['data', 'features'])) {
		const i = d.features.indexOf(label);
		if (i >= 0) add('MW234', tc('MW234', { label }), ['data', 'features', i], 'value', featuresWithout(label));
	}
	const lineOf = (row: number) => row + 2;
	const fileSource = d.source.type === 'csv' || d.source.type === 'json';
	for (const col of [...features, ...(label !== undefined ? [label] : [])]) {
		const m = info.mixed?.[col];
		const step = stepOf(prep[col]);
		if (m && step !== 'oneHot' && step !== 'labelEncode') {
			const shown = m.examples
				.slice(0, 3)
				.map(
					(e) =>
						`${fileSource && d.source.type === 'csv' ? tc('MW235.line', { n: lineOf(e.row) }) : tc('MW235.row', { n: e.row + 1 })}: ${JSON.stringify(e.value.slice(0, 40))}`,
				);
			const path: JsonPath = d.features?.includes(col)
				? ['data', 'features', d.features.indexOf(col)]
				: col === label && d.label
					? ['data', 'label']
					: ['data', 'source'];
			const fixes: Fix[] = [];
			if (d.source.type === 'csv') {
				const extra = [...new Set(m.examples.map((e) => e.value))];
				const current = d.source.missingValues ?? ['', 'NA', 'NaN', 'null', '?'];
				const e = setValueEdit(cd, ['data', 'source', 'missingValues'], [...current, ...extra.filter((x) => !current.includes(x))]);
				if (e)
					// missingValues applies to every column of the file: the title says so.
					fixes.push({
						title: tc('fix.treatMissing', { values: list(extra.map((x) => JSON.stringify(x))) }),
						edits: [e],
						preferred: true,
					});
			}
			const oh = setValueEdit(cd, ['data', 'preprocessing', col], 'oneHot');
			if (oh && col !== label) fixes.push({ title: tc('fix.encodeCategories', { col }), edits: [oh] });
			add(
				'MW235',
				tc('MW235', {
					col,
					bad: m.nonNumeric,
					total: m.values,
					examples: `${shown.join('; ')}${m.nonNumeric > shown.length ? '; …' : ''}`,
				}),
				path,
				'value',
				fixes,
			);
		}
		if (col === label) continue;
		const defaultOneHot = step === undefined && !info.numeric.includes(col) && !m;
		if ((step === 'oneHot' || defaultOneHot) && !invalid(['data', 'features'])) {
			const n = info.cardinality?.[col];
			const date = info.dateLike?.includes(col);
			if (date || n !== undefined) {
				const path: JsonPath = d.features?.includes(col)
					? ['data', 'features', d.features.indexOf(col)]
					: d.features
						? ['data', 'features']
						: ['data'];
				add(
					'MW236',
					date
						? tc('MW236.date', { col, count: n !== undefined ? ` (${n}${n >= MAX_CARDINALITY ? '+' : ''})` : '' })
						: tc('MW236.text', {
								col,
								n: `${n}${n! >= MAX_CARDINALITY ? '+' : ''}`,
								rows: info.rows !== undefined ? tc('MW236.rows', { rows: info.rows }) : '',
							}),
					path,
					path.length === 3 ? 'value' : 'key',
					[
						// A date column is worth keeping: the date step turns it into numbers (preferred over leaving it out).
						...(date ? dateStepFix(col) : []),
						...(d.features
							? featuresWithout(col)
							: (() => {
									const e = setValueEdit(
										cd,
										['data', 'features'],
										features.filter((f) => f !== col),
									);
									return e ? [{ title: tc('fix.listWithout', { col }), edits: [e], preferred: true }] : [];
								})()
						).map((f) => (date ? { ...f, preferred: false } : f)),
					],
				);
			}
		}
	}
	const labelClasses = label !== undefined && info.distinct[label] ? classesOf(info.distinct[label]) : undefined;
	if (label !== undefined && labelClasses?.length === 1 && info.rows !== undefined && !info.mixed?.[label]) {
		const task = d.task;
		if (task === 'binaryClassification' || task === 'multiclassClassification' || !info.numeric.includes(label))
			add('MW237', tc('MW237', { label, value: JSON.stringify(labelClasses[0]) }), d.label ? ['data', 'label'] : ['data', 'source']);
	}
}

const stepOf = stepOfEntry;

/**
 * MW247: stratified k-fold (`data.split.folds`, or `tuning.folds` for a sweep) with a class that has
 * fewer rows outside the test split than there are folds: some folds validate without it, so its
 * per-fold scores are missing or noisy. Counted only when the probe read the whole file.
 */
function foldChecks(cfg: ResolvedConfig, data: DataSummary, invalid: (p: JsonPath) => boolean, add: Add): void {
	const split = cfg.data?.split;
	const at: JsonPath | undefined =
		split?.folds !== undefined && !invalid(['data', 'split', 'folds'])
			? ['data', 'split', 'folds']
			: cfg.tuning?.folds !== undefined && !invalid(['tuning', 'folds'])
				? ['tuning', 'folds']
				: undefined;
	const k = split?.folds ?? cfg.tuning?.folds;
	const raw = data.label !== undefined ? data.info?.counts?.[data.label] : undefined;
	if (!at || k === undefined || split?.stratify === false || !raw || !data.classes || data.task === 'regression') return;
	// Rows per class as the engine counts classes (`1` and `1.0` one class), less what the stratified test split takes.
	const perClass = new Map<string | number, { name: string; n: number }>();
	for (const [v, n] of Object.entries(raw)) {
		const key = classKey(v);
		if (key === null) continue;
		const c = perClass.get(key) ?? { name: v, n: 0 };
		c.n += n;
		perClass.set(key, c);
	}
	const test = split?.test ?? 0;
	const few = [...perClass.values()]
		.map((c) => ({ name: c.name, n: c.n - Math.round(c.n * test) }))
		.filter((c) => c.n < k)
		.sort((a, b) => a.n - b.n || (a.name < b.name ? -1 : 1));
	if (!few.length) return;
	const most = Math.max(2, few[0]!.n);
	const outside = test > 0 ? tc('MW247.outsideTest') : '';
	if (few.length === 1) add('MW247', tc('MW247.one', { cls: few[0]!.name, n: few[0]!.n, k, most, outside }), at);
	else
		add(
			'MW247',
			tc('MW247.many', {
				classes: list(few.slice(0, 5).map((c) => tc('MW247.class', { cls: c.name, n: c.n }))) + (few.length > 5 ? ', …' : ''),
				k,
				most,
				outside,
			}),
			at,
		);
}

/** MW227/MW248: `data.sampleWeight` names a numeric column that is neither the label nor a feature. */
function sampleWeightChecks(
	cd: ConfigDocument,
	d: ResolvedConfig['data'],
	info: DataInfo,
	label: string | undefined,
	col: string,
	invalid: (p: JsonPath) => boolean,
	add: Add,
	colFix: (p: JsonPath, name: string) => Fix[],
): void {
	const at: JsonPath = ['data', 'sampleWeight'];
	const cols = info.columns;
	if (!cols.includes(col)) {
		add('MW227', tc('MW227', { col, cols: list(cols.map((c) => `\`${c}\``)) }), at, 'value', colFix(at, col));
		return;
	}
	if (col === label) {
		add('MW248', tc('MW248.label', { col }), at);
		return;
	}
	const i = d.features && !invalid(['data', 'features']) ? d.features.indexOf(col) : -1;
	if (i >= 0) {
		const e = setValueEdit(
			cd,
			['data', 'features'],
			d.features.filter((f) => f !== col),
		);
		add(
			'MW248',
			tc('MW248.feature', { col }),
			['data', 'features', i],
			'value',
			e ? [{ title: tc('fix.leaveOut', { col }), edits: [e], preferred: true }] : [],
		);
	}
	if (!info.numeric.includes(col)) {
		const m = info.mixed?.[col];
		add('MW248', m ? tc('MW248.mixed', { col, bad: m.nonNumeric, total: m.values }) : tc('MW248.text', { col }), at);
	}
}

function outputChecks(cfg: ResolvedConfig, data: DataSummary, add: Add, fix: MkFix): void {
	const layers = cfg.model.layers as LayerConfig[];
	let unitsIdx = -1;
	for (let i = layers.length - 1; i >= 0; i--)
		if (layers[i]!.type === 'dense') {
			unitsIdx = i;
			break;
		}
	if (unitsIdx < 0) return;
	const dense = layers[unitsIdx] as Extract<LayerConfig, { type: 'dense' }>;
	// A trailing `activation` layer overrides the dense layer's own activation.
	let actIdx = unitsIdx;
	let activation: Activation = dense.activation ?? 'linear';
	for (let i = unitsIdx + 1; i < layers.length; i++) {
		const l = layers[i]!;
		if (l.type === 'activation') {
			activation = l.activation;
			actIdx = i;
		} else if (l.type !== 'dropout') return; // something reshapes the output after the last dense layer: no reliable verdict
	}
	const actPath: JsonPath = ['model', 'layers', actIdx, 'activation'];
	const unitsPath: JsonPath = ['model', 'layers', unitsIdx, 'units'];
	const lossPath: JsonPath = ['training', 'loss'];
	const units = dense.units;
	const loss = cfg.training.loss;
	const k = data.classes?.length;

	if (activation === 'softmax' && units === 1) {
		add('MW202', tc('MW202'), actPath, 'value', [
			...fix(tc('fix.changeActivation', { value: 'sigmoid' }), actPath, 'sigmoid', loss === 'binaryCrossentropy'),
			...(k && k > 1
				? loss === 'binaryCrossentropy'
					? fix(tc('fix.unitsAndLoss', { k, loss: 'categoricalCrossentropy' }), unitsPath, k, false, [
							[lossPath, 'categoricalCrossentropy'],
						])
					: fix(tc('fix.unitsPerClass', { k }), unitsPath, k, true)
				: []),
		]);
		return;
	}
	if ((loss === 'categoricalCrossentropy' || loss === 'sparseCategoricalCrossentropy') && units === 1) {
		add('MW201', tc('MW201', { loss }), lossPath, 'value', [
			...(k === undefined || k <= 2
				? fix(
						tc('fix.changeLoss', { value: 'binaryCrossentropy' }),
						lossPath,
						'binaryCrossentropy',
						true,
						activation === 'sigmoid' ? [] : [[actPath, 'sigmoid']],
					)
				: []),
			...(k && k > 1
				? fix(tc('fix.unitsPerClass', { k }), unitsPath, k, k > 2, activation === 'softmax' ? [] : [[actPath, 'softmax']])
				: []),
		]);
		return;
	}
	if (loss === 'categoricalCrossentropy' || loss === 'sparseCategoricalCrossentropy') {
		if (activation !== 'softmax') {
			add(
				'MW203',
				tc('MW203.distribution', { loss, activation, note: activation === 'sigmoid' ? tc('MW203.sigmoidNote') : '' }),
				actPath,
				actIdx === unitsIdx && !dense.activation ? 'key' : 'value',
				fix(tc('fix.changeActivation', { value: 'softmax' }), actPath, 'softmax', true),
			);
		}
		if (k !== undefined && units !== k)
			add(
				'MW204',
				tc('MW204.classes', { k, units, loss }),
				unitsPath,
				'value',
				fix(tc('fix.setTo', { key: 'units', value: k }), unitsPath, k, true),
			);
	}
	if (loss === 'binaryCrossentropy') {
		if (k !== undefined && k > 2) {
			add(
				'MW205',
				tc('MW205.binary', { k, classes: `${data.classes!.slice(0, 5).join(', ')}${k > 5 ? ', …' : ''}` }),
				lossPath,
				'value',
				fix(tc('fix.changeLoss', { value: 'categoricalCrossentropy' }), lossPath, 'categoricalCrossentropy', true, [
					...(units !== k ? [[unitsPath, k] as [JsonPath, unknown]] : []),
					...(activation !== 'softmax' ? [[actPath, 'softmax'] as [JsonPath, unknown]] : []),
				]),
			);
		} else if (units !== 1) {
			add('MW204', tc('MW204.binary', { units }), unitsPath, 'value', fix(tc('fix.setTo', { key: 'units', value: 1 }), unitsPath, 1, true));
		} else if (activation !== 'sigmoid') {
			add(
				'MW203',
				tc('MW203.binary', { activation }),
				actPath,
				actIdx === unitsIdx && !dense.activation ? 'key' : 'value',
				fix(tc('fix.changeActivation', { value: 'sigmoid' }), actPath, 'sigmoid', true),
			);
		}
	}
	if (REGRESSION_LOSSES.includes(loss)) {
		if (activation === 'softmax' || activation === 'sigmoid') {
			const isClassData = data.task !== undefined && data.task !== 'regression';
			if (!isClassData)
				add(
					'MW203',
					tc('MW203.regression', { loss, activation, range: activation === 'softmax' ? tc('MW203.aDistribution') : '(0, 1)' }),
					actPath,
					'value',
					fix(tc('fix.changeActivation', { value: 'linear' }), actPath, 'linear', true),
				);
		}
		if (data.task && data.task !== 'regression' && data.info && data.label && !data.info.numeric.includes(data.label)) {
			add(
				'MW205',
				tc('MW205.regression', { loss, label: data.label, suggested: (k ?? 0) > 2 ? 'categoricalCrossentropy' : 'binaryCrossentropy' }),
				lossPath,
				'value',
				fix(
					tc('fix.changeLoss', { value: (k ?? 0) > 2 ? 'categoricalCrossentropy' : 'binaryCrossentropy' }),
					lossPath,
					(k ?? 0) > 2 ? 'categoricalCrossentropy' : 'binaryCrossentropy',
					true,
					(k ?? 0) > 2
						? [
								...(units !== k ? [[unitsPath, k] as [JsonPath, unknown]] : []),
								...(activation !== 'softmax' ? [[actPath, 'softmax'] as [JsonPath, unknown]] : []),
							]
						: [
								...(units !== 1 ? [[unitsPath, 1] as [JsonPath, unknown]] : []),
								...(activation !== 'sigmoid' ? [[actPath, 'sigmoid'] as [JsonPath, unknown]] : []),
							],
				),
			);
		}
	}
	if (
		CLASSIFICATION_LOSSES.includes(loss) &&
		data.info &&
		data.label &&
		data.info.numeric.includes(data.label) &&
		data.classes === undefined
	) {
		add(
			'MW205',
			tc('MW205.classification', { loss, label: data.label }),
			lossPath,
			'value',
			fix(
				tc('fix.changeLoss', { value: 'meanSquaredError' }),
				lossPath,
				'meanSquaredError',
				true,
				activation === 'softmax' || activation === 'sigmoid' ? [[actPath, 'linear']] : [],
			),
		);
	}
}

/**
 * MW245: what TensorFlow.js cannot train, found by training it (conv1d/conv2d, wasm and cpu alike):
 * any `dilationRate` above 1 fails in the gradient ("dilation rates greater than 1 are not yet
 * supported in gradients"), and one with `strides` above 1 too fails already in the forward pass.
 * A tuning space that would try such a rate is refused too: its trials would each fail.
 */
function convChecks(cfg: ResolvedConfig, invalid: (p: JsonPath) => boolean, add: Add, fix: MkFix): void {
	const layers = Array.isArray(cfg.model?.layers) ? (cfg.model.layers as LayerConfig[]) : [];
	const above1 = (v: number | number[] | undefined) => (Array.isArray(v) ? v.some((x) => x > 1) : (v ?? 1) > 1);
	layers.forEach((l, i) => {
		if ((l.type !== 'conv1d' && l.type !== 'conv2d') || invalid(['model', 'layers', i]) || !above1(l.dilationRate)) return;
		const rate = Array.isArray(l.dilationRate) ? `[${l.dilationRate.join(', ')}]` : String(l.dilationRate);
		const strided = above1(l.strides);
		const strides = Array.isArray(l.strides) ? `[${l.strides.join(', ')}]` : String(l.strides);
		const at: JsonPath = ['model', 'layers', i, 'dilationRate'];
		add(
			'MW245',
			strided ? tc('MW245.strides', { rate, strides }) : tc('MW245', { rate }),
			at,
			'value',
			fix(tc('fix.setTo', { key: 'dilationRate', value: 1 }), at, 1),
		);
	});
	if (!cfg.tuning || invalid(['tuning', 'space'])) return;
	for (const [key, param] of Object.entries(cfg.tuning.space ?? {})) {
		const target = parseConfigPath(key);
		if (!target || target.length !== 4 || target[0] !== 'model' || target[1] !== 'layers' || target[3] !== 'dilationRate') continue;
		const layer = layers[target[2] as number];
		if (layer?.type !== 'conv1d' && layer?.type !== 'conv2d') continue;
		const p: JsonPath = ['tuning', 'space', key];
		const show = (v: unknown) => (Array.isArray(v) ? `[${v.join(', ')}]` : String(v));
		if ('choice' in param)
			param.choice.forEach((v, k) => {
				if (typeof v === 'number' || (Array.isArray(v) && v.every((x) => typeof x === 'number')))
					if (above1(v as number | number[])) add('MW245', tc('MW245', { rate: show(v) }), [...p, 'choice', k]);
			});
		else {
			const bounds = 'int' in param ? param.int : 'uniform' in param ? param.uniform : param.logUniform;
			if (bounds[1] > 1) add('MW245', tc('MW245', { rate: show(bounds[1]) }), [...p, Object.keys(param)[0]!]);
		}
	}
}

function tuningChecks(cfg: ResolvedConfig, invalid: (p: JsonPath) => boolean, add: Add): void {
	const tuning = cfg.tuning;
	if (!tuning || invalid(['tuning', 'space'])) return;
	// The bounds the schema puts on a searched value: a trial outside them would be refused, one by one.
	type Bounded = { minimum?: unknown; maximum?: unknown; exclusiveMinimum?: unknown; exclusiveMaximum?: unknown };
	const boundsOf = (target: JsonPath): Bounded => (schemaAtPath(ConfigSchema, cfg, target) ?? {}) as Bounded;
	const num = (x: unknown) => (typeof x === 'number' ? x : undefined);
	const outsideSchema = (target: JsonPath, v: number): boolean => {
		const b = boundsOf(target);
		const [min, max, xmin, xmax] = [num(b.minimum), num(b.maximum), num(b.exclusiveMinimum), num(b.exclusiveMaximum)];
		return (
			(min !== undefined && v < min) ||
			(max !== undefined && v > max) ||
			(xmin !== undefined && v <= xmin) ||
			(xmax !== undefined && v >= xmax)
		);
	};
	const schemaRange = (target: JsonPath): string | undefined => {
		const b = boundsOf(target);
		const parts = [
			num(b.exclusiveMinimum) !== undefined ? `> ${num(b.exclusiveMinimum)}` : num(b.minimum) !== undefined ? `≥ ${num(b.minimum)}` : '',
			num(b.exclusiveMaximum) !== undefined ? `< ${num(b.exclusiveMaximum)}` : num(b.maximum) !== undefined ? `≤ ${num(b.maximum)}` : '',
		].filter(Boolean);
		return parts.length ? parts.join(', ') : undefined;
	};
	for (const [key, param] of Object.entries(tuning.space ?? {})) {
		const p: JsonPath = ['tuning', 'space', key];
		const target = parseConfigPath(key);
		if (!target || !configPathExists(cfg, target)) {
			add('MW230', tc('MW230', { key }), p, 'key');
			continue;
		}
		const bounds = 'uniform' in param ? param.uniform : 'logUniform' in param ? param.logUniform : 'int' in param ? param.int : undefined;
		if (bounds) {
			const [lo, hi] = bounds;
			if (!(lo <= hi)) add('MW231', tc('MW231.empty', { lo, hi }), [...p, Object.keys(param)[0]!]);
			else if ('logUniform' in param && lo <= 0) add('MW231', tc('MW231.log', { lo }), [...p, 'logUniform']);
			else if (outsideSchema(target, lo) || outsideSchema(target, hi))
				add('MW231', tc('MW231.schema', { lo, hi, key, range: schemaRange(target)! }), [...p, Object.keys(param)[0]!]);
		} else if ('choice' in param)
			param.choice.forEach((v, k) => {
				if (typeof v === 'number' && outsideSchema(target, v))
					add('MW231', tc('MW231.schemaChoice', { value: v, key, range: schemaRange(target)! }), [...p, 'choice', k]);
			});
		if (tuning.strategy === 'grid' && ('uniform' in param || 'logUniform' in param)) {
			add('MW232', tc('MW232', { key }), p, 'key');
		}
	}
}

/** `training.optimizer.learningRate` / `model.layers[0].units` → JSON path. */
export function parseConfigPath(text: string): JsonPath | undefined {
	const out: JsonPath = [];
	const re = /([A-Za-z_$][\w$]*)|\[(\d+)\]|(\.)/gy;
	let m: RegExpExecArray | null;
	let expectKey = true;
	while (re.lastIndex < text.length && (m = re.exec(text))) {
		if (m[1] !== undefined) {
			if (!expectKey) return undefined;
			out.push(m[1]);
			expectKey = false;
		} else if (m[2] !== undefined) {
			if (expectKey) return undefined;
			out.push(Number(m[2]));
		} else {
			if (expectKey) return undefined;
			expectKey = true;
		}
	}
	return re.lastIndex === text.length && !expectKey && out.length > 0 ? out : undefined;
}

/** A path exists when the schema has a field there and every list index exists in the config. */
export function configPathExists(cfg: ResolvedConfig, path: JsonPath): boolean {
	let v: unknown = cfg;
	for (let i = 0; i < path.length; i++) {
		const seg = path[i]!;
		if (typeof seg === 'number') {
			if (!Array.isArray(v) || seg >= v.length) return false;
			v = v[seg];
		} else {
			v = v && typeof v === 'object' ? (v as Record<string, unknown>)[seg] : undefined;
		}
	}
	const s = schemaAtPath(ConfigSchema, cfg, path);
	return s !== undefined && (s.type !== 'object' || v !== undefined);
}

/** The largest number a search dimension can give (its high bound, or its largest numeric choice). */
function largestValue(param: Record<string, unknown>): number | undefined {
	const b = (['int', 'uniform', 'logUniform'] as const).map((k) => param[k]).find(Array.isArray) as unknown[] | undefined;
	const values = b ?? (Array.isArray(param.choice) ? param.choice : []);
	let top: number | undefined;
	for (const v of values) if (typeof v === 'number' && Number.isFinite(v) && (top === undefined || v > top)) top = v;
	return top;
}

/** The value at a config path (see parseConfigPath), or undefined; own keys only (`__proto__.x` reaches nothing). */
function valueAt(root: unknown, path: JsonPath): unknown {
	let v = root;
	for (const seg of path)
		v = v && typeof v === 'object' && Object.hasOwn(v, seg) ? (v as Record<string | number, unknown>)[seg] : undefined;
	return v;
}

/** Sets the value at an existing config path (its parent must exist). */
function setValueAt(root: unknown, path: JsonPath, value: unknown): void {
	const parent = valueAt(root, path.slice(0, -1));
	if (parent && typeof parent === 'object') (parent as Record<string | number, unknown>)[path.at(-1)!] = value;
}
