/** Real tabular data told the truth (issue 12): one label normalisation on every side. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { validateConfig } from '../../engine/io/probe';
import { prepareData } from '../../engine/runtime/data/prepare';
import { classIndex, decodeOutput } from '../../engine/runtime/data/preprocess';
import { classKey, classesOf } from '../../engine/core/data/labels';
import { resolveConfig } from '../../engine/core/config/resolve';
import { fingerprintChange } from '../../engine/core/data/fingerprint';
import { DataError } from '../../engine/runtime/data/csv';
import { cliIn } from '../helpers/cli';
import { classificationReport } from '../../engine/runtime/evaluate/metrics';
import { validateText } from '../../engine/core/config/validate';
import { runJob } from '../../engine/runtime/job';
import { trainLoop } from '../../engine/runtime/train/loop';
import { classWeights } from '../../engine/runtime/train/weights';
import { createRng } from '../../engine/core/random';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-tabular-'));
const write = (name: string, text: string) => {
	const f = path.join(tmp, name);
	fs.writeFileSync(f, text);
	return f;
};

describe('tabular data: labels, fingerprints, reports', () => {
	after(() => fs.rmSync(tmp, { recursive: true, force: true }));

	it('labels 1, 1.0, " 1 " and "one" are two classes for the validator, the engine and predict', async () => {
		assert.equal(classKey('1.0'), 1);
		assert.equal(classKey(' 1 '), 1);
		assert.equal(classKey('one'), 'one');
		assert.equal(classKey(''), null);
		assert.deepEqual(classesOf([1, '1.0', 'one', null, '1']), [1, 'one']);
		// Text among the numbers makes the CSV label a text column: before, "1" and "1.0" were two classes there.
		write('labels.csv', 'x,label\n0,1\n1,1.0\n2,one\n3,one\n4,1\n5,one\n6,1.0\n7,one\n');
		const cfg = write(
			'labels.model.yaml',
			`data:
  source: {type: csv, path: labels.csv}
  label: label
  split: {validation: 0, test: 0}
model:
  layers:
    - {type: dense, units: 2, activation: softmax}
training:
  loss: sparseCategoricalCrossentropy
`,
		);
		const v = validateConfig(cfg, fs.readFileSync(cfg, 'utf8'));
		assert.ok(v.resolved, JSON.stringify(v.diagnostics));
		assert.deepEqual(v.data?.classes, [1, 'one']);
		const d = await prepareData(v.resolved, v.policy);
		assert.deepEqual(d.preprocessing.label.classes, [1, 'one']);
		assert.equal(d.train.n, 8);
		d.train.rows.forEach((r, j) => assert.equal(d.train.classes![j], classKey(r.label) === 1 ? 0 : 1, JSON.stringify(r)));
		// predict and serve decode through the same classes; a label given as text finds its class.
		assert.equal(decodeOutput(d.preprocessing, [0.9, 0.1]), 1);
		assert.equal(classIndex(d.preprocessing, '1.0'), 0);
		assert.equal(classIndex(d.preprocessing, 1), 0);
		assert.equal(classIndex(d.preprocessing, 'one'), 1);
	});

	const csvConfig = (file: string, data: object, training: object = { loss: 'meanSquaredError' }) =>
		resolveConfig({
			seed: 2,
			data: { source: { type: 'csv', path: file }, label: 'y', ...data },
			model: { layers: [{ type: 'dense', units: 1 }] },
			training,
		});
	const policy = { configDir: tmp };

	it('dropped rows are reported by reason with their file lines (blank lines and multi-line records counted)', async () => {
		// line 1 header; line 3 blank; the record on line 5 spans lines 5-6; line 7 has no label, line 8 no x.
		write('dropped.csv', 'x,note,y\n1,a,2\n\n2,b,4\n3,"two\nlines",6\n4,c,\n,d,10\n6,e,12\n7,f,\n8,g,16\n');
		const d = await prepareData(csvConfig('dropped.csv', { features: ['x'], missing: 'dropRow', split: { validation: 0 } }), policy);
		assert.equal(d.summary.rows, 5);
		assert.equal(d.summary.droppedRows, 3);
		assert.deepEqual(d.summary.dropped, [
			{ reason: 'missing label', rows: 2, lines: [7, 10], unit: 'line' },
			{ reason: 'missing value in `x`', rows: 1, lines: [8], unit: 'line' },
		]);
		// With `missing: error` the message names the file line, not the row number (row 5 is on line 7).
		try {
			await prepareData(csvConfig('dropped.csv', { features: ['x'], missing: 'error', split: { validation: 0 } }), policy);
			assert.fail('expected an error');
		} catch (err) {
			assert.ok(err instanceof DataError);
			assert.match(err.message, /^line 8: missing value in column `x`/);
		}
	});

	it('a feature with no value in the training rows is reported, not dropped silently', async () => {
		write('empty.csv', 'x,z,y\n1,NA,2\n2,NA,4\n3,,6\n4,NA,8\n5,NA,10\n');
		const d = await prepareData(csvConfig('empty.csv', { features: ['x', 'z'], missing: 'mean', split: { validation: 0 } }), policy);
		assert.deepEqual(d.summary.emptyFeatures, ['z']);
		assert.match(d.summary.warnings?.join('\n') ?? '', /feature `z` has no value in the 5 training rows/);
		assert.equal(d.summary.inputs, 2);
	});

	it('a stratified split that rounds to no rows is refused with the arithmetic per class', async () => {
		write('tiny.csv', 'x,y\n1,a\n2,a\n3,b\n4,b\n5,c\n6,c\n7,c\n');
		const cls = { loss: 'sparseCategoricalCrossentropy' };
		try {
			await prepareData(csvConfig('tiny.csv', { split: { validation: 0.1 } }, cls), policy);
			assert.fail('expected an error');
		} catch (err) {
			assert.ok(err instanceof DataError);
			assert.match(err.message, /`data\.split\.validation` 0\.1 gives the validation split no rows/);
			assert.match(err.message, /class `a`: 2 × 0\.1 = 0\.2 → 0; class `b`: 2 × 0\.1 = 0\.2 → 0; class `c`: 3 × 0\.1 = 0\.3 → 0/);
			assert.match(err.message, /at least 0\.17 \(one row of the largest class, 3 rows\)/);
		}
		// 0.2: `c` (3 × 0.2 = 0.6 → 1) gets a validation row, `a` and `b` none: a warning, not an error.
		const d = await prepareData(csvConfig('tiny.csv', { split: { validation: 0.2 } }, cls), policy);
		assert.equal(d.summary.split.validation, 1);
		assert.match(d.summary.warnings?.join('\n') ?? '', /the validation split \(stratified\) has no rows of 2 classes/);
	});

	it('fingerprints: the same data gives the same prints; reordered rows change the data print, not the split prints', async () => {
		const rows = Array.from({ length: 30 }, (_, i) => `${i},${2 * i}`);
		write('fp.csv', `x,y\n${rows.join('\n')}\n`);
		const c = csvConfig('fp.csv', { split: { validation: 0.2, test: 0.2 } });
		const a = (await prepareData(c, policy)).summary.fingerprint!;
		const b = (await prepareData(c, policy)).summary.fingerprint!;
		assert.deepEqual(a, b);
		assert.match(a.data, /^sha256:[0-9a-f]{64}$/);
		assert.equal(fingerprintChange(a, b), undefined);
		write('fp.csv', `x,y\n${[...rows].reverse().join('\n')}\n`);
		const r = (await prepareData(c, policy)).summary.fingerprint!;
		assert.notEqual(r.data, a.data);
		assert.deepEqual(r.splits, a.splits);
		const msg = fingerprintChange(a, r)!;
		assert.ok(msg.includes(a.data.slice(0, 23)) && msg.includes(r.data.slice(0, 23)), msg);
	});

	it('evaluate refuses a run whose data changed since training (both prints named); predict warns; runs show lists them', async () => {
		const dir = fs.mkdtempSync(path.join(tmp, 'cli-'));
		const rows = Array.from({ length: 40 }, (_, i) => `${i % 10},${(2 * (i % 10) + (i % 3)) / 10}`);
		fs.writeFileSync(path.join(dir, 'd.csv'), `x,y\n${rows.join('\n')}\n`);
		fs.writeFileSync(
			path.join(dir, 'fp.model.yaml'),
			`seed: 1
data:
  source: {type: csv, path: d.csv}
  label: y
  split: {validation: 0.2, test: 0.2}
model:
  layers:
    - {type: dense, units: 1}
training:
  loss: meanSquaredError
  epochs: 2
  batchSize: 8
  checkpoint: {every: 0}
`,
		);
		const t = await cliIn(dir, 'train', 'fp.model.yaml');
		assert.equal(t.code, 0, t.err + t.out);
		assert.equal((await cliIn(dir, 'evaluate', 'latest')).code, 0);
		const show = await cliIn(dir, 'runs', 'show', 'latest');
		assert.match(show.out, /data fingerprint: {2}sha256:[0-9a-f]{64} \(/);
		assert.match(show.out, /split fingerprints: train sha256:[0-9a-f]{16}…/);
		// The same rows in another order: same row numbers, other rows behind them.
		fs.writeFileSync(path.join(dir, 'd.csv'), `x,y\n${[...rows].reverse().join('\n')}\n`);
		const e = await cliIn(dir, 'evaluate', 'latest');
		assert.equal(e.code, 1);
		assert.match(e.err, /the data \(.*d\.csv\) changed since training: sha256:[0-9a-f]{16}… then, sha256:[0-9a-f]{16}… now/);
		assert.match(e.err, /--allow-data-change/);
		const forced = await cliIn(dir, 'evaluate', 'latest', '--allow-data-change');
		assert.equal(forced.code, 0, forced.err);
		assert.match(forced.out, /note: Evaluated although the data/);
		const p = await cliIn(dir, 'predict', 'latest', '--input', 'd.csv');
		assert.equal(p.code, 0, p.err);
		assert.match(p.err, /warning: d\.csv is the data run .* trained on, and it changed since training/);
	});

	it('micro averages pool the counts (scikit-learn average="micro"), beside macro and weighted; `average: micro` validates', () => {
		// truth 0 0 0 1 1 2, predicted 0 0 1 1 2 2: TP 2, 1, 1; predicted 2, 2, 2; support 3, 2, 1.
		const probs = [0, 0, 1, 1, 2, 2].map((p) => [0, 1, 2].map((k) => (k === p ? 0.8 : 0.1)));
		const c = classificationReport([0, 0, 0, 1, 1, 2], probs, [0, 0, 1, 1, 2, 2], ['a', 'b', 'c']);
		const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} != ${b}`);
		close(c.micro.precision, 4 / 6);
		close(c.micro.recall, 4 / 6);
		close(c.micro.f1, 4 / 6);
		close(c.micro.f1, c.accuracy);
		close(c.macro.recall, (2 / 3 + 1 / 2 + 1) / 3);
		close(c.weighted.recall, (3 * (2 / 3) + 2 * (1 / 2) + 1) / 6);
		const v = validateText(`data:
  source: {type: blobs}
model:
  layers:
    - {type: dense, units: 3, activation: softmax}
training:
  loss: sparseCategoricalCrossentropy
evaluation:
  average: micro
`);
		assert.deepEqual(
			v.diagnostics.filter((d) => d.severity === 'error'),
			[],
		);
		assert.equal(v.resolved?.evaluation.average, 'micro');
	});

	it('a data path outside the workspace is an error in validate and refused by train before any run folder (same severity)', async () => {
		const ws = fs.mkdtempSync(path.join(tmp, 'ws-'));
		fs.mkdirSync(path.join(ws, 'cfg'));
		write('outside.csv', 'x,y\n1,2\n2,4\n3,6\n4,8\n5,10\n');
		const cfg = path.join(ws, 'cfg', 'o.model.yaml');
		fs.writeFileSync(
			cfg,
			`data:\n  source: {type: csv, path: ../../outside.csv}\nmodel:\n  layers:\n    - {type: dense, units: 1}\ntraining:\n  loss: meanSquaredError\n`,
		);
		const v = validateConfig(cfg, fs.readFileSync(cfg, 'utf8'), { root: ws });
		assert.equal(v.diagnostics.find((d) => d.code === 'MW228')?.severity, 'error');
		assert.equal(v.ok, false);
		const r = await runJob({ configPath: cfg, workspaceRoot: ws }, () => undefined);
		assert.equal(r.status, 'invalid');
		assert.match(r.message ?? '', /outside/);
		assert.equal(fs.existsSync(path.join(ws, 'cfg', '.modelwright')), false);
	});

	describe('class weights', function () {
		/** How far the common classes sit from the rare one, in standard deviations. */
		const R = 1.5;
		this.timeout(120_000);
		// Three common classes around a rare one (1 row in 20) that overlaps them all (seeded): unweighted, the
		// rare class is hardly ever the most likely one.
		const rng = createRng(7);
		const lines = ['x1,x2,y'];
		for (let i = 0; i < 1200; i++) {
			const k = i % 20 === 0 ? -1 : i % 3;
			const [cx, cy] = k < 0 ? [0, 0] : [R * Math.cos((2 * Math.PI * k) / 3), R * Math.sin((2 * Math.PI * k) / 3)];
			lines.push(`${(cx + rng.normal()).toFixed(4)},${(cy + rng.normal()).toFixed(4)},${k < 0 ? 'rare' : `c${k}`}`);
		}
		const imbalanced = (extra: string) => `seed: 3
data:
  source: {type: csv, path: imbalanced.csv}
  label: y
  split: {validation: 0, test: 0.3}
model:
  layers:
    - {type: dense, units: 16, activation: relu}
    - {type: dense, units: 4, activation: softmax}
training:
  loss: sparseCategoricalCrossentropy
  optimizer: {type: adam, learningRate: 0.01}
  epochs: 20
  batchSize: 32
  checkpoint: {every: 0}
${extra}`;
		before(() => write('imbalanced.csv', `${lines.join('\n')}\n`));

		it('balanced weighs n / (K · n_k) as scikit-learn; a map names classes as the label does', async () => {
			const v = validateText(imbalanced('  classWeight: balanced\n'));
			const d = await prepareData(v.resolved!, policy);
			const w = classWeights(v.resolved!, d)!;
			const n = d.train.n;
			const counts = [0, 0, 0, 0];
			for (const c of d.train.classes!) counts[c]!++;
			assert.deepEqual(d.preprocessing.label.classes, ['c0', 'c1', 'c2', 'rare']);
			counts.forEach((nk, k) => assert.ok(Math.abs(w[k]! - n / (4 * nk)) < 1e-12, `${w}`));
			assert.ok(w[3]! > 4 && w[0]! < 1, `${w}`);
			const m = validateText(imbalanced('  classWeight: {rare: 5}\n'));
			assert.deepEqual(Array.from(classWeights(m.resolved!, d)!), [1, 1, 1, 5]);
			const bad = validateText(imbalanced('  classWeight: {rar: 5}\n'));
			assert.ok(bad.resolved);
			assert.throws(
				() => classWeights(bad.resolved!, d),
				/names class `rar`, which the label `y` does not have \(classes: `c0`, `c1`, `c2`, `rare`\)/,
			);
		});

		it('a uniform weight c multiplies the training loss by c (tfjs path; the fused path declines, saying why)', async () => {
			const losses: number[] = [];
			for (const extra of ['', '  classWeight: {c0: 3, c1: 3, c2: 3, rare: 3}\n']) {
				const v = validateText(
					imbalanced(extra).replace('learningRate: 0.01', 'learningRate: 0.000001').replace('epochs: 20', 'epochs: 1'),
				);
				const d = await prepareData(v.resolved!, policy);
				const r = await trainLoop({ config: v.resolved!, data: d, trainPath: 'tfjs' });
				losses.push(r.history[0]!.loss!);
				r.model.dispose();
			}
			assert.ok(Math.abs(losses[1]! / losses[0]! - 3) < 1e-3, `${losses}`);
			const v = validateText(imbalanced('  classWeight: balanced\n').replace('epochs: 20', 'epochs: 1'));
			const r = await trainLoop({ config: v.resolved!, data: await prepareData(v.resolved!, policy) });
			assert.equal(r.trainPath, 'tfjs');
			assert.match(r.trainPathReason, /classWeight/);
			r.model.dispose();
		});

		it('balanced class weights raise macro-F1 on an imbalanced set (seeded)', async () => {
			const f1 = async (extra: string) => {
				const cfg = write(`imb${extra ? 'w' : ''}.model.yaml`, imbalanced(extra));
				const r = await runJob({ configPath: cfg, workspaceRoot: tmp, noExport: true }, () => undefined);
				assert.equal(r.status, 'completed', r.message);
				return r.evaluation!.classification!;
			};
			const plain = await f1('');
			const weighted = await f1('  classWeight: balanced\n');
			const rare = (c: typeof plain) => c.perClass.find((p) => p.class === 'rare')!;
			// Seeded, so the numbers are fixed (0.60 → 0.65, the rare class's F1 0 → 0.2); the margins leave room for float noise.
			assert.ok(weighted.macro.f1 > plain.macro.f1 + 0.03, `macro-F1 ${plain.macro.f1} → ${weighted.macro.f1}`);
			assert.ok(rare(weighted).f1 > rare(plain).f1 + 0.1, `rare F1 ${rare(plain).f1} → ${rare(weighted).f1}`);
		});
	});
});
