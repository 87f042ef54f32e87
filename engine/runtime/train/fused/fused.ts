/**
 * The fused training path for dense stacks: forward, backward and the optimizer update of whole
 * batches in one WebAssembly call (asm/kernel.ts), with no per-op dispatch. `planFused` says
 * whether a config is covered (and why not); `FusedTrainer` owns the weights while the loop runs
 * and copies them into the tfjs model after every epoch, so validation, callbacks, checkpoints,
 * evaluation and export see a normal tfjs model. `FusedOptimizer` is the loop's EngineOptimizer:
 * the learning-rate callback sets the rate per epoch and checkpoints carry the optimizer state in
 * the tfjs path's layout (iter, then per-weight slots). On big batches a second thread computes
 * half of each batch's gradients on the same shared memory (threads.ts).
 */
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs';
import type { ResolvedConfig } from '../../../core/config/resolve';
import type { Rng } from '../../../core/random';
import type { PreparedData } from '../../data/prepare';
import type { BatchEnd } from '../callbacks/callback';
import type { EngineOptimizer } from '../optimizers';
import { FusedTeam, fusedThreads, gradientParts, splitRows, WORKERS_ONLY_ENV } from './threads';
import { fusedLoadError, fusedModule, instantiate, sharedMemory, type FusedExports } from './wasm';

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
	if (config.data.sampleWeight !== undefined) return no('sample weights (`data.sampleWeight`) are applied on the tfjs path');
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
/** How long the main thread blocks for a worker's rows before it waits with the event loop running. */
const WORKER_SYNC_WAIT_MS = 1000;
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
	/** Threads that compute each batch's gradients (1: the whole step in one wasm call). */
	readonly threads: number;
	/** Gradient parts of a step (a multiple of the threads, fixed per batch size: the bits do not depend on who claims them). */
	private readonly nParts: number;
	private readonly ex: FusedExports;
	private readonly memory: WebAssembly.Memory;
	private readonly heap: Heap;
	/** One plan per gradient part: its own activations and gradients over the shared weights; plans[0] updates. */
	private readonly plans: number[] = [];
	private readonly plan: number;
	/** plans[1..] as i32 pointers, for the kernel's threaded update. */
	private readonly othersPtr: number;
	/** Whether the update runs in parts over the threads (not with clipping by norm: it needs whole tensors). */
	private readonly partedUpdate: boolean;
	private readonly orderPtr: number;
	private readonly sumsPtrs: number[] = [];
	private readonly params: Param[] = [];
	private readonly dropouts: { spec: LayerSpec; mask: number }[] = [];
	private readonly rows: number;
	private readonly batch: number;
	private readonly nMetrics: number;
	private team: FusedTeam | undefined;
	/** Batches per wasm call: the whole epoch unless that would keep the event loop out for long. */
	private chunk = 1;

	constructor(
		config: ResolvedConfig,
		data: PreparedData,
		private readonly model: tf.LayersModel,
		layers: LayerSpec[],
		/** Threads asked for (the engine option); automatic when undefined (threads.ts fusedThreads). */
		threads?: number,
	) {
		const t = config.training;
		const d = data.train;
		this.memory = sharedMemory();
		this.ex = instantiate(fusedModule()!, this.memory);
		const heap = (this.heap = new Heap(this.memory));
		this.rows = d.n;
		this.batch = Math.max(1, Math.min(t.batchSize, d.n));
		const B = this.batch;
		const flopsPerRow = 6 * layers.reduce((a, l) => a + (l.kind === 0 ? l.in * l.out : 0), 0);
		this.threads = fusedThreads(threads, B, flopsPerRow);
		this.nParts = gradientParts(this.threads, B);
		// Each part's buffers hold its largest share of a batch.
		const TB = splitRows(B, this.nParts)[0]!;
		const xw = data.preprocessing.inputShape[0]!;
		const yw = d.y.length / Math.max(1, d.n);
		const metrics = t.metrics ?? [];
		this.nMetrics = metrics.length;
		const opt = t.optimizer;
		const slotCount = opt.type === 'rmsprop' && opt.centered ? 3 : (SLOT_NAMES[opt.type]?.length ?? 0);

		// Shared by every thread: the rows, the order, the weights and their optimizer slots, the masks.
		const X = heap.alloc(d.x.length * F);
		heap.f32(X, d.x.length).set(d.x);
		const Y = heap.alloc(d.y.length * F);
		heap.f32(Y, d.y.length).set(d.y);
		this.orderPtr = heap.alloc(d.n * 4);
		const metricPtr = heap.alloc(4 * Math.max(1, metrics.length));
		const param = (shape: number[]): Param => {
			const size = shape.reduce((a, b) => a * b, 1);
			const ptr = heap.alloc(size * F);
			const slots = Array.from({ length: 3 }, (_, i) => (i < slotCount ? heap.alloc(size * F) : 0));
			if (opt.type === 'adagrad') heap.f32(slots[0]!, size).fill(opt.initialAccumulatorValue);
			return { ptr, size, shape, slots };
		};
		const shared = layers.map((l) => {
			if (l.kind === 0) {
				const W = param([l.in, l.out]);
				this.params.push(W);
				const b = l.bias ? param([l.out]) : undefined;
				if (b) this.params.push(b);
				return { W, b, mask: 0 };
			}
			if (l.kind === 1) {
				const mask = heap.alloc(B * l.out * F);
				heap.f32(mask, B * l.out).fill(1);
				this.dropouts.push({ spec: l, mask });
				return { mask };
			}
			return { mask: 0 };
		});

		// Per thread: the plan, the gathered rows, activations, gradients and metric sums.
		const planned: { plan: number; layerPtr: number; xb: number; yb: number; sums: number; recs: number[][] }[] = [];
		for (let th = 0; th < this.nParts; th++) {
			const plan = heap.alloc(512);
			const layerPtr = heap.alloc(128 * layers.length);
			const xb = heap.alloc(TB * xw * F);
			const yb = heap.alloc(TB * yw * F);
			const sums = heap.alloc(8 * (1 + metrics.length));
			let prevA = xb;
			let prevDA = 0;
			const recs: number[][] = [];
			layers.forEach((l, i) => {
				const A = heap.alloc(TB * l.out * F);
				const dA = heap.alloc(TB * l.out * F);
				const rec = new Array<number>(32).fill(0);
				rec[0] = l.kind;
				rec[1] = l.in;
				rec[2] = l.out;
				rec[3] = l.act;
				rec[4] = prevA;
				rec[5] = A;
				rec[7] = dA;
				rec[8] = prevDA;
				const s = shared[i]!;
				if (l.kind === 0 && s.W) {
					rec[6] = l.act === 0 ? A : heap.alloc(TB * l.out * F);
					rec[9] = s.W.ptr;
					rec[11] = heap.alloc(s.W.size * F);
					rec[13] = s.W.slots[0]!;
					rec[14] = s.W.slots[1]!;
					rec[15] = s.W.slots[2]!;
					rec[20] = prevDA ? heap.alloc(s.W.size * F) : 0;
					if (s.b) {
						rec[10] = s.b.ptr;
						rec[12] = heap.alloc(s.b.size * F);
						rec[16] = s.b.slots[0]!;
						rec[17] = s.b.slots[1]!;
						rec[18] = s.b.slots[2]!;
					}
				} else if (l.kind === 1) rec[19] = s.mask;
				recs.push(rec);
				prevA = A;
				prevDA = dA;
			});
			planned.push({ plan, layerPtr, xb, yb, sums, recs });
			this.plans.push(plan);
			this.sumsPtrs.push(sums);
		}
		this.plan = this.plans[0]!;
		this.othersPtr = heap.alloc(4 * this.nParts);
		new Int32Array(this.memory.buffer, this.othersPtr, this.nParts - 1).set(this.plans.slice(1));
		this.partedUpdate = t.gradientClipping?.clipNorm === undefined;

		// Everything is allocated: views made now stay valid (the memory no longer grows).
		const v = new DataView(this.memory.buffer);
		metrics.forEach((m, i) => v.setInt32(metricPtr + 4 * i, METRICS[m]!, true));
		const clipCfg = t.gradientClipping;
		const o = opt as Partial<Record<'beta1' | 'beta2' | 'epsilon' | 'momentum' | 'rho', number>>;
		for (const p of planned) {
			p.recs.forEach((rec, i) => {
				const base = p.layerPtr + 128 * i;
				rec.forEach((x, w) => v.setInt32(base + 4 * w, x, true));
				const l = layers[i]!;
				v.setFloat32(base + 4 * 24, l.l1k, true);
				v.setFloat32(base + 4 * 25, l.l2k, true);
				v.setFloat32(base + 4 * 26, l.l1b, true);
				v.setFloat32(base + 4 * 27, l.l2b, true);
				v.setFloat32(base + 4 * 28, l.alpha, true);
			});
			const header = [
				layers.length,
				p.layerPtr,
				X,
				Y,
				xw,
				yw,
				this.orderPtr,
				p.xb,
				p.yb,
				LOSSES[t.loss]!,
				OPTIMIZERS[opt.type]!,
				(opt.type === 'momentum' && opt.nesterov) || (opt.type === 'rmsprop' && opt.centered) ? 1 : 0,
				(clipCfg?.clipValue !== undefined ? 1 : 0) | (clipCfg?.clipNorm !== undefined ? 2 : 0),
				metrics.length,
				metricPtr,
				ENCODINGS[data.preprocessing.label.encoding] ?? 0,
				p.sums,
			];
			header.forEach((x, w) => v.setInt32(p.plan + 4 * w, x, true));
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
			f64.forEach((x, i) => v.setFloat64(p.plan + 128 + 8 * i, x, true));
		}
		this.optimizer = new FusedOptimizer(this, SLOT_NAMES[opt.type] ?? [], slotCount);
		this.loadWeights();
	}

	/** @internal the optimizer's view of the plan and parameters. */
	get view(): { dv: DataView; params: readonly Param[]; f32: (p: number, n: number) => Float32Array; plan: number } {
		return { dv: new DataView(this.memory.buffer), params: this.params, f32: (p, n) => this.heap.f32(p, n), plan: this.plan };
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
		new Int32Array(this.memory.buffer, this.orderPtr, rows).set(order);
		const sums = this.sumsPtrs.map((p) => new Float64Array(this.memory.buffer, p, 1 + this.nMetrics));
		sums.forEach((s) => s.fill(0));
		const batches = Math.ceil(rows / batch);
		const single = perBatch || this.dropouts.length > 0;
		for (let b = 0; b < batches;) {
			if (signal?.aborted) return undefined;
			const count = single ? 1 : Math.min(this.chunk, batches - b);
			if (this.dropouts.length) this.masks(rng, Math.min(batch, rows - b * batch));
			const t0 = performance.now();
			if (this.threads === 1) this.ex.train(this.plan, rows, batch, b, count);
			else for (let i = b; i < b + count; i++) await this.threadedStep(i * batch, Math.min(batch, rows - i * batch));
			const dt = performance.now() - t0;
			// Aim for ≈ 25 ms per call: whole epochs of small tables, responsive cancellation on big ones.
			if (!single) this.chunk = Math.max(1, Math.min(batches, Math.floor((25 * count) / Math.max(dt, 1e-3))));
			b += count;
			const seen = Math.min(rows, b * batch);
			await onBatchEnd({ batch: b, batches, loss: () => sums[0]![0]! / seen });
		}
		// The workers' metric sums join the main thread's (the loss sum is the main thread's alone).
		const out = Array.from(sums[0]!);
		for (const s of sums.slice(1)) for (let m = 1; m < out.length; m++) out[m]! += s[m]!;
		return out;
	}

	/**
	 * One batch of n rows at `start` over the threads: part p (rows r0 .. r0+rows) always goes to
	 * plan p, whichever thread claims it (a thread the OS slows down claims fewer); the gradients are summed in part order and the update
	 * applied once (its elements split over the threads, each element's arithmetic unchanged).
	 */
	private async threadedStep(start: number, n: number): Promise<void> {
		const team = this.startTeam();
		if (!this.teamStarted) {
			await team.started();
			this.teamStarted = true;
		}
		let r0 = 0;
		const parts = splitRows(n, this.nParts)
			.filter((rows) => rows > 0)
			.map((rows, p) => ({ plan: this.plans[p]!, rows, r0: (r0 += rows) - rows }));
		team.begin(start, n, parts);
		for (let p = this.mainClaims ? team.claim() : -1; p >= 0; p = team.claim()) {
			this.ex.grad(parts[p]!.plan, start, parts[p]!.rows, n, parts[p]!.r0);
			team.done();
		}
		if (!team.finishedSync(WORKER_SYNC_WAIT_MS)) await team.finished();
		const count = parts.length - 1;
		if (!this.partedUpdate) {
			for (const p of parts.slice(1)) this.ex.accumulate(this.plan, p.plan);
			this.ex.apply(this.plan, n);
			return;
		}
		this.ex.tick(this.plan);
		team.beginUpdate(this.plan, this.othersPtr, count, this.threads);
		for (let p = this.mainClaims ? team.claim() : -1; p >= 0; p = team.claim()) {
			this.ex.updatePart(this.plan, this.othersPtr, count, p, this.threads);
			team.done();
		}
		if (!team.finishedSync(WORKER_SYNC_WAIT_MS)) await team.finished();
		this.ex.finishParts(this.plan, this.othersPtr, count, n, this.threads);
	}

	/** Whether this thread claims parts too (tests may leave every part to the workers: WORKERS_ONLY_ENV). */
	private readonly mainClaims = process.env[WORKERS_ONLY_ENV] !== '1';
	/** Whether the first threaded step has waited for the workers to run. */
	private teamStarted = false;
	/** The worker threads, started on first use. */
	private startTeam(): FusedTeam {
		return (this.team ??= new FusedTeam(fusedModule()!, this.memory, this.threads - 1));
	}

	/** Ends the worker threads (when training ends, fails or is cancelled). */
	dispose(): void {
		this.team?.terminate();
		this.team = undefined;
		this.teamStarted = false;
	}

	/** @internal tests: the worker threads and each thread's plan. */
	teamForTest(): { team: FusedTeam; plans: readonly number[] } {
		return { team: this.startTeam(), plans: this.plans };
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
