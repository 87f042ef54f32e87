/**
 * Config → training-ready arrays: load rows, apply the missing-value policy, split (seeded,
 * stratified), fit preprocessing on the training rows only, transform every split.
 */
import type { ResolvedConfig } from '../../core/config/resolve';
import { CLASSIFICATION_LOSSES, type Loss } from '../../core/config/vocabulary';
import { loadRows, DataError, type PathPolicy, type Row } from './load';
import {
	fitFeatures,
	inputNames,
	transformRow,
	encodeLabel,
	labelWidth,
	classIndex,
	type FeatureSpec,
	type ColumnStepName,
	type Preprocessing,
	type LabelEncoding,
} from './preprocess';
import { kFoldIndices, splitIndices, type SplitIndices } from './split';
import { mixSeed } from '../../core/random';

export interface SplitArrays {
	x: Float32Array;
	y: Float32Array;
	n: number;
	/** Class index per row (classification), for stratification and evaluation. */
	classes?: Int32Array;
	/** The raw rows (for predictions tables). */
	rows: Row[];
}

export interface DataSummaryInfo {
	rows: number;
	droppedRows: number;
	features: string[];
	inputs: number;
	label: string;
	task: Preprocessing['task'];
	classes?: (string | number)[];
	split: { train: number; validation: number; test: number };
}

export interface PreparedData {
	train: SplitArrays;
	validation?: SplitArrays;
	test?: SplitArrays;
	preprocessing: Preprocessing;
	/** Per-sample label shape, e.g. [1] or [K]. */
	yShape: number[];
	summary: DataSummaryInfo;
	/** The split row numbers into the loaded rows (after dropped rows are removed). */
	indices: SplitIndices;
}

export function inferTask(loss: Loss, task: string, classCount: number): Preprocessing['task'] {
	if (task === 'regression' || task === 'binaryClassification' || task === 'multiclassClassification') return task;
	if (!CLASSIFICATION_LOSSES.includes(loss)) return 'regression';
	if (loss === 'binaryCrossentropy' || loss === 'hinge') return 'binaryClassification';
	return classCount === 2 &&
		loss !== 'categoricalCrossentropy' &&
		loss !== 'sparseCategoricalCrossentropy' &&
		loss !== 'kullbackLeiblerDivergence'
		? 'binaryClassification'
		: 'multiclassClassification';
}

export function labelEncoding(loss: Loss, task: Preprocessing['task']): LabelEncoding {
	if (task === 'regression') return 'value';
	if (loss === 'hinge') return 'hinge';
	if (loss === 'categoricalCrossentropy' || loss === 'kullbackLeiblerDivergence') return 'oneHot';
	if (loss === 'sparseCategoricalCrossentropy') return 'index';
	return task === 'binaryClassification' ? 'binary' : 'index';
}

export function toArrays(pre: Preprocessing, rows: Row[], where = 'row'): SplitArrays {
	const nIn = pre.inputs.length;
	const yw = labelWidth(pre);
	const x = new Float32Array(rows.length * nIn);
	const y = new Float32Array(rows.length * yw);
	const cls = pre.label.classes ? new Int32Array(rows.length) : undefined;
	rows.forEach((r, i) => {
		transformRow(pre.features, r, x, i * nIn, `${where} ${i + 1}: `);
		encodeLabel(pre, r[pre.label.column], y, i * yw);
		if (cls) cls[i] = classIndex(pre, r[pre.label.column]);
	});
	return { x, y, n: rows.length, rows, ...(cls ? { classes: cls } : {}) };
}

export interface PrepareOptions {
	/** Cross-validation: train on the other folds of the non-test rows, validate on fold `index` (0-based) of `of`. */
	fold?: { index: number; of: number };
}

export async function prepareData(config: ResolvedConfig, policy: PathPolicy, opts: PrepareOptions = {}): Promise<PreparedData> {
	const d = config.data;
	const loss = config.training.loss;
	const seed = config.seed;
	// Which columns are used decides what is kept in memory (CSV streams only those).
	const src = d.source;
	const wanted =
		d.label !== undefined && d.features !== undefined ? [...d.features, d.label].filter((c, i, a) => a.indexOf(c) === i) : undefined;
	const loaded = await loadRows(src, { policy, seed: mixSeed(seed, 1), ...(wanted ? { columns: wanted } : {}) });
	const label = d.label ?? loaded.info.defaultLabel;
	if (!label || !loaded.columns.includes(label))
		throw new DataError(`label column \`${label ?? '?'}\` not found (columns: ${loaded.columns.join(', ')}).`);
	const features = d.features ?? loaded.info.defaultFeatures ?? loaded.columns.filter((c) => c !== label);
	for (const f of features)
		if (!loaded.columns.includes(f))
			throw new DataError(`feature column \`${f}\` not found (columns: ${loaded.columns.join(', ')}).`, undefined, undefined, f);

	const specs: FeatureSpec[] = features.map((c) => {
		const entry = d.preprocessing?.[c];
		const step0 = typeof entry === 'string' ? entry : entry?.step;
		const fill0 = typeof entry === 'object' ? entry.fillMissing : undefined;
		const numeric = loaded.numeric.includes(c);
		const step: ColumnStepName = step0 ?? (numeric ? (d.scale === 'none' ? 'none' : d.scale) : 'oneHot');
		return { column: c, step, fill: fill0 ?? d.missing, numeric };
	});
	// Row-level policies first: drop rows (counted) or stop at the first missing value.
	const used = specs.filter((s) => s.step !== 'drop');
	let dropped = 0;
	const rows: Row[] = [];
	loaded.rows.forEach((r, i) => {
		const lv = r[label];
		if (lv === null || lv === undefined) {
			dropped++;
			return;
		}
		for (const s of used) {
			const v = r[s.column];
			if (v !== null && v !== undefined) continue;
			if (s.fill === 'dropRow') {
				dropped++;
				return;
			}
			if (s.fill === 'error')
				throw new DataError(
					`row ${i + 1}: missing value in column \`${s.column}\` (set \`fillMissing\` or \`data.missing\` to drop or fill it).`,
					undefined,
					i + 1,
					s.column,
				);
		}
		rows.push(r);
	});
	if (rows.length === 0) throw new DataError('no rows left after dropping rows with missing values.');

	const labelVals = [...new Set(rows.map((r) => r[label]!))];
	const task = inferTask(loss, d.task, labelVals.length);
	const encoding = labelEncoding(loss, task);
	const classes =
		task === 'regression'
			? undefined
			: labelVals.sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b))));
	if (task === 'regression' && rows.some((r) => typeof r[label] !== 'number'))
		throw new DataError(
			`label \`${label}\` has non-numeric values but the task is regression; use a classification loss.`,
			undefined,
			undefined,
			label,
		);
	const preLabel = { label: { column: label, encoding, ...(classes ? { classes } : {}) } };
	const rowClasses = classes ? rows.map((r) => classIndex(preLabel, r[label])) : undefined;
	const sp = d.split;
	const indices = splitIndices(rows.length, {
		validation: sp.folds ? 0 : sp.validation,
		test: sp.test,
		seed: mixSeed(seed, 2),
		shuffle: sp.shuffle,
		...(rowClasses && sp.stratify ? { labels: rowClasses } : {}),
	});
	if (opts.fold) {
		// Folds are drawn from what is not test (validation is folded back in), stratified like the split.
		const pool = [...indices.train, ...indices.validation].sort((a, b) => a - b);
		const folds = kFoldIndices(pool, opts.fold.of, {
			seed: mixSeed(seed, 6),
			shuffle: sp.shuffle,
			...(rowClasses && sp.stratify ? { labels: rowClasses } : {}),
		});
		const f = folds[opts.fold.index];
		if (!f) throw new DataError(`fold ${opts.fold.index + 1} of ${opts.fold.of} does not exist.`);
		indices.train = f.train;
		indices.validation = f.validation;
	}
	const pick = (ix: number[]) => ix.map((i) => rows[i]!);
	const trainRows = pick(indices.train);
	if (trainRows.length === 0) throw new DataError('the training split is empty: lower `data.split.validation`/`test` or add rows.');
	const fitted = fitFeatures(specs, trainRows);
	const inputs = inputNames(fitted);
	const inputShape = config.model.inputShape ?? [inputs.length];
	const size = inputShape.reduce((a, b) => a * b, 1);
	if (size !== inputs.length)
		throw new DataError(
			`model.inputShape [${inputShape.join(', ')}] holds ${size} values but the data has ${inputs.length} input columns after preprocessing.`,
		);
	const preprocessing: Preprocessing = { version: 1, features: fitted, inputs, ...preLabel, task, inputShape };
	const out: PreparedData = {
		train: toArrays(preprocessing, trainRows, 'training row'),
		preprocessing,
		yShape: [labelWidth(preprocessing)],
		indices,
		summary: {
			rows: rows.length,
			droppedRows: dropped,
			features: used.map((s) => s.column),
			inputs: inputs.length,
			label,
			task,
			...(classes ? { classes } : {}),
			split: { train: indices.train.length, validation: indices.validation.length, test: indices.test.length },
		},
	};
	if (indices.validation.length) out.validation = toArrays(preprocessing, pick(indices.validation), 'validation row');
	if (indices.test.length) out.test = toArrays(preprocessing, pick(indices.test), 'test row');
	return out;
}
