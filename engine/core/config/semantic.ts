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
import { MAX_CARDINALITY, staticDataInfo, type DataInfo, type ProbeResult } from '../data/info';
import { DEFAULT_MEMORY_BUDGET, estimateMemory, formatBytes } from '../memory';

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

	// ---- shapes: only over the prefix of layers that passed the schema
	if (!invalid(['model', 'inputShape']) && Array.isArray(cfg.model?.layers)) {
		const layers: LayerConfig[] = [];
		for (let i = 0; i < cfg.model.layers.length && !invalid(['model', 'layers', i]); i++) layers.push(cfg.model.layers[i] as LayerConfig);
		const declared = cfg.model.inputShape;
		const input = declared ?? (data.inputSize !== undefined ? [data.inputSize] : undefined);
		shapes = inferShapes(layers, input);
		for (const l of shapes.layers) {
			if (!l.issue) continue;
			const path: JsonPath = ['model', 'layers', l.index, ...(l.issue.at ?? (l.issue.field ? [l.issue.field] : ['type']))];
			const fixes = l.issue.replacement ? fix(`Take \`${l.issue.replacement}\``, path, l.issue.replacement, true) : [];
			add(l.issue.code, l.issue.message, path, 'value', fixes);
		}
		if (declared && data.inputSize !== undefined && declared.length === 1 && declared[0] !== data.inputSize) {
			add(
				'MW214',
				`\`model.inputShape\` is [${declared.join(', ')}] but the data gives ${data.inputSize} input${data.inputSize === 1 ? '' : 's'} after preprocessing${data.features ? ` (${data.features.join(', ')})` : ''}.`,
				['model', 'inputShape'],
				'value',
				fix(`Set inputShape to [${data.inputSize}]`, ['model', 'inputShape'], [data.inputSize], true),
			);
		}
	}

	// ---- output layer vs. loss vs. labels
	const t = cfg.training;
	if (t && !invalid(['training', 'loss']) && Array.isArray(cfg.model?.layers) && !invalid(['model', 'layers'])) {
		outputChecks(cfg, data, add, fix);
	}

	// ---- validation data
	const split = cfg.data?.split;
	if (split && !invalid(['data', 'split'])) {
		const val = split.validation ?? 0;
		const test = split.test ?? 0;
		if (val + test >= 1)
			add(
				'MW226',
				`Validation (${val}) and test (${test}) fractions add up to ${+(val + test).toFixed(4)}, leaving no rows for training.`,
				['data', 'split'],
				'key',
			);
		const folds = split.folds ?? cfg.tuning?.folds;
		const writtenVal = (cd.value as { data?: { split?: { validation?: unknown } } } | null)?.data?.split?.validation;
		if (folds !== undefined && typeof writtenVal === 'number' && writtenVal > 0) {
			add(
				'MW221',
				`k-fold cross-validation (${folds} folds) takes validation rows from the folds; the fixed \`validation: ${writtenVal}\` would hold out data twice. Set it to 0.`,
				['data', 'split', 'validation'],
				'value',
				fix('Set validation to 0', ['data', 'split', 'validation'], 0, true),
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
					`${p[1] === 'earlyStopping' ? 'Early stopping' : 'Reduce-on-plateau'} watches \`${monitor}\`, but \`data.split.validation\` is 0 so there is no validation data${folds !== undefined ? ` in plain \`train\` (the ${folds} folds are used by \`modelwright cv\` and \`tune\` only)` : ''}: it would watch \`${monitor.slice(4)}\` on the training data instead. Add a validation split or monitor \`${monitor.slice(4)}\`.`,
					p,
					'key',
					[
						// With folds, a validation split would hold data out twice (MW221): monitor the training value instead.
						...(folds === undefined ? fix('Add a validation split of 0.2', ['data', 'split', 'validation'], 0.2, true) : []),
						...fix('Monitor the training loss', [...p, 'monitor'], 'loss', folds !== undefined),
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
				`\`${name}\` is never logged. Logged values: ${logged.map((l) => `\`${l}\``).join(', ')}.${/accuracy|mae|mse|rmse/.test(name) && s === undefined ? ' Add the metric to `training.metrics`.' : ''}`,
				p,
				'value',
				s ? fix(`Change to ${s}`, p, s, true) : [],
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
			`\`batchSize\` ${t.batchSize} is larger than the ${data.trainRows} training rows: every epoch is one full batch.`,
			['training', 'batchSize'],
			'value',
			fix(
				`Set batchSize to ${Math.max(1, 2 ** Math.floor(Math.log2(data.trainRows)))}`,
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
		add(
			'MW223',
			`The model has ${shapes.totalParams.toLocaleString('en-US')} parameters for ${data.trainRows} training rows: it can memorise them. Consider fewer units, dropout or L2 regularisation.`,
			['model'],
			'key',
		);
	}

	// ---- memory: refuse what would be killed mid-run rather than start it
	if (t && !invalid(['training', 'batchSize']) && !invalid(['training', 'optimizer'])) {
		const budget = opts.memoryBudget ?? DEFAULT_MEMORY_BUDGET;
		const est = estimateMemory(cfg, shapes, data.info?.rows, data.inputSize);
		if (est.total > budget) {
			const parts = [
				`weights with gradients and optimizer state ${formatBytes(est.weights)}`,
				`activations for a batch of ${t.batchSize} ${formatBytes(est.activations)}`,
				...(est.data ? [`data ${formatBytes(est.data)}`] : []),
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
				`Training this config needs about ${formatBytes(est.total)} (${parts.join(', ')}), more than the memory budget of ${formatBytes(budget)}. Make it smaller here, or raise the budget (CLI \`--max-memory <MB>\`, environment MODELWRIGHT_MAX_MEMORY_MB).`,
				where,
				where.length === 1 ? 'key' : 'value',
			);
		}
	}

	// ---- learning rate
	if (t?.optimizer && !invalid(['training', 'optimizer'])) {
		const o = t.optimizer;
		const [lo, hi] = USUAL_LEARNING_RATE[o.type];
		const lr = o.learningRate;
		if (typeof lr === 'number' && (lr < lo || lr > hi) && cd.nodeAt(['training', 'optimizer', 'learningRate'])) {
			add(
				'MW224',
				`A learning rate of ${lr} is ${lr > hi ? 'high' : 'low'} for ${o.type} (usual range ${lo}–${hi}). ${lr > hi ? 'Training may diverge (NaN loss).' : 'Training may barely move.'}`,
				['training', 'optimizer', 'learningRate'],
			);
		}
	}

	tuningChecks(cfg, invalid, add);
	return { diagnostics: out, ...(shapes ? { shapes } : {}), data };
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
	if (!info && (d.source.type === 'csv' || d.source.type === 'json')) {
		const probe = opts.probe?.(d.source);
		if (probe && !probe.ok) {
			if (probe.reason === 'outside') add('MW228', probe.message, ['data', 'source', 'path']);
			else add('MW225', probe.message, ['data', 'source', 'path']);
		} else if (probe?.ok) info = probe.info;
		else if (!opts.probe && (nodePath.isAbsolute(d.source.path) || d.source.path.split(/[\\/]/).includes('..'))) {
			add(
				'MW228',
				`\`${d.source.path}\` points outside the config's folder; it is refused unless paths outside the workspace are allowed.`,
				['data', 'source', 'path'],
			);
		}
	}
	if (!info) return out;
	out.info = info;
	const cols = info.columns;
	const colFix = (p: JsonPath, name: string): Fix[] => {
		const s = closest(name, cols);
		const e = s ? setValueEdit(cd, p, s) : undefined;
		return s && e ? [{ title: `Change to ${s}`, edits: [e], preferred: true }] : [];
	};
	const label = d.label ?? info.defaultLabel;
	if (d.label !== undefined && !cols.includes(d.label)) {
		if (!invalid(['data', 'label']))
			add(
				'MW227',
				`Column \`${d.label}\` is not in the data. Columns: ${cols.map((c) => `\`${c}\``).join(', ')}.`,
				['data', 'label'],
				'value',
				colFix(['data', 'label'], d.label),
			);
		return out; // without a label the features and classes are guesses: no checks built on them
	}
	if (label !== undefined) out.label = label;

	const prep = d.preprocessing ?? {};
	if (!invalid(['data', 'preprocessing'])) {
		for (const col of Object.keys(prep)) {
			if (!cols.includes(col))
				add(
					'MW227',
					`Column \`${col}\` is not in the data. Columns: ${cols.map((c) => `\`${c}\``).join(', ')}.`,
					['data', 'preprocessing', col],
					'key',
				);
		}
	}
	let features = d.features ?? info.defaultFeatures ?? cols.filter((c) => c !== label);
	if (d.features && !invalid(['data', 'features'])) {
		d.features.forEach((f, i) => {
			if (!cols.includes(f))
				add(
					'MW227',
					`Column \`${f}\` is not in the data. Columns: ${cols.map((c) => `\`${c}\``).join(', ')}.`,
					['data', 'features', i],
					'value',
					colFix(['data', 'features', i], f),
				);
		});
	}
	features = features.filter((f) => cols.includes(f) && stepOf(prep[f]) !== 'drop');
	out.features = features;
	tableChecks(cd, d, info, label, features, invalid, add);

	// Input size after preprocessing: one-hot columns expand to one input per category.
	let size: number | undefined = 0;
	for (const f of features) {
		const step = stepOf(prep[f]) ?? (info.numeric.includes(f) ? 'none' : 'oneHot');
		if (step === 'oneHot') {
			const k = info.distinct[f]?.length;
			size = k === undefined || size === undefined ? undefined : size + k;
		} else if (size !== undefined) size += 1;
	}
	if (size !== undefined) out.inputSize = size;

	if (label !== undefined && info.distinct[label]) {
		const values = info.distinct[label];
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
	const prep = d.preprocessing ?? {};
	const featuresWithout = (drop: string): Fix[] => {
		const e = setValueEdit(
			cd,
			['data', 'features'],
			features.filter((f) => f !== drop),
		);
		return e ? [{ title: `Leave \`${drop}\` out of features`, edits: [e], preferred: true }] : [];
	};
	if (label !== undefined && d.features && !invalid(['data', 'features'])) {
		const i = d.features.indexOf(label);
		if (i >= 0)
			add(
				'MW234',
				`The label \`${label}\` is also a feature: the model would see the answer (target leakage) and its scores would mean nothing.`,
				['data', 'features', i],
				'value',
				featuresWithout(label),
			);
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
						`${fileSource && d.source.type === 'csv' ? `line ${lineOf(e.row)}` : `row ${e.row + 1}`}: ${JSON.stringify(e.value.slice(0, 40))}`,
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
						title: `Treat ${extra.map((x) => JSON.stringify(x)).join(', ')} as missing (in every column)`,
						edits: [e],
						preferred: true,
					});
			}
			const oh = setValueEdit(cd, ['data', 'preprocessing', col], 'oneHot');
			if (oh && col !== label) fixes.push({ title: `Encode \`${col}\` as categories on purpose`, edits: [oh] });
			add(
				'MW235',
				`Column \`${col}\` holds numbers, but ${m.nonNumeric} of its ${m.values} values are not (${shown.join('; ')}${m.nonNumeric > shown.length ? '; …' : ''}), so it would be one-hot encoded as categories. Treat those values as missing, fix them in the file, or encode the column as categories on purpose.`,
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
						? `Column \`${col}\` looks like dates: one-hot encoding makes one input per distinct date${n !== undefined ? ` (${n}${n >= MAX_CARDINALITY ? '+' : ''})` : ''}, which cannot generalise to new dates. Leave it out, or derive numbers from it (year, month, day of year) in the file.`
						: `Column \`${col}\` has ${n}${n! >= MAX_CARDINALITY ? '+' : ''} distinct text values${info.rows !== undefined ? ` in ${info.rows} rows` : ''} (an ID or free text?): one-hot encoding makes one input per value. Leave it out of \`features\`, or check that it is a category.`,
					path,
					path.length === 3 ? 'value' : 'key',
					d.features
						? featuresWithout(col)
						: (() => {
								const e = setValueEdit(
									cd,
									['data', 'features'],
									features.filter((f) => f !== col),
								);
								return e ? [{ title: `List the features without \`${col}\``, edits: [e], preferred: true }] : [];
							})(),
				);
			}
		}
	}
	if (label !== undefined && info.distinct[label]?.length === 1 && info.rows !== undefined && !info.mixed?.[label]) {
		const task = d.task;
		if (task === 'binaryClassification' || task === 'multiclassClassification' || !info.numeric.includes(label))
			add(
				'MW237',
				`The label \`${label}\` has a single class (${JSON.stringify(info.distinct[label][0])}) in the data: a classifier would score 1.0 by always answering it. Check the label column or the file.`,
				d.label ? ['data', 'label'] : ['data', 'source'],
			);
	}
}

function stepOf(p: unknown): string | undefined {
	if (typeof p === 'string') return p;
	if (p && typeof p === 'object' && typeof (p as { step?: unknown }).step === 'string') return (p as { step: string }).step;
	return undefined;
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
		add(
			'MW202',
			'Softmax over a single unit always outputs 1, so nothing can be learned. Use `sigmoid` for a binary output, or one unit per class.',
			actPath,
			'value',
			[
				...fix('Change activation to sigmoid', actPath, 'sigmoid', loss === 'binaryCrossentropy'),
				...(k && k > 1
					? loss === 'binaryCrossentropy'
						? fix(`Set units to ${k} and loss to categoricalCrossentropy`, unitsPath, k, false, [[lossPath, 'categoricalCrossentropy']])
						: fix(`Set units to ${k} (one per class)`, unitsPath, k, true)
					: []),
			],
		);
		return;
	}
	if ((loss === 'categoricalCrossentropy' || loss === 'sparseCategoricalCrossentropy') && units === 1) {
		add(
			'MW201',
			`\`${loss}\` needs one output unit per class with softmax, but the last layer has 1 unit. For two classes use \`binaryCrossentropy\` with a sigmoid unit.`,
			lossPath,
			'value',
			[
				...(k === undefined || k <= 2
					? fix(
							'Change loss to binaryCrossentropy',
							lossPath,
							'binaryCrossentropy',
							true,
							activation === 'sigmoid' ? [] : [[actPath, 'sigmoid']],
						)
					: []),
				...(k && k > 1
					? fix(`Set units to ${k} (one per class)`, unitsPath, k, k > 2, activation === 'softmax' ? [] : [[actPath, 'softmax']])
					: []),
			],
		);
		return;
	}
	if (loss === 'categoricalCrossentropy' || loss === 'sparseCategoricalCrossentropy') {
		if (activation !== 'softmax') {
			add(
				'MW203',
				`\`${loss}\` expects a probability distribution, but the output activation is \`${activation}\`${activation === 'sigmoid' ? ' (independent probabilities that need not sum to 1)' : ''}. Use \`softmax\`.`,
				actPath,
				actIdx === unitsIdx && !dense.activation ? 'key' : 'value',
				fix('Change activation to softmax', actPath, 'softmax', true),
			);
		}
		if (k !== undefined && units !== k)
			add(
				'MW204',
				`The data has ${k} classes but the output layer has ${units} units; \`${loss}\` needs one unit per class.`,
				unitsPath,
				'value',
				fix(`Set units to ${k}`, unitsPath, k, true),
			);
	}
	if (loss === 'binaryCrossentropy') {
		if (k !== undefined && k > 2) {
			add(
				'MW205',
				`\`binaryCrossentropy\` is for two classes, but the label has ${k} (${data.classes!.slice(0, 5).join(', ')}${k > 5 ? ', …' : ''}). Use \`categoricalCrossentropy\` with ${k} softmax units.`,
				lossPath,
				'value',
				fix('Change loss to categoricalCrossentropy', lossPath, 'categoricalCrossentropy', true, [
					...(units !== k ? [[unitsPath, k] as [JsonPath, unknown]] : []),
					...(activation !== 'softmax' ? [[actPath, 'softmax'] as [JsonPath, unknown]] : []),
				]),
			);
		} else if (units !== 1) {
			add(
				'MW204',
				`\`binaryCrossentropy\` expects one sigmoid output, but the last layer has ${units} units.`,
				unitsPath,
				'value',
				fix('Set units to 1', unitsPath, 1, true),
			);
		} else if (activation !== 'sigmoid') {
			add(
				'MW203',
				`\`binaryCrossentropy\` expects a probability in (0, 1), but the output activation is \`${activation}\`. Use \`sigmoid\`.`,
				actPath,
				actIdx === unitsIdx && !dense.activation ? 'key' : 'value',
				fix('Change activation to sigmoid', actPath, 'sigmoid', true),
			);
		}
	}
	if (REGRESSION_LOSSES.includes(loss)) {
		if (activation === 'softmax' || activation === 'sigmoid') {
			const isClassData = data.task !== undefined && data.task !== 'regression';
			if (!isClassData)
				add(
					'MW203',
					`\`${loss}\` is a regression loss, but the output activation \`${activation}\` squashes predictions into ${activation === 'softmax' ? 'a distribution' : '(0, 1)'}. Use \`linear\` for regression.`,
					actPath,
					'value',
					fix('Change activation to linear', actPath, 'linear', true),
				);
		}
		if (data.task && data.task !== 'regression' && data.info && data.label && !data.info.numeric.includes(data.label)) {
			add(
				'MW205',
				`\`${loss}\` is a regression loss, but \`${data.label}\` holds class labels. Use \`${(k ?? 0) > 2 ? 'categoricalCrossentropy' : 'binaryCrossentropy'}\`.`,
				lossPath,
				'value',
				fix(
					`Change loss to ${(k ?? 0) > 2 ? 'categoricalCrossentropy' : 'binaryCrossentropy'}`,
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
			`\`${loss}\` is a classification loss, but \`${data.label}\` holds continuous numbers. Use \`meanSquaredError\` for regression.`,
			lossPath,
			'value',
			fix(
				'Change loss to meanSquaredError',
				lossPath,
				'meanSquaredError',
				true,
				activation === 'softmax' || activation === 'sigmoid' ? [[actPath, 'linear']] : [],
			),
		);
	}
}

function tuningChecks(cfg: ResolvedConfig, invalid: (p: JsonPath) => boolean, add: Add): void {
	const tuning = cfg.tuning;
	if (!tuning || invalid(['tuning', 'space'])) return;
	for (const [key, param] of Object.entries(tuning.space ?? {})) {
		const p: JsonPath = ['tuning', 'space', key];
		const target = parseConfigPath(key);
		if (!target || !configPathExists(cfg, target)) {
			add(
				'MW230',
				`\`${key}\` is not a path in this config. Use dotted keys with [i] for list items, e.g. \`training.optimizer.learningRate\` or \`model.layers[0].units\`.`,
				p,
				'key',
			);
			continue;
		}
		const bounds = 'uniform' in param ? param.uniform : 'logUniform' in param ? param.logUniform : 'int' in param ? param.int : undefined;
		if (bounds) {
			const [lo, hi] = bounds;
			if (!(lo <= hi))
				add('MW231', `The range [${lo}, ${hi}] is empty: the low bound must not exceed the high one.`, [...p, Object.keys(param)[0]!]);
			else if ('logUniform' in param && lo <= 0) add('MW231', `Log-uniform bounds must be > 0 (got ${lo}).`, [...p, 'logUniform']);
		}
		if (tuning.strategy === 'grid' && ('uniform' in param || 'logUniform' in param)) {
			add('MW232', `Grid search cannot enumerate a continuous range; use \`choice\` (or \`int\`) for \`${key}\`.`, p, 'key');
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
