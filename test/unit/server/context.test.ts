import { strict as assert } from 'node:assert';
import { cursorContext, nodePathAt } from '../../../server/src/service/context';
import { caret } from './helper';

const ctx = (marked: string) => {
	const c = caret(marked);
	return cursorContext(c.analysis.result.document, c.offset);
};

describe('server: cursor context', () => {
	it('finds the list item a new key is typed in', () => {
		const c = ctx('model:\n  layers:\n    - type: dense\n      units: 4\n    - type: dropout\n      ra|\n');
		assert.deepEqual([c.kind, c.path, c.prefix, c.keyColumn], ['key', ['model', 'layers', 1], 'ra', 6]);
	});
	it('finds a new list item on a dash line', () => {
		const c = ctx('model:\n  layers:\n    - type: dense\n      units: 4\n    - |\n');
		assert.deepEqual([c.kind, c.path], ['key', ['model', 'layers', 1]]);
	});
	it("handles a list at its key's own column", () => {
		const c = ctx('model:\n  layers:\n  - type: dense\n    units: 4\n  - type: dense\n    |\n');
		assert.deepEqual(c.path, ['model', 'layers', 1]);
	});
	it('reads a value after a key, with its prefix', () => {
		const c = ctx('training:\n  loss: binary|\n');
		assert.deepEqual([c.kind, c.path, c.prefix, c.key], ['value', ['training', 'loss'], 'binary', 'loss']);
	});
	it('reads the item index inside a flow list', () => {
		const c = ctx('data:\n  features: [a, b, c|]\n');
		assert.deepEqual([c.kind, c.path, c.prefix], ['value', ['data', 'features', 2], 'c']);
	});
	it('reads a key inside a flow map', () => {
		const c = ctx('data:\n  source: {type: csv, pa|}\n');
		assert.deepEqual([c.kind, c.path, c.prefix], ['key', ['data', 'source'], 'pa']);
	});
	it('skips blank and comment lines when climbing', () => {
		const c = ctx('training:\n  optimizer:\n    type: adam\n\n    # the rate\n    |\n');
		assert.deepEqual(c.path, ['training', 'optimizer']);
	});
	it('maps an offset to the AST path (hover)', () => {
		const c = caret('model:\n  layers:\n    - type: dense\n      units: 6|4\n');
		const hit = nodePathAt(c.analysis.result.document, c.offset)!;
		assert.deepEqual([hit.path, hit.on], [['model', 'layers', 0, 'units'], 'value']);
		const k = caret('model:\n  lay|ers:\n    - type: dense\n');
		assert.deepEqual(nodePathAt(k.analysis.result.document, k.offset)!.path, ['model', 'layers']);
		assert.equal(nodePathAt(k.analysis.result.document, k.offset)!.on, 'key');
	});
});
