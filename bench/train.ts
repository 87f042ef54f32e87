/**
 * Training throughput: the engine's loop vs stock `model.fit` (stock kernels) vs a plain
 * hand-written tfjs loop, on wasm and cpu, in one process so the ratios are comparable.
 * Effective GFLOP/s = 6 × Σ in·out × samples/s; the ceiling is the raw matmul rate of the
 * same backend. Figures, not pass/fail. `BENCH_QUICK=1` shrinks everything for a smoke run.
 * The engine row is its fused path on one thread; `engine, 2 threads` is the same path with its
 * data-parallel second thread (the two alternate over 3 rounds), set beside the machine's 2-thread
 * sgemm (numpy/OpenBLAS).
 */
import { execFileSync } from 'node:child_process';
import * as os from 'node:os';
import { performance } from 'node:perf_hooks';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { resolveConfig } from '../engine/core/config/resolve';
import type { PreparedData } from '../engine/runtime/data/prepare';
import type { Preprocessing } from '../engine/runtime/data/preprocess';
import { createRng } from '../engine/core/random';
import { enableFastKernels } from '../engine/runtime/train/kernels';
import { useBackend } from '../engine/runtime/train/backend';
import { trainLoop } from '../engine/runtime/train/loop';
import { validateText } from '../engine/core/config/validate';
import { prepareData } from '../engine/runtime/data/prepare';
import { buildModel } from '../engine/runtime/model/build';
import { printTable } from './util';

interface Workload {
	label: string;
	dims: number[];
	task: 'softmax' | 'regression' | 'linear';
	optimizer: 'adam' | 'sgd';
	batch: number;
	samples: { wasm: number; cpu: number };
	epochs: number;
}

const quick = process.env.BENCH_QUICK === '1';
const WORKLOADS: Workload[] = [
	{ label: '(a) linear 1-1, SGD', dims: [1, 1], task: 'linear', optimizer: 'sgd', batch: 32, samples: { wasm: 100, cpu: 100 }, epochs: 50 },
	{
		label: '(b) 784-128-64-10 b64',
		dims: [784, 128, 64, 10],
		task: 'softmax',
		optimizer: 'adam',
		batch: 64,
		samples: { wasm: 10_000, cpu: 2_000 },
		epochs: 3,
	},
	{
		label: '(b) 784-128-64-10 b256',
		dims: [784, 128, 64, 10],
		task: 'softmax',
		optimizer: 'adam',
		batch: 256,
		samples: { wasm: 10_000, cpu: 2_000 },
		epochs: 3,
	},
	{
		label: '(c) 64-256-256-1 b128',
		dims: [64, 256, 256, 1],
		task: 'regression',
		optimizer: 'adam',
		batch: 128,
		samples: { wasm: 10_000, cpu: 2_000 },
		epochs: 3,
	},
];

const flopsPerSample = (dims: number[]) => 6 * dims.slice(1).reduce((a, out, i) => a + dims[i]! * out, 0);

function synth(w: Workload, n: number): { x: Float32Array; y: Float32Array; yw: number } {
	const rng = createRng(1);
	const [inp] = w.dims;
	const out = w.dims[w.dims.length - 1]!;
	const x = new Float32Array(n * inp!);
	for (let i = 0; i < x.length; i++) x[i] = rng.normal();
	const yw = w.task === 'softmax' ? out : 1;
	const y = new Float32Array(n * yw);
	for (let i = 0; i < n; i++) {
		if (w.task === 'softmax') y[i * yw + (Math.abs(Math.floor(x[i * inp!]! * 3)) % out)] = 1;
		else y[i] = 2 * x[i * inp!]! + 0.1 * rng.normal();
	}
	return { x, y, yw };
}

function layerConfigs(w: Workload) {
	return w.dims.slice(1).map((units, i) => ({
		type: 'dense',
		units,
		activation: i === w.dims.length - 2 ? (w.task === 'softmax' ? 'softmax' : 'linear') : 'relu',
	}));
}

function config(w: Workload) {
	return resolveConfig({
		seed: 1,
		data: { source: { type: 'linear' } },
		model: { layers: layerConfigs(w) },
		training: {
			loss: w.task === 'softmax' ? 'categoricalCrossentropy' : 'meanSquaredError',
			optimizer: { type: w.optimizer, learningRate: w.optimizer === 'sgd' ? 0.01 : 0.001 },
			epochs: w.epochs + 1,
			batchSize: w.batch,
			checkpoint: { every: 0 },
		},
	});
}

function stockModel(w: Workload): tf.Sequential {
	const m = tf.sequential();
	layerConfigs(w).forEach((l, i) =>
		m.add(tf.layers.dense({ units: l.units, activation: l.activation as 'relu', ...(i === 0 ? { inputShape: [w.dims[0]!] } : {}) })),
	);
	return m;
}

let peakRss = 0;
const sampleRss = () => {
	peakRss = Math.max(peakRss, process.memoryUsage().rss);
};

/** Best ms per epoch after the first (JIT warm-up) epoch: the machines are shared, the minimum is the least disturbed. */
const perEpoch = (ms: number[]) => Math.min(...(ms.length > 1 ? ms.slice(1) : ms));

async function engineRun(w: Workload, data: { x: Float32Array; y: Float32Array; yw: number }, n: number, threads = 1): Promise<number[]> {
	const c = config(w);
	const pre: Preprocessing = {
		version: 1,
		features: [],
		inputs: Array.from({ length: w.dims[0]! }, (_, i) => `x${i}`),
		label:
			w.task === 'softmax'
				? { column: 'y', encoding: 'oneHot', classes: Array.from({ length: w.dims.at(-1)! }, (_, i) => i) }
				: { column: 'y', encoding: 'value' },
		task: w.task === 'softmax' ? 'multiclassClassification' : 'regression',
		inputShape: [w.dims[0]!],
	};
	const prepared: PreparedData = {
		train: { x: data.x, y: data.y, n, rows: [] },
		preprocessing: pre,
		yShape: [data.yw],
		indices: { train: [], validation: [], test: [] },
		summary: {
			rows: n,
			droppedRows: 0,
			features: pre.inputs,
			inputs: w.dims[0]!,
			label: 'y',
			task: pre.task,
			split: { train: n, validation: 0, test: 0 },
		},
	};
	const times: number[] = [];
	const r = await trainLoop({
		config: c,
		data: prepared,
		threads,
		onEpoch: (_e, _l, ms) => {
			times.push(ms);
			sampleRss();
		},
	});
	r.model.dispose();
	return times;
}

async function fitRun(w: Workload, data: { x: Float32Array; y: Float32Array; yw: number }, n: number): Promise<number[]> {
	const m = stockModel(w);
	m.compile({
		optimizer: w.optimizer === 'sgd' ? tf.train.sgd(0.01) : tf.train.adam(0.001),
		loss: w.task === 'softmax' ? 'categoricalCrossentropy' : 'meanSquaredError',
	});
	const x = tf.tensor2d(data.x, [n, w.dims[0]!]);
	const y = tf.tensor2d(data.y, [n, data.yw]);
	const times: number[] = [];
	let t = performance.now();
	await m.fit(x, y, {
		epochs: w.epochs + 1,
		batchSize: w.batch,
		shuffle: true,
		verbose: 0,
		callbacks: {
			onEpochEnd: async () => {
				times.push(performance.now() - t);
				sampleRss();
				t = performance.now();
			},
		},
	});
	tf.dispose([x, y]);
	m.optimizer.dispose();
	m.dispose();
	return times;
}

/** The plain loop a tfjs user would write: pre-batched tensors, optimizer.minimize, no reads. */
async function handRun(w: Workload, data: { x: Float32Array; y: Float32Array; yw: number }, n: number): Promise<number[]> {
	const m = stockModel(w);
	const opt = w.optimizer === 'sgd' ? tf.train.sgd(0.01) : tf.train.adam(0.001);
	const batches: [tf.Tensor, tf.Tensor][] = [];
	for (let s = 0; s < n; s += w.batch) {
		const k = Math.min(w.batch, n - s);
		batches.push([
			tf.tensor2d(data.x.subarray(s * w.dims[0]!, (s + k) * w.dims[0]!), [k, w.dims[0]!]),
			tf.tensor2d(data.y.subarray(s * data.yw, (s + k) * data.yw), [k, data.yw]),
		]);
	}
	const lossFn =
		w.task === 'softmax'
			? (y: tf.Tensor, p: tf.Tensor) => tf.losses.softmaxCrossEntropy(y, p)
			: (y: tf.Tensor, p: tf.Tensor) => tf.losses.meanSquaredError(y, p);
	const times: number[] = [];
	for (let e = 0; e <= w.epochs; e++) {
		const t = performance.now();
		for (const [x, y] of batches) opt.minimize(() => lossFn(y, m.apply(x) as tf.Tensor) as tf.Scalar, false);
		// One read per epoch, as the engine does, so queued work is counted.
		tf.tidy(() => (m.predict(batches[0]![0]) as tf.Tensor).sum()).dataSync();
		times.push(performance.now() - t);
		sampleRss();
	}
	tf.dispose(batches.flat());
	opt.dispose();
	m.dispose();
	return times;
}

/**
 * The machine's float32 matmul on two threads: numpy's BLAS (OpenBLAS) on 1024² operands, best of
 * 5 runs in python3 (timed there, not the interpreter's start). Undefined when numpy is missing.
 */
function sgemmCeiling(threads: number): number | undefined {
	const script = [
		'import time, numpy as np',
		'a = np.random.rand(1024, 1024).astype(np.float32); b = np.random.rand(1024, 1024).astype(np.float32); a @ b',
		'best = 1e9',
		'for _ in range(5):',
		'    t = time.perf_counter(); [a @ b for _ in range(4)]; best = min(best, (time.perf_counter() - t) / 4)',
		'print(2 * 1024 ** 3 / best / 1e9)',
	].join('\n');
	try {
		const env = {
			...process.env,
			OPENBLAS_NUM_THREADS: String(threads),
			OMP_NUM_THREADS: String(threads),
			MKL_NUM_THREADS: String(threads),
		};
		return Number(
			execFileSync('python3', ['-c', script], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 120_000 }).trim(),
		);
	} catch {
		return undefined;
	}
}

function matmulCeiling(): number {
	const n = 512;
	const a = tf.randomNormal([n, n]);
	const b = tf.randomNormal([n, n]);
	tf.matMul(a, b).dispose();
	const reps = 10;
	const t = performance.now();
	for (let i = 0; i < reps; i++) {
		const c = tf.matMul(a, b);
		c.dataSync();
		c.dispose();
	}
	const s = (performance.now() - t) / 1000;
	tf.dispose([a, b]);
	return (2 * n ** 3 * reps) / s / 1e9;
}

export async function trainBench(): Promise<void> {
	const rows: (string | number)[][] = [];
	const ratios: string[] = [];
	const threads: string[] = [];
	const sgemm2 = sgemmCeiling(2);
	const ceiling2 =
		sgemm2 === undefined
			? 'the 2-thread sgemm ceiling not measured (python3 with numpy missing)'
			: `2-thread sgemm ≈ ${sgemm2.toFixed(0)} GFLOP/s`;
	console.log(`machine: ${os.availableParallelism()} cores; ${ceiling2}`);
	for (const backend of ['wasm', 'cpu'] as const) {
		await useBackend(backend);
		const ceiling = matmulCeiling();
		console.log(`${backend}: raw matmul 512×512 ≈ ${ceiling.toFixed(1)} GFLOP/s (ceiling)`);
		for (const w0 of WORKLOADS) {
			const w = quick ? { ...w0, epochs: 1, samples: { wasm: Math.min(w0.samples.wasm, 1000), cpu: Math.min(w0.samples.cpu, 500) } } : w0;
			if (backend === 'cpu' && w.label.includes('b64')) continue;
			const n = w.samples[backend];
			const data = synth(w, n);
			const res: Record<string, number> = {};
			// The fused path does not use the tfjs backend: its second thread is measured once, beside wasm.
			const twoThreads = backend === 'wasm' && w.task !== 'linear' && os.availableParallelism() >= 2;
			const ways = ['engine', ...(twoThreads ? ['engine, 2 threads'] : []), 'model.fit (stock)', 'hand loop'] as const;
			let twoMs = Infinity;
			let pairRss = 0;
			/** One and two threads alternate over rounds, so on a shared machine both meet the same moments; the best epoch of each. */
			const oneAndTwo = async () => {
				let oneMs = Infinity;
				for (let r = 0; r < (quick ? 1 : 3); r++) {
					oneMs = Math.min(oneMs, perEpoch(await engineRun(w, data, n)));
					twoMs = Math.min(twoMs, perEpoch(await engineRun(w, data, n, 2)));
				}
				pairRss = peakRss;
				return oneMs;
			};
			for (const way of ways) {
				// Stock model.fit runs on stock tfjs: our wasm kernels off. The loops use them.
				enableFastKernels(way !== 'model.fit (stock)');
				// The alternating rounds share one peak (the process's, over both thread counts).
				peakRss = way === 'engine, 2 threads' ? pairRss : 0;
				const before = tf.memory().numBytes;
				const ms =
					way === 'engine' && twoThreads
						? await oneAndTwo()
						: way === 'engine, 2 threads'
							? twoMs
							: perEpoch(
									way === 'engine'
										? await engineRun(w, data, n)
										: way === 'hand loop'
											? await handRun(w, data, n)
											: await fitRun(w, data, n),
								);
				enableFastKernels(true);
				const sps = n / (ms / 1000);
				const gflops = (flopsPerSample(w.dims) * sps) / 1e9;
				res[way] = sps;
				rows.push([
					backend,
					w.label,
					way,
					n,
					ms.toFixed(w.task === 'linear' ? 2 : 0),
					Math.round(sps).toLocaleString('en-US'),
					gflops.toFixed(2),
					`${(peakRss / 2 ** 20).toFixed(0)} MB`,
					`${((tf.memory().numBytes - before) / 1024).toFixed(0)} KB`,
				]);
			}
			ratios.push(
				`${backend} ${w.label}: engine = ${(res.engine! / res['model.fit (stock)']!).toFixed(2)}× stock model.fit, ${(res.engine! / res['hand loop']!).toFixed(2)}× hand loop`,
			);
			const two = res['engine, 2 threads'];
			if (two !== undefined) {
				const gflops = (flopsPerSample(w.dims) * two) / 1e9;
				const share = sgemm2 === undefined ? '' : ` = ${((100 * gflops) / sgemm2).toFixed(0)}% of ${ceiling2}`;
				threads.push(
					`${w.label}: engine on 2 threads = ${(two / res.engine!).toFixed(2)}× 1 thread, ${gflops.toFixed(1)} GFLOP/s effective${share}`,
				);
			}
		}
	}
	console.log('');
	printTable(['backend', 'workload', 'way', 'samples', 'ms/epoch', 'samples/s', 'GFLOP/s', 'peak RSS', 'tensor bytes left'], rows);
	console.log('');
	for (const r of ratios) console.log(r);
	console.log('targets (wasm, b256): engine ≥ 5× stock model.fit, within 15% of the hand loop, ≥ 10 GFLOP/s effective');
	console.log('');
	for (const r of threads) console.log(r);
	if (threads.length)
		console.log('target (784-128-64-10 b256): 2 threads ≥ 1.7× 1 thread; the moonshot is half the 2-thread sgemm ceiling');
	await useBackend('wasm');
	await transformerBench();
	await convBench();
}

/**
 * The Transformer example (examples/transformer.model.yaml: embedding, positions, one encoder
 * block, masked pooling) on its own data: the engine's loop vs stock `model.fit` on the same
 * functional model (built by buildModel, stock kernels), wasm.
 */
export async function transformerBench(): Promise<void> {
	const file = path.join(__dirname, '..', 'examples', 'transformer.model.yaml');
	const v = validateText(fs.readFileSync(file, 'utf8'));
	if (!v.resolved) throw new Error('examples/transformer.model.yaml does not resolve');
	const epochs = quick ? 2 : 6;
	const c = { ...v.resolved, training: { ...v.resolved.training, epochs, checkpoint: { every: 0, keep: 1 } } };
	const data = await prepareData(c, { configDir: path.dirname(file) });
	const n = data.train.n;
	const times: number[] = [];
	const r = await trainLoop({ config: c, data, onEpoch: (_e, _l, ms) => void times.push(ms) });
	r.model.dispose();
	const engine = n / (perEpoch(times) / 1000);
	enableFastKernels(false);
	const { model } = buildModel(c.model.layers, data.preprocessing.inputShape, { seed: 1 });
	model.compile({ optimizer: tf.train.adam(0.003), loss: 'binaryCrossentropy' });
	const x = tf.tensor2d(data.train.x, [n, data.preprocessing.inputShape[0]!]);
	const y = tf.tensor2d(data.train.y, [n, 1]);
	const fitTimes: number[] = [];
	let t = performance.now();
	await model.fit(x, y, {
		epochs,
		batchSize: c.training.batchSize,
		shuffle: true,
		verbose: 0,
		callbacks: {
			onEpochEnd: async () => {
				fitTimes.push(performance.now() - t);
				t = performance.now();
			},
		},
	});
	enableFastKernels(true);
	tf.dispose([x, y]);
	model.dispose();
	const fit = n / (perEpoch(fitTimes) / 1000);
	console.log('');
	printTable(
		['backend', 'workload', 'way', 'samples', 'samples/s'],
		[
			['wasm', 'Transformer example', 'engine', n, Math.round(engine).toLocaleString('en-US')],
			['wasm', 'Transformer example', 'model.fit (stock)', n, Math.round(fit).toLocaleString('en-US')],
		],
	);
	console.log(
		`wasm Transformer example: engine = ${(engine / fit).toFixed(2)}× stock model.fit (same functional model, batch ${c.training.batchSize})`,
	);
}

/**
 * The conv example (examples/conv.model.yaml: 450 shape images, 16×16×1, two conv2d + pooling
 * layers) on wasm: reading the images, the engine's loop with the example's augmentation and
 * without, and stock `model.fit` (stock matmul/gather kernels; conv2d's filter gradient is the
 * engine's kernel either way, wasm has none) on the same Sequential model without augmentation.
 */
export async function convBench(): Promise<void> {
	const file = path.join(__dirname, '..', 'examples', 'conv.model.yaml');
	const v = validateText(fs.readFileSync(file, 'utf8'));
	if (!v.resolved) throw new Error('examples/conv.model.yaml does not resolve');
	const epochs = quick ? 2 : 6;
	const c = { ...v.resolved, training: { ...v.resolved.training, epochs, checkpoint: { every: 0, keep: 1 } } };
	const t0 = performance.now();
	const data = await prepareData(c, { configDir: path.dirname(file) });
	const readMs = performance.now() - t0;
	const n = data.train.n;
	const engine = async (config: typeof c) => {
		const times: number[] = [];
		const r = await trainLoop({ config, data, onEpoch: (_e, _l, ms) => void times.push(ms) });
		r.model.dispose();
		return n / (perEpoch(times) / 1000);
	};
	const augmented = await engine(c);
	const plain = await engine({
		...c,
		data: { ...c.data, augmentation: { ...c.data.augmentation, flip: 'none', rotation: 0, shift: 0, brightness: 0, contrast: 0 } },
	});
	enableFastKernels(false);
	const shape = data.preprocessing.inputShape;
	const { model } = buildModel(c.model.layers, shape, { seed: 1 });
	model.compile({ optimizer: tf.train.adam(0.003), loss: 'categoricalCrossentropy' });
	const x = tf.tensor(data.train.x, [n, ...shape]);
	const y = tf.tensor2d(data.train.y, [n, data.yShape[0]!]);
	const fitTimes: number[] = [];
	let t = performance.now();
	await model.fit(x, y, {
		epochs,
		batchSize: c.training.batchSize,
		shuffle: true,
		verbose: 0,
		callbacks: {
			onEpochEnd: async () => {
				fitTimes.push(performance.now() - t);
				t = performance.now();
			},
		},
	});
	enableFastKernels(true);
	tf.dispose([x, y]);
	model.dispose();
	const fit = n / (perEpoch(fitTimes) / 1000);
	console.log('');
	console.log(`conv example: ${data.summary.rows} images (${shape.join('×')}) read and resized in ${readMs.toFixed(0)} ms`);
	printTable(
		['backend', 'workload', 'way', 'samples', 'samples/s'],
		[
			['wasm', 'conv example', 'engine, augmented', n, Math.round(augmented).toLocaleString('en-US')],
			['wasm', 'conv example', 'engine', n, Math.round(plain).toLocaleString('en-US')],
			['wasm', 'conv example', 'model.fit (stock)', n, Math.round(fit).toLocaleString('en-US')],
		],
	);
	console.log(
		`wasm conv example: engine = ${(plain / fit).toFixed(2)}× stock model.fit (same model, no augmentation, batch ${c.training.batchSize}); augmentation costs ${((1 - augmented / plain) * 100).toFixed(0)}% of the engine's rate`,
	);
}
