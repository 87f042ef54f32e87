import { strict as assert } from 'node:assert';
import { hover } from '../../../server/src/service/hover';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { completion } from '../../../server/src/service/completion';
import { caret, doc } from './helper';
import { ConfigSchema } from '../../../engine/core/config/schema';
import { SCHEMA_ZH } from '../../../engine/core/config/schema.zh-cn';
import { mathToUnicode } from '../../../engine/core/config/mathText';

const IRIS = (marked: string) => `data:
  source: {type: dataset, name: iris}
model:
  layers:
    - type: dense
      units: 16
      activation: relu
    - type: dense
      units: 3
      activation: softmax
training:
  loss: categoricalCrossentropy
  optimizer: adam
  ${marked}
`;

function hoverText(marked: string): string {
	const c = caret(marked);
	const h = hover(c.analysis, c.position);
	return h ? (h.contents as { value: string }).value : '';
}

describe('server: hover', () => {
	it('shows the layer a name in `from` takes, with its shapes, and the model input for `input`', () => {
		const text = (ref: string) =>
			`data:\n  source: {type: dataset, name: iris}\nmodel:\n  layers:\n    - {type: dense, name: stem, units: 8}\n    - {type: dense, units: 8}\n    - type: add\n      from: [${ref}, dense_2]\n    - {type: dense, units: 3, activation: softmax}\ntraining:\n  loss: categoricalCrossentropy\n`;
		assert.match(hoverText(text('st|em')), /Takes `stem`: \[null, 4\] → \*\*\[null, 8\]\*\* · 40 params/);
		assert.match(hoverText(text('inp|ut')), /Takes the model input: \*\*\[null, 4\]\*\*/);
	});
	it('explains a field with its default and range', () => {
		const t = hoverText(IRIS('batch|Size: 8'));
		assert.match(t, /`training\.batchSize`/);
		assert.match(t, /Samples per gradient step/);
		assert.match(t, /Default: `32`/);
		assert.match(t, /Range: ≥ 1/);
	});
	it('shows the formula of a loss value', () => {
		const t = hoverText(IRIS('epochs: 5').replace('loss: categoricalCrossentropy', 'loss: categorical|Crossentropy'));
		assert.match(t, /\*\*categoricalCrossentropy\*\*/);
		assert.match(t, /Σₖ₌₁ᴷ/);
	});
	it('shows the Adam update rule with bias correction on an optimizer name', () => {
		const t = hoverText(IRIS('epochs: 5').replace('optimizer: adam', 'optimizer: ad|am'));
		assert.match(t, /bias correction/);
		assert.match(t, /m̂ₜ = mₜ\/\(1−β₁ᵗ\)/);
		assert.match(t, /θₜ = θₜ₋₁ − α m̂ₜ\/\(√v̂ₜ \+ ε\)/);
	});
	it('shows an activation formula and the allowed values on its key', () => {
		const t = hoverText(IRIS('epochs: 5').replace('activation: softmax', 'activ|ation: softmax'));
		assert.match(t, /Allowed values/);
		assert.match(t, /`sigmoid`/);
	});
	it('shows the L1/L2 penalty formula on a regularizer', () => {
		const t = hoverText(IRIS('epochs: 5').replace('activation: relu', 'activation: relu\n      kernel|Regularizer: {l2: 0.01}'));
		assert.match(t, /λ₁ Σᵢ \|wᵢ\| \+ λ₂ Σᵢ wᵢ²/);
	});
	it("shows a layer's output shape and parameter count on its type", () => {
		const t = hoverText(IRIS('epochs: 5').replace('- type: dense\n      units: 16', '- type: de|nse\n      units: 16'));
		assert.match(t, /\*\*dense\*\*/);
		assert.match(t, /`dense_1`: \[null, 4\] → \*\*\[null, 16\]\*\* · 80 params/);
	});
	it('shows the model total on `model`', () => {
		assert.match(hoverText(IRIS('epochs: 5').replace('model:', 'mo|del:')), /131 parameters/);
	});
	it('returns nothing off the document and never throws on garbage', () => {
		assert.equal(hoverText('|'), '');
		for (const t of ['{|', 'a: [|', '- |', 'model: {layers: [{type: |}]}']) assert.equal(typeof hoverText(t), 'string');
	});
});

describe('server: formulas read as text in every client', () => {
	it('no hover or completion doc over the examples holds LaTeX ($, \\frac, \\hat, _{ )', () => {
		const dir = path.join(__dirname, '..', '..', '..', 'examples');
		let seen = 0;
		for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.yaml'))) {
			const text = fs.readFileSync(path.join(dir, f), 'utf8');
			const a = doc(text);
			const lines = text.split('\n');
			for (let line = 0; line < lines.length; line++)
				for (let character = 0; character <= lines[line]!.length; character += 2) {
					const h = hover(a, { line, character });
					const items = completion(a, { line, character });
					for (const v of [
						h ? (h.contents as { value: string }).value : '',
						...items.map((i) => (i.documentation as { value?: string } | undefined)?.value ?? ''),
					]) {
						if (!v) continue;
						seen++;
						assert.doesNotMatch(v, /\$[^`$\n]*\$|\\frac|\\hat|\\sum|_\{|\^\{/, `at ${f}:${line + 1}:${character + 1}: ${v.slice(0, 300)}`);
					}
				}
		}
		assert.ok(seen > 500, `only ${seen} docs checked`);
	});
	it('renders every formula of the schema and its zh-CN overlay without LaTeX left, scripts one way', () => {
		const formulas = new Set<string>();
		const collect = (x: unknown, key?: string): void => {
			// Snippets hold `${1:…}` placeholders, not maths.
			if (key === 'x-snippet') return;
			if (typeof x === 'string') for (const m of x.matchAll(/\$[^$]+\$/g)) formulas.add(m[0]);
			else if (Array.isArray(x)) x.forEach((v) => collect(v));
			else if (x && typeof x === 'object') for (const [k, v] of Object.entries(x)) collect(v, k);
		};
		collect(ConfigSchema);
		collect(SCHEMA_ZH);
		assert.ok(formulas.size > 100, `only ${formulas.size} formulas found`);
		for (const f of formulas) {
			const u = mathToUnicode(f);
			assert.doesNotMatch(u, /[\\{}$]|\^\{|_\(/, `${f} → ${u}`);
			// Backticks pair up, and an underscore only ever stands inside a code span (else Markdown italicises).
			const spans = u.split('`');
			assert.equal(spans.length % 2, 1, `${f} → ${u}`);
			assert.ok(
				spans.every((s, i) => i % 2 === 1 || !s.includes('_')),
				`a bare underscore in ${f} → ${u}`,
			);
		}
		const math = (tex: string) => mathToUnicode(`$${tex}$`);
		// Glyphs where every character has one…
		assert.equal(math('\\lambda x_i'), 'λ xᵢ');
		assert.equal(math('\\theta_{t-1}'), 'θₜ₋₁');
		assert.equal(math('n_{in} + n_{out}'), 'nᵢₙ + nₒᵤₜ');
		assert.equal(math('\\hat{m}_t = \\frac{m_t}{1-\\beta_1^t}'), 'm̂ₜ = mₜ/(1−β₁ᵗ)');
		// …else the plain term in a code span: no italics, braces or parentheses.
		assert.equal(math('Q = x W_Q'), 'Q = x `W_Q`');
		assert.equal(math('2 d d_{ff} + d_{ff} + d'), '2 d `d_ff` + `d_ff` + d');
		assert.equal(math('\\nabla_\\theta J'), '`∇_θ` J', 'θ has no subscript glyph');
		assert.equal(math('\\sqrt{\\sigma_B^2 + \\epsilon}'), '√(`σ_B`² + ε)');
		assert.equal(math('\\log \\hat{y}_{i, y_i}'), 'log `y\u0302_i,yᵢ`', 'ŷ is y and a combining hat');
		assert.equal(math('e^{z_i}'), 'e^(zᵢ)', 'a superscript without glyphs keeps its group');
		assert.equal(math('e^{W_Q}'), '`e^(W_Q)`', '…and joins a code span when it holds a plain subscript');
		assert.equal(math('\\log\\cosh(x)'), 'log cosh(x)');
		assert.equal(math('y = [x_1 \\,\\|\\, \\dots]'), 'y = [x₁ ‖ …]');
	});
});
