/**
 * Evaluation metrics computed in plain JS from predictions (small arrays; exact, testable):
 * accuracy, per-class precision/recall/F1 with macro and weighted averages, confusion matrix,
 * ROC and PR curves one-vs-rest with AUC / average precision; MSE, MAE, RMSE, R².
 */
import type { ClassificationReport, ClassReport, Curve, CurvePoint, RegressionReport } from '../../core/records';

/** ROC curve (x = FPR, y = TPR) of binary labels against scores; tied scores form one step. */
export function rocCurve(labels: readonly number[], scores: readonly number[]): Curve {
	const order = scores.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
	const P = labels.filter((l) => l === 1).length;
	const N = labels.length - P;
	const points: CurvePoint[] = [{ x: 0, y: 0, threshold: Infinity }];
	let tp = 0;
	let fp = 0;
	for (let k = 0; k < order.length; k++) {
		const i = order[k]!;
		if (labels[i] === 1) tp++;
		else fp++;
		const next = order[k + 1];
		if (next !== undefined && scores[next] === scores[i]) continue;
		points.push({ x: N ? fp / N : 0, y: P ? tp / P : 0, threshold: scores[i]! });
	}
	let auc = 0;
	for (let k = 1; k < points.length; k++) auc += ((points[k]!.x - points[k - 1]!.x) * (points[k]!.y + points[k - 1]!.y)) / 2;
	return { points, auc: P && N ? auc : NaN };
}

/** Precision-recall curve (x = recall, y = precision) and average precision Σ (Rₙ − Rₙ₋₁)·Pₙ. */
export function prCurve(labels: readonly number[], scores: readonly number[]): Curve {
	const order = scores.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
	const P = labels.filter((l) => l === 1).length;
	const points: CurvePoint[] = [{ x: 0, y: 1, threshold: Infinity }];
	let tp = 0;
	let fp = 0;
	let ap = 0;
	let lastR = 0;
	for (let k = 0; k < order.length; k++) {
		const i = order[k]!;
		if (labels[i] === 1) tp++;
		else fp++;
		const next = order[k + 1];
		if (next !== undefined && scores[next] === scores[i]) continue;
		const r = P ? tp / P : 0;
		const p = tp / (tp + fp);
		ap += (r - lastR) * p;
		lastR = r;
		points.push({ x: r, y: p, threshold: scores[i]! });
	}
	return { points, auc: P ? ap : NaN };
}

const div = (a: number, b: number) => (b === 0 ? 0 : a / b);

/**
 * `probs[i]` holds a score per class (for a single sigmoid output pass [1 − p, p]);
 * `predicted[i]` is the decided class (argmax, or the threshold for binary).
 */
export function classificationReport(
	truth: readonly number[],
	probs: readonly (readonly number[])[],
	predicted: readonly number[],
	classes: readonly (string | number)[],
): ClassificationReport {
	const K = classes.length;
	const cm = Array.from({ length: K }, () => new Array<number>(K).fill(0));
	truth.forEach((t, i) => {
		if (t >= 0 && t < K) cm[t]![predicted[i]!]!++;
	});
	const n = truth.length;
	const correct = truth.filter((t, i) => t === predicted[i]).length;
	const perClass: ClassReport[] = classes.map((c, k) => {
		const tp = cm[k]![k]!;
		const support = cm[k]!.reduce((a, b) => a + b, 0);
		const predK = cm.reduce((a, row) => a + row[k]!, 0);
		const precision = div(tp, predK);
		const recall = div(tp, support);
		return { class: c, precision, recall, f1: div(2 * precision * recall, precision + recall), support };
	});
	const avg = (key: 'precision' | 'recall' | 'f1', weighted: boolean) =>
		weighted
			? div(
					perClass.reduce((a, r) => a + r[key] * r.support, 0),
					n,
				)
			: perClass.reduce((a, r) => a + r[key], 0) / Math.max(1, K);
	const curveClasses = K === 2 ? [1] : classes.map((_, k) => k);
	const roc = curveClasses.map((k) => ({
		class: classes[k]!,
		curve: rocCurve(
			truth.map((t) => (t === k ? 1 : 0)),
			probs.map((p) => p[k] ?? 0),
		),
	}));
	const pr = curveClasses.map((k) => ({
		class: classes[k]!,
		curve: prCurve(
			truth.map((t) => (t === k ? 1 : 0)),
			probs.map((p) => p[k] ?? 0),
		),
	}));
	const meanOf = (cs: { curve: Curve }[]) => {
		const v = cs.map((c) => c.curve.auc).filter((a) => Number.isFinite(a));
		return v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN;
	};
	return {
		accuracy: div(correct, n),
		perClass,
		macro: { precision: avg('precision', false), recall: avg('recall', false), f1: avg('f1', false) },
		weighted: { precision: avg('precision', true), recall: avg('recall', true), f1: avg('f1', true) },
		confusionMatrix: cm,
		roc,
		pr,
		rocAuc: meanOf(roc),
		prAuc: meanOf(pr),
	};
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
