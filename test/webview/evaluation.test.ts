/** The evaluation page in Chromium: metrics, confusion matrix, ROC/PR and regression plots. */
import { strict as assert } from 'node:assert';
import type { Page } from 'playwright-core';
import { EvaluationShow, message, type EvaluationShowParams } from '../../webviews/protocol';
import { countPixels, loadFixture, openPanel, parseColor, waitRendered, type PanelPage, useChromium } from './harness';

const cls = loadFixture<EvaluationShowParams>('evaluation-classification.json');
const reg = loadFixture<EvaluationShowParams>('evaluation-regression.json');
const BLUE = parseColor('#1a85ff'),
	ORANGE = parseColor('#d18616'),
	RED = parseColor('#e51400'),
	GREY = parseColor('#717171');

/** Client coordinates of data point (x, y) on the plot canvas `selector`. */
const at = (page: Page, selector: string, x: number, y: number) =>
	page.locator(selector).evaluate(
		(c: HTMLElement, [px, py]) => {
			const d = c.dataset,
				r = c.getBoundingClientRect();
			const X = r.left + Number(d.left) + ((px! - Number(d.x0)) / (Number(d.x1) - Number(d.x0))) * Number(d.width);
			const Y = r.top + Number(d.top) + Number(d.height) - ((py! - Number(d.y0)) / (Number(d.y1) - Number(d.y0))) * Number(d.height);
			return [X, Y] as [number, number];
		},
		[x, y],
	);

describe('webview: evaluation panel (Chromium)', function () {
	this.timeout(120_000);
	const chromium = useChromium();

	async function open(fixture: EvaluationShowParams, o: { vscodeApi?: boolean } = {}): Promise<PanelPage> {
		const p = await openPanel(chromium.browser, chromium.server, 'evaluation', { height: 1600, ...o });
		await p.post(message(EvaluationShow.type, fixture));
		await waitRendered(p.page, '.evaluation', 1);
		return p;
	}
	const cells = (p: PanelPage) =>
		p.page
			.locator('.eval-matrix tbody tr:not(.eval-precision-row)')
			.evaluateAll((rows) => rows.map((r) => Array.from(r.querySelectorAll('.eval-cell')).map((c) => c.textContent)));

	it('shows the metrics with the split they were computed on', async () => {
		const p = await open(cls);
		assert.equal(await p.page.locator('h1').textContent(), 'Evaluation: iris baseline');
		assert.match(
			(await p.page.locator('.eval-split').textContent())!,
			/^Computed on the test split \(45 samples\) · multiclass classification$/,
		);
		const rows = await p.page
			.locator('.eval-metrics tbody tr')
			.evaluateAll((rs) => rs.map((r) => [r.querySelector('th')!.textContent, r.querySelector('td')!.textContent]));
		assert.deepEqual(
			rows,
			cls.evaluation.metrics.map((m) => [m.name, String(m.value)]),
		);
		assert.deepEqual(p.errors, []);
	});

	it('draws the confusion matrix with counts, normalized shares, colour scale and precision/recall', async () => {
		const p = await open(cls);
		const m = cls.evaluation.confusion!.matrix;
		assert.deepEqual(
			await cells(p),
			m.map((r) => r.map(String)),
		);
		assert.deepEqual(await p.page.locator('.eval-matrix thead th').allTextContents(), [
			'actual \\ predicted',
			'setosa',
			'versicolor',
			'virginica',
			'Recall',
		]);
		const r4 = (v: number) => String(Math.round(v * 10_000) / 10_000);
		assert.deepEqual(
			await p.page.locator('.eval-recall').allTextContents(),
			m.map((r, i) => r4(r[i]! / r.reduce((a, b) => a + b, 0))),
		);
		assert.deepEqual(
			await p.page.locator('.eval-precision').allTextContents(),
			m.map((_, j) => r4(m[j]![j]! / m.reduce((a, r) => a + r[j]!, 0))),
		);
		assert.deepEqual(await p.page.locator('.eval-recall').allTextContents(), ['0.5333', '0.8', '0.5333']);
		const alpha = (row: number, col: number) =>
			p.page
				.locator(`.eval-cell[data-row="${row}"][data-col="${col}"]`)
				.evaluate((td) => Number(/rgba\([^)]*,\s*([\d.]+)\)/.exec(getComputedStyle(td).backgroundColor)?.[1] ?? 1));
		assert.ok((await alpha(0, 0)) > (await alpha(0, 2)), 'more samples, darker cell');
		assert.ok((await alpha(0, 2)) > (await alpha(1, 0)), 'some samples are darker than none');
		await p.page.locator('.eval-normalize').click();
		assert.deepEqual(
			await cells(p),
			m.map((r) => {
				const s = r.reduce((a, b) => a + b, 0);
				return r.map((v) => `${((v / s) * 100).toFixed(1)}%`);
			}),
		);
		assert.match(
			(await p.page.locator('.eval-cell[data-row="0"][data-col="2"]').getAttribute('aria-label'))!,
			/actual setosa, predicted virginica: 4 \(26\.7% of setosa\)/,
		);
		await p.screenshot('evaluation-classification');
	});

	it('lists per-class precision, recall, F1 and support', async () => {
		const p = await open(cls);
		const rows = await p.page
			.locator('.eval-per-class tbody tr')
			.evaluateAll((rs) => rs.map((r) => Array.from(r.children).map((c) => c.textContent)));
		assert.deepEqual(
			rows,
			cls.evaluation.perClass!.map((c) => [c.label, String(c.precision), String(c.recall), String(c.f1), String(c.support)]),
		);
	});

	it('draws ROC curves per class with their AUC and the PR curves', async () => {
		const p = await open(cls);
		const notes = await p.page.locator('.eval-curves figure:first-of-type .mw-plot-legend li').allTextContents();
		assert.deepEqual(
			notes,
			cls.evaluation.roc!.map((r) => `${r.label} AUC ${r.auc}`),
		);
		assert.match((await p.page.locator('canvas.eval-roc').getAttribute('aria-label'))!, /setosa AUC/);
		// A point of the first class's curve away from the other classes' curves.
		const roc = cls.evaluation.roc![0]!;
		const others = cls.evaluation.roc!.slice(1).flatMap((r) => r.fpr.map((f, i) => [f, r.tpr[i]!] as const));
		const mid = roc.fpr.findIndex(
			(f, i) => f > 0.05 && roc.tpr[i]! < 0.95 && others.every(([of, ot]) => Math.hypot(of - f, ot - roc.tpr[i]!) > 0.06),
		);
		assert.ok(mid > 0, 'the fixture has a distinct ROC point');
		const [x, y] = await at(p.page, 'canvas.eval-roc', roc.fpr[mid]!, roc.tpr[mid]!);
		assert.ok((await countPixels(p.page, 'canvas.eval-roc', x, y, BLUE, 3)) > 0, 'ROC of the first class is drawn');
		// The diagonal is dashed: look at a few points along it, one falls on a dash whatever the plot's size.
		let diagonal = 0;
		for (const v of [0.45, 0.5, 0.55, 0.6]) {
			const [dx, dy] = await at(p.page, 'canvas.eval-roc', v, v);
			diagonal += await countPixels(p.page, 'canvas.eval-roc', dx, dy, GREY, 2);
		}
		assert.ok(diagonal > 0, 'chance diagonal');
		const pr = cls.evaluation.pr![1]!;
		const j = Math.floor(pr.recall.length / 2);
		const [px, py] = await at(p.page, 'canvas.eval-pr', pr.recall[j]!, pr.precision[j]!);
		assert.ok((await countPixels(p.page, 'canvas.eval-pr', px, py, ORANGE, 3)) > 0, 'PR of the second class is drawn');
	});

	it("names regression axes by the columns, writes a linear model's equation and sizes plots to the panel", async () => {
		const fixture = structuredClone(reg);
		fixture.evaluation.regression!.label = 'y';
		const p = await openPanel(chromium.browser, chromium.server, 'evaluation', { height: 1600, width: 520 });
		await p.post(message(EvaluationShow.type, fixture));
		await waitRendered(p.page, '.evaluation', 1);
		const fit = p.page.locator('figure:has(canvas.eval-fit) figcaption');
		// The fixture's predictions lie on ŷ = 1.98·x + 1.01.
		assert.equal(await fit.textContent(), 'Fitted line: ŷ = 1.98·x + 1.01');
		assert.match((await p.page.locator('canvas.eval-fit').getAttribute('aria-label'))!, /: x against y;/);
		assert.match((await p.page.locator('canvas.eval-scatter').getAttribute('aria-label'))!, /: actual y against predicted y;/);
		const widths = await p.page.evaluate(() => ({
			app: document.getElementById('app')!.clientWidth,
			plots: Array.from(document.querySelectorAll<HTMLCanvasElement>('canvas.mw-plot')).map((c) => c.getBoundingClientRect().width),
		}));
		for (const w of widths.plots) assert.ok(w >= widths.app * 0.85, `a plot ${w}px wide in a ${widths.app}px panel fills it`);
	});

	it('titles a binary ROC plainly, a multiclass one "one vs rest"', async () => {
		const multi = await open(cls);
		assert.equal(await multi.page.locator('figure:has(canvas.eval-roc) figcaption').textContent(), 'ROC (one vs rest)');
		const binary = structuredClone(cls);
		binary.evaluation.task = 'binaryClassification';
		binary.evaluation.roc = binary.evaluation.roc!.slice(0, 1);
		const p = await open(binary);
		assert.equal(await p.page.locator('figure:has(canvas.eval-roc) figcaption').textContent(), 'ROC');
	});

	it('plots regression predictions against actual values, residuals and the fitted line', async () => {
		const p = await open(reg);
		assert.equal(await p.page.locator('.eval-confusion').count(), 0);
		const r = reg.evaluation.regression!;
		const [mx, my] = await at(p.page, 'canvas.eval-scatter', 1, 1);
		assert.ok((await countPixels(p.page, 'canvas.eval-scatter', mx, my, GREY, 2)) > 0, 'identity line');
		const [sx, sy] = await at(p.page, 'canvas.eval-scatter', r.actual[5]!, r.predicted[5]!);
		assert.ok((await countPixels(p.page, 'canvas.eval-scatter', sx, sy, BLUE, 2)) > 0, 'a sample');
		const [fx, fy] = await at(p.page, 'canvas.eval-fit', r.feature!.values[20]!, r.predicted[20]!);
		assert.ok((await countPixels(p.page, 'canvas.eval-fit', fx, fy, RED, 2)) > 0, 'the fitted line over the data');
		const [ox, oy] = await at(p.page, 'canvas.eval-fit', -0.5, 2.5);
		assert.equal(await countPixels(p.page, 'canvas.eval-fit', ox, oy, RED, 2), 0, 'nothing red away from the line');
		const legend = await p.page
			.locator('.eval-residuals + .mw-plot-legend, figure:has(canvas.eval-residuals) .mw-plot-legend')
			.first()
			.textContent();
		assert.match(legend!, /^40 residuals, mean -?\d/);
		const [bx, by] = await at(p.page, 'canvas.eval-residuals', 0, 0.5);
		assert.ok((await countPixels(p.page, 'canvas.eval-residuals', bx, by, ORANGE, 6, 60)) > 0, 'histogram bars around 0');
		await p.screenshot('evaluation-regression');
	});

	it('renders a summarised many-class evaluation: its notes and the most frequent confusions instead of a matrix', async () => {
		const labels = Array.from({ length: 1500 }, (_, k) => `class${k}`);
		const many: EvaluationShowParams = {
			evaluation: {
				...cls.evaluation,
				samples: 3000,
				confusion: undefined,
				topConfusions: [
					{ actual: 'class7', predicted: 'class9', count: 4 },
					{ actual: 'class1', predicted: '<b>class2</b>', count: 2 },
				],
				notes: [
					'ROC and PR curves are stored for the 50 most supported of 1500 classes; ROC AUC and PR AUC (macro and per class) use every class.',
					'The confusion matrix of 1500 classes (more than 100) is stored sparsely.',
				],
				perClass: labels.map((label, k) => ({ label, precision: 0.5, recall: 0.25, f1: 1 / 3, support: 2 + (k % 3) })),
				roc: cls.evaluation.roc!.map((r, i) => ({ ...r, label: labels[i]! })),
				pr: cls.evaluation.pr!.map((r, i) => ({ ...r, label: labels[i]! })),
			},
		};
		const p = await open(many);
		assert.deepEqual(await p.page.locator('.eval-notes li').allTextContents(), many.evaluation.notes);
		assert.equal(await p.page.locator('.eval-matrix').count(), 0);
		assert.deepEqual(
			await p.page
				.locator('.eval-top-confusions tbody tr')
				.evaluateAll((rs) => rs.map((r) => Array.from(r.children).map((c) => c.textContent))),
			[
				['class7', 'class9', '4'],
				['class1', '<b>class2</b>', '2'],
			],
		);
		assert.equal(await p.page.locator('.eval-per-class tbody tr').count(), 1500);
		assert.equal(await p.page.locator('canvas.eval-roc').count(), 1);
		assert.deepEqual(p.errors, []);
		await p.screenshot('evaluation-summarised');
	});

	it('remembers the normalized view across a reload', async () => {
		const p = await open(cls, { vscodeApi: true });
		await p.page.locator('.eval-normalize').click();
		await p.page.reload();
		await p.page.waitForFunction(() =>
			((window as unknown as { __sent: { method: string }[] }).__sent ?? []).some((m) => m.method === 'modelwright/ready'),
		);
		await p.post(message(EvaluationShow.type, cls));
		await waitRendered(p.page, '.evaluation', 1);
		assert.equal(await p.page.locator('.eval-normalize').getAttribute('aria-pressed'), 'true');
		assert.equal((await cells(p))[0]![0], '53.3%');
	});
	it('draws permutation importance as bars, most important first, longest for the largest drop', async () => {
		const withImportance: EvaluationShowParams = {
			...cls,
			evaluation: {
				...cls.evaluation,
				importance: {
					metric: 'accuracy',
					baseline: 0.9,
					repeats: 5,
					features: [
						{ name: 'petalLength', mean: 0.4, std: 0.05 },
						{ name: 'petalWidth', mean: 0.2, std: 0.02 },
						{ name: 'sepalWidth', mean: -0.01, std: 0.01 },
					],
				},
			},
		};
		const p = await open(withImportance);
		const section = p.page.locator('.eval-importance');
		assert.match((await section.locator('p').textContent()) ?? '', /Drop in accuracy \(baseline 0\.9.*5 repeats/);
		const widths = await section.locator('.eval-importance-bar').evaluateAll((bars) => bars.map((b) => Number(b.getAttribute('width'))));
		assert.equal(widths.length, 3);
		assert.ok(widths[0]! > widths[1]! * 1.8 && widths[1]! > 0 && widths[2] === 0, JSON.stringify(widths));
		assert.match((await section.locator('text').first().textContent()) ?? '', /petalLength/);
	});
});
