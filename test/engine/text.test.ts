/**
 * Text and attention: the tokenize step, the custom layers against the cpu backend (forward and
 * gradient on wasm), the order-dependent negation task (a Transformer reads it, a bag of words
 * cannot), two named inputs, and exported models loading in a fresh process.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { validateText } from '../../engine/core/config/validate';
import type { ResolvedConfig } from '../../engine/core/config/resolve';
import { TOKENIZE_DEFAULTS, type TokenizeOptions } from '../../engine/core/config/inputs';
import { encodeText, fitTokenizer, tokens, vocabularyIndex } from '../../engine/core/data/tokenize';
import { prepareData, type PreparedData } from '../../engine/runtime/data/prepare';
import { trainLoop } from '../../engine/runtime/train/loop';
import { useBackend } from '../../engine/runtime/train/backend';
import { predictRowsFlat } from '../../engine/runtime/model/inputs';
import { MultiHeadAttention, PositionEmbedding, TransformerEncoder, MaskedGlobalAveragePooling1D } from '../../engine/runtime/model/layers';
import { exportModel } from '../../engine/runtime/export/tfjs';
import { predictRows } from '../../engine/runtime/runs';
import { startServer } from '../../engine/runtime/serve';
import { NEGATIONS_FILE, ORDERS_FILE, negationsCsv, ordersCsv } from '../helpers/negations';
import { tempDir } from '../helpers/cli';
import { validateConfig } from '../../engine/io/probe';
import { summaryTable, toMermaid } from '../../engine/core/shapes/summary';

const ROOT = path.join(__dirname, '..', '..');
const policy = { configDir: path.join(ROOT, 'examples') };
const opts = (o: Partial<TokenizeOptions> = {}): TokenizeOptions => ({ ...TOKENIZE_DEFAULTS, ...o });

function example(name: string, edit: (text: string) => string = (t) => t): ResolvedConfig {
	const v = validateText(edit(fs.readFileSync(path.join(ROOT, 'examples', `${name}.model.yaml`), 'utf8')));
	assert.ok(v.resolved, name);
	return v.resolved;
}

function accuracy(model: tf.LayersModel, d: PreparedData, split: 'test' | 'validation'): number {
	const s = d[split]!;
	return tf.tidy(() => {
		const p = Array.from(predictRowsFlat(model, d.preprocessing, s.x, s.n).dataSync());
		return p.filter((v, i) => (v >= 0.5 ? 1 : 0) === s.classes![i]).length / s.n;
	});
}

describe('text: tokenize', () => {
	it('splits words, strips or separates punctuation, lowercases, or takes characters', () => {
		assert.deepEqual(tokens('Not GOOD, really!', opts()), ['not', 'good', 'really']);
		assert.deepEqual(tokens('Not GOOD, really!', opts({ lowercase: false, punctuation: 'separate' })), ['Not', 'GOOD', ',', 'really', '!']);
		assert.deepEqual(tokens('good!', opts({ punctuation: 'keep' })), ['good!']);
		assert.deepEqual(tokens('Ab c', opts({ level: 'character' })), ['a', 'b', ' ', 'c']);
	});

	it('keeps the most frequent training tokens (ties in text order), pads, truncates, maps the rest to the OOV id', () => {
		const t = fitTokenizer(['b a a', 'c b a', 'd'], opts({ vocabularySize: 4, maxLength: 4 }));
		assert.deepEqual(t.vocabulary, ['a', 'b']);
		const ix = vocabularyIndex(t);
		const out = new Float32Array(4);
		encodeText('a z b', t, ix, out, 0);
		assert.deepEqual(Array.from(out), [2, 1, 3, 0]);
		encodeText('a b a b a b', { ...t, options: { ...t.options, truncation: 'pre', padding: 'pre' } }, ix, out, 0);
		assert.deepEqual(Array.from(out), [2, 3, 2, 3]);
		encodeText('b', { ...t, options: { ...t.options, padding: 'pre' } }, ix, out, 0);
		assert.deepEqual(Array.from(out), [0, 0, 0, 3]);
	});

	it('the schema defaults of the tokenizer are the engine defaults', () => {
		const v = validateText(
			`data:\n  source: {type: inline, rows: [{t: a, y: 1}, {t: b, y: 0}]}\n  preprocessing:\n    t: {step: tokenize}\nmodel:\n  layers: [{type: dense, units: 1}]\ntraining:\n  loss: meanSquaredError\n`,
		);
		const entry = v.resolved!.data.preprocessing!.t as Record<string, unknown>;
		for (const [k, def] of Object.entries(TOKENIZE_DEFAULTS)) assert.equal(entry[k], def, k);
	});

	it('warns when an embedding is smaller than the vocabulary feeding it, with a fix', () => {
		const f = path.join(ROOT, 'test/fixtures/diagnostics/embedding-vocabulary.model.yaml');
		const d = validateText(fs.readFileSync(f, 'utf8')).diagnostics.find((x) => x.code === 'MW244');
		assert.ok(d, 'MW244');
		assert.deepEqual(
			d.fixes?.flatMap((x) => x.edits.map((e) => e.newText)),
			['100'],
		);
		// The examples set inputDim to their vocabulary: no warning.
		for (const name of ['transformer', 'two-inputs']) {
			const file = path.join(ROOT, 'examples', `${name}.model.yaml`);
			assert.deepEqual(
				validateConfig(file, fs.readFileSync(file, 'utf8')).diagnostics.map((x) => x.code),
				[],
				name,
			);
		}
	});

	it('is fitted on the training split only, and the CSV examples are the generator output', async () => {
		assert.equal(
			fs.readFileSync(path.join(ROOT, 'examples/data/negations.csv'), 'utf8'),
			negationsCsv(NEGATIONS_FILE.samples, NEGATIONS_FILE.seed),
		);
		assert.equal(fs.readFileSync(path.join(ROOT, 'examples/data/orders.csv'), 'utf8'), ordersCsv(ORDERS_FILE.samples, ORDERS_FILE.seed));
		const dir = tempDir('mw-tok-');
		// "zebra" appears only in the last rows, which are the test split (no shuffle).
		const rows = Array.from({ length: 40 }, (_, i) => `${i >= 36 ? 'zebra' : 'good'} text,${i % 2}`);
		fs.writeFileSync(path.join(dir, 'd.csv'), ['t,y', ...rows].join('\n'));
		const c = validateText(
			`data:\n  source: {type: csv, path: d.csv}\n  label: y\n  preprocessing:\n    t: {step: tokenize, maxLength: 3}\n  split: {validation: 0, test: 0.1, shuffle: false, stratify: false}\nmodel:\n  layers: [{type: dense, units: 1, activation: sigmoid}]\ntraining:\n  loss: binaryCrossentropy\n`,
		).resolved!;
		const d = await prepareData(c, { configDir: dir });
		const tok = d.preprocessing.features[0]!.tokenizer!;
		assert.deepEqual(tok.vocabulary, ['good', 'text'], 'a tie goes to text order');
		assert.deepEqual(Array.from(d.test!.x.subarray(0, 3)), [1, 3, 0], 'an unseen word is out of vocabulary');
		assert.deepEqual(d.preprocessing.inputs, ['t[0]', 't[1]', 't[2]']);
	});
});

describe('text: named inputs in the summary', () => {
	it('inspect lists each input of model.inputs with its shape; the Mermaid export draws them', () => {
		const f = path.join(ROOT, 'examples/two-inputs.model.yaml');
		const r = validateConfig(f, fs.readFileSync(f, 'utf8'));
		const table = summaryTable('two-inputs', r.shapes!, r.data);
		assert.match(table, /^Input `numbers`: \[null, 2\]$/m);
		assert.match(table, /^Input `text`: \[null, 10\]$/m);
		const mermaid = toMermaid(r.resolved!, r.shapes, r.data);
		assert.match(mermaid, /I1\(\["text \[null, 10\]"\]\)/);
		assert.match(mermaid, /I1 -->\|"\[null, 10\]"\| L1/);
		assert.match(mermaid, /I0 -->\|"\[null, 2\]"\| L5/);
	});
});

describe('text: attention layers on wasm match cpu, forward and gradient', () => {
	after(async () => {
		await useBackend('wasm');
	});
	const make = () => {
		const inp = tf.input({ shape: [6] });
		let x = tf.layers.embedding({ inputDim: 9, outputDim: 8, maskZero: true }).apply(inp) as tf.SymbolicTensor;
		x = new PositionEmbedding({}).apply(x) as tf.SymbolicTensor;
		x = new MultiHeadAttention({ numHeads: 2, keyDim: 3, causal: true }).apply(x) as tf.SymbolicTensor;
		x = new TransformerEncoder({ numHeads: 2, feedForwardDim: 10, dropout: 0, activation: 'gelu' }).apply(x) as tf.SymbolicTensor;
		x = new MaskedGlobalAveragePooling1D({}).apply(x) as tf.SymbolicTensor;
		return tf.model({ inputs: inp, outputs: tf.layers.dense({ units: 1 }).apply(x) as tf.SymbolicTensor });
	};
	const ids = [
		[3, 4, 5, 0, 0, 0],
		[1, 2, 3, 4, 5, 6],
		[8, 0, 0, 0, 0, 0],
	];
	async function run(backend: 'cpu' | 'wasm', weights?: Float32Array[]) {
		await useBackend(backend);
		const m = make();
		if (weights) m.setWeights(weights.map((w, i) => tf.tensor(w, m.getWeights()[i]!.shape)));
		const x = tf.tensor2d(ids);
		const vars = m.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
		const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(m.apply(x) as tf.Tensor)) as tf.Scalar, vars);
		const out = {
			weights: m.getWeights().map((w) => w.dataSync() as Float32Array),
			loss: value.dataSync()[0]!,
			grads: vars.map((v) => Array.from(grads[v.name]!.dataSync())),
		};
		m.dispose();
		return out;
	}
	it('same loss and gradients through embedding (maskZero), positions, causal attention, the encoder and masked pooling', async () => {
		const cpu = await run('cpu');
		const wasm = await run('wasm', cpu.weights);
		assert.ok(Math.abs(cpu.loss - wasm.loss) < 1e-4 * Math.max(1, Math.abs(cpu.loss)), `loss ${cpu.loss} vs ${wasm.loss}`);
		cpu.grads.forEach((g, i) =>
			g.forEach((v, j) => assert.ok(Math.abs(v - wasm.grads[i]![j]!) < 1e-3 * Math.max(1, Math.abs(v)), `grad ${i}[${j}]`)),
		);
		assert.ok(
			cpu.grads.every((g) => g.some((v) => v !== 0)),
			'every weight gets a gradient',
		);
	});
});

describe('text: the negation task (order decides, word counts do not)', function () {
	this.timeout(300_000);
	before(async () => {
		await useBackend('wasm');
	});
	it('the Transformer example reaches ≥ 0.95 test accuracy; a bag-of-words MLP stays near chance', async () => {
		const c = example('transformer');
		const d = await prepareData(c, policy);
		const r = await trainLoop({ config: c, data: d });
		const acc = accuracy(r.model, d, 'test');
		assert.ok(acc >= 0.95, `Transformer test accuracy ${acc}`);
		r.model.dispose();
		// The same data, embeddings averaged without order: a bag of words.
		const bow = example('transformer', (t) =>
			t.replace(
				/  layers:[\s\S]*?\ntraining:/,
				`  layers:\n    - {type: embedding, inputDim: 64, outputDim: 32, maskZero: true}\n    - {type: globalAveragePooling1d}\n    - {type: dense, units: 32, activation: relu}\n    - {type: dense, units: 1, activation: sigmoid}\ntraining:`,
			),
		);
		assert.equal(bow.model.layers.length, 4);
		const rb = await trainLoop({ config: bow, data: await prepareData(bow, policy) });
		const accBow = accuracy(rb.model, d, 'test');
		assert.ok(accBow <= 0.65, `bag-of-words test accuracy ${accBow}`);
		assert.ok(rb.history.at(-1)!.accuracy! <= 0.7, `bag-of-words training accuracy ${rb.history.at(-1)!.accuracy}`);
		rb.model.dispose();
	});

	it('two named inputs (numbers + text) train, export, and predict from raw rows; the export loads in a fresh process', async () => {
		const c = example('two-inputs');
		const d = await prepareData(c, policy);
		assert.deepEqual(
			d.preprocessing.modelInputs?.map((i) => [i.name, i.offset, i.width]),
			[
				['numbers', 0, 2],
				['text', 2, 10],
			],
		);
		const r = await trainLoop({ config: c, data: d });
		assert.deepEqual(
			r.model.inputs.map((i) => i.shape),
			[
				[null, 2],
				[null, 10],
			],
		);
		const acc = accuracy(r.model, d, 'test');
		assert.ok(acc >= 0.9, `two-input test accuracy ${acc}`);
		const dir = path.join(tempDir('mw-text-'), 'export');
		await exportModel(r.model, dir, { preprocessing: d.preprocessing, configText: 'name: two-inputs\n' });
		const rows = [
			{ review: 'the food was not bad yet it seemed great', delay: 1, price: 30 },
			{ review: 'the food was bad yet it seemed not great', delay: 1, price: 30 },
			{ review: 'the food was great yet it seemed not bad', delay: 9, price: 30 },
		];
		const { predictions } = await predictRows(dir, rows);
		assert.deepEqual(
			predictions.map((p) => p.prediction),
			['no', 'yes', 'yes'],
		);
		const here = predictions.map((p) => p.scores[0]!);
		r.model.dispose();
		// serve takes the text as text (tokenized as in training) and refuses a non-text value.
		const srv = await startServer(dir, { port: 0, batchWindowMs: 0 });
		try {
			assert.equal(srv.info.inputs.find((i) => i.name === 'review')?.type, 'text');
			const post = async (body: unknown) => {
				const res = await fetch(`${srv.url}/predict`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify(body),
				});
				return { status: res.status, json: (await res.json()) as { predictions?: { prediction: string }[] } };
			};
			const ok = await post({ rows });
			assert.equal(ok.status, 200);
			assert.deepEqual(
				ok.json.predictions!.map((p) => p.prediction),
				['no', 'yes', 'yes'],
			);
			assert.equal((await post({ rows: [{ ...rows[0], review: { not: 'text' } }] })).status, 400);
		} finally {
			await srv.close();
		}
		// A fresh Node process with plain @tensorflow/tfjs and no TypeScript: without the classes registered
		// the model does not load; after requiring the modelwright-layers.js written beside it, it does.
		assert.ok(fs.existsSync(path.join(dir, 'modelwright-layers.js')), 'the export holds the layer classes');
		const script = `
			const tf = require('@tensorflow/tfjs');
			const fs = require('fs'), path = require('path');
			const dir = ${JSON.stringify(dir)};
			const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
			const w = fs.readFileSync(path.join(dir, 'weights.bin'));
			const io = tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: w.buffer.slice(w.byteOffset, w.byteOffset + w.byteLength) });
			(async () => {
				let refused = '';
				try { await tf.loadLayersModel(io); } catch (e) { refused = String(e.message); }
				require(path.join(dir, 'modelwright-layers.js'));
				const m = await tf.loadLayersModel(io);
				const pre = JSON.parse(fs.readFileSync(path.join(dir, 'preprocessing.json'), 'utf8'));
				console.log(JSON.stringify({ refused, inputs: m.inputs.map((i) => i.name), tokens: pre.features[2].tokenizer.vocabulary.length }));
			})();`;
		const out = JSON.parse(
			execFileSync(process.execPath, ['-e', script], {
				cwd: ROOT,
				// The user's project: its node_modules holds @tensorflow/tfjs, which the layer module uses too.
				env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules') },
				encoding: 'utf8',
				stdio: ['ignore', 'pipe', 'ignore'],
			})
				.trim()
				.split('\n')
				.pop()!,
		) as { refused: string; inputs: string[]; tokens: number };
		assert.match(out.refused, /PositionEmbedding/);
		assert.equal(out.inputs.length, 2);
		assert.ok(out.tokens > 10);
		assert.equal(here.length, 3);
	});
});
