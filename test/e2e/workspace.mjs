// The workspace the real-VS Code tests open: the linear example, a broken config, a long run and
// the Transformer and two-inputs examples with their data (architecture graph: residual adds, named inputs).
import fs from 'node:fs';
import path from 'node:path';
import { REPO } from './harness.mjs';

export function workspaceFiles() {
	const linear = fs.readFileSync(path.join(REPO, 'examples', 'linear-regression.model.yaml'), 'utf8');
	return {
		'linear.model.yaml': linear,
		'broken.model.yaml': [
			'data:',
			'  source: {type: linear}',
			'model:',
			'  layers:',
			'    - type: dense',
			'      untis: 1',
			'training:',
			'  loss: meanSquaredError',
			'  epochs: 5',
			'',
		].join('\n'),
		'sweep.model.yaml': [
			'name: tiny-sweep',
			'data:',
			'  source: {type: xor, samples: 120}',
			'  split: {validation: 0.25}',
			'model:',
			'  layers:',
			'    - type: dense',
			'      units: 4',
			'      activation: tanh',
			'    - type: dense',
			'      units: 1',
			'      activation: sigmoid',
			'training:',
			'  loss: binaryCrossentropy',
			'  optimizer: {type: adam, learningRate: 0.05}',
			'  metrics: [accuracy]',
			'  epochs: 3',
			'tuning:',
			'  strategy: grid',
			'  workers: 1',
			'  objective: {metric: val_loss}',
			'  space:',
			'    model.layers[0].units: {choice: [2, 8]}',
			'',
		].join('\n'),
		'transformer.model.yaml': fs.readFileSync(path.join(REPO, 'examples', 'transformer.model.yaml'), 'utf8'),
		'data/negations.csv': fs.readFileSync(path.join(REPO, 'examples', 'data', 'negations.csv'), 'utf8'),
		'two-inputs.model.yaml': fs.readFileSync(path.join(REPO, 'examples', 'two-inputs.model.yaml'), 'utf8'),
		'data/orders.csv': fs.readFileSync(path.join(REPO, 'examples', 'data', 'orders.csv'), 'utf8'),
		'long.model.yaml': fs.readFileSync(path.join(REPO, 'examples', 'spirals.model.yaml'), 'utf8').replace(/epochs: \d+/, 'epochs: 100000'),
	};
}
