/** Rename over the graph examples: every layer and input name renamed leaves a config that means the same. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { prepareRename, references, rename } from '../../../server/src/service/references';
import { applyEdits, doc, EXAMPLES, uriOf } from './helper';

describe('server: rename and references over the examples', () => {
	const files = fs.readdirSync(EXAMPLES).filter((f) => f.endsWith('.model.yaml'));
	for (const f of files) {
		const text = fs.readFileSync(path.join(EXAMPLES, f), 'utf8');
		const a = doc(text, { uri: uriOf(path.join(EXAMPLES, f)) });
		const cd = a.result.document;
		const model = (cd.value as { model?: { layers?: { name?: unknown }[]; inputs?: { name?: unknown }[] } }).model ?? {};
		const decls = [
			...(model.inputs ?? []).map((_, k) => ['model', 'inputs', k, 'name']),
			...(model.layers ?? []).flatMap((l, i) => (typeof l.name === 'string' ? [['model', 'layers', i, 'name']] : [])),
		];
		if (!decls.length) continue;
		it(`${f}: each of ${decls.length} names renamed keeps the diagnostics, shapes and parameters`, () => {
			let used = 0;
			for (const p of decls) {
				const at = cd.rangeAt(p).start;
				const old = String((cd.nodeAt(p) as { value: unknown }).value);
				const prep = prepareRename(a, at);
				assert.ok(prep && !('error' in prep), `${old}: renamable`);
				assert.equal(prep.placeholder, old);
				const refs = references(a, at, true)!;
				const edit = rename(a, at, 'renamed_x');
				assert.ok(edit && !('error' in edit));
				const edits = edit.changes![a.uri]!;
				assert.equal(edits.length, refs.length, `${old}: one edit per reference`);
				used += edits.length - 1;
				const out = applyEdits(text, a, edits);
				assert.equal(out.split('renamed_x').length - 1, refs.length);
				const b = doc(out, { uri: uriOf(path.join(EXAMPLES, f)) });
				assert.deepEqual(
					b.result.diagnostics.map((d) => d.code),
					a.result.diagnostics.map((d) => d.code),
					`${old} → renamed_x`,
				);
				assert.equal(b.result.shapes?.totalParams, a.result.shapes?.totalParams);
				assert.deepEqual(
					b.result.shapes?.layers.map((l) => l.outputShape),
					a.result.shapes?.layers.map((l) => l.outputShape),
				);
			}
			assert.ok(used > 0, 'some `from` names one of them');
		});
	}
});
