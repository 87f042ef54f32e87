import * as assert from 'node:assert/strict';
import { validateText } from '../../engine/core/config/validate';
import { applyEdits } from '../helpers/fixtures';

/** Applies the first fix (or the one titled `title`) of the first diagnostic with `code`. */
function fixed(text: string, code: string, title?: RegExp): string {
	const d = validateText(text).diagnostics.find((x) => x.code === code);
	assert.ok(d, `no ${code} diagnostic`);
	const f = title ? d.fixes?.find((x) => title.test(x.title)) : d.fixes?.[0];
	assert.ok(f, `${code} has no fix${title ? ` matching ${title}` : ''}: ${JSON.stringify(d.fixes?.map((x) => x.title))}`);
	return applyEdits(text, f.edits);
}

const base = (model: string, training = '  loss: meanSquaredError\n', data = '  source: {type: linear}\n') =>
	`# a comment that must survive\ndata:\n${data}model:\n  layers:\n${model}training:\n${training}`;

describe('quick fixes produce the expected text', () => {
	it('MW101 replaces a misspelt key', () => {
		const text = base('    - type: dense\n      untis: 1 # one unit\n');
		assert.equal(fixed(text, 'MW101'), base('    - type: dense\n      units: 1 # one unit\n'));
	});

	it('MW105 replaces a misspelt enum value', () => {
		const text = base('    - type: dense\n      units: 1\n      activation: lineer\n');
		assert.equal(fixed(text, 'MW105'), base('    - type: dense\n      units: 1\n      activation: linear\n'));
	});

	it('MW103 clamps to the violated inclusive bound', () => {
		const text = base('    - type: dense\n      units: 1\n', '  loss: meanSquaredError\n  epochs: -5\n');
		assert.equal(fixed(text, 'MW103'), base('    - type: dense\n      units: 1\n', '  loss: meanSquaredError\n  epochs: 1\n'));
	});

	it('MW202 switches softmax on one unit to sigmoid', () => {
		const text = base(
			'    - type: dense\n      units: 1\n      activation: softmax\n',
			'  loss: binaryCrossentropy\n',
			'  source: {type: xor}\n',
		);
		assert.equal(
			fixed(text, 'MW202', /sigmoid/),
			base('    - type: dense\n      units: 1\n      activation: sigmoid\n', '  loss: binaryCrossentropy\n', '  source: {type: xor}\n'),
		);
	});

	it('MW201 switches categorical cross-entropy on one unit to binary', () => {
		const text = base(
			'    - type: dense\n      units: 1\n      activation: sigmoid\n',
			'  loss: categoricalCrossentropy\n',
			'  source: {type: xor}\n',
		);
		assert.equal(
			fixed(text, 'MW201', /binaryCrossentropy/),
			base('    - type: dense\n      units: 1\n      activation: sigmoid\n', '  loss: binaryCrossentropy\n', '  source: {type: xor}\n'),
		);
	});

	it('MW203 adds softmax where the activation was left at its default', () => {
		const text = base('    - type: dense\n      units: 2\n', '  loss: categoricalCrossentropy\n', '  source: {type: xor}\n');
		assert.equal(
			fixed(text, 'MW203'),
			base(
				'    - type: dense\n      units: 2\n      activation: softmax\n',
				'  loss: categoricalCrossentropy\n',
				'  source: {type: xor}\n',
			),
		);
	});

	it('MW220 adds a validation split inside an existing split map', () => {
		const data = '  source: {type: linear}\n  split:\n    test: 0.2\n    validation: 0\n';
		const text = base('    - type: dense\n      units: 1\n', '  loss: meanSquaredError\n  earlyStopping: {patience: 3}\n', data);
		assert.equal(
			fixed(text, 'MW220', /validation/),
			base(
				'    - type: dense\n      units: 1\n',
				'  loss: meanSquaredError\n  earlyStopping: {patience: 3}\n',
				data.replace('validation: 0', 'validation: 0.2'),
			),
		);
	});

	it('MW220 creates the split map when there is none', () => {
		const text = base(
			'    - type: dense\n      units: 1\n',
			'  loss: meanSquaredError\n  earlyStopping: {patience: 3}\n',
			'  source: {type: linear}\n  split: {validation: 0}\n',
		);
		const out = fixed(text, 'MW220', /validation/);
		assert.match(out, /split: \{validation: 0\.2\}/);
		assert.equal(validateText(out).diagnostics.filter((d) => d.code === 'MW220').length, 0);
	});

	it("MW104 adds a missing required field at the siblings' indentation", () => {
		const text = base('    - type: dense\n      activation: relu\n');
		const out = fixed(text, 'MW104');
		assert.equal(out, base('    - type: dense\n      activation: relu\n      units: 64\n'));
	});

	it('MW215 replaces a misspelt name in `from` with the earlier layer it most likely means', () => {
		const layers = (ref: string) =>
			base(
				`    - {type: dense, name: stem, units: 4}\n    - {type: dense, units: 4}\n    - type: add\n      from: [${ref}, dense_2] # skip\n    - {type: dense, units: 1}\n`,
			);
		const out = fixed(layers('stme'), 'MW215');
		assert.equal(out, layers('stem'));
		assert.deepEqual(validateText(out).diagnostics, []);
	});

	it('fixes leave a document without the diagnostic they fix', () => {
		const text = base(
			'    - type: dense\n      units: 1\n      activation: softmax\n',
			'  loss: binaryCrossentropy\n',
			'  source: {type: xor}\n',
		);
		const out = fixed(text, 'MW202', /sigmoid/);
		assert.deepEqual(validateText(out).diagnostics, []);
	});
});
