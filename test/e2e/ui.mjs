// UI smoke test: the VSIX installed into a real code-server, driven in Debian's Chromium like a
// person would: open a config, see the squiggle and the Problems entry, train from the command
// palette, see the status bar progress and the finished run in the Runs view.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { REPO, installVsix, keepArtifacts, launchBrowser, prepareRun, startCodeServer } from './harness.mjs';
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

const run = prepareRun('ui', workspaceFiles());
await installVsix(run, VSIX);
lap('vsix installed');
const cs = await startCodeServer(run);
const ctx = await launchBrowser(run);
const page = ctx.pages()[0] ?? (await ctx.newPage());
page.setDefaultTimeout(30_000);
const shot = (n) => page.screenshot({ path: path.join(run.dir, n) });
const quickInput = page.locator('.quick-input-widget input');

async function openFile(name) {
	await page.keyboard.press('Control+P');
	await quickInput.waitFor();
	await quickInput.fill(name);
	await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
	await page.keyboard.press('Enter');
}

async function runCommand(title) {
	await page.keyboard.press('F1');
	await quickInput.waitFor();
	await quickInput.fill(`>${title}`);
	await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor();
	await page.keyboard.press('Enter');
}

let ok = false;
try {
	await step('workbench ready', async () => {
		await page.goto(`${cs.url}/?folder=${encodeURIComponent(run.ws)}`);
		await page.locator('.monaco-workbench').waitFor();
		await page.getByRole('treeitem', { name: 'linear.model.yaml' }).waitFor({ timeout: 60_000 });
	});
	const editor = page.locator('.editor-instance .monaco-editor').first();
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
	const webview = () => page.frameLocator('iframe.webview.ready').first().frameLocator('#active-frame');
	/** The loss read from the chart's tooltip at a fraction of its width. */
	async function lossAt(frame, fraction) {
		const over = frame.locator('.u-over');
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
		const runsDir = path.join(run.ws, '.modelwright', 'runs');
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
	ok = true;
} catch (err) {
	console.error(err);
	await shot('failure.png').catch(() => {});
} finally {
	await ctx.close().catch(() => {});
	await cs.stop();
}
const passed = steps.filter((s) => s[1] === 'passed').length;
const failed = steps.filter((s) => s[1] === 'failed').length;
if (!ok) console.log(`artifacts: ${keepArtifacts(run)}`);
else keepArtifacts(run);
console.log(`ui: ${passed} passed, ${failed} failed`);
process.exit(ok ? 0 : 1);
