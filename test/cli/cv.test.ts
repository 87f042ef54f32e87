/** `modelwright cv` (issue #12): k folds, each row held out exactly once, mean ± population std. */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CvReport } from '../../engine/cli/commands/cv';
import type { Evaluation } from '../../engine/core/records';

const ROOT = path.join(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'modelwright.js');

describe('CLI: cv', function () {
	this.timeout(120_000);
	let tmp: string;
	before(() => {
		tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-cv-'));
		// No test split: the folds cover every row.
		const text = fs
			.readFileSync(path.join(ROOT, 'examples', 'linear-regression.model.yaml'), 'utf8')
			.replace(/\n  split:\n(    .*\n)+/, '\n  split: {validation: 0.2, test: 0}\n');
		fs.writeFileSync(path.join(tmp, 'lin.model.yaml'), text);
	});
	after(() => fs.rmSync(tmp, { recursive: true, force: true }));

	it('holds out each row exactly once and reports mean ± population std per metric', () => {
		const r = spawnSync(process.execPath, [BIN, 'cv', 'lin.model.yaml', '--folds', '4', '--epochs', '3', '--json'], {
			cwd: tmp,
			encoding: 'utf8',
		});
		assert.equal(r.status, 0, r.stderr);
		const report = JSON.parse(r.stdout) as CvReport;
		assert.equal(report.runs.length, 4);
		const xs: number[] = [];
		for (const run of report.runs) {
			assert.equal(run.status, 'completed');
			const ev = JSON.parse(fs.readFileSync(path.join(run.runDir!, 'evaluation.json'), 'utf8')) as Evaluation;
			assert.equal(ev.split, 'validation');
			xs.push(...ev.features!.x!);
		}
		// The linear generator's x values are distinct: 100 rows, each evaluated once.
		assert.equal(xs.length, 100);
		assert.equal(new Set(xs).size, 100);
		const mse = report.runs.map((x) => x.metrics.mse!);
		const mean = mse.reduce((a, b) => a + b) / 4;
		assert.ok(Math.abs(report.summary.mse!.mean - mean) < 1e-12);
		assert.ok(Math.abs(report.summary.mse!.std - Math.sqrt(mse.reduce((a, b) => a + (b - mean) ** 2, 0) / 4)) < 1e-12);
		assert.ok(fs.existsSync(path.join(path.dirname(path.dirname(report.runs[0]!.runDir!)), 'cv.json')));
	});

	it('a fold run re-evaluates on its own fold (its split fingerprints match, no data-change refusal)', () => {
		const rows = Array.from({ length: 60 }, (_, i) => `${i / 6},${(2 * i) / 6 + (i % 3) * 0.1}`);
		fs.writeFileSync(path.join(tmp, 'lin.csv'), `x,y\n${rows.join('\n')}\n`);
		fs.writeFileSync(
			path.join(tmp, 'csv.model.yaml'),
			`name: csv-lin
seed: 4
data:
  source: {type: csv, path: lin.csv}
  features: [x]
  label: y
  split: {validation: 0, test: 0.2, folds: 3}
model:
  layers: [{type: dense, units: 1}]
training:
  loss: meanSquaredError
  optimizer: {type: sgd, learningRate: 0.01}
  epochs: 2
`,
		);
		const cv = spawnSync(process.execPath, [BIN, 'cv', 'csv.model.yaml', '--folds', '3', '--json'], { cwd: tmp, encoding: 'utf8' });
		assert.equal(cv.status, 0, cv.stderr);
		const report = JSON.parse(cv.stdout) as CvReport;
		const run = report.runs[1]!.runDir!;
		const ev = spawnSync(process.execPath, [BIN, 'evaluate', run, '--split', 'validation', '--json'], { cwd: tmp, encoding: 'utf8' });
		assert.equal(ev.status, 0, ev.stderr);
		const evaluation = JSON.parse(ev.stdout) as Evaluation;
		const trained = JSON.parse(fs.readFileSync(path.join(run, 'evaluation.json'), 'utf8')) as Evaluation;
		assert.equal(evaluation.rows, trained.rows, 'the same fold held out');
		assert.deepEqual(evaluation.features!.x, trained.features!.x);
	});

	it('says when a class has fewer rows than the folds, once, and reports it in cv.json', () => {
		const rows = Array.from({ length: 26 }, (_, i) => `${i / 26},${i < 2 ? 'r' : i % 2 ? 'a' : 'b'}`);
		fs.writeFileSync(path.join(tmp, 'small.csv'), `x,y\n${rows.join('\n')}\n`);
		fs.writeFileSync(
			path.join(tmp, 'small.model.yaml'),
			`data:\n  source: {type: csv, path: small.csv}\n  label: y\n  split: {validation: 0, folds: 3}\nmodel:\n  layers: [{type: dense, units: 3, activation: softmax}]\ntraining:\n  loss: sparseCategoricalCrossentropy\n  batchSize: 4\n  epochs: 1\n`,
		);
		const r = spawnSync(process.execPath, [BIN, 'cv', 'small.model.yaml'], { cwd: tmp, encoding: 'utf8' });
		assert.equal(r.status, 0, r.stderr);
		const said = r.stderr.match(/warning: class `r` \(2 rows\) has fewer rows than the 3 folds/g) ?? [];
		assert.equal(said.length, 1, r.stderr);
		const json = spawnSync(process.execPath, [BIN, 'cv', 'small.model.yaml', '--json'], { cwd: tmp, encoding: 'utf8' });
		const report = JSON.parse(json.stdout) as CvReport;
		assert.match(
			report.warnings?.join('\n') ?? '',
			/class `r` \(2 rows\) has fewer rows than the 3 folds: .* 1 of them validate without it/,
		);
		// tune says the validator's MW247 before its sweep.
		fs.writeFileSync(
			path.join(tmp, 'small-tune.model.yaml'),
			fs
				.readFileSync(path.join(tmp, 'small.model.yaml'), 'utf8')
				.concat('tuning:\n  trials: 1\n  workers: 1\n  space:\n    training.batchSize: {choice: [4]}\n'),
		);
		const t = spawnSync(process.execPath, [BIN, 'tune', 'small-tune.model.yaml'], { cwd: tmp, encoding: 'utf8' });
		assert.equal(t.status, 0, t.stderr);
		assert.match(t.stderr, /MW247.*Class `r` has 2 rows but there are 3 folds/);
	});

	it('prints the per-fold table and says which std; usage errors exit 2', () => {
		const r = spawnSync(process.execPath, [BIN, 'cv', 'lin.model.yaml', '--folds', '2', '--epochs', '2'], { cwd: tmp, encoding: 'utf8' });
		assert.equal(r.status, 0, r.stderr);
		assert.match(r.stdout, /^fold\s+status\s+mse/m);
		assert.match(r.stdout, /mean ± population std/);
		assert.equal(spawnSync(process.execPath, [BIN, 'cv', 'lin.model.yaml', '--folds', '1'], { cwd: tmp }).status, 2);
	});
});
