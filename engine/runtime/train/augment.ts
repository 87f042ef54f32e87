/** Training-batch augmentation in JS: mixup, then Gaussian noise on the features. */
import { beta, createRng, mixSeed, type Rng } from '../../core/random';
import type { ResolvedConfig } from '../../core/config/resolve';
import type { LabelEncoding } from '../data/preprocess';

/** Rewrites one batch of `n` rows in place. */
export type Augment = (x: Float32Array, y: Float32Array, n: number) => void;

/** The augmentation of each epoch (seeded from (seed, epoch)), or undefined when there is none. */
export function makeAugment(
	aug: ResolvedConfig['data']['augmentation'],
	encoding: LabelEncoding,
	seed: number,
): ((epoch: number) => Augment) | undefined {
	// Mixup needs labels that can be mixed: one-hot, 0/1 or numbers (not class indices).
	const mixup = aug.mixup > 0 && (encoding === 'oneHot' || encoding === 'binary' || encoding === 'value') ? aug.mixup : 0;
	const noise = aug.gaussianNoise;
	if (noise <= 0 && mixup <= 0) return undefined;
	return (epoch) => augmenter(createRng(mixSeed(seed, 7, epoch)), mixup, noise);
}

function augmenter(rng: Rng, mixup: number, noise: number): Augment {
	return (x, y, n) => {
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
		if (noise > 0) for (let i = 0; i < x.length; i++) x[i] = x[i]! + rng.normal(0, noise);
	};
}
