/**
 * Every quick fix, applied, must not create a new problem of its own kind (issue #17): "Set units
 * to 2" on softmax + binaryCrossentropy led straight to MW204. Generated over every fixture.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { codeActions } from '../../../server/src/service/codeActions';
import { diagnostics } from '../../../server/src/service/diagnostics';
import { DEFAULT_SETTINGS } from '../../../server/src/settings';
import { applyEdits, doc, FIXTURES } from './helper';

function fixtures(dir: string): string[] {
	return fs
		.readdirSync(dir, { withFileTypes: true, recursive: true })
		.filter((e) => e.isFile() && e.name.endsWith('.model.yaml'))
		.map((e) => path.join(e.parentPath, e.name));
}

describe('server: quick fixes leave no new problem of their own kind', () => {
	it('applies every quick fix of every fixture and re-validates', () => {
		const bad: string[] = [];
		let applied = 0;
		for (const file of fixtures(path.join(FIXTURES, 'diagnostics'))) {
			const text = fs.readFileSync(file, 'utf8');
			const uri = `file://${file}`;
			const a = doc(text, { uri });
			const before = diagnostics(a, DEFAULT_SETTINGS);
			const count = (ds: typeof before, code: unknown) => ds.filter((d) => d.code === code && d.severity! <= 2).length;
			for (const d of before) {
				for (const action of codeActions(a, d.range, { diagnostics: [d] }).filter((c) => c.kind === 'quickfix')) {
					const edits = action.edit?.changes?.[a.uri];
					if (!edits) continue;
					const fixed = applyEdits(text, a, edits);
					const after = diagnostics(doc(fixed, { uri }), DEFAULT_SETTINGS);
					applied++;
					// Other codes of the same family (MW20x: loss/activation/units) count as the same kind.
					const family = String(d.code).slice(0, 4);
					const newOnes = after.filter(
						(x) => String(x.code).startsWith(family) && x.severity! <= 2 && count(after, x.code) > count(before, x.code),
					);
					if (newOnes.length)
						bad.push(
							`${path.basename(file)}: "${action.title}" for ${String(d.code)} adds ${newOnes.map((x) => `${String(x.code)} ${x.message}`).join('; ')}`,
						);
				}
			}
		}
		assert.ok(applied > 20, `only ${applied} fixes applied`);
		assert.deepEqual(bad, []);
	});
});
