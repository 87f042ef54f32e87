/**
 * Preprocessing fitted on the training rows only (no leakage) and serialisable, so the run,
 * the exported model and `predict` apply exactly the same transforms.
 */
import { DataError } from './csv';
import { tr, trEnglish } from '../messages';
import { classKey, classLookup, compareValues } from '../../core/data/labels';
import { cell, columnOf, type Column, type Row, type Table, type Value } from './table';
import { encodeText, fitTokenizer, vocabularyIndex, type Tokenizer } from '../../core/data/tokenize';
import type { TokenizeOptions } from '../../core/config/inputs';
import {
	dateInputNames,
	dateWidth,
	expandDate,
	fitDateScale,
	parseDate,
	readings,
	type DateEncoder,
	type DateOptions,
} from '../../core/data/dates';
import { own } from '../../core/own';

export type FillPolicy = 'error' | 'dropRow' | 'mean' | 'median' | 'mostFrequent' | 'zero';
export type ColumnStepName = 'none' | 'standardize' | 'minMax' | 'oneHot' | 'labelEncode' | 'tokenize' | 'date' | 'drop';

export interface FeatureTransform {
	column: string;
	step: Exclude<ColumnStepName, 'drop'>;
	fill: FillPolicy;
	/** Fitted fill value (mean/median/mostFrequent/zero; date: the fill date in ms since 1970 UTC, or 0 for zero). */
	fillValue?: number | string;
	/** standardize: [mean, std]; minMax: [min, max]. */
	params?: [number, number];
	/** oneHot / labelEncode categories (from the training rows), sorted. */
	categories?: (string | number)[];
	/** tokenize: the options and the vocabulary fitted on the training rows. */
	tokenizer?: Tokenizer;
	/** date: the options and, for elapsed days, the earliest training date. */
	date?: DateEncoder;
}

export type LabelEncoding = 'value' | 'binary' | 'hinge' | 'oneHot' | 'index';

export interface Preprocessing {
	version: 1;
	features: FeatureTransform[];
	/** Names of the model's input columns after expansion (oneHot → `col=value`). */
	inputs: string[];
	label: { column: string; encoding: LabelEncoding; classes?: (string | number)[] };
	task: 'regression' | 'binaryClassification' | 'multiclassClassification';
	inputShape: number[];
	/**
	 * The named inputs of `model.inputs`: each takes `width` consecutive values of a row from `offset`,
	 * shaped `shape`. Absent: one input, `input`, of `inputShape`.
	 */
	modelInputs?: { name: string; offset: number; width: number; shape: number[] }[];
	/** An images source: every image resized to `size` [height, width] with `channels` (no table features). */
	image?: { size: [number, number]; channels: 1 | 3 };
}

export interface FeatureSpec {
	column: string;
	step: ColumnStepName;
	fill: FillPolicy;
	numeric: boolean;
	/** tokenize: its options (defaults filled). */
	tokenize?: TokenizeOptions;
	/** date: its options (defaults filled). */
	date?: DateOptions;
	/** date: `data.scale`, applied to its values (not to sin/cos). */
	scale?: 'none' | 'standardize' | 'minMax';
}

/** Values a fitted feature writes per row. */
export const featureWidthOf = (f: FeatureTransform): number =>
	f.step === 'oneHot'
		? f.categories!.length
		: f.step === 'tokenize'
			? f.tokenizer!.options.maxLength
			: f.step === 'date'
				? dateWidth(f.date!.options)
				: 1;

/** A date cell: its time (ms), `undefined` when missing, or the parse error. */
export type DateCell = number | undefined | { error: 'invalid' | 'ambiguous'; text: string };

/**
 * The dates of a column read once per distinct text (a CSV date column is a dictionary of texts);
 * a value the options call unparseable-as-missing reads as missing.
 */
export function dateReader(col: Column, o: DateOptions): (i: number) => DateCell {
	const one = (v: Value | null) => dateCell(v, o);
	if (col.kind === 'category') {
		const byCode = col.dict.map(one);
		return (i) => {
			const c = col.codes[i]!;
			return c < 0 ? undefined : byCode[c];
		};
	}
	return (i) => one(col.values[i]!);
}

/** One value as a date cell (see dateReader). */
export function dateCell(v: unknown, o: DateOptions): DateCell {
	if (isMiss(v)) return undefined;
	const p = parseDate(String(v), o.format);
	if ('ms' in p) return p.ms;
	return p.error === 'invalid' && o.unparseable === 'missing' ? undefined : { error: p.error, text: String(v) };
}

/**
 * Why a date text is refused, for the errors of prepareData, predict and serve; `many` names all the
 * refused values of a column (how many, where) when they were counted.
 */
export function dateProblem(
	column: string,
	bad: { error: 'invalid' | 'ambiguous'; text: string },
	format: DateOptions['format'],
	many?: { n: number; where: string },
	say: typeof tr = tr,
): string {
	const quoted = JSON.stringify(bad.text.slice(0, 60));
	const has = many ? say(many.n === 1 ? 'date.values.one' : 'date.values.many', { n: many.n, where: many.where }) : quoted;
	if (bad.error === 'ambiguous') {
		const r = readings(bad.text);
		const dmy = r.dmy ? say('date.readAs', { value: quoted, dmy: r.dmy }) : '';
		const mdy = r.mdy ? say('date.readAsMdy', { mdy: r.mdy }) : '';
		const both = dmy && mdy ? say('date.readings.both', { dmy, mdy }) : dmy || mdy ? say('date.readings.one', { reading: dmy || mdy }) : '';
		return say('date.ambiguous', { column, has, readings: both });
	}
	const example = format === 'iso' ? '' : say('date.or', { example: format === 'dmy' ? '05.03.2024' : '03/05/2024' });
	const plural = many !== undefined && many.n > 1;
	return say(plural ? 'date.invalid.many' : 'date.invalid.one', { column, has, format, example });
}

/** The texts of `col` over `index` (missing cells skipped), for fitting a tokenizer. */
function* textsAt(col: Column, index: ArrayLike<number>): Generator<string> {
	for (let j = 0; j < index.length; j++) {
		const v = cell(col, index[j]!);
		if (v !== null && v !== undefined && !(typeof v === 'number' && Number.isNaN(v))) yield String(v);
	}
}

const isMiss = (v: unknown) => v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v));

/** Token ids the per-column text cache may hold (16M floats, 64 MB). */
const CACHE_IDS = 16 * 1024 * 1024;

function sortVals(vals: (string | number)[]): (string | number)[] {
	return vals.sort(compareValues);
}

/** The numbers among the non-missing values of `col` over `index`, in that order. */
function numbersAt(col: Column, index: ArrayLike<number>): Float64Array {
	const out = new Float64Array(index.length);
	let k = 0;
	if (col.kind === 'number') {
		const vs = col.values;
		for (let j = 0; j < index.length; j++) {
			const v = vs[index[j]!]!;
			if (!Number.isNaN(v)) out[k++] = v;
		}
	} else
		for (let j = 0; j < index.length; j++) {
			const c = col.codes[index[j]!]!;
			const v = c >= 0 ? col.dict[c] : undefined;
			if (typeof v === 'number') out[k++] = v;
		}
	return out.subarray(0, k);
}

/** The distinct non-missing values of `col` over `index`, in order of first appearance (as `new Set(values)`). */
function distinctAt(col: Column, index: ArrayLike<number>): Value[] {
	if (col.kind === 'number') {
		const set = new Set<number>();
		for (let j = 0; j < index.length; j++) {
			const v = col.values[index[j]!]!;
			if (!Number.isNaN(v)) set.add(v);
		}
		return [...set];
	}
	const seen = new Uint8Array(col.dict.length);
	const out: Value[] = [];
	for (let j = 0; j < index.length; j++) {
		const c = col.codes[index[j]!]!;
		if (c >= 0 && !seen[c]) {
			seen[c] = 1;
			out.push(col.dict[c]!);
		}
	}
	return out;
}

/** Left-to-right sum, as `reduce((a, b) => a + b, 0)`. */
function sum(xs: Float64Array): number {
	let s = 0;
	for (let i = 0; i < xs.length; i++) s += xs[i]!;
	return s;
}

/**
 * Fits the feature transforms on the training rows `index` of `table`. Sums run in row order over
 * float64 values, so the fitted numbers are those the row-by-row fit gave.
 */
export function fitFeatures(specs: readonly FeatureSpec[], table: Table, index: ArrayLike<number>): FeatureTransform[] {
	const out: FeatureTransform[] = [];
	for (const s of specs) {
		if (s.step === 'drop') continue;
		const col = columnOf(table, s.column);
		const t: FeatureTransform = { column: s.column, step: s.step, fill: s.fill };
		if (s.step === 'date') {
			fitDate(t, s.date!, col, index, s.scale ?? 'none');
			out.push(t);
			continue;
		}
		if (s.step === 'tokenize') {
			// A missing text is an empty one (all padding) unless the policy drops the row or stops.
			t.tokenizer = fitTokenizer(textsAt(col, index), s.tokenize!);
			if (s.fill !== 'error' && s.fill !== 'dropRow') t.fillValue = '';
			out.push(t);
			continue;
		}
		if (s.step === 'oneHot' || s.step === 'labelEncode') t.categories = sortVals(distinctAt(col, index));
		const needNums = s.step === 'standardize' || s.step === 'minMax' || s.fill === 'mean' || s.fill === 'median';
		const nums = needNums ? numbersAt(col, index) : new Float64Array(0);
		if (s.step === 'standardize') {
			const mean = sum(nums) / Math.max(1, nums.length);
			let v = 0;
			for (let i = 0; i < nums.length; i++) v = v + (nums[i]! - mean) ** 2;
			v = v / Math.max(1, nums.length);
			t.params = [mean, Math.sqrt(v) || 1];
		} else if (s.step === 'minMax') {
			let lo = Infinity;
			let hi = -Infinity;
			for (const x of nums) {
				if (x < lo) lo = x;
				if (x > hi) hi = x;
			}
			t.params = [Number.isFinite(lo) ? lo : 0, Number.isFinite(hi) ? hi : 1];
		}
		if (s.fill === 'mean') t.fillValue = sum(nums) / Math.max(1, nums.length);
		else if (s.fill === 'median') {
			// A stable sort with the same comparator as before (ties such as -0 and 0 keep their order).
			const sorted = nums.slice().sort((a, b) => a - b);
			const m = sorted.length >> 1;
			t.fillValue = sorted.length === 0 ? 0 : sorted.length % 2 ? sorted[m]! : (sorted[m - 1]! + sorted[m]!) / 2;
		} else if (s.fill === 'mostFrequent') t.fillValue = mostFrequent(col, index);
		else if (s.fill === 'zero') t.fillValue = 0;
		out.push(t);
	}
	return out;
}

/** A date step: the earliest training date (elapsed days) and the fill date, from the parsed training dates. */
function fitDate(t: FeatureTransform, o: DateOptions, col: Column, index: ArrayLike<number>, scale: FeatureSpec['scale']): void {
	const read = dateReader(col, o);
	const ms: number[] = [];
	for (let j = 0; j < index.length; j++) {
		const v = read(index[j]!);
		if (typeof v === 'number') ms.push(v);
	}
	let lo = Infinity;
	for (const x of ms) if (x < lo) lo = x;
	t.date = { options: o, ...(o.elapsed === 'days' ? { origin: Number.isFinite(lo) ? lo : 0 } : {}) };
	if (scale && scale !== 'none') t.date.scale = fitDateScale(t.date, ms, scale);
	if (t.fill === 'zero') t.fillValue = 0;
	else if (t.fill === 'mean') t.fillValue = ms.length ? Math.round(ms.reduce((a, b) => a + b, 0) / ms.length) : 0;
	else if (t.fill === 'median') {
		const sorted = ms.sort((a, b) => a - b);
		const m = sorted.length >> 1;
		t.fillValue = sorted.length === 0 ? 0 : sorted.length % 2 ? sorted[m]! : Math.round((sorted[m - 1]! + sorted[m]!) / 2);
	} else if (t.fill === 'mostFrequent') {
		const counts = new Map<number, number>();
		for (const x of ms) counts.set(x, (counts.get(x) ?? 0) + 1);
		let best = 0;
		let bc = -1;
		for (const [x, c] of counts)
			if (c > bc || (c === bc && x < best)) {
				best = x;
				bc = c;
			}
		t.fillValue = best;
	}
}

/** Writes a date feature's values for a parsed cell (the fill when missing); an error message when it cannot. */
function writeDate(f: FeatureTransform, v: DateCell, out: Float32Array, k: number): string | undefined {
	if (typeof v === 'number') {
		expandDate(v, f.date!, out, k);
		return undefined;
	}
	// A row's problem reaches serve's HTTP bodies (an API): English, as the row's other messages.
	if (v !== undefined) return dateProblem(f.column, v, f.date!.options.format, undefined, trEnglish);
	if (f.fillValue === undefined) return `missing value in column \`${f.column}\` (policy \`${f.fill}\`).`;
	// `zero` writes zeros; the other fills are a date, expanded as any other.
	if (f.fill === 'zero') out.fill(0, k, k + dateWidth(f.date!.options));
	else expandDate(Number(f.fillValue), f.date!, out, k);
	return undefined;
}

/** The most frequent value; ties go to the smaller text, then to the value seen first. */
function mostFrequent(col: Column, index: ArrayLike<number>): Value {
	const counts = new Map<Value, number>();
	if (col.kind === 'number')
		for (let j = 0; j < index.length; j++) {
			const v = col.values[index[j]!]!;
			if (!Number.isNaN(v)) counts.set(v, (counts.get(v) ?? 0) + 1);
		}
	else {
		const byCode = new Float64Array(col.dict.length);
		const order: number[] = [];
		for (let j = 0; j < index.length; j++) {
			const c = col.codes[index[j]!]!;
			if (c < 0) continue;
			if (byCode[c] === 0) order.push(c);
			byCode[c] = byCode[c]! + 1;
		}
		for (const c of order) counts.set(col.dict[c]!, byCode[c]!);
	}
	let best: Value = 0;
	let bc = -1;
	for (const [v, c] of counts)
		if (c > bc || (c === bc && String(v) < String(best))) {
			best = v;
			bc = c;
		}
	return best;
}

export function inputNames(features: readonly FeatureTransform[]): string[] {
	return features.flatMap((f) =>
		f.step === 'oneHot'
			? f.categories!.map((c) => `${f.column}=${c}`)
			: f.step === 'tokenize'
				? Array.from({ length: f.tokenizer!.options.maxLength }, (_, i) => `${f.column}[${i}]`)
				: f.step === 'date'
					? dateInputNames(f.column, f.date!.options)
					: [f.column],
	);
}

/** Writes the transformed features of `row` into `out` at `offset`; returns the width. */
export function transformRow(features: readonly FeatureTransform[], row: Row, out: Float32Array, offset: number, where = ''): number {
	let k = offset;
	for (const f of features) {
		let v = own(row, f.column);
		if (f.step === 'date') {
			const problem = writeDate(f, dateCell(v, f.date!.options), out, k);
			if (problem) throw new DataError(`${where}${problem}`, undefined, undefined, f.column);
			k += dateWidth(f.date!.options);
			continue;
		}
		if (isMiss(v)) {
			if (f.fillValue === undefined)
				throw new DataError(`${where}missing value in column \`${f.column}\` (policy \`${f.fill}\`).`, undefined, undefined, f.column);
			v = f.fillValue;
		}
		switch (f.step) {
			case 'tokenize': {
				const t = f.tokenizer!;
				encodeText(String(v), t, vocabularyIndex(t), out, k);
				k += t.options.maxLength;
				continue;
			}
			case 'oneHot': {
				const i = f.categories!.indexOf(v as string | number);
				for (let c = 0; c < f.categories!.length; c++) out[k + c] = c === i ? 1 : 0;
				k += f.categories!.length;
				continue;
			}
			case 'labelEncode': {
				out[k++] = f.categories!.indexOf(v as string | number);
				continue;
			}
			default: {
				const x = typeof v === 'number' ? v : Number(v);
				if (!Number.isFinite(x))
					throw new DataError(
						`${where}column \`${f.column}\` has \`${String(v)}\`, not a number; give it a \`oneHot\` or \`labelEncode\` step.`,
						undefined,
						undefined,
						f.column,
					);
				if (f.step === 'standardize') out[k++] = (x - f.params![0]) / f.params![1];
				else if (f.step === 'minMax') out[k++] = (x - f.params![0]) / (f.params![1] - f.params![0] || 1);
				else out[k++] = x;
			}
		}
	}
	return k - offset;
}

const notNumber = (where: string, f: FeatureTransform, v: unknown) =>
	new DataError(
		`${where}column \`${f.column}\` has \`${String(v)}\`, not a number; give it a \`oneHot\` or \`labelEncode\` step.`,
		undefined,
		undefined,
		f.column,
	);

const missingValue = (where: string, f: FeatureTransform) =>
	new DataError(`${where}missing value in column \`${f.column}\` (policy \`${f.fill}\`).`, undefined, undefined, f.column);

/** First index of each category (as `indexOf`). */
function categoryIndex(categories: readonly Value[]): Map<Value, number> {
	const m = new Map<Value, number>();
	categories.forEach((c, i) => {
		if (!m.has(c)) m.set(c, i);
	});
	return m;
}

/** What transformRow writes for one (non-missing) value: the number, or for oneHot the category's index. */
function encodeValue(f: FeatureTransform, cats: Map<Value, number> | undefined, v: Value): number | undefined {
	if (cats) return cats.get(v) ?? -1;
	const x = typeof v === 'number' ? v : Number(v);
	if (!Number.isFinite(x)) return undefined;
	if (f.step === 'standardize') return (x - f.params![0]) / f.params![1];
	if (f.step === 'minMax') return (x - f.params![0]) / (f.params![1] - f.params![0] || 1);
	return x;
}

/** Rows transformed together: the output rows of a tile stay in cache while each feature writes its value. */
const TILE = 4096;

/** One feature's writer: the value of table row rows[t] into output row dests[t], for t < count. */
interface FeatureWriter {
	/** Returns the smallest output row with a problem (-1 for none); `error` then builds its error. */
	write(rows: Int32Array, dests: Int32Array, count: number): number;
	error?: (row: number) => DataError;
}

/** Token ids of a text column: each distinct text is encoded once. */
function tokenWriter(
	f: FeatureTransform,
	col: Column,
	out: Float32Array,
	width: number,
	k: number,
	at: (j: number) => string,
): FeatureWriter {
	const t = f.tokenizer!;
	const L = t.options.maxLength;
	const index = vocabularyIndex(t);
	const cache = new Map<string, Float32Array>();
	const idsOf = (text: string) => {
		let ids = cache.get(text);
		if (!ids) {
			ids = new Float32Array(L);
			encodeText(text, t, index, ids, 0);
			// Repeated texts (categories written as text) are encoded once; bounded by bytes, as
			// maxLength may be large.
			if ((cache.size + 1) * L <= CACHE_IDS) cache.set(text, ids);
		}
		return ids;
	};
	const w: FeatureWriter = {
		write(rows, dests, count) {
			let bad = -1;
			for (let r = 0; r < count; r++) {
				const v = cell(col, rows[r]!);
				const j = dests[r]!;
				const missing = v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v));
				if (missing && f.fillValue === undefined) {
					if (bad < 0 || j < bad) {
						bad = j;
						w.error = (row) => missingValue(at(row), f);
					}
					continue;
				}
				out.set(idsOf(missing ? '' : String(v)), j * width + k);
			}
			return bad;
		},
	};
	return w;
}

/** A date column's values: each distinct text parsed once. */
function dateWriter(
	f: FeatureTransform,
	col: Column,
	out: Float32Array,
	width: number,
	k: number,
	at: (j: number) => string,
): FeatureWriter {
	const read = dateReader(col, f.date!.options);
	const w: FeatureWriter = {
		write(rows, dests, count) {
			let bad = -1;
			for (let r = 0; r < count; r++) {
				const j = dests[r]!;
				const problem = writeDate(f, read(rows[r]!), out, j * width + k);
				if (problem && (bad < 0 || j < bad)) {
					bad = j;
					w.error = (row) => new DataError(`${at(row)}${problem}`, undefined, undefined, f.column);
				}
			}
			return bad;
		},
	};
	return w;
}

function featureWriter(
	f: FeatureTransform,
	table: Table,
	out: Float32Array,
	width: number,
	k: number,
	at: (j: number) => string,
): FeatureWriter {
	const col = columnOf(table, f.column);
	if (f.step === 'tokenize') return tokenWriter(f, col, out, width, k, at);
	if (f.step === 'date') return dateWriter(f, col, out, width, k, at);
	const oneHot = f.step === 'oneHot';
	const cats = oneHot || f.step === 'labelEncode' ? categoryIndex(f.categories!) : undefined;
	const fill = f.fillValue === undefined ? undefined : encodeValue(f, cats, f.fillValue);
	const fillError = f.fillValue === undefined ? (j: number) => missingValue(at(j), f) : (j: number) => notNumber(at(j), f, f.fillValue);
	if (col.kind === 'number' && !cats) {
		const vs = col.values;
		const p0 = f.params?.[0] ?? 0;
		const p1 = f.params?.[1] ?? 1;
		const span = f.step === 'minMax' ? p1 - p0 || 1 : 1;
		const step = f.step === 'standardize' ? 1 : f.step === 'minMax' ? 2 : 0;
		const w: FeatureWriter = {
			write(rows, dests, count) {
				let bad = -1;
				for (let t = 0; t < count; t++) {
					let x = vs[rows[t]!]!;
					const j = dests[t]!;
					if (Number.isNaN(x)) {
						if (fill !== undefined) out[j * width + k] = fill;
						else if (bad < 0 || j < bad) {
							bad = j;
							w.error = fillError;
						}
						continue;
					}
					if (x === Infinity || x === -Infinity) {
						if (bad < 0 || j < bad) {
							bad = j;
							const v = x;
							w.error = (r) => notNumber(at(r), f, v);
						}
						continue;
					}
					if (step === 1) x = (x - p0) / p1;
					else if (step === 2) x = (x - p0) / span;
					out[j * width + k] = x;
				}
				return bad;
			},
		};
		return w;
	}
	// Each distinct value is encoded once; rows look their code (or number) up.
	const dict: readonly Value[] = col.kind === 'category' ? col.dict : [];
	const enc = dict.map((v) => encodeValue(f, cats, v));
	const w: FeatureWriter = {
		write(rows, dests, count) {
			let bad = -1;
			for (let t = 0; t < count; t++) {
				const i = rows[t]!;
				const j = dests[t]!;
				let v: number | undefined;
				let raw: unknown;
				if (col.kind === 'category') {
					const c = col.codes[i]!;
					if (c < 0) {
						v = fill;
						raw = f.fillValue;
					} else {
						v = enc[c];
						raw = dict[c];
					}
				} else {
					const x = col.values[i]!;
					if (Number.isNaN(x)) {
						v = fill;
						raw = f.fillValue;
					} else v = cats!.get(x) ?? -1;
				}
				if (v === undefined) {
					if (bad < 0 || j < bad) {
						bad = j;
						w.error = raw === undefined ? (r) => missingValue(at(r), f) : (r) => notNumber(at(r), f, raw);
					}
					continue;
				}
				if (!oneHot) out[j * width + k] = v;
				else if (v >= 0) out[j * width + k + v] = 1;
			}
			return bad;
		},
	};
	return w;
}

/**
 * Writes the transformed features of the rows `index` of `table` into `out` (freshly zeroed, one row of
 * `width` values per index): the values transformRow writes row by row. On bad data it throws
 * transformRow's error for the first row with a problem (the first feature within it); `where` names
 * the rows as transformRow's callers do (`${where} ${row}: `), or `lineOf` gives a CSV row's file line.
 *
 * A split holding much of the table is written by walking the table in row order and scattering each
 * row to its place (the columns are read sequentially); a small one by gathering its rows in order.
 */
export function transformTable(
	features: readonly FeatureTransform[],
	table: Table,
	index: ArrayLike<number>,
	out: Float32Array,
	width: number,
	where = 'row',
	lineOf?: (row: number) => number,
): void {
	// Output row j is table row index[j]: named by its file line when the table came from a CSV file.
	const at = lineOf ? (j: number) => `line ${lineOf(index[j]!)}: ` : (j: number) => `${where} ${j + 1}: `;
	const writers: FeatureWriter[] = [];
	let k = 0;
	for (const f of features) {
		writers.push(featureWriter(f, table, out, width, k, at));
		k += featureWidthOf(f);
	}
	const n = index.length;
	const rows = new Int32Array(Math.min(TILE, n));
	const dests = new Int32Array(Math.min(TILE, n));
	let bad = -1;
	let badFeature = 0;
	let badError: ((row: number) => DataError) | undefined;
	const run = (count: number) =>
		writers.forEach((w, fi) => {
			const b = w.write(rows, dests, count);
			if (b >= 0 && (bad < 0 || b < bad || (b === bad && fi < badFeature))) {
				bad = b;
				badFeature = fi;
				badError = w.error;
			}
		});
	let dest: Int32Array | undefined;
	if (n * 4 >= table.n) {
		dest = new Int32Array(table.n).fill(-1);
		for (let j = 0; j < n && dest; j++)
			if (dest[index[j]!]! >= 0)
				dest = undefined; // a row taken twice: gather instead
			else dest[index[j]!] = j;
	}
	if (dest) {
		let c = 0;
		for (let i = 0; i < table.n; i++) {
			const j = dest[i]!;
			if (j < 0) continue;
			rows[c] = i;
			dests[c] = j;
			if (++c === TILE) {
				run(c);
				c = 0;
			}
		}
		if (c) run(c);
	} else
		for (let from = 0; from < n; from += TILE) {
			const c = Math.min(TILE, n - from);
			for (let t = 0; t < c; t++) {
				rows[t] = index[from + t]!;
				dests[t] = from + t;
			}
			run(c);
		}
	if (badError) throw badError(bad);
}

/** Writes the encoded labels of the rows `index` (and their class indices into `classes`), as encodeLabel and classIndex do. */
export function encodeLabels(
	p: Pick<Preprocessing, 'label'>,
	table: Table,
	index: ArrayLike<number>,
	out: Float32Array,
	classes?: Int32Array,
): void {
	const col = columnOf(table, p.label.column);
	const n = index.length;
	const e = p.label.encoding;
	if (e === 'value') {
		for (let j = 0; j < n; j++) out[j] = col.kind === 'number' ? col.values[index[j]!]! : Number(cell(col, index[j]!));
		if (!classes) return;
	}
	const cs = p.label.classes ?? [];
	// The shared label normalisation (core/data/labels.ts): each distinct value is looked up once.
	const lookup = classLookup(cs);
	let classOf: (i: number) => number;
	if (col.kind === 'category') {
		const byCode = col.dict.map(lookup);
		classOf = (i) => {
			const c = col.codes[i]!;
			return c < 0 ? -1 : byCode[c]!;
		};
	} else classOf = (i) => lookup(col.values[i]);
	const w = e === 'oneHot' ? cs.length : 1;
	for (let j = 0; j < n; j++) {
		const ci = classOf(index[j]!);
		if (classes) classes[j] = ci;
		if (e === 'value') continue;
		if (e === 'oneHot') {
			if (ci >= 0) out[j * w + ci] = 1;
		} else if (e === 'hinge') out[j] = ci === 1 ? 1 : -1;
		else out[j] = ci;
	}
}

export function labelWidth(p: Pick<Preprocessing, 'label'>): number {
	return p.label.encoding === 'oneHot' ? p.label.classes!.length : 1;
}

/** Class index of a label value, or -1 (labels compared as classKey normalises them: `1` and `"1.0"` are one class). */
export function classIndex(p: Pick<Preprocessing, 'label'>, v: unknown): number {
	const k = classKey(v);
	return p.label.classes && k !== null ? p.label.classes.findIndex((c) => classKey(c) === k) : -1;
}

export function encodeLabel(p: Pick<Preprocessing, 'label'>, v: unknown, out: Float32Array, offset: number): void {
	const e = p.label.encoding;
	if (e === 'value') {
		out[offset] = Number(v);
		return;
	}
	const i = classIndex(p, v);
	if (e === 'oneHot') for (let c = 0; c < p.label.classes!.length; c++) out[offset + c] = c === i ? 1 : 0;
	else if (e === 'hinge') out[offset] = i === 1 ? 1 : -1;
	else out[offset] = i;
}

/** Decodes one model output row into a label value (class name or number). */
export function decodeOutput(p: Pick<Preprocessing, 'label'>, y: ArrayLike<number>, threshold = 0.5): string | number {
	const e = p.label.encoding;
	if (e === 'value') return y[0]!;
	const classes = p.label.classes!;
	if (e === 'binary') return classes[(y[0] ?? 0) >= threshold ? 1 : 0]!;
	if (e === 'hinge') return classes[(y[0] ?? 0) >= 0 ? 1 : 0]!;
	let best = 0;
	for (let i = 1; i < y.length; i++) if (y[i]! > y[best]!) best = i;
	return classes[best]!;
}
