/** Evaluates a trained model on a split: the report the evaluation panel and evaluation.json show. */
import * as tf from '@tensorflow/tfjs';
import type { ResolvedConfig } from '../../core/config/resolve';
import type { PreparedData, SplitArrays } from '../data/prepare';
import type { Preprocessing } from '../data/preprocess';
import type { Evaluation } from '../../core/records';
import { classificationReport, regressionReport } from './metrics';
import { argmax } from '../../core/arrays';

export const MAX_PREDICTIONS = 5000;

export function pickSplit(config: ResolvedConfig, data: PreparedData): 'test' | 'validation' | 'train' {
	const want = config.evaluation.split;
	if (want !== 'auto' && data[want]) return want;
	return data.test ? 'test' : data.validation ? 'validation' : 'train';
}

export function predictArrays(model: tf.LayersModel, pre: Preprocessing, s: SplitArrays): number[][] {
	return tf.tidy(() => {
		const p = model.predict(tf.tensor(s.x, [s.n, ...pre.inputShape]), { batchSize: 1024 }) as tf.Tensor;
		return p.reshape([s.n, -1]).arraySync() as number[][];
	});
}

export function evaluateModel(
	model: tf.LayersModel,
	config: ResolvedConfig,
	data: PreparedData,
	split = pickSplit(config, data),
): Evaluation {
	const pre = data.preprocessing;
	const s = data[split]!;
	const out = predictArrays(model, pre, s);
	const ev: Evaluation = { split, rows: s.n, task: pre.task, metrics: {}, predictions: [] };
	const featureCols = pre.features.map((f) => f.column);
	ev.inputs = s.rows.slice(0, MAX_PREDICTIONS).map((r) => Object.fromEntries(featureCols.map((c) => [c, r[c] ?? null])));
	const wanted = config.evaluation.metrics;
	const keep = (k: string) => !wanted || (wanted as readonly string[]).includes(k);
	if (pre.task === 'regression') {
		const actual = Array.from(s.y);
		const predicted = out.map((r) => r[0]!);
		const r = regressionReport(actual, predicted);
		ev.regression = r;
		for (const k of ['mse', 'mae', 'rmse', 'r2'] as const) if (keep(k)) ev.metrics[k] = r[k];
		ev.predictions = actual.slice(0, MAX_PREDICTIONS).map((a, i) => ({ actual: a, predicted: predicted[i]! }));
		const cols = pre.features.map((f) => f.column);
		if (cols.length === 1) {
			const xs = s.rows.slice(0, MAX_PREDICTIONS).map((r) => r[cols[0]!]);
			if (xs.every((v) => typeof v === 'number')) ev.features = { [cols[0]!]: xs };
		}
		return ev;
	}
	const classes = pre.label.classes!;
	const binaryOut = out[0]?.length === 1;
	const threshold = pre.label.encoding === 'hinge' ? 0 : config.evaluation.threshold;
	const probs = binaryOut ? out.map((r) => [1 - r[0]!, r[0]!]) : out;
	const predicted = binaryOut ? out.map((r) => (r[0]! >= threshold ? 1 : 0)) : out.map((r) => argmax(r));
	const truth = Array.from(s.classes!);
	const c = classificationReport(truth, probs, predicted, classes);
	ev.classification = c;
	const avg = config.evaluation.average;
	if (keep('accuracy')) ev.metrics.accuracy = c.accuracy;
	if (keep('precision')) ev.metrics.precision = c[avg].precision;
	if (keep('recall')) ev.metrics.recall = c[avg].recall;
	if (keep('f1')) ev.metrics.f1 = c[avg].f1;
	if (keep('rocAuc')) ev.metrics.rocAuc = c.rocAuc;
	if (keep('prAuc')) ev.metrics.prAuc = c.prAuc;
	ev.predictions = truth
		.slice(0, MAX_PREDICTIONS)
		.map((t, i) => ({ actual: classes[t]!, predicted: classes[predicted[i]!]!, scores: probs[i]! }));
	return ev;
}
