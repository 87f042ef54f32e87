/** Engine-owned wasm kernels against the cpu backend, forward and gradient; conv1d/conv2d/embedding models train on wasm. */
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../engine/runtime/train/backend';
import { resolveConfig } from '../../engine/core/config/resolve';
import { prepareData } from '../../engine/runtime/data/prepare';
import { gatherBatches, makeBatches } from '../../engine/runtime/train/batches';
import { trainLoop } from '../../engine/runtime/train/loop';
import { createRng } from '../../engine/core/random';

const rng = createRng(11);
const rand = (n: number) => Array.from({ length: n }, () => rng.normal());

/** Runs `f` on wasm and on cpu with the same inputs and returns both results as flat arrays. */
async function both(f: () => tf.Tensor[]): Promise<[number[][], number[][]]> {
	const out: number[][][] = [];
	for (const b of ['wasm', 'cpu'] as const) {
		await useBackend(b);
		out.push(
			tf.tidy(f).map((t) => {
				const v = Array.from(t.dataSync());
				t.dispose();
				return v;
			}),
		);
	}
	return [out[0]!, out[1]!];
}

function close(a: number[][], b: number[][], tol = 1e-4): void {
	assert.equal(a.length, b.length);
	a.forEach((x, i) => {
		assert.equal(x.length, b[i]!.length);
		x.forEach((v, j) =>
			assert.ok(Math.abs(v - b[i]![j]!) <= tol * (1 + Math.abs(b[i]![j]!)), `output ${i}[${j}]: wasm ${v} vs cpu ${b[i]![j]}`),
		);
	});
}

describe('engine/train/kernels (wasm vs cpu)', () => {
	before(async () => {
		await useBackend('wasm');
	});
	after(async () => {
		await useBackend('wasm');
	});

	it('kernels are registered on wasm', () => {
		for (const k of ['Conv2DBackpropFilter', 'UnsortedSegmentSum']) assert.ok(tf.getKernel(k, 'wasm'), k);
	});

	for (const [ta, tb] of [
		[false, false],
		[true, false],
		[false, true],
		[true, true],
	] as const) {
		it(`matMul transposeA=${ta} transposeB=${tb}: forward and gradients (batched and fused)`, async () => {
			const A = rand(2 * 5 * 7);
			const B = rand(2 * 7 * 3);
			const W = rand(2 * 5 * 3);
			const bias = rand(3);
			const [w, c] = await both(() => {
				const a = tf.tensor(A, ta ? [2, 7, 5] : [2, 5, 7]);
				const b = tf.tensor(B, tb ? [2, 3, 7] : [2, 7, 3]);
				const y = tf.matMul(a, b, ta, tb);
				const g = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(tf.matMul(p, q, ta, tb), tf.tensor(W, [2, 5, 3]))))([a, b]);
				const a2 = tf.tensor(A.slice(0, 35), ta ? [7, 5] : [5, 7]);
				const b2 = tf.tensor(B.slice(0, 21), tb ? [3, 7] : [7, 3]);
				const fused = tf.fused.matMul({ a: a2, b: b2, transposeA: ta, transposeB: tb, bias: tf.tensor(bias), activation: 'relu' });
				const fg = tf.grads((p: tf.Tensor, q: tf.Tensor) =>
					tf.sum(tf.square(tf.fused.matMul({ a: p, b: q, transposeA: ta, transposeB: tb, bias: tf.tensor(bias), activation: 'relu' }))),
				)([a2, b2]);
				return [y, ...g, fused, ...fg];
			});
			close(w, c);
		});
	}

	it('gather on axis 0 (rows) and its gradient (UnsortedSegmentSum), plus other axes', async () => {
		const X = rand(6 * 4);
		const [w, c] = await both(() => {
			const x = tf.tensor(X, [6, 4]);
			const idx = tf.tensor1d([5, 0, 0, 3, 2], 'int32');
			const y = tf.gather(x, idx);
			const y1 = tf.gather(x, tf.tensor1d([3, 1], 'int32'), 1);
			const y2 = tf.gather(
				x,
				tf.tensor2d(
					[
						[1, 2],
						[2, 5],
					],
					[2, 2],
					'int32',
				),
			);
			const g = tf.grad((p: tf.Tensor) => tf.sum(tf.mul(tf.gather(p, idx), tf.range(0, 20).reshape([5, 4]))))(x);
			const seg = tf.unsortedSegmentSum(tf.tensor(X.slice(0, 12), [3, 4]), tf.tensor1d([2, 0, 2], 'int32'), 4);
			return [y, y1, y2, g, seg];
		});
		close(w, c);
	});

	for (const [stride, pad] of [
		[1, 'valid'],
		[2, 'same'],
		[2, 'valid'],
	] as const) {
		it(`conv2d stride ${stride} ${pad}: forward and gradients (Conv2DBackpropFilter)`, async () => {
			const X = rand(2 * 7 * 6 * 3);
			const F = rand(3 * 2 * 3 * 4);
			const [w, c] = await both(() => {
				const x = tf.tensor4d(X, [2, 7, 6, 3]);
				const f = tf.tensor4d(F, [3, 2, 3, 4]);
				const y = tf.conv2d(x, f, stride, pad);
				const g = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.square(tf.conv2d(p as tf.Tensor4D, q as tf.Tensor4D, stride, pad))))([
					x,
					f,
				]);
				return [y, ...g];
			});
			close(w, c);
		});
	}

	it('conv1d: forward and gradients', async () => {
		const X = rand(3 * 10 * 2);
		const F = rand(3 * 2 * 5);
		const [w, c] = await both(() => {
			const x = tf.tensor3d(X, [3, 10, 2]);
			const f = tf.tensor3d(F, [3, 2, 5]);
			const g = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.square(tf.conv1d(p as tf.Tensor3D, q as tf.Tensor3D, 1, 'same'))))([
				x,
				f,
			]);
			return [tf.conv1d(x, f, 2, 'valid'), ...g];
		});
		close(w, c);
	});

	it('conv1d, embedding and conv2d models train on wasm', async () => {
		await useBackend('wasm');
		// conv1d: is the bump in the first or second half of a length-12 sequence?
		const r = createRng(3);
		const rows = Array.from({ length: 160 }, (_, i) => {
			const row: Record<string, number> = {};
			const at = (i % 2 ? 6 : 0) + r.int(5);
			for (let k = 0; k < 12; k++) row[`s${k}`] = (k === at || k === at + 1 ? 1 : 0) + r.normal(0, 0.1);
			row.label = i % 2;
			return row;
		});
		const conv = resolveConfig({
			seed: 1,
			data: { source: { type: 'inline', rows }, label: 'label', split: { validation: 0.2 } },
			model: {
				inputShape: [12, 1],
				layers: [
					{ type: 'conv1d', filters: 4, kernelSize: 3, activation: 'relu' },
					{ type: 'maxPooling1d' },
					{ type: 'flatten' },
					{ type: 'dense', units: 1, activation: 'sigmoid' },
				],
			},
			training: {
				loss: 'binaryCrossentropy',
				optimizer: { type: 'adam', learningRate: 0.05 },
				metrics: ['accuracy'],
				epochs: 25,
				batchSize: 16,
			},
		});
		const rc = await trainLoop({ config: conv, data: await prepareData(conv, { configDir: __dirname }) });
		assert.equal(tf.getBackend(), 'wasm');
		assert.ok(rc.history.at(-1)!.loss! < rc.history[0]!.loss! * 0.5, JSON.stringify([rc.history[0], rc.history.at(-1)]));
		assert.ok(rc.history.at(-1)!.val_accuracy! >= 0.9, JSON.stringify(rc.history.at(-1)));
		rc.model.dispose();
		// embedding: the label is whether the (integer) token ids are mostly from the upper half.
		const erows = Array.from({ length: 200 }, (_, i) => {
			const hi = i % 2;
			const row: Record<string, number> = {};
			for (let k = 0; k < 6; k++) row[`t${k}`] = (hi ? 10 : 0) + r.int(10);
			row.label = hi;
			return row;
		});
		const emb = resolveConfig({
			seed: 2,
			data: { source: { type: 'inline', rows: erows }, label: 'label', split: { validation: 0.2 } },
			model: {
				layers: [
					{ type: 'embedding', inputDim: 20, outputDim: 4 },
					{ type: 'globalAveragePooling1d' },
					{ type: 'dense', units: 1, activation: 'sigmoid' },
				],
			},
			training: {
				loss: 'binaryCrossentropy',
				optimizer: { type: 'adam', learningRate: 0.05 },
				metrics: ['accuracy'],
				epochs: 15,
				batchSize: 16,
			},
		});
		const re = await trainLoop({ config: emb, data: await prepareData(emb, { configDir: __dirname }) });
		assert.ok(re.history.at(-1)!.val_accuracy! >= 0.95, JSON.stringify(re.history.at(-1)));
		re.model.dispose();
		// conv2d: is the bright 2×2 square in the top or the bottom half of a 6×6 image?
		const irows = Array.from({ length: 160 }, (_, i) => {
			const row: Record<string, number> = {};
			const top = i % 2;
			const r0 = top ? r.int(2) : 3 + r.int(2);
			const c0 = r.int(5);
			for (let y = 0; y < 6; y++)
				for (let x = 0; x < 6; x++) row[`p${y}_${x}`] = (y >= r0 && y < r0 + 2 && x >= c0 && x < c0 + 2 ? 1 : 0) + r.normal(0, 0.1);
			row.label = top;
			return row;
		});
		const c2 = resolveConfig({
			seed: 4,
			data: { source: { type: 'inline', rows: irows }, label: 'label', split: { validation: 0.2 } },
			model: {
				inputShape: [6, 6, 1],
				layers: [
					{ type: 'conv2d', filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' },
					{ type: 'maxPooling2d' },
					{ type: 'flatten' },
					{ type: 'dense', units: 1, activation: 'sigmoid' },
				],
			},
			training: {
				loss: 'binaryCrossentropy',
				optimizer: { type: 'adam', learningRate: 0.03 },
				metrics: ['accuracy'],
				epochs: 20,
				batchSize: 16,
			},
		});
		const r2 = await trainLoop({ config: c2, data: await prepareData(c2, { configDir: __dirname }) });
		assert.equal(tf.getBackend(), 'wasm');
		assert.ok(r2.history.at(-1)!.val_accuracy! >= 0.9, JSON.stringify(r2.history.at(-1)));
		r2.model.dispose();
	});
});

describe('device-side shuffled batches', () => {
	it('gatherBatches yields exactly the rows makeBatches copies, on wasm and cpu', async () => {
		const rng = createRng(9);
		const n = 300,
			w = 7;
		const x = Float32Array.from({ length: n * w }, () => rng.normal());
		const y = Float32Array.from({ length: n * 3 }, () => rng.next());
		const order = Int32Array.from({ length: n }, (_, i) => i);
		for (let i = n - 1; i > 0; i--) {
			const j = rng.int(i + 1);
			[order[i], order[j]] = [order[j]!, order[i]!];
		}
		for (const backend of ['wasm', 'cpu'] as const) {
			await useBackend(backend);
			const all = { x: tf.tensor(x, [n, w]), y: tf.tensor(y, [n, 3]) };
			const a = gatherBatches(all, order, 64);
			const b = makeBatches({ x, y, n, rows: [] }, [w], [3], 64, order);
			assert.equal(a.length, b.length);
			a.forEach((ba, i) => {
				assert.deepEqual(Array.from(ba.x.dataSync()), Array.from(b[i]!.x.dataSync()), `${backend} x of batch ${i}`);
				assert.deepEqual(Array.from(ba.y.dataSync()), Array.from(b[i]!.y.dataSync()), `${backend} y of batch ${i}`);
			});
			tf.dispose([all.x, all.y, ...a.flatMap((q) => [q.x, q.y]), ...b.flatMap((q) => [q.x, q.y])]);
		}
	});
});
