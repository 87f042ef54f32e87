/**
 * The panels in Chromium with the UI language the host passes (vscode.env.language): zh-cn
 * pages are in Chinese (headings, buttons, notes, table headers, node labels), metric names and
 * config keys stay as written; without a locale they stay English. The bundle travels in the
 * document itself, under the real CSP.
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
	type TrialsShowParams,
} from '../../webviews/protocol';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateConfig } from '../../engine/io/probe';
import { architectureView } from '../../server/src/service/architecture';
import { loadFixture, openPanel, waitRendered, useChromium } from './harness';

const CJK = /[\u4e00-\u9fff]/;

describe('webview: panels in the UI language (Chromium)', function () {
	this.timeout(120_000);
	const chromium = useChromium();

	it('curves in zh-cn: Chinese title, toolbar and axis; series names as written', async () => {
		const p = await openPanel(chromium.browser, chromium.server, 'curves', { locale: 'zh-cn' });
		assert.equal(await p.page.getAttribute('html', 'lang'), 'zh-CN');
		await p.post(message(CurvesInit.type, { ...loadFixture<CurvesInitParams>('curves.json'), title: undefined }));
		await waitRendered(p.page, '.curves', 2);
		assert.equal(await p.page.locator('h1').textContent(), '训练曲线');
		assert.equal(await p.page.locator('.curves-export-png').textContent(), '导出 PNG');
		assert.match((await p.page.locator('.curves-chart[data-pane="loss"]').getAttribute('aria-label'))!, /训练曲线/);
		// A metric's chart: the metric's name as written, the rest in Chinese.
		assert.match((await p.page.locator('.curves-chart[data-pane="accuracy"]').getAttribute('aria-label'))!, /^accuracy · 训练曲线/);
		const keys = await p.page.locator('.curves-key-toggle').allTextContents();
		assert.ok(keys.includes('loss') && keys.includes('val_loss'), keys.join(', '));
		assert.deepEqual(p.errors, []);
		await p.screenshot('l10n-curves-zh');
	});

	it('tuning in zh-cn: Chinese facts, table headers, statuses and tabs', async () => {
		const p = await openPanel(chromium.browser, chromium.server, 'tuning', { locale: 'zh-cn' });
		await p.post(message(TrialsShow.type, loadFixture<TrialsShowParams>('tuning.json')));
		await waitRendered(p.page, '.tuning', 1);
		const text = (await p.page.locator('.tuning').innerText()).replace(/\s+/g, ' ');
		for (const word of ['策略', '目标', '折数', '状态', '试验', '应用最佳', '平行坐标', '耗时'])
			assert.ok(text.includes(word), `${word} in ${text}`);
		assert.ok(!/Apply best|Strategy|Duration/.test(text), text);
		assert.ok(text.includes('50 秒'), `a trial's duration in Chinese units: ${text}`);
		assert.deepEqual(p.errors, []);
	});

	it('architecture and compare in zh-cn; English without a locale', async () => {
		const a = await openPanel(chromium.browser, chromium.server, 'architecture', { locale: 'zh-CN' });
		await a.post(message(ArchitectureUpdate.type, loadFixture<ArchitectureUpdateParams>('architecture.json')));
		await waitRendered(a.page, '.architecture', 1);
		assert.match((await a.page.locator('.arch-summary').textContent())!, /参数总数/);
		const node = await a.page.locator('.arch-node[data-index="0"] text').allTextContents();
		assert.ok(node.includes('输出 [null, 16]') && node.includes('80 个参数'), node.join('|'));

		const c = await openPanel(chromium.browser, chromium.server, 'compare', { locale: 'zh-cn' });
		await c.post(message(CompareShow.type, loadFixture<CompareShowParams>('compare.json')));
		await waitRendered(c.page, '.compare', 1);
		const headings = await c.page.locator('h1, h2').allTextContents();
		assert.ok(headings.includes('比较运行') && headings.includes('最终指标'), headings.join('|'));

		const en = await openPanel(chromium.browser, chromium.server, 'compare');
		await en.post(message(CompareShow.type, loadFixture<CompareShowParams>('compare.json')));
		await waitRendered(en.page, '.compare', 1);
		const enText = await en.page.locator('.compare').innerText();
		assert.ok(enText.includes('Final metrics') && !CJK.test(enText), enText);
	});

	it('architecture in zh-cn: named inputs and the inside of a Transformer block; names, types and shapes as written', async () => {
		const file = join(__dirname, '..', '..', 'examples', 'two-inputs.model.yaml');
		const model = architectureView(validateConfig(file, readFileSync(file, 'utf8')), 'two-inputs')!;
		const p = await openPanel(chromium.browser, chromium.server, 'architecture', { locale: 'zh-cn', height: 1400 });
		await p.post(message(ArchitectureUpdate.type, { model }));
		await waitRendered(p.page, '.architecture', 1);
		assert.deepEqual(await p.page.locator('.arch-input > text:first-of-type').allTextContents(), ['输入 numbers', '输入 text']);
		const parts = await p.page.locator('.arch-part > text:first-of-type').allTextContents();
		assert.deepEqual(parts.slice(0, 3), ['块的输入', 'multiHeadAttention', 'add · 残差']);
		assert.match((await p.page.locator('.arch-input').first().getAttribute('aria-label'))!, /^输入 numbers，形状 \[null, 2\]。/);
		assert.deepEqual(p.errors, []);
		await p.screenshot('l10n-architecture-inputs-zh');
	});

	it('evaluation in zh-cn: Chinese headings, table headers and split; class labels and metric names as written', async () => {
		const p = await openPanel(chromium.browser, chromium.server, 'evaluation', { locale: 'zh-cn' });
		await p.post(message(EvaluationShow.type, loadFixture<EvaluationShowParams>('evaluation-classification.json')));
		await waitRendered(p.page, '.evaluation', 1);
		const headings = await p.page.locator('h2').allTextContents();
		assert.ok(headings.includes('混淆矩阵') && headings.includes('各类别'), headings.join('|'));
		assert.match((await p.page.locator('.eval-split').textContent())!, /^在(测试集|验证集|训练集)上计算/);
		const text = await p.page.locator('.evaluation').innerText();
		assert.ok(!/Confusion matrix|Per class|Computed on/.test(text), text);
		assert.deepEqual(p.errors, []);
		await p.screenshot('l10n-evaluation-zh');
	});
});
