/** The architecture page in Chromium: elk layout, node labels, reveal/highlight, pipeline, exports. */
import { strict as assert } from 'node:assert';
import {
	ArchitectureHighlight,
	ArchitectureUpdate,
	message,
	type ArchitectureUpdateParams,
	type CopyTextParams,
	type ExportFileParams,
	type RevealLayerParams,
} from '../../webviews/protocol';
import { loadFixture, near, openPanel, parseColor, pngPixel, waitRendered, type PanelPage, useChromium } from './harness';

const fixture = loadFixture<ArchitectureUpdateParams>('architecture.json');
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
