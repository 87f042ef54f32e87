/**
 * Issue #11 item 8: arrays whose length comes from user data never go into a call as arguments
 * (`Math.min(...xs)`, `push(...xs)`, `splice(i, 0, ...xs)` overflow the stack past ~120k elements).
 * 300k elements each: a pruned trial's intermediate values (epochs go up to 1e6), the model
 * summary's rows (layers are unbounded), the model card's ONNX inputs (one per column, both where
 * the card is written and where export replaces its section), tune's trial table (the schema caps a
 * sweep at 100,000 trials; 300k is the size every site here is checked at), cv's data warnings (one
 * per feature column empty in training) and the embedding check's tokenized columns.
 */
import * as assert from 'node:assert/strict';
import { bestIntermediate } from '../../engine/core/tune/pruning';
import { summaryTable } from '../../engine/core/shapes/summary';
import type { ModelShapeInfo } from '../../engine/core/shapes/infer';
import { modelCard, withOnnxSection, type CardInput } from '../../engine/runtime/export/card';
import type { OnnxSummary } from '../../engine/runtime/export/onnx';
import { trialTable } from '../../engine/cli/commands/tune';
import { firstFoldWarnings } from '../../engine/cli/commands/cv';
import { embeddingChecks } from '../../engine/core/config/inputs';
import type { ResolvedConfig } from '../../engine/core/config/resolve';
import type { SweepState } from '../../engine/core/tune/protocol';
import type { EngineEvent } from '../../engine/core/protocol';

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

	const onnx: OnnxSummary = {
		opset: 17,
		irVersion: 8,
		usesMl: false,
		inputs: Array.from({ length: N }, (_, i) => ({ name: `c${i}`, type: 'double' as const, shape: ['N', 1], missing: 'NaN' })),
		outputs: [{ name: 'scores', type: 'float', shape: ['N', 1] }],
		nodes: 1,
	};

	it("the model card's ONNX section with 300k inputs", () => {
		const card = withOnnxSection('# m\n\n## Evaluation\n\nok\n\n## Limitations\n\nnone', onnx).split('\n');
		assert.equal(card.filter((l) => /^\| c\d+ \| double/.test(l)).length, N);
		assert.ok(card.indexOf('## ONNX') > card.indexOf('## Evaluation'));
		assert.ok(card.indexOf('## ONNX') < card.indexOf('## Limitations'));
		assert.equal(card.at(-1), 'none');
	});

	it('a model card written with an ONNX file of 300k inputs', () => {
		// Only what modelCard reads: a regression on one feature, a model with no layers.
		const input = {
			name: 'wide',
			config: {
				seed: 1,
				data: { source: { type: 'csv', path: 'wide.csv' } },
				training: { loss: 'meanSquaredError', optimizer: { type: 'adam' }, epochs: 1, batchSize: 8 },
			},
			data: {
				preprocessing: {
					task: 'regression',
					label: { column: 'y', encoding: 'none' },
					features: [{ column: 'x', step: 'none', fill: 'none' }],
					inputs: [],
					inputShape: [1],
				},
				summary: { rows: 10, droppedRows: 0, split: { train: 10, validation: 0, test: 0 } },
				train: { n: 10 },
			},
			model: { layers: [], countParams: () => 0 },
			onnx,
		} as unknown as CardInput;
		const card = modelCard(input).split('\n');
		assert.equal(card.filter((l) => /^\| c\d+ \| double/.test(l)).length, N);
		const head = card.indexOf('| input | type | shape | missing value |');
		assert.equal(card[head + 2], '| c0 | double | [N, 1] | NaN |');
		assert.equal(card[head + 1 + N], `| c${N - 1} | double | [N, 1] | NaN |`);
		assert.ok(card.indexOf('## ONNX') > card.indexOf('## Evaluation'));
		assert.ok(card.indexOf('## ONNX') < card.indexOf('## Limitations'));
	});

	it("tune's table of 300k trials", () => {
		const state = {
			objective: { metric: 'val_loss', direction: 'minimize' },
			trials: Array.from({ length: N }, (_, i) => ({ number: i + 1, params: { lr: 0.5 }, status: 'completed', score: 0.25 })),
			best: { number: N, score: 0.25, params: { lr: 0.5 } },
		} as unknown as SweepState;
		const lines = trialTable(state).split('\n');
		assert.equal(lines.length, N + 1);
		// The first column is as wide as the widest cell: the best trial, marked.
		assert.equal(lines.at(-1)!.slice(0, 9), `*${N}  `);
		assert.equal(lines[1]!.slice(0, 9), ' 1       ');
	});

	it("cv's data warnings, 300k of them", () => {
		const warnings = Array.from({ length: N }, (_, i) => `column c${i} is empty`);
		const loaded = { method: 'job/dataLoaded', params: { warnings } } as unknown as EngineEvent;
		const got: string[] = [];
		assert.equal(firstFoldWarnings(got, 1, loaded), false, 'only the first fold warns');
		assert.equal(firstFoldWarnings(got, 0, { method: 'job/started', params: {} } as unknown as EngineEvent), false);
		assert.equal(got.length, 0);
		assert.equal(firstFoldWarnings(got, 0, loaded), true);
		assert.deepEqual(got, warnings);
	});

	it('the embedding check over 300k tokenized columns', () => {
		const cols = Array.from({ length: N }, (_, i) => `t${i}`);
		const preprocessing = Object.fromEntries(
			cols.map((c, i) => [c, { step: 'tokenize', vocabularySize: i === 123_456 ? 50_000 : 100 + (i % 1000) }]),
		);
		const cfg = {
			data: { preprocessing },
			model: { layers: [{ type: 'embedding', inputDim: 40_000, outputDim: 8 }] },
		} as unknown as ResolvedConfig;
		const found: { code: string; vocabulary: number; path: (string | number)[] }[] = [];
		embeddingChecks(cfg, { layers: [{ index: 0, type: 'embedding', sources: [-1] }] }, cols, (code, _m, path, vocabulary) =>
			found.push({ code, vocabulary, path }),
		);
		assert.deepEqual(found, [{ code: 'MW244', vocabulary: 50_000, path: ['model', 'layers', 0, 'inputDim'] }]);
	});
});
