import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { validateText } from '../../../engine/core/config/validate';
import { architecture, architectureView } from '../../../server/src/service/architecture';
import { summaryTable } from '../../../engine/core/shapes/summary';
import { validateConfig } from '../../../engine/io/probe';
import { doc, EXAMPLES, uriOf } from './helper';

describe('server: architecture view', () => {
	it('builds layers with shapes, params, diagnostics and the pipeline', () => {
		const text = fs
			.readFileSync(path.join(EXAMPLES, 'iris.model.yaml'), 'utf8')
			.replace('units: 3                # one per species', 'units: 4');
		const v = architectureView(validateText(text), 'iris')!;
		assert.equal(v.layers.length, 3);
		assert.deepEqual(v.layers[0]!.outputShape, [null, 16]);
		assert.equal(v.layers[0]!.paramCount, 80);
		assert.deepEqual(v.layers[0]!.params, [
			{ key: 'units', value: '16' },
			{ key: 'activation', value: 'relu' },
		]);
		assert.equal(v.layers[2]!.diagnostics?.[0]?.code, 'MW204', 'the 4-unit output for 3 classes is flagged on its node');
		assert.deepEqual(
			v.pipeline.map((p) => p.id),
			['data', 'preprocessing', 'split', 'model', 'training', 'tuning', 'evaluation', 'export'],
		);
		assert.equal(v.pipeline.find((p) => p.id === 'tuning')!.enabled, false);
		assert.match(v.mermaid!, /^flowchart TD/);
	});
	it('gives a layer graph its edges (branches and merges), in the view and in the Mermaid export', () => {
		const v = architectureView(validateText(fs.readFileSync(path.join(EXAMPLES, 'residual.model.yaml'), 'utf8')), 'residual')!;
		assert.deepEqual(v.edges, [
			{ from: null, to: 0 },
			{ from: 0, to: 1 },
			{ from: 0, to: 2 },
			{ from: 1, to: 2 },
			{ from: 2, to: 3 },
		]);
		assert.deepEqual(v.layers[2]!.outputShape, [null, 32]);
		for (const edge of ['L0 -->|"[null, 2]"| L1', 'L1 -->|"[null, 32]"| L3', 'L2 -->|"[null, 32]"| L3', 'L3 -->|"[null, 32]"| L4'])
			assert.ok(v.mermaid!.includes(edge), `${edge} in\n${v.mermaid}`);
		const r = validateText(fs.readFileSync(path.join(EXAMPLES, 'residual.model.yaml'), 'utf8'));
		const table = summaryTable('residual', r.shapes!, r.data).split('\n');
		assert.match(
			table.find((l) => l.startsWith('Layer (type)'))!,
			/Param #   Connected to$/,
		);
		assert.match(
			table.find((l) => l.startsWith('skip (add)'))!,
			/\[null, 32\]\s+0   stem, block$/,
		);
		assert.match(
			table.find((l) => l.startsWith('stem (dense)'))!,
			/96   input$/,
		);
		const stack = summaryTable('spirals', validateText(fs.readFileSync(path.join(EXAMPLES, 'spirals.model.yaml'), 'utf8')).shapes!);
		assert.ok(!stack.includes('Connected to'), 'a plain stack keeps three columns');
	});
	it('gives each named input its own node, edges from it to the layers that take it, its range, and keeps them in Mermaid', () => {
		const file = path.join(EXAMPLES, 'two-inputs.model.yaml');
		const text = fs.readFileSync(file, 'utf8');
		const v = architectureView(validateConfig(file, text), 'two-inputs')!;
		assert.deepEqual(v.inputs, [
			{ index: 0, name: 'numbers', features: ['delay', 'price'], shape: [null, 2] },
			{ index: 1, name: 'text', features: ['review'], shape: [null, 10] },
		]);
		// text → embedding (layer 0), numbers → the dense layer `numbers_vector` (layer 4).
		assert.deepEqual(
			v.edges!.filter((e) => e.from === null),
			[
				{ from: null, to: 0, input: 1 },
				{ from: null, to: 4, input: 0 },
			],
		);
		assert.ok(v.mermaid!.includes('I0(["numbers [null, 2]"])') && v.mermaid!.includes('I0 -->|"[null, 2]"| L5'), v.mermaid);
		const r = architecture(doc(text, { uri: uriOf(file) }))!;
		const lines = text.split('\n');
		assert.deepEqual(
			r.inputRanges!.map((x) => lines[x.start.line]!.trim()),
			['- name: numbers', '- name: text'],
		);
		assert.equal(architecture(doc(fs.readFileSync(path.join(EXAMPLES, 'iris.model.yaml'), 'utf8')))!.inputRanges, undefined);
	});
	it("draws a transformerEncoder's inside: attention, residual adds and norms whose counts add up to the layer's", () => {
		const file = path.join(EXAMPLES, 'transformer.model.yaml');
		const v = architectureView(validateConfig(file, fs.readFileSync(file, 'utf8')), 'transformer')!;
		const enc = v.layers.find((l) => l.type === 'transformerEncoder')!;
		assert.deepEqual(
			enc.block!.map((p) => [p.id, p.type, p.from.join('+'), p.outputShape]),
			[
				['x', 'input', '', [null, 10, 32]],
				['attention', 'multiHeadAttention', 'x', [null, 10, 32]],
				['add_1', 'add', 'x+attention', [null, 10, 32]],
				['norm_1', 'layerNormalization', 'add_1', [null, 10, 32]],
				['ff_1', 'dense', 'norm_1', [null, 10, 64]],
				['ff_2', 'dense', 'ff_1', [null, 10, 32]],
				['add_2', 'add', 'norm_1+ff_2', [null, 10, 32]],
				['norm_2', 'layerNormalization', 'add_2', [null, 10, 32]],
			],
		);
		assert.equal(
			enc.block!.reduce((a, p) => a + (p.paramCount ?? 0), 0),
			enc.paramCount,
		);
		assert.deepEqual(enc.params, [
			{ key: 'numHeads', value: '2' },
			{ key: 'feedForwardDim', value: '64' },
		]);
		assert.equal(v.layers.filter((l) => l.block).length, 1, 'other layers are one operation');
	});
	it('serves the architecture view with the range of each layer entry', () => {
		const r = architecture(doc(fs.readFileSync(path.join(EXAMPLES, 'tuning.model.yaml'), 'utf8')))!;
		assert.equal(r.version, 1);
		assert.deepEqual(
			r.model.layers.map((l) => [l.name, l.outputShape, l.paramCount]),
			[
				['dense_1', [null, 16], 48],
				['dense_2', [null, 4], 68],
			],
		);
		assert.deepEqual(
			r.layerRanges.map((x) => x.start.line),
			[20, 23],
		);
		assert.equal(r.model.totalParams, 116);
		assert.equal(architecture(doc('data: {source: {type: xor}}\n')), null, 'no layers, no view');
	});
});
