// UI smoke test: the VSIX installed into a real code-server, driven in Debian's Chromium like a
// person would: open a config, see the squiggle and the Problems entry, train from the command
// palette, see the status bar progress and the finished run in the Runs view, the architecture
// graph (the Transformer's residual adds). Then a zh-CN pass: code-server started with
// `--locale zh-cn`, where a hover, a diagnostic and a panel must be Chinese.
// UI_PASSES=en or UI_PASSES=zh-cn runs one pass.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { REPO, installLocalePack, installVsix, keepArtifacts, launchBrowser, prepareRun, startCodeServer } from './harness.mjs';
import { workspaceFiles } from './workspace.mjs';

const t0 = Date.now();
const lap = (m) => console.log(`[ui ${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);
const VSIX = process.env.VSIX ?? path.join(REPO, 'modelwright.vsix');
const steps = [];
const step = async (name, fn) => {
	try {
		await fn();
		steps.push([name, 'passed']);
		lap(`ok ${name}`);
	} catch (err) {
		steps.push([name, 'failed', err]);
		throw err;
	}
};

const PASSES = (process.env.UI_PASSES ?? 'en,zh-cn').split(',');

/** One code-server with the VSIX (and the locale's pack) and a browser page on the workspace. */
async function session(name, locale) {
	const run = prepareRun(name, workspaceFiles());
	await installVsix(run, VSIX);
	if (locale) await installLocalePack(run, locale);
	lap(`${name}: vsix installed`);
	const cs = await startCodeServer(run, locale ? { args: ['--locale', locale] } : {});
	const ctx = await launchBrowser(run);
	const page = ctx.pages()[0] ?? (await ctx.newPage());
	page.setDefaultTimeout(30_000);
	const quickInput = page.locator('.quick-input-widget input');
	return {
		run,
		page,
		shot: (n) => page.screenshot({ path: path.join(run.dir, n) }),
		editor: page.locator('.editor-instance .monaco-editor').first(),
		/** The active webview's document (VS Code nests the page in two iframes). */
		webview: () => page.frameLocator('iframe.webview.ready').first().frameLocator('#active-frame'),
		async openFile(file) {
			await page.keyboard.press('Control+P');
			await quickInput.waitFor();
			await quickInput.fill(file);
			await page.locator('.quick-input-list .monaco-list-row', { hasText: file }).first().waitFor();
			await page.keyboard.press('Enter');
		},
		async runCommand(title) {
			await page.keyboard.press('F1');
			await quickInput.waitFor();
			await quickInput.fill(`>${title}`);
			await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor();
			await page.keyboard.press('Enter');
		},
		async ready() {
			await page.goto(`${cs.url}/?folder=${encodeURIComponent(run.ws)}`);
			await page.locator('.monaco-workbench').waitFor();
			await page.getByRole('treeitem', { name: 'linear.model.yaml' }).waitFor({ timeout: 60_000 });
			// The extension's contributions are registered (its view container in the activity bar).
			await page.locator('.activitybar .action-item a[aria-label^="Modelwright"]').first().waitFor({ timeout: 60_000 });
		},
		async close(ok) {
			await ctx.close().catch(() => {});
			await cs.stop();
			const dest = keepArtifacts(run);
			if (!ok) console.log(`artifacts: ${dest}`);
		},
	};
}

async function englishPass() {
	const ui = await session('ui');
	const { page, shot, editor, webview, openFile, runCommand } = ui;
	let ok = false;
	try {
		await step('workbench ready', () => ui.ready());
		await step('broken config shows a squiggle and a Problems entry', async () => {
			await openFile('broken.model.yaml');
			await editor.locator('.view-line', { hasText: 'untis' }).waitFor();
			await editor.locator('.squiggly-error').first().waitFor({ timeout: 60_000 });
			await page.keyboard.press('Control+Shift+M');
			await page.locator('.markers-panel .monaco-list-row', { hasText: 'Unknown key `untis`' }).first().waitFor();
			await shot('problems.png');
		});
		await step('Train from the command palette shows progress and finishes', async () => {
			await openFile('linear.model.yaml');
			await editor.locator('.view-line', { hasText: 'meanSquaredError' }).waitFor();
			await runCommand('Modelwright: Train');
			const status = page.locator('.statusbar-item', { hasText: /epoch \d+\/50/ });
			await status.first().waitFor({ timeout: 60_000 });
			await shot('training.png');
			await page
				.locator('.notifications-toasts .notification-toast', { hasText: /finished/ })
				.first()
				.waitFor({ timeout: 120_000 });
		});
		/** The loss read from the loss chart's tooltip at a fraction of its width (metrics have charts of their own). */
		async function lossAt(frame, fraction) {
			const over = frame.locator('.curves-chart[data-pane="loss"] .u-over');
			const box = await over.boundingBox();
			await page.mouse.move(box.x + box.width * fraction, box.y + box.height / 2);
			const row = frame.locator('.curves-tooltip-row', { has: frame.locator('.curves-tooltip-name', { hasText: /^loss$/ }) });
			await row.first().waitFor();
			return Number(await row.first().locator('.curves-tooltip-value').innerText());
		}
		await step('training opened the loss-curve panel and it shows a falling curve', async () => {
			const curves = webview();
			await curves.locator('.curves-run-toggle', { hasText: 'linear-regression' }).first().waitFor({ timeout: 60_000 });
			await curves.locator('.curves-key-toggle', { hasText: 'val_loss' }).first().waitFor();
			const early = await lossAt(curves, 0.03);
			const late = await lossAt(curves, 0.97);
			assert.ok(Number.isFinite(early) && Number.isFinite(late) && late < early, `loss falls: ${early} → ${late}`);
			await shot('curves.png');
		});
		await step('the finished run appears in the Runs view', async () => {
			await page.locator('.activitybar .action-item a[aria-label^="Modelwright"]').first().click();
			const item = page.getByRole('treeitem', { name: /linear-regression completed/ });
			await item.first().waitFor({ timeout: 30_000 });
			await shot('runs-view.png');
			const runsDir = path.join(ui.run.ws, '.modelwright', 'runs');
			assert.ok(fs.existsSync(runsDir) && fs.readdirSync(runsDir).length >= 1, 'a run folder on disk');
		});
		await step('Show Architecture draws the graph and a click moves the editor cursor', async () => {
			// Close the curves panel so the architecture webview is the only one, then open the config from the explorer.
			await page.locator('.tab', { hasText: 'Loss Curves' }).locator('.tab-actions .codicon-close').click();
			await page.locator('.tab', { hasText: 'Loss Curves' }).waitFor({ state: 'detached' });
			await page.locator('.activitybar .action-item a[aria-label^="Explorer"]').first().click();
			await page.getByRole('treeitem', { name: 'linear.model.yaml' }).click();
			await editor.locator('.view-line', { hasText: 'type: dense' }).waitFor();
			await runCommand('Modelwright: Show Architecture');
			const arch = webview();
			const node = arch.locator('.arch-node[data-index="0"]');
			await node.waitFor({ timeout: 60_000 });
			assert.match(await node.evaluate((n) => n.textContent ?? ''), /dense/);
			assert.match(await arch.locator('body').innerText(), /\[null, 1\]/);
			await shot('architecture.png');
			await node.click();
			// The cursor moves to the layer's line (line 21: `- type: dense`).
			await page
				.locator('.statusbar-item', { hasText: /Ln 21, Col \d+/ })
				.first()
				.waitFor({ timeout: 15_000 });
		});
		await step("the Transformer example's graph shows the residual adds (merge nodes) inside its encoder block", async () => {
			await openFile('transformer.model.yaml');
			await editor.locator('.view-line', { hasText: 'name: transformer' }).waitFor();
			// Room for the graph: hide the bottom panel (Problems).
			await page.keyboard.press('Control+J');
			await page.locator('.markers-panel').waitFor({ state: 'hidden' });
			// The open panel follows the config being edited.
			const arch = webview();
			const block = arch.locator('.arch-node.arch-block[data-type="transformerEncoder"]');
			await block.waitFor({ timeout: 60_000 });
			assert.match(await block.locator(':scope > text').first().textContent(), /^transformerEncoder\s+transformerEncoder_1$/);
			const merges = block.locator('.arch-part.arch-merge[data-type="add"]');
			assert.equal(await merges.count(), 2, 'the two residual adds of the encoder block');
			for (const text of await merges.evaluateAll((gs) => gs.map((g) => g.textContent ?? '')))
				assert.match(text, /^add · residual.*out \[null, 10, 32\]/);
			// Drawn, not just present: each add has a box inside the block's box.
			const inside = await block.evaluate((g) => {
				const outer = g.querySelector('.arch-node-box').getBoundingClientRect();
				return Array.from(g.querySelectorAll('.arch-part.arch-merge')).map((m) => {
					const r = m.getBoundingClientRect();
					return (
						r.width > 20 &&
						r.height > 20 &&
						r.left >= outer.left &&
						r.right <= outer.right &&
						r.top >= outer.top &&
						r.bottom <= outer.bottom
					);
				});
			});
			assert.deepEqual(inside, [true, true]);
			await merges.first().scrollIntoViewIfNeeded();
			await shot('architecture-transformer.png');
		});
		await step('two-inputs: a node per named input; a click reveals its model.inputs entry and the cursor there selects it', async () => {
			await openFile('two-inputs.model.yaml');
			await editor.locator('.view-line', { hasText: 'name: two-inputs' }).waitFor();
			const arch = webview();
			const text = arch.locator('.arch-node.arch-input[data-input="1"]');
			await text.waitFor({ timeout: 60_000 });
			assert.equal(await arch.locator('.arch-node.arch-input').count(), 2);
			assert.equal(await text.evaluate((n) => n.textContent ?? ''), 'Input textshape [null, 10]review');
			await text.click();
			// `- name: text` is line 26 of the example.
			await page
				.locator('.statusbar-item', { hasText: /Ln 26, Col \d+/ })
				.first()
				.waitFor({ timeout: 15_000 });
			// The reveal focused the editor: two lines up is `- name: numbers`, input 0.
			await page.keyboard.press('ArrowUp');
			await page.keyboard.press('ArrowUp');
			await page
				.locator('.statusbar-item', { hasText: /Ln 24, Col \d+/ })
				.first()
				.waitFor({ timeout: 15_000 });
			await arch.locator('.arch-node.selected[data-input="0"]').waitFor({ timeout: 15_000 });
			await shot('architecture-two-inputs.png');
		});
		ok = true;
	} catch (err) {
		console.error(err);
		await shot('failure.png').catch(() => {});
	} finally {
		await ui.close(ok);
	}
	return ok;
}

/** zh-CN: a diagnostic, a hover and a panel in Chinese (config keys, metric names and shapes as written). */
async function chinesePass() {
	const ui = await session('ui-zh-cn', 'zh-cn');
	const { page, shot, editor, webview, openFile, runCommand } = ui;
	let ok = false;
	try {
		await step('zh-cn: workbench ready', () => ui.ready());
		await step('zh-cn: the diagnostic of an unknown key is Chinese, in the editor and in Problems', async () => {
			await openFile('broken.model.yaml');
			await editor.locator('.view-line', { hasText: 'untis' }).waitFor();
			await editor.locator('.squiggly-error').first().waitFor({ timeout: 60_000 });
			await page.keyboard.press('Control+Shift+M');
			await page.locator('.markers-panel .monaco-list-row', { hasText: '未知的键 `untis`' }).first().waitFor();
			assert.equal(await page.locator('.markers-panel .monaco-list-row', { hasText: 'Unknown key' }).count(), 0, 'no English diagnostic');
			await shot('problems-zh-cn.png');
			await page.keyboard.press('Control+Shift+M');
		});
		await step('zh-cn: the hover of a config key is Chinese', async () => {
			await openFile('linear.model.yaml');
			const key = editor.locator('.view-line span span', { hasText: /^units$/ }).first();
			await key.waitFor();
			const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: '输出单元（神经元）的数量' });
			// Monaco shows a hover after a short delay; a second move retries a hover missed while the server was starting.
			for (let i = 0; ; i++) {
				await page.mouse.move(0, 0);
				await key.hover();
				try {
					await hover.first().waitFor({ timeout: 10_000 });
					break;
				} catch (err) {
					if (i === 3) throw err;
				}
			}
			assert.match(await hover.first().innerText(), /units/);
			await shot('hover-zh-cn.png');
			await page.mouse.move(0, 0);
		});
		await step('zh-cn: the architecture panel is Chinese', async () => {
			await runCommand('Modelwright: 显示架构');
			const arch = webview();
			const node = arch.locator('.arch-node[data-index="0"]');
			await node.waitFor({ timeout: 60_000 });
			assert.match(await arch.locator('.arch-summary').innerText(), /^1 层 · 参数总数：2 · 可训练：2 · 不可训练：0$/);
			assert.equal(await arch.locator('#tab-graph').innerText(), '层');
			assert.equal(await arch.locator('#tab-pipeline').innerText(), '流水线');
			assert.match(await node.evaluate((n) => n.textContent ?? ''), /输出 \[null, 1\]/);
			assert.match(await arch.locator('.arch-node[data-id="input"]').evaluate((n) => n.textContent ?? ''), /^输入形状 \[null, 1\]/);
			await page.locator('.tab', { hasText: '架构' }).first().waitFor();
			await shot('architecture-zh-cn.png');
		});
		ok = true;
	} catch (err) {
		console.error(err);
		await shot('failure-zh-cn.png').catch(() => {});
	} finally {
		await ui.close(ok);
	}
	return ok;
}

let ok = true;
if (PASSES.includes('en')) ok = (await englishPass()) && ok;
if (PASSES.includes('zh-cn')) ok = (await chinesePass()) && ok;
const passed = steps.filter((s) => s[1] === 'passed').length;
const failed = steps.filter((s) => s[1] === 'failed').length;
console.log(`ui: ${passed} passed, ${failed} failed`);
process.exit(ok && failed === 0 ? 0 : 1);
