/** The run-comparison page in Chromium: differing config keys, final metrics, overlaid curves. */
import { strict as assert } from 'node:assert';
import { CompareShow, message, type CompareShowParams } from '../../webviews/protocol';
import { countPixels, loadFixture, openPanel, parseColor, waitRendered, type PanelPage, useChromium } from './harness';

const fixture = loadFixture<CompareShowParams>('compare.json');
const ORANGE = parseColor('#d18616');

describe('webview: compare panel (Chromium)', function () {
	this.timeout(120_000);
	const chromium = useChromium();
	async function open(): Promise<PanelPage> {
		const p = await openPanel(chromium.browser, chromium.server, 'compare', { height: 1200 });
		await p.post(message(CompareShow.type, fixture));
		await waitRendered(p.page, '.compare', 1);
		return p;
	}

	it('lists only the config keys that differ, with each run as a column', async () => {
		const p = await open();
		const rows = await p.page
			.locator('.compare-diff tbody tr')
			.evaluateAll((rs) => rs.map((r) => Array.from(r.children).map((c) => c.textContent)));
		assert.deepEqual(
			rows,
			[
				['model.layers[0].units', '16', '64'],
				['training.optimizer.learningRate', '0.01', '0.003'],
				['training.earlyStopping.patience', '5', '(not set)'],
			],
			'training.epochs is equal in both and left out',
		);
		assert.deepEqual(await p.page.locator('.compare-diff thead .compare-open-run').allTextContents(), ['baseline', 'wide']);
		assert.deepEqual(p.errors, []);
	});

	it('tells two runs of one config apart: local start time and differing values in the labels, coloured keys', async () => {
		const same = structuredClone(fixture);
		same.comparison.runs = same.comparison.runs.map((r, i) => ({ ...r, name: 'iris', startedAt: `2026-12-01T1${i}:47:00.000Z` }));
		same.comparison.curves = same.comparison.curves.map((r) => ({ ...r, name: 'iris' }));
		const p = await openPanel(chromium.browser, chromium.server, 'compare', { height: 1200 });
		await p.post(message(CompareShow.type, same));
		await waitRendered(p.page, '.compare', 1);
		// The page's own time zone and locale, as a user reads them.
		const times = await p.page.evaluate(
			(iso) =>
				iso.map((t) => new Date(t).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' })),
			same.comparison.runs.map((r) => r.startedAt!),
		);
		assert.deepEqual(await p.page.locator('.compare-diff thead .compare-open-run').allTextContents(), [
			`iris · ${times[0]} · units 16, learningRate 0.01`,
			`iris · ${times[1]} · units 64, learningRate 0.003`,
		]);
		const swatches = await p.page
			.locator('.compare-diff thead .compare-swatch')
			.evaluateAll((ss) => ss.map((s) => getComputedStyle(s).backgroundColor));
		assert.deepEqual(swatches, ['rgb(26, 133, 255)', `rgb(${ORANGE.join(', ')})`], 'each run keyed in its curve colour');
		const legend = await p.page.locator('.curves-run-name').allTextContents();
		assert.deepEqual(legend, [`iris · ${times[0]} · units 16, learningRate 0.01`, `iris · ${times[1]} · units 64, learningRate 0.003`]);
		assert.deepEqual(p.errors, []);
	});

	it('shows final metrics and marks the better run per metric', async () => {
		const p = await open();
		const rows = await p.page
			.locator('.compare-metrics tbody tr')
			.evaluateAll((rs) => rs.map((r) => Array.from(r.children).map((c) => c.textContent)));
		assert.deepEqual(rows, [
			['loss', '0.1412 (best)', '0.2285'],
			['val_loss', '0.3863', '0.2712 (best)'],
			['val_accuracy', '0.89', '0.9114 (best)'],
			['epochs', '40', '40'],
		]);
	});

	it('overlays the runs\u2019 curves with the shared curves view', async () => {
		const p = await open();
		const d = await p.page.evaluate(() => {
			const { valToClient: _, ...rest } = (
				window as unknown as { modelwrightDebug: { curves: { debug(): { seriesShown: string[]; valToClient: unknown } } } }
			).modelwrightDebug.curves.debug();
			return rest;
		});
		assert.equal(d.seriesShown.length, 8);
		const y = fixture.comparison.curves[1]!.series.loss![29]!;
		const [x, yy] = await p.page.evaluate(
			(v) =>
				(
					window as unknown as {
						modelwrightDebug: { curves: { debug(): { valToClient(x: number, y: number, k: string): [number, number] } } };
					}
				).modelwrightDebug.curves
					.debug()
					.valToClient(30, v, 'loss'),
			y,
		);
		assert.ok((await countPixels(p.page, '.curves-chart canvas', x, yy, ORANGE)) > 0, 'second run drawn');
		await p.screenshot('compare');
	});

	it('asks the host to open a run or to choose other runs', async () => {
		const p = await open();
		await p.page.locator('.compare-metrics .compare-open-run[data-run="run-b"]').click();
		await p.page.locator('.compare-pick').click();
		const box = await p.outbox();
		assert.deepEqual(
			box.filter((m) => m.method === 'modelwright/openRun').map((m) => m.params),
			[{ runId: 'run-b' }],
		);
		assert.equal(box.filter((m) => m.method === 'modelwright/pickRuns').length, 1);
	});
});
