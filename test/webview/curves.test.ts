/** The loss-curves page in Chromium, fed with fixture messages exactly as the host sends them. */
import { strict as assert } from 'node:assert';
import type { Page } from 'playwright-core';
import { CurvesAppend, CurvesInit, message, type CurvesInitParams } from '../../webviews/protocol';
import { countPixels, loadFixture, openPanel, parseColor, waitRendered, type PanelPage, useChromium } from './harness';

const fixture = loadFixture<CurvesInitParams>('curves.json');
const BLUE = parseColor('#1a85ff'),
	ORANGE = parseColor('#d18616'),
	RED = parseColor('#e51400'),
	YELLOW = parseColor('#bf8803');
const CANVAS = '.curves-chart[data-pane="loss"] canvas';
const ACC_CANVAS = '.curves-chart[data-pane="accuracy"] canvas';

interface Dbg {
	xMin: number;
	xMax: number;
	points: number;
	lastX: number;
	builds: number;
	logX: boolean;
	logY: boolean;
	lrLog?: boolean;
	seriesShown: string[];
	panes: { key: string; series: string[]; x: [number, number]; axes: string[] }[];
}
const dbg = (page: Page) =>
	page.evaluate(() => {
		const { valToClient: _, ...rest } = (
			window as unknown as { modelwrightDebug: { curves: { debug(): Dbg & { valToClient: unknown } } } }
		).modelwrightDebug.curves.debug();
		return rest;
	});
const pos = (page: Page, x: number, y: number, key = 'loss') =>
	page.evaluate(
		([a, b, k]) =>
			(
				window as unknown as {
					modelwrightDebug: { curves: { debug(): { valToClient(x: number, y: number, key: string): [number, number] } } };
				}
			).modelwrightDebug.curves
				.debug()
				.valToClient(a, b, k),
		[x, y, key] as const,
	);
const value = (run: number, key: string, epoch: number) => fixture.runs[run]!.series[key]![epoch - 1]!;

describe('webview: curves panel (Chromium)', function () {
	this.timeout(120_000);
	const chromium = useChromium();

	async function open(o: { vscodeApi?: boolean } = {}): Promise<PanelPage> {
		const p = await openPanel(chromium.browser, chromium.server, 'curves', o);
		await p.post(message(CurvesInit.type, fixture));
		await waitRendered(p.page, '.curves', 2);
		return p;
	}

	it('draws every series of every run, with a legend entry per run and per series', async () => {
		const p = await open();
		const d = await dbg(p.page);
		assert.equal(d.seriesShown.length, 12);
		for (const run of ['baseline', 'wide', 'diverged'])
			for (const k of ['loss', 'val_loss', 'accuracy', 'val_accuracy']) assert.ok(d.seriesShown.includes(`${run} · ${k}`), `${run} · ${k}`);
		assert.deepEqual(await p.page.locator('.curves-run-toggle .curves-run-name').allTextContents(), ['baseline', 'wide', 'diverged']);
		assert.deepEqual(await p.page.locator('.curves-key-toggle').allTextContents(), ['loss', 'val_loss', 'accuracy', 'val_accuracy']);
		assert.equal(await p.page.title(), 'Modelwright curves');
		assert.equal(await p.page.locator('h1').textContent(), 'Training curves: iris');
		// The first run's loss is drawn in the first palette colour where the data says.
		const [x, y] = await pos(p.page, 10, value(0, 'loss', 10));
		assert.ok((await countPixels(p.page, CANVAS, x, y, BLUE)) > 0, 'baseline loss drawn at epoch 10');
		const [x2, y2] = await pos(p.page, 30, value(1, 'loss', 30));
		assert.ok((await countPixels(p.page, CANVAS, x2, y2, ORANGE)) > 0, 'wide loss drawn at epoch 30');
		await p.screenshot('curves');
		assert.deepEqual(p.errors, []);
	});

	it('hides a run and a series from the legend (mouse and keyboard)', async () => {
		const p = await open();
		const [x, y] = await pos(p.page, 30, value(1, 'loss', 30));
		assert.ok((await countPixels(p.page, CANVAS, x, y, ORANGE, 2)) > 0);
		const wide = p.page.locator('.curves-run-toggle[data-run="run-b"]');
		await wide.click();
		assert.equal(await wide.getAttribute('aria-pressed'), 'false');
		let d = await dbg(p.page);
		assert.ok(!d.seriesShown.some((s) => s.startsWith('wide ·')), 'no series of the hidden run');
		assert.equal(d.seriesShown.length, 8);
		assert.equal(await countPixels(p.page, CANVAS, x, y, ORANGE, 2), 0, 'the hidden run is no longer drawn');
		const val = p.page.locator('.curves-key-toggle[data-key="val_loss"]');
		await val.focus();
		await p.page.keyboard.press('Enter');
		assert.equal(await val.getAttribute('aria-pressed'), 'false');
		d = await dbg(p.page);
		assert.deepEqual(
			d.seriesShown.filter((s) => s.endsWith('val_loss')),
			[],
		);
		await p.page.keyboard.press('Space');
		d = await dbg(p.page);
		assert.equal(d.seriesShown.filter((s) => s.endsWith('· val_loss')).length, 2);
	});

	it('shows exact values of every visible series in the hover tooltip', async () => {
		const p = await open();
		const [x, y] = await pos(p.page, 7, value(0, 'loss', 7));
		await p.page.mouse.move(x, y);
		const tip = p.page.locator('.curves-tooltip');
		await tip.waitFor({ state: 'visible' });
		const text = await tip.innerText();
		assert.match(text, /epoch 7\b/);
		const rows = await tip
			.locator('.curves-tooltip-row')
			.evaluateAll((els) =>
				els.map((e) => [e.querySelector('.curves-tooltip-name')!.textContent, e.querySelector('.curves-tooltip-value')!.textContent]),
			);
		const get = (name: string) => rows.find((r) => r[0] === name)?.[1];
		assert.equal(get('baseline · loss'), String(value(0, 'loss', 7)));
		assert.equal(get('baseline · val_loss'), String(value(0, 'val_loss', 7)));
		assert.equal(get('wide · accuracy'), String(value(1, 'accuracy', 7)));
		assert.equal(rows.length, 12);
		await p.screenshot('curves-tooltip');
	});

	it('puts the losses on one chart and each metric family on a chart of its own, sharing the cursor', async () => {
		const p = await open();
		const d = await dbg(p.page);
		assert.deepEqual(
			d.panes.map((x) => x.key),
			['loss', 'accuracy'],
		);
		const keys = (i: number) => [...new Set(d.panes[i]!.series.filter((s) => !s.endsWith('(smoothed)')).map((s) => s.split(' · ')[1]))];
		assert.deepEqual(keys(0), ['loss', 'val_loss']);
		assert.deepEqual(keys(1), ['accuracy', 'val_accuracy']);
		assert.deepEqual(d.panes[0]!.axes, ['loss'], 'no metric axis on the loss chart');
		assert.deepEqual(d.panes[1]!.axes, ['accuracy']);
		// Each chart draws its own series where its own scale says, and only those.
		const [xa, ya] = await pos(p.page, 30, value(1, 'accuracy', 30), 'accuracy');
		assert.ok((await countPixels(p.page, ACC_CANVAS, xa, ya, ORANGE, 2)) > 0, 'wide accuracy drawn on the accuracy chart');
		const [xl, yl] = await pos(p.page, 30, value(1, 'loss', 30));
		assert.equal(await countPixels(p.page, ACC_CANVAS, xl, yl, ORANGE, 2), 0, 'no loss on the accuracy chart');
		const accBox = await p.page.locator('.curves-chart[data-pane="accuracy"]').boundingBox();
		const lossBox = await p.page.locator('.curves-chart[data-pane="loss"]').boundingBox();
		assert.ok(accBox!.y >= lossBox!.y + lossBox!.height, 'the metric chart sits below the loss chart');
		assert.match((await p.page.locator('.curves-chart[data-pane="accuracy"]').getAttribute('aria-label'))!, /^accuracy · Training curves/);
		// Hovering the accuracy chart gives the same exact-value tooltip, inside that chart.
		await p.page.mouse.move(xa, ya);
		const tip = p.page.locator('.curves-chart[data-pane="accuracy"] .curves-tooltip');
		await tip.waitFor({ state: 'visible' });
		assert.match(await tip.innerText(), /epoch 30\b/);
		assert.equal(await p.page.locator('.curves-tooltip').count(), 1, 'one tooltip for all charts');
		await p.screenshot('curves-charts');
		assert.deepEqual(p.errors, []);
	});

	it('gives a regression run its loss chart (with the lr schedule) and one chart per metric', async () => {
		const epochs = Array.from({ length: 20 }, (_, i) => i + 1);
		const run = {
			...fixture.runs[0]!,
			id: 'reg',
			name: 'houses',
			epochs,
			series: {
				loss: epochs.map((e) => 40 / e),
				val_loss: epochs.map((e) => 44 / e),
				mae: epochs.map((e) => 5 / Math.sqrt(e)),
				val_mae: epochs.map((e) => 5.5 / Math.sqrt(e)),
				mse: epochs.map((e) => 40 / e),
				lr: epochs.map((e) => 0.01 * 0.5 ** Math.floor(e / 5)),
			},
		};
		const p = await openPanel(chromium.browser, chromium.server, 'curves');
		await p.post(message(CurvesInit.type, { ...fixture, runs: [run] }));
		await waitRendered(p.page, '.curves', 2);
		const d = await dbg(p.page);
		assert.deepEqual(
			d.panes.map((x) => [x.key, x.axes]),
			[
				['loss', ['loss', 'lr']],
				['mae', ['mae']],
				['mse', ['mse']],
			],
		);
		assert.equal(d.lrLog, true, 'the learning rate keeps its own log axis beside the loss');
		const [, y1] = await pos(p.page, 3, 0.01, 'lr');
		const [, y2] = await pos(p.page, 18, 0.00125, 'lr');
		assert.ok(y2 - y1 > 100, `the schedule's steps are apart (${y1} → ${y2})`);
		// mae spans 5 → 1.1 on its own axis: the top and bottom of its chart, not a flat line under a loss of 40.
		const [, top] = await pos(p.page, 1, 5, 'mae');
		const [, bottom] = await pos(p.page, 20, 5 / Math.sqrt(20), 'mae');
		assert.ok(bottom - top > 80, `mae fills its chart (${top} → ${bottom})`);
		assert.deepEqual(p.errors, []);
	});

	it('marks the best epoch, the onset of overfitting and the NaN epoch, with explanations', async () => {
		const p = await open();
		const notes = await p.page.locator('.curves-note').allTextContents();
		assert.ok(
			notes.some((n) => n.startsWith('baseline: best epoch 20')),
			notes.join('\n'),
		);
		const over = notes.find((n) => n.startsWith('baseline: overfitting from epoch'));
		assert.ok(over, notes.join('\n'));
		assert.match(over, /Validation loss rose \d+%/);
		assert.ok(!notes.some((n) => n.startsWith('wide: overfitting')), 'the healthy run is not flagged');
		assert.ok(
			notes.some((n) => n.startsWith('diverged: the loss became NaN at epoch 12')),
			notes.join('\n'),
		);
		const onset = Number(/epoch (\d+)/.exec(over)![1]);
		assert.ok(onset >= 17 && onset <= 23, `onset ${onset} near the val_loss minimum`);
		// Marker lines run the full plot height; hide the series whose colours resemble the markers'.
		for (const sel of [
			'.curves-run-toggle[data-run="run-b"]',
			'.curves-key-toggle[data-key="accuracy"]',
			'.curves-key-toggle[data-key="val_accuracy"]',
		])
			await p.page.locator(sel).click();
		const [xNan] = await pos(p.page, 12, 1);
		const [, yTop] = await pos(p.page, 12, 1.4);
		assert.ok((await countPixels(p.page, CANVAS, xNan, yTop, RED, 2)) > 0, 'NaN marker');
		const [xOver] = await pos(p.page, onset, 1);
		assert.ok((await countPixels(p.page, CANVAS, xOver, yTop, YELLOW, 2)) > 0, 'overfitting marker');
		const [xGap] = await pos(p.page, 30, 1);
		assert.equal(await countPixels(p.page, CANVAS, xGap, yTop, YELLOW, 2), 0, 'no marker elsewhere');
	});

	it('smooths with the EMA slider and keeps the raw series faint behind', async () => {
		const p = await open();
		await p.page.locator('.curves-smoothing').fill('0.9');
		const d = await dbg(p.page);
		assert.ok(d.seriesShown.includes('baseline · loss (smoothed)'));
		assert.ok(d.seriesShown.includes('baseline · loss'));
		assert.equal(await p.page.locator('.curves-smoothing-value').textContent(), '0.90');
		const [x, y] = await pos(p.page, 7, value(0, 'loss', 7));
		await p.page.mouse.move(x, y);
		assert.match(await p.page.locator('.curves-tooltip').innerText(), /smoothed 0\.\d+/);
		await p.screenshot('curves-smoothed');
	});

	it('zooms with the keyboard and by dragging, pans and resets', async () => {
		const p = await open();
		let d = await dbg(p.page);
		assert.deepEqual([d.xMin, d.xMax], [1, 40]);
		await p.page.locator('.curves-chart[data-pane="loss"]').focus();
		await p.page.keyboard.press('+');
		d = await dbg(p.page);
		assert.ok(d.xMax - d.xMin < 25, `zoomed in: ${d.xMin}..${d.xMax}`);
		const before = d.xMin;
		await p.page.keyboard.press('ArrowRight');
		d = await dbg(p.page);
		assert.ok(d.xMin > before, 'panned right');
		await p.page.keyboard.press('0');
		d = await dbg(p.page);
		assert.deepEqual([d.xMin, d.xMax], [1, 40]);
		const [xa, y] = await pos(p.page, 10, 0.5);
		const [xb] = await pos(p.page, 20, 0.5);
		await p.page.mouse.move(xa, y);
		await p.page.mouse.down();
		await p.page.mouse.move(xb, y, { steps: 5 });
		await p.page.mouse.up();
		d = await dbg(p.page);
		assert.ok(Math.abs(d.xMin - 10) < 0.5 && Math.abs(d.xMax - 20) < 0.5, `drag zoom ${d.xMin}..${d.xMax}`);
		assert.deepEqual(d.panes[1]!.x, d.panes[0]!.x, 'the metric chart follows the zoom');
		await p.page.mouse.wheel(0, 100);
		d = await dbg(p.page);
		assert.ok(d.xMax - d.xMin > 10.5, `wheel down zooms out: ${d.xMin}..${d.xMax}`);
		const w = d.xMax - d.xMin;
		await p.page.keyboard.down('Shift');
		await p.page.mouse.wheel(0, -100);
		await p.page.keyboard.up('Shift');
		const d2 = await dbg(p.page);
		assert.ok(d2.xMin < d.xMin && Math.abs(d2.xMax - d2.xMin - w) < 1e-6, `shift+wheel pans: ${d2.xMin}..${d2.xMax}`);
		await p.page.locator('.curves-reset').click();
		d = await dbg(p.page);
		assert.deepEqual([d.xMin, d.xMax], [1, 40]);
	});

	it('opens a loss spanning decades on a log axis, and puts the learning rate on an axis of its own', async () => {
		const epochs = Array.from({ length: 30 }, (_, i) => i + 1);
		// Linear regression from a random start: a first epoch 100× the rest; a step schedule.
		const run = {
			...fixture.runs[0]!,
			id: 'lin',
			name: 'linear',
			epochs,
			series: { loss: epochs.map((e) => (e === 1 ? 120 : 0.5 + 1 / e)), lr: epochs.map((e) => 0.1 * 0.5 ** Math.floor(e / 10)) },
		};
		const p = await openPanel(chromium.browser, chromium.server, 'curves');
		await p.post(message(CurvesInit.type, { ...fixture, runs: [run] }));
		await waitRendered(p.page, '.curves', 2);
		const d = await dbg(p.page);
		assert.equal(d.logY, true, 'log y by default when the loss spans more than two decades');
		assert.equal(await p.page.locator('.curves-logy').getAttribute('aria-pressed'), 'true');
		assert.equal(d.lrLog, true, 'the learning rate on its own (log) axis');
		const [, y1] = await pos(p.page, 5, 0.1, 'lr');
		const [, y3] = await pos(p.page, 25, 0.025, 'lr');
		assert.ok(y3 - y1 > 100, `the schedule's steps are apart on the lr axis (${y1} → ${y3})`);
		// A live run switches once its loss reaches two decades.
		const q = await openPanel(chromium.browser, chromium.server, 'curves');
		await q.post(message(CurvesInit.type, { ...fixture, runs: [{ ...run, id: 'live', epochs: [1], series: { loss: [2] } }] }));
		await waitRendered(q.page, '.curves', 2);
		assert.equal((await dbg(q.page)).logY, false);
		await q.post(message(CurvesAppend.type, { runId: 'live', points: [{ epoch: 2, logs: { loss: 0.01 } }] }));
		await waitRendered(q.page, '.curves', 3);
		assert.equal((await dbg(q.page)).logY, true);
		// The user's choice stands over the default.
		await p.page.locator('.curves-logy').click();
		await waitRendered(p.page, '.curves', 3);
		assert.equal((await dbg(p.page)).logY, false);
		assert.deepEqual(p.errors, []);
	});

	it('switches to logarithmic axes', async () => {
		const p = await open();
		await p.page.locator('.curves-logy').click();
		await p.page.locator('.curves-logx').click();
		await waitRendered(p.page, '.curves', 4);
		const d = await dbg(p.page);
		assert.equal(d.logY, true);
		assert.equal(d.logX, true);
		const [x, y] = await pos(p.page, 10, value(0, 'loss', 10));
		assert.ok((await countPixels(p.page, CANVAS, x, y, BLUE)) > 0, 'drawn on the log scales');
		assert.deepEqual(p.errors, []);
	});

	it('exports CSV and PNG through the host', async () => {
		const p = await open();
		await p.page.locator('.curves-export-csv').click();
		await p.page.locator('.curves-export-png').click();
		const files = (await p.outbox()).filter((m) => m.method === 'modelwright/exportFile').map((m) => m.params);
		assert.equal(files.length, 2);
		const csv = files[0]!;
		assert.equal(csv.mime, 'text/csv');
		const lines = csv.data.trim().split('\n');
		assert.equal(lines[0], 'run,epoch,loss,val_loss,accuracy,val_accuracy');
		assert.equal(
			lines[1],
			`baseline,1,${value(0, 'loss', 1)},${value(0, 'val_loss', 1)},${value(0, 'accuracy', 1)},${value(0, 'val_accuracy', 1)}`,
		);
		assert.equal(lines.length, 1 + 40 + 40 + 15);
		assert.ok(lines.includes('diverged,12,,,0.5,0.5'), 'NaN exported as empty cells');
		const png = Buffer.from(files[1]!.data, 'base64');
		assert.equal(files[1]!.mime, 'image/png');
		assert.equal(png.subarray(1, 4).toString(), 'PNG');
		assert.ok(png.readUInt32BE(16) >= 600 && png.readUInt32BE(20) >= 240, 'PNG has the chart size');
	});

	it('restores its UI state after a reload (getState/setState)', async () => {
		const p = await open({ vscodeApi: true });
		await p.page.locator('.curves-key-toggle[data-key="val_loss"]').click();
		await p.page.locator('.curves-logy').click();
		await p.page.locator('.curves-smoothing').fill('0.5');
		await p.page.reload();
		await p.page.waitForFunction(() =>
			((window as unknown as { __sent: { method: string }[] }).__sent ?? []).some((m) => m.method === 'modelwright/ready'),
		);
		await p.post(message(CurvesInit.type, fixture));
		await waitRendered(p.page, '.curves', 2);
		assert.equal(await p.page.locator('.curves-key-toggle[data-key="val_loss"]').getAttribute('aria-pressed'), 'false');
		assert.equal(await p.page.locator('.curves-logy').getAttribute('aria-pressed'), 'true');
		assert.equal(await p.page.locator('.curves-smoothing').inputValue(), '0.5');
		const d = await dbg(p.page);
		assert.equal(d.logY, true);
		assert.ok(!d.seriesShown.some((s) => s.endsWith('· val_loss')));
	});

	it('follows a live stream of 1,000 epoch events without re-creating the chart', async () => {
		const p = await openPanel(chromium.browser, chromium.server, 'curves');
		await p.post(
			message(CurvesInit.type, {
				runs: [{ id: 'live', name: 'live run', status: 'running', epochs: [1], series: { loss: [1], val_loss: [1.1] } }],
			}),
		);
		await waitRendered(p.page, '.curves', 2);
		const { builds } = await dbg(p.page);
		const renders = Number(await p.page.locator('.curves').getAttribute('data-rendered'));
		await p.page.evaluate(async (method) => {
			for (let e = 2; e <= 1000; e++) {
				window.postMessage(
					{
						method,
						params: { runId: 'live', points: [{ epoch: e, logs: { loss: 1 / Math.sqrt(e), val_loss: 1.1 / Math.sqrt(e) + 0.02 } }] },
					},
					'*',
				);
				if (e % 25 === 0) await new Promise((r) => requestAnimationFrame(r));
			}
		}, CurvesAppend.method);
		await p.page.waitForFunction(() => {
			const d = (
				window as unknown as { modelwrightDebug: { curves: { debug(): { lastX: number; xMax: number } } } }
			).modelwrightDebug.curves.debug();
			return d.lastX === 1000 && d.xMax === 1000;
		});
		const d = await dbg(p.page);
		assert.equal(d.lastX, 1000);
		assert.equal(d.xMax, 1000);
		assert.equal(d.builds, builds, 'appends redraw the same uPlot instance');
		assert.ok(Number(await p.page.locator('.curves').getAttribute('data-rendered')) - renders >= 10, 'redrawn as events arrived');
		const [x, y] = await pos(p.page, 1000, 1 / Math.sqrt(1000));
		assert.ok((await countPixels(p.page, CANVAS, x - 2, y, BLUE, 3)) > 0, 'the newest epoch is drawn at the right edge');
		await p.page.mouse.move(x - 1, y);
		assert.match(await p.page.locator('.curves-tooltip-title').innerText(), /^epoch 1000$/);
		await p.screenshot('curves-live');
	});

	it('follows the VS Code theme colours, also when the theme changes', async () => {
		const p = await openPanel(chromium.browser, chromium.server, 'curves');
		await p.page.evaluate(() => {
			const st = document.documentElement.style;
			st.setProperty('--vscode-editor-background', '#1e1e1e');
			st.setProperty('--vscode-editor-foreground', '#d4d4d4');
			st.setProperty('--vscode-charts-blue', '#ff00ff');
		});
		await p.post(message(CurvesInit.type, fixture));
		await waitRendered(p.page, '.curves', 2);
		const [x, y] = await pos(p.page, 10, value(0, 'loss', 10));
		assert.ok((await countPixels(p.page, CANVAS, x, y, [255, 0, 255])) > 0, 'series in the theme colour');
		assert.equal(await p.page.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(30, 30, 30)');
		assert.equal(
			await p.page
				.locator('.curves-run-name')
				.first()
				.evaluate((e) => getComputedStyle(e).color),
			'rgb(212, 212, 212)',
			'legend text readable on the dark background',
		);
		const renders = Number(await p.page.locator('.curves').getAttribute('data-rendered'));
		// VS Code switches theme by changing the variables and the body class.
		await p.page.evaluate(() => {
			document.documentElement.style.setProperty('--vscode-charts-blue', '#00ff00');
			document.body.className = 'vscode-light';
		});
		await waitRendered(p.page, '.curves', renders + 1);
		assert.ok((await countPixels(p.page, CANVAS, x, y, [0, 255, 0])) > 0, 'redrawn in the new theme colour');
		assert.equal(await countPixels(p.page, CANVAS, x, y, [255, 0, 255]), 0);
		await p.screenshot('curves-themed');
	});

	it('shows per-batch loss when the host sends batches', async () => {
		const p = await open();
		await p.post(
			message(CurvesAppend.type, {
				runId: 'run-b',
				points: [],
				batches: Array.from({ length: 40 }, (_, i) => ({ epoch: 41, batch: i, batches: 40, loss: 0.5 })),
			}),
		);
		await p.page.waitForSelector('.curves-key-toggle[data-key="loss (per batch)"]');
		const d = await dbg(p.page);
		assert.ok(d.seriesShown.includes('wide · loss (per batch)'));
		assert.ok(d.xMax >= 41 - 1e-9, `x range covers the batches: ${d.xMax}`);
		const [x, y] = await pos(p.page, 40.5, 0.5);
		assert.ok((await countPixels(p.page, CANVAS, x, y, ORANGE, 3)) > 0, 'batch loss drawn within epoch 41');
	});

	it('decimates 10 runs × 10,000 epochs to the pixel width and keeps spikes', async () => {
		const p = await openPanel(chromium.browser, chromium.server, 'curves');
		await p.page.evaluate((method) => {
			const runs = [];
			for (let r = 0; r < 10; r++) {
				const epochs = [],
					loss = [],
					val = [];
				for (let e = 1; e <= 10_000; e++) {
					epochs.push(e);
					loss.push(1 / Math.sqrt(e) + r * 0.01);
					val.push(1.2 / Math.sqrt(e) + r * 0.01);
				}
				if (r === 0) loss[4999] = 2;
				runs.push({ id: `r${r}`, name: `run ${r}`, status: 'completed', epochs, series: { loss, val_loss: val } });
			}
			window.postMessage({ method, params: { runs } }, '*');
		}, CurvesInit.method);
		await waitRendered(p.page, '.curves', 2);
		const d = await dbg(p.page);
		const width = await p.page.locator('.curves-chart .u-over').evaluate((e) => e.clientWidth);
		assert.equal(d.seriesShown.length, 20);
		assert.equal(d.lastX, 10_000);
		assert.ok(d.points <= 2 * width + 2, `${d.points} points for ${width} px`);
		const [x, y] = await pos(p.page, 5000, 2);
		assert.ok((await countPixels(p.page, CANVAS, x, y, BLUE, 3)) > 0, 'a one-epoch spike survives decimation');
	});
});
