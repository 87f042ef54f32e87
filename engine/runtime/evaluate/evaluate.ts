/** Evaluates a trained model on a split: the report the evaluation panel and evaluation.json show. */
import { tr } from '../messages';
import * as tf from '@tensorflow/tfjs';
import { predictRowsFlat } from '../model/inputs';
import type { ResolvedConfig } from '../../core/config/resolve';
import type { PreparedData, SplitArrays } from '../data/prepare';
import type { Preprocessing } from '../data/preprocess';
import type { Evaluation, MisclassifiedImage } from '../../core/records';
import { classificationReport, LIMITS, regressionReport, summaryNotes, type ScoreRows } from './metrics';
import { argmax } from '../../core/arrays';
import { encodePng } from '../data/images';

export const MAX_PREDICTIONS = 5000;
/** Misclassified images kept as thumbnails in evaluation.json, and their largest side in pixels. */
export const MAX_MISCLASSIFIED = 24;
export const THUMBNAIL_SIDE = 64;

export function pickSplit(config: ResolvedConfig, data: PreparedData): 'test' | 'validation' | 'train' {
	const want = config.evaluation.split;
	if (want !== 'auto' && data[want]) return want;
	return data.test ? 'test' : data.validation ? 'validation' : 'train';
}

/** The model's outputs for a split, one flat row-major array `width` wide (n × classes floats, not n arrays). */
export function predictArrays(model: tf.LayersModel, pre: Preprocessing, s: SplitArrays): { data: Float32Array; width: number } {
	// Read outside tidy: tidy walks what its function returns, element by element for a typed array.
	const p = tf.tidy(() => predictRowsFlat(model, pre, s.x, s.n, 1024));
	try {
		return { data: p.dataSync() as Float32Array, width: p.shape[1] ?? 1 };
	} finally {
		p.dispose();
	}
}

export function evaluateModel(
	model: tf.LayersModel,
	config: ResolvedConfig,
	data: PreparedData,
	split = pickSplit(config, data),
): Evaluation {
	const pre = data.preprocessing;
	const s = data[split]!;
	const { data: out, width } = predictArrays(model, pre, s);
	const ev: Evaluation = { split, rows: s.n, task: pre.task, metrics: {}, predictions: [] };
	const featureCols = pre.features.map((f) => f.column);
	ev.inputs = s.rows.slice(0, MAX_PREDICTIONS).map((r) => Object.fromEntries(featureCols.map((c) => [c, r[c] ?? null])));
	const wanted = config.evaluation.metrics;
	const keep = (k: string) => !wanted || (wanted as readonly string[]).includes(k);
	if (pre.task === 'regression') {
		const actual = Array.from(s.y);
		const predicted = Array.from({ length: s.n }, (_, i) => out[i * width]!);
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
	const binaryOut = width === 1;
	const threshold = pre.label.encoding === 'hinge' ? 0 : config.evaluation.threshold;
	const n = s.n;
	const row = (i: number): ArrayLike<number> => (binaryOut ? [1 - out[i]!, out[i]!] : out.subarray(i * width, (i + 1) * width));
	let probs: ScoreRows = { data: out, width };
	if (binaryOut) {
		const two = new Float64Array(2 * n);
		for (let i = 0; i < n; i++) two.set(row(i), 2 * i);
		probs = { data: two, width: 2 };
	}
	const predicted = new Int32Array(n);
	for (let i = 0; i < n; i++) predicted[i] = binaryOut ? (out[i]! >= threshold ? 1 : 0) : argmax(row(i));
	const truth = s.classes!;
	const c = classificationReport(truth, probs, predicted, classes);
	ev.classification = c;
	// Scores of every class per prediction only while they stay small (as the dense confusion matrix).
	const withScores = classes.length <= LIMITS.denseConfusion;
	const notes = summaryNotes(c);
	if (!withScores) notes.push(tr('eval.perClassLeftOut', { n: classes.length, max: LIMITS.denseConfusion }));
	if (notes.length) ev.notes = notes;
	const avg = config.evaluation.average;
	if (keep('accuracy')) ev.metrics.accuracy = c.accuracy;
	if (keep('precision')) ev.metrics.precision = c[avg].precision;
	if (keep('recall')) ev.metrics.recall = c[avg].recall;
	if (keep('f1')) ev.metrics.f1 = c[avg].f1;
	if (keep('rocAuc')) ev.metrics.rocAuc = c.rocAuc;
	if (keep('prAuc')) ev.metrics.prAuc = c.prAuc;
	if (pre.image) ev.misclassified = misclassifiedImages(pre, s, truth, predicted, (i) => row(i)[predicted[i]!]!);
	ev.predictions = Array.from(truth.subarray(0, MAX_PREDICTIONS), (t, i) => ({
		actual: classes[t]!,
		predicted: classes[predicted[i]!]!,
		...(withScores ? { scores: Array.from(row(i)) } : {}),
	}));
	return ev;
}

/** The first MAX_MISCLASSIFIED wrong predictions of an images split, as PNGs of the model's input pixels. */
function misclassifiedImages(
	pre: Preprocessing,
	s: SplitArrays,
	truth: Int32Array,
	predicted: Int32Array,
	score: (i: number) => number,
): NonNullable<Evaluation['misclassified']> {
	const [h, w] = pre.image!.size;
	const c = pre.image!.channels;
	const size = h * w * c;
	const classes = pre.label.classes!;
	const images: MisclassifiedImage[] = [];
	let errors = 0;
	for (let i = 0; i < s.n; i++) {
		if (truth[i] === predicted[i]) continue;
		errors++;
		if (images.length >= MAX_MISCLASSIFIED) continue;
		const file = i < s.rows.length ? s.rows[i]!.image : undefined;
		images.push({
			png: encodePng(s.x.subarray(i * size, (i + 1) * size), h, w, c, THUMBNAIL_SIDE).toString('base64'),
			actual: classes[truth[i]!]!,
			predicted: classes[predicted[i]!]!,
			score: score(i),
			...(typeof file === 'string' ? { file } : {}),
		});
	}
	return { errors, images };
}
