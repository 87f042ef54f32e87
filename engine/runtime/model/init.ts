/**
 * Seeded weight initialisation done by us: tfjs initializers ignore seeds in places
 * (orthogonal, some uniform paths), so every random weight is drawn from engine/core/random.ts.
 */
import type { Initializer } from '../../core/config/vocabulary';
import { createRng, type Rng } from '../../core/random';

export const RANDOM_INITIALIZERS: ReadonlySet<string> = new Set([
	'glorotUniform',
	'glorotNormal',
	'heUniform',
	'heNormal',
	'leCunUniform',
	'leCunNormal',
	'randomUniform',
	'randomNormal',
	'truncatedNormal',
	'orthogonal',
]);

/** Keras computeFans. */
export function fans(shape: readonly number[]): [number, number] {
	if (shape.length === 0) return [1, 1];
	if (shape.length === 1) return [shape[0]!, shape[0]!];
	if (shape.length === 2) return [shape[0]!, shape[1]!];
	const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
	return [shape[shape.length - 2]! * receptive, shape[shape.length - 1]! * receptive];
}

function truncated(rng: Rng, std: number): number {
	for (;;) {
		const v = rng.normal();
		if (Math.abs(v) <= 2) return v * std;
	}
}

function orthogonal(shape: readonly number[], rng: Rng): Float32Array {
	const cols = shape[shape.length - 1] ?? 1;
	const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
	// Gram-Schmidt on the k = min(rows, cols) vectors of length n = max(rows, cols).
	const n = Math.max(rows, cols);
	const k = Math.min(rows, cols);
	const q: Float64Array[] = [];
	for (let j = 0; j < k; j++) {
		const v = new Float64Array(n);
		for (let i = 0; i < n; i++) v[i] = rng.normal();
		for (let pass = 0; pass < 2; pass++) {
			for (const u of q) {
				let d = 0;
				for (let i = 0; i < n; i++) d += u[i]! * v[i]!;
				for (let i = 0; i < n; i++) v[i] = v[i]! - d * u[i]!;
			}
		}
		let norm = 0;
		for (let i = 0; i < n; i++) norm += v[i]! * v[i]!;
		norm = Math.sqrt(norm) || 1;
		for (let i = 0; i < n; i++) v[i] = v[i]! / norm;
		q.push(v);
	}
	const out = new Float32Array(rows * cols);
	for (let r = 0; r < rows; r++) {
		for (let c = 0; c < cols; c++) out[r * cols + c] = rows >= cols ? q[c]![r]! : q[r]![c]!;
	}
	return out;
}

/** Values for a weight of `shape`, or undefined for deterministic initializers (zeros, ones: tfjs's own values stand). */
export function initialValues(init: Initializer, shape: readonly number[], seed: number): Float32Array | undefined {
	if (!RANDOM_INITIALIZERS.has(init)) return undefined;
	const rng = createRng(seed);
	const size = shape.reduce((a, b) => a * b, 1);
	if (init === 'orthogonal') return orthogonal(shape, rng);
	const out = new Float32Array(size);
	const [fanIn, fanOut] = fans(shape);
	let draw: () => number;
	switch (init) {
		case 'randomUniform':
			draw = () => rng.uniform(-0.05, 0.05);
			break;
		case 'randomNormal':
			draw = () => rng.normal(0, 0.05);
			break;
		case 'truncatedNormal':
			draw = () => truncated(rng, 0.05);
			break;
		default: {
			const scale = init.startsWith('he') ? 2 : 1;
			const n = init.startsWith('glorot') ? (fanIn + fanOut) / 2 : fanIn;
			if (init.endsWith('Uniform')) {
				const limit = Math.sqrt((3 * scale) / Math.max(1, n));
				draw = () => rng.uniform(-limit, limit);
			} else {
				// Keras/tfjs: truncated normal corrected for the truncation's variance loss.
				const std = Math.sqrt(scale / Math.max(1, n)) / 0.87962566103423978;
				draw = () => truncated(rng, std);
			}
		}
	}
	for (let i = 0; i < size; i++) out[i] = draw();
	return out;
}
