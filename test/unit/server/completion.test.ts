import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import type { CompletionItem } from 'vscode-languageserver-protocol';
import { completion } from '../../../server/src/service/completion';
import { definition } from '../../../server/src/service/links';
import { LAYER_TYPES } from '../../../engine/core/config/schema';
import { caret, FIXTURES, uriOf } from './helper';

const HEAD = 'data:\n  source:\n    type: dataset\n    name: iris\n';
const TAIL = 'training:\n  loss: categoricalCrossentropy\n';

function complete(marked: string, env = {}, uri?: string): CompletionItem[] {
	const c = caret(marked, uri ? { uri } : {});
	return completion(c.analysis, c.position, env);
}
const insert = (i: CompletionItem | undefined) => (i?.textEdit && 'newText' in i.textEdit ? i.textEdit.newText : undefined);
const byLabel = (items: CompletionItem[], label: string) => items.find((i) => i.label === label);

describe('server: completion', () => {
	it('offers layer types with the snippet that fills their required fields', () => {
		const items = complete(`${HEAD}model:\n  layers:\n    - |\n${TAIL}`);
		const dense = byLabel(items, 'type: dense');
		assert.ok(dense, items.map((i) => i.label).join(','));
		assert.equal(insert(dense), 'type: dense\n      units: ${1:64}\n      activation: ${2:relu}');
		assert.equal(insert(byLabel(items, 'type: flatten')), 'type: flatten');
		assert.match(JSON.stringify(dense.documentation), /Fully connected/);
	});
	it('offers the keys of the chosen layer variant, minus those present, required first', () => {
		const items = complete(`${HEAD}model:\n  layers:\n    - type: conv2d\n      filters: 8\n      |\n${TAIL}`);
		const labels = items.map((i) => i.label);
		assert.ok(!labels.includes('filters') && !labels.includes('type') && !labels.includes('units'));
		assert.equal(items.sort((a, b) => a.sortText!.localeCompare(b.sortText!))[0]!.label, 'kernelSize');
		assert.ok(labels.includes('padding'));
		assert.equal(insert(byLabel(items, 'padding')), 'padding: ${1|valid,same|}');
	});
	it("offers `input` and the earlier layers' names inside `from`, nearest first, with their shapes", () => {
		const layers = `model:\n  layers:\n    - {type: dense, name: stem, units: 8}\n    - {type: dense, units: 8}\n`;
		const items = complete(`${HEAD}${layers}    - type: add\n      from: [stem, |]\n    - {type: dense, name: later, units: 3}\n${TAIL}`);
		const sorted = [...items].sort((a, b) => a.sortText!.localeCompare(b.sortText!));
		assert.deepEqual(
			sorted.map((i) => i.label),
			['dense_2', 'input'],
		);
		assert.equal(sorted[0]!.detail, 'dense → [null, 8]');
		assert.equal(sorted[1]!.detail, 'model input [null, 4]');
		const scalar = complete(`${HEAD}${layers}    - type: dense\n      from: st|\n      units: 3\n${TAIL}`);
		assert.deepEqual(
			scalar.map((i) => i.label),
			['stem'],
		);
	});
	it('offers the names of `model.inputs` inside `from`, with their shapes; a name there goes to its input', () => {
		const head =
			'data:\n  source: {type: inline, rows: [{t: not good, a: 1, b: 2, y: 0}, {t: good, a: 2, b: 1, y: 1}]}\n  label: y\n  preprocessing:\n    t: {step: tokenize, maxLength: 5}\n';
		const model =
			'model:\n  inputs:\n    - {name: words, features: [t]}\n    - {name: nums, features: [a, b]}\n  layers:\n    - {type: embedding, from: words, inputDim: 10, outputDim: 4}\n    - {type: globalAveragePooling1d, name: pooled}\n    - type: concatenate\n      from: [pooled, |]\n    - {type: dense, units: 1, activation: sigmoid}\ntraining:\n  loss: binaryCrossentropy\n  batchSize: 1\n';
		const items = complete(`${head}${model}`);
		assert.equal(byLabel(items, 'nums')?.detail, 'model input [null, 2]');
		assert.equal(byLabel(items, 'words')?.detail, 'model input [null, 5]');
		assert.equal(byLabel(items, 'input'), undefined, '`input` is no name of this model');
		const text = `${head}${model.replace('[pooled, |]', '[pooled, nums]')}`;
		const c = caret(text.replace('from: words', 'from: wo|rds'));
		const to = definition(c.analysis, c.position);
		assert.deepEqual(to?.range.start, { line: 7, character: 13 });
	});

	it('completes enum values with their documentation and formulas', () => {
		const items = complete(`${HEAD}model:\n  layers:\n    - type: dense\n      units: 3\ntraining:\n  loss: cat|\n`);
		assert.deepEqual(
			items.map((i) => i.label),
			['categoricalCrossentropy', 'sparseCategoricalCrossentropy'],
		);
		assert.match(JSON.stringify(items[0]!.documentation), /CE = −1\/n Σᵢ Σₖ₌₁ᴷ yᵢₖ log y\u0302ᵢₖ/);
		const c = caret(`${HEAD}model:\n  layers:\n    - type: dense\n      units: 3\ntraining:\n  loss: cat|\n`);
		const edit = items[0]!.textEdit as { range: { start: { character: number }; end: { character: number } } };
		assert.equal(edit.range.start.character, c.position.character - 3, 'replaces the typed prefix');
	});
	it('marks the default value and ranks it first', () => {
		const items = complete(`${HEAD}model:\n  layers:\n    - type: dense\n      units: 3\n      activation: |\n${TAIL}`);
		const sorted = [...items].sort((a, b) => a.sortText!.localeCompare(b.sortText!));
		assert.equal(sorted[0]!.label, 'linear');
		assert.equal(sorted[0]!.detail, 'default');
		assert.ok(items.some((i) => i.label === 'softmax'));
	});
	it('offers optimizer types after `type:` with their parameters', () => {
		const items = complete(`${HEAD}model:\n  layers:\n    - type: dense\n      units: 3\n${TAIL}  optimizer:\n    type: |\n`);
		const adam = byLabel(items, 'adam')!;
		assert.ok(adam);
		assert.match(JSON.stringify(adam.documentation), /bias correction/);
	});
	it('fills required fields when a whole section is completed', () => {
		const items = complete(`${HEAD}|\n`);
		assert.equal(insert(byLabel(items, 'model')), `model:\n  layers:\n    - type: \${1|${LAYER_TYPES.join(',')}|}`);
		assert.equal(byLabel(items, 'model')!.detail, 'required');
		assert.ok(!byLabel(items, 'data'), 'data is already there');
	});
	it('offers column names for the label and the remaining features', () => {
		const label = complete(`${HEAD}  label: |\nmodel:\n  layers:\n    - type: dense\n      units: 3\n${TAIL}`);
		assert.deepEqual(label.map((i) => i.label).sort(), ['petalLength', 'petalWidth', 'sepalLength', 'sepalWidth', 'species']);
		assert.equal([...label].sort((a, b) => a.sortText!.localeCompare(b.sortText!))[0]!.label, 'species');
		const features = complete(`${HEAD}  features: [sepalLength, |]\nmodel:\n  layers:\n    - type: dense\n      units: 3\n${TAIL}`);
		assert.deepEqual(features.map((i) => i.label).sort(), ['petalLength', 'petalWidth', 'sepalWidth']);
	});
	it('offers CSV header columns from the probe for a csv source', () => {
		const env = { dataInfo: () => ({ columns: ['area', 'rooms', 'price'], numeric: ['area', 'rooms', 'price'], distinct: {} }) };
		const items = complete('data:\n  source:\n    type: csv\n    path: houses.csv\n  label: |\n', env);
		assert.deepEqual(items.map((i) => i.label).sort(), ['area', 'price', 'rooms']);
	});
	it('offers data files and folders next to the config', () => {
		const uri = uriOf(path.join(FIXTURES, 'diagnostics', 'test.model.yaml'));
		const env = {
			listDir: (rel: string) =>
				rel === ''
					? [
							{ name: 'csv', dir: true },
							{ name: 'notes.md', dir: false },
							{ name: 'a.csv', dir: false },
						]
					: [],
		};
		const items = complete('data:\n  source:\n    type: csv\n    path: |\n', env, uri);
		assert.deepEqual(items.map((i) => i.label).sort(), ['a.csv', 'csv/']);
	});
	it('offers config paths that exist inside tuning.space', () => {
		const items = complete(
			`${HEAD}model:\n  layers:\n    - type: dense\n      units: 8\n    - type: dense\n      units: 3\n${TAIL}  optimizer:\n    type: adam\ntuning:\n  space:\n    |\n`,
		);
		const labels = items.map((i) => i.label);
		for (const p of ['model.layers[0].units', 'model.layers[1].units', 'training.optimizer.learningRate', 'training.batchSize'])
			assert.ok(labels.includes(p), `${p} in ${labels.join(', ')}`);
		assert.ok(!labels.includes('model.layers[2].units'));
		assert.equal(
			insert(byLabel(items, 'training.optimizer.learningRate')),
			'training.optimizer.learningRate: {${1|logUniform,uniform,choice|}: [${2:0.001}, ${3:0.1}]}',
		);
		assert.ok(labels.indexOf('model.layers[0].units') < labels.indexOf('data.split.validation'));
	});
	it('never throws on garbage', () => {
		for (const t of ['|', ':|', '- - - |', '{[|', 'model:\n  layers: [{type: |', '\t|\t', 'a: b\n  c: |'])
			assert.ok(Array.isArray(complete(t)));
	});
});

describe('server: completion in flow maps', () => {
	it('offers the search-range kinds inside a tuning parameter', () => {
		const items = complete(
			`${HEAD}model:\n  layers:\n    - type: dense\n      units: 3\n${TAIL}tuning:\n  space:\n    training.batchSize: {|}\n`,
		);
		assert.deepEqual(items.map((i) => i.label).sort(), ['choice', 'int', 'logUniform', 'uniform']);
	});
	it('offers source fields inside a flow map', () => {
		const items = complete('data:\n  source: {type: blobs, |}\n');
		const labels = items.map((i) => i.label);
		assert.ok(labels.includes('centers') && labels.includes('std'), labels.join(','));
		assert.ok(!labels.includes('type'));
	});
});
