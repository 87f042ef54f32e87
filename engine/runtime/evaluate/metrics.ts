/**
 * Evaluation metrics computed in plain JS from predictions (exact, testable): accuracy, per-class
 * precision/recall/F1 with macro, micro and weighted averages, confusion matrix, ROC and PR curves
 * one-vs-rest with AUC / average precision; MSE, MAE, RMSE, R².
 *
 * A report stays bounded whatever the number of classes and rows (`LIMITS`): curves are stored
 * for the most supported classes only and thinned to a number of points, and the confusion
 * matrix of many classes is stored sparsely. AUCs and averages always use every class and row.
 */
import { tr } from '../messages';
import type {
	ClassificationReport,
	ClassReport,
	Curve,
	CurvePoint,
	RegressionReport,
	ReportSummarised,
	SparseConfusion,
} from '../../core/records';

/** The caps that keep a classification report's size independent of the number of classes and rows. */
export const LIMITS = {
	/** Classes whose ROC/PR curves are stored (the most supported). */
	curveClasses: 50,
	/** Points kept per stored curve. */
	curvePoints: 200,
	/** Classes up to which the confusion matrix (and each prediction's scores) is stored densely. */
	denseConfusion: 100,
	/** Off-diagonal cells kept in a sparse confusion matrix (the most frequent). */
	sparseCells: 1000,
};

/**
 * Walks the distinct scores from the highest down and calls `step` once per score (tied scores
 * form one step) with the true and false positives at or above it; returns the positives and
 * negatives. Sorts plain numbers (no comparator), fast enough to run once per class of thousands.
 * A NaN score ranks lowest.
 */
function walk(
	labels: ArrayLike<number>,
	scores: ArrayLike<number>,
	step: (tp: number, fp: number, threshold: number) => void,
): { P: number; N: number } {
	const n = scores.length;
	const all = new Float64Array(n);
	let P = 0;
	for (let i = 0; i < n; i++) {
		const v = scores[i]!;
		all[i] = Number.isNaN(v) ? -Infinity : v;
		if (labels[i] === 1) P++;
	}
	const pos = new Float64Array(P);
	for (let i = 0, p = 0; i < n; i++) if (labels[i] === 1) pos[p++] = all[i]!;
	all.sort();
	pos.sort();
	let tp = 0;
	let fp = 0;
	for (let i = n - 1, j = P - 1; i >= 0;) {
		const v = all[i]!;
		let rows = 0;
		for (; i >= 0 && all[i] === v; i--) rows++;
		let hits = 0;
		for (; j >= 0 && pos[j] === v; j--) hits++;
		tp += hits;
		fp += rows - hits;
		step(tp, fp, v);
	}
	return { P, N: n - P };
}

/** One-vs-rest ROC (x = FPR, y = TPR) and PR (x = recall, y = precision) curves from one walk; `keep` false: the AUCs only. */
function curves(labels: ArrayLike<number>, scores: ArrayLike<number>, keep: boolean): { roc: Curve; pr: Curve } {
	// P and N are only known after the walk: collect the counts, then scale.
	const counts: number[] = [];
	let auc = 0;
	let ap = 0;
	let lastTp = 0;
	let lastFp = 0;
	const { P, N } = walk(labels, scores, (tp, fp, threshold) => {
		// Trapezoids in counts (scaled by 1/2PN), and Σ (Rₙ − Rₙ₋₁)·Pₙ in counts (scaled by 1/P).
		auc += (fp - lastFp) * (tp + lastTp);
		ap += (tp - lastTp) * (tp / (tp + fp));
		lastTp = tp;
		lastFp = fp;
		if (keep) counts.push(tp, fp, threshold);
	});
	const roc: CurvePoint[] = [{ x: 0, y: 0, threshold: Infinity }];
	const pr: CurvePoint[] = [{ x: 0, y: 1, threshold: Infinity }];
	for (let k = 0; k < counts.length; k += 3) {
		const tp = counts[k]!;
		const fp = counts[k + 1]!;
		const threshold = counts[k + 2]!;
		roc.push({ x: N ? fp / N : 0, y: P ? tp / P : 0, threshold });
		pr.push({ x: P ? tp / P : 0, y: tp / (tp + fp), threshold });
	}
	return { roc: { points: roc, auc: P && N ? auc / (2 * P * N) : NaN }, pr: { points: pr, auc: P ? ap / P : NaN } };
}

/** ROC curve (x = FPR, y = TPR) of binary labels against scores; tied scores form one step. */
export const rocCurve = (labels: ArrayLike<number>, scores: ArrayLike<number>): Curve => curves(labels, scores, true).roc;

/** Precision-recall curve (x = recall, y = precision) and average precision Σ (Rₙ − Rₙ₋₁)·Pₙ. */
export const prCurve = (labels: ArrayLike<number>, scores: ArrayLike<number>): Curve => curves(labels, scores, true).pr;

/**
 * At most `max` points of a curve: the first, the last, and points spaced evenly along its length
 * (|Δx| + |Δy|), so every visible step keeps a point however many rows made the curve.
 */
export function decimate(points: CurvePoint[], max: number): CurvePoint[] {
	if (points.length <= max || max < 2) return points;
	const d = (k: number) => Math.abs(points[k]!.x - points[k - 1]!.x) + Math.abs(points[k]!.y - points[k - 1]!.y);
	let total = 0;
	for (let k = 1; k < points.length; k++) total += d(k);
	const out = [points[0]!];
	if (total > 0 && Number.isFinite(total)) {
		const spacing = total / (max - 1);
		let along = 0;
		let next = spacing;
		for (let k = 1; k < points.length - 1 && out.length < max - 1; k++) {
			along += d(k);
			if (along < next) continue;
			out.push(points[k]!);
			next = (Math.floor(along / spacing) + 1) * spacing;
		}
	} else {
		const every = (points.length - 1) / (max - 1);
		for (let j = 1; j < max - 1; j++) out.push(points[Math.round(j * every)]!);
	}
	out.push(points.at(-1)!);
	return out;
}

const div = (a: number, b: number) => (b === 0 ? 0 : a / b);

/** Class scores per row: rows of numbers, or one flat row-major array `width` wide. */
export type ScoreRows = readonly (readonly number[])[] | { readonly data: ArrayLike<number>; readonly width: number };

/** The scores of class `k` for every row (0 where a row has none). */
function column(probs: ScoreRows, n: number, k: number): Float64Array {
	const out = new Float64Array(n);
	if ('data' in probs) {
		if (k < probs.width) for (let i = 0; i < n; i++) out[i] = probs.data[i * probs.width + k]!;
	} else for (let i = 0; i < n; i++) out[i] = probs[i]?.[k] ?? 0;
	return out;
}

/**
 * `probs` holds a score per class and row (for a single sigmoid output pass [1 − p, p]);
 * `predicted[i]` is the decided class (argmax, or the threshold for binary). The report is
 * bounded by `limits` (see `LIMITS`); `summarised` says what was left out.
 */
export function classificationReport(
	truth: ArrayLike<number>,
	probs: ScoreRows,
	predicted: ArrayLike<number>,
	classes: readonly (string | number)[],
	limits: typeof LIMITS = LIMITS,
): ClassificationReport {
	const K = classes.length;
	const n = truth.length;
	const dense = K <= limits.denseConfusion;
	const cm = dense ? Array.from({ length: K }, () => new Array<number>(K).fill(0)) : undefined;
	const support = new Array<number>(K).fill(0);
	const predictedAs = new Array<number>(K).fill(0);
	const diagonal = new Array<number>(K).fill(0);
	/** Off-diagonal counts keyed actual·K + predicted (sparse case). */
	const off = new Map<number, number>();
	let correct = 0;
	for (let i = 0; i < n; i++) {
		const t = truth[i]!;
		const p = predicted[i]!;
		if (t === p) correct++;
		if (!(t >= 0 && t < K && p >= 0 && p < K)) continue;
		support[t]!++;
		predictedAs[p]!++;
		if (t === p) diagonal[t]!++;
		if (cm) cm[t]![p]!++;
		else if (t !== p) off.set(t * K + p, (off.get(t * K + p) ?? 0) + 1);
	}
	const perClass: ClassReport[] = classes.map((c, k) => {
		const precision = div(diagonal[k]!, predictedAs[k]!);
		const recall = div(diagonal[k]!, support[k]!);
		return { class: c, precision, recall, f1: div(2 * precision * recall, precision + recall), support: support[k]! };
	});
	const avg = (key: 'precision' | 'recall' | 'f1', weighted: boolean) =>
		weighted
			? div(
					perClass.reduce((a, r) => a + r[key] * r.support, 0),
					n,
				)
			: perClass.reduce((a, r) => a + r[key], 0) / Math.max(1, K);

	// One-vs-rest curves: every class counts in the AUCs; the most supported keep their points.
	const curveClasses = K === 2 ? [1] : classes.map((_, k) => k);
	const stored = new Set(
		curveClasses.length <= limits.curveClasses
			? curveClasses
			: [...curveClasses].sort((a, b) => support[b]! - support[a]! || a - b).slice(0, limits.curveClasses),
	);
	const summarised: ReportSummarised = {};
	const rocs: { class: string | number; curve: Curve }[] = [];
	const prs: { class: string | number; curve: Curve }[] = [];
	const rocAucs: number[] = [];
	const prAucs: number[] = [];
	const labels = new Uint8Array(n);
	for (const k of curveClasses) {
		for (let i = 0; i < n; i++) labels[i] = truth[i] === k ? 1 : 0;
		const scores = column(probs, n, k);
		const keep = stored.has(k);
		const { roc: r, pr: p } = curves(labels, scores, keep);
		if (Number.isFinite(r.auc)) {
			rocAucs.push(r.auc);
			perClass[k]!.rocAuc = r.auc;
		}
		if (Number.isFinite(p.auc)) {
			prAucs.push(p.auc);
			perClass[k]!.prAuc = p.auc;
		}
		if (!keep) continue;
		for (const [curve, list] of [
			[r, rocs],
			[p, prs],
		] as const) {
			if (curve.points.length > limits.curvePoints) {
				curve.points = decimate(curve.points, limits.curvePoints);
				summarised.curvePoints = limits.curvePoints;
			}
			list.push({ class: classes[k]!, curve });
		}
	}
	if (stored.size < curveClasses.length) summarised.curves = { stored: stored.size, of: curveClasses.length, by: 'support' };
	const mean = (v: number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN);

	let confusionSparse: SparseConfusion | undefined;
	if (!cm) {
		const all = [...off.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
		const cells = all.slice(0, limits.sparseCells).map(([key, count]): [number, number, number] => [Math.floor(key / K), key % K, count]);
		confusionSparse = {
			diagonal,
			cells,
			nonZeroCells: all.length,
			errors: all.reduce((a, [, c]) => a + c, 0),
			errorsInCells: cells.reduce((a, [, , c]) => a + c, 0),
		};
		summarised.denseConfusionMax = limits.denseConfusion;
	}
	// Micro averages pool the counts of every class (scikit-learn's `average='micro'`): true positives
	// over all predictions (precision) and over all true labels (recall); single-label, both are accuracy.
	let tp = 0;
	let predictions = 0;
	let truths = 0;
	for (let k = 0; k < K; k++) {
		tp += diagonal[k]!;
		predictions += predictedAs[k]!;
		truths += support[k]!;
	}
	const microP = div(tp, predictions);
	const microR = div(tp, truths);
	return {
		accuracy: div(correct, n),
		perClass,
		macro: { precision: avg('precision', false), recall: avg('recall', false), f1: avg('f1', false) },
		micro: { precision: microP, recall: microR, f1: div(2 * microP * microR, microP + microR) },
		weighted: { precision: avg('precision', true), recall: avg('recall', true), f1: avg('f1', true) },
		...(cm ? { confusionMatrix: cm } : {}),
		...(confusionSparse ? { confusionSparse } : {}),
		roc: rocs,
		pr: prs,
		rocAuc: mean(rocAucs),
		prAuc: mean(prAucs),
		...(Object.keys(summarised).length ? { summarised } : {}),
	};
}

/** What a report summarised, in words for `Evaluation.notes` (empty when nothing was). */
export function summaryNotes(c: ClassificationReport): string[] {
	const s = c.summarised;
	if (!s) return [];
	const notes: string[] = [];
	if (s.curves) notes.push(tr('eval.curvesStored', { stored: s.curves.stored, of: s.curves.of }));
	if (s.curvePoints) notes.push(tr('eval.curvesThinned', { points: s.curvePoints }));
	if (c.confusionSparse) {
		const z = c.confusionSparse;
		notes.push(
			tr('eval.sparseConfusion', {
				n: c.perClass.length,
				max: s.denseConfusionMax ?? LIMITS.denseConfusion,
				cells: z.cells.length,
				nonZero: z.nonZeroCells,
				inCells: z.errorsInCells,
				errors: z.errors,
			}),
		);
	}
	return notes;
}

export function regressionReport(actual: readonly number[], predicted: readonly number[]): RegressionReport {
	const n = actual.length;
	let se = 0;
	let ae = 0;
	const mean = actual.reduce((a, b) => a + b, 0) / Math.max(1, n);
	let ss = 0;
	actual.forEach((y, i) => {
		const e = y - predicted[i]!;
		se += e * e;
		ae += Math.abs(e);
		ss += (y - mean) ** 2;
	});
	const mse = se / Math.max(1, n);
	return { mse, mae: ae / Math.max(1, n), rmse: Math.sqrt(mse), r2: ss === 0 ? NaN : 1 - se / ss };
}
