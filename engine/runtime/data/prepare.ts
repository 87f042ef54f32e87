/**
 * Config → training-ready arrays: load rows, apply the missing-value policy, split (seeded,
 * stratified), fit preprocessing on the training rows only, transform every split.
 */
import type { ResolvedConfig } from '../../core/config/resolve';
import { own } from '../../core/own';
import { CLASSIFICATION_LOSSES, type Loss } from '../../core/config/vocabulary';
import { loadTable, sha256, DataError, type PathPolicy, type Row } from './load';
import {
	fitFeatures,
	inputNames,
	labelWidth,
	transformTable,
	encodeLabels,
	type FeatureSpec,
	type FeatureTransform,
	featureWidthOf,
	type ColumnStepName,
	type Preprocessing,
	type LabelEncoding,
	dateReader,
	dateProblem,
} from './preprocess';
import { kFoldIndices, splitRows, toArray, type SplitIndices, type SplitRows } from './split';
import { cell, columnOf, isMissingAt, tableFromRows, tableRows, tableSlice, type Column, type Table, type Value } from './table';
import { mixSeed } from '../../core/random';
import { inputFeatures, tokenizeOptions } from '../../core/config/inputs';
import { dateOptions } from '../../core/data/dates';
import { prepareImages } from './imageData';
import { classesOf } from '../../core/data/labels';
import type { DataFingerprint } from '../../core/data/fingerprint';
import type { DroppedRows } from '../../core/protocol';
import { tr } from '../messages';
import { list } from '../../core/l10n';
import { droppedReason } from '../../core/data/report';

/** Raw rows kept per split for predictions tables (evaluation shows at most this many). */
export const PREVIEW_ROWS = 5000;

export interface SplitArrays {
	x: Float32Array;
	y: Float32Array;
	n: number;
	/** Class index per row (classification), for stratification and evaluation. */
	classes?: Int32Array;
	/** The first PREVIEW_ROWS raw rows of the split (for predictions tables); x, y and classes hold all n. */
	rows: Row[];
	/** The training split's `data.sampleWeight` per row (validation and test stay unweighted). */
	weights?: Float32Array;
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
	dropped?: DroppedRows[];
	emptyFeatures?: string[];
	warnings?: string[];
	fingerprint?: DataFingerprint;
}

export interface PreparedData {
	train: SplitArrays;
	validation?: SplitArrays;
	test?: SplitArrays;
	preprocessing: Preprocessing;
	/** Per-sample label shape, e.g. [1] or [K]. */
	yShape: number[];
	summary: DataSummaryInfo;
	/** The split row numbers into the loaded rows (after dropped rows are removed); built when first read. */
	readonly indices: SplitIndices;
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

/**
 * The rows `index` of `table` as training arrays (typed arrays written column by column, no row objects).
 * `rows` is built on first read (evaluation reads one split's) from a columnar copy of the first
 * PREVIEW_ROWS rows, so the big table is not kept alive by it.
 */
export function tableArrays(
	pre: Preprocessing,
	table: Table,
	index: ArrayLike<number>,
	where = 'row',
	lineOf?: (row: number) => number,
): SplitArrays {
	const n = index.length;
	const nIn = pre.inputs.length;
	const x = new Float32Array(n * nIn);
	const y = new Float32Array(n * labelWidth(pre));
	const cls = pre.label.classes ? new Int32Array(n) : undefined;
	transformTable(pre.features, table, index, x, nIn, where, lineOf);
	encodeLabels(pre, table, index, y, cls);
	let preview: Table | undefined = tableSlice(table, index, PREVIEW_ROWS);
	let rows: Row[] | undefined;
	return {
		x,
		y,
		n,
		get rows(): Row[] {
			if (!rows) {
				rows = tableRows(preview!);
				preview = undefined;
			}
			return rows;
		},
		...(cls ? { classes: cls } : {}),
	};
}

/** Row objects as training arrays (with a fitted, possibly deserialised, Preprocessing). */
export function toArrays(pre: Preprocessing, rows: Row[], where = 'row'): SplitArrays {
	const columns = [...new Set([...pre.features.map((f) => f.column), pre.label.column])];
	const table = tableFromRows(rows, columns);
	const n = rows.length;
	const index = Int32Array.from({ length: n }, (_, i) => i);
	const x = new Float32Array(n * pre.inputs.length);
	const y = new Float32Array(n * labelWidth(pre));
	const cls = pre.label.classes ? new Int32Array(n) : undefined;
	transformTable(pre.features, table, index, x, pre.inputs.length, where);
	encodeLabels(pre, table, index, y, cls);
	return { x, y, n, rows: rows.slice(0, PREVIEW_ROWS), ...(cls ? { classes: cls } : {}) };
}

/** Distinct values of `col` over the rows `kept` (all when undefined), in order of first appearance. */
function distinctValues(col: Column, n: number, kept: Int32Array | undefined): Value[] {
	const count = kept ? kept.length : n;
	if (col.kind === 'category') {
		const seen = new Uint8Array(col.dict.length);
		const out: Value[] = [];
		for (let j = 0; j < count; j++) {
			const c = col.codes[kept ? kept[j]! : j]!;
			if (c >= 0 && !seen[c]) {
				seen[c] = 1;
				out.push(col.dict[c]!);
			}
		}
		return out;
	}
	const set = new Set<number>();
	for (let j = 0; j < count; j++) set.add(col.values[kept ? kept[j]! : j]!);
	return [...set];
}

export interface PrepareOptions {
	/** Cross-validation: train on the other folds of the non-test rows, validate on fold `index` (0-based) of `of`. */
	fold?: { index: number; of: number };
}

export async function prepareData(config: ResolvedConfig, policy: PathPolicy, opts: PrepareOptions = {}): Promise<PreparedData> {
	// Images bypass the table: pixels are decoded straight into their split's arrays.
	if (config.data.source.type === 'images') return prepareImages(config, policy, opts);
	const d = config.data;
	const loss = config.training.loss;
	const seed = config.seed;
	// Which columns are used decides what is kept in memory (CSV streams only those).
	const src = d.source;
	// With `model.inputs`, the features are its columns in input order (each input a run of consecutive values).
	const listed = inputFeatures(config) ?? d.features;
	const weightCol = d.sampleWeight;
	const wanted =
		d.label !== undefined && listed !== undefined
			? [...listed, d.label, ...(weightCol !== undefined ? [weightCol] : [])].filter((c, i, a) => a.indexOf(c) === i)
			: undefined;
	const loaded = await loadTable(src, { policy, seed: mixSeed(seed, 1), ...(wanted ? { columns: wanted } : {}) });
	const table = loaded.table;
	const label = d.label ?? loaded.info.defaultLabel;
	if (!label || !loaded.columns.includes(label))
		throw new DataError(tr('prep.labelNotFound', { label: label ?? '?', columns: loaded.columns.join(', ') }));
	if (weightCol !== undefined) {
		if (!loaded.columns.includes(weightCol))
			throw new DataError(
				tr('weight.notFound', { column: weightCol, columns: loaded.columns.join(', ') }),
				undefined,
				undefined,
				weightCol,
			);
		if (weightCol === label) throw new DataError(tr('weight.isLabel', { column: weightCol }), undefined, undefined, weightCol);
		if (listed?.includes(weightCol)) throw new DataError(tr('weight.isFeature', { column: weightCol }), undefined, undefined, weightCol);
	}
	// The weight column is never a default feature.
	const features = listed ?? loaded.info.defaultFeatures ?? loaded.columns.filter((c) => c !== label && c !== weightCol);
	for (const f of features)
		if (!loaded.columns.includes(f))
			throw new DataError(tr('prep.featureNotFound', { column: f, columns: loaded.columns.join(', ') }), undefined, undefined, f);

	const specs: FeatureSpec[] = features.map((c) => {
		const entry = d.preprocessing ? own(d.preprocessing, c) : undefined;
		const step0 = typeof entry === 'string' ? entry : entry?.step;
		const fill0 = typeof entry === 'object' ? entry.fillMissing : undefined;
		// A column with no value at all is a column of numbers to be filled (as the validator counts it), not zero categories.
		const numeric = loaded.numeric.includes(c) || table.data.get(c)?.kind === 'number';
		const step: ColumnStepName = step0 ?? (numeric ? (d.scale === 'none' ? 'none' : d.scale) : 'oneHot');
		return {
			column: c,
			step,
			fill: fill0 ?? d.missing,
			numeric,
			...(step === 'tokenize' ? { tokenize: tokenizeOptions(entry) } : {}),
			...(step === 'date' ? { date: dateOptions(entry), scale: d.scale } : {}),
		};
	});
	// Row-level policies first: drop rows (counted) or stop at the first missing value.
	const used = specs.filter((s) => s.step !== 'drop');
	const labelCol = columnOf(table, label);
	// A date column's unparseable values are missing ones when its options say so (dropped or refused like them).
	const missingAt = (s: FeatureSpec): ((i: number) => boolean) => {
		const col = columnOf(table, s.column);
		if (s.step !== 'date') return (i) => isMissingAt(col, i);
		const read = dateReader(col, s.date!);
		return (i) => read(i) === undefined;
	};
	const checks = used.filter((s) => s.fill === 'dropRow' || s.fill === 'error').map((s) => ({ s, missing: missingAt(s) }));
	const n0 = table.n;
	// Rows are named as the file counts them ("line 40" in a CSV file), else by their 1-based number.
	const lineOf = loaded.lineOf;
	const place = (i: number) => (lineOf ? tr('place.line', { n: lineOf(i) }) : tr('place.row', { n: i + 1 }));
	// Why rows are dropped, each under its first reason: how many, and the first few places.
	const reasons = new Map<string, DroppedRows>();
	const noteDrop = (reason: string, i: number) => {
		let r = reasons.get(reason);
		if (!r) reasons.set(reason, (r = { reason, rows: 0, lines: [], unit: lineOf ? 'line' : 'row' }));
		if (r.rows++ < DROPPED_EXAMPLES) r.lines.push(lineOf ? lineOf(i) : i + 1);
	};
	// Row numbers of the kept rows (undefined: all of them).
	let kept: Int32Array | undefined;
	let count = 0;
	for (let i = 0; i < n0; i++) {
		let drop = isMissingAt(labelCol, i);
		if (drop) noteDrop('missing label', i);
		else
			for (const { s, missing } of checks) {
				if (!missing(i)) continue;
				if (s.fill === 'error')
					throw new DataError(
						lineOf
							? tr('prep.missingValue.line', { n: lineOf(i), column: s.column })
							: tr('prep.missingValue.row', { n: i + 1, column: s.column }),
						undefined,
						lineOf ? lineOf(i) : i + 1,
						s.column,
					);
				noteDrop(`missing value in \`${s.column}\``, i);
				drop = true;
				break;
			}
		if (drop) {
			if (!kept) {
				kept = new Int32Array(n0);
				for (let j = 0; j < i; j++) kept[j] = j;
			}
			continue;
		}
		if (kept) kept[count] = i;
		count++;
	}
	if (kept) kept = kept.slice(0, count);
	const dropped = n0 - count;
	const droppedReport = [...reasons.values()];
	if (count === 0)
		throw new DataError(
			tr('prep.noRowsLeft', {
				reasons: list(droppedReport.map((r) => tr('prep.noRowsFor', { n: r.rows, reason: droppedReason(r.reason) }))),
			}),
		);
	const row = (j: number) => (kept ? kept[j]! : j);
	const weightOf = weightCol !== undefined ? sampleWeights(columnOf(table, weightCol), weightCol, count, row, place, lineOf) : undefined;
	for (const s of used)
		if (s.step === 'date') dateChecks(s, columnOf(table, s.column), count, row, place, (i) => (lineOf ? lineOf(i) : i + 1));

	// Distinct label values only matter for classification (a regression label may have millions).
	const explicit = d.task === 'regression' || d.task === 'binaryClassification' || d.task === 'multiclassClassification';
	const wantClasses = explicit ? d.task !== 'regression' : CLASSIFICATION_LOSSES.includes(loss);
	// Classes through the shared normalisation (`1`, `1.0` and `"1"` are one class, as the validator counts them).
	const labelVals = wantClasses ? classesOf(distinctValues(labelCol, n0, kept)) : [];
	const task = inferTask(loss, d.task, labelVals.length);
	const encoding = labelEncoding(loss, task);
	const classes = task === 'regression' ? undefined : labelVals;
	if (task === 'regression' && labelCol.kind === 'category') {
		for (let j = 0; j < count; j++)
			if (typeof cell(labelCol, row(j)) !== 'number')
				throw new DataError(tr('prep.regressionLabel', { label }), undefined, undefined, label);
	}
	const preLabel = { label: { column: label, encoding, ...(classes ? { classes } : {}) } };
	let rowClasses: Int32Array | undefined;
	if (classes) {
		rowClasses = new Int32Array(count);
		encodeLabels({ label: { ...preLabel.label, encoding: 'index' } }, table, kept ?? rangeOf(count), new Float32Array(count), rowClasses);
	}
	const sp = d.split;
	const split = splitRows(count, {
		validation: sp.folds ? 0 : sp.validation,
		test: sp.test,
		seed: mixSeed(seed, 2),
		shuffle: sp.shuffle,
		...(rowClasses && sp.stratify ? { labels: rowClasses } : {}),
	});
	let foldWarning: string | undefined;
	if (opts.fold) {
		// Folds are drawn from what is not test (validation is folded back in), stratified like the split.
		const pool = [...toArray(split.train), ...toArray(split.validation)].sort((a, b) => a - b);
		const folds = kFoldIndices(pool, opts.fold.of, {
			seed: mixSeed(seed, 6),
			shuffle: sp.shuffle,
			...(rowClasses && sp.stratify ? { labels: rowClasses } : {}),
		});
		const f = folds[opts.fold.index];
		if (!f) throw new DataError(tr('data.noFold', { n: opts.fold.index + 1, of: opts.fold.of }));
		if (rowClasses && sp.stratify) foldWarning = smallClasses(pool, rowClasses, classes!, opts.fold.of);
		split.train = Int32Array.from(f.train);
		split.validation = Int32Array.from(f.validation);
	}
	// A split asked for but rounded away: say so with the arithmetic instead of evaluating on another split.
	const warnings: string[] = foldWarning ? [foldWarning] : [];
	const fractions = { validation: sp.folds || opts.fold ? 0 : sp.validation, test: sp.test };
	const stratified = rowClasses && sp.stratify ? { rowClasses, classes: classes! } : undefined;
	for (const k of ['validation', 'test'] as const) {
		const problem = splitArithmetic(k, fractions[k], count, split[k].length, stratified);
		if (problem?.error) throw new DataError(problem.error);
		if (problem?.warning) warnings.push(problem.warning);
	}
	// Split row numbers (into the kept rows) → table row numbers.
	const pick = (ix: Int32Array): Int32Array => (kept ? ix.map((i) => kept[i]!) : ix);
	if (split.train.length === 0) throw new DataError(tr('prep.trainEmpty'));
	const trainIndex = pick(split.train);
	const fitted = fitFeatures(specs, table, trainIndex);
	// A feature with no value in the training rows is filled with a constant: it carries nothing.
	const emptyFeatures = used.filter((s) => allMissing(columnOf(table, s.column), trainIndex)).map((s) => s.column);
	for (const c of emptyFeatures) warnings.push(tr('prep.emptyFeature', { column: c, n: trainIndex.length }));
	const printRows = (ix: Int32Array) => sha256(new Uint8Array(Int32Array.from(pick(ix)).sort().buffer));
	const fingerprint: DataFingerprint = {
		data: loaded.fingerprint,
		source: loaded.fingerprintSource,
		splits: { train: printRows(split.train), validation: printRows(split.validation), test: printRows(split.test) },
	};
	const inputs = inputNames(fitted);
	const modelInputs = namedInputLayout(config, fitted);
	const inputShape = modelInputs ? [inputs.length] : (config.model.inputShape ?? [inputs.length]);
	const size = inputShape.reduce((a, b) => a * b, 1);
	if (size !== inputs.length) throw new DataError(tr('prep.inputShape', { shape: inputShape.join(', '), size, n: inputs.length }));
	const preprocessing: Preprocessing = {
		version: 1,
		features: fitted,
		inputs,
		...preLabel,
		task,
		inputShape,
		...(modelInputs ? { modelInputs } : {}),
	};
	const train = tableArrays(preprocessing, table, trainIndex, 'training row', lineOf);
	if (weightOf) train.weights = Float32Array.from(trainIndex, weightOf);
	const out = withIndices(
		{
			train,
			preprocessing,
			yShape: [labelWidth(preprocessing)],
			summary: {
				rows: count,
				droppedRows: dropped,
				features: used.map((s) => s.column),
				inputs: inputs.length,
				label,
				task,
				...(classes ? { classes } : {}),
				split: { train: split.train.length, validation: split.validation.length, test: split.test.length },
				...(droppedReport.length ? { dropped: droppedReport } : {}),
				...(emptyFeatures.length ? { emptyFeatures } : {}),
				...(warnings.length ? { warnings } : {}),
				fingerprint,
			},
		},
		split,
	);
	if (split.validation.length) out.validation = tableArrays(preprocessing, table, pick(split.validation), 'validation row', lineOf);
	if (split.test.length) out.test = tableArrays(preprocessing, table, pick(split.test), 'test row', lineOf);
	return out;
}

/**
 * The weight of each table row from `data.sampleWeight`, after checking every kept row: a weight is a
 * finite number ≥ 0 (a missing one is refused too: the row's weight would be a guess). The error
 * names how many and the first lines.
 */
function sampleWeights(
	col: Column,
	name: string,
	count: number,
	row: (j: number) => number,
	place: (i: number) => string,
	lineOf: ((i: number) => number) | undefined,
): (i: number) => number {
	const bad: string[] = [];
	let n = 0;
	let first = -1;
	for (let j = 0; j < count; j++) {
		const i = row(j);
		const v = cell(col, i);
		if (typeof v === 'number' && Number.isFinite(v) && v >= 0) continue;
		if (n++ < DROPPED_EXAMPLES)
			bad.push(`${place(i)}: ${v === null ? tr('weight.missing') : JSON.stringify(typeof v === 'number' ? String(v) : v.slice(0, 40))}`);
		if (first < 0) first = i;
	}
	if (n)
		throw new DataError(
			tr(n === 1 ? 'weight.bad.one' : 'weight.bad.many', { column: name, n, examples: `${bad.join('; ')}${n > bad.length ? '; …' : ''}` }),
			undefined,
			lineOf ? lineOf(first) : first + 1,
			name,
		);
	return (i) => cell(col, i) as number;
}

/**
 * Every value of a date column is read before training: texts that are not dates (unless they count
 * as missing) or whose day and month order is unknown stop it, naming how many, the first lines and
 * values, and what to set.
 */
function dateChecks(
	s: FeatureSpec,
	col: Column,
	count: number,
	row: (j: number) => number,
	place: (i: number) => string,
	lineNo: (i: number) => number,
): void {
	const read = dateReader(col, s.date!);
	const shown = { invalid: [] as string[], ambiguous: [] as string[] };
	const counts = { invalid: 0, ambiguous: 0 };
	const first: { invalid?: { text: string; row: number }; ambiguous?: { text: string; row: number } } = {};
	for (let j = 0; j < count; j++) {
		const i = row(j);
		const v = read(i);
		if (typeof v !== 'object') continue;
		if (counts[v.error]++ < DROPPED_EXAMPLES) shown[v.error].push(`${place(i)}: ${JSON.stringify(v.text.slice(0, 40))}`);
		first[v.error] ??= { text: v.text, row: i };
	}
	// The ambiguous ones first: the `format` that reads them may read the others too.
	const k = first.ambiguous ? 'ambiguous' : first.invalid ? 'invalid' : undefined;
	if (!k) return;
	const n = counts[k];
	const where = `${shown[k].join('; ')}${n > shown[k].length ? '; …' : ''}`;
	const f = first[k]!;
	throw new DataError(dateProblem(s.column, { error: k, text: f.text }, s.date!.format, { n, where }), undefined, lineNo(f.row), s.column);
}

/**
 * Stratified k-fold deals each class out over the folds on its own: a class with fewer rows than folds
 * is missing from some folds' validation (MW247 says the same before training).
 */
function smallClasses(
	pool: readonly number[],
	rowClasses: Int32Array,
	classes: readonly (string | number)[],
	k: number,
): string | undefined {
	const counts = new Array<number>(classes.length).fill(0);
	for (const i of pool) if (rowClasses[i]! >= 0) counts[rowClasses[i]!]!++;
	const few = counts
		.map((n, c) => ({ n, c }))
		.filter((x) => x.n < k)
		.sort((a, b) => a.n - b.n || a.c - b.c);
	if (!few.length) return undefined;
	const named = list(
		few.slice(0, 5).map((x) => tr(x.n === 1 ? 'fold.classRows.one' : 'fold.classRows.many', { cls: String(classes[x.c]), n: x.n })),
	);
	const more = few.length > 5 ? tr('fold.more', { n: few.length - 5 }) : '';
	const args = { named, more, k, without: k - few[0]!.n, most: Math.max(2, few[0]!.n) };
	return few.length === 1 ? tr('fold.fewRows.one', args) : tr('fold.fewRows.many', args);
}

/** Places listed per dropped-rows reason. */
const DROPPED_EXAMPLES = 5;

function allMissing(col: Column, index: ArrayLike<number>): boolean {
	for (let j = 0; j < index.length; j++) if (!isMissingAt(col, index[j]!)) return false;
	return true;
}

/** Rounds as splitRows does (Math.round of rows × fraction), shown as arithmetic. */
const times = (rows: number, f: number) => `${rows} × ${f} = ${+(rows * f).toFixed(3)} → ${Math.round(rows * f)}`;

/**
 * A validation or test split that was asked for (fraction > 0) but came out empty is an error that
 * shows the rounding, per class when stratified (each class is split on its own); a stratified split
 * that some classes are missing from is a warning.
 */
export function splitArithmetic(
	k: 'validation' | 'test',
	fraction: number,
	rows: number,
	got: number,
	stratified: { rowClasses: Int32Array; classes: readonly (string | number)[] } | undefined,
): { error?: string; warning?: string } | undefined {
	if (!(fraction > 0)) return undefined;
	if (!stratified) {
		if (got > 0) return undefined;
		return {
			error: `\`data.split.${k}\` ${fraction} of ${rows} rows is no row (${times(rows, fraction)}): the ${k} split would be empty. Add rows, or raise \`${k}\` to at least ${ceil2(0.5 / rows)}.`,
		};
	}
	const counts = new Array<number>(stratified.classes.length).fill(0);
	for (const c of stratified.rowClasses) if (c >= 0) counts[c]!++;
	const absent = counts.map((n, c) => ({ n, c })).filter((x) => x.n > 0 && Math.round(x.n * fraction) === 0);
	if (absent.length === 0) return undefined;
	const shown = absent
		.slice(0, 5)
		.map((x) => tr('prep.classRows', { cls: String(stratified.classes[x.c]), rows: times(x.n, fraction) }))
		.join('; ');
	const more = absent.length > 5 ? tr('prep.moreClasses', { n: absent.length - 5 }) : '';
	if (got === 0) {
		const largest = Math.max(...counts.slice(0, 1000), 0);
		return {
			error: `\`data.split.${k}\` ${fraction} gives the ${k} split no rows: the split is stratified, so each class is split on its own and every class rounds to 0 rows (${shown}${more}). The evaluation would silently use another split. Add rows, raise \`${k}\` to at least ${ceil2(0.5 / largest)} (one row of the largest class, ${largest} rows), or set \`data.split.stratify: false\` (${times(rows, fraction)} rows).`,
		};
	}
	const split = tr(k === 'validation' ? 'split.validation' : 'split.test');
	return {
		warning:
			absent.length === 1
				? tr('prep.classAbsent.one', { split, shown: `${shown}${more}` })
				: tr('prep.classAbsent.many', { split, n: absent.length, shown: `${shown}${more}` }),
	};
}

const ceil2 = (x: number) => Math.min(0.99, Math.ceil(x * 100) / 100);

/**
 * The data with `indices` as plain arrays built only if read (nothing in a training job reads them:
 * 80 MB for ten million rows). Made here, not in prepareData: a closure there would keep its whole
 * scope, the loaded table included, alive as long as the data.
 */
function withIndices(data: Omit<PreparedData, 'indices'>, split: SplitRows): PreparedData {
	let indices: SplitIndices | undefined;
	return {
		...data,
		get indices(): SplitIndices {
			return (indices ??= { train: toArray(split.train), validation: toArray(split.validation), test: toArray(split.test) });
		},
	};
}

/** Where each input of `model.inputs` reads a row: its features' values are consecutive (features are in input order). */
function namedInputLayout(config: ResolvedConfig, fitted: readonly FeatureTransform[]): Preprocessing['modelInputs'] {
	const declared = config.model.inputs;
	if (!declared?.length) return undefined;
	const width = new Map(fitted.map((f) => [f.column, featureWidthOf(f)]));
	let offset = 0;
	return declared.map((inp) => {
		const w = inp.features.reduce((a, c) => a + (width.get(c) ?? 0), 0);
		const shape = inp.shape ?? [w];
		if (shape.reduce((a, b) => a * b, 1) !== w)
			throw new DataError(tr('prep.namedInputShape', { input: inp.name, shape: shape.join(', '), n: w }));
		const at = { name: inp.name, offset, width: w, shape };
		offset += w;
		return at;
	});
}

const rangeOf = (n: number) => Int32Array.from({ length: n }, (_, i) => i);
