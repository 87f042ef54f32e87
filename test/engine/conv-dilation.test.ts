/**
 * MW245 states a fact about TensorFlow.js; these tests keep it true. If a tfjs upgrade learns to
 * train dilated convolutions, the first test fails and says to lift the check.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { main } from '../../engine/cli/main';
import { validateText } from '../../engine/core/config/validate';
import type { LayerConfig } from '../../engine/core/config/schema';
import { buildModel } from '../../engine/runtime/model/build';
import { useBackend } from '../../engine/runtime/train/backend';

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'diagnostics', 'conv-dilation.model.yaml');

/** One conv layer over [8, 8, 1] (conv1d over [8, 1]) as the engine builds it, trained for one batch. */
async function trainOne(conv: Record<string, unknown>): Promise<void> {
	const is2d = conv.type === 'conv2d';
	const text = `data: {source: {type: blobs, features: ${is2d ? 64 : 8}, centers: 2, samples: 16}}
model:
  inputShape: ${is2d ? '[8, 8, 1]' : '[8, 1]'}
  layers:
    - ${JSON.stringify({ filters: 2, kernelSize: 2, padding: 'same', ...conv })}
    - {type: flatten}
    - {type: dense, units: 1, activation: sigmoid}
training: {loss: binaryCrossentropy}
`;
	const r = validateText(text);
	const { model } = buildModel(r.resolved!.model.layers as LayerConfig[], is2d ? [8, 8, 1] : [8, 1], { seed: 1 });
	try {
		model.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
		const x = tf.randomNormal(is2d ? [4, 8, 8, 1] : [4, 8, 1], 0, 1, 'float32', 1);
		const y = tf.tensor2d([[0], [1], [0], [1]]);
		await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 });
		tf.dispose([x, y]);
	} finally {
		model.dispose();
	}
}

describe('MW245: dilated convolutions, refused because tfjs cannot train them', function () {
	this.timeout(60_000);
	before(async () => {
		await useBackend('wasm');
	});

	it('tfjs (wasm) trains no conv1d/conv2d with a dilation above 1, and runs none with strides above 1 too', async () => {
		const gradient = /dilation rates greater than 1 are not yet supported in gradients/;
		const forward = /Either strides? or dilations? must be 1/;
		const lift = 'tfjs changed: MW245 (engine/core/config/semantic.ts convChecks) may be lifted for this case';
		await assert.rejects(trainOne({ type: 'conv1d', dilationRate: 2 }), gradient, lift);
		await assert.rejects(trainOne({ type: 'conv2d', dilationRate: [1, 2] }), gradient, lift);
		await assert.rejects(trainOne({ type: 'conv1d', dilationRate: 2, strides: 2 }), forward, lift);
		await assert.rejects(trainOne({ type: 'conv2d', dilationRate: [2, 1], strides: [1, 2] }), forward, lift);
		// What stays allowed trains: no dilation, with or without strides.
		await trainOne({ type: 'conv1d', strides: 2 });
		await trainOne({ type: 'conv2d', dilationRate: [1, 1], strides: [2, 1] });
	});

	it('train refuses the config before loading data, with the located diagnostic, and writes no run', async () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-dilation-'));
		try {
			fs.copyFileSync(FIXTURE, path.join(dir, 'dilated.model.yaml'));
			let err = '';
			const code = await main(['train', 'dilated.model.yaml'], {
				out: () => undefined,
				err: (t) => {
					err += `${t}\n`;
				},
				isTTY: false,
				cwd: dir,
			});
			assert.equal(code, 2, err);
			assert.match(err, /^dilated\.model\.yaml:13:21 error MW245 `dilationRate: 2`: TensorFlow\.js cannot train/m);
			assert.match(err, /^dilated\.model\.yaml:16:95 error MW245 `dilationRate: \[1, 2\]` with `strides: \[2, 1\]`/m);
			assert.match(err, /^dilated\.model\.yaml:26:48 error MW245 `dilationRate: 2`/m, 'the tuning space that would try a rate of 2');
			assert.ok(!fs.existsSync(path.join(dir, '.modelwright', 'runs')) || !fs.readdirSync(path.join(dir, '.modelwright', 'runs')).length);
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});
});
