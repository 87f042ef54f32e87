/** buildModel: names, layer map, parameter counts against the pure shape inference, seeded weights. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { LayerConfig } from '../../engine/core/config/schema';
import { validateText } from '../../engine/core/config/validate';
import { inferShapes } from '../../engine/core/shapes/infer';
import { buildModel } from '../../engine/runtime/model/build';
import { initialValues } from '../../engine/runtime/model/init';
import { useBackend } from '../../engine/runtime/train/backend';

const L = (l: Record<string, unknown>) => l as unknown as LayerConfig;
const EXAMPLES = path.join(__dirname, '..', '..', 'examples');

describe('engine/model/build', () => {
	before(async () => {
		await useBackend('cpu');
	});

	it('names layers like defaultLayerNames and maps leakyRelu to an extra leakyReLU layer', () => {
		const { model, layerMap } = buildModel(
			[
				L({ type: 'dense', units: 4, activation: 'leakyRelu' }),
				L({ type: 'dropout', rate: 0.1 }),
				L({ type: 'dense', units: 1, name: 'out' }),
			],
			[3],
			{ seed: 1 },
		);
		assert.deepEqual(
			model.layers.map((l) => l.name),
			['dense_1', 'dense_1_leakyrelu', 'dropout_1', 'out'],
		);
		assert.deepEqual(layerMap, [[0, 1], [2], [3]]);
		assert.equal(model.layers[1]!.getClassName(), 'LeakyReLU');
		model.dispose();
	});

	it('matches engine/core/shapes/infer.ts on every example and a conv/embedding/recurrent stack', () => {
		const stacks: [LayerConfig[], number[]][] = [];
		// Their input widths come from the data file (tokenized text, named inputs, CSV columns):
		// test/engine/text.test.ts and rentals-example.test.ts build them.
		const shapedByData = new Set(['transformer.model.yaml', 'two-inputs.model.yaml', 'rentals.model.yaml']);
		for (const f of fs.readdirSync(EXAMPLES).filter((x) => x.endsWith('.model.yaml'))) {
			const v = validateText(fs.readFileSync(path.join(EXAMPLES, f), 'utf8'));
			const shape = v.shapes?.inputShape;
			if (!shape && shapedByData.has(f)) continue;
			assert.ok(shape, `${f}: the validator infers no input shape`);
			stacks.push([v.resolved!.model.layers, shape.slice(1) as number[]]);
		}
		stacks.push([
			[
				L({ type: 'reshape', targetShape: [8, 1] }),
				L({ type: 'conv1d', filters: 4, kernelSize: 3, activation: 'relu' }),
				L({ type: 'maxPooling1d' }),
				L({ type: 'flatten' }),
				L({ type: 'dense', units: 2, activation: 'softmax' }),
			],
			[8],
		]);
		stacks.push([
			[
				L({ type: 'embedding', inputDim: 10, outputDim: 4 }),
				L({ type: 'lstm', units: 3 }),
				L({ type: 'batchNormalization' }),
				L({ type: 'dense', units: 1 }),
			],
			[5],
		]);
		stacks.push([
			[
				L({ type: 'conv2d', filters: 2, kernelSize: 3, padding: 'same' }),
				L({ type: 'globalAveragePooling2d' }),
				L({ type: 'dense', units: 1 }),
			],
			[6, 6, 1],
		]);
		for (const [layers, input] of stacks) {
			const shapes = inferShapes(layers, input);
			const { model, layerMap } = buildModel(layers, input, { seed: 3 });
			layers.forEach((_, i) => {
				const last = model.layers[layerMap[i]![layerMap[i]!.length - 1]!]!;
				assert.deepEqual(last.outputShape, shapes.layers[i]!.outputShape, `layer ${i} of ${layers.map((l) => l.type).join(',')}`);
				const params = layerMap[i]!.reduce((a, j) => a + model.layers[j]!.countParams(), 0);
				assert.equal(params, (shapes.layers[i]!.trainableParams ?? 0) + (shapes.layers[i]!.nonTrainableParams ?? 0));
			});
			model.dispose();
		}
	});

	it('initialises deterministically from the seed (and differently for another seed)', () => {
		const layers = [L({ type: 'dense', units: 8, activation: 'relu' }), L({ type: 'lstm', units: 2 }), L({ type: 'dense', units: 1 })];
		const w = (seed: number) => {
			const { model } = buildModel([L({ type: 'reshape', targetShape: [2, 2] }), ...layers], [4], { seed });
			const out = model.getWeights().map((t) => Array.from(t.dataSync()));
			model.dispose();
			return out;
		};
		assert.deepEqual(w(5), w(5));
		assert.notDeepEqual(w(5), w(6));
	});

	it('draws glorotUniform within its limit and orthogonal matrices with orthonormal columns', () => {
		const g = initialValues('glorotUniform', [30, 20], 1)!;
		const limit = Math.sqrt(6 / 50);
		assert.ok(g.every((v) => Math.abs(v) <= limit));
		assert.ok(Math.max(...g) > limit * 0.9);
		const q = initialValues('orthogonal', [6, 4], 2)!;
		for (let a = 0; a < 4; a++) {
			for (let b = 0; b < 4; b++) {
				let d = 0;
				for (let r = 0; r < 6; r++) d += q[r * 4 + a]! * q[r * 4 + b]!;
				assert.ok(Math.abs(d - (a === b ? 1 : 0)) < 1e-5, `${a},${b}: ${d}`);
			}
		}
		assert.equal(initialValues('zeros', [3], 1), undefined);
	});

	it('builds a model whose forward pass runs', () => {
		const { model } = buildModel([L({ type: 'dense', units: 3, activation: 'softmax' })], [2], { seed: 1 });
		const y = tf.tidy(() => (model.predict(tf.ones([4, 2])) as tf.Tensor).sum(-1).dataSync());
		for (const v of y) assert.ok(Math.abs(v - 1) < 1e-5);
		model.dispose();
	});

	it('a model too deep for tfjs-layers to build is an error naming model.layers and the count, not a bare RangeError', function () {
		this.timeout(120_000);
		// tfjs-layers walks the graph recursively; ~6,000 dense layers overflow the stack here.
		const layers = Array.from({ length: 20_000 }, () => L({ type: 'dense', units: 1 }));
		const before = tf.memory().numTensors;
		assert.throws(() => buildModel(layers, [1], { seed: 1 }), /^Error: model\.layers: 20000 layers are more than TensorFlow\.js can build/);
		// The weights of the layers built before the overflow are freed.
		assert.equal(tf.memory().numTensors, before);
	});
});
