/**
 * Markup inside data (run names, class labels, layer names, config values, metric names) is shown
 * as text in every panel and never runs: no element is created from it, and the CSP would block
 * inline script anyway.
 */
import { strict as assert } from 'node:assert';
import {
	ArchitectureUpdate,
	CompareShow,
	CurvesInit,
	EvaluationShow,
	message,
	TrialsShow,
	type ArchitectureUpdateParams,
	type CompareShowParams,
	type CurvesInitParams,
	type EvaluationShowParams,
	type HostToPageMessage,
	type PanelKind,
	type TrialsShowParams,
} from '../../webviews/protocol';
import { loadFixture, openPanel, waitRendered, useChromium } from './harness';

const EVIL = '<img src=x onerror=window.__pwned=1><script>window.__pwned=1</script>';

function cases(): { panel: PanelKind; root: string; msg: HostToPageMessage; expect: number }[] {
	const curves = loadFixture<CurvesInitParams>('curves.json');
	curves.runs[0]!.name = EVIL;
	curves.runs[1]!.series[EVIL] = curves.runs[1]!.series.accuracy!;
	const arch = loadFixture<ArchitectureUpdateParams>('architecture.json');
	arch.model.name = EVIL;
	arch.model.layers[0]!.name = EVIL;
	arch.model.layers[2]!.diagnostics![0]!.message = EVIL;
	arch.model.pipeline[0]!.settings[0]!.value = EVIL;
	const ev = loadFixture<EvaluationShowParams>('evaluation-classification.json');
	ev.evaluation.confusion!.labels[1] = EVIL;
	ev.evaluation.perClass![1]!.label = EVIL;
	ev.evaluation.roc![1]!.label = EVIL;
	ev.evaluation.metrics[0]!.name = EVIL;
	const cmp = loadFixture<CompareShowParams>('compare.json');
	cmp.comparison.runs[0]!.name = EVIL;
	cmp.comparison.configDiff[0]!.key = EVIL;
	cmp.comparison.configDiff[1]!.values[1] = EVIL;
	const tune = loadFixture<TrialsShowParams>('tuning.json');
	tune.sweep.name = EVIL;
	tune.sweep.objective.metric = EVIL;
	tune.sweep.dimensions[2]!.values!.push(EVIL);
	tune.sweep.trials[0]!.params['training.optimizer.name'] = EVIL;
	tune.sweep.trials[3]!.message = EVIL;
	return [
		{ panel: 'curves', root: '.curves', msg: message(CurvesInit.type, curves), expect: 2 },
		{ panel: 'architecture', root: '.architecture', msg: message(ArchitectureUpdate.type, arch), expect: 4 },
		{ panel: 'evaluation', root: '.evaluation', msg: message(EvaluationShow.type, ev), expect: 5 },
		{ panel: 'compare', root: '.compare', msg: message(CompareShow.type, cmp), expect: 4 },
		{ panel: 'tuning', root: '.tuning', msg: message(TrialsShow.type, tune), expect: 4 },
	];
}

describe('webview: markup in data is text (Chromium)', function () {
	this.timeout(120_000);
	const chromium = useChromium();

	for (const c of cases()) {
		it(`${c.panel}: shows the payload literally and never runs it`, async () => {
			const p = await openPanel(chromium.browser, chromium.server, c.panel, { height: 1400 });
			await p.post(c.msg);
			await waitRendered(p.page, c.root, c.panel === 'curves' ? 2 : 1);
			// Give an injected onerror a chance to fire before checking.
			await p.page.waitForTimeout(200);
			const r = await p.page.evaluate(
				(evil) => ({
					pwned: (window as unknown as { __pwned?: unknown }).__pwned,
					imgs: document.querySelectorAll('img').length,
					scripts: document.querySelectorAll('script').length,
					// textContent of all text nodes (SVG included); innerText would skip hidden tabs.
					occurrences: document.body.textContent.split(evil).length - 1,
				}),
				EVIL,
			);
			assert.equal(r.pwned, undefined);
			assert.equal(r.imgs, 0, 'no <img> element created from data');
			assert.equal(r.scripts, 1, 'only the nonce bundle script');
			assert.ok(r.occurrences >= c.expect, `payload shown as text ${r.occurrences} times (expected ≥ ${c.expect})`);
			assert.ok(await p.page.getByText(EVIL, { exact: false }).first().isVisible(), 'the literal text is visible');
			await p.screenshot(`injection-${c.panel}`);
		});
	}

	it('the panel document\u2019s CSP blocks inline script and inline handlers', async () => {
		const p = await openPanel(chromium.browser, chromium.server, 'curves');
		const violations = await p.page.evaluate(async () => {
			const seen: string[] = [];
			document.addEventListener('securitypolicyviolation', (e) => seen.push(e.violatedDirective));
			const s = document.createElement('script');
			s.textContent = 'window.__csp = 1';
			document.body.appendChild(s);
			const img = document.createElement('img');
			img.setAttribute('onerror', 'window.__csp = 2');
			img.src = '/missing.png';
			document.body.appendChild(img);
			await new Promise((r) => setTimeout(r, 300));
			return seen;
		});
		assert.equal(await p.page.evaluate(() => (window as unknown as { __csp?: number }).__csp), undefined);
		assert.ok(violations.filter((v) => v.startsWith('script-src')).length >= 2, violations.join(', '));
	});

	it('curves: the CSV export quotes the payload as one cell', async () => {
		const p = await openPanel(chromium.browser, chromium.server, 'curves');
		await p.post(cases()[0]!.msg);
		await waitRendered(p.page, '.curves', 2);
		await p.page.locator('.curves-export-csv').click();
		const csv = (await p.outbox()).find((m) => m.method === 'modelwright/exportFile')!.params.data;
		const [head, first] = csv.split('\n');
		assert.ok(first!.startsWith(`${EVIL},1,`), `no comma or quote in it, so unquoted and intact: ${first}`);
		assert.ok(head!.split(',').includes(EVIL), head);
	});
});
