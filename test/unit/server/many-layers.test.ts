/**
 * Issue #11 item 8: a config with the most layers allowed (MAX_LAYERS; a plain stack, and a named
 * graph with residual `add` merges) goes through the validator, shape inference and the language
 * server's features with every layer's shape known; 10,000 layers are one located MW106 (tfjs-layers
 * could not build them), and still served without a stack overflow.
 */
import { strict as assert } from 'node:assert';
import { MAX_LAYERS } from '../../../engine/core/config/schema';
import { validateText } from '../../../engine/core/config/validate';
import { summaryTable, toMermaid } from '../../../engine/core/shapes/summary';
import { architecture } from '../../../server/src/service/architecture';
import { diagnostics } from '../../../server/src/service/diagnostics';
import { hover } from '../../../server/src/service/hover';
import { inlayHints } from '../../../server/src/service/inlayHints';
import { references } from '../../../server/src/service/references';
import { documentSymbols, foldingRanges } from '../../../server/src/service/structure';
import { DEFAULT_SETTINGS } from '../../../server/src/settings';
import { doc } from './helper';

const N = MAX_LAYERS;
const HEAD = 'name: deep\ndata:\n  source: {type: linear, samples: 100}\nmodel:\n  layers:\n';
const TAIL = 'training:\n  loss: meanSquaredError\n';
// Line of layer i (0-based) in both texts: one layer a line after the five head lines.
const lineOf = (i: number) => 5 + i;

const stackOf = (n: number) => HEAD + '    - {type: dense, units: 4}\n'.repeat(n - 1) + '    - {type: dense, units: 1}\n' + TAIL;
// l0 dense; then pairs: dense from the previous layer, add of that and the one before (a residual chain).
const graphOf = (n: number) =>
	HEAD +
	Array.from({ length: n - 1 }, (_, i) =>
		i === 0
			? '    - {type: dense, units: 4, name: l0}\n'
			: i % 2
				? `    - {type: dense, units: 4, name: l${i}, from: l${i - 1}}\n`
				: `    - {type: add, name: l${i}, from: [l${i - 1}, l${i - 2}]}\n`,
	).join('') +
	`    - {type: dense, units: 1, name: out, from: l${n - 2}}\n` +
	TAIL;
const stack = stackOf(N);
const graph = graphOf(N);

describe(`${MAX_LAYERS.toLocaleString('en-US')} and 10,000 layers`, function () {
	this.timeout(120_000);
	for (const [kind, text] of [
		['a plain stack', stack],
		['a graph with residual merges', graph],
	] as const) {
		it(`${kind}: validated with every shape inferred, and served (diagnostics, hover, hints, symbols, architecture)`, () => {
			const r = validateText(text);
			assert.ok(r.ok, JSON.stringify(r.diagnostics.slice(0, 3)));
			assert.equal(r.shapes?.layers.length, N);
			assert.ok(
				r.shapes.layers.every((l) => l.outputShape && !l.issue),
				'every layer has a shape',
			);
			assert.deepEqual(r.shapes.outputShape, [null, 1]);
			const dense = kind === 'a plain stack' ? N - 2 : (N - 2) / 2;
			assert.equal(r.shapes.totalParams, 4 * 1 + 4 + dense * (4 * 4 + 4) + (4 + 1));

			const a = doc(text);
			assert.ok(diagnostics(a, DEFAULT_SETTINGS).every((d) => d.severity !== 1));
			const last = hover(a, { line: lineOf(N - 1), character: 12 });
			assert.match(JSON.stringify(last?.contents), /\[null, 1\]/);
			const hints = inlayHints(a);
			assert.equal(hints.filter((h) => /\[null, 4\]/.test(String(h.label))).length, N - 1);
			const symbols = documentSymbols(a);
			const model = symbols.find((s) => s.name === 'model');
			assert.equal(model?.children?.find((c) => c.name === 'layers')?.children?.length, N);
			assert.ok(foldingRanges(a).length > 0);
			assert.equal(architecture(a)?.model.layers.length, N);
			assert.equal(summaryTable('deep', r.shapes).split('\n').length, N + 9);
			assert.match(toMermaid(r.resolved!, r.shapes), /flowchart/);
			if (kind !== 'a plain stack') {
				// `l2` (an add) is taken by `l3` and by the add `l4`: two uses and its declaration.
				const at = text.split('\n')[lineOf(2)]!.indexOf('l2');
				assert.equal(references(a, { line: lineOf(2), character: at + 1 }, true)?.length, 3);
			}
		});
	}

	for (const [kind, text] of [
		['a plain stack', stackOf(10_000)],
		['a graph with residual merges', graphOf(10_000)],
	] as const) {
		it(`10,000 layers (${kind}): one error, MW106 at model.layers, and the features still answer`, () => {
			const r = validateText(text);
			const errors = r.diagnostics.filter((d) => d.severity === 'error');
			assert.deepEqual(
				errors.map((e) => [e.code, e.path?.join('.')]),
				[['MW106', 'model.layers']],
			);
			assert.match(errors[0]!.message, /at most 1000 items \(has 10000\)/);
			const a = doc(text);
			assert.equal(diagnostics(a, DEFAULT_SETTINGS).filter((d) => d.severity === 1).length, 1);
			assert.ok(hover(a, { line: lineOf(9_999), character: 12 }));
			inlayHints(a);
			assert.equal(
				documentSymbols(a)
					.find((s) => s.name === 'model')
					?.children?.find((c) => c.name === 'layers')?.children?.length,
				10_000,
			);
		});
	}
});
