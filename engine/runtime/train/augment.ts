/**
 * Training-batch augmentation in JS: image transforms (flips, rotation, shift, brightness, contrast)
 * on [height, width, channels] inputs, then mixup, then Gaussian noise on the features.
 */
import { beta, createRng, mixSeed, type Rng } from '../../core/random';
import type { ResolvedConfig } from '../../core/config/resolve';
import { DataError } from '../data/csv';
import type { LabelEncoding } from '../data/preprocess';

/** Rewrites one batch of `n` rows in place. */
export type Augment = (x: Float32Array, y: Float32Array, n: number) => void;

/** The augmentation of each epoch (seeded from (seed, epoch)), or undefined when there is none. */
export function makeAugment(
	aug: ResolvedConfig['data']['augmentation'],
	encoding: LabelEncoding,
	seed: number,
	inputShape: readonly number[] = [],
): ((epoch: number) => Augment) | undefined {
	// Mixup needs labels that can be mixed: one-hot, 0/1 or numbers (not class indices).
	const mixup = aug.mixup > 0 && (encoding === 'oneHot' || encoding === 'binary' || encoding === 'value') ? aug.mixup : 0;
	const noise = aug.gaussianNoise;
	const image = imageAugmentOf(aug, inputShape);
	if (noise <= 0 && mixup <= 0 && !image) return undefined;
	return (epoch) => {
		const rng = createRng(mixSeed(seed, 7, epoch));
		// The image draws come from their own stream: turning them on leaves mixup's and noise's draws as they were.
		const images = image ? imageAugmenter(createRng(mixSeed(seed, 8, epoch)), image) : undefined;
		const rest = noise > 0 || mixup > 0 ? augmenter(rng, mixup, noise) : undefined;
		return (x, y, n) => {
			images?.(x, y, n);
			rest?.(x, y, n);
		};
	};
}

interface ImageAugment {
	h: number;
	w: number;
	c: number;
	flipX: boolean;
	flipY: boolean;
	/** Largest rotation, radians. */
	rotation: number;
	/** Largest shift, fraction of the side. */
	shift: number;
	brightness: number;
	contrast: number;
}

/** The image transforms asked for, or undefined when none; refuses them for inputs that are not images. */
function imageAugmentOf(aug: ResolvedConfig['data']['augmentation'], shape: readonly number[]): ImageAugment | undefined {
	const flip = aug.flip ?? 'none';
	const on = flip !== 'none' || aug.rotation > 0 || aug.shift > 0 || aug.brightness > 0 || aug.contrast > 0;
	if (!on) return undefined;
	if (shape.length !== 3)
		throw new DataError(
			`image augmentation (flip, rotation, shift, brightness, contrast) needs image inputs [height, width, channels], but the model input is [${shape.join(', ')}]. Use an \`images\` source or set \`model.inputShape\`.`,
		);
	return {
		h: shape[0]!,
		w: shape[1]!,
		c: shape[2]!,
		flipX: flip === 'horizontal' || flip === 'both',
		flipY: flip === 'vertical' || flip === 'both',
		rotation: (aug.rotation * Math.PI) / 180,
		shift: aug.shift,
		brightness: aug.brightness,
		contrast: aug.contrast,
	};
}

/**
 * Each image of a batch gets its own draws: one affine warp (flip, rotation about the centre,
 * shift) sampled bilinearly with the edge pixels extended, then brightness and contrast (clipped to [0, 1]).
 */
function imageAugmenter(rng: Rng, a: ImageAugment): Augment {
	const { h, w, c } = a;
	const size = h * w * c;
	const src = new Float32Array(size);
	const geometric = a.flipX || a.flipY || a.rotation > 0 || a.shift > 0;
	return (x, _y, n) => {
		for (let i = 0; i < n; i++) {
			const off = i * size;
			// Every image makes the same draws (given the config): its transform depends on the seed, epoch and position only.
			const fx = a.flipX && rng.next() < 0.5;
			const fy = a.flipY && rng.next() < 0.5;
			const angle = a.rotation > 0 ? rng.uniform(-a.rotation, a.rotation) : 0;
			const tx = a.shift > 0 ? rng.uniform(-a.shift, a.shift) * w : 0;
			const ty = a.shift > 0 ? rng.uniform(-a.shift, a.shift) * h : 0;
			const delta = a.brightness > 0 ? rng.uniform(-a.brightness, a.brightness) : 0;
			const factor = a.contrast > 0 ? rng.uniform(1 - a.contrast, 1 + a.contrast) : 1;
			if (geometric && (fx || fy || angle !== 0 || tx !== 0 || ty !== 0)) {
				src.set(x.subarray(off, off + size));
				warp(src, x, off, h, w, c, fx, fy, angle, tx, ty);
			}
			if (delta !== 0 || factor !== 1) {
				let mean = 0;
				for (let k = 0; k < size; k++) mean += x[off + k]!;
				mean /= size;
				for (let k = 0; k < size; k++) {
					const v = mean + factor * (x[off + k]! - mean) + delta;
					x[off + k] = v < 0 ? 0 : v > 1 ? 1 : v;
				}
			}
		}
	};
}

/** out(p) = src(M⁻¹ p): rotate by `angle` about the centre, then shift, then flip; bilinear, edges extended. */
function warp(
	src: Float32Array,
	out: Float32Array,
	off: number,
	h: number,
	w: number,
	c: number,
	fx: boolean,
	fy: boolean,
	angle: number,
	tx: number,
	ty: number,
): void {
	const cos = Math.cos(angle);
	const sin = Math.sin(angle);
	const cx = w / 2;
	const cy = h / 2;
	for (let y = 0; y < h; y++)
		for (let x = 0; x < w; x++) {
			// Output pixel centre, un-flipped and un-shifted, then rotated back.
			let px = x + 0.5;
			let py = y + 0.5;
			if (fx) px = w - px;
			if (fy) py = h - py;
			px -= cx + tx;
			py -= cy + ty;
			const sx = Math.min(Math.max(cos * px + sin * py + cx - 0.5, 0), w - 1);
			const sy = Math.min(Math.max(-sin * px + cos * py + cy - 0.5, 0), h - 1);
			const x0 = Math.floor(sx);
			const y0 = Math.floor(sy);
			const x1 = Math.min(x0 + 1, w - 1);
			const y1 = Math.min(y0 + 1, h - 1);
			const ax = sx - x0;
			const ay = sy - y0;
			const o = off + (y * w + x) * c;
			for (let k = 0; k < c; k++) {
				const v00 = src[(y0 * w + x0) * c + k]!;
				const v01 = src[(y0 * w + x1) * c + k]!;
				const v10 = src[(y1 * w + x0) * c + k]!;
				const v11 = src[(y1 * w + x1) * c + k]!;
				out[o + k] = (1 - ay) * ((1 - ax) * v00 + ax * v01) + ay * ((1 - ax) * v10 + ax * v11);
			}
		}
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
