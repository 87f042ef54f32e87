/**
 * Issue #11: a many-class run (1,500 classes) trains, saves its model and writes a bounded,
 * summarised evaluation, in a process whose heap is small enough that an unbounded evaluation
 * (dense 1,500² matrix, 1,500 full curves, every score of every prediction) dies in it. The
 * summarised evaluation still reads in the panel's view model and in `modelwright evaluate`.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Evaluation } from '../../engine/core/records';
import { readRunSummary } from '../../engine/io/store';
import { evaluationView } from '../../client/src/views';
import { runJob } from '../../engine/runtime/job';
import { cliIn, LINEAR } from '../helpers/cli';

const ROOT = path.join(__dirname, '..', '..');
const CLASSES = 1500;
const ROWS = 3000;

const CONFIG = `name: many-classes
seed: 3
data:
  source: {type: csv, path: many.csv}
  label: label
  scale: standardize
  split: {validation: 0}
model:
  layers:
    - {type: dense, units: 16, activation: relu}
    - {type: dense, units: ${CLASSES}, activation: softmax}
training:
  loss: sparseCategoricalCrossentropy
  optimizer: {type: adam, learningRate: 0.01}
  metrics: [accuracy]
  epochs: 1
  batchSize: 64
  checkpoint: {every: 0}
`;

describe('many-class evaluation (issue #11)', function () {
	this.timeout(240_000);
	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-many-'));
	const config = path.join(tmp, 'many.model.yaml');
	after(() => fs.rmSync(tmp, { recursive: true, force: true }));
	before(() => {
		const lines = ['a,b,c,label'];
		let seed = 11;
		const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
		for (let i = 0; i < ROWS; i++) {
			const k = i % CLASSES;
			lines.push(`${(k % 40) / 40 + rnd() * 0.01},${Math.floor(k / 40) / 40 + rnd() * 0.01},${rnd()},class${k}`);
		}
		fs.writeFileSync(path.join(tmp, 'many.csv'), `${lines.join('\n')}\n`);
		fs.writeFileSync(config, CONFIG);
	});

	let runDir = '';

	it('trains 1,500 classes to completed in a 512 MB heap: model saved, evaluation bounded and summarised', async () => {
		const child = spawn(
			process.execPath,
			['--max-old-space-size=512', '-r', 'tsx/cjs', path.join(__dirname, 'fixtures', 'cli-child.ts'), 'train', config, '--backend', 'wasm'],
			{ cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
		);
		let output = '';
		child.stdout.on('data', (d: Buffer) => (output += d.toString()));
		child.stderr.on('data', (d: Buffer) => (output += d.toString()));
		const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
		const runs = path.join(tmp, '.modelwright', 'runs');
		const dirs = fs.existsSync(runs) ? fs.readdirSync(runs) : [];
		assert.equal(dirs.length, 1, output.slice(-2000));
		runDir = path.join(runs, dirs[0]!);
		assert.ok(fs.existsSync(path.join(runDir, 'model', 'model.json')), `the trained model is saved (exit ${code}): ${output.slice(-2000)}`);
		assert.equal(code, 0, output.slice(-2000));
		const summary = readRunSummary(runDir)!;
		assert.equal(summary.status, 'completed', summary.message);
		assert.equal(summary.modelDir, path.join(runDir, 'model'));

		const file = path.join(runDir, 'evaluation.json');
		const size = fs.statSync(file).size;
		assert.ok(size < 4_000_000, `evaluation.json is ${size} bytes`);
		const ev = JSON.parse(fs.readFileSync(file, 'utf8')) as Evaluation;
		const c = ev.classification!;
		assert.equal(c.perClass.length, CLASSES, 'every class keeps its precision, recall, F1 and support');
		assert.ok(c.roc.length <= 50 && c.pr.length <= 50, `${c.roc.length} ROC curves`);
		assert.ok(c.roc.every((r) => r.curve.points.length <= 200));
		assert.equal(c.confusionMatrix, undefined, 'no dense 1,500 × 1,500 matrix');
		assert.equal(c.confusionSparse!.diagonal.length, CLASSES);
		assert.ok(Number.isFinite(c.rocAuc) && ev.metrics.rocAuc === c.rocAuc);
		assert.ok(ev.predictions.every((p) => p.scores === undefined));
		assert.ok(ev.notes && ev.notes.length >= 3, JSON.stringify(ev.notes));
		assert.ok(
			ev.notes.some((n) => /most supported of 1500 classes/.test(n)),
			JSON.stringify(ev.notes),
		);
	});

	it('the model folder and its place in summary.json are written before the evaluation', async () => {
		const cfg = path.join(tmp, 'linear.model.yaml');
		fs.writeFileSync(cfg, LINEAR('linear'));
		let seen: { model: boolean; modelDir?: string } | undefined;
		const r = await runJob({ configPath: cfg, backend: 'cpu' }, (e) => {
			if (e.method === 'job/evaluation') {
				const dir = path.dirname(e.params.path);
				seen = { model: fs.existsSync(path.join(dir, 'model', 'model.json')), modelDir: readRunSummary(dir)?.modelDir };
			}
		});
		assert.equal(r.status, 'completed', r.message);
		assert.deepEqual(seen, { model: true, modelDir: path.join(r.runDir!, 'model') });
	});

	it('the evaluation panel view shows the notes and the most frequent confusions', () => {
		assert.ok(runDir, 'the run of the previous test');
		const v = evaluationView(runDir)!;
		assert.ok(v.notes?.some((n) => /stored sparsely/.test(n)));
		assert.equal(v.confusion, undefined);
		assert.ok(v.topConfusions && v.topConfusions.length > 0 && v.topConfusions.length <= 100);
		assert.match(v.topConfusions[0]!.actual, /^class\d+$/);
		assert.equal(v.perClass!.length, CLASSES);
		assert.ok(v.roc!.length <= 50);
	});

	it('modelwright evaluate prints a summarised report with its notes', async () => {
		assert.ok(runDir, 'the run of the previous test');
		const r = await cliIn(tmp, 'evaluate', runDir, '--backend', 'wasm');
		assert.equal(r.code, 0, r.err);
		assert.match(r.out, /per class \(the 50 most supported of 1500\)/);
		assert.match(r.out, /most frequent confusions \(20 of \d+;/);
		assert.match(r.out, /note: ROC and PR curves are stored for the 50 most supported of 1500 classes/);
		assert.ok(r.out.split('\n').length < 200, 'a readable length');
	});
});
