/** The training loop: real training to known results, optimizers, Adam's formula, NaN stop, cancel, resume, memory. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { resolveConfig, type ResolvedConfig } from '../../engine/core/config/resolve';
import { validateText } from '../../engine/core/config/validate';
import { prepareData, type PreparedData } from '../../engine/runtime/data/prepare';
import { trainLoop } from '../../engine/runtime/train/loop';
import type { Checkpoint } from '../../engine/core/records';
import { useBackend } from '../../engine/runtime/train/backend';
import { OPTIMIZERS } from '../../engine/core/config/vocabulary';
import { ReduceLROnPlateau } from '../../engine/runtime/train/callbacks/learningRate';
import type { PlateauSchedule } from '../../engine/runtime/train/schedule';

const ROOT = path.join(__dirname, '..', '..');
const policy = { configDir: ROOT };

function example(name: string): ResolvedConfig {
	const v = validateText(fs.readFileSync(path.join(ROOT, 'examples', `${name}.model.yaml`), 'utf8'));
	assert.ok(v.ok);
	return v.resolved!;
}
const cfg = (c: Record<string, unknown>) => resolveConfig(c);

/** Accuracy of the model's argmax/threshold predictions on a split. */
function accuracy(model: tf.LayersModel, d: PreparedData, split: 'test' | 'validation' | 'train'): number {
	const s = d[split]!;
	return tf.tidy(() => {
		const p = model.predict(tf.tensor(s.x, [s.n, ...d.preprocessing.inputShape])) as tf.Tensor;
		const pred = p.shape[1] === 1 ? Array.from(p.dataSync()).map((v) => (v >= 0.5 ? 1 : 0)) : Array.from(p.argMax(-1).dataSync());
		return pred.filter((v, i) => v === s.classes![i]).length / s.n;
	});
}

for (const backend of ['wasm', 'cpu'] as const) {
	describe(`engine/train (${backend})`, () => {
		before(async () => {
			await useBackend(backend);
		});

		it('the seed example recovers slope 2 ± 0.1 and intercept 0 ± 0.3', async () => {
			const c = example('linear-regression');
			const r = await trainLoop({ config: c, data: await prepareData(c, policy) });
			assert.equal(r.status, 'completed');
			assert.equal(r.history.length, 50);
			const [w, b] = r.model.getWeights().map((t) => t.dataSync()[0]!);
			assert.ok(Math.abs(w! - 2) < 0.1, `slope ${w}`);
			assert.ok(Math.abs(b!) < 0.3, `intercept ${b}`);
			r.model.dispose();
		});

		if (backend === 'cpu') return;

		it('Iris reaches ≥ 0.9 test accuracy with the seeded stratified split', async () => {
			const c = example('iris');
			const d = await prepareData(c, policy);
			const r = await trainLoop({ config: c, data: d });
			const acc = accuracy(r.model, d, 'test');
			assert.ok(acc >= 0.9, `test accuracy ${acc}`);
			r.model.dispose();
		});

		it('XOR and spirals reach ≥ 0.95 accuracy', async () => {
			const xor = cfg({
				seed: 1,
				data: { source: { type: 'xor', samples: 400, noise: 0.02 }, split: { validation: 0.25 } },
				model: {
					layers: [
						{ type: 'dense', units: 16, activation: 'tanh' },
						{ type: 'dense', units: 1, activation: 'sigmoid' },
					],
				},
				training: {
					loss: 'binaryCrossentropy',
					optimizer: { type: 'adam', learningRate: 0.03 },
					epochs: 60,
					batchSize: 32,
					metrics: ['accuracy'],
				},
			});
			const dx = await prepareData(xor, policy);
			const rx = await trainLoop({ config: xor, data: dx });
			assert.ok(accuracy(rx.model, dx, 'validation') >= 0.95, JSON.stringify(rx.history.at(-1)));
			rx.model.dispose();
			const sp = example('spirals');
			sp.training.epochs = 120;
			const ds = await prepareData(sp, policy);
			const rs = await trainLoop({ config: sp, data: ds });
			const acc = accuracy(rs.model, ds, 'test');
			assert.ok(acc >= 0.95, `spirals test accuracy ${acc}`);
			rs.model.dispose();
		});

		it('every optimizer decreases the loss on a convex problem', async () => {
			for (const type of OPTIMIZERS) {
				const lr = { sgd: 0.01, momentum: 0.01, adam: 0.1, adamax: 0.1, rmsprop: 0.1, adagrad: 0.5, adadelta: 1 }[type];
				const c = cfg({
					seed: 2,
					data: { source: { type: 'linear' }, scale: 'standardize', split: { validation: 0 } },
					model: { layers: [{ type: 'dense', units: 1 }] },
					training: { loss: 'meanSquaredError', optimizer: { type, learningRate: lr }, epochs: 8, batchSize: 20 },
				});
				const r = await trainLoop({ config: c, data: await prepareData(c, policy) });
				const first = r.history[0]!.loss!;
				const last = r.history.at(-1)!.loss!;
				assert.ok(last < first * 0.9, `${type}: ${first} → ${last}`);
				r.model.dispose();
			}
		});

		it("Adam's first steps follow the formula with bias correction", async () => {
			// One weight, no bias, one sample per step: loss (w·x − y)², gradient 2x(wx − y).
			const rows = [
				{ x: 1, y: 3 },
				{ x: 2, y: 1 },
				{ x: -1, y: 2 },
			];
			const c = cfg({
				seed: 1,
				data: { source: { type: 'inline', rows }, split: { validation: 0, shuffle: false } },
				model: { layers: [{ type: 'dense', units: 1, useBias: false, kernelInitializer: 'ones' }] },
				training: {
					loss: 'meanSquaredError',
					optimizer: { type: 'adam', learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
					epochs: 1,
					batchSize: 1,
					shuffle: false,
				},
			});
			const r = await trainLoop({ config: c, data: await prepareData(c, policy) });
			let w = 1;
			let m = 0;
			let v = 0;
			rows.forEach((row, i) => {
				const t = i + 1;
				const g = 2 * row.x * (w * row.x - row.y);
				m = 0.9 * m + 0.1 * g;
				v = 0.999 * v + 0.001 * g * g;
				const mh = m / (1 - 0.9 ** t);
				const vh = v / (1 - 0.999 ** t);
				w -= (0.1 * mh) / (Math.sqrt(vh) + 1e-7);
			});
			const got = r.model.getWeights()[0]!.dataSync()[0]!;
			assert.ok(Math.abs(got - w) < 1e-5, `tfjs ${got} vs formula ${w}`);
			// Without bias correction the first step would be 0.1·0.1g/√(0.001g²) ≈ 0.316, not 0.1.
			assert.ok(Math.abs(w - (1 - 0.1 * 3)) > 0.01);
			r.model.dispose();
		});

		it('a NaN/Inf loss stops the run with a message pointing at the learning rate and scaling', async () => {
			const c = cfg({
				seed: 1,
				data: { source: { type: 'linear', xMax: 1000 }, split: { validation: 0 } },
				model: { layers: [{ type: 'dense', units: 1 }] },
				training: { loss: 'meanSquaredError', optimizer: { type: 'sgd', learningRate: 1 }, epochs: 30 },
			});
			const r = await trainLoop({ config: c, data: await prepareData(c, policy) });
			assert.equal(r.status, 'nonFinite');
			assert.match(r.message!, /learning rate \(1\) may be too high/);
			assert.match(r.message!, /data\.scale: standardize/);
			assert.ok(r.history.length < 30);
			r.model.dispose();
		});

		it('cancels at a batch boundary and keeps the epochs so far', async () => {
			const c = example('spirals');
			const ac = new AbortController();
			const r = await trainLoop({
				config: c,
				data: await prepareData(c, policy),
				signal: ac.signal,
				onEpoch: (e) => {
					if (e === 2) ac.abort();
				},
			});
			assert.equal(r.status, 'cancelled');
			assert.equal(r.history.length, 3);
			r.model.dispose();
		});

		it('tf.memory() stays flat across epochs (no tensor leak) and after disposal', async () => {
			const c = example('iris');
			c.training.epochs = 12;
			c.training.checkpoint.every = 5;
			const d = await prepareData(c, policy);
			const before = tf.memory().numTensors;
			const counts: number[] = [];
			const r = await trainLoop({
				config: c,
				data: d,
				onEpoch: () => {
					counts.push(tf.memory().numTensors);
				},
				onCheckpoint: () => undefined,
			});
			assert.ok(
				counts.slice(2).every((n) => n === counts[2]),
				counts.join(','),
			);
			r.model.dispose();
			assert.equal(tf.memory().numTensors, before);
		});

		it('is deterministic with a seed, and a resumed run equals an uninterrupted one', async () => {
			const c = cfg({
				seed: 8,
				data: { source: { type: 'blobs', samples: 200 }, scale: 'standardize', split: { validation: 0.2 } },
				model: {
					layers: [
						{ type: 'dense', units: 8, activation: 'relu' },
						{ type: 'dropout', rate: 0.3 },
						{ type: 'dense', units: 3, activation: 'softmax' },
					],
				},
				training: {
					loss: 'sparseCategoricalCrossentropy',
					optimizer: 'adam',
					metrics: ['accuracy'],
					epochs: 9,
					batchSize: 16,
					checkpoint: { every: 4 },
					learningRateSchedule: { type: 'step', stepSize: 3, gamma: 0.5 },
				},
			});
			const d = await prepareData(c, policy);
			const cks: Checkpoint[] = [];
			const a = await trainLoop({
				config: c,
				data: d,
				onCheckpoint: (ck) => {
					cks.push(JSON.parse(JSON.stringify(ck)));
				},
			});
			const b = await trainLoop({ config: c, data: d });
			const wa = a.model.getWeights().map((t) => Array.from(t.dataSync()));
			assert.deepEqual(
				b.model.getWeights().map((t) => Array.from(t.dataSync())),
				wa,
			);
			assert.deepEqual(
				cks.map((k) => k.epoch),
				[4, 8],
			);
			const r = await trainLoop({ config: c, data: d, resume: cks[0]! });
			assert.deepEqual(r.history, a.history);
			assert.deepEqual(
				r.model.getWeights().map((t) => Array.from(t.dataSync())),
				wa,
			);
			for (const m of [a, b, r]) m.model.dispose();
		});

		it('regularizers add their penalty: a strong L2 on the kernel shrinks the learned slope', async () => {
			const base = {
				seed: 1,
				data: { source: { type: 'linear' }, split: { validation: 0 } },
				training: { loss: 'meanSquaredError', optimizer: { type: 'sgd', learningRate: 0.01 }, epochs: 30 },
			};
			const plain = cfg({ ...base, model: { layers: [{ type: 'dense', units: 1 }] } });
			const reg = cfg({ ...base, model: { layers: [{ type: 'dense', units: 1, kernelRegularizer: { l2: 5 } }] } });
			const a = await trainLoop({ config: plain, data: await prepareData(plain, policy) });
			const b = await trainLoop({ config: reg, data: await prepareData(reg, policy) });
			const wa = a.model.getWeights()[0]!.dataSync()[0]!;
			const wb = b.model.getWeights()[0]!.dataSync()[0]!;
			assert.ok(wb < wa - 0.2, `${wb} vs ${wa}`);
			// The logged loss includes the penalty λ·w².
			assert.ok(b.history.at(-1)!.loss! > 5 * wb * wb);
			a.model.dispose();
			b.model.dispose();
		});

		it('augmentation (Gaussian noise, mixup) changes the training batches but still learns', async () => {
			const mk = (augmentation: Record<string, number>) =>
				cfg({
					seed: 2,
					data: { source: { type: 'linear' }, augmentation, split: { validation: 0.2 } },
					model: { layers: [{ type: 'dense', units: 1 }] },
					training: { loss: 'meanSquaredError', optimizer: { type: 'sgd', learningRate: 0.01 }, epochs: 40, shuffle: false },
				});
			const plain = mk({});
			const aug = mk({ gaussianNoise: 0.3, mixup: 0.4 });
			const a = await trainLoop({ config: plain, data: await prepareData(plain, policy) });
			const b = await trainLoop({ config: aug, data: await prepareData(aug, policy) });
			assert.notDeepEqual(a.history[1], b.history[1]);
			const wb = b.model.getWeights()[0]!.dataSync()[0]!;
			assert.ok(Math.abs(wb - 2) < 0.25, String(wb));
			const again = await trainLoop({ config: aug, data: await prepareData(aug, policy) });
			assert.deepEqual(again.history, b.history);
			for (const m of [a, b, again]) m.model.dispose();
		});

		it('learning-rate schedules: step, cosine with warm-up, reduce on plateau', async () => {
			const lrs = async (learningRateSchedule: Record<string, unknown>, epochs = 6) => {
				const c = cfg({
					seed: 1,
					data: { source: { type: 'linear', samples: 20 }, split: { validation: 0.25 } },
					model: { layers: [{ type: 'dense', units: 1 }] },
					training: { loss: 'meanSquaredError', optimizer: { type: 'sgd', learningRate: 0.01 }, epochs, learningRateSchedule },
				});
				const r = await trainLoop({ config: c, data: await prepareData(c, policy) });
				r.model.dispose();
				return r.history.map((h) => Number(h.lr!.toPrecision(6)));
			};
			assert.deepEqual(await lrs({ type: 'step', stepSize: 2, gamma: 0.5 }), [0.01, 0.01, 0.005, 0.005, 0.0025, 0.0025]);
			const cos = await lrs({ type: 'cosine', minLearningRate: 0.001, warmupEpochs: 1 });
			assert.equal(cos[0], 0.005);
			assert.equal(cos[1], 0.01);
			assert.equal(cos[5], 0.001);
			assert.deepEqual(
				await lrs({ type: 'reduceOnPlateau', monitor: 'loss', minDelta: 1e9, patience: 0, factor: 0.5 }, 4),
				[0.01, 0.01, 0.005, 0.0025],
			);
		});

		it('early stopping stops and restores the best weights; schedules change the rate; clipping applies', async () => {
			const c = cfg({
				seed: 3,
				data: { source: { type: 'linear' }, split: { validation: 0.3 } },
				model: { layers: [{ type: 'dense', units: 1 }] },
				training: {
					loss: 'meanSquaredError',
					optimizer: { type: 'sgd', learningRate: 0.01 },
					epochs: 200,
					earlyStopping: { patience: 3, minDelta: 0.01 },
					learningRateSchedule: { type: 'exponential', decayRate: 0.5 },
					gradientClipping: { clipNorm: 1 },
				},
			});
			const r = await trainLoop({ config: c, data: await prepareData(c, policy) });
			assert.equal(r.status, 'stopped');
			assert.ok(r.history.length < 200);
			// As Keras: the best epoch (1-based), then `patience` epochs without improvement.
			assert.equal(r.history.length, r.bestEpoch! + 3);
			assert.ok(Math.abs(r.history[2]!.lr! - 0.0025) < 1e-12);
			r.model.dispose();
		});
	});
}

describe('callbacks follow Keras', () => {
	it('reduce-on-plateau on a higher-is-better monitor keeps the rate while it improves, and cuts after `patience` flat epochs', () => {
		const rates: number[] = [];
		const p = new ReduceLROnPlateau(
			{
				type: 'reduceOnPlateau',
				monitor: 'val_accuracy',
				patience: 2,
				factor: 0.5,
				minDelta: 0,
				cooldown: 0,
				minLearningRate: 0,
			} as PlateauSchedule,
			0.1,
			{ setLearningRate: (lr: number) => rates.push(lr) },
		);
		const acc = [0.5, 0.6, 0.7, 0.7, 0.7, 0.8];
		const seen = acc.map((a, e) => {
			p.onEpochEnd(e, { val_accuracy: a, loss: 1 });
			return p.lr;
		});
		// Before: best started at +Infinity, so accuracy never "improved" and the rate fell every 3 epochs.
		assert.deepEqual(seen, [0.1, 0.1, 0.1, 0.1, 0.05, 0.05]);
	});
});
