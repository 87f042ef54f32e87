/**
 * Black box: the bundled server told zh-CN, by LSP's own `locale` (what Neovim and others send)
 * or by our client's initializationOptions, answers in Chinese: diagnostics, quick-fix titles,
 * hovers (the schema's descriptions from the zh-CN overlay), inlay hints. Config keys and
 * values stay as written.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CodeActionRequest, HoverRequest, InlayHintRequest, type MarkupContent } from 'vscode-languageserver-protocol';
import { ensureServerBuilt } from './build';
import { LspClient, ROOT } from './client';

const iris = fs.readFileSync(path.join(ROOT, 'examples', 'iris.model.yaml'), 'utf8');
const CJK = /[\u4e00-\u9fff]/;

describe('lsp: the server speaks the client locale', function () {
	this.timeout(30_000);
	let dir: string;
	let client: LspClient | undefined;
	const uri = (name: string) => pathToFileURL(path.join(dir, name)).toString();

	before(function () {
		this.timeout(300_000); // a rebuild on a busy machine
		ensureServerBuilt();
		dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-lsp-l10n-'));
	});
	afterEach(async () => {
		if (client?.alive) await client.stop();
	});
	after(() => fs.rmSync(dir, { recursive: true, force: true }));

	async function brokenIris(c: LspClient, name: string) {
		const u = uri(name);
		const got = c.waitForDiagnostics(u, (p) => p.diagnostics.length > 0);
		await c.open(u, iris.replace('activation: softmax', 'activation: sigmoid'));
		const d = (await got).diagnostics.find((x) => x.code === 'MW203');
		assert.ok(d, 'MW203 reported');
		return { u, d };
	}

	it('LSP locale zh-cn: a Chinese diagnostic, quick-fix title, hover and inlay hint', async () => {
		client = await LspClient.start({ settings: { modelwright: {} }, rootUri: pathToFileURL(dir).toString(), locale: 'zh-cn' });
		const { u, d } = await brokenIris(client, 'zh.model.yaml');
		assert.match(d.message, CJK);
		assert.match(d.message, /`categoricalCrossentropy`.*`sigmoid`.*`softmax`/, 'names stay as written');

		const actions = await client.conn.sendRequest(CodeActionRequest.type, {
			textDocument: { uri: u },
			range: d.range,
			context: { diagnostics: [d] },
		});
		const titles = (actions ?? []).map((a) => a.title);
		assert.ok(titles.includes('将激活函数改为 softmax'), JSON.stringify(titles));

		const lines = iris.split('\n');
		const unitsLine = lines.findIndex((l) => l.includes('units: 3'));
		const h = await client.conn.sendRequest(HoverRequest.type, { textDocument: { uri: u }, position: { line: unitsLine, character: 7 } });
		const text = (h!.contents as MarkupContent).value;
		assert.match(text, /输出单元/, text); // the description of `units`, from the overlay
		assert.match(text, /默认值|示例|范围/, text);
		assert.ok(!/Number of output units/.test(text), text);

		const hints = await client.conn.sendRequest(InlayHintRequest.type, {
			textDocument: { uri: u },
			range: { start: { line: 0, character: 0 }, end: { line: lines.length, character: 0 } },
		});
		assert.ok(
			hints?.some((x) => typeof x.label === 'string' && /个参数/.test(x.label)),
			JSON.stringify(hints),
		);
	});

	it('initializationOptions.locale wins; without a locale the server speaks English', async () => {
		client = await LspClient.start({
			settings: { modelwright: {} },
			rootUri: pathToFileURL(dir).toString(),
			locale: 'en',
			initializationOptions: { locale: 'zh-CN' },
		});
		const zh = await brokenIris(client, 'opts.model.yaml');
		assert.match(zh.d.message, CJK);
		await client.stop();

		client = await LspClient.start({ settings: { modelwright: {} }, rootUri: pathToFileURL(dir).toString() });
		const en = await brokenIris(client, 'en.model.yaml');
		assert.doesNotMatch(en.d.message, CJK);
		assert.match(en.d.message, /expects a probability distribution/);
	});

	it('LSP locale zh-cn: the YAML parser errors (MW001) in Chinese, at the ranges English reports', async () => {
		const text = iris.replace(/^model:/m, 'model:\n\t  bad: 1');
		client = await LspClient.start({ settings: { modelwright: {} }, rootUri: pathToFileURL(dir).toString(), locale: 'zh-cn' });
		const u = uri('yaml-zh.model.yaml');
		const got = client.waitForDiagnostics(u, (p) => p.diagnostics.some((d) => d.code === 'MW001'));
		await client.open(u, text);
		const zh = (await got).diagnostics.filter((d) => d.code === 'MW001');
		await client.stop();
		client = await LspClient.start({ settings: { modelwright: {} }, rootUri: pathToFileURL(dir).toString() });
		const u2 = uri('yaml-en.model.yaml');
		const got2 = client.waitForDiagnostics(u2, (p) => p.diagnostics.some((d) => d.code === 'MW001'));
		await client.open(u2, text);
		const en = (await got2).diagnostics.filter((d) => d.code === 'MW001');
		assert.ok(zh.length > 0 && zh.some((d) => /制表符/.test(d.message)), JSON.stringify(zh));
		for (const d of zh) assert.match(d.message, CJK);
		for (const d of en) assert.doesNotMatch(d.message, CJK);
		assert.deepEqual(
			zh.map((d) => d.range),
			en.map((d) => d.range),
		);
	});
});
