/**
 * ONNX export checked with ONNX Runtime itself: every example and synthetic configs covering each
 * exportable layer type are trained (two epochs) with `export.formats: [tfjs, onnx]`; the ONNX
 * file, fed the raw rows of the evaluation split, gives the tfjs model's scores within 1e-5 and
 * the same decoded predictions. Also: MW250 at validate time and a named error at export time.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { onnx } from 'onnx-proto';
import { parseDocument } from 'yaml';
import { runJob } from '../../engine/runtime/job';
import { validateText } from '../../engine/core/config/validate';
import { prepareData } from '../../engine/runtime/data/prepare';
import { decodeOutput, transformRow, type Preprocessing } from '../../engine/runtime/data/preprocess';
import {
	DATE_PARTS,
	dateInputNames,
	dateWidth,
	expandDate,
	fitDateScale,
	parseDate,
	type DateEncoder,
	type DateOptions,
} from '../../engine/core/data/dates';
import { loadExported } from '../../engine/runtime/export/tfjs';
import { onnxInputs, onnxModel } from '../../engine/runtime/export/onnx';
import { ONNX_FILE, ONNX_LAYER_TYPES, TOKENIZER_FILE } from '../../engine/core/onnx';
import { LAYER_TYPES, type LayerConfig } from '../../engine/core/config/schema';
import { buildModel } from '../../engine/runtime/model/build';
import { predictRowsFlat } from '../../engine/runtime/model/inputs';
import { useBackend } from '../../engine/runtime/train/backend';
import { execute } from '../../engine/host/execute';
import type { Row } from '../../engine/runtime/data/generators';
import { encodeText, fitTokenizer, vocabularyIndex } from '../../engine/core/data/tokenize';

const ROOT = path.join(__dirname, '..', '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-onnx-'));
const TOLERANCE = 1e-5;

/** Layer types the synthetic configs below use (checked against the exportable list at the end). */
const covered = new Set<string>();

/** The config with ONNX export on. */
function withOnnx(text: string): string {
	const doc = parseDocument(text);
	doc.setIn(['export', 'formats'], ['tfjs', 'onnx']);
	doc.deleteIn(['export', 'path']);
	return doc.toString();
}

/**
 * ONNX Runtime feeds from raw rows: numbers as double (NaN when missing), categories as text (""
 * when missing), a tokenized text as the ids the engine's own tokenizer gives it.
 */
function feeds(rows: Row[], inputs: ReturnType<typeof onnxInputs>, pre?: Preprocessing): Record<string, ort.Tensor> {
	const out: Record<string, ort.Tensor> = {};
	for (const { name, column, type, width, tokenizer, date } of inputs) {
		const value = (r: Row) => r[column];
		if (date) {
			// A date goes in as its days since 1970-01-01 UTC (docs/export.md), parsed as the engine parses it.
			const format = pre!.features.find((f) => f.column === column)!.date!.options.format;
			out[name] = new ort.Tensor(
				'float64',
				Float64Array.from(rows, (r) => dayNumber(value(r), format)),
				[rows.length, 1],
			);
			continue;
		}
		if (type === 'int64') {
			const ids = new Int32Array(rows.length * width);
			const index = vocabularyIndex(tokenizer!);
			rows.forEach((r, i) =>
				encodeText(value(r) === null || value(r) === undefined ? '' : String(value(r)), tokenizer!, index, ids, i * width),
			);
			out[name] = new ort.Tensor(
				'int64',
				BigInt64Array.from(ids, (v) => BigInt(v)),
				[rows.length, width],
			);
			continue;
		}
		out[name] =
			type === 'string'
				? new ort.Tensor(
						'string',
						rows.map((r) => (value(r) === null || value(r) === undefined ? '' : String(value(r)))),
						[rows.length, 1],
					)
				: new ort.Tensor(
						'float64',
						Float64Array.from(rows, (r) => (value(r) === null || value(r) === undefined ? NaN : Number(value(r)))),
						[rows.length, 1],
					);
	}
	return out;
}

/** A date cell as the ONNX input takes it: days since 1970-01-01 UTC, NaN when missing. */
function dayNumber(v: unknown, format: DateOptions['format']): number {
	if (v === null || v === undefined || v === '') return NaN;
	const p = parseDate(String(v), format);
	assert.ok('ms' in p, `${String(v)} is a date`);
	return p.ms / 86_400_000;
}

/**
 * Trains `text` briefly with ONNX export, then compares ONNX Runtime with tfjs on the evaluation
 * split. A config the validator refuses for ONNX (MW250 only) gives back those messages instead.
 */
async function parity(
	name: string,
	text: string,
): Promise<{ rows: number; maxDiff: number; missingCells?: number; refused?: string[]; modelDir?: string }> {
	const configPath = path.join(tmp, `${name}.model.yaml`);
	const config = withOnnx(text);
	fs.writeFileSync(configPath, config);
	const v = validateText(config);
	const errors = v.diagnostics.filter((d) => d.severity === 'error');
	if (errors.length && errors.every((d) => d.code === 'MW250')) return { rows: 0, maxDiff: 0, refused: errors.map((d) => d.message) };
	assert.ok(v.ok, `${name}: ${JSON.stringify(errors)}`);
	for (const l of v.resolved!.model.layers) covered.add(l.type);
	const r = await runJob({ configPath, backend: 'wasm', overrides: { epochs: 1 } }, () => undefined);
	assert.equal(r.status, 'completed', `${name}: ${r.message ?? ''}`);
	const modelDir = path.join(r.runDir!, 'model');
	assert.ok(fs.existsSync(path.join(modelDir, ONNX_FILE)), `${name}: no ${ONNX_FILE}`);
	assert.match(fs.readFileSync(path.join(modelDir, 'MODEL_CARD.md'), 'utf8'), /## ONNX[\s\S]*model\.onnx[\s\S]*opset 17/);

	const { model, preprocessing: pre } = await loadExported(modelDir);
	const data = await prepareData(v.resolved!, { configDir: tmp });
	const split = data.test ?? data.validation ?? data.train;
	assert.equal(split.rows.length, split.n, 'the split is small enough to keep its raw rows');
	const expected = tf.tidy(() => predictRowsFlat(model, pre, split.x, split.n).dataSync());
	const k = expected.length / split.n;
	// `modelwright export --format onnx` translates the model loaded from disk: the same file.
	const again = onnxModel(model, pre, { name: v.resolved!.name, threshold: v.resolved!.evaluation.threshold }).bytes;
	assert.ok(Buffer.from(again).equals(fs.readFileSync(path.join(modelDir, ONNX_FILE))), `${name}: the loaded model translates differently`);
	model.dispose();

	const session = await ort.InferenceSession.create(fs.readFileSync(path.join(modelDir, ONNX_FILE)));
	const inputs = onnxInputs(pre);
	assert.deepEqual([...session.inputNames].sort(), inputs.map((i) => i.name).sort());
	const result = await session.run(
		inputs[0]?.type === 'float'
			? { [inputs[0].name]: new ort.Tensor('float32', split.x, [split.n, ...pre.inputShape]) }
			: feeds(split.rows, inputs, pre),
	);
	const scores = result.scores!.data as Float32Array;
	assert.deepEqual(result.scores!.dims, [split.n, k]);
	let maxDiff = 0;
	for (let i = 0; i < expected.length; i++) {
		const d = Math.abs(scores[i]! - expected[i]!);
		assert.ok(Number.isFinite(scores[i]!), `${name}: score ${i} is ${scores[i]}`);
		if (d > maxDiff) maxDiff = d;
	}
	assert.ok(maxDiff <= TOLERANCE, `${name}: ONNX scores differ from tfjs by ${maxDiff}`);
	const predictions = result.prediction!.data as ArrayLike<string | number>;
	for (let i = 0; i < split.n; i++) {
		const want = decodeOutput(pre, expected.subarray(i * k, (i + 1) * k), v.resolved!.evaluation.threshold);
		// Scores within 1e-5 of a tie or the threshold may decode either way; anything else must agree.
		const near = Math.abs(expected[i * k]! - (pre.label.encoding === 'hinge' ? 0 : v.resolved!.evaluation.threshold)) < 1e-4;
		if (typeof want === 'number' && pre.label.encoding === 'value')
			assert.ok(Math.abs(Number(predictions[i]) - want) <= TOLERANCE, `${name}: row ${i + 1} predicted ${predictions[i]}, tfjs ${want}`);
		else if (pre.label.encoding !== 'binary' || !near)
			assert.equal(String(predictions[i]), String(want), `${name}: row ${i + 1} predicted ${predictions[i]}, tfjs ${want}`);
	}
	await session.release();
	const missingCells = split.rows.reduce((a, r) => a + inputs.filter((i) => r[i.column] === null || r[i.column] === undefined).length, 0);
	return { rows: split.n, maxDiff, missingCells, modelDir };
}

const example = (f: string) => fs.readFileSync(path.join(ROOT, 'examples', f), 'utf8');

/** A CSV of integer token ids t1…t6 in [0, 10) and a label that depends on them. */
function tokensCsv(): string {
	const lines = ['t1,t2,t3,t4,t5,t6,label'];
	let s = 7;
	const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
	for (let i = 0; i < 120; i++) {
		const ids = Array.from({ length: 6 }, () => Math.floor(rnd() * 10));
		lines.push(`${ids.join(',')},${ids[0]! + ids[5]! > 9 ? 'high' : 'low'}`);
	}
	return lines.join('\n');
}

/**
 * A CSV of two numbers, a category and a review text (mixed case, punctuation, lengths from empty
 * to past maxLength, some missing) whose label depends on the words and their order.
 */
function reviewsCsv(): string {
	const lines = ['delay,price,channel,review,label'];
	let s = 11;
	const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
	const words = ['Good', 'bad', 'NOT', 'very', 'late', 'fine', 'broken', 'great!', 'ok,', 'the', 'box', 'arrived', 'rarely-used', 'é'];
	for (let i = 0; i < 160; i++) {
		const n = Math.floor(rnd() * 14);
		const text = Array.from({ length: n }, () => words[Math.floor(rnd() * words.length)]!).join(rnd() < 0.2 ? '  ' : ' ');
		const review = i % 19 === 0 ? '' : `"${text}"`;
		const delay = (rnd() * 10).toFixed(1);
		const label = (text.toLowerCase().includes('not good') || Number(delay) > 6) !== text.includes('bad') ? 'yes' : 'no';
		lines.push([delay, (rnd() * 50).toFixed(2), ['web', 'shop', 'phone'][i % 3], review, label].join(','));
	}
	return lines.join('\n');
}

/** A CSV with text categories, missing values and columns of every preprocessing step. */
function mixedCsv(): string {
	const lines = ['size,colour,grade,weight,height,age,price'];
	let s = 3;
	const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
	const sizes = ['S', 'M', 'L'];
	const colours = ['red', 'green', 'blue', 'grey'];
	for (let i = 0; i < 150; i++) {
		const size = sizes[Math.floor(rnd() * 3)]!;
		const colour = i % 17 === 0 ? '' : colours[Math.floor(rnd() * 4)]!;
		const grade = ['a', 'b', 'c'][Math.floor(rnd() * 3)]!;
		const weight = i % 13 === 0 ? '' : (20 + rnd() * 80).toFixed(2);
		const height = (150 + rnd() * 50).toFixed(1);
		const age = i % 11 === 0 ? 'NA' : String(Math.floor(rnd() * 60));
		const price = (sizes.indexOf(size) * 10 + (weight ? Number(weight) / 10 : 5) + rnd()).toFixed(2);
		lines.push([size, colour, grade, weight, height, age, price].join(','));
	}
	return lines.join('\n');
}

describe('ONNX export: parity with ONNX Runtime', function () {
	this.timeout(120_000);
	before(async () => {
		await useBackend('cpu');
		// The examples' data files, at the same relative paths as beside the examples.
		const data = path.join(ROOT, 'examples', 'data');
		if (fs.existsSync(data)) fs.cpSync(data, path.join(tmp, 'data'), { recursive: true });
		fs.writeFileSync(path.join(tmp, 'tokens.csv'), tokensCsv());
		fs.writeFileSync(path.join(tmp, 'mixed.csv'), mixedCsv());
		fs.writeFileSync(path.join(tmp, 'reviews.csv'), reviewsCsv());
	});
	after(() => fs.rmSync(tmp, { recursive: true, force: true }));

	// Examples the validator may refuse for ONNX (several inputs, tokenize, dates and padding masks export).
	const NOT_EXPORTABLE = new Set<string>([]);
	for (const f of fs.readdirSync(path.join(ROOT, 'examples')).filter((x) => x.endsWith('.model.yaml')))
		it(`example ${f}: ONNX scores equal the tfjs model's within 1e-5 on the evaluation split`, async function () {
			const { rows, maxDiff, refused, modelDir } = await parity(f.replace('.model.yaml', ''), example(f));
			if (refused) {
				// Refused at validate time, by name (never a wrong file). Only listed examples may be refused.
				assert.ok(NOT_EXPORTABLE.has(f), `${f} is refused: ${refused.join('; ')}`);
				for (const m of refused) assert.match(m, /cannot be exported to ONNX/);
				this.skip();
			}
			assert.ok(!NOT_EXPORTABLE.has(f), `${f} exports now: take it off NOT_EXPORTABLE`);
			assert.ok(rows > 0 && maxDiff <= TOLERANCE);
			// The model card tells what a date input holds.
			if (f === 'rentals.model.yaml')
				assert.match(
					fs.readFileSync(path.join(modelDir!, 'MODEL_CARD.md'), 'utf8'),
					/\| date \| double \(days since 1970-01-01 UTC; the fraction is the time of day\) \| \[N, 1\] \| NaN \|/,
				);
		});

	it('text categories (one-hot, label-encoded), missing-value fills, min-max and standard scaling, every activation', async () => {
		const { missingCells } = await parity(
			'mixed',
			`name: mixed
seed: 5
data:
  source: {type: csv, path: mixed.csv}
  label: price
  scale: standardize
  missing: dropRow
  preprocessing:
    colour: {step: oneHot, fillMissing: mostFrequent}
    grade: labelEncode
    weight: {step: minMax, fillMissing: mean}
    age: {step: standardize, fillMissing: median}
  split: {validation: 0.2, test: 0.2}
model:
  layers:
    - {type: dense, units: 8, activation: relu6}
    - {type: batchNormalization}
    - {type: dense, units: 8, activation: elu}
    - {type: layerNormalization}
    - {type: dense, units: 8, activation: selu}
    - {type: activation, activation: gelu}
    - {type: dense, units: 8, activation: swish}
    - {type: activation, activation: mish}
    - {type: dense, units: 8, activation: softplus}
    - {type: activation, activation: softsign}
    - {type: dense, units: 8, activation: hardSigmoid}
    - {type: activation, activation: leakyRelu}
    - {type: dense, units: 8, activation: tanh}
    - {type: dropout, rate: 0.2}
    - {type: dense, units: 8, activation: sigmoid}
    - {type: dense, units: 1}
training:
  loss: meanSquaredError
  optimizer: {type: adam, learningRate: 0.01}
  epochs: 2
  batchSize: 16
`,
		);
		assert.ok(missingCells! > 0, 'the evaluation rows include missing values the graph fills');
	});

	it('conv1d and 1-D pooling (valid and same padding, strides) through reshape', async () => {
		await parity(
			'conv1d',
			`name: conv1d
seed: 2
data:
  source: {type: blobs, samples: 160, features: 12, centers: 3}
  scale: standardize
  split: {validation: 0.2, test: 0.2}
model:
  layers:
    - {type: reshape, targetShape: [12, 1]}
    - {type: conv1d, filters: 4, kernelSize: 3, padding: same, strides: 2, activation: relu}
    - {type: maxPooling1d, poolSize: 2, padding: same}
    - {type: conv1d, filters: 3, kernelSize: 2, padding: same}
    - {type: averagePooling1d, poolSize: 2, strides: 1, padding: same}
    - {type: conv1d, filters: 3, kernelSize: 1, name: c3}
    - {type: globalAveragePooling1d, name: gap}
    - {type: globalMaxPooling1d, from: c3, name: gmp}
    - {type: flatten, from: c3, name: flat}
    - {type: concatenate, from: [gap, gmp, flat]}
    - {type: dense, units: 3, activation: softmax}
training:
  loss: sparseCategoricalCrossentropy
  optimizer: {type: adam, learningRate: 0.01}
  epochs: 2
  batchSize: 16
`,
		);
	});

	it('conv2d and 2-D pooling on an image-shaped input', async () => {
		await parity(
			'conv2d',
			`name: conv2d
seed: 3
data:
  source: {type: blobs, samples: 160, features: 30, centers: 2}
  scale: minMax
  split: {validation: 0.2, test: 0.2}
model:
  inputShape: [5, 3, 2]
  layers:
    - {type: conv2d, filters: 4, kernelSize: [3, 2], padding: same, activation: relu, name: c1}
    - {type: maxPooling2d, poolSize: 2, padding: same}
    - {type: conv2d, filters: 3, kernelSize: 2, padding: valid, strides: [1, 1], name: c2}
    - {type: globalMaxPooling2d, name: g1}
    - {type: averagePooling2d, from: c1, poolSize: [2, 2], strides: [1, 1], padding: same}
    - {type: conv2d, filters: 2, kernelSize: 3, padding: same}
    - {type: globalAveragePooling2d, name: g2}
    - {type: maxPooling2d, from: c1, poolSize: 2, padding: valid}
    - {type: flatten, name: f3}
    - {type: concatenate, from: [g1, g2, f3]}
    - {type: dense, units: 1, activation: sigmoid}
training:
  loss: binaryCrossentropy
  optimizer: {type: adam, learningRate: 0.01}
  epochs: 2
  batchSize: 16
`,
		);
	});

	it('embedding, lstm, gru and simpleRnn (sequences and last states, gate activations)', async () => {
		await parity(
			'recurrent',
			`name: recurrent
seed: 4
data:
  source: {type: csv, path: tokens.csv}
  label: label
  split: {validation: 0.2, test: 0.25}
model:
  layers:
    - {type: embedding, inputDim: 10, outputDim: 4, name: emb}
    - {type: lstm, units: 5, returnSequences: true}
    - {type: gru, units: 4, returnSequences: true, recurrentActivation: sigmoid, activation: relu}
    - {type: simpleRnn, units: 3, name: s1}
    - {type: lstm, from: emb, units: 3, activation: leakyRelu, recurrentActivation: hardSigmoid, name: l2}
    - {type: gru, from: emb, units: 3, activation: elu, name: g2}
    - {type: simpleRnn, from: emb, units: 2, activation: softsign, returnSequences: true}
    - {type: flatten, name: f3}
    - {type: concatenate, from: [s1, l2, g2, f3]}
    - {type: dense, units: 2, activation: softmax}
training:
  loss: categoricalCrossentropy
  optimizer: {type: adam, learningRate: 0.01}
  epochs: 2
  batchSize: 16
`,
		);
	});

	it('graph merges: add, multiply, average and concatenate over layers and the input', async () => {
		await parity(
			'merges',
			`name: merges
seed: 6
data:
  source: {type: xor, samples: 160}
  scale: standardize
  split: {validation: 0.2, test: 0.2}
model:
  layers:
    - {type: dense, units: 2, activation: tanh, name: a}
    - {type: dense, units: 2, from: input, name: b}
    - {type: add, from: [a, b, input], name: s}
    - {type: multiply, from: [s, a], name: m}
    - {type: average, from: [m, b], name: av}
    - {type: concatenate, from: [av, input, s], axis: 1}
    - {type: dense, units: 1, activation: sigmoid}
training:
  loss: binaryCrossentropy
  optimizer: {type: adam, learningRate: 0.01}
  epochs: 2
  batchSize: 16
`,
		);
	});

	it('attention: positionEmbedding, multiHeadAttention (causal), transformerEncoder (gelu, elu, no biases)', async () => {
		await parity(
			'attention',
			`name: attention
seed: 9
data:
  source: {type: blobs, samples: 120, features: 24, centers: 2}
  scale: standardize
  split: {validation: 0.2, test: 0.25}
model:
  inputShape: [6, 4]
  layers:
    - {type: positionEmbedding}
    - {type: multiHeadAttention, numHeads: 2, causal: true}
    - {type: transformerEncoder, numHeads: 2, feedForwardDim: 8, activation: gelu}
    - {type: transformerEncoder, numHeads: 1, keyDim: 3, feedForwardDim: 6, activation: elu, useBias: false}
    - {type: globalAveragePooling1d}
    - {type: dense, units: 2, activation: softmax}
training:
  loss: sparseCategoricalCrossentropy
  optimizer: {type: adam, learningRate: 0.01}
  epochs: 2
  batchSize: 16
`,
		);
	});

	it('several named inputs (numbers, a one-hot category, token ids) through add, multiply, average and concatenate', async () => {
		const { rows, modelDir } = await parity(
			'inputs',
			`name: inputs
seed: 12
data:
  source: {type: csv, path: reviews.csv}
  label: label
  scale: standardize
  missing: zero
  preprocessing:
    channel: oneHot
    review: {step: tokenize, vocabularySize: 12, maxLength: 6, punctuation: separate, padding: pre, truncation: pre}
  split: {validation: 0.2, test: 0.25}
model:
  inputs:
    - {name: numbers, features: [delay, price]}
    - {name: text, features: [review]}
    - {name: where, features: [channel]}
  layers:
    - {type: embedding, from: text, inputDim: 12, outputDim: 4}
    - {type: lstm, units: 4, name: words}
    - {type: dense, from: numbers, units: 4, activation: tanh, name: nums}
    - {type: dense, from: where, units: 4, name: place}
    - {type: add, from: [words, nums], name: s}
    - {type: multiply, from: [s, place], name: m}
    - {type: average, from: [m, nums, words], name: av}
    - {type: concatenate, from: [av, numbers, where]}
    - {type: dense, units: 1, activation: sigmoid}
training:
  loss: binaryCrossentropy
  optimizer: {type: adam, learningRate: 0.01}
  epochs: 2
  batchSize: 16
`,
		);
		assert.ok(rows > 0);
		// The tokenizer file beside the model reproduces the engine's ids (the parity above fed those).
		const file = path.join(modelDir!, TOKENIZER_FILE);
		assert.ok(fs.existsSync(file), 'tokenizer.json is written beside model.onnx');
		const t = JSON.parse(fs.readFileSync(file, 'utf8')) as {
			inputs: { input: string; maxLength: number; padding: string; vocabulary: string[] }[];
			padId: number;
		};
		assert.deepEqual(
			t.inputs.map((i) => [i.input, i.maxLength, i.padding, i.vocabulary.length]),
			[['review', 6, 'pre', 10]],
		);
		assert.equal(t.padId, 0);
		// The same tokenizer travels in the ONNX file's metadata; the card names the id input and the file.
		const proto = onnx.ModelProto.decode(fs.readFileSync(path.join(modelDir!, ONNX_FILE)));
		assert.equal(proto.metadataProps.find((p) => p.key === 'tokenizer')?.value, fs.readFileSync(file, 'utf8'));
		const card = fs.readFileSync(path.join(modelDir!, 'MODEL_CARD.md'), 'utf8');
		assert.match(card, /\| review \| int64 \| \[N, 6\] \|/);
		assert.match(card, /`tokenizer\.json` beside the model/);
	});

	it('padding masks: masked attention (causal too), dense, concatenate of masked sequences, masked pooling', async () => {
		await parity(
			'masks',
			`name: masks
seed: 13
data:
  source: {type: csv, path: reviews.csv}
  features: [review, delay]
  label: label
  missing: zero
  preprocessing:
    review: {step: tokenize, vocabularySize: 16, maxLength: 8, lowercase: false}
  split: {validation: 0.2, test: 0.25}
model:
  inputs:
    - {name: text, features: [review]}
    - {name: numbers, features: [delay]}
  layers:
    - {type: embedding, from: text, inputDim: 16, outputDim: 8, maskZero: true, name: emb}
    - {type: positionEmbedding}
    - {type: multiHeadAttention, numHeads: 2, causal: true, name: att}
    - {type: dense, from: emb, units: 8, activation: relu}
    - {type: layerNormalization, name: d}
    - {type: concatenate, from: [att, d]}
    - {type: transformerEncoder, numHeads: 4, feedForwardDim: 8, activation: gelu}
    - {type: globalAveragePooling1d, name: pooled}
    - {type: concatenate, from: [pooled, numbers]}
    - {type: dense, units: 2, activation: softmax}
training:
  loss: sparseCategoricalCrossentropy
  optimizer: {type: adam, learningRate: 0.01}
  epochs: 2
  batchSize: 16
`,
		);
	});

	it("docs/export.md's Python reference turns texts into the engine's token ids (word/character, every punctuation rule, padding)", function () {
		// The function as documented, run by python3 (skipped where there is none) on texts with
		// Unicode punctuation, symbols, emoji, odd whitespace and case.
		const doc = fs.readFileSync(path.join(ROOT, 'docs', 'export.md'), 'utf8');
		const code = /^def ids\(text, t\):\n(?:[ \t].*\n)+/m.exec(doc)?.[0];
		assert.ok(code, 'docs/export.md defines ids(text, t)');
		const texts = [
			'Hello, World! not good.',
			'Ünïcode ÉCOLE — “quoted” text… $5 + 3 = 8',
			'tabs\tand\nnewlines  double',
			'',
			'a-b_c d/e',
			'emoji 😀 ok 👍🏽!',
		];
		const cases: { text: string; t: object }[] = [];
		const want: number[][] = [];
		for (const level of ['word', 'character'] as const)
			for (const punctuation of ['strip', 'separate', 'keep'] as const)
				for (const padding of ['post', 'pre'] as const) {
					const options = {
						level,
						lowercase: level === 'word',
						punctuation,
						vocabularySize: 30,
						oovToken: '[UNK]',
						maxLength: 7,
						padding,
						truncation: padding,
					};
					const t = fitTokenizer(texts.slice(0, 4), options);
					for (const text of texts) {
						const ids = new Int32Array(7);
						encodeText(text, t, vocabularyIndex(t), ids, 0);
						cases.push({ text, t: { ...options, vocabulary: t.vocabulary } });
						want.push(Array.from(ids));
					}
				}
		const script = path.join(tmp, 'tokenizer_reference.py');
		fs.writeFileSync(
			script,
			`import json, sys, unicodedata\n${code}\ncases = json.load(sys.stdin)\nprint(json.dumps([ids(c["text"], c["t"]) for c in cases]))\n`,
		);
		const r = spawnSync('python3', [script], { input: JSON.stringify(cases), encoding: 'utf8' });
		if (r.error) this.skip();
		assert.equal(r.status, 0, r.stderr);
		assert.deepEqual(JSON.parse(r.stdout), want);
	});

	it("docs/export.md's Python days(d) gives the day number the graph reads as the engine's parsed date", function () {
		const doc = fs.readFileSync(path.join(ROOT, 'docs', 'export.md'), 'utf8');
		const code = /^def days\(d\):\n(?:[ \t].*\n)+/m.exec(doc)?.[0];
		assert.ok(code, 'docs/export.md defines days(d)');
		const texts = [
			'2024-02-29',
			'1969-12-31',
			'1600-02-29',
			'1970-01-01',
			'2024-03-05T23:59:59.999',
			'1969-07-20T20:17:40Z',
			'1850-06-15T05:45+02:00',
			'2024-03-05T14:30',
		];
		const script = path.join(tmp, 'days_reference.py');
		// Date-only texts as `date`, the others as `datetime` (naive without an offset), as a user's parser gives them.
		fs.writeFileSync(
			script,
			`import json, sys\n${/^from datetime import .*$/m.exec(doc)![0]}\n${code}\nparse = lambda t: datetime.fromisoformat(t) if "T" in t else date.fromisoformat(t)\nprint(json.dumps([days(parse(t)) for t in json.load(sys.stdin)]))\n`,
		);
		const r = spawnSync('python3', [script], { input: JSON.stringify(texts), encoding: 'utf8' });
		if (r.error) this.skip();
		assert.equal(r.status, 0, r.stderr);
		const got = JSON.parse(r.stdout) as number[];
		texts.forEach((t, i) => {
			const p = parseDate(t, 'iso');
			assert.ok('ms' in p);
			// The graph rounds its input to whole milliseconds (export/onnx.ts dateColumns).
			assert.equal(Math.round(got[i]! * 86_400_000), p.ms, `${t}: Python gives ${got[i]} days`);
		});
	});

	it('hinge loss decodes at 0 and numeric classes come back as numbers', async () => {
		await parity(
			'hinge',
			`name: hinge
seed: 8
data:
  source: {type: circles, samples: 120}
  split: {validation: 0.2, test: 0.3}
model:
  layers:
    - {type: dense, units: 6, activation: relu}
    - {type: dense, units: 1, activation: tanh}
training:
  loss: hinge
  optimizer: {type: adam, learningRate: 0.01}
  epochs: 2
  batchSize: 16
`,
		);
	});

	it('dilated convolutions (tfjs cannot train them: compared untrained, on seeded weights)', async () => {
		const pre = {
			version: 1 as const,
			features: Array.from({ length: 24 }, (_, i) => ({ column: `x${i}`, step: 'none' as const, fill: 'error' as const })),
			inputs: Array.from({ length: 24 }, (_, i) => `x${i}`),
			label: { column: 'y', encoding: 'value' as const },
			task: 'regression' as const,
			inputShape: [24],
		};
		const L = (l: Record<string, unknown>) => l as unknown as LayerConfig;
		const stacks: LayerConfig[][] = [
			[
				L({ type: 'reshape', targetShape: [12, 2] }),
				L({ type: 'conv1d', filters: 3, kernelSize: 3, dilationRate: 2, padding: 'same', activation: 'relu' }),
				L({ type: 'conv1d', filters: 2, kernelSize: 2, dilationRate: 3 }),
				L({ type: 'flatten' }),
				L({ type: 'dense', units: 2 }),
			],
			[
				L({ type: 'reshape', targetShape: [4, 3, 2] }),
				L({ type: 'conv2d', filters: 3, kernelSize: 2, dilationRate: [2, 1], padding: 'same' }),
				L({ type: 'conv2d', filters: 2, kernelSize: [2, 2], dilationRate: [1, 2], padding: 'valid' }),
				L({ type: 'flatten' }),
				L({ type: 'dense', units: 1 }),
			],
		];
		const n = 7;
		const rows = Array.from({ length: n }, (_, r) => Object.fromEntries(pre.inputs.map((c, i) => [c, Math.sin(r * 24 + i)])));
		for (const layers of stacks) {
			const { model } = buildModel(layers, [24], { seed: 9 });
			const x = Float32Array.from(rows.flatMap((r) => pre.inputs.map((c) => r[c]!)));
			const expected = tf.tidy(() => (model.predict(tf.tensor(x, [n, 24])) as tf.Tensor).reshape([n, -1]).dataSync());
			const session = await ort.InferenceSession.create(onnxModel(model, pre).bytes);
			const got = (await session.run(feeds(rows, onnxInputs(pre)))).scores!.data as Float32Array;
			const diff = Math.max(...Array.from(expected, (e, i) => Math.abs(e - got[i]!)));
			assert.ok(diff <= TOLERANCE, `dilated convolutions differ by ${diff}`);
			await session.release();
			model.dispose();
		}
	});

	it('date columns: every part, with and without sin/cos, elapsed days, scaling and missing fills, equal expandDate on edge dates', async () => {
		// Leap days, year ends of leap and common years (1900 and 2100 are not leap, 1600 and 2000 are), dates
		// before 1970, times of day (a written offset too), the last millisecond of a day, and a missing date.
		const texts = [
			'2024-02-29',
			'2023-02-28',
			'2023-03-01',
			'2023-12-31',
			'2024-12-31',
			'2024-01-01',
			'2023-01-01',
			'1970-01-01',
			'1969-12-31',
			'1900-02-28',
			'1900-03-01',
			'1900-12-31',
			'2000-02-29',
			'2000-12-31',
			'1600-02-29',
			'2100-03-01',
			'1583-01-01',
			'2024-03-05T14:30',
			'2024-03-05T00:00',
			'2024-03-05T23:59:59.999',
			'2024-03-10T12:00:00',
			'1969-07-20T20:17:40Z',
			'1850-06-15T05:45+02:00',
			'2038-01-19T03:14:08',
		];
		const ms = texts.map((t) => {
			const p = parseDate(t, 'iso');
			assert.ok('ms' in p, t);
			return p.ms;
		});
		const rows: Row[] = [...texts, null].map((t) => ({ when: t }));
		const all = [...DATE_PARTS];
		const cases: { options: DateOptions; scale?: 'standardize' | 'minMax'; fill: 'median' | 'zero' | 'mostFrequent' | 'error' }[] = [
			{
				options: { format: 'iso', parts: all, cyclical: false, elapsed: 'days', unparseable: 'error' },
				scale: 'standardize',
				fill: 'median',
			},
			{ options: { format: 'iso', parts: all, cyclical: true, elapsed: 'none', unparseable: 'error' }, scale: 'minMax', fill: 'zero' },
			{ options: { format: 'iso', parts: all, cyclical: true, elapsed: 'days', unparseable: 'error' }, fill: 'mostFrequent' },
			{ options: { format: 'iso', parts: all, cyclical: false, elapsed: 'none', unparseable: 'error' }, fill: 'error' },
			{ options: { format: 'iso', parts: [], cyclical: false, elapsed: 'days', unparseable: 'error' }, scale: 'minMax', fill: 'median' },
		];
		for (const c of cases) {
			const date: DateEncoder = { options: c.options, ...(c.options.elapsed === 'days' ? { origin: Math.min(...ms) } : {}) };
			if (c.scale) date.scale = fitDateScale(date, ms, c.scale);
			// The fill date: the training dates' median, or any one of them, or zeros; none for `error`.
			const fillValue =
				c.fill === 'zero'
					? 0
					: c.fill === 'median'
						? [...ms].sort((a, b) => a - b)[ms.length >> 1]!
						: c.fill === 'error'
							? undefined
							: ms[4]!;
			const feature = { column: 'when', step: 'date' as const, fill: c.fill, date, ...(fillValue === undefined ? {} : { fillValue }) };
			const width = dateWidth(c.options);
			const pre: Preprocessing = {
				version: 1,
				features: [feature],
				inputs: dateInputNames('when', c.options),
				label: { column: 'y', encoding: 'value' },
				task: 'regression',
				inputShape: [width],
			};
			const used = fillValue === undefined ? rows.slice(0, -1) : rows;
			const n = used.length;
			const x = new Float32Array(n * width);
			used.forEach((r, i) => transformRow(pre.features, r, x, i * width));
			// expandDate itself, for the dates that are there: transformRow is the engine's path to it.
			const direct = new Float32Array(width);
			ms.forEach((m, i) => {
				expandDate(m, date, direct, 0);
				assert.deepEqual(x.subarray(i * width, (i + 1) * width), direct);
			});
			const what = `${c.options.parts.join('/') || 'elapsed'} cyclical=${c.options.cyclical} elapsed=${c.options.elapsed} scale=${c.scale ?? 'none'} fill=${c.fill}`;
			// An identity layer puts the graph's preprocessing in `scores` as it is; a seeded network checks the rest.
			const identity = buildModel([{ type: 'dense', units: width } as unknown as LayerConfig], [width], { seed: 3 }).model;
			identity.layers[0]!.setWeights([tf.eye(width), tf.zeros([width])]);
			const net = buildModel(
				[{ type: 'dense', units: 6, activation: 'tanh' } as unknown as LayerConfig, { type: 'dense', units: 1 } as unknown as LayerConfig],
				[width],
				{ seed: 4 },
			).model;
			for (const [label, model] of [
				['preprocessing', identity],
				['scores', net],
			] as const) {
				const expected = tf.tidy(() => predictRowsFlat(model, pre, x, n).dataSync());
				const session = await ort.InferenceSession.create(onnxModel(model, pre).bytes);
				const got = (await session.run(feeds(used, onnxInputs(pre), pre))).scores!.data as Float32Array;
				assert.equal(got.length, expected.length);
				for (let i = 0; i < expected.length; i++) {
					const k = label === 'preprocessing' ? i % width : 0;
					const row = Math.floor(i / (expected.length / n));
					assert.ok(
						Math.abs(got[i]! - expected[i]!) <= TOLERANCE,
						`${what}: ${label} of ${String(used[row]!.when)} (${pre.inputs[k]}) is ${got[i]} in ONNX, ${expected[i]} in tfjs`,
					);
				}
				await session.release();
				model.dispose();
			}
		}
	});

	it('the synthetic configs cover every exportable layer type', () => {
		const missing = [...ONNX_LAYER_TYPES].filter((t) => !covered.has(t));
		assert.deepEqual(missing, []);
		for (const t of ONNX_LAYER_TYPES) assert.ok((LAYER_TYPES as string[]).includes(t), `${t} is not a layer type of the schema`);
	});
});

describe("ONNX export: the extension's Export Model (engine process)", function () {
	this.timeout(60_000);
	it("exports a run in the formats picked, the ONNX file made from the run's tfjs model", async () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-onnx-host-'));
		try {
			const configPath = path.join(dir, 'blobs.model.yaml');
			fs.writeFileSync(
				configPath,
				`name: blobs
data:
  source: {type: blobs, samples: 60}
  split: {validation: 0.25}
model:
  layers:
    - {type: dense, units: 3, activation: softmax}
training:
  loss: sparseCategoricalCrossentropy
  epochs: 1
  checkpoint: {every: 0}
`,
			);
			const r = await runJob({ configPath, backend: 'wasm' }, () => undefined);
			assert.equal(r.status, 'completed', r.message);
			assert.ok(!fs.existsSync(path.join(r.runDir!, 'model', ONNX_FILE)), 'no ONNX file unless export.formats asks');
			const out = path.join(dir, 'out');
			const end = await execute(
				{ kind: 'export', configPath, runDir: r.runDir!, outDir: out, formats: ['onnx'] },
				() => undefined,
				new AbortController().signal,
			);
			assert.equal(end.state, 'succeeded', end.error);
			const files = fs.readdirSync(out);
			assert.ok(files.includes(ONNX_FILE) && !files.includes('model.json'), files.join());
			const session = await ort.InferenceSession.create(fs.readFileSync(path.join(out, ONNX_FILE)));
			const res = await session.run({
				x1: new ort.Tensor('float64', Float64Array.from([0, 5]), [2, 1]),
				x2: new ort.Tensor('float64', Float64Array.from([0, -5]), [2, 1]),
			});
			assert.deepEqual(res.scores!.dims, [2, 3]);
			await session.release();
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});
});

describe('ONNX export: what cannot be exported', () => {
	it('validate names the layer (MW250) when onnx is requested, and not otherwise', () => {
		const text = (formats: string) => `data:
  source: {type: linear}
model:
  inputShape: [1, 1]
  layers:
    - {type: lstm, units: 2, activation: swish, name: seq}
    - {type: dense, units: 1}
training:
  loss: meanSquaredError
export:
  formats: ${formats}
`;
		const on = validateText(text('[tfjs, onnx]')).diagnostics.filter((d) => d.code === 'MW250');
		assert.equal(on.length, 1);
		assert.match(on[0]!.message, /`seq` \(lstm\) uses activation `swish`/);
		assert.deepEqual(on[0]!.path, ['model', 'layers', 0, 'activation']);
		assert.equal(validateText(text('[tfjs]')).diagnostics.filter((d) => d.code === 'MW250').length, 0);
		// A padding mask exports through attention and pooling, but not into a recurrence (it carries its
		// state over padded steps) or a merge other than concatenate: refused on the layer that receives it.
		const masked = (layers: string) =>
			validateText(text('[onnx]').replace('    - {type: lstm, units: 2, activation: swish, name: seq}', layers)).diagnostics.filter(
				(d) => d.code === 'MW250',
			);
		const rnn = masked('    - {type: embedding, inputDim: 5, outputDim: 2, maskZero: true}\n    - {type: lstm, units: 2, name: seq}');
		assert.deepEqual(
			rnn.map((d) => d.path),
			[['model', 'layers', 1, 'type']],
		);
		assert.match(rnn[0]!.message, /`seq` \(lstm\) receives a padding mask/);
		const merge = masked(
			'    - {type: embedding, inputDim: 5, outputDim: 2, maskZero: true, name: e}\n    - {type: dense, units: 2, name: d}\n    - {type: add, from: [e, d]}\n    - {type: globalAveragePooling1d}',
		);
		assert.deepEqual(
			merge.map((d) => d.path),
			[['model', 'layers', 2, 'type']],
		);
		// The same stack without maskZero, or with the mask pooled before the recurrence, exports.
		assert.deepEqual(masked('    - {type: embedding, inputDim: 5, outputDim: 2}\n    - {type: lstm, units: 2}'), []);
		assert.deepEqual(
			masked(
				'    - {type: embedding, inputDim: 5, outputDim: 2, maskZero: true}\n    - {type: transformerEncoder, numHeads: 1, feedForwardDim: 4}\n    - {type: globalAveragePooling1d}',
			),
			[],
		);
	});

	it('export names a layer a padding mask reaches that it cannot carry it through', async () => {
		await useBackend('cpu');
		const pre = {
			version: 1 as const,
			features: Array.from({ length: 3 }, (_, i) => ({ column: `t${i}`, step: 'none' as const, fill: 'error' as const })),
			inputs: ['t0', 't1', 't2'],
			label: { column: 'y', encoding: 'value' as const },
			task: 'regression' as const,
			inputShape: [3],
		};
		const { model } = buildModel(
			[
				{ type: 'embedding', inputDim: 4, outputDim: 2, maskZero: true } as unknown as LayerConfig,
				{ type: 'gru', units: 2, name: 'rec' } as unknown as LayerConfig,
				{ type: 'dense', units: 1 } as unknown as LayerConfig,
			],
			[3],
			{ seed: 1 },
		);
		assert.throws(() => onnxModel(model, pre), /layer `rec` \(GRU\) receives a padding mask/);
		model.dispose();
	});

	it('export names a tfjs layer it has no translation for', async () => {
		await useBackend('cpu');
		const model = tf.sequential({
			layers: [
				tf.layers.dense({ inputShape: [2], units: 4, name: 'd' }),
				tf.layers.reshape({ targetShape: [2, 2] }),
				tf.layers.permute({ dims: [2, 1], name: 'swap' }),
			],
		});
		const pre = {
			version: 1 as const,
			features: [
				{ column: 'a', step: 'none' as const, fill: 'error' as const },
				{ column: 'b', step: 'none' as const, fill: 'error' as const },
			],
			inputs: ['a', 'b'],
			label: { column: 'y', encoding: 'value' as const },
			task: 'regression' as const,
			inputShape: [2],
		};
		assert.throws(() => onnxModel(model, pre), /layer `swap` \(Permute\) cannot be exported to ONNX/);
		model.dispose();
	});
});
