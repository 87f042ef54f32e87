/**
 * Optimizers of the schema. Adam and Adamax are ours: their bias correction is computed from the
 * step count in double precision (tfjs keeps running products of β^t on the device, which makes a
 * resumed run drift from an uninterrupted one by float rounding). The others wrap tfjs's.
 */
import * as tf from '@tensorflow/tfjs';
import type { ResolvedConfig } from '../../core/config/resolve';

export type OptimizerSpec = ResolvedConfig['training']['optimizer'];

/** What the loop needs from an optimizer. State tensors are named by position, so they survive a process restart. */
export interface EngineOptimizer {
	applyGradients(vars: readonly tf.Variable[], grads: tf.NamedTensorMap): void;
	setLearningRate(lr: number): void;
	getState(): Promise<{ name: string; tensor: tf.Tensor }[]>;
	setState(state: { name: string; tensor: tf.Tensor }[]): Promise<void>;
	dispose(): void;
}

class TfjsOptimizer implements EngineOptimizer {
	constructor(private readonly opt: tf.Optimizer) {}
	applyGradients(_vars: readonly tf.Variable[], grads: tf.NamedTensorMap): void {
		this.opt.applyGradients(grads);
	}
	setLearningRate(lr: number): void {
		const o = this.opt as unknown as { setLearningRate?: (lr: number) => void; learningRate: number };
		if (typeof o.setLearningRate === 'function') o.setLearningRate(lr);
		o.learningRate = lr;
	}
	async getState() {
		const ws = await this.opt.getWeights();
		// The iteration count is a fresh tensor; clone the rest so the caller may dispose everything.
		return ws.map((w) => ({ name: w.name, tensor: w.name === 'iter' ? w.tensor : tf.clone(w.tensor) }));
	}
	async setState(state: { name: string; tensor: tf.Tensor }[]) {
		await this.opt.setWeights(state);
	}
	dispose(): void {
		this.opt.dispose();
	}
}

/** Adam (β1, β2, bias correction) or Adamax (infinity norm) with the step count kept in JS. */
class AdamFamily implements EngineOptimizer {
	private t = 0;
	private m: tf.Variable[] = [];
	private v: tf.Variable[] = [];
	constructor(
		private lr: number,
		private readonly b1: number,
		private readonly b2: number,
		private readonly eps: number,
		private readonly max: boolean,
	) {}
	private slots(vars: readonly tf.Variable[]): void {
		if (this.m.length === vars.length) return;
		this.m = vars.map((x) => tf.variable(tf.zerosLike(x), false));
		this.v = vars.map((x) => tf.variable(tf.zerosLike(x), false));
	}
	/** Constant scalars made once (per-op scalar creation costs an upload each on wasm). */
	private k?: { b1: tf.Scalar; nb1: tf.Scalar; b2: tf.Scalar; nb2: tf.Scalar; eps: tf.Scalar };
	applyGradients(vars: readonly tf.Variable[], grads: tf.NamedTensorMap): void {
		this.slots(vars);
		this.t++;
		const k = (this.k ??= tf.tidy(() => {
			const s = {
				b1: tf.scalar(this.b1),
				nb1: tf.scalar(1 - this.b1),
				b2: tf.scalar(this.b2),
				nb2: tf.scalar(1 - this.b2),
				eps: tf.scalar(this.eps),
			};
			for (const v of Object.values(s)) tf.keep(v);
			return s;
		}));
		// Bias corrections from the step count in double precision: c1 = 1 − β1^t, c2 = 1 − β2^t.
		const c1 = 1 - this.b1 ** this.t;
		const c2 = 1 - this.b2 ** this.t;
		tf.tidy(() => {
			const step = tf.scalar(-this.lr / c1);
			const inv2 = tf.scalar(1 / c2);
			vars.forEach((x, i) => {
				const g = grads[x.name];
				if (!g) return;
				const m = tf.add(tf.mul(this.m[i]!, k.b1), tf.mul(g, k.nb1));
				this.m[i]!.assign(m);
				if (this.max) {
					const u = tf.maximum(tf.mul(this.v[i]!, k.b2), tf.abs(g));
					this.v[i]!.assign(u);
					x.assign(tf.add(x, tf.mul(tf.div(m, tf.add(u, k.eps)), step)));
				} else {
					const v = tf.add(tf.mul(this.v[i]!, k.b2), tf.mul(tf.square(g), k.nb2));
					this.v[i]!.assign(v);
					// θ −= α·m̂/(√v̂ + ε) with m̂ = m/c1, v̂ = v/c2.
					x.assign(tf.add(x, tf.mul(tf.div(m, tf.add(tf.sqrt(tf.mul(v, inv2)), k.eps)), step)));
				}
			});
		});
	}
	setLearningRate(lr: number): void {
		this.lr = lr;
	}
	async getState() {
		return [
			{ name: 'iter', tensor: tf.scalar(this.t) },
			...this.m.map((t, i) => ({ name: `m${i}`, tensor: tf.clone(t) })),
			...this.v.map((t, i) => ({ name: `v${i}`, tensor: tf.clone(t) })),
		];
	}
	async setState(state: { name: string; tensor: tf.Tensor }[]) {
		this.dispose();
		this.t = state.find((s) => s.name === 'iter')?.tensor.dataSync()[0] ?? 0;
		this.m = state.filter((s) => /^m\d+$/.test(s.name)).map((s) => tf.variable(s.tensor, false));
		this.v = state.filter((s) => /^v\d+$/.test(s.name)).map((s) => tf.variable(s.tensor, false));
	}
	dispose(): void {
		if (this.k) tf.dispose(Object.values(this.k));
		this.k = undefined;
		tf.dispose([...this.m, ...this.v]);
		this.m = [];
		this.v = [];
	}
}

export function makeOptimizer(o: OptimizerSpec): EngineOptimizer {
	const t = tf.train;
	switch (o.type) {
		case 'adam':
			return new AdamFamily(o.learningRate, o.beta1, o.beta2, o.epsilon, false);
		case 'adamax':
			return new AdamFamily(o.learningRate, o.beta1, o.beta2, o.epsilon, true);
		case 'sgd':
			return new TfjsOptimizer(t.sgd(o.learningRate));
		case 'momentum':
			return new TfjsOptimizer(t.momentum(o.learningRate, o.momentum, o.nesterov));
		case 'rmsprop':
			return new TfjsOptimizer(t.rmsprop(o.learningRate, o.rho, o.momentum, o.epsilon, o.centered));
		case 'adagrad':
			return new TfjsOptimizer(t.adagrad(o.learningRate, o.initialAccumulatorValue));
		case 'adadelta':
			return new TfjsOptimizer(t.adadelta(o.learningRate, o.rho, o.epsilon));
	}
}
