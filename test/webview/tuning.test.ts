/** The tuning trials page in Chromium: header, sortable table, charts drawn where expected, live updates, state, injection. */
import { strict as assert } from 'node:assert';
import type { Page } from 'playwright-core';
import { message, TrialsEpoch, TrialsShow, TrialsUpdate, type TrialsShowParams, type TrialView } from '../../webviews/protocol';
import { countPixels, loadFixture, openPanel, parseColor, waitForReady, waitRendered, type PanelPage, useChromium } from './harness';

const fixture = loadFixture<TrialsShowParams>('tuning.json');
const ORANGE = parseColor('#d18616');
const BLUE = parseColor('#1a85ff');
// shared/plot.ts fills points at 70 % alpha: the pruned purple over the white background.
const PURPLE = parseColor('#652d90').map((c) => Math.round(c * 0.7 + 255 * 0.3)) as [number, number, number];
const EVIL = '<img src=x onerror=window.__pwned=1><script>window.__pwned=1</script>';

type Debug = {
	modelwrightDebug: { tuning: { vertex(n: number, i: number): [number, number] | undefined; color(n: number): string | undefined } };
};

const rowNumbers = (p: PanelPage) =>
	p.page.locator('.tuning-table tbody tr').evaluateAll((rs) => rs.map((r) => Number((r as HTMLElement).dataset.trial)));
const rendered = (p: PanelPage) => p.page.evaluate(() => Number((document.querySelector('.tuning') as HTMLElement).dataset.rendered ?? 0));
async function waitMore(p: PanelPage, before: number): Promise<void> {
	await waitRendered(p.page, '.tuning', before + 1);
}

/** Geometry a canvas wrote to its data-* attributes, in client coordinates. */
async function canvasBox(page: Page, sel: string): Promise<Record<string, number> & { rectLeft: number; rectTop: number }> {
	return page.evaluate((s) => {
		const c = document.querySelector(s) as HTMLCanvasElement;
		const r = c.getBoundingClientRect();
		const out: Record<string, number> = { rectLeft: r.left, rectTop: r.top };
		for (const [k, v] of Object.entries(c.dataset)) if (v !== undefined && !v.includes(',')) out[k] = Number(v);
		return out as Record<string, number> & { rectLeft: number; rectTop: number };
	}, sel);
}

/** Client point of data (x, y) on a shared/plot.ts canvas. */
function plotPoint(b: Record<string, number>, x: number, y: number): [number, number] {
	return [
		b.rectLeft! + b.left! + ((x - b.x0!) / (b.x1! - b.x0!)) * b.width!,
		b.rectTop! + b.top! + b.height! - ((y - b.y0!) / (b.y1! - b.y0!)) * b.height!,
	];
}

describe('webview: tuning panel (Chromium)', function () {
	this.timeout(120_000);
	const chromium = useChromium();
	async function open(params: TrialsShowParams = fixture, vscodeApi = false): Promise<PanelPage> {
		const p = await openPanel(chromium.browser, chromium.server, 'tuning', { height: 1400, width: 1100, vscodeApi });
		await p.post(message(TrialsShow.type, params));
		await waitRendered(p.page, '.tuning', 1);
		return p;
	}

	it('shows the sweep header and one row per trial, best and pruned/failed marked', async () => {
		const p = await open();
		const facts = await p.page.locator('.tuning-fact').evaluateAll((fs) => fs.map((f) => f.textContent));
		assert.deepEqual(facts, [
			'Strategybayesian',
			'Objectiveval_loss (minimize)',
			'Folds3-fold CV',
			'Trials11 / 16',
			'Statusrunning',
			'Besttrial #9 · 0.2105',
		]);
		assert.equal(await p.page.locator('.tuning-name').textContent(), 'mlp-search');
		assert.deepEqual(await rowNumbers(p), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
		assert.deepEqual(await p.page.locator('.tuning-row.tuning-best').evaluateAll((rs) => rs.map((r) => (r as HTMLElement).dataset.trial)), [
			'9',
		]);
		assert.ok(await p.page.locator('.tuning-row[data-trial="9"] .tuning-best-badge').isVisible());
		const status = (n: number) => p.page.locator(`.tuning-row[data-trial="${n}"] .tuning-status-cell`);
		assert.equal(await status(4).locator('.tuning-badge-pruned').textContent(), 'pruned');
		assert.ok(await status(4).locator('.tuning-badge-pruned').isVisible());
		assert.equal(await status(4).locator('.tuning-message').textContent(), 'pruned at epoch 3: median rule (0.87 > median 0.58)');
		// A pruned trial's partial score is set apart: in parentheses, greyed, never with a ± from one fold.
		const partial = p.page.locator('.tuning-row[data-trial="4"] .tuning-score-partial');
		assert.match((await partial.textContent())!, /^(\(.+\)|–)$/);
		assert.equal(await p.page.locator('.tuning-row[data-trial="4"] .tuning-std').count(), 0);
		assert.equal(await status(7).locator('.tuning-badge-failed').textContent(), 'failed');
		assert.equal(await status(7).locator('.tuning-message').textContent(), 'worker crashed: out of memory');
		assert.equal(await status(11).locator('.tuning-badge-running').count(), 1);
		const row9 = await p.page.locator('.tuning-row[data-trial="9"] td').allTextContents();
		// Mean ± spread as every report states it: the spread to 2 digits, the mean to the same place.
		assert.deepEqual(row9, ['9★ best', '0.0015', '112', 'adam', '0.1', '0.2105 ± 0.0080', 'completed', '50s']);
		assert.deepEqual(p.errors, []);
		await p.screenshot('tuning');
	});

	it('sorts by clicking or pressing Enter on a header, missing scores last', async () => {
		const p = await open();
		const score = p.page.locator('.tuning-sort[data-key="score"]');
		await score.click();
		assert.deepEqual(await rowNumbers(p), [9, 5, 3, 10, 1, 12, 6, 2, 4, 7, 8, 11]);
		assert.equal(await p.page.locator('th:has(.tuning-sort[data-key="score"])').getAttribute('aria-sort'), 'ascending');
		await score.click();
		assert.deepEqual(await rowNumbers(p), [2, 6, 12, 1, 10, 3, 5, 9, 4, 7, 8, 11]);
		assert.equal(await p.page.locator('th:has(.tuning-sort[data-key="score"])').getAttribute('aria-sort'), 'descending');
		// Numeric param: the log-uniform learning rate.
		await p.page.locator('.tuning-sort[data-key="param:training.optimizer.learningRate"]').click();
		assert.deepEqual(await rowNumbers(p), [6, 3, 11, 1, 9, 5, 10, 7, 12, 2, 8, 4]);
		// Keyboard: focus the choice column's header and press Enter.
		await p.page.locator('.tuning-sort[data-key="param:training.optimizer.name"]').focus();
		await p.page.keyboard.press('Enter');
		assert.deepEqual(await rowNumbers(p), [1, 5, 7, 9, 11, 3, 6, 10, 2, 4, 8, 12]);
		assert.equal(
			await p.page.evaluate(() => (document.activeElement as HTMLElement).dataset.key),
			'param:training.optimizer.name',
			'focus stays on the header',
		);
		await p.page.keyboard.press('Enter');
		assert.deepEqual(await rowNumbers(p), [2, 4, 8, 12, 3, 6, 10, 1, 5, 7, 9, 11]);
	});

	it('sends OpenTrial on double-click and on Enter after arrow keys, ApplyBest from the button', async () => {
		const p = await open();
		await p.page.locator('.tuning-row[data-trial="9"]').dblclick();
		await p.page.locator('.tuning-row[data-trial="1"]').click();
		await p.page.keyboard.press('ArrowDown');
		await p.page.keyboard.press('ArrowDown');
		assert.equal(await p.page.evaluate(() => (document.activeElement as HTMLElement).dataset.trial), '3');
		assert.equal(await p.page.locator('.tuning-row[data-trial="3"]').getAttribute('aria-selected'), 'true');
		await p.page.keyboard.press('Enter');
		await p.page.keyboard.press('End');
		await p.page.keyboard.press('Enter');
		await p.page.locator('.tuning-apply-best').click();
		const box = await p.outbox();
		assert.deepEqual(
			box.filter((m) => m.method === 'modelwright/openTrial').map((m) => m.params),
			[{ number: 9 }, { number: 3 }, { number: 12 }],
		);
		assert.deepEqual(
			box.filter((m) => m.method === 'modelwright/applyBest').map((m) => m.params),
			[{}],
		);
		assert.deepEqual(box[0], { method: 'modelwright/ready', params: { panel: 'tuning' } });
	});

	it('exports the table as CSV in the shown order', async () => {
		const p = await open();
		await p.page.locator('.tuning-sort[data-key="score"]').click();
		await p.page.locator('.tuning-export-csv').click();
		const file = (await p.outbox()).find((m) => m.method === 'modelwright/exportFile')!.params;
		assert.equal(file.name, 'mlp-search-trials.csv');
		assert.equal(file.mime, 'text/csv');
		const lines = file.data.trimEnd().split('\n');
		assert.equal(lines.length, 13);
		assert.equal(
			lines[0],
			'trial,training.optimizer.learningRate,model.layers[0].units,training.optimizer.name,model.layers[1].rate,score,std,status,duration_ms,message',
		);
		assert.equal(lines[1], '9,0.0015,112,adam,0.1,0.2105,0.008,completed,49600,');
		assert.equal(
			lines.find((l) => l.startsWith('7,')),
			'7,0.01,128,adam,0.15,,,failed,2300,worker crashed: out of memory',
		);
		assert.equal(
			lines.find((l) => l.startsWith('11,')),
			'11,0.0008,80,adam,0.2,,,running,,',
		);
	});

	it('fits half a window: short parameter headers on one line, full paths in tooltips, Status not clipped, axis names whole', async () => {
		const p = await openPanel(chromium.browser, chromium.server, 'tuning', { height: 900, width: 560 });
		await p.post(message(TrialsShow.type, fixture));
		await waitRendered(p.page, '.tuning', 1);
		const r = await p.page.evaluate(() => {
			const wrap = document.querySelector('.tuning-table-wrap') as HTMLElement;
			const heads = Array.from(document.querySelectorAll<HTMLElement>('.tuning-table thead .tuning-sort'));
			const lineHeight = heads[0]!.getBoundingClientRect().height;
			return {
				overflow: wrap.scrollWidth - wrap.clientWidth,
				labels: heads.map((b) => b.textContent!.replace(/ [▲▼]$/, '')),
				titles: heads.map((b) => b.title),
				wrapped: heads.filter((b) => b.getBoundingClientRect().height > lineHeight * 1.4).map((b) => b.textContent),
				names: (document.querySelector('.tuning-parallel canvas') as HTMLCanvasElement).dataset.names!.split('|'),
			};
		});
		assert.deepEqual(r.labels.slice(1, 5), ['learningRate', 'units', 'name', 'rate']);
		assert.deepEqual(r.titles.slice(1, 5), [
			'training.optimizer.learningRate',
			'model.layers[0].units',
			'training.optimizer.name',
			'model.layers[1].rate',
		]);
		assert.deepEqual(r.wrapped, [], 'no header breaks mid-word');
		assert.ok(r.overflow <= 0, `the table fits its panel (overflow ${r.overflow}px): Status is not clipped`);
		assert.deepEqual(
			r.names.filter((n) => n.includes('…')),
			[],
			`axis names are whole: ${r.names.join(', ')}`,
		);
	});

	it('draws parallel coordinates: log and categorical axes, best trial highlighted', async () => {
		const p = await open();
		const sel = '.tuning-parallel canvas';
		const g = await p.page.evaluate((s) => {
			const c = document.querySelector(s) as HTMLCanvasElement;
			const r = c.getBoundingClientRect();
			return {
				left: r.left,
				top: r.top,
				ptop: Number(c.dataset.top),
				h: Number(c.dataset.height),
				axes: c.dataset.axes!.split(',').map(Number),
			};
		}, sel);
		assert.equal(g.axes.length, 5, 'four dimensions and the score');
		// Positions computed here from the ranges, independently of the page's scales.
		const at = (axis: number, pos: number): [number, number] => [g.left + g.axes[axis]!, g.top + g.ptop + (1 - pos) * g.h];
		const lerp = (a: [number, number], b: [number, number], f: number): [number, number] => [
			a[0] + (b[0] - a[0]) * f,
			a[1] + (b[1] - a[1]) * f,
		];
		const logPos = (v: number) => (Math.log10(v) + 4) / 3;
		const unitsPos = (v: number) => (v - 8) / 120;
		// Best trial 9: orange halfway between the learning-rate and units axes.
		const best = lerp(at(0, logPos(0.0015)), at(1, unitsPos(112)), 0.5);
		assert.ok((await countPixels(p.page, sel, best[0], best[1], ORANGE, 2)) > 0, 'best trial drawn in the highlight colour');
		// Trial 1 (lr 1e-3): a third of the way up on the log axis, nothing where a linear axis would put it.
		const c1 = parseColor((await p.page.evaluate(() => (window as unknown as Debug).modelwrightDebug.tuning.color(1)))!);
		const t1 = lerp(at(0, logPos(0.001)), at(1, unitsPos(64)), 0.1);
		assert.ok((await countPixels(p.page, sel, t1[0], t1[1], c1, 2, 24)) > 0, 'trial 1 at its log-scale position');
		const lin = lerp(at(0, (0.001 - 0.0001) / (0.1 - 0.0001)), at(1, unitsPos(64)), 0.1);
		assert.equal(await countPixels(p.page, sel, lin[0], lin[1], c1, 2, 24), 0, 'not at a linear-scale position');
		// Choice axis: adam, sgd, rmsprop in evenly spaced slots; best (adam, rate 0.1) leaves the adam slot.
		const adam = lerp(at(2, 1 / 6), at(3, 0.1 / 0.5), 0.1);
		assert.ok((await countPixels(p.page, sel, adam[0], adam[1], ORANGE, 2)) > 0, 'best trial at the adam slot');
		const v = await p.page.evaluate(() => [2, 3, 9].map((n) => (window as unknown as Debug).modelwrightDebug.tuning.vertex(n, 2)![1]));
		assert.ok(
			Math.abs(v[0]! - at(2, 0.5)[1]) < 0.5 && Math.abs(v[1]! - at(2, 5 / 6)[1]) < 0.5 && Math.abs(v[2]! - at(2, 1 / 6)[1]) < 0.5,
			`slots ${v}`,
		);
		// The score axis puts the best (lowest val_loss) at the top; failed and running trials have no line.
		const s9 = await p.page.evaluate(() => (window as unknown as Debug).modelwrightDebug.tuning.vertex(9, 4));
		assert.ok(Math.abs(s9![1] - (g.top + g.ptop)) < 0.5, 'best score at the top of the score axis');
		assert.equal(
			await p.page.evaluate(() => [7, 11].map((n) => (window as unknown as Debug).modelwrightDebug.tuning.vertex(n, 0) ?? null).join()),
			',',
		);
	});

	it('draws the best-so-far step curve in the objective\u2019s direction', async () => {
		const p = await open();
		await p.page.locator('#tab-best').click();
		const sel = '#panel-best canvas';
		const b = await canvasBox(p.page, sel);
		// Trial 5 (0.248) was best until trial 9 (0.2105).
		const [x7, y7] = plotPoint(b, 7, 0.248);
		assert.ok((await countPixels(p.page, sel, x7, y7, ORANGE, 2)) > 0, 'best so far 0.248 at trial 7');
		const [x7b, y7b] = plotPoint(b, 7, 0.2105);
		assert.equal(await countPixels(p.page, sel, x7b, y7b, ORANGE, 2), 0, 'trial 9\u2019s score not yet the best at trial 7');
		const [x11, y11] = plotPoint(b, 10.5, 0.2105);
		assert.ok((await countPixels(p.page, sel, x11, y11, ORANGE, 2)) > 0, 'best so far 0.2105 after trial 9');
		await p.screenshot('tuning-best');
		// A maximized objective: the best-so-far is the running maximum.
		const max = structuredClone(fixture);
		max.sweep.objective.direction = 'maximize';
		delete max.sweep.best;
		const before = await rendered(p);
		await p.post(message(TrialsShow.type, max));
		await waitMore(p, before);
		const m = await canvasBox(p.page, sel);
		const [mx, my] = plotPoint(m, 7, 0.441);
		assert.ok((await countPixels(p.page, sel, mx, my, ORANGE, 2)) > 0, 'max so far 0.441 (trial 2) at trial 7');
		assert.deepEqual(await p.page.locator('.tuning-row.tuning-best').evaluateAll((rs) => rs.map((r) => (r as HTMLElement).dataset.trial)), [
			'2',
		]);
	});

	it('live: TrialsEpoch extends a running curve, TrialsUpdate adds rows and moves the best', async () => {
		const p = await open();
		await p.page.locator('#tab-intermediate').click();
		const sel = '#panel-intermediate canvas';
		let b = await canvasBox(p.page, sel);
		// Pruned trial 8 ends in a dot where it was stopped.
		const [px, py] = plotPoint(b, 4, 0.85);
		assert.ok((await countPixels(p.page, sel, px, py, PURPLE, 2)) > 0, 'pruned trial marked');
		const [x6, y6] = plotPoint(b, 6, 0.35);
		assert.equal(await countPixels(p.page, sel, x6, y6, BLUE, 2), 0, 'nothing at epoch 6 yet');
		let before = await rendered(p);
		await p.post(message(TrialsEpoch.type, { number: 11, epoch: 6, value: 0.35 }));
		await waitMore(p, before);
		b = await canvasBox(p.page, sel);
		const [x6b, y6b] = plotPoint(b, 6, 0.35);
		assert.ok((await countPixels(p.page, sel, x6b, y6b, BLUE, 2)) > 0, 'running trial extended to epoch 6');

		await p.page.locator('.tuning-row[data-trial="5"]').focus();
		const t13: TrialView = {
			number: 13,
			params: {
				'training.optimizer.learningRate': 0.0012,
				'model.layers[0].units': 100,
				'training.optimizer.name': 'adam',
				'model.layers[1].rate': 0.1,
			},
			status: 'completed',
			score: 0.19,
			std: 0.007,
			durationMs: 50_000,
		};
		before = await rendered(p);
		await p.post(message(TrialsUpdate.type, { trial: t13, best: { number: 13, score: 0.19 } }));
		await waitMore(p, before);
		assert.deepEqual(await rowNumbers(p), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
		assert.deepEqual(await p.page.locator('.tuning-row.tuning-best').evaluateAll((rs) => rs.map((r) => (r as HTMLElement).dataset.trial)), [
			'13',
		]);
		assert.equal(await p.page.locator('.tuning-best-summary dd').textContent(), 'trial #13 · 0.19');
		assert.equal(await p.page.locator('.tuning-progress dd').textContent(), '12 / 16');
		assert.equal(
			await p.page.evaluate(() => (document.activeElement as HTMLElement).dataset.trial),
			'5',
			'keyboard focus survives the rebuilt table',
		);
		// Trial 11 finishes (no curve in the message): its row is replaced, its curve kept.
		before = await rendered(p);
		await p.post(
			message(TrialsUpdate.type, {
				trial: { ...fixture.sweep.trials[10]!, intermediate: undefined, status: 'completed', score: 0.25, std: 0.01 },
				status: 'completed',
			}),
		);
		await waitMore(p, before);
		assert.equal(await p.page.locator('.tuning-row').count(), 13);
		assert.equal(await p.page.locator('.tuning-row[data-trial="11"] .tuning-status-cell').textContent(), 'completed');
		assert.equal(await p.page.locator('.tuning-status dd').textContent(), 'completed');
		assert.equal(await p.page.locator('.tuning-row.tuning-best').getAttribute('data-trial'), '13');
		b = await canvasBox(p.page, sel);
		const [x6c, y6c] = plotPoint(b, 6, 0.35);
		assert.equal(await countPixels(p.page, sel, x6c, y6c, BLUE, 2), 0, 'no longer drawn as running');
		assert.ok((await countPixels(p.page, sel, x6c, y6c, [113, 113, 113], 2)) > 0, 'curve kept, now as a completed trial');
		// A better completed trial without `best` from the host still becomes the best.
		before = await rendered(p);
		await p.post(message(TrialsUpdate.type, { trial: { ...t13, number: 14, score: 0.18 } }));
		await waitMore(p, before);
		assert.equal(await p.page.locator('.tuning-row.tuning-best').getAttribute('data-trial'), '14');
		assert.deepEqual(p.errors, []);
		await p.screenshot('tuning-live');
	});

	it('follows a VS Code theme switch', async () => {
		const p = await open();
		const corner = () =>
			p.page.evaluate(() =>
				Array.from(
					(document.querySelector('.tuning-parallel canvas') as HTMLCanvasElement).getContext('2d')!.getImageData(2, 2, 1, 1).data,
				).slice(0, 3),
			);
		assert.deepEqual(await corner(), [255, 255, 255]);
		const before = await rendered(p);
		// What VS Code does: new variables on <html>, then a new body class.
		await p.page.evaluate(() => {
			document.documentElement.style.setProperty('--vscode-editor-background', '#1e1e1e');
			document.documentElement.style.setProperty('--vscode-charts-orange', '#ff8800');
			document.body.classList.add('vscode-dark');
		});
		await waitMore(p, before);
		assert.deepEqual(await corner(), [30, 30, 30]);
		const v = await p.page.evaluate(() => (window as unknown as Debug).modelwrightDebug.tuning.vertex(9, 4)!);
		assert.ok(
			(await countPixels(p.page, '.tuning-parallel canvas', v[0] - 3, v[1] + 2, [255, 136, 0], 3, 30)) > 0,
			'best drawn in the theme\u2019s orange',
		);
	});

	it('restores the sort column and the chart tab after a reload', async () => {
		const p = await open(fixture, true);
		await p.page.locator('.tuning-sort[data-key="score"]').click();
		await p.page.locator('.tuning-sort[data-key="score"]').click();
		await p.page.locator('#tab-best').click();
		await p.page.reload();
		await waitForReady(p.page, true);
		await p.post(message(TrialsShow.type, fixture));
		await waitRendered(p.page, '.tuning', 1);
		assert.equal(await p.page.locator('th:has(.tuning-sort[data-key="score"])').getAttribute('aria-sort'), 'descending');
		assert.deepEqual(await rowNumbers(p), [2, 6, 12, 1, 10, 3, 5, 9, 4, 7, 8, 11]);
		assert.equal(await p.page.locator('#tab-best').getAttribute('aria-selected'), 'true');
		assert.equal(await p.page.locator('#panel-parallel').isHidden(), true);
		const state = await p.page.evaluate(() => JSON.parse(sessionStorage.getItem('state')!));
		assert.deepEqual(state.restore, { sweepId: 'sweep-1' });
		// Control: a fresh page starts sorted by trial number on the first tab.
		const q = await open();
		assert.deepEqual(await rowNumbers(q), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
		assert.equal(await q.page.locator('#tab-parallel').getAttribute('aria-selected'), 'true');
	});

	it('shows markup in names, params and messages as text and never runs it', async () => {
		const evil = structuredClone(fixture);
		evil.sweep.name = EVIL;
		evil.sweep.dimensions[2]!.values!.push(EVIL);
		evil.sweep.trials[0]!.params['training.optimizer.name'] = EVIL;
		evil.sweep.trials[3]!.message = EVIL;
		evil.sweep.trials[1]!.params[EVIL] = EVIL;
		const p = await open(evil);
		await p.page.waitForTimeout(200);
		const r = await p.page.evaluate(
			(e) => ({
				pwned: (window as unknown as { __pwned?: unknown }).__pwned,
				imgs: document.querySelectorAll('img').length,
				scripts: document.querySelectorAll('script').length,
				occurrences: document.body.textContent.split(e).length - 1,
			}),
			EVIL,
		);
		assert.equal(r.pwned, undefined);
		assert.equal(r.imgs, 0);
		assert.equal(r.scripts, 1);
		assert.equal(r.occurrences, 4, 'name, two param values, message (the column header shows the short name)');
		assert.equal(
			await p.page.locator(`.tuning-sort[data-key="param:${EVIL}"]`).getAttribute('title'),
			EVIL,
			'the full key, as the header tooltip',
		);
		assert.equal(await p.page.locator('.tuning-row[data-trial="4"] .tuning-message').textContent(), EVIL);
		await p.page.locator('.tuning-export-csv').click();
		const csv = (await p.outbox()).find((m) => m.method === 'modelwright/exportFile')!.params.data;
		assert.ok(csv.split('\n')[1]!.includes(`,${EVIL},`), 'CSV keeps the value as one cell');
		assert.equal(await p.page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned), undefined);
	});
});
