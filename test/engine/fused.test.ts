/**
 * The fused WebAssembly training path against the tfjs path: same initial weights and batches →
 * the same losses (1e-4 relative after 100 steps) over optimizers × losses × activations, plus
 * dropout, penalties, clipping, schedules, metrics; determinism, resume, NaN stop, cancel, fallback.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { resolveConfig, type ResolvedConfig } from '../../engine/core/config/resolve';
import { validateText } from '../../engine/core/config/validate';
import { prepareData, type PreparedData } from '../../engine/runtime/data/prepare';
import { FusedTrainer, planFused } from '../../engine/runtime/train/fused/fused';
import {
	fusedThreads,
	fusedWorkerParts,
	gradientParts,
	MISS_PAUSE_ENV,
	splitRows,
	THREADS_ENV,
	WORKERS_ONLY_ENV,
} from '../../engine/runtime/train/fused/threads';
import { createRng } from '../../engine/core/random';
import { buildModel } from '../../engine/runtime/model/build';
import { trainLoop, type TrainResult } from '../../engine/runtime/train/loop';
import type { Checkpoint } from '../../engine/core/records';
import { useBackend } from '../../engine/runtime/train/backend';
import { runJob } from '../../engine/runtime/job';
import { readRunSummary } from '../../engine/io/store';

const policy = { configDir: process.cwd() };

type Task = 'mse' | 'mae' | 'huber' | 'bce' | 'cce' | 'scce';
const TASKS: Record<
	Task,
	{ source: Record<string, unknown>; features?: string[]; label: string; loss: string; out: number; outAct: string; metrics: string[] }
> = {
	mse: {
		source: { type: 'linear', samples: 200 },
		label: 'y',
		loss: 'meanSquaredError',
		out: 1,
		outAct: 'linear',
		metrics: ['mae', 'mse'],
	},
	mae: { source: { type: 'linear', samples: 200 }, label: 'y', loss: 'meanAbsoluteError', out: 1, outAct: 'linear', metrics: ['rmse'] },
	huber: { source: { type: 'linear', samples: 200 }, label: 'y', loss: 'huber', out: 1, outAct: 'linear', metrics: [] },
	bce: {
		source: { type: 'xor', samples: 200 },
		label: 'label',
		loss: 'binaryCrossentropy',
		out: 1,
		outAct: 'sigmoid',
		metrics: ['accuracy'],
	},
	cce: {
		source: { type: 'blobs', samples: 200, centers: 3, features: 4 },
		label: 'label',
		loss: 'categoricalCrossentropy',
		out: 3,
		outAct: 'softmax',
		metrics: ['accuracy'],
	},
	scce: {
		source: { type: 'blobs', samples: 200, centers: 4, features: 3 },
		label: 'label',
		loss: 'sparseCategoricalCrossentropy',
		out: 4,
		outAct: 'softmax',
		metrics: ['accuracy'],
	},
};

const OPTIMIZERS: Record<string, Record<string, unknown>> = {
	sgd: { type: 'sgd', learningRate: 0.05 },
	momentum: { type: 'momentum', learningRate: 0.02, momentum: 0.9 },
	nesterov: { type: 'momentum', learningRate: 0.02, momentum: 0.9, nesterov: true },
	adam: { type: 'adam', learningRate: 0.01 },
	adamax: { type: 'adamax', learningRate: 0.01 },
	rmsprop: { type: 'rmsprop', learningRate: 0.005 },
	rmspropMomentum: { type: 'rmsprop', learningRate: 0.002, momentum: 0.5 },
	adagrad: { type: 'adagrad', learningRate: 0.05 },
};
const HIDDEN = ['relu', 'tanh', 'sigmoid', 'elu', 'selu', 'relu6', 'leakyRelu', 'softplus', 'softsign', 'linear'];

function config(
	task: Task,
	opt: Record<string, unknown>,
	hidden: string,
	extra: { layers?: unknown[]; training?: Record<string, unknown> } = {},
) {
	const t = TASKS[task];
	return resolveConfig({
		seed: 11,
		data: { source: t.source, label: t.label, scale: 'standardize', split: { validation: 0.2 } },
		model: {
			layers: extra.layers ?? [
				{ type: 'dense', units: 8, activation: hidden },
				{ type: 'dense', units: 6, activation: hidden === 'relu' ? 'tanh' : 'relu' },
				{ type: 'dense', units: t.out, activation: t.outAct },
			],
		},
		// 160 training rows, batch 16: 10 steps an epoch, 100 steps in 10 epochs.
		training: { loss: t.loss, optimizer: opt, epochs: 10, batchSize: 16, metrics: t.metrics, ...extra.training },
	});
}

async function both(c: ReturnType<typeof resolveConfig>): Promise<[TrainResult, TrainResult]> {
	const data = await prepareData(c, policy);
	const a = await trainLoop({ config: c, data, trainPath: 'tfjs' });
	const b = await trainLoop({ config: c, data, trainPath: 'fused' });
	assert.equal(a.trainPath, 'tfjs');
	assert.equal(b.trainPath, 'fused', b.trainPathReason);
	return [a, b];
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1e-6, Math.abs(a), Math.abs(b));

function assertSame(label: string, a: TrainResult, b: TrainResult, tol = 1e-4): void {
	assert.equal(a.history.length, b.history.length, label);
	const la = a.history.at(-1)!;
	const lb = b.history.at(-1)!;
	for (const k of Object.keys(la)) {
		if (k === 'accuracy' || k === 'val_accuracy') assert.ok(Math.abs(la[k]! - lb[k]!) <= 0.02, `${label} ${k}: ${la[k]} vs ${lb[k]}`);
		else
			assert.ok(rel(la[k]!, lb[k]!) <= tol, `${label} ${k}: tfjs ${la[k]} vs fused ${lb[k]} (rel ${rel(la[k]!, lb[k]!).toExponential(2)})`);
	}
}

const dispose = (...rs: TrainResult[]) => rs.forEach((r) => r.model.dispose());

describe('engine/train fused path', () => {
	before(async () => {
		await useBackend('wasm');
	});

	it('matches the tfjs path after 100 steps: optimizers × losses × activations', async () => {
		let i = 0;
		for (const [name, opt] of Object.entries(OPTIMIZERS))
			for (const task of Object.keys(TASKS) as Task[]) {
				const hidden = HIDDEN[i++ % HIDDEN.length]!;
				const [a, b] = await both(config(task, opt, hidden));
				assertSame(`${name}/${task}/${hidden}`, a, b);
				dispose(a, b);
			}
	});

	it('matches with dropout, L1/L2 penalties, clipping by value and norm, and a schedule', async () => {
		const layers = [
			{ type: 'dense', units: 12, activation: 'relu', kernelRegularizer: { l1: 0.001, l2: 0.01 }, biasRegularizer: { l2: 0.01 } },
			{ type: 'dropout', rate: 0.3 },
			{ type: 'dense', units: 8, activation: 'leakyRelu' },
			{ type: 'activation', activation: 'tanh' },
			{ type: 'dense', units: 3, activation: 'softmax', useBias: false },
		];
		const cases: [string, Record<string, unknown>][] = [
			['dropout+penalties', {}],
			['clipValue', { gradientClipping: { clipValue: 0.01 } }],
			['clipNorm', { gradientClipping: { clipNorm: 0.05 } }],
			['schedule', { learningRateSchedule: { type: 'step', stepSize: 3, gamma: 0.5 } }],
			['logBatches', { logBatches: true, shuffle: false }],
		];
		for (const [label, training] of cases) {
			const [a, b] = await both(config('cce', OPTIMIZERS.adam!, 'relu', { layers, training }));
			assertSame(label, a, b);
			dispose(a, b);
		}
	});

	it('is deterministic, and a resumed run equals an uninterrupted one', async () => {
		const c = config('cce', OPTIMIZERS.momentum!, 'relu', {
			layers: [
				{ type: 'dense', units: 8, activation: 'relu' },
				{ type: 'dropout', rate: 0.2 },
				{ type: 'dense', units: 3, activation: 'softmax' },
			],
			training: { checkpoint: { every: 4 } },
		});
		const data = await prepareData(c, policy);
		const cks: Checkpoint[] = [];
		const r1 = await trainLoop({ config: c, data, trainPath: 'fused', onCheckpoint: (ck) => void cks.push(ck) });
		const r2 = await trainLoop({ config: c, data, trainPath: 'fused' });
		assert.deepEqual(r1.history, r2.history);
		const r3 = await trainLoop({ config: c, data, trainPath: 'fused', resume: cks[0]! });
		assert.equal(cks[0]!.epoch, 4);
		assert.deepEqual(r3.history, r1.history);
		const w1 = r1.model.getWeights().map((w) => Array.from(w.dataSync()));
		const w3 = r3.model.getWeights().map((w) => Array.from(w.dataSync()));
		assert.deepEqual(w3, w1);
		// A checkpoint of the tfjs path resumes on the fused path (same optimizer-state layout).
		const tcks: Checkpoint[] = [];
		const t1 = await trainLoop({ config: c, data, trainPath: 'tfjs', onCheckpoint: (ck) => void tcks.push(ck) });
		const t2 = await trainLoop({ config: c, data, trainPath: 'fused', resume: tcks[0]! });
		assertSame('tfjs checkpoint → fused resume', t1, t2);
		dispose(r1, r2, r3, t1, t2);
	});

	it('stops on a NaN loss, cancels at a boundary, and records why a config falls back', async () => {
		const tensors = tf.memory().numTensors;
		const bad = config('mse', { type: 'sgd', learningRate: 1e6 }, 'relu');
		const r = await trainLoop({ config: bad, data: await prepareData(bad, policy) });
		assert.equal(r.trainPath, 'fused');
		assert.equal(r.status, 'nonFinite');

		const c = config('cce', OPTIMIZERS.adam!, 'relu', { training: { epochs: 50 } });
		const ac = new AbortController();
		const cancelled = await trainLoop({
			config: c,
			data: await prepareData(c, policy),
			signal: ac.signal,
			onEpoch: (e) => {
				if (e === 2) ac.abort();
			},
		});
		assert.equal(cancelled.trainPath, 'fused');
		assert.equal(cancelled.status, 'cancelled');
		assert.equal(cancelled.history.length, 3);

		const gelu = config('mse', OPTIMIZERS.adam!, 'gelu');
		const g = await trainLoop({ config: gelu, data: await prepareData(gelu, policy) });
		assert.equal(g.trainPath, 'tfjs');
		assert.match(g.trainPathReason, /activation `gelu`/);
		const adadelta = config('mse', { type: 'adadelta', learningRate: 1 }, 'relu');
		const ad = await trainLoop({ config: adadelta, data: await prepareData(adadelta, policy) });
		assert.equal(ad.trainPath, 'tfjs');
		assert.match(ad.trainPathReason, /optimizer `adadelta`/);
		const centered = config('mse', { type: 'rmsprop', learningRate: 0.001, centered: true }, 'relu');
		const ce = await trainLoop({ config: centered, data: await prepareData(centered, policy) });
		assert.equal(ce.trainPath, 'tfjs');
		dispose(ce);
		// A layer graph falls back even when every layer is covered: the second dense takes the input, not the first.
		const graph = config('mse', OPTIMIZERS.adam!, 'relu', {
			layers: [
				{ type: 'dense', units: 8, activation: 'relu' },
				{ type: 'dense', units: 6, activation: 'relu', from: 'input' },
				{ type: 'dense', units: 1 },
			],
		});
		const gr = await trainLoop({ config: graph, data: await prepareData(graph, policy) });
		assert.equal(gr.trainPath, 'tfjs');
		assert.match(gr.trainPathReason, /layer graph/);
		dispose(gr);
		dispose(r, cancelled, g, ad);
		// What these trainings leave (the file's other tests, and earlier files, count apart).
		assert.ok(tf.memory().numTensors - tensors < 50, `${tf.memory().numTensors - tensors} tensors left`);
	});

	it('the run summary records which path trained and why', async () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-fused-'));
		try {
			const f = path.join(dir, 'lin.model.yaml');
			const yaml = (act: string) =>
				`name: lin\nseed: 1\ndata:\n  source:\n    type: linear\n  label: y\nmodel:\n  layers:\n    - type: dense\n      units: 4\n      activation: ${act}\n    - type: dense\n      units: 1\ntraining:\n  loss: meanSquaredError\n  epochs: 2\n`;
			fs.writeFileSync(f, yaml('relu'));
			const r = await runJob({ configPath: f }, () => undefined);
			assert.equal(r.status, 'completed', r.message);
			const s = readRunSummary(r.runDir!)!;
			assert.equal(s.trainPath, 'fused');
			assert.ok(s.trainPathReason);
			fs.writeFileSync(f, yaml('gelu'));
			const g = readRunSummary((await runJob({ configPath: f }, () => undefined)).runDir!)!;
			assert.equal(g.trainPath, 'tfjs');
			assert.match(g.trainPathReason!, /gelu/);
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});

	it('the examples reach the tfjs path metrics on the fused path (within noise)', async () => {
		const root = path.join(__dirname, '..', '..');
		for (const name of ['iris', 'spirals', 'linear-regression']) {
			const v = validateText(fs.readFileSync(path.join(root, 'examples', `${name}.model.yaml`), 'utf8'));
			const c = v.resolved as ResolvedConfig;
			const data = await prepareData(c, { configDir: path.join(root, 'examples') });
			const a = await trainLoop({ config: c, data, trainPath: 'tfjs' });
			const b = await trainLoop({ config: c, data, trainPath: 'fused' });
			assert.equal(b.trainPath, 'fused', `${name}: ${b.trainPathReason}`);
			const la = a.history.at(-1)!;
			const lb = b.history.at(-1)!;
			for (const k of Object.keys(la).filter((k) => k !== 'lr' && k !== 'epoch'))
				assert.ok(Math.abs(la[k]! - lb[k]!) <= 0.02 + 0.05 * Math.abs(la[k]!), `${name} ${k}: tfjs ${la[k]} vs fused ${lb[k]}`);
			dispose(a, b);
		}
	});
});

describe('fused path: data beyond wasm32 memory', () => {
	it('falls back to tfjs (with the reason) instead of failing to grow its memory', () => {
		// Only the sizes are read before the refusal: no 4 GB allocation needed.
		const huge = { train: { x: { length: 1_000_000_000 }, y: { length: 1_000_000 } } } as unknown as PreparedData;
		const plan = planFused({} as ResolvedConfig, huge, {} as tf.LayersModel);
		assert.equal(plan.ok, false);
		assert.match((plan as { reason: string }).reason, /exceeds what WebAssembly memory holds/);
	});
});

describe('fused path on two threads (data parallel)', () => {
	before(async () => {
		await useBackend('wasm');
	});

	// 480 training rows, batch 64: 8 steps an epoch (the last of 32 rows), split 32/32 over two threads.
	const big = (extra: Record<string, unknown> = {}, layers?: unknown[]) =>
		resolveConfig({
			seed: 5,
			data: {
				source: { type: 'blobs', samples: 600, centers: 4, features: 12 },
				label: 'label',
				scale: 'standardize',
				split: { validation: 0.2 },
			},
			model: {
				layers: layers ?? [
					{ type: 'dense', units: 48, activation: 'relu' },
					{ type: 'dropout', rate: 0.3 },
					{ type: 'dense', units: 24, activation: 'tanh' },
					{ type: 'dense', units: 4, activation: 'softmax' },
				],
			},
			training: {
				loss: 'categoricalCrossentropy',
				optimizer: { type: 'adam', learningRate: 0.01 },
				epochs: 4,
				batchSize: 64,
				metrics: ['accuracy'],
				...extra,
			},
		});
	const weights = (r: TrainResult) => r.model.getWeights().map((w) => Array.from(w.dataSync()));
	/** Runs `f` with every fused part left to the worker threads. */
	const workersOnly = async <T>(f: () => Promise<T>): Promise<T> => {
		process.env[WORKERS_ONLY_ENV] = '1';
		try {
			return await f();
		} finally {
			delete process.env[WORKERS_ONLY_ENV];
		}
	};
	/** ‖a − b‖ / ‖a‖ over every weight. */
	const relDiff = (a: number[][], b: number[][]) => {
		let d = 0;
		let n = 0;
		a.forEach((w, i) => w.forEach((x, j) => ((d += (x - b[i]![j]!) ** 2), (n += x * x))));
		return Math.sqrt(d / n);
	};

	it('gives the one-thread weights within float rounding (dropout and metrics too), and the same bits again on two', async () => {
		for (const c of [
			big(),
			big({
				optimizer: { type: 'momentum', learningRate: 0.05, momentum: 0.9 },
				loss: 'categoricalCrossentropy',
				gradientClipping: { clipNorm: 1 },
			}),
			// Penalties and clipping by value in the update's per-thread parts; batch 128: 4 gradient parts.
			big({ optimizer: { type: 'rmsprop', learningRate: 0.005 }, gradientClipping: { clipValue: 0.5 }, batchSize: 128 }, [
				{ type: 'dense', units: 48, activation: 'relu', kernelRegularizer: { l1: 0.001, l2: 0.01 }, biasRegularizer: { l2: 0.01 } },
				{ type: 'dense', units: 24, activation: 'elu' },
				{ type: 'dense', units: 4, activation: 'softmax' },
			]),
		]) {
			const data = await prepareData(c, policy);
			const one = await trainLoop({ config: c, data, threads: 1 });
			// The worker thread computes every part (on a busy machine the main thread could otherwise take
			// them all, and the test would prove nothing); then a run with both threads claiming, same bits.
			const before = fusedWorkerParts();
			const two = await workersOnly(() => trainLoop({ config: c, data, threads: 2 }));
			assert.ok(fusedWorkerParts() > before, 'the worker thread ran parts');
			const again = await trainLoop({ config: c, data, threads: 2 });
			assert.match(one.trainPathReason, /fused WebAssembly step$/);
			assert.match(two.trainPathReason, /\(2 threads\)/);
			const w1 = weights(one);
			const w2 = weights(two);
			const d = relDiff(w1, w2);
			// Only the order of the gradient sums differs; a mask that depended on the split would be far off.
			assert.ok(d < 1e-5 && d > 0, `1 vs 2 threads: relative weight difference ${d}`);
			assert.deepEqual(weights(again), w2, 'two threads, same seed: the same bits');
			const [l1, l2] = [one.history.at(-1)!, two.history.at(-1)!];
			assert.ok(rel(l1.loss!, l2.loss!) < 1e-5, `loss ${l1.loss} vs ${l2.loss}`);
			assert.equal(l1.accuracy, l2.accuracy);
			assert.ok(rel(l1.val_loss!, l2.val_loss!) < 1e-5, `val_loss ${l1.val_loss} vs ${l2.val_loss}`);
			dispose(one, two, again);
		}
	});

	it('a thread preempted right after a claim that found no part never runs a part of the next step', async () => {
		// Batch 128: steps alternate 4 gradient parts and 2 update parts, so a stale part count would be believed.
		const c = big({ optimizer: { type: 'rmsprop', learningRate: 0.005 }, batchSize: 128, epochs: 10 });
		const data = await prepareData(c, policy);
		const plain = await trainLoop({ config: c, data, threads: 2 });
		const before = fusedWorkerParts();
		// The worker claims every part, and after each claim that finds none sleeps until the next step is posted.
		process.env[MISS_PAUSE_ENV] = '50';
		let paused: TrainResult;
		try {
			paused = await workersOnly(() => trainLoop({ config: c, data, threads: 2 }));
		} finally {
			delete process.env[MISS_PAUSE_ENV];
		}
		assert.match(paused.trainPathReason, /\(2 threads\)/);
		assert.ok(fusedWorkerParts() > before, 'the worker thread ran parts');
		assert.deepEqual(weights(paused), weights(plain));
		dispose(plain, paused);
	});

	it('resumes a two-thread run to the same bits, and cancels at a batch boundary', async () => {
		const c = big({ epochs: 6, checkpoint: { every: 3 } });
		const data = await prepareData(c, policy);
		const cks: Checkpoint[] = [];
		const r1 = await trainLoop({ config: c, data, threads: 2, onCheckpoint: (ck) => void cks.push(ck) });
		const r2 = await trainLoop({ config: c, data, threads: 2, resume: cks[0]! });
		assert.equal(cks[0]!.epoch, 3);
		assert.deepEqual(r2.history, r1.history);
		assert.deepEqual(weights(r2), weights(r1));
		const ac = new AbortController();
		const cancelled = await trainLoop({ config: c, data, threads: 2, signal: ac.signal, onEpoch: (e) => void (e === 1 && ac.abort()) });
		assert.match(cancelled.trainPathReason, /2 threads/);
		assert.equal(cancelled.status, 'cancelled');
		assert.equal(cancelled.history.length, 2);
		dispose(r1, r2, cancelled);
	});

	it('chooses two threads only for big enough batches, unless told', () => {
		const mlp = 6 * (784 * 128 + 128 * 64 + 64 * 10);
		const cores = os.availableParallelism();
		assert.equal(fusedThreads(undefined, 256, mlp), cores >= 2 ? 2 : 1);
		assert.equal(fusedThreads(undefined, 32, mlp), 1, 'a small batch stays on one thread');
		assert.equal(fusedThreads(undefined, 64, mlp), 1, 'a step of 42 MFLOP stays on one thread');
		assert.equal(fusedThreads(undefined, 256, 6 * (4 * 32 + 32 * 32 + 32 * 5)), 1, 'a tiny network stays on one thread');
		assert.equal(fusedThreads(1, 256, mlp), 1);
		assert.equal(fusedThreads(2, 16, 10), Math.min(2, cores));
		process.env[THREADS_ENV] = '1';
		try {
			assert.equal(fusedThreads(2, 256, mlp), 1, 'the environment overrides the option');
		} finally {
			delete process.env[THREADS_ENV];
		}
		assert.deepEqual(splitRows(256, 2), [128, 128]);
		assert.equal(gradientParts(2, 256), 4, 'two parts a thread, so a slowed thread claims fewer');
		assert.equal(gradientParts(2, 64), 2);
		assert.equal(gradientParts(1, 256), 1);
		assert.deepEqual(splitRows(50, 2), [28, 22]);
		assert.deepEqual(splitRows(3, 2), [3, 0]);
	});

	it('a worker that dies mid-training is a clear error, not a hang; dispose ends the thread', async () => {
		const c = big({ epochs: 1 });
		const data = await prepareData(c, policy);
		const mk = () => {
			const { model } = buildModel(c.model.layers, data.preprocessing.inputShape, { seed: 1 });
			const plan = planFused(c, data, model);
			assert.ok(plan.ok);
			return { model, trainer: new FusedTrainer(c, data, model, plan.layers, 2) };
		};
		const order = Int32Array.from({ length: data.train.n }, (_, i) => i);
		const { model, trainer } = mk();
		assert.equal(trainer.threads, 2);
		await trainer.teamForTest().team.kill();
		const t0 = Date.now();
		await assert.rejects(
			trainer.epoch(order, createRng(1), undefined, false, async () => undefined),
			/fused training: a worker thread exited unexpectedly/,
		);
		assert.ok(Date.now() - t0 < 10_000);
		trainer.dispose();
		model.dispose();

		// A trap inside a worker (here rows far outside its memory) is flagged at once, with the reason.
		const trap = mk();
		const { team, plans } = trap.trainer.teamForTest();
		team.begin(1 << 29, 64, [{ plan: plans[1]!, rows: 32, r0: 32 }]);
		assert.equal(team.finishedSync(10_000), false);
		await assert.rejects(team.finished(), /fused training: a worker thread failed: RuntimeError: memory access out of bounds/);
		await assert.rejects(
			trap.trainer.epoch(order, createRng(1), undefined, false, async () => undefined),
			/worker thread failed/,
		);
		trap.trainer.dispose();
		trap.model.dispose();

		const ok = mk();
		const sums = await ok.trainer.epoch(order, createRng(1), undefined, false, async () => undefined);
		assert.ok(sums && Number.isFinite(sums[0]!));
		const exited = ok.trainer.teamForTest().team.exited;
		ok.trainer.dispose();
		assert.equal((await exited).length, 1);
		ok.model.dispose();
	});
});
