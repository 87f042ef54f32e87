/**
 * A seeded generator of small labelled images: circles, squares and triangles at random positions,
 * sizes and (for polygons) small rotations, on a noisy background, written as grayscale PNGs in a
 * folder per class — the layout an `images` source reads. Tests and examples/conv.model.yaml use it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRng, mixSeed, type Rng } from '../../core/random';
import { encodePng } from './images';

export const SHAPE_CLASSES = ['circle', 'square', 'triangle'] as const;
export type ShapeClass = (typeof SHAPE_CLASSES)[number];

export interface ShapesOptions {
	/** Images in all (split evenly over the classes, the first classes get the remainder). */
	samples: number;
	/** Side of each square image, in pixels. */
	size: number;
	seed: number;
	/** Standard deviation of the Gaussian pixel noise (pixels in [0, 1]). */
	noise: number;
}

export const SHAPES_DEFAULTS: ShapesOptions = { samples: 300, size: 16, seed: 1, noise: 0.06 };

/** Inside-tests of one shape in image coordinates (pixel centres at i + 0.5). */
function shapeTest(kind: ShapeClass, rng: Rng, size: number): (x: number, y: number) => boolean {
	// Big enough to tell apart at 16 px, small enough to move around: radius 28–40% of the side.
	const r = size * rng.uniform(0.28, 0.4);
	const margin = r * 1.05;
	const cx = rng.uniform(margin, size - margin);
	const cy = rng.uniform(margin, size - margin);
	if (kind === 'circle') return (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
	const a = ((kind === 'square' ? 45 : -90) + rng.uniform(-15, 15)) * (Math.PI / 180);
	const corners = kind === 'square' ? 4 : 3;
	// The polygon's vertices on the circle of radius r (a square's half-diagonal is r).
	const vs = Array.from({ length: corners }, (_, i) => {
		const t = a + (2 * Math.PI * i) / corners;
		return [cx + r * Math.cos(t), cy + r * Math.sin(t)] as const;
	});
	return (x, y) => {
		for (let i = 0; i < corners; i++) {
			const [x0, y0] = vs[i]!;
			const [x1, y1] = vs[(i + 1) % corners]!;
			if ((x1 - x0) * (y - y0) - (y1 - y0) * (x - x0) < 0) return false;
		}
		return true;
	};
}

/** One image as size² floats in [0, 1] (row-major). */
export function drawShape(kind: ShapeClass, rng: Rng, size: number, noise: number): Float32Array {
	const inside = shapeTest(kind, rng, size);
	const bg = rng.uniform(0, 0.25);
	const fg = rng.uniform(0.7, 1);
	const px = new Float32Array(size * size);
	for (let y = 0; y < size; y++)
		for (let x = 0; x < size; x++) {
			// 4×4 supersampling: anti-aliased edges, so sizes and positions vary smoothly.
			let cover = 0;
			for (let sy = 0; sy < 4; sy++) for (let sx = 0; sx < 4; sx++) if (inside(x + (sx + 0.5) / 4, y + (sy + 0.5) / 4)) cover++;
			const v = bg + ((fg - bg) * cover) / 16 + (noise > 0 ? rng.normal(0, noise) : 0);
			px[y * size + x] = Math.min(1, Math.max(0, v));
		}
	return px;
}

/** The images of a generated set, class by class (deterministic in the options). */
export function* shapeImages(opts: ShapesOptions): Generator<{ kind: ShapeClass; index: number; pixels: Float32Array }> {
	const k = SHAPE_CLASSES.length;
	for (let c = 0; c < k; c++) {
		const kind = SHAPE_CLASSES[c]!;
		const count = Math.floor(opts.samples / k) + (c < opts.samples % k ? 1 : 0);
		for (let i = 0; i < count; i++) {
			// Each image has its own stream: image i of a class is the same whatever `samples` is.
			const rng = createRng(mixSeed(opts.seed, c, i));
			yield { kind, index: i, pixels: drawShape(kind, rng, opts.size, opts.noise) };
		}
	}
}

/**
 * Writes the set into `dir/<class>/<nnnn>.png`. `dir` must not exist or be empty: generated files
 * never mix with (or overwrite) other files. Returns the number of images per class.
 */
export function writeShapes(dir: string, opts: ShapesOptions): Record<ShapeClass, number> {
	if (fs.existsSync(dir)) {
		if (!fs.statSync(dir).isDirectory()) throw new Error(`${dir} exists and is not a folder.`);
		if (fs.readdirSync(dir).length > 0) throw new Error(`${dir} is not empty: generate into a new or empty folder.`);
	}
	const counts = Object.fromEntries(SHAPE_CLASSES.map((c) => [c, 0])) as Record<ShapeClass, number>;
	const digits = Math.max(4, String(opts.samples).length);
	for (const img of shapeImages(opts)) {
		const sub = path.join(dir, img.kind);
		if (counts[img.kind] === 0) fs.mkdirSync(sub, { recursive: true });
		fs.writeFileSync(path.join(sub, `${String(img.index).padStart(digits, '0')}.png`), encodePng(img.pixels, opts.size, opts.size, 1));
		counts[img.kind]++;
	}
	return counts;
}
