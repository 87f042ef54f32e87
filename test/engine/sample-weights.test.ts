/**
 * Sample weights from a column (`data.sampleWeight`): the column is not a feature, every weight is
 * checked (lines named), the training loss is weighted as Keras weighs `sample_weight` (batch mean
 * of weight × loss), a weight-0 row changes nothing, and the fused path declines, saying why.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { validateText } from '../../engine/core/config/validate';
import { prepareData } from '../../engine/runtime/data/prepare';
import { trainLoop } from '../../engine/runtime/train/loop';
import { tempDir } from '../helpers/cli';
import { probeFileSync } from '../../engine/io/probe';

/** y = 2x − 1 with noise-free rows; `w` the weight column. */
const rows = (n: number, weight: (i: number) => string) =>
	['x,w,y', ...Array.from({ length: n }, (_, i) => `${(i / n).toFixed(4)},${weight(i)},${(2 * (i / n) - 1).toFixed(4)}`)].join('\n') + '\n';

const CONFIG = (file: string, extra = { data: '  sampleWeight: w\n', training: '' }) => `seed: 5
data:
  source: {type: csv, path: ${file}}
  label: y
${extra.data}  split: {validation: 0, test: 0}
model:
  layers:
    - {type: dense, units: 4, activation: tanh}
    - {type: dense, units: 1}
training:
  loss: meanSquaredError
  optimizer: {type: sgd, learningRate: 0.1}
  epochs: 3
  batchSize: 64
  checkpoint: {every: 0}
${extra.training}`;

describe('sample weights (data.sampleWeight)', function () {
	this.timeout(120_000);
	let tmp: string;
	before(() => {
		tmp = tempDir('mw-weights-');
	});
	after(() => fs.rmSync(tmp, { recursive: true, force: true }));
	const policy = () => ({ configDir: tmp });
	const prepared = async (file: string, text: string, body: string) => {
		fs.writeFileSync(path.join(tmp, file), body);
		const v = validateText(text);
		assert.ok(v.resolved, JSON.stringify(v.diagnostics));
		return { config: v.resolved, data: await prepareData(v.resolved, policy()) };
	};
	const train = async (p: Awaited<ReturnType<typeof prepared>>) => {
		const r = await trainLoop({ config: p.config, data: p.data, trainPath: 'tfjs' });
		const weights = r.model.getWeights().map((w) => Array.from(w.dataSync()));
		r.model.dispose();
		return { loss: r.history.map((h) => h.loss!), weights };
	};

	it('the weight column is not a feature, and each training row carries its weight', async () => {
		const p = await prepared(
			'w.csv',
			CONFIG('w.csv'),
			rows(10, (i) => String(i % 3)),
		);
		assert.deepEqual(p.data.summary.features, ['x']);
		assert.deepEqual(p.data.preprocessing.inputs, ['x']);
		// Row i (shuffled into the split) weighs i % 3.
		const idx = p.data.indices.train;
		assert.deepEqual(
			Array.from(p.data.train.weights!),
			idx.map((i) => i % 3),
		);
	});

	it('a uniform weight c multiplies the training loss by c; the fused path declines and says why', async () => {
		const plain = await train(
			await prepared(
				'u1.csv',
				CONFIG('u1.csv').replace('0.1', '0.000001'),
				rows(40, () => '1'),
			),
		);
		const tripled = await train(
			await prepared(
				'u3.csv',
				CONFIG('u3.csv').replace('0.1', '0.000001'),
				rows(40, () => '3'),
			),
		);
		assert.ok(Math.abs(tripled.loss[0]! / plain.loss[0]! - 3) < 1e-4, `${plain.loss[0]} → ${tripled.loss[0]}`);
		const p = await prepared(
			'u3.csv',
			CONFIG('u3.csv'),
			rows(40, () => '3'),
		);
		const r = await trainLoop({ config: p.config, data: p.data });
		assert.equal(r.trainPath, 'tfjs');
		assert.match(r.trainPathReason, /sampleWeight/);
		r.model.dispose();
	});

	it('a row of weight 0 has no effect: training equals training without the row (full batch, the step rescaled to the batch mean)', async () => {
		// Row 7 is an outlier (y = 50): weighed 0 it must not move the model.
		const outlier = (body: string) => body.replace(/\n(0\.8750),1,[^\n]*/, '\n$1,0,50');
		const withRow = outlier(rows(8, () => '1'));
		assert.match(withRow, /0\.8750,0,50/);
		const without = rows(8, () => '1')
			.split('\n')
			.filter((l) => !l.startsWith('0.8750'))
			.join('\n');
		// The weighted loss is the mean over all 8 rows, the dropped one over 7: a learning rate 8/7 as large makes the steps equal.
		const a = await train(
			await prepared('zero.csv', CONFIG('zero.csv').replace('learningRate: 0.1', `learningRate: ${0.1 * (8 / 7)}`), withRow),
		);
		const b = await train(await prepared('dropped.csv', CONFIG('dropped.csv'), without));
		a.weights.forEach((w, k) =>
			w.forEach((v, i) => assert.ok(Math.abs(v - b.weights[k]![i]!) < 1e-5, `weight ${k}[${i}]: ${v} vs ${b.weights[k]![i]}`)),
		);
		// Counted with weight 1, the outlier moves the model far away.
		const counted = await train(await prepared('one.csv', CONFIG('one.csv'), withRow.replace('0.8750,0,50', '0.8750,1,50')));
		assert.ok(Math.abs(counted.weights[3]![0]! - b.weights[3]![0]!) > 0.1, 'the outlier matters when weighed 1');
	});

	it('the validator leaves the weight column out of the inputs and names an unknown one (MW227) with a fix', () => {
		fs.writeFileSync(
			path.join(tmp, 'v.csv'),
			rows(80, () => '1'),
		);
		const check = (text: string) => validateText(text, { probe: (src) => probeFileSync(src, { configDir: tmp }) });
		const ok = check(CONFIG('v.csv'));
		assert.deepEqual(
			ok.diagnostics.map((d) => `${d.code} ${d.message}`),
			[],
		);
		assert.deepEqual(ok.data?.features, ['x']);
		assert.equal(ok.data?.inputSize, 1);
		const typo = check(CONFIG('v.csv').replace('sampleWeight: w', 'sampleWeight: ww')).diagnostics.find((d) => d.code === 'MW227');
		assert.ok(typo, 'MW227');
		assert.deepEqual(typo.path, ['data', 'sampleWeight']);
		assert.equal(typo.fixes?.[0]?.edits[0]?.newText, 'w');
	});

	it('refuses negative and missing weights naming the lines, and a weight column that is the label or a feature', async () => {
		const bad = rows(10, (i) => (i === 2 ? '-1' : i === 5 ? '' : i === 6 ? '-0.5' : '1'));
		await assert.rejects(prepared('bad.csv', CONFIG('bad.csv'), bad), (e: Error & { line?: number }) => {
			assert.match(
				e.message,
				/the sample-weight column `w` has 3 values that are not a finite number ≥ 0 \(line 4: "-1"; line 7: missing; line 8: "-0.5"\)/,
			);
			assert.equal(e.line, 4);
			return true;
		});
		await assert.rejects(
			prepared(
				'l.csv',
				CONFIG('l.csv').replace('sampleWeight: w', 'sampleWeight: y'),
				rows(6, () => '1'),
			),
			/is the label/,
		);
		await assert.rejects(
			prepared(
				'f.csv',
				CONFIG('f.csv').replace('  label: y\n', '  label: y\n  features: [x, w]\n'),
				rows(6, () => '1'),
			),
			/`w` is the sample-weight column, so it cannot be a feature too/,
		);
	});
});
