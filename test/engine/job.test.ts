/** runJob end to end: run folder contents, events, export loadable in a fresh process, invalid configs, killed runs and resume. */
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runJob, exitCode } from '../../engine/runtime/job';
import type { EngineEvent } from '../../engine/core/protocol';
import { readMetrics, readRunSummary, listCheckpoints } from '../../engine/io/store';

const ROOT = path.join(__dirname, '..', '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-job-'));
const write = (name: string, text: string) => {
	const f = path.join(tmp, name);
	fs.writeFileSync(f, text);
	return f;
};
const example = (name: string) => {
	const f = path.join(tmp, `${name}.model.yaml`);
	fs.copyFileSync(path.join(ROOT, 'examples', `${name}.model.yaml`), f);
	return f;
};

const BLOBS = (epochs: number, every: number, name = 'blobs') => `name: ${name}
seed: 4
data:
  source: {type: blobs, samples: 240}
  scale: standardize
  split: {validation: 0.25}
model:
  layers:
    - {type: dense, units: 16, activation: relu}
    - {type: dropout, rate: 0.2}
    - {type: dense, units: 3, activation: softmax}
training:
  loss: sparseCategoricalCrossentropy
  optimizer: {type: adam, learningRate: 0.01}
  metrics: [accuracy]
  epochs: ${epochs}
  batchSize: 8
  checkpoint: {every: ${every}, keep: 2}
`;

describe('engine/job runJob', function () {
	this.timeout(120_000);
	after(() => fs.rmSync(tmp, { recursive: true, force: true }));

	it('trains the seed example: events in order, run folder complete, weight ≈ 2', async () => {
		const events: EngineEvent[] = [];
		const r = await runJob({ configPath: example('linear-regression') }, (e) => events.push(e));
		assert.equal(r.status, 'completed', r.message);
		assert.equal(exitCode(r), 0);
		const methods = events.map((e) => e.method);
		assert.equal(methods[0], 'job/started');
		assert.equal(methods[1], 'job/dataLoaded');
		assert.equal(methods.filter((m) => m === 'job/epochEnd').length, 50);
		assert.deepEqual(methods.slice(-2), ['job/evaluation', 'job/finished']);
		assert.ok(Math.abs(r.weights!.weight[0]! - 2) < 0.1 && Math.abs(r.weights!.bias[0]!) < 0.3, JSON.stringify(r.weights));
		const dir = r.runDir!;
		assert.ok(dir.startsWith(path.join(tmp, '.modelwright', 'runs')));
		for (const f of [
			'config.yaml',
			'metrics.jsonl',
			'summary.json',
			'evaluation.json',
			'model/model.json',
			'model/weights.bin',
			'model/preprocessing.json',
			'model/config.yaml',
		])
			assert.ok(fs.existsSync(path.join(dir, f)), f);
		const s = readRunSummary(dir)!;
		assert.equal(s.status, 'completed');
		assert.equal(s.backend, 'wasm');
		assert.equal(s.epochs.completed, 50);
		assert.equal(s.data!.rows, 100);
		assert.ok(s.timings!.trainMs! > 0 && s.finalMetrics!.loss! > 0);
		assert.equal(readMetrics(dir).length, 50);
		const ev = JSON.parse(fs.readFileSync(path.join(dir, 'evaluation.json'), 'utf8'));
		assert.equal(ev.split, 'validation');
		assert.ok(ev.regression.r2 > 0.9, JSON.stringify(ev.regression));
		assert.ok(fs.readdirSync(dir).every((f) => !f.endsWith('.tmp')));
	});

	it('a one-unit model on a wide table reports no weights (a line for the seed example, not 40 numbers)', async () => {
		const cols = Array.from({ length: 40 }, (_, i) => `c${i}`);
		const rows = Array.from({ length: 30 }, (_, r) => [...cols.map((_, i) => ((r * 7 + i * 3) % 11) / 10), r % 5].join(','));
		write('wide.csv', [[...cols, 'y'].join(','), ...rows].join('\n') + '\n');
		const one = (n: number) => `name: wide${n}
data:
  source: {type: csv, path: wide.csv}
  label: y
  features: [${cols.slice(0, n).join(', ')}]
model:
  layers: [{type: dense, units: 1}]
training: {loss: meanSquaredError, epochs: 1}
`;
		const events: EngineEvent[] = [];
		const wide = await runJob({ configPath: write('wide.model.yaml', one(40)) }, (e) => events.push(e));
		assert.equal(wide.status, 'completed', wide.message);
		assert.equal(wide.weights, undefined);
		const fin = events.find((e) => e.method === 'job/finished');
		assert.ok(fin && !('weights' in fin.params));
		const narrow = await runJob({ configPath: write('narrow.model.yaml', one(3)) }, () => undefined);
		assert.equal(narrow.weights?.weight.length, 3);
	});

	it('the exported model loads with plain tf.loadLayersModel in a fresh process and predicts like the run', async () => {
		const r = await runJob({ configPath: example('linear-regression'), overrides: { epochs: 5 } }, () => undefined);
		const dir = path.join(r.runDir!, 'model');
		const script = `
const tf = require('@tensorflow/tfjs');
const fs = require('fs'); const path = require('path');
const dir = ${JSON.stringify(dir)};
const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
const bin = fs.readFileSync(path.join(dir, json.weightsManifest[0].paths[0]));
tf.loadLayersModel({ load: async () => ({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) }) })
  .then((m) => { console.log(JSON.stringify(Array.from(m.predict(tf.tensor2d([[3]])).dataSync()))); });`;
		const out = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' });
		assert.equal(out.status, 0, out.stderr);
		const pred = JSON.parse(out.stdout.trim().split('\n').pop()!)[0];
		const ws = r.weights!;
		assert.ok(Math.abs(pred - (3 * ws.weight[0]! + ws.bias[0]!)) < 1e-5, `${pred}`);
	});

	it('trains, evaluates and exports a layer graph (the residual example) on the tfjs path; the export loads with tf.loadLayersModel', async () => {
		const r = await runJob({ configPath: example('residual'), overrides: { epochs: 60 } }, () => undefined);
		assert.equal(r.status, 'completed');
		const s = readRunSummary(r.runDir!)!;
		assert.equal(s.trainPath, 'tfjs');
		assert.match(s.trainPathReason ?? '', /layer graph/);
		const ev = JSON.parse(fs.readFileSync(path.join(r.runDir!, 'evaluation.json'), 'utf8'));
		assert.ok(JSON.stringify(ev).includes('accuracy'), 'evaluation has an accuracy');
		assert.ok(s.finalMetrics!.accuracy! > 0.9, JSON.stringify(s.finalMetrics));
		const dir = path.join(r.runDir!, 'model');
		const script = `
const tf = require('@tensorflow/tfjs');
const fs = require('fs'); const path = require('path');
const dir = ${JSON.stringify(dir)};
const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
const bin = fs.readFileSync(path.join(dir, json.weightsManifest[0].paths[0]));
tf.loadLayersModel({ load: async () => ({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) }) })
  .then((m) => { console.log(JSON.stringify({ layers: m.layers.map((l) => l.getClassName()), y: Array.from(m.predict(tf.tensor2d([[0.5, -1], [-1, 0.5]])).dataSync()) })); });`;
		const out = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' });
		assert.equal(out.status, 0, out.stderr);
		const loaded = JSON.parse(out.stdout.trim().split('\n').pop()!) as { layers: string[]; y: number[] };
		assert.deepEqual(loaded.layers, ['InputLayer', 'Dense', 'Dense', 'Add', 'Dense']);
		assert.equal(loaded.y.length, 2);
		assert.ok(
			loaded.y.every((v) => v > 0 && v < 1),
			JSON.stringify(loaded.y),
		);
	});

	it('refuses an invalid config with diagnostics and exit code 2, without a run folder', async () => {
		const f = write(
			'bad.model.yaml',
			'data: {source: {type: linear}}\nmodel: {layers: [{type: dense, untis: 1}]}\ntraining: {loss: meanSquaredError}\n',
		);
		const events: EngineEvent[] = [];
		const r = await runJob({ configPath: f, runsDir: path.join(tmp, 'bad-runs') }, (e) => events.push(e));
		assert.equal(r.status, 'invalid');
		assert.equal(exitCode(r), 2);
		assert.ok(r.diagnostics!.some((d) => d.severity === 'error'));
		assert.equal(events[0]!.method, 'job/failed');
		assert.ok(!fs.existsSync(path.join(tmp, 'bad-runs')));
	});

	it('cancel keeps a consistent run (status cancelled, metrics so far, exit 130)', async () => {
		const ac = new AbortController();
		const r = await runJob(
			{ configPath: write('cancel.model.yaml', BLOBS(50, 0)) },
			(e) => {
				if (e.method === 'job/epochEnd' && e.params.epoch === 3) ac.abort();
			},
			ac.signal,
		);
		assert.equal(r.status, 'cancelled');
		assert.equal(exitCode(r), 130);
		const s = readRunSummary(r.runDir!)!;
		assert.equal(s.status, 'cancelled');
		assert.equal(s.epochs.completed, 3);
		assert.equal(readMetrics(r.runDir!).length, 3);
	});

	it('logBatches reports the loss of every batch', async () => {
		const f = write(
			'batches.model.yaml',
			'name: batches\ndata: {source: {type: linear, samples: 40}, split: {validation: 0}}\nmodel: {layers: [{type: dense, units: 1}]}\ntraining: {loss: meanSquaredError, optimizer: sgd, epochs: 2, batchSize: 10, logBatches: true}\n',
		);
		const batches: { epoch: number; batch: number; loss?: number }[] = [];
		const r = await runJob({ configPath: f }, (e) => {
			if (e.method === 'job/batch') batches.push(e.params);
		});
		assert.equal(r.status, 'completed', r.message);
		assert.equal(batches.length, 8);
		assert.ok(batches.every((b) => typeof b.loss === 'number' && Number.isFinite(b.loss)));
		assert.deepEqual(
			batches.slice(0, 4).map((b) => [b.epoch, b.batch]),
			[
				[1, 1],
				[1, 2],
				[1, 3],
				[1, 4],
			],
		);
	});

	it('a NaN loss fails the run with the hint and exit code 1', async () => {
		const f = write(
			'nan.model.yaml',
			'data: {source: {type: linear, xMax: 1000}, split: {validation: 0}}\nmodel: {layers: [{type: dense, units: 1}]}\ntraining: {loss: meanSquaredError, optimizer: {type: sgd, learningRate: 1}, epochs: 20}\n',
		);
		const r = await runJob({ configPath: f }, () => undefined);
		assert.equal(r.status, 'failed');
		assert.equal(exitCode(r), 1);
		assert.match(r.message!, /learning rate/);
		assert.equal(readRunSummary(r.runDir!)!.status, 'failed');
	});

	it('a killed process leaves a readable run marked interrupted; --resume finishes it like an uninterrupted run', async () => {
		const cfg = write('killed.model.yaml', BLOBS(40, 2, 'killed'));
		const child = spawn(process.execPath, ['-r', 'tsx/cjs', path.join(__dirname, 'fixtures', 'train-child.ts'), cfg], {
			cwd: ROOT,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		await new Promise<void>((resolve, reject) => {
			let buf = '';
			child.stdout.on('data', (d: Buffer) => {
				buf += d.toString();
				if (/job\/checkpoint 4/.test(buf)) {
					child.kill('SIGKILL');
					resolve();
				}
			});
			child.on('exit', () => reject(new Error(`child ended before being killed: ${buf}`)));
		});
		await new Promise((r) => child.on('exit', r));
		const runsDir = path.join(tmp, '.modelwright', 'runs');
		const dir = fs
			.readdirSync(runsDir)
			.map((d) => path.join(runsDir, d))
			.find((d) => readRunSummary(d)?.name === 'killed')!;
		const s = readRunSummary(dir)!;
		assert.equal(s.status, 'interrupted');
		assert.ok(readMetrics(dir).length >= 4);
		assert.ok(listCheckpoints(dir).at(-1)!.epoch >= 4);
		assert.ok(listCheckpoints(dir).length <= 2, 'checkpoint.keep: 2');
		const resumed = await runJob({ configPath: cfg, resume: dir }, () => undefined);
		assert.equal(resumed.status, 'completed', resumed.message);
		assert.equal(resumed.runDir, dir);
		const whole = await runJob({ configPath: cfg }, () => undefined);
		const a = readMetrics(dir);
		const b = readMetrics(whole.runDir!);
		assert.equal(a.length, 40);
		assert.deepEqual(a, b);
		assert.equal(readRunSummary(dir)!.status, 'completed');
	});
});
