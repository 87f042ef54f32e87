/**
 * The fused training path for dense stacks: forward, backward and the optimizer update of whole
 * batches in one WebAssembly call (asm/kernel.ts), with no per-op dispatch. `planFused` says
 * whether a config is covered (and why not); `FusedTrainer` owns the weights while the loop runs
 * and copies them into the tfjs model after every epoch, so validation, callbacks, checkpoints,
 * evaluation and export see a normal tfjs model. `FusedOptimizer` is the loop's EngineOptimizer:
 * the learning-rate callback sets the rate per epoch and checkpoints carry the optimizer state in
 * the tfjs path's layout (iter, then per-weight slots).
 */
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs';
import type { ResolvedConfig } from '../../../core/config/resolve';
import type { Rng } from '../../../core/random';
import type { PreparedData } from '../../data/prepare';
import type { BatchEnd } from '../callbacks/callback';
import type { EngineOptimizer } from '../optimizers';
import { fusedLoadError, fusedModule, instantiate, type FusedExports } from './wasm';

export type TrainPath = 'fused' | 'tfjs';
export type TrainPathChoice = 'auto' | TrainPath;

const ACTIVATIONS: Record<string, number> = {
	linear: 0,
	relu: 1,
	sigmoid: 2,
	tanh: 3,
	softmax: 4,
	elu: 5,
	selu: 6,
	relu6: 7,
	leakyRelu: 8,
	softplus: 9,
	softsign: 10,
};
const LOSSES: Record<string, number> = {
	meanSquaredError: 0,
	meanAbsoluteError: 1,
	huber: 2,
	binaryCrossentropy: 3,
	categoricalCrossentropy: 4,
	sparseCategoricalCrossentropy: 5,
};
const OPTIMIZERS: Record<string, number> = { sgd: 0, momentum: 1, adam: 2, adamax: 3, rmsprop: 4, adagrad: 5 };
const METRICS: Record<string, number> = { accuracy: 0, mae: 1, mse: 2, rmse: 2 };
const ENCODINGS: Record<string, number> = { value: 0, binary: 1, hinge: 2, oneHot: 3, index: 4 };

/** The covered activations, losses and optimizers (the rest train on the tfjs path). */
export const FUSED_COVERAGE = {
	activations: Object.keys(ACTIVATIONS),
	losses: Object.keys(LOSSES),
	optimizers: Object.keys(OPTIMIZERS),
	layers: ['dense', 'dropout', 'activation', 'flatten (1-D input)'],
};

/** One fused layer, read from the tfjs model (so weights map one to one). */
interface LayerSpec {
	kind: 0 | 1 | 2;
	in: number;
	out: number;
	act: number;
	alpha: number;
	rate: number;
	/** tfjs layers whose weights this one owns (dense: kernel, then bias). */
	layer?: tf.layers.Layer;
	bias: boolean;
	l1k: number;
	l2k: number;
	l1b: number;
	l2b: number;
	dropout?: { seed?: number };
}

export type FusedPlan = { ok: true; layers: LayerSpec[] } | { ok: false; reason: string };

interface Reg {
	l1: number;
	l2: number;
}

/** Whether the fused path covers this config and model; the reason names the first thing it does not. */
/** Training rows the fused path copies into its 4 GiB wasm32 memory, at most (room left for the rest). */
export const MAX_FUSED_DATA_BYTES = 3 * 1024 ** 3;

export function planFused(config: ResolvedConfig, data: PreparedData, model: tf.LayersModel, choice: TrainPathChoice = 'auto'): FusedPlan {
	const no = (reason: string): FusedPlan => ({ ok: false, reason });
	if (choice === 'tfjs') return no('the tfjs path was requested');
	// The kernel keeps the training rows in wasm32 memory, which Node caps at 4 GiB; leave room for
	// weights and activations. Larger tables train on the tfjs path instead of failing to grow.
	const dataBytes = (data.train.x.length + data.train.y.length) * 4;
	if (dataBytes > MAX_FUSED_DATA_BYTES)
		return no(`the training data (${(dataBytes / 1024 ** 3).toFixed(1)} GiB as float32) exceeds what WebAssembly memory holds`);
	// The fused step runs a chain of layers; a graph (layers with `from`, merge layers) is not one.
	if (!(model instanceof tf.Sequential)) return no('a layer graph (`from` or merge layers) is not covered');
	const t = config.training;
	const pre = data.preprocessing;
	if (pre.inputShape.length !== 1) return no(`input shape [${pre.inputShape.join(', ')}] is not a flat feature vector`);
	if (!(t.loss in LOSSES)) return no(`loss \`${t.loss}\` is not covered`);
	if (!(t.optimizer.type in OPTIMIZERS)) return no(`optimizer \`${t.optimizer.type}\` is not covered`);
	// tfjs's centered RMSProp takes √(ms − (mg² + ε)): NaN wherever a gradient is 0, and how that NaN
	// spreads depends on its kernels. Not reproduced: it stays on the tfjs path.
	if (t.optimizer.type === 'rmsprop' && t.optimizer.centered) return no('centered RMSProp is not covered');
	const aug = config.data.augmentation;
	if (aug.gaussianNoise > 0 || aug.mixup > 0) return no('data augmentation rewrites batches in JS');
	// The kernel's loss has no per-row weights: class-weighted runs take the tfjs path, which applies them.
	if (t.classWeight !== undefined) return no('class weights (`training.classWeight`) are applied on the tfjs path');
	const encoding = pre.label.encoding;
	for (const m of t.metrics ?? []) {
		if (!(m in METRICS)) return no(`metric \`${m}\` is not covered`);
		if (m !== 'accuracy' && encoding === 'index') return no(`metric \`${m}\` on class indices`);
	}
	const layers: LayerSpec[] = [];
	let width = pre.inputShape[0]!;
	const base = { alpha: 0, rate: 0, bias: false, l1k: 0, l2k: 0, l1b: 0, l2b: 0 };
	for (const layer of model.layers) {
		const cls = layer.getClassName();
		const cfg = layer.getConfig();
		if (cls === 'Dense') {
			const act = String(cfg.activation ?? 'linear');
			if (!(act in ACTIVATIONS)) return no(`activation \`${act}\` is not covered`);
			const units = Number(cfg.units);
			const l = layer as unknown as { useBias: boolean; kernelRegularizer?: Reg; biasRegularizer?: Reg };
			layers.push({
				...base,
				kind: 0,
				in: width,
				out: units,
				act: ACTIVATIONS[act]!,
				layer,
				bias: l.useBias,
				l1k: l.kernelRegularizer?.l1 ?? 0,
				l2k: l.kernelRegularizer?.l2 ?? 0,
				l1b: l.biasRegularizer?.l1 ?? 0,
				l2b: l.biasRegularizer?.l2 ?? 0,
			});
			width = units;
		} else if (cls === 'Dropout') {
			const rate = Number(cfg.rate);
			if (cfg.noiseShape) return no('dropout with a noise shape');
			// tfjs applies a dropout layer only for 0 < rate < 1; its seed is still drawn per batch.
			layers.push({
				...base,
				kind: 1,
				in: width,
				out: width,
				act: 0,
				rate: rate > 0 && rate < 1 ? rate : 0,
				dropout: layer as unknown as { seed?: number },
			});
		} else if (cls === 'Activation' || cls === 'LeakyReLU') {
			const act = cls === 'LeakyReLU' ? 'leakyRelu' : String(cfg.activation);
			if (!(act in ACTIVATIONS)) return no(`activation \`${act}\` is not covered`);
			const alpha = cls === 'LeakyReLU' ? Number(cfg.alpha) : 0;
			const prev = layers.at(-1);
			// A leakyReLU layer right after a linear dense layer folds into it.
			if (cls === 'LeakyReLU' && prev?.kind === 0 && prev.act === 0) Object.assign(prev, { act: ACTIVATIONS.leakyRelu!, alpha });
			else layers.push({ ...base, kind: 2, in: width, out: width, act: ACTIVATIONS[act]!, alpha });
		} else if (cls === 'Flatten') {
			continue;
		} else return no(`layer \`${cls}\` is not covered`);
	}
	if (!layers.some((l) => l.kind === 0)) return no('no dense layer');
	const k = width;
	const yw = data.yShape.reduce((a, b) => a * b, 1);
	if (t.loss === 'sparseCategoricalCrossentropy' ? yw !== 1 : yw !== k) return no(`labels of width ${yw} against ${k} outputs`);
	if (!fusedModule()) return no(`the fused kernel is unavailable: ${fusedLoadError()}`);
	return { ok: true, layers };
}

/** A bump allocator over the instance's memory (16-byte aligned for v128 loads). */
class Heap {
	private top = 65536;
	constructor(private readonly memory: WebAssembly.Memory) {}
	alloc(bytes: number): number {
		const p = this.top;
		this.top += Math.ceil(Math.max(bytes, 16) / 16) * 16;
		const need = Math.ceil(this.top / 65536) - this.memory.buffer.byteLength / 65536;
		if (need > 0) this.memory.grow(need);
		return p;
	}
	f32(ptr: number, n: number): Float32Array {
		return new Float32Array(this.memory.buffer, ptr, n);
	}
}

const F = 4;
/** Slots per weight each optimizer keeps, in the tfjs layout order. */
const SLOT_NAMES: Record<string, string[]> = {
	sgd: [],
	momentum: ['momentum'],
	adam: ['m', 'v'],
	adamax: ['m', 'v'],
	rmsprop: ['rms', 'momentum'],
	adagrad: ['accumulator'],
};

interface Param {
	ptr: number;
	size: number;
	shape: number[];
	slots: number[];
}

/** Runs epochs of the fused step over the training split; owns the weights between epochs. */
export class FusedTrainer {
	readonly optimizer: FusedOptimizer;
	private readonly ex: FusedExports;
	private readonly heap: Heap;
	private readonly plan: number;
	private readonly orderPtr: number;
	private readonly sumsPtr: number;
	private readonly params: Param[] = [];
	private readonly dropouts: { spec: LayerSpec; mask: number }[] = [];
	private readonly rows: number;
	private readonly batch: number;
	private readonly nMetrics: number;
	/** Batches per wasm call: the whole epoch unless that would keep the event loop out for long. */
	private chunk = 1;

	constructor(
		config: ResolvedConfig,
		data: PreparedData,
		private readonly model: tf.LayersModel,
		layers: LayerSpec[],
	) {
		const t = config.training;
		const d = data.train;
		this.ex = instantiate(fusedModule()!);
		const heap = (this.heap = new Heap(this.ex.memory));
		this.rows = d.n;
		this.batch = Math.max(1, Math.min(t.batchSize, d.n));
		const B = this.batch;
		const xw = data.preprocessing.inputShape[0]!;
		const yw = d.y.length / Math.max(1, d.n);
		const metrics = t.metrics ?? [];
		this.nMetrics = metrics.length;
		const opt = t.optimizer;
		const slotCount = opt.type === 'rmsprop' && opt.centered ? 3 : (SLOT_NAMES[opt.type]?.length ?? 0);

		this.plan = heap.alloc(512);
		const layerPtr = heap.alloc(128 * layers.length);
		const X = heap.alloc(d.x.length * F);
		heap.f32(X, d.x.length).set(d.x);
		const Y = heap.alloc(d.y.length * F);
		heap.f32(Y, d.y.length).set(d.y);
		this.orderPtr = heap.alloc(d.n * 4);
		const xb = heap.alloc(B * xw * F);
		const yb = heap.alloc(B * yw * F);
		const metricPtr = heap.alloc(4 * Math.max(1, metrics.length));
		this.sumsPtr = heap.alloc(8 * (1 + metrics.length));

		const mem = () => new DataView(this.ex.memory.buffer);
		const param = (shape: number[]): Param => {
			const size = shape.reduce((a, b) => a * b, 1);
			const ptr = heap.alloc(size * F);
			const slots = Array.from({ length: 3 }, (_, i) => (i < slotCount ? heap.alloc(size * F) : 0));
			if (opt.type === 'adagrad') heap.f32(slots[0]!, size).fill(opt.initialAccumulatorValue);
			return { ptr, size, shape, slots };
		};
		let prevA = xb;
		let prevDA = 0;
		const recs: number[][] = [];
		for (const l of layers) {
			const A = heap.alloc(B * l.out * F);
			const dA = heap.alloc(B * l.out * F);
			const rec = new Array<number>(32).fill(0);
			rec[0] = l.kind;
			rec[1] = l.in;
			rec[2] = l.out;
			rec[3] = l.act;
			rec[4] = prevA;
			rec[5] = A;
			rec[7] = dA;
			rec[8] = prevDA;
			if (l.kind === 0) {
				rec[6] = l.act === 0 ? A : heap.alloc(B * l.out * F);
				const W = param([l.in, l.out]);
				this.params.push(W);
				rec[9] = W.ptr;
				rec[11] = heap.alloc(W.size * F);
				rec[13] = W.slots[0]!;
				rec[14] = W.slots[1]!;
				rec[15] = W.slots[2]!;
				rec[20] = prevDA ? heap.alloc(W.size * F) : 0;
				if (l.bias) {
					const b = param([l.out]);
					this.params.push(b);
					rec[10] = b.ptr;
					rec[12] = heap.alloc(b.size * F);
					rec[16] = b.slots[0]!;
					rec[17] = b.slots[1]!;
					rec[18] = b.slots[2]!;
				}
			} else if (l.kind === 1) {
				const mask = heap.alloc(B * l.out * F);
				heap.f32(mask, B * l.out).fill(1);
				rec[19] = mask;
				this.dropouts.push({ spec: l, mask });
			}
			recs.push(rec);
			prevA = A;
			prevDA = dA;
		}
		// Everything is allocated: views made now stay valid (the memory no longer grows).
		const v = mem();
		recs.forEach((rec, i) => {
			const base = layerPtr + 128 * i;
			rec.forEach((x, w) => v.setInt32(base + 4 * w, x, true));
			const l = layers[i]!;
			v.setFloat32(base + 4 * 24, l.l1k, true);
			v.setFloat32(base + 4 * 25, l.l2k, true);
			v.setFloat32(base + 4 * 26, l.l1b, true);
			v.setFloat32(base + 4 * 27, l.l2b, true);
			v.setFloat32(base + 4 * 28, l.alpha, true);
		});
		metrics.forEach((m, i) => v.setInt32(metricPtr + 4 * i, METRICS[m]!, true));
		const clipCfg = t.gradientClipping;
		const header = [
			layers.length,
			layerPtr,
			X,
			Y,
			xw,
			yw,
			this.orderPtr,
			xb,
			yb,
			LOSSES[t.loss]!,
			OPTIMIZERS[opt.type]!,
			(opt.type === 'momentum' && opt.nesterov) || (opt.type === 'rmsprop' && opt.centered) ? 1 : 0,
			(clipCfg?.clipValue !== undefined ? 1 : 0) | (clipCfg?.clipNorm !== undefined ? 2 : 0),
			metrics.length,
			metricPtr,
			ENCODINGS[data.preprocessing.label.encoding] ?? 0,
			this.sumsPtr,
		];
		header.forEach((x, w) => v.setInt32(this.plan + 4 * w, x, true));
		const o = opt as Partial<Record<'beta1' | 'beta2' | 'epsilon' | 'momentum' | 'rho', number>>;
		const f64 = [
			opt.learningRate,
			o.beta1 ?? 0,
			o.beta2 ?? 0,
			o.epsilon ?? 0,
			o.momentum ?? 0,
			o.rho ?? 0,
			t.huberDelta,
			clipCfg?.clipValue ?? 0,
			clipCfg?.clipNorm ?? 0,
			0,
		];
		f64.forEach((x, i) => v.setFloat64(this.plan + 128 + 8 * i, x, true));
		this.optimizer = new FusedOptimizer(this, SLOT_NAMES[opt.type] ?? [], slotCount);
		this.loadWeights();
	}

	/** @internal the optimizer's view of the plan and parameters. */
	get view(): { dv: DataView; params: readonly Param[]; f32: (p: number, n: number) => Float32Array; plan: number } {
		return { dv: new DataView(this.ex.memory.buffer), params: this.params, f32: (p, n) => this.heap.f32(p, n), plan: this.plan };
	}

	/** Copies the tfjs model's weights in (at the start and after a checkpoint is restored). */
	loadWeights(): void {
		const ws = this.model.getWeights();
		ws.forEach((w, i) => this.heap.f32(this.params[i]!.ptr, this.params[i]!.size).set(w.dataSync()));
	}

	/** Copies the weights out into the tfjs model (after every epoch). */
	syncToModel(): void {
		const ts = this.params.map((p) => tf.tensor(this.heap.f32(p.ptr, p.size).slice(), p.shape, 'float32'));
		this.model.setWeights(ts);
		tf.dispose(ts);
	}

	/**
	 * One epoch over the rows in `order`; returns the sums (loss × rows, then each metric's), or
	 * undefined when `signal` aborts (checked before every wasm call). Dropout seeds are drawn from
	 * `rng` per batch, in the tfjs path's order, and masks made as tf.dropout makes them.
	 */
	async epoch(
		order: Int32Array,
		rng: Rng,
		signal: AbortSignal | undefined,
		perBatch: boolean,
		onBatchEnd: (b: BatchEnd) => Promise<void>,
	): Promise<number[] | undefined> {
		const { rows, batch } = this;
		new Int32Array(this.ex.memory.buffer, this.orderPtr, rows).set(order);
		const sums = new Float64Array(this.ex.memory.buffer, this.sumsPtr, 1 + this.nMetrics);
		sums.fill(0);
		const batches = Math.ceil(rows / batch);
		const single = perBatch || this.dropouts.length > 0;
		for (let b = 0; b < batches;) {
			if (signal?.aborted) return undefined;
			const count = single ? 1 : Math.min(this.chunk, batches - b);
			if (this.dropouts.length) this.masks(rng, Math.min(batch, rows - b * batch));
			const t0 = performance.now();
			this.ex.train(this.plan, rows, batch, b, count);
			const dt = performance.now() - t0;
			// Aim for ≈ 25 ms per call: whole epochs of small tables, responsive cancellation on big ones.
			if (!single) this.chunk = Math.max(1, Math.min(batches, Math.floor((25 * count) / Math.max(dt, 1e-3))));
			b += count;
			const seen = Math.min(rows, b * batch);
			await onBatchEnd({ batch: b, batches, loss: () => sums[0]! / seen });
		}
		return Array.from(sums);
	}

	private masks(rng: Rng, n: number): void {
		for (const { spec, mask } of this.dropouts) {
			const seed = rng.seed();
			if (spec.rate <= 0) continue;
			const keep = 1 - spec.rate;
			const m = tf.tidy(() => tf.div(tf.floor(tf.add(tf.randomUniform([n, spec.out], 0, 1, 'float32', seed), keep)), keep).dataSync());
			this.heap.f32(mask, n * spec.out).set(m);
		}
	}
}

/** The loop's optimizer while the fused path trains: the rate and the state live in the plan. */
export class FusedOptimizer implements EngineOptimizer {
	constructor(
		private readonly owner: FusedTrainer,
		private readonly names: string[],
		private readonly slots: number,
	) {}

	applyGradients(): void {
		throw new Error('the fused path applies its own gradients');
	}

	setLearningRate(lr: number): void {
		const { dv, plan } = this.owner.view;
		dv.setFloat64(plan + 128, lr, true);
	}

	private get t(): number {
		const { dv, plan } = this.owner.view;
		return dv.getFloat64(plan + 128 + 8 * 9, true);
	}

	/** iter, then the slots in the tfjs layout: Adam/Adamax m0…, v0…; the wrapped ones slot by slot over all weights. */
	async getState() {
		const { params, f32 } = this.owner.view;
		const out: { name: string; tensor: tf.Tensor }[] = [{ name: 'iter', tensor: tf.scalar(this.t) }];
		for (let s = 0; s < this.slots; s++)
			params.forEach((p, i) => {
				const name = this.names.length === 2 && this.names[0] === 'm' ? `${this.names[s]}${i}` : `${i}/${this.names[s] ?? 'mg'}`;
				out.push({ name, tensor: tf.tensor(f32(p.slots[s]!, p.size).slice(), p.shape, 'float32') });
			});
		return out;
	}

	async setState(state: { name: string; tensor: tf.Tensor }[]) {
		const { dv, plan, params, f32 } = this.owner.view;
		const iter = state.find((s) => s.name === 'iter');
		dv.setFloat64(plan + 128 + 8 * 9, iter ? iter.tensor.dataSync()[0]! : 0, true);
		const rest = state.filter((s) => s !== iter);
		for (let s = 0; s < this.slots; s++)
			params.forEach((p, i) => {
				const src = rest[s * params.length + i];
				if (src) f32(p.slots[s]!, p.size).set(src.tensor.dataSync());
			});
	}

	dispose(): void {}
}
