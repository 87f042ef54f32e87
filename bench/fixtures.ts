/** Config texts for the benchmarks: a typical file and a generated large one. */

/** A typical ~60-line config (data, model, training, evaluation, export, with comments). */
export const TYPICAL_CONFIG = `# Iris species from four measurements.
name: iris-bench
description: A typical config of about sixty lines.
seed: 7

data:
  source:
    type: dataset
    name: iris
  features: [sepalLength, sepalWidth, petalLength, petalWidth]
  label: species
  scale: standardize
  missing: dropRow
  split:
    validation: 0.2
    test: 0.2
    shuffle: true
    stratify: true
  augmentation:
    gaussianNoise: 0.01

model:
  layers:
    - type: dense
      units: 32
      activation: relu
      kernelInitializer: heNormal
      kernelRegularizer: {l2: 0.0001}
    - type: batchNormalization
    - type: dropout
      rate: 0.2
    - type: dense
      units: 16
      activation: relu
    - type: dense
      units: 3
      activation: softmax

training:
  loss: categoricalCrossentropy
  optimizer:
    type: adam
    learningRate: 0.005
    beta1: 0.9
    beta2: 0.999
  metrics: [accuracy]
  epochs: 100
  batchSize: 16
  learningRateSchedule:
    type: cosine
    minLearningRate: 0.0001
  earlyStopping:
    monitor: val_loss
    patience: 15
  gradientClipping: {clipNorm: 5}

evaluation:
  split: test
  metrics: [accuracy, precision, recall, f1, rocAuc, confusionMatrix]
export:
  path: models/iris
`;

/**
 * A config of about `lines` lines: the typical head and a long stack of commented dense layers,
 * each written out in full (initializers, regularizer), so 5,000 lines stay under MAX_LAYERS.
 */
export function largeConfig(lines: number): string {
	const head = TYPICAL_CONFIG.split('\n');
	const start = head.findIndex((l) => l === '  layers:');
	const out = head.slice(0, start + 1);
	const tail = head.slice(head.indexOf('', start));
	let i = 0;
	while (out.length + tail.length + 7 < lines) {
		out.push(
			`    # block ${i}`,
			'    - type: dense',
			`      units: ${16 + (i % 5) * 8}`,
			'      activation: relu',
			'      useBias: true',
			'      kernelInitializer: heNormal',
			'      biasInitializer: zeros',
			'      kernelRegularizer:',
			'        l2: 0.0001',
			'    - type: dropout',
			'      rate: 0.1',
		);
		i++;
	}
	out.push('    - type: dense', '      units: 3', '      activation: softmax');
	return [...out, ...tail].join('\n');
}
