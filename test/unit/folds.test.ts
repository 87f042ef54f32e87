/**
 * MW247: stratified k-fold with a class that has fewer rows than folds — located on the folds value
 * that is written (`data.split.folds` or `tuning.folds`), naming the class and its count, after the
 * test split takes its share; nothing when the split is not stratified or the task is regression.
 */
import * as assert from 'node:assert/strict';
import { validateText } from '../../engine/core/config/validate';

/** 12 rows of `a`, 12 of `b`, `rare` rows of `r`. */
const config = (rare: number, split: string, extra = '', loss = 'sparseCategoricalCrossentropy', units = 3) => {
	const rows = [
		...Array.from({ length: 24 }, (_, i) => `{x: ${i}, y: ${i % 2 ? 'a' : 'b'}}`),
		...Array.from({ length: rare }, (_, i) => `{x: ${30 + i}, y: r}`),
	];
	return `data:\n  source:\n    type: inline\n    rows: [${rows.join(', ')}]\n  label: y\n  split: ${split}\nmodel:\n  layers:\n    - {type: dense, units: ${units}, activation: ${units === 1 ? 'linear' : 'softmax'}}\ntraining:\n  loss: ${loss}\n  batchSize: 2\n${extra}`;
};
const mw247 = (text: string) => validateText(text).diagnostics.filter((d) => d.code === 'MW247');

describe('MW247: a class with fewer rows than the folds', () => {
	it('names the class, its rows and the folds, at data.split.folds', () => {
		const text = config(3, '{validation: 0, folds: 5}');
		const ds = mw247(text);
		assert.equal(ds.length, 1);
		assert.equal(ds[0]!.severity, 'warning');
		assert.match(ds[0]!.message, /^Class `r` has 3 rows but there are 5 folds: .* Use at most 3 folds/);
		assert.deepEqual(ds[0]!.path, ['data', 'split', 'folds']);
		const line = text.split('\n')[ds[0]!.range.start.line]!;
		assert.equal(line.slice(ds[0]!.range.start.character, ds[0]!.range.end.character), '5');
		assert.deepEqual(mw247(config(5, '{validation: 0, folds: 5}')), [], '5 rows for 5 folds is enough');
	});

	it('counts the rows outside the test split, and lists several classes', () => {
		// 6 rows of r, test 0.5: 3 left for 5 folds; a and b keep 6 each (enough).
		const ds = mw247(config(6, '{validation: 0, test: 0.5, folds: 5}'));
		assert.equal(ds.length, 1);
		assert.match(ds[0]!.message, /Class `r` has 3 rows outside the test split but there are 5 folds/);
		const many = mw247(config(2, '{validation: 0, folds: 13}'));
		assert.match(many[0]!.message, /^Classes `r` \(2\), `a` \(12\), `b` \(12\) have fewer rows than the 13 folds: .* Use at most 2 folds/);
	});

	it('at tuning.folds for a sweep; nothing without stratification', () => {
		const tuning = `tuning:\n  folds: 4\n  trials: 2\n  space:\n    training.batchSize: {choice: [2, 4]}\n`;
		const ds = mw247(config(2, '{validation: 0}', tuning));
		assert.equal(ds.length, 1);
		assert.deepEqual(ds[0]!.path, ['tuning', 'folds']);
		assert.deepEqual(mw247(config(2, '{validation: 0, folds: 5, stratify: false}')), []);
	});
});
