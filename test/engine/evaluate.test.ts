/** Evaluation metrics against hand-computed references. */
import * as assert from 'node:assert/strict';
import { classificationReport, prCurve, regressionReport, rocCurve } from '../../engine/runtime/evaluate/metrics';

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

	it('MSE, MAE, RMSE and R²', () => {
		const r = regressionReport([3, -0.5, 2, 7], [2.5, 0, 2, 8]);
		close(r.mse, 0.375);
		close(r.mae, 0.5);
		close(r.rmse, Math.sqrt(0.375));
		close(r.r2, 0.9486081370449679);
	});
});
