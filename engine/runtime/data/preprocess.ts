/**
 * Preprocessing fitted on the training rows only (no leakage) and serialisable, so the run,
 * the exported model and `predict` apply exactly the same transforms.
 */
import type { Row } from './generators';
import { DataError } from './csv';

export type FillPolicy = 'error' | 'dropRow' | 'mean' | 'median' | 'mostFrequent' | 'zero';
export type ColumnStepName = 'none' | 'standardize' | 'minMax' | 'oneHot' | 'labelEncode' | 'drop';

export interface FeatureTransform {
	column: string;
	step: Exclude<ColumnStepName, 'drop'>;
	fill: FillPolicy;
	/** Fitted fill value (mean/median/mostFrequent/zero). */
	fillValue?: number | string;
	/** standardize: [mean, std]; minMax: [min, max]. */
	params?: [number, number];
	/** oneHot / labelEncode categories (from the training rows), sorted. */
	categories?: (string | number)[];
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
}

export interface FeatureSpec {
	column: string;
	step: ColumnStepName;
	fill: FillPolicy;
	numeric: boolean;
}

const isMiss = (v: unknown) => v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v));

function sortVals(vals: (string | number)[]): (string | number)[] {
	return vals.sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b))));
}

/** Fits the feature transforms on `train` rows. */
export function fitFeatures(specs: readonly FeatureSpec[], train: readonly Row[]): FeatureTransform[] {
	const out: FeatureTransform[] = [];
	for (const s of specs) {
		if (s.step === 'drop') continue;
		const vals = train.map((r) => r[s.column]).filter((v) => !isMiss(v)) as (number | string)[];
		const t: FeatureTransform = { column: s.column, step: s.step, fill: s.fill };
		if (s.step === 'oneHot' || s.step === 'labelEncode') t.categories = sortVals([...new Set(vals)]);
		const nums = vals.filter((v): v is number => typeof v === 'number');
		if (s.step === 'standardize') {
			const mean = nums.reduce((a, b) => a + b, 0) / Math.max(1, nums.length);
			const v = nums.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, nums.length);
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
		if (s.fill === 'mean') t.fillValue = nums.reduce((a, b) => a + b, 0) / Math.max(1, nums.length);
		else if (s.fill === 'median') {
			const sorted = [...nums].sort((a, b) => a - b);
			const m = sorted.length >> 1;
			t.fillValue = sorted.length === 0 ? 0 : sorted.length % 2 ? sorted[m]! : (sorted[m - 1]! + sorted[m]!) / 2;
		} else if (s.fill === 'mostFrequent') {
			const counts = new Map<string | number, number>();
			for (const v of vals) counts.set(v, (counts.get(v) ?? 0) + 1);
			let best: string | number = 0;
			let bc = -1;
			for (const [v, c] of counts)
				if (c > bc || (c === bc && String(v) < String(best))) {
					best = v;
					bc = c;
				}
			t.fillValue = best;
		} else if (s.fill === 'zero') t.fillValue = 0;
		out.push(t);
	}
	return out;
}

export function inputNames(features: readonly FeatureTransform[]): string[] {
	return features.flatMap((f) => (f.step === 'oneHot' ? f.categories!.map((c) => `${f.column}=${c}`) : [f.column]));
}

/** Writes the transformed features of `row` into `out` at `offset`; returns the width. */
export function transformRow(features: readonly FeatureTransform[], row: Row, out: Float32Array, offset: number, where = ''): number {
	let k = offset;
	for (const f of features) {
		let v = row[f.column];
		if (isMiss(v)) {
			if (f.fillValue === undefined)
				throw new DataError(`${where}missing value in column \`${f.column}\` (policy \`${f.fill}\`).`, undefined, undefined, f.column);
			v = f.fillValue;
		}
		switch (f.step) {
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

export function labelWidth(p: Pick<Preprocessing, 'label'>): number {
	return p.label.encoding === 'oneHot' ? p.label.classes!.length : 1;
}

/** Class index of a label value, or -1. */
export function classIndex(p: Pick<Preprocessing, 'label'>, v: unknown): number {
	return p.label.classes ? p.label.classes.findIndex((c) => c === v || String(c) === String(v)) : -1;
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
