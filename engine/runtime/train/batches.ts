/** The training rows cut into batch tensors, once or per epoch (shuffled, augmented). */
import * as tf from '@tensorflow/tfjs';
import { shuffleInPlace, type Rng } from '../../core/random';
import type { SplitArrays } from '../data/prepare';
import type { Augment } from './augment';

export interface Batch {
	x: tf.Tensor;
	y: tf.Tensor;
	n: number;
}

/** Copies the rows of `order` into batch tensors (gathering in JS avoids wasm's per-element GatherV2). */
export function makeBatches(
	d: SplitArrays,
	inputShape: number[],
	yShape: number[],
	batchSize: number,
	order?: ArrayLike<number>,
	augment?: Augment,
): Batch[] {
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

export const disposeBatches = (bs: readonly Batch[]): void => {
	for (const b of bs) {
		b.x.dispose();
		b.y.dispose();
	}
};

/** An epoch's row order: shuffled from `rng` (its first draws) or in row order. The fused path uses it too. */
export function epochOrder(n: number, shuffle: boolean, rng: Rng): Int32Array {
	const order = Int32Array.from({ length: n }, (_, i) => i);
	return shuffle ? (shuffleInPlace(order, rng) as Int32Array) : order;
}

/**
 * Each epoch's batches: built once when the order never changes; otherwise shuffled per epoch,
 * gathered on the device from tensors uploaded once (the row-gather kernel copies whole rows)
 * unless augmentation must rewrite the rows in JS.
 */
export class EpochBatches {
	private readonly fixed: Batch[] | undefined;
	private readonly onDevice: { x: tf.Tensor; y: tf.Tensor } | undefined;

	constructor(
		private readonly d: SplitArrays,
		private readonly inputShape: number[],
		private readonly yShape: number[],
		private readonly batchSize: number,
		private readonly shuffle: boolean,
		private readonly augment: ((epoch: number) => Augment) | undefined,
	) {
		this.fixed = shuffle || augment ? undefined : makeBatches(d, inputShape, yShape, batchSize);
		this.onDevice = shuffle && !augment ? { x: tf.tensor(d.x, [d.n, ...inputShape]), y: tf.tensor(d.y, [d.n, ...yShape]) } : undefined;
	}

	/** The shuffle draws from `rng` first: the epoch's dropout seeds follow from the same stream. */
	epoch(epoch: number, rng: Rng): Batch[] {
		if (this.fixed) return this.fixed;
		const order = this.shuffle ? epochOrder(this.d.n, true, rng) : undefined;
		return this.onDevice && order
			? gatherBatches(this.onDevice, order, this.batchSize)
			: makeBatches(this.d, this.inputShape, this.yShape, this.batchSize, order, this.augment?.(epoch));
	}

	/** Frees an epoch's batches (the fixed ones live until dispose). */
	release(bs: readonly Batch[]): void {
		if (bs !== this.fixed) disposeBatches(bs);
	}

	dispose(): void {
		if (this.fixed) disposeBatches(this.fixed);
		if (this.onDevice) tf.dispose([this.onDevice.x, this.onDevice.y]);
	}
}
