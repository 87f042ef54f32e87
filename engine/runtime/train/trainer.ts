/**
 * One model's forward and backward passes: a gradient step per batch with the loss and metric
 * sums accumulated on the device (read once per epoch), and the same sums on a held-out split.
 */
import * as tf from '@tensorflow/tfjs';
import { feed } from '../model/inputs';
import { SEEDED_LAYERS } from '../model/layers';
import type { ResolvedConfig } from '../../core/config/resolve';
import type { TrainingMetric } from '../../core/config/vocabulary';
import type { EpochLogs } from '../../core/protocol';
import type { Rng } from '../../core/random';
import type { PreparedData, SplitArrays } from '../data/prepare';
import type { LabelEncoding } from '../data/preprocess';
import { disposeBatches, makeBatches, type Batch } from './batches';
import type { BatchEnd } from './callbacks/callback';
import { gradientClipper, type ClipGradients } from './clip';
import { finishMetric, lossFn, metricSum, sampleLossFn } from './losses';
import type { EngineOptimizer } from './optimizers';

/** Rows per forward pass when evaluating (no gradients, so larger than training batches). */
const EVAL_BATCH = 1024;

export class Trainer {
	private readonly lossF: (y: tf.Tensor, p: tf.Tensor) => tf.Scalar;
	/** Class weights: the loss of each sample, weighted; the weight is the training batches' last label column. */
	private readonly sampleLoss: ((y: tf.Tensor, p: tf.Tensor) => tf.Tensor1D) | undefined;
	private readonly metrics: readonly TrainingMetric[];
	private readonly encoding: LabelEncoding;
	private readonly vars: tf.Variable[];
	private readonly clip: ClipGradients;
	/** tfjs Dropout layers draw their masks from `seed` when set: we set it per batch from the epoch's stream. */
	private readonly dropouts: { seed?: number }[];

	constructor(
		private readonly model: tf.LayersModel,
		private readonly optimizer: EngineOptimizer,
		config: ResolvedConfig,
		private readonly data: PreparedData,
		weighted = false,
	) {
		const t = config.training;
		const label = data.preprocessing.label;
		this.lossF = lossFn(t.loss, { huberDelta: t.huberDelta, ...(label.classes ? { classes: label.classes.length } : {}) });
		this.sampleLoss = weighted ? sampleLossFn(t.loss, { huberDelta: t.huberDelta }) : undefined;
		this.metrics = t.metrics ?? [];
		this.encoding = label.encoding;
		this.vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
		this.clip = gradientClipper(t.gradientClipping);
		this.dropouts = model.layers.filter((l) => l.getClassName() === 'Dropout' || SEEDED_LAYERS.has(l.getClassName())) as unknown as {
			seed?: number;
		}[];
	}

	/**
	 * One pass over `batches`; returns the sums (loss × rows, then each metric's), or undefined
	 * when `signal` aborts (checked before every batch).
	 */
	async epoch(
		batches: readonly Batch[],
		rng: Rng,
		signal: AbortSignal | undefined,
		onBatchEnd: (b: BatchEnd) => Promise<void>,
	): Promise<number[] | undefined> {
		let acc = tf.zeros([1 + this.metrics.length]);
		let seen = 0;
		let cancelled = false;
		for (let bi = 0; bi < batches.length; bi++) {
			if (signal?.aborted) {
				cancelled = true;
				break;
			}
			const b = batches[bi]!;
			for (const d of this.dropouts) d.seed = rng.seed();
			const next = this.step(b, acc);
			acc.dispose();
			acc = next;
			seen += b.n;
			const sums = acc;
			const rows = seen;
			await onBatchEnd({ batch: bi + 1, batches: batches.length, loss: () => sums.dataSync()[0]! / rows });
		}
		const sums = Array.from(acc.dataSync());
		acc.dispose();
		return cancelled ? undefined : sums;
	}

	/** A gradient step on `b`; returns `acc` plus this batch's sums. */
	private step(b: Batch, acc: tf.Tensor): tf.Tensor {
		const { model, lossF, metrics, encoding, sampleLoss } = this;
		return tf.tidy(() => {
			const stash: tf.Tensor[] = [];
			// Weighted rows carry their weight as the last label column: split it off (Keras: mean of weight × loss).
			const yw = this.data.yShape[0]!;
			const [y, w] = sampleLoss ? tf.split(b.y, [yw, 1], -1) : [b.y, undefined];
			const { value, grads } = tf.variableGrads(() => {
				const p = model.apply(feed(this.data.preprocessing, b.x), { training: true }) as tf.Tensor;
				let l = sampleLoss && w ? tf.mean<tf.Scalar>(tf.mul(sampleLoss(y, p), tf.reshape(w, [-1]))) : lossF(y, p);
				for (const m of metrics) stash.push(tf.keep(metricSum(m, encoding, y, p)));
				const reg = model.calculateLosses();
				if (reg.length) l = tf.addN<tf.Scalar>([l, ...reg]);
				return l;
			}, this.vars);
			this.optimizer.applyGradients(this.vars, this.clip(grads));
			const row = tf.stack([tf.mul(value, b.n), ...stash]);
			tf.dispose(stash);
			return tf.add(acc, row);
		});
	}

	/** The loss and metric sums over a split, in inference mode. */
	evaluate(d: SplitArrays): number[] {
		const { model, lossF, metrics, encoding } = this;
		const batches = makeBatches(d, this.data.preprocessing.inputShape, this.data.yShape, EVAL_BATCH);
		let acc = tf.zeros([1 + metrics.length]);
		for (const b of batches) {
			const next = tf.tidy(() => {
				const p = model.apply(feed(this.data.preprocessing, b.x), { training: false }) as tf.Tensor;
				let l = lossF(b.y, p);
				const reg = model.calculateLosses();
				if (reg.length) l = tf.addN<tf.Scalar>([l, ...reg]);
				return tf.add(acc, tf.stack([tf.mul(l, b.n), ...metrics.map((m) => metricSum(m, encoding, b.y, p))]));
			});
			acc.dispose();
			acc = next;
		}
		const sums = Array.from(acc.dataSync());
		acc.dispose();
		disposeBatches(batches);
		return sums;
	}

	/** Sums over `n` rows → logs (`prefix` `val_` for the validation split). */
	logs(sums: readonly number[], n: number, prefix = ''): EpochLogs {
		const logs: EpochLogs = { [`${prefix}loss`]: sums[0]! / n };
		this.metrics.forEach((m, i) => {
			logs[`${prefix}${m}`] = finishMetric(m, sums[i + 1]!, n);
		});
		return logs;
	}

	/** Dropout layers go back to unseeded masks (the model outlives the loop). */
	dispose(): void {
		for (const d of this.dropouts) delete d.seed;
	}
}
