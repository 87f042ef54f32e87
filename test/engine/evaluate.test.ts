/** Evaluation metrics against hand-computed references. */
import * as assert from 'node:assert/strict';
import {
	classificationReport,
	decimate,
	LIMITS,
	prCurve,
	regressionReport,
	rocCurve,
	summaryNotes,
} from '../../engine/runtime/evaluate/metrics';

const close = (a: number, b: number, msg = '') => assert.ok(Math.abs(a - b) < 1e-9, `${msg} ${a} vs ${b}`);

describe('engine/evaluate/metrics', () => {
	it('ROC AUC of y=[0,0,1,1], scores=[0.1,0.4,0.35,0.8] is 0.75', () => {
		const r = rocCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]);
		close(r.auc, 0.75);
		assert.deepEqual(
			r.points.map((p) => [p.x, p.y]),
			[
				[0, 0],
				[0, 0.5],
				[0.5, 0.5],
				[0.5, 1],
				[1, 1],
			],
		);
	});

	it('ROC treats tied scores as one step (AUC 0.5 for all-equal scores); perfect ranking gives 1', () => {
		close(rocCurve([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5]).auc, 0.5);
		close(rocCurve([0, 0, 1], [0.1, 0.2, 0.9]).auc, 1);
	});

	it('average precision matches the hand computation', () => {
		// Ranked: 0.8(1) 0.4(0) 0.35(1) 0.1(0): AP = 0.5·1 + 0.5·(2/3).
		close(prCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]).auc, 0.5 + 0.5 * (2 / 3));
	});

	it('precision/recall/F1 per class, macro and weighted, confusion matrix', () => {
		// truth:     0 0 0 1 1 2
		// predicted: 0 0 1 1 2 2
		const truth = [0, 0, 0, 1, 1, 2];
		const pred = [0, 0, 1, 1, 2, 2];
		const probs = pred.map((p) => [0, 1, 2].map((k) => (k === p ? 0.8 : 0.1)));
		const r = classificationReport(truth, probs, pred, ['a', 'b', 'c']);
		assert.deepEqual(r.confusionMatrix, [
			[2, 1, 0],
			[0, 1, 1],
			[0, 0, 1],
		]);
		close(r.accuracy, 4 / 6);
		const [a, b, c] = r.perClass;
		close(a!.precision, 1);
		close(a!.recall, 2 / 3);
		close(a!.f1, 0.8);
		close(b!.precision, 0.5);
		close(b!.recall, 0.5);
		close(b!.f1, 0.5);
		close(c!.precision, 0.5);
		close(c!.recall, 1);
		close(c!.f1, 2 / 3);
		close(r.macro.f1, (0.8 + 0.5 + 2 / 3) / 3);
		close(r.weighted.f1, (0.8 * 3 + 0.5 * 2 + (2 / 3) * 1) / 6);
		close(r.macro.precision, 2 / 3);
		assert.equal(r.roc.length, 3);
	});

	it('binary reports one ROC curve for the positive class', () => {
		const r = classificationReport(
			[0, 0, 1, 1],
			[0.1, 0.4, 0.35, 0.8].map((p) => [1 - p, p]),
			[0, 0, 0, 1],
			[0, 1],
		);
		assert.equal(r.roc.length, 1);
		close(r.rocAuc, 0.75);
	});

	it('many classes are summarised: curves of the most supported classes, thinned; a sparse confusion matrix; AUCs of every class', () => {
		// 6 classes, class k has k + 1 rows; every row of class k is predicted as (k + 1) % 6 once, else right.
		const truth: number[] = [];
		const pred: number[] = [];
		for (let k = 0; k < 6; k++)
			for (let j = 0; j <= k; j++) {
				truth.push(k);
				pred.push(j === 0 ? (k + 1) % 6 : k);
			}
		const rnd = (i: number) => ((i * 7919) % 101) / 101;
		const probs = truth.map((t, i) => [0, 1, 2, 3, 4, 5].map((k) => (k === t ? 0.5 : 0) + rnd(i * 6 + k) * 0.6));
		const classes = ['a', 'b', 'c', 'd', 'e', 'f'];
		const full = classificationReport(truth, probs, pred, classes);
		const limits = { curveClasses: 2, curvePoints: 4, denseConfusion: 3, sparseCells: 2 };
		const r = classificationReport(truth, probs, pred, classes, limits);
		assert.equal(full.summarised, undefined, 'small reports are complete');
		assert.equal(full.roc.length, 6);
		// Curves: only the two most supported classes (f: 6 rows, e: 5), in class order, thinned to 4 points.
		assert.deepEqual(
			r.roc.map((c) => c.class),
			['e', 'f'],
		);
		assert.deepEqual(
			r.pr.map((c) => c.class),
			['e', 'f'],
		);
		for (const c of [...r.roc, ...r.pr]) assert.ok(c.curve.points.length <= 4, `${c.curve.points.length} points`);
		const fullE = full.roc.find((c) => c.class === 'e')!.curve;
		assert.deepEqual(r.roc[0]!.curve.points[0], fullE.points[0], 'the first point is kept');
		assert.deepEqual(r.roc[0]!.curve.points.at(-1), fullE.points.at(-1), 'the last point is kept');
		close(r.roc[0]!.curve.auc, fullE.auc, 'the AUC comes from every point');
		// The macro AUCs still average every class, and each class keeps its own.
		close(r.rocAuc, full.rocAuc, 'macro ROC AUC');
		close(r.prAuc, full.prAuc, 'macro PR AUC');
		full.roc.forEach((c, k) => close(r.perClass[k]!.rocAuc!, c.curve.auc, `ROC AUC of ${c.class}`));
		full.pr.forEach((c, k) => close(r.perClass[k]!.prAuc!, c.curve.auc, `AP of ${c.class}`));
		// Confusions: sparse above 3 classes, the 2 most frequent cells; per-class figures unchanged.
		assert.equal(r.confusionMatrix, undefined);
		const z = r.confusionSparse!;
		assert.deepEqual(z.diagonal, [0, 1, 2, 3, 4, 5]);
		assert.equal(z.nonZeroCells, 6);
		assert.equal(z.errors, 6);
		assert.deepEqual(z.cells, [
			[0, 1, 1],
			[1, 2, 1],
		]);
		assert.equal(z.errorsInCells, 2);
		assert.deepEqual(r.perClass, full.perClass);
		assert.equal(r.accuracy, full.accuracy);
		assert.deepEqual(r.macro, full.macro);
		assert.deepEqual(r.summarised, { curves: { stored: 2, of: 6, by: 'support' }, curvePoints: 4, denseConfusionMax: 3 });
		const notes = summaryNotes(r);
		assert.equal(notes.length, 3, notes.join('\n'));
		assert.match(notes[0]!, /curves are stored for the 2 most supported of 6 classes/);
		assert.match(notes[1]!, /at most 4 points/);
		assert.match(
			notes[2]!,
			/confusion matrix of 6 classes .* sparsely: the diagonal and the 2 most frequent of 6 confusions \(2 of 6 misclassified rows\)/,
		);
		assert.deepEqual(summaryNotes(full), []);
	});

	it('the default limits bound a report of 1,500 classes and 3,000 rows', () => {
		const K = 1500;
		const n = 3000;
		const data = new Float32Array(n * K);
		for (let i = 0; i < data.length; i++) data[i] = ((i * 2654435761) % 1000) / 1000;
		const truth = Int32Array.from({ length: n }, (_, i) => i % K);
		const pred = Int32Array.from({ length: n }, (_, i) => (i * 7) % K);
		const r = classificationReport(
			truth,
			{ data, width: K },
			pred,
			Array.from({ length: K }, (_, k) => `c${k}`),
		);
		assert.equal(r.roc.length, LIMITS.curveClasses);
		assert.ok(r.roc.every((c) => c.curve.points.length <= LIMITS.curvePoints));
		assert.equal(r.confusionMatrix, undefined);
		assert.ok(r.confusionSparse!.cells.length <= LIMITS.sparseCells);
		assert.ok(Number.isFinite(r.rocAuc));
		assert.ok(JSON.stringify(r, null, 2).length < 3_000_000, `${JSON.stringify(r, null, 2).length} characters`);
	});

	it('decimation keeps the ends and at most the cap, spread along the curve', () => {
		const pts = Array.from({ length: 1001 }, (_, i) => ({ x: i / 1000, y: Math.sqrt(i / 1000), threshold: 1 - i / 1000 }));
		const d = decimate(pts, 50);
		assert.ok(d.length <= 50 && d.length >= 40, `${d.length}`);
		assert.deepEqual(d[0], pts[0]);
		assert.deepEqual(d.at(-1), pts.at(-1));
		for (let k = 1; k < d.length; k++) assert.ok(d[k]!.x > d[k - 1]!.x, 'in order, no repeats');
		assert.equal(decimate(pts.slice(0, 10), 50).length, 10, 'short curves are untouched');
	});

	it('MSE, MAE, RMSE and R²', () => {
		const r = regressionReport([3, -0.5, 2, 7], [2.5, 0, 2, 8]);
		close(r.mse, 0.375);
		close(r.mae, 0.5);
		close(r.rmse, Math.sqrt(0.375));
		close(r.r2, 0.9486081370449679);
	});
});
