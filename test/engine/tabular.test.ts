/** Real tabular data told the truth (issue 12): one label normalisation on every side. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { validateConfig } from '../../engine/io/probe';
import { prepareData } from '../../engine/runtime/data/prepare';
import { classIndex, decodeOutput } from '../../engine/runtime/data/preprocess';
import { classKey, classesOf } from '../../engine/core/data/labels';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-tabular-'));
const write = (name: string, text: string) => {
	const f = path.join(tmp, name);
	fs.writeFileSync(f, text);
	return f;
};

describe('tabular data: labels, fingerprints, reports', () => {
	after(() => fs.rmSync(tmp, { recursive: true, force: true }));

	it('labels 1, 1.0, " 1 " and "one" are two classes for the validator, the engine and predict', async () => {
		assert.equal(classKey('1.0'), 1);
		assert.equal(classKey(' 1 '), 1);
		assert.equal(classKey('one'), 'one');
		assert.equal(classKey(''), null);
		assert.deepEqual(classesOf([1, '1.0', 'one', null, '1']), [1, 'one']);
		// Text among the numbers makes the CSV label a text column: before, "1" and "1.0" were two classes there.
		write('labels.csv', 'x,label\n0,1\n1,1.0\n2,one\n3,one\n4,1\n5,one\n6,1.0\n7,one\n');
		const cfg = write(
			'labels.model.yaml',
			`data:
  source: {type: csv, path: labels.csv}
  label: label
  split: {validation: 0, test: 0}
model:
  layers:
    - {type: dense, units: 2, activation: softmax}
training:
  loss: sparseCategoricalCrossentropy
`,
		);
		const v = validateConfig(cfg, fs.readFileSync(cfg, 'utf8'));
		assert.ok(v.resolved, JSON.stringify(v.diagnostics));
		assert.deepEqual(v.data?.classes, [1, 'one']);
		const d = await prepareData(v.resolved, v.policy);
		assert.deepEqual(d.preprocessing.label.classes, [1, 'one']);
		assert.equal(d.train.n, 8);
		d.train.rows.forEach((r, j) => assert.equal(d.train.classes![j], classKey(r.label) === 1 ? 0 : 1, JSON.stringify(r)));
		// predict and serve decode through the same classes; a label given as text finds its class.
		assert.equal(decodeOutput(d.preprocessing, [0.9, 0.1]), 1);
		assert.equal(classIndex(d.preprocessing, '1.0'), 0);
		assert.equal(classIndex(d.preprocessing, 1), 0);
		assert.equal(classIndex(d.preprocessing, 'one'), 1);
	});
});
