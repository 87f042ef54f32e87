import { strict as assert } from 'node:assert';
import { hover } from '../../../server/src/service/hover';
import { caret } from './helper';

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
		assert.match(t, /\\sum_\{k=1\}\^\{K\}/);
	});
	it('shows the Adam update rule with bias correction on an optimizer name', () => {
		const t = hoverText(IRIS('epochs: 5').replace('optimizer: adam', 'optimizer: ad|am'));
		assert.match(t, /bias correction/);
		assert.match(t, /\\hat\{m\}_t = \\frac\{m_t\}\{1-\\beta_1\^t\}/);
	});
	it('shows an activation formula and the allowed values on its key', () => {
		const t = hoverText(IRIS('epochs: 5').replace('activation: softmax', 'activ|ation: softmax'));
		assert.match(t, /Allowed values/);
		assert.match(t, /`sigmoid`/);
	});
	it('shows the L1/L2 penalty formula on a regularizer', () => {
		const t = hoverText(IRIS('epochs: 5').replace('activation: relu', 'activation: relu\n      kernel|Regularizer: {l2: 0.01}'));
		assert.match(t, /\\lambda_1 \\sum_i \|w_i\| \+ \\lambda_2 \\sum_i w_i\^2/);
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
