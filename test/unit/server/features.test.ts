import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DiagnosticSeverity, type CodeAction, type Diagnostic } from 'vscode-languageserver-protocol';
import { codeActions } from '../../../server/src/service/codeActions';
import { diagnostics } from '../../../server/src/service/diagnostics';
import { format } from '../../../server/src/service/formatting';
import { inlayHints } from '../../../server/src/service/inlayHints';
import { lenses } from '../../../server/src/service/lenses';
import { definition, documentLinks } from '../../../server/src/service/links';
import { documentSymbols, foldingRanges, selectionRanges } from '../../../server/src/service/structure';
import { DEFAULT_SETTINGS, readSettings } from '../../../server/src/settings';
import { applyEdits, caret, doc, EXAMPLES, FIXTURES, uriOf } from './helper';

const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, 'diagnostics', name), 'utf8');
const IRIS = fs.readFileSync(path.join(EXAMPLES, 'iris.model.yaml'), 'utf8');

/** Applies the code action titled `title` among those offered for the diagnostic with `code`. */
function fixText(text: string, code: string, title: RegExp): string {
	const a = doc(text);
	const d = a.result.diagnostics.find((x) => x.code === code);
	assert.ok(d, `expected ${code} in ${a.result.diagnostics.map((x) => x.code).join(', ')}`);
	const lsp = diagnostics(a, DEFAULT_SETTINGS).filter((x) => x.code === code);
	const actions = codeActions(a, d.range, { diagnostics: lsp });
	const action = actions.find((x) => title.test(x.title));
	assert.ok(action, `no action ${title} among ${actions.map((x) => x.title).join(' | ')}`);
	return applyEdits(text, a, action.edit!.changes![a.uri]!);
}

describe('server: diagnostics', () => {
	it('converts codes, severities, source and the docs link', () => {
		const a = doc(fixture('loss-activation.model.yaml'));
		const [d] = diagnostics(a, DEFAULT_SETTINGS, 'file:///docs/config.md') as [Diagnostic];
		assert.equal(d.code, 'MW202');
		assert.equal(d.source, 'modelwright');
		assert.equal(d.severity, DiagnosticSeverity.Warning);
		assert.equal(d.codeDescription!.href, 'file:///docs/config.md#mw202');
		assert.deepEqual(d.range, { start: { line: 10, character: 18 }, end: { line: 10, character: 25 } });
	});
	it('applies severity overrides, the lints switch and the problem limit', () => {
		const a = doc(fixture('validation.model.yaml'));
		assert.deepEqual(
			diagnostics(a, DEFAULT_SETTINGS).map((d) => d.code),
			['MW222', 'MW220'],
		);
		assert.deepEqual(
			diagnostics(a, readSettings({ severity: { MW222: 'off', MW220: 'error' } })).map((d) => [d.code, d.severity]),
			[['MW220', DiagnosticSeverity.Error]],
		);
		assert.deepEqual(diagnostics(a, readSettings({ lints: false })), []);
		assert.deepEqual(
			diagnostics(a, readSettings({ lints: false, severity: { MW220: 'hint' } })).map((d) => d.code),
			['MW220'],
		);
		assert.equal(diagnostics(a, readSettings({ maxNumberOfProblems: 1 })).length, 1);
		// Schema errors stay even with lints off.
		assert.ok(
			diagnostics(
				doc('data: {source: {type: xor}}\nmodel: {layers: [{type: dense, units: 0}]}\ntraining: {loss: mse}\n'),
				readSettings({ lints: false }),
			).length >= 2,
		);
	});
	it('ignores malformed settings', () => {
		const s = readSettings({ severity: { MW222: 'loud', nope: 'off' }, maxNumberOfProblems: -3, lints: 'yes' });
		assert.deepEqual(s, DEFAULT_SETTINGS);
	});
});

describe('server: inlay hints', () => {
	it('puts the output shape and parameter count after each layer and the total at `model:`', () => {
		const a = doc(IRIS);
		const hints = inlayHints(a);
		const lines = IRIS.split('\n');
		const at = (h: (typeof hints)[number]) => `${lines[h.position.line]!.slice(0, h.position.character).trim()} ${String(h.label)}`;
		assert.deepEqual(hints.map(at), [
			'- type: dense → [null, 16] · 80 params',
			'- type: dropout → [null, 16] · 0 params',
			'- type: dense → [null, 3] · 51 params',
			'model: 131 params total',
		]);
	});
	it('shows no model total while a layer is invalid (no "0 params total" mid-edit)', () => {
		const head = 'data: {source: {type: blobs, features: 4}}\nmodel:\n  layers:\n';
		const tail = 'training: {loss: meanSquaredError}\n';
		for (const layers of [
			'    - type: den\n',
			'    - type: dense\n      units: \n',
			'    - type: dense\n      units: 3\n    - type: \n',
			'    - \n',
		]) {
			const a = doc(head + layers + tail);
			assert.deepEqual(
				inlayHints(a).filter((h) => /total/.test(String(h.label))),
				[],
				layers,
			);
		}
		const ok = inlayHints(doc(`${head}    - type: dense\n      units: 3\n${tail}`));
		assert.deepEqual(
			ok.map((h) => String(h.label)).filter((l) => /total/.test(l)),
			['15 params total'],
		);
	});
	it('formats thousands and honours the requested range', () => {
		const a = doc(
			'data: {source: {type: blobs, features: 64}}\nmodel:\n  layers:\n    - type: dense\n      units: 64\n    - type: dense\n      units: 3\n      activation: softmax\ntraining: {loss: sparseCategoricalCrossentropy}\n',
		);
		assert.equal(String(inlayHints(a)[0]!.label), '→ [null, 64] · 4,160 params');
		assert.equal(inlayHints(a, { start: { line: 5, character: 0 }, end: { line: 6, character: 0 } }).length, 1);
	});
});

describe('server: code actions', () => {
	it('replaces an unknown key with the suggestion', () => {
		const text =
			'data: {source: {type: xor}}\nmodel:\n  layers:\n    - type: dense\n      unit: 1\n      activation: sigmoid\ntraining: {loss: binaryCrossentropy}\n';
		assert.equal(fixText(text, 'MW101', /units/), text.replace('unit: 1', 'units: 1'));
	});
	it('switches the activation to softmax or sigmoid for the loss', () => {
		const text = fixture('loss-activation.model.yaml');
		assert.equal(fixText(text, 'MW202', /sigmoid/), text.replace('activation: softmax', 'activation: sigmoid'));
	});
	it('fixes categoricalCrossentropy on one unit whole (units and softmax), and the activation to softmax', () => {
		const cce = fixture('cce-one-unit.model.yaml');
		// Three classes: binaryCrossentropy is no fix; one unit per class needs softmax too.
		const whole = fixText(cce, 'MW201', /Set units to 3/);
		assert.deepEqual(
			doc(whole)
				.result.diagnostics.filter((d) => d.code.startsWith('MW20'))
				.map((d) => d.code),
			[],
		);
		assert.match(whole, /units: 3/);
		assert.match(whole, /activation: softmax/);
		const sig = fixture('sigmoid-cce.model.yaml');
		const fixed = fixText(sig, 'MW203', /softmax/);
		assert.equal(doc(fixed).result.diagnostics.filter((d) => d.code === 'MW203').length, 0);
		assert.equal(
			fixed
				.split('\n')
				.filter((l, i) => l !== sig.split('\n')[i])
				.map((l) => l.trim())
				.join(),
			'activation: softmax',
		);
	});
	it('adds a validation split when early stopping needs one', () => {
		const text = fixture('validation.model.yaml');
		assert.equal(fixText(text, 'MW220', /validation split/), text.replace('validation: 0\n', 'validation: 0.2\n'));
	});
	it('inserts a missing flatten', () => {
		const text = fixture('missing-flatten.model.yaml');
		const fixed = fixText(text, 'MW213', /flatten/);
		assert.equal(fixed, text.replace('    - type: dense\n', '    - type: flatten\n    - type: dense\n'));
		assert.equal(doc(fixed).result.diagnostics.filter((d) => d.code === 'MW213').length, 0);
	});
	it('clamps an out-of-range value', () => {
		const text =
			'data: {source: {type: xor}}\nmodel:\n  layers:\n    - type: dense\n      units: 4\n    - type: dropout\n      rate: 1.5\n    - type: dense\n      units: 1\n      activation: sigmoid\ntraining: {loss: binaryCrossentropy}\n';
		assert.equal(fixText(text, 'MW103', /Change to/), text.replace('rate: 1.5', 'rate: 0.999'));
		const neg = text.replace('units: 4', 'units: -2');
		assert.equal(fixText(neg, 'MW103', /Change to/), neg.replace('units: -2', 'units: 1'));
		const zero = text
			.replace('rate: 1.5', 'rate: 0.5')
			.replace('training: {loss: binaryCrossentropy}', 'training: {loss: binaryCrossentropy, epochs: 0}');
		assert.equal(fixText(zero, 'MW103', /Change to/), zero.replace('epochs: 0', 'epochs: 1'));
	});
	it('offers at most one preferred quick fix per diagnostic, on every fixture', () => {
		const dir = path.join(__dirname, '../../fixtures/diagnostics');
		const extra = ['data: {source: {type: xor}}\nmodel: {layers: [{type: dense, units: 1}]}\ntraining: {epochs: 0, batchSize: -1}\n'];
		const texts = [
			...fs
				.readdirSync(dir)
				.filter((f) => f.endsWith('.yaml'))
				.map((f) => fs.readFileSync(path.join(dir, f), 'utf8')),
			...extra,
		];
		let checked = 0;
		for (const text of texts) {
			const a = doc(text);
			for (const d of diagnostics(a, DEFAULT_SETTINGS)) {
				const preferred = codeActions(a, d.range, { diagnostics: [d] }).filter((c) => c.isPreferred && c.diagnostics?.[0] === d);
				assert.ok(
					preferred.length <= 1,
					`${String(d.code)} "${d.message}" has ${preferred.length} preferred fixes: ${preferred.map((c) => c.title).join(', ')}`,
				);
				checked++;
			}
		}
		assert.ok(checked > 20, `only ${checked} diagnostics checked`);
	});
	it('offers nothing outside the diagnostic range or for other kinds', () => {
		const a = doc(fixture('loss-activation.model.yaml'));
		assert.deepEqual(codeActions(a, { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, { diagnostics: [] }), []);
		const all: CodeAction[] = codeActions(a, a.result.diagnostics[0]!.range, { diagnostics: [], only: ['refactor'] });
		assert.deepEqual(all, []);
	});
});

describe('server: outline, folding, selection', () => {
	it('lists sections and layers with their type and shape', () => {
		const syms = documentSymbols(doc(IRIS));
		assert.deepEqual(
			syms.map((s) => s.name),
			['name', 'seed', 'data', 'model', 'training', 'evaluation', 'export'],
		);
		const layers = syms.find((s) => s.name === 'model')!.children!.find((s) => s.name === 'layers')!.children!;
		assert.deepEqual(
			layers.map((l) => [l.name, l.detail]),
			[
				['dense_1', 'dense → [null, 16] · 80 params'],
				['dropout_1', 'dropout → [null, 16] · 0 params'],
				['dense_2', 'dense → [null, 3] · 51 params'],
			],
		);
		assert.equal(layers[0]!.range.start.line, 18);
	});
	it('folds sections, nested maps and comment blocks', () => {
		const folds = foldingRanges(
			doc('# a\n# b\ndata:\n  source:\n    type: xor\n  split:\n    test: 0.1\nmodel:\n  layers:\n    - type: dense\n      units: 1\n'),
		);
		const f = folds.map((x) => `${x.startLine}-${x.endLine}${x.kind ? ':' + x.kind : ''}`).sort();
		assert.deepEqual(f, ['0-1:comment', '2-6', '3-4', '5-6', '7-10', '8-10', '9-10'].sort());
	});
	it('grows the selection from a value to its pair, map and document', () => {
		const c = caret('data:\n  source:\n    type: x|or\n');
		const [sel] = selectionRanges(c.analysis, [c.position]);
		const chain: string[] = [];
		for (let s = sel; s; s = s.parent) {
			const cd = c.analysis.result.document;
			chain.push(c.text.slice(cd.offsetAt(s.range.start), cd.offsetAt(s.range.end)));
		}
		assert.deepEqual(chain, ['xor', 'type: xor', 'source:\n    type: xor', 'data:\n  source:\n    type: xor']);
	});
});

describe('server: links, definition, formatting, lenses', () => {
	const csvUri = uriOf(path.join(FIXTURES, 'diagnostics', 'csv', 'columns.model.yaml'));
	it('links the data file and goes to it', () => {
		const text = fixture('csv/columns.model.yaml');
		const a = doc(text, { uri: csvUri });
		const [link] = documentLinks(a);
		assert.equal(link!.target, uriOf(path.join(FIXTURES, 'diagnostics', 'csv', 'houses.csv')));
		assert.deepEqual(link!.range, { start: { line: 3, character: 10 }, end: { line: 3, character: 20 } });
		assert.equal(definition(a, { line: 3, character: 12 })!.uri, link!.target);
		assert.equal(definition(a, { line: 1, character: 3 }), null);
	});
	it('goes from a name in `from` to the layer it names (its `name`, or its `type` for a default name)', () => {
		const text =
			'data: {source: {type: xor}}\nmodel:\n  layers:\n    - type: dense\n      units: 4\n    - type: dense\n      name: block\n      units: 4\n    - type: add\n      from: [dense_1, block]\n    - {type: dense, units: 1, from: block}\ntraining:\n  loss: meanSquaredError\n';
		const a = doc(text);
		const to = (line: number, character: number) => definition(a, { line, character })?.range;
		assert.deepEqual(to(9, 13), { start: { line: 3, character: 12 }, end: { line: 3, character: 17 } });
		assert.deepEqual(to(9, 22), { start: { line: 6, character: 12 }, end: { line: 6, character: 17 } });
		assert.deepEqual(to(10, 38), { start: { line: 6, character: 12 }, end: { line: 6, character: 17 } });
		assert.equal(definition(a, { line: 9, character: 7 }), null);
	});
	it('formats while keeping every comment and the value', () => {
		const text =
			'# top\ndata:\n    source:   {type: xor}   # gen\n    split:\n        test: 0.2\nmodel:\n    layers:\n    -   type: dense\n        units: 1\ntraining:\n    loss: binaryCrossentropy\n';
		const a = doc(text);
		const [edit] = format(a, { tabSize: 2, insertSpaces: true });
		assert.ok(edit);
		const out = applyEdits(text, a, [edit]);
		assert.equal(
			out,
			'# top\ndata:\n  source: {type: xor} # gen\n  split:\n    test: 0.2\nmodel:\n  layers:\n    - type: dense\n      units: 1\ntraining:\n  loss: binaryCrossentropy\n',
		);
		assert.deepEqual(format(doc(out), { tabSize: 2, insertSpaces: true }), [], 'formatting is idempotent');
		assert.deepEqual(format(doc('data: [\n'), { tabSize: 2, insertSpaces: true }), [], 'broken documents are left alone');
	});
	it('formats JSON configs as JSON', () => {
		const a = doc('{"data": {"source": {"type": "xor"}}}', { uri: 'file:///x/a.model.json' });
		assert.equal(
			format(a, { tabSize: 2, insertSpaces: true })[0]!.newText,
			'{\n  "data": {\n    "source": {\n      "type": "xor"\n    }\n  }\n}\n',
		);
	});
	it('places Train, Tune and architecture lenses', () => {
		const tuning = fs.readFileSync(path.join(EXAMPLES, 'tuning.model.yaml'), 'utf8');
		const a = doc(tuning);
		assert.deepEqual(
			lenses(a).map((l) => [l.kind, l.range.start.line]),
			[
				['train', 27],
				['architecture', 18],
				['tune', 36],
			],
		);
		assert.equal(lenses(a).find((l) => l.kind === 'tune')?.title, 'Tune: 12 trials × 3 folds');
		const grid = tuning
			.replace('strategy: bayesian', 'strategy: grid')
			.replace('trials: 12', 'trials: 100')
			.replace(/\n {4}training\.optimizer\.learningRate: .*\n/, '\n');
		assert.equal(
			lenses(doc(grid)).find((l) => l.kind === 'tune')?.title,
			'Tune: 9 trials × 3 folds',
			'a grid runs the product of its choices',
		);
		assert.deepEqual(
			lenses(doc(fixture('validation.model.yaml').replace('units: 1', 'units: 0'))).map((l) => l.kind),
			['architecture'],
			'no Train lens on a broken config',
		);
	});
});
