/**
 * Issue #11 item 8: arrays whose length comes from user data never go into a call as arguments
 * (`Math.min(...xs)`, `push(...xs)`, `splice(i, 0, ...xs)` overflow the stack past ~120k elements).
 * 300k elements each: a pruned trial's intermediate values (epochs go up to 1e6), the model
 * summary's rows (layers are unbounded), the model card's ONNX inputs (one per column).
 */
import * as assert from 'node:assert/strict';
import { bestIntermediate } from '../../engine/core/tune/pruning';
import { summaryTable } from '../../engine/core/shapes/summary';
import type { ModelShapeInfo } from '../../engine/core/shapes/infer';
import { withOnnxSection } from '../../engine/runtime/export/card';
import type { OnnxSummary } from '../../engine/runtime/export/onnx';

const N = 300_000;

describe('300k-element arrays do not overflow the stack', () => {
	it("a pruned trial's best intermediate value over 300k epochs", () => {
		const xs = Array.from({ length: N }, (_, i) => (i === 7 ? NaN : 1 + ((i * 7919) % N) / N));
		xs[123_456] = 0.5;
		xs[234_567] = 3;
		assert.equal(bestIntermediate(xs, 1), 0.5);
		assert.equal(bestIntermediate(xs, -1), 3);
		assert.equal(bestIntermediate([NaN, Infinity], 1), undefined);
		assert.equal(bestIntermediate([], -1), undefined);
	});

	it('the summary table of a 300k-layer model', () => {
		const shapes: ModelShapeInfo = {
			inputShape: [null, 4],
			layers: Array.from({ length: N }, (_, i) => ({
				index: i,
				type: 'dense' as const,
				name: `dense_${i + 1}`,
				outputShape: [null, 4],
				trainableParams: 20,
				from: [i === 0 ? 'input' : `dense_${i}`],
				sources: [i - 1],
			})),
			totalParams: 20 * N,
			trainableParams: 20 * N,
			nonTrainableParams: 0,
		};
		const table = summaryTable('deep', shapes);
		const rows = table.split('\n').filter((l) => l.startsWith('dense_'));
		assert.equal(rows.length, N);
		// Columns are as wide as the widest cell: the last layer's name.
		assert.match(rows.at(-1)!, /^dense_300000 \(dense\)   \[null, 4\]/);
		assert.match(rows[0]!, /^dense_1 \(dense\) {8}/);
	});

	it("the model card's ONNX section with 300k inputs", () => {
		const onnx: OnnxSummary = {
			opset: 17,
			irVersion: 8,
			usesMl: false,
			inputs: Array.from({ length: N }, (_, i) => ({ name: `c${i}`, type: 'double' as const, shape: ['N', 1], missing: 'NaN' })),
			outputs: [{ name: 'scores', type: 'float', shape: ['N', 1] }],
			nodes: 1,
		};
		const card = withOnnxSection('# m\n\n## Evaluation\n\nok\n\n## Limitations\n\nnone', onnx).split('\n');
		assert.equal(card.filter((l) => /^\| c\d+ \| double/.test(l)).length, N);
		assert.ok(card.indexOf('## ONNX') > card.indexOf('## Evaluation'));
		assert.ok(card.indexOf('## ONNX') < card.indexOf('## Limitations'));
		assert.equal(card.at(-1), 'none');
	});
});
