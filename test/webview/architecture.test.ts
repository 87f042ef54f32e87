/** The architecture page in Chromium: elk layout, node labels, reveal/highlight, pipeline, exports. */
import { strict as assert } from 'node:assert';
import {
	ArchitectureHighlight,
	ArchitectureUpdate,
	message,
	type ArchitectureUpdateParams,
	type CopyTextParams,
	type ExportFileParams,
	type ArchitectureView,
	type RevealInputParams,
	type RevealLayerParams,
} from '../../webviews/protocol';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateConfig } from '../../engine/io/probe';
import { architectureView } from '../../server/src/service/architecture';
import { loadFixture, near, openPanel, parseColor, pngPixel, waitRendered, type PanelPage, useChromium } from './harness';

const fixture = loadFixture<ArchitectureUpdateParams>('architecture.json');
/** An example's view, built by the language server's code from the config and its data files. */
function exampleView(name: string): ArchitectureView {
	const file = join(__dirname, '..', '..', 'examples', `${name}.model.yaml`);
	return architectureView(validateConfig(file, readFileSync(file, 'utf8')), name)!;
}
const BLUE = parseColor('#1a85ff'),
	ORANGE = parseColor('#d18616'),
	CYAN = parseColor('#17becf');

describe('webview: architecture panel (Chromium)', function () {
	this.timeout(120_000);
	const chromium = useChromium();

	async function open(o: { vscodeApi?: boolean; height?: number } = {}): Promise<PanelPage> {
		const p = await openPanel(chromium.browser, chromium.server, 'architecture', o);
		await p.post(message(ArchitectureUpdate.type, fixture));
		await waitRendered(p.page, '.architecture', 1);
		return p;
	}
	const nodeBox = (p: PanelPage, index: number) =>
		p.page.locator(`.arch-node[data-index="${index}"]`).evaluate((g) => {
			const r = g.getBoundingClientRect();
			const m = /translate\(([\d.]+),([\d.]+)\)/.exec(g.getAttribute('transform')!)!;
			return {
				x: Number(m[1]),
				y: Number(m[2]),
				width: r.width,
				height: r.height,
				cx: r.left + r.width / 2,
				cy: r.top + r.height / 2,
				left: r.left,
				top: r.top,
			};
		});
	const sent = async <P>(p: PanelPage, method: string) => (await p.outbox()).filter((m) => m.method === method).map((m) => m.params as P);

	it('lays out one node per layer plus the input, with type, name, params, shape and count', async () => {
		const p = await open();
		assert.equal(await p.page.locator('.arch-node').count(), 6);
		const texts = await p.page.locator('.arch-node').evaluateAll((gs) =>
			gs.map((g) =>
				Array.from(g.querySelectorAll('text'))
					.map((t) => t.textContent)
					.join('|'),
			),
		);
		assert.equal(texts[0], 'Input|shape [null, 4]|sepal_length, sepal_width, petal_length, petal_width');
		assert.equal(texts[1], 'dense  hidden|units: 16   activation: relu|out [null, 16]|80 params');
		assert.equal(texts[4], 'dense  hidden_2|units: 8   activation: relu|kernelRegularizer: l2(0.001)|out [null, 8]|136 params');
		assert.deepEqual(await p.page.locator('.arch-edge-label').allTextContents(), [
			'[null, 4]',
			'[null, 16]',
			'[null, 16]',
			'[null, 16]',
			'[null, 8]',
		]);
		assert.equal(await p.page.locator('.arch-edge').count(), 5);
		assert.match(
			(await p.page.locator('.arch-summary').textContent())!,
			/5 layers · Total params: 307 · Trainable: 275 · Non-trainable: 32/,
		);
		// Layered top to bottom.
		const ys = await Promise.all([0, 1, 2, 3, 4].map(async (i) => (await nodeBox(p, i)).y));
		assert.deepEqual(
			[...ys].sort((a, b) => a - b),
			ys,
		);
		await p.screenshot('architecture');
		assert.deepEqual(p.errors, []);
	});

	it('marks nodes with diagnostics and lists the problems', async () => {
		const p = await open();
		const g = p.page.locator('.arch-node[data-index="2"]');
		assert.match((await g.getAttribute('class'))!, /arch-diag-warning/);
		assert.match((await g.locator('title').textContent())!, /warning MW204: dropout rate 0.7/);
		assert.equal(await p.page.locator('.arch-diag-warning, .arch-diag-error').count(), 1);
		assert.deepEqual(await p.page.locator('.arch-diagnostics li').allTextContents(), [
			'dropout_1 (dropout): dropout rate 0.7 drops most activations; 0.1–0.5 is usual [MW204]',
		]);
		assert.match((await g.getAttribute('aria-label'))!, /1 problem/);
	});

	it('colours nodes per layer family (pixels of the screenshot)', async () => {
		const p = await open({ height: 1400 });
		const shot = await p.page.screenshot();
		for (const [index, color] of [
			[0, BLUE],
			[1, CYAN],
			[2, ORANGE],
			[4, BLUE],
		] as const) {
			const b = await nodeBox(p, index);
			const px = await pngPixel(p.page, shot, b.left + 2, b.cy);
			assert.ok(near(px, color), `layer ${index} stripe ${px} ≈ ${color}`);
		}
	});

	it('reveals a layer on click or Enter and highlights the node the cursor is in', async () => {
		const p = await open();
		await p.page.locator('.arch-node[data-index="3"]').click();
		assert.deepEqual(await sent<RevealLayerParams>(p, 'modelwright/revealLayer'), [{ index: 3 }]);
		assert.equal(await p.page.locator('.arch-node.selected').getAttribute('data-index'), '3');
		await p.page.locator('.arch-node[data-index="1"]').focus();
		await p.page.keyboard.press('Enter');
		assert.deepEqual((await sent<RevealLayerParams>(p, 'modelwright/revealLayer')).at(-1), { index: 1 });
		await p.post(message(ArchitectureHighlight.type, { index: 4 }));
		await p.page.waitForSelector('.arch-node.selected[data-index="4"]');
		assert.equal(await p.page.locator('.arch-node.selected').count(), 1);
		await p.post(message(ArchitectureHighlight.type, { index: null }));
		await p.page.waitForFunction(() => !document.querySelector('.arch-node.selected'));
	});

	it('follows config edits: a new update replaces the graph', async () => {
		const p = await open();
		const layers = fixture.model.layers.filter((l) => l.type === 'dense').map((l, i) => ({ ...l, index: i }));
		await p.post(message(ArchitectureUpdate.type, { model: { ...fixture.model, layers } }));
		await waitRendered(p.page, '.architecture', 2);
		assert.equal(await p.page.locator('.arch-node').count(), 4);
		assert.equal(await p.page.locator('.arch-diagnostics li').count(), 0);
	});

	it("draws branches and merges from the view's edges: parallel layers side by side, one edge per `from`", async () => {
		const p = await open();
		const edges = [
			{ from: null, to: 0 },
			{ from: 0, to: 1 },
			{ from: 0, to: 2 },
			{ from: 1, to: 3 },
			{ from: 2, to: 3 },
			{ from: 3, to: 4 },
		];
		await p.post(message(ArchitectureUpdate.type, { model: { ...fixture.model, edges } }));
		await waitRendered(p.page, '.architecture', 2);
		assert.equal(await p.page.locator('.arch-edge').count(), 6);
		const [b0, b1, b2, b3] = await Promise.all([0, 1, 2, 3].map((i) => nodeBox(p, i)));
		assert.ok(b1!.y < b2!.y + b2!.height && b2!.y < b1!.y + b1!.height, 'the two branches share a rank');
		assert.notEqual(b1!.x, b2!.x);
		assert.ok(b0!.y < b1!.y && b2!.y < b3!.y);
		assert.deepEqual(p.errors, []);
	});

	/** Which node each drawn edge starts and ends on (`data-id`s), from the SVG's geometry. */
	async function edgeEnds(p: PanelPage): Promise<string[]> {
		const { nodes, edges } = await p.page.evaluate(() => ({
			nodes: Array.from(document.querySelectorAll<SVGGElement>('.arch-node')).map((g) => {
				const m = /translate\(([\d.]+),([\d.]+)\)/.exec(g.getAttribute('transform')!)!;
				const box = g.querySelector('.arch-node-box')!;
				return {
					id: g.dataset.id!,
					x: Number(m[1]),
					y: Number(m[2]),
					w: Number(box.getAttribute('width')),
					h: Number(box.getAttribute('height')),
				};
			}),
			edges: Array.from(document.querySelectorAll('.arch-edge')).map((e) => e.getAttribute('d')!),
		}));
		const at = ([px, py]: number[]) =>
			nodes.find((n) => px! >= n.x - 1 && px! <= n.x + n.w + 1 && py! >= n.y - 1 && py! <= n.y + n.h + 1)?.id ?? '?';
		return edges.map((d) => {
			const pts = [...d.matchAll(/[ML]([\d.-]+),([\d.-]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
			return `${at(pts[0]!)}→${at(pts.at(-1)!)}`;
		});
	}

	it('draws one node per named input (two-inputs example): its shape and columns, edges to the layers that take it, click ↔ config', async () => {
		const model = exampleView('two-inputs');
		const p = await openPanel(chromium.browser, chromium.server, 'architecture', { height: 1400 });
		await p.post(message(ArchitectureUpdate.type, { model }));
		await waitRendered(p.page, '.architecture', 1);
		const inputs = p.page.locator('.arch-node.arch-input');
		assert.equal(await inputs.count(), 2);
		assert.deepEqual(
			await inputs.evaluateAll((gs) =>
				gs.map((g) => [
					g.getAttribute('data-input'),
					Array.from(g.querySelectorAll('text'))
						.map((t) => t.textContent)
						.join('|'),
				]),
			),
			[
				['0', 'Input numbers|shape [null, 2]|delay, price'],
				['1', 'Input text|shape [null, 10]|review'],
			],
		);
		assert.equal(await p.page.locator('.arch-node[data-id="input"]').count(), 0, 'no single model-input node');
		const tops = await inputs.evaluateAll((gs) => gs.map((g) => g.getBoundingClientRect().top));
		assert.equal(tops[0], tops[1], 'the inputs share the first rank');
		// numbers feeds the dense layer (index 4), text the embedding (index 0); both branches meet in the concatenate.
		const ends = await edgeEnds(p);
		assert.deepEqual([...ends].sort(), ['I0→L4', 'I1→L0', 'L0→L1', 'L1→L2', 'L2→L3', 'L3→L5', 'L4→L5', 'L5→L6', 'L6→L7'].sort());
		const labels = await p.page.locator('.arch-edge-label').allTextContents();
		assert.ok(labels.includes('[null, 2]') && labels.includes('[null, 10]'), `input shapes on their edges: ${labels.join(' ')}`);
		assert.equal(await p.page.locator('.arch-node.arch-merge[data-type="concatenate"]').count(), 1);
		await p.screenshot('architecture-two-inputs');
		// Click ↔ config: an input node reveals its `model.inputs` entry; the cursor in one selects it.
		await inputs.nth(1).click();
		assert.deepEqual(await sent<RevealInputParams>(p, 'modelwright/revealInput'), [{ input: 1 }]);
		assert.deepEqual(await sent<RevealLayerParams>(p, 'modelwright/revealLayer'), []);
		assert.equal(await p.page.locator('.arch-node.selected').getAttribute('data-input'), '1');
		await inputs.nth(0).focus();
		await p.page.keyboard.press('Enter');
		assert.deepEqual((await sent<RevealInputParams>(p, 'modelwright/revealInput')).at(-1), { input: 0 });
		await p.post(message(ArchitectureHighlight.type, { index: null, input: 1 }));
		await p.page.waitForSelector('.arch-node.selected[data-input="1"]');
		assert.equal(await p.page.locator('.arch-node.selected').count(), 1);
		await p.post(message(ArchitectureHighlight.type, { index: 4 }));
		await p.page.waitForSelector('.arch-node.selected[data-index="4"]');
		assert.equal(await p.page.locator('.arch-node.selected').count(), 1);
		assert.match((await inputs.nth(0).getAttribute('aria-label'))!, /numbers, shape \[null, 2\]/);
		// The exported SVG keeps both inputs.
		await p.page.locator('.arch-export-svg').click();
		const [svgFile] = await sent<ExportFileParams>(p, 'modelwright/exportFile');
		assert.ok(svgFile!.data.includes('Input numbers') && svgFile!.data.includes('Input text'));
		assert.deepEqual(p.errors, []);
	});

	it('draws a transformerEncoder with its inside (Transformer example): attention, the two residual adds, layer norms, feed-forward', async () => {
		const model = exampleView('transformer');
		const p = await openPanel(chromium.browser, chromium.server, 'architecture', { height: 1600 });
		await p.post(message(ArchitectureUpdate.type, { model }));
		await waitRendered(p.page, '.architecture', 1);
		const block = p.page.locator('.arch-node.arch-block');
		assert.equal(await block.count(), 1);
		assert.equal(await block.getAttribute('data-type'), 'transformerEncoder');
		const parts = block.locator('.arch-part');
		assert.deepEqual(await parts.evaluateAll((gs) => gs.map((g) => g.getAttribute('data-type'))), [
			'input',
			'multiHeadAttention',
			'add',
			'layerNormalization',
			'dense',
			'dense',
			'add',
			'layerNormalization',
		]);
		const merges = block.locator('.arch-part.arch-merge');
		assert.equal(await merges.count(), 2);
		assert.match((await merges.first().innerHTML())!, /add · residual/);
		// x → attention, x → add₁, attention → add₁, add₁ → norm₁, norm₁ → ff₁ → ff₂, norm₁ → add₂, ff₂ → add₂, add₂ → norm₂.
		assert.equal(await block.locator('.arch-part-edge').count(), 9);
		// The parts sit inside the block's box, below its own lines, and the residual add is below the attention.
		const geo = await block.evaluate((g) => {
			const outer = g.querySelector('.arch-node-box')!.getBoundingClientRect();
			const rects = Array.from(g.querySelectorAll('.arch-part')).map((q) => q.getBoundingClientRect());
			const header = Array.from(g.children)
				.filter((c) => c.tagName === 'text')
				.at(-1)!
				.getBoundingClientRect();
			return { outer: outer.toJSON(), rects: rects.map((r) => r.toJSON()), headerBottom: header.bottom };
		});
		for (const r of geo.rects as DOMRect[]) {
			assert.ok(r.left >= geo.outer.left && r.right <= geo.outer.right && r.bottom <= geo.outer.bottom, 'part inside the block');
			assert.ok(r.top >= geo.headerBottom, 'part below the block header');
		}
		assert.ok((geo.rects[2] as DOMRect).top > (geo.rects[1] as DOMRect).bottom, 'add below attention');
		// The block's header names the layer and its parameters (the parts' counts add up to it).
		assert.match((await block.locator(':scope > text').first().textContent()) ?? '', /transformerEncoder {2}transformerEncoder_1/);
		assert.match(await block.innerHTML(), /8,544 params/);
		// The whole block (a part too) reveals its layer.
		await merges.nth(1).click();
		assert.deepEqual(await sent<RevealLayerParams>(p, 'modelwright/revealLayer'), [{ index: 2 }]);
		await p.screenshot('architecture-transformer');
		assert.deepEqual(p.errors, []);
	});

	it('shows the pipeline stages in a second tab (keyboard tabs)', async () => {
		const p = await open();
		assert.equal(await p.page.locator('.pipeline').isVisible(), false);
		await p.page.locator('#tab-graph').focus();
		await p.page.keyboard.press('ArrowRight');
		assert.equal(await p.page.locator('#tab-pipeline').getAttribute('aria-selected'), 'true');
		assert.equal(await p.page.locator('.pipeline').isVisible(), true);
		const stages = await p.page.locator('.pipeline-stage').evaluateAll((ls) => ls.map((l) => l.getAttribute('data-stage')));
		assert.deepEqual(stages, ['data', 'preprocessing', 'split', 'model', 'training', 'tuning', 'evaluation', 'export']);
		assert.equal(await p.page.locator('.pipeline-stage.disabled').getAttribute('data-stage'), 'tuning');
		assert.match(await p.page.locator('.pipeline-stage[data-stage="training"]').innerText(), /optimizer\s+adam \(0\.01\)/);
		await p.screenshot('architecture-pipeline');
	});

	it('exports SVG and PNG through the host and copies the Mermaid text', async () => {
		const p = await open();
		await p.page.locator('.arch-export-svg').click();
		await p.page.locator('.arch-export-png').click();
		await p.page.locator('.arch-copy-mermaid').click();
		await p.page.waitForFunction(() => (window.modelwrightOutbox ?? []).filter((m) => m.method === 'modelwright/exportFile').length === 2);
		const [svgFile, pngFile] = await sent<ExportFileParams>(p, 'modelwright/exportFile');
		assert.equal(svgFile!.mime, 'image/svg+xml');
		assert.match(svgFile!.data, /^<\?xml[^]*<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
		assert.ok(svgFile!.data.includes('>hidden_2<') || svgFile!.data.includes('hidden_2'), 'layer names in the SVG');
		assert.ok(!svgFile!.data.includes('tabindex'), 'no interactive attributes in the file');
		assert.equal(svgFile!.name, 'iris-classifier.svg');
		const png = Buffer.from(pngFile!.data, 'base64');
		assert.equal(png.subarray(1, 4).toString(), 'PNG');
		const b = await nodeBox(p, 0);
		// 2× raster: the stripe of the first dense layer is blue in the exported image too.
		assert.ok(near(await pngPixel(p.page, png, (b.x + 2) * 2, (b.y + b.height / 2) * 2), BLUE), 'exported PNG has the node');
		assert.deepEqual(await sent<CopyTextParams>(p, 'modelwright/copyText'), [{ text: fixture.model.mermaid, what: 'Mermaid' }]);
	});

	it('restores the selected tab after a reload and keeps the host\u2019s restore data for the serializer', async () => {
		const p = await openPanel(chromium.browser, chromium.server, 'architecture', { vscodeApi: true });
		await p.post(message(ArchitectureUpdate.type, { ...fixture, restore: { configUri: 'file:///w/iris.model.yaml' } }));
		await waitRendered(p.page, '.architecture', 1);
		await p.page.locator('#tab-pipeline').click();
		await p.page.reload();
		await p.page.waitForFunction(() =>
			((window as unknown as { __sent: { method: string }[] }).__sent ?? []).some((m) => m.method === 'modelwright/ready'),
		);
		assert.equal(await p.page.locator('#tab-pipeline').getAttribute('aria-selected'), 'true');
		// What the panel serializer receives: the host's restore data and the page's UI state.
		const state = await p.page.evaluate(() => JSON.parse(sessionStorage.getItem('state')!));
		assert.deepEqual(state, { ui: { tab: 'pipeline' }, restore: { configUri: 'file:///w/iris.model.yaml' } });
	});
});
