/**
 * Shape inference (pure, no tfjs) against the real tfjs-layers model built by the engine, for
 * every example and fixture config: same output shape per layer, same parameter counts.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { validateText } from '../../engine/core/config/validate';
import { buildModel } from '../../engine/runtime/model/build';
import { probeFileSync } from '../../engine/io/probe';

import { listConfigs, FIXTURES } from '../helpers/fixtures';

const ROOT = path.join(__dirname, '..', '..');

describe('shape inference matches tfjs-layers', () => {
	before(async () => {
		await tf.setBackend('cpu');
	});
	// Dilated convolutions are refused for training (MW245) but still have a shape rule: their fixture is checked too.
	const files = [
		...listConfigs(path.join(ROOT, 'examples')),
		...listConfigs(path.join(FIXTURES, 'valid')),
		path.join(FIXTURES, 'diagnostics', 'conv-dilation.model.yaml'),
	];
	for (const file of files) {
		it(path.relative(ROOT, file), () => {
			// Data files are probed (a tokenized CSV column decides the input size).
			const r = validateText(fs.readFileSync(file, 'utf8'), { probe: (s) => probeFileSync(s, { configDir: path.dirname(file) }) });
			const named = r.shapes?.inputs?.map((i) => ({ name: i.name, shape: (i.shape ?? []).slice(1) as number[] }));
			assert.ok(r.resolved && (r.shapes?.inputShape || named?.every((i) => i.shape.length)), 'config resolves with known input shapes');
			const shapes = r.shapes!;
			const input = (shapes.inputShape?.slice(1) ?? []) as number[];
			const { model, layerMap } = buildModel(r.resolved.model.layers, input, { seed: 1, ...(named ? { inputs: named } : {}) });
			try {
				assert.equal(layerMap.length, shapes.layers.length);
				shapes.layers.forEach((info, i) => {
					const tfLayers = layerMap[i]!.map((j) => model.layers[j]!);
					const last = tfLayers[tfLayers.length - 1]!;
					assert.deepEqual(info.outputShape, last.outputShape, `output shape of layer ${i} (${info.type})`);
					const trainable = tfLayers.reduce(
						(a, l) => a + l.trainableWeights.reduce((s, w) => s + w.shape.reduce((p: number, d) => p * (d ?? 1), 1), 0),
						0,
					);
					const nonTrainable = tfLayers.reduce(
						(a, l) => a + l.nonTrainableWeights.reduce((s, w) => s + w.shape.reduce((p: number, d) => p * (d ?? 1), 1), 0),
						0,
					);
					assert.equal(info.trainableParams, trainable, `trainable params of layer ${i} (${info.type})`);
					assert.equal(info.nonTrainableParams ?? 0, nonTrainable, `non-trainable params of layer ${i} (${info.type})`);
				});
				assert.equal(shapes.totalParams, model.countParams());
			} finally {
				model.dispose();
			}
		});
	}
});
