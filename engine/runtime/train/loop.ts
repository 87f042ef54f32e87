/**
 * The training loop: pre-batched tensors (no model.fit), the loss and metrics accumulated on
 * the device and read once per epoch (per batch only with logBatches), seeded shuffles and
 * dropout masks derived from (seed, epoch) so a resumed run repeats an uninterrupted one,
 * cancellation at batch boundaries, NaN/Inf detection, schedules, early stopping, clipping and
 * checkpoints. Everything created per epoch is disposed: tf.memory() stays flat.
 */
import * as tf from '@tensorflow/tfjs';
import { performance } from 'node:perf_hooks';
import type { ResolvedConfig } from '../../core/config/resolve';
import type { TrainingMetric } from '../../core/config/vocabulary';
import type { PreparedData, SplitArrays } from '../data/prepare';
import { buildModel } from '../model/build';
import { beta, createRng, mixSeed, shuffleInPlace, type Rng } from '../../core/random';
import type { BatchProgressParams, EpochLogs } from '../../core/protocol';
import { BATCH_EVENT_INTERVAL_MS } from '../../core/protocol';
import { finishMetric, lossFn, metricSum } from './losses';
import { makeOptimizer } from './optimizers';
import { initialBest, isBetter, plateauStep, scheduledRate } from './schedule';
import type { Checkpoint, PlateauState, SerialTensor } from '../../core/records';


export interface TrainLoopOptions {
	config: ResolvedConfig;
	data: PreparedData;
	signal?: AbortSignal;
	onEpoch?: (epoch: number, logs: EpochLogs, ms: number) => void | Promise<void>;
	onBatch?: (p: BatchProgressParams) => void;
	onCheckpoint?: (ck: Checkpoint) => void | Promise<void>;
	resume?: Checkpoint;
}

export type TrainStatus = 'completed' | 'stopped' | 'cancelled' | 'nonFinite';

export interface TrainResult {
	model: tf.Sequential;
	layerMap: number[][];
	history: EpochLogs[];
	status: TrainStatus;
	message?: string;
	bestEpoch?: number;
	bestLogs?: EpochLogs;
}

export function serialise(name: string, t: tf.Tensor): SerialTensor {
	const d = t.dataSync() as Float32Array;
	return { name, shape: t.shape, data: Buffer.from(new Float32Array(d).buffer).toString('base64') };
}

export function deserialise(s: SerialTensor): tf.Tensor {
	const b = Buffer.from(s.data, 'base64');
	return tf.tensor(new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4).slice(), s.shape, 'float32');
}

const snapshotWeights = (model: tf.LayersModel) => model.getWeights().map((w, i) => serialise(String(i), w));

function restoreWeights(model: tf.LayersModel, ws: SerialTensor[]): void {
	const ts = ws.map(deserialise);
	model.setWeights(ts);
	tf.dispose(ts);
}

interface Batch { x: tf.Tensor; y: tf.Tensor; n: number }

/** Copies the rows of `order` into batch tensors (gathering in JS avoids wasm's per-element GatherV2). */
export function makeBatches(d: SplitArrays, inputShape: number[], yShape: number[], batchSize: number, order?: ArrayLike<number>, augment?: (x: Float32Array, y: Float32Array, n: number) => void): Batch[] {
	const xw = d.x.length / Math.max(1, d.n);
	const yw = d.y.length / Math.max(1, d.n);
	const out: Batch[] = [];
	for (let s = 0; s < d.n; s += batchSize) {
		const n = Math.min(batchSize, d.n - s);
		let xb: Float32Array;
		let yb: Float32Array;
		if (!order && !augment) {
			xb = d.x.subarray(s * xw, (s + n) * xw);
			yb = d.y.subarray(s * yw, (s + n) * yw);
		} else {
			xb = new Float32Array(n * xw);
			yb = new Float32Array(n * yw);
			for (let i = 0; i < n; i++) {
				const r = order ? order[s + i]! : s + i;
				xb.set(d.x.subarray(r * xw, (r + 1) * xw), i * xw);
				yb.set(d.y.subarray(r * yw, (r + 1) * yw), i * yw);
			}
		}
		augment?.(xb, yb, n);
		out.push({ x: tf.tensor(xb, [n, ...inputShape]), y: tf.tensor(yb, [n, ...yShape]), n });
	}
	return out;
}

/** Batches of the rows in `order`, gathered on the device (the same rows, in the same order, as makeBatches). */
export function gatherBatches(all: { x: tf.Tensor; y: tf.Tensor }, order: Int32Array, batchSize: number): Batch[] {
	const out: Batch[] = [];
	for (let s = 0; s < order.length; s += batchSize) {
		const n = Math.min(batchSize, order.length - s);
		const idx = tf.tensor1d(order.subarray(s, s + n), 'int32');
		out.push({ x: tf.gather(all.x, idx), y: tf.gather(all.y, idx), n });
		idx.dispose();
	}
	return out;
}

function nonFiniteMessage(config: ResolvedConfig, epoch: number, lr: number): string {
	const hints = [`the learning rate (${lr}) may be too high: try ${lr / 10}`];
	if (config.data.scale === 'none') hints.push('features may be unscaled: set `data.scale: standardize`');
	if (!config.training.gradientClipping) hints.push('gradients may explode: set `training.gradientClipping.clipNorm: 1`');
	return `the loss became NaN/Infinity in epoch ${epoch + 1}; training stopped. Likely causes: ${hints.join('; ')}.`;
}

export async function trainLoop(opts: TrainLoopOptions): Promise<TrainResult> {
	const { config, data } = opts;
	const t = config.training;
	const seed = config.seed;
	const pre = data.preprocessing;
	const { model, layerMap } = buildModel(config.model.layers, pre.inputShape, { seed: mixSeed(seed, 3) });
	const lossF = lossFn(t.loss, { huberDelta: t.huberDelta, ...(pre.label.classes ? { classes: pre.label.classes.length } : {}) });
	const metrics: TrainingMetric[] = (t.metrics ?? []) as TrainingMetric[];
	const encoding = pre.label.encoding;
	const optimizer = makeOptimizer(t.optimizer);
	const lr0 = t.optimizer.learningRate;
	const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
	const dropouts = model.layers.filter((l) => l.getClassName() === 'Dropout') as unknown as { seed?: number }[];
	const history: EpochLogs[] = [];
	const sched = t.learningRateSchedule;
	let plateau: PlateauState | undefined = sched?.type === 'reduceOnPlateau' ? { best: Infinity, wait: 0, cooldown: 0, lr: lr0 } : undefined;
	const es = t.earlyStopping;
	const esMonitor0 = es?.monitor ?? 'val_loss';
	// Without a validation split, watch the training counterpart of a val_ metric.
	const esMonitor = data.validation || !esMonitor0.startsWith('val_') ? esMonitor0 : esMonitor0.slice(4);
	let early = es ? { best: initialBest(esMonitor, es.mode), wait: 0, bestEpoch: -1, weights: undefined as tf.Tensor[] | undefined } : undefined;
	let startEpoch = 0;

	if (opts.resume) {
		const ck = opts.resume;
		restoreWeights(model, ck.weights);
		const ow = ck.optimizer.map((s) => ({ name: s.name, tensor: deserialise(s) }));
		await optimizer.setState(ow);
		tf.dispose(ow.map((w) => w.tensor));
		history.push(...ck.history);
		startEpoch = ck.epoch;
		if (ck.plateau) plateau = { ...ck.plateau };
		if (early && ck.early) early = { best: ck.early.best, wait: ck.early.wait, bestEpoch: ck.early.bestEpoch, weights: ck.early.weights?.map(deserialise) };
	}

	const clip = t.gradientClipping;
	const clipGrads = (grads: tf.NamedTensorMap): tf.NamedTensorMap => {
		if (!clip || (clip.clipNorm === undefined && clip.clipValue === undefined)) return grads;
		const out: tf.NamedTensorMap = {};
		for (const [k, g0] of Object.entries(grads)) {
			let g = g0;
			if (clip.clipValue !== undefined) g = tf.clipByValue(g, -clip.clipValue, clip.clipValue);
			if (clip.clipNorm !== undefined) {
				const norm = tf.norm(g);
				g = tf.mul(g, tf.div(clip.clipNorm, tf.maximum(norm, clip.clipNorm)));
			}
			out[k] = g;
		}
		return out;
	};

	const evalSplit = (d: SplitArrays): number[] => {
		const bs = 1024;
		const batches = makeBatches(d, pre.inputShape, data.yShape, bs);
		let acc = tf.zeros([1 + metrics.length]);
		for (const b of batches) {
			const next = tf.tidy(() => {
				const p = model.apply(b.x, { training: false }) as tf.Tensor;
				let l = lossF(b.y, p);
				const reg = model.calculateLosses();
				if (reg.length) l = tf.addN([l, ...reg]) as tf.Scalar;
				return tf.add(acc, tf.stack([tf.mul(l, b.n), ...metrics.map((m) => metricSum(m, encoding, b.y, p))]));
			});
			acc.dispose();
			acc = next;
		}
		const sums = Array.from(acc.dataSync());
		acc.dispose();
		for (const b of batches) { b.x.dispose(); b.y.dispose(); }
		return sums;
	};

	let status: TrainStatus = 'completed';
	let message: string | undefined;
	const aug = config.data.augmentation;
	// Mixup needs labels that can be mixed: one-hot, 0/1 or numbers (not class indices).
	const mixup = aug.mixup > 0 && (encoding === 'oneHot' || encoding === 'binary' || encoding === 'value') ? aug.mixup : 0;
	const augmented = aug.gaussianNoise > 0 || mixup > 0;
	const augmenter = (rng: Rng) => (x: Float32Array, y: Float32Array, n: number) => {
		const xw = x.length / n;
		const yw = y.length / n;
		if (mixup > 0) {
			const x0 = x.slice();
			const y0 = y.slice();
			for (let i = 0; i < n; i++) {
				const j = rng.int(n);
				const lam = beta(rng, mixup, mixup);
				for (let k = 0; k < xw; k++) x[i * xw + k] = lam * x0[i * xw + k]! + (1 - lam) * x0[j * xw + k]!;
				for (let k = 0; k < yw; k++) y[i * yw + k] = lam * y0[i * yw + k]! + (1 - lam) * y0[j * yw + k]!;
			}
		}
		if (aug.gaussianNoise > 0) for (let i = 0; i < x.length; i++) x[i] = x[i]! + rng.normal(0, aug.gaussianNoise);
	};
	const staticBatches = t.shuffle || augmented ? undefined : makeBatches(data.train, pre.inputShape, data.yShape, t.batchSize);
	// Shuffled epochs without augmentation gather their rows on the device from tensors uploaded
	// once (the row-gather kernel copies whole rows), instead of copying every row in JS each epoch.
	const onDevice = t.shuffle && !augmented
		? { x: tf.tensor(data.train.x, [data.train.n, ...pre.inputShape]), y: tf.tensor(data.train.y, [data.train.n, ...data.yShape]) }
		: undefined;
	let lastYield = performance.now();
	let lastBatchEvent = 0;
	const epochs = t.epochs;
	let lr = plateau ? plateau.lr : scheduledRate(sched, lr0, startEpoch, epochs);

	try {
		for (let epoch = startEpoch; epoch < epochs; epoch++) {
			const t0 = performance.now();
			if (!plateau) lr = scheduledRate(sched, lr0, epoch, epochs);
			optimizer.setLearningRate(lr);
			const rng = createRng(mixSeed(seed, 5, epoch));
			let batches = staticBatches;
			if (!batches) {
				const order = t.shuffle ? shuffleInPlace(Int32Array.from({ length: data.train.n }, (_, i) => i), rng) as Int32Array : undefined;
				batches = onDevice && order ? gatherBatches(onDevice, order, t.batchSize)
					: makeBatches(data.train, pre.inputShape, data.yShape, t.batchSize, order, augmented ? augmenter(createRng(mixSeed(seed, 7, epoch))) : undefined);
			}
			let acc = tf.zeros([1 + metrics.length]);
			let cancelled = false;
			for (let bi = 0; bi < batches.length; bi++) {
				if (opts.signal?.aborted) { cancelled = true; break; }
				const b = batches[bi]!;
				for (const d of dropouts) d.seed = rng.seed();
				const next = tf.tidy(() => {
					const stash: tf.Tensor[] = [];
					const { value, grads } = tf.variableGrads(() => {
						const p = model.apply(b.x, { training: true }) as tf.Tensor;
						let l = lossF(b.y, p);
						for (const m of metrics) stash.push(tf.keep(metricSum(m, encoding, b.y, p)));
						const reg = model.calculateLosses();
						if (reg.length) l = tf.addN([l, ...reg]) as tf.Scalar;
						return l;
					}, vars);
					optimizer.applyGradients(vars, clipGrads(grads));
					const row = tf.stack([tf.mul(value, b.n), ...stash]);
					tf.dispose(stash);
					return tf.add(acc, row);
				});
				acc.dispose();
				acc = next;
				if (t.logBatches && opts.onBatch) {
					const sums = acc.dataSync();
					opts.onBatch({ epoch, batch: bi + 1, batches: batches.length, loss: sums[0]! / batches.slice(0, bi + 1).reduce((a, x) => a + x.n, 0) });
				} else if (opts.onBatch) {
					const now = performance.now();
					if (now - lastBatchEvent > BATCH_EVENT_INTERVAL_MS) { lastBatchEvent = now; opts.onBatch({ epoch, batch: bi + 1, batches: batches.length }); }
				}
				// Let signals and I/O in (Ctrl+C, cancel requests) without paying a yield per batch.
				if (performance.now() - lastYield > 50) {
					await new Promise((r) => setImmediate(r));
					lastYield = performance.now();
				}
			}
			const sums = Array.from(acc.dataSync());
			acc.dispose();
			if (!staticBatches) for (const b of batches) { b.x.dispose(); b.y.dispose(); }
			if (cancelled) { status = 'cancelled'; message = `cancelled during epoch ${epoch + 1}`; break; }

			const logs: EpochLogs = {};
			logs.loss = sums[0]! / data.train.n;
			metrics.forEach((m, i) => { logs[m] = finishMetric(m, sums[i + 1]!, data.train.n); });
			if (!Number.isFinite(logs.loss)) {
				status = 'nonFinite';
				message = nonFiniteMessage(config, epoch, lr);
				history.push({ ...logs, lr, epoch: epoch + 1 });
				break;
			}
			if (data.validation) {
				const v = evalSplit(data.validation);
				logs.val_loss = v[0]! / data.validation.n;
				metrics.forEach((m, i) => { logs[`val_${m}`] = finishMetric(m, v[i + 1]!, data.validation!.n); });
			}
			logs.lr = lr;
			history.push(logs);
			if (plateau && sched?.type === 'reduceOnPlateau') {
				const mon = (sched as { monitor?: string }).monitor ?? 'val_loss';
				lr = plateauStep(sched, plateau, logs[mon] ?? logs[mon.replace(/^val_/, '')]);
			}
			await opts.onEpoch?.(epoch, logs, performance.now() - t0);

			let stop = false;
			if (early && es) {
				const v = logs[esMonitor];
				if (v !== undefined && isBetter(esMonitor, es.mode, v, early.best, es.minDelta)) {
					early.best = v;
					early.wait = 0;
					early.bestEpoch = epoch;
					if (es.restoreBest) { tf.dispose(early.weights ?? []); early.weights = model.getWeights().map((w) => tf.clone(w)); }
				} else if (++early.wait > es.patience) {
					stop = true;
				}
			}
			const every = t.checkpoint.every;
			if (opts.onCheckpoint && every > 0 && (epoch + 1) % every === 0 && epoch + 1 < epochs && !stop) {
				const ow = await optimizer.getState();
				const ck: Checkpoint = {
					version: 1, epoch: epoch + 1, history: history.map((h) => ({ ...h })),
					weights: snapshotWeights(model), optimizer: ow.map((w) => serialise(w.name, w.tensor)),
					...(plateau ? { plateau: { ...plateau } } : {}),
					...(early ? { early: { best: early.best, wait: early.wait, bestEpoch: early.bestEpoch, ...(early.weights ? { weights: early.weights.map((w, i) => serialise(String(i), w)) } : {}) } } : {}),
				};
				tf.dispose(ow.map((w) => w.tensor));
				await opts.onCheckpoint(ck);
			}
			if (stop) {
				status = 'stopped';
				message = `early stopping: \`${esMonitor}\` did not improve for ${es!.patience + 1} epochs (best ${early!.best.toPrecision(4)} at epoch ${early!.bestEpoch + 1})`;
				if (es!.restoreBest && early!.weights) model.setWeights(early!.weights);
				break;
			}
		}
	} finally {
		if (staticBatches) for (const b of staticBatches) { b.x.dispose(); b.y.dispose(); }
		if (onDevice) tf.dispose([onDevice.x, onDevice.y]);
		tf.dispose(early?.weights ?? []);
		optimizer.dispose();
		for (const d of dropouts) delete d.seed;
	}
	const result: TrainResult = { model, layerMap, history, status, ...(message ? { message } : {}) };
	if (early && early.bestEpoch >= 0) { result.bestEpoch = early.bestEpoch + 1; result.bestLogs = history[early.bestEpoch]!; }
	return result;
}
