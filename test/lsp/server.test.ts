/** Black box: the bundled server (dist/server.js) spawned over stdio, spoken to in JSON-RPC. */
import { strict as assert } from 'node:assert';
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
	CodeActionRequest,
	CompletionRequest,
	DocumentSymbolRequest,
	FileChangeType,
	HoverRequest,
	InlayHintRequest,
	DidChangeWatchedFilesNotification,
	DidOpenTextDocumentNotification,
	ExitNotification,
	InitializedNotification,
	InitializeRequest,
	PublishDiagnosticsNotification,
	ShutdownRequest,
	type CompletionList,
	type Diagnostic,
} from 'vscode-languageserver-protocol';
import { createProtocolConnection, IPCMessageReader, IPCMessageWriter } from 'vscode-languageserver-protocol/node';
import { ArchitectureRequest, CodeLensesRequest } from '../../server/src/protocol';
import { ensureServerBuilt } from './build';
import { LspClient, ROOT, SERVER } from './client';

const EXAMPLES = path.join(ROOT, 'examples');
const iris = fs.readFileSync(path.join(EXAMPLES, 'iris.model.yaml'), 'utf8');
const codes = (ds: Diagnostic[]) => ds.map((d) => d.code);

describe('lsp: server over stdio', function () {
	this.timeout(30_000);
	let client: LspClient;
	let dir: string;
	const uri = (name: string) => pathToFileURL(path.join(dir, name)).toString();

	before(() => {
		ensureServerBuilt();
		dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-lsp-'));
	});
	beforeEach(async () => {
		client = await LspClient.start({ settings: { modelwright: {} }, rootUri: pathToFileURL(dir).toString() });
	});
	afterEach(async () => {
		if (client.alive) await client.stop();
	});
	after(() => fs.rmSync(dir, { recursive: true, force: true }));

	it('publishes diagnostics on open and after incremental changes, with the document version', async () => {
		const u = uri('iris.model.yaml');
		const first = client.waitForDiagnostics(u);
		await client.open(u, iris);
		const d1 = await first;
		assert.deepEqual(d1.diagnostics, []);
		assert.equal(d1.version, 1);
		// `units: 3` → `units: 1` on the output layer: softmax on one unit.
		const line = iris.split('\n').findIndex((l) => l.includes('units: 3'));
		const col = iris.split('\n')[line]!.indexOf('3');
		const second = client.waitForDiagnostics(u, (p) => p.version === 2);
		await client.change(u, 2, [{ range: { start: { line, character: col }, end: { line, character: col + 1 } }, text: '1' }]);
		const d2 = await second;
		assert.ok(codes(d2.diagnostics).includes('MW202'), JSON.stringify(d2.diagnostics));
		const mw = d2.diagnostics.find((d) => d.code === 'MW202')!;
		assert.equal(mw.source, 'modelwright');
		assert.match(mw.codeDescription!.href, /config\.md#mw202$/);
	});

	it('drops stale results: a burst of changes ends with diagnostics for the last version', async () => {
		const u = uri('burst.model.yaml');
		const opened = client.waitForDiagnostics(u);
		await client.open(u, iris);
		await opened;
		const last = client.waitForDiagnostics(u, (p) => p.version === 21);
		for (let v = 2; v <= 21; v++)
			await client.change(u, v, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: v % 2 ? '#' : '' }]);
		await last;
		assert.ok(
			client.diagnostics.get(u)!.every((p, i, all) => i === 0 || (p.version ?? 0) >= (all[i - 1]!.version ?? 0)),
			'versions never go back',
		);
	});

	it('answers completion, hover, inlay hints, symbols and the custom requests', async () => {
		const u = uri('iris2.model.yaml');
		const opened = client.waitForDiagnostics(u);
		await client.open(u, iris.replace('  loss: categoricalCrossentropy', '  loss: cat'));
		await opened;
		const lines = iris.split('\n');
		const lossLine = lines.findIndex((l) => l.startsWith('  loss:'));
		const list = (await client.conn.sendRequest(CompletionRequest.type, {
			textDocument: { uri: u },
			position: { line: lossLine, character: 11 },
		})) as CompletionList;
		assert.deepEqual(
			list.items.map((i) => i.label),
			['categoricalCrossentropy', 'sparseCategoricalCrossentropy'],
		);
		const typeLine = lines.findIndex((l) => l.includes('- type: dense'));
		const h = await client.conn.sendRequest(HoverRequest.type, { textDocument: { uri: u }, position: { line: typeLine, character: 14 } });
		assert.match((h!.contents as { value: string }).value, /\[null, 16\]\*\* · 80 params/);
		const hints = await client.conn.sendRequest(InlayHintRequest.type, {
			textDocument: { uri: u },
			range: { start: { line: 0, character: 0 }, end: { line: lines.length, character: 0 } },
		});
		assert.deepEqual(
			hints!.map((x) => x.label),
			['→ [null, 16] · 80 params', '→ [null, 16] · 0 params', '→ [null, 3] · 51 params', '131 params total'],
		);
		const syms = await client.conn.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri: u } });
		assert.ok(syms!.some((s) => s.name === 'training'));
		const lenses = await client.conn.sendRequest(CodeLensesRequest.type, { textDocument: { uri: u } });
		assert.deepEqual(
			lenses.map((l) => l.kind),
			['architecture'],
			'a config with an error gets no Train lens',
		);
		const arch = await client.conn.sendRequest(ArchitectureRequest.type, { textDocument: { uri: u } });
		assert.equal(arch!.model.totalParams, 131);
		assert.equal(arch!.layerRanges[0]!.start.line, typeLine);
	});

	it('returns quick fixes as workspace edits', async () => {
		const u = uri('fix.model.yaml');
		const broken = iris.replace('activation: softmax', 'activation: sigmoid');
		const got = client.waitForDiagnostics(u, (p) => p.diagnostics.length > 0);
		await client.open(u, broken);
		const d = (await got).diagnostics.find((x) => x.code === 'MW203')!;
		assert.ok(d, 'MW203 reported');
		const actions = await client.conn.sendRequest(CodeActionRequest.type, {
			textDocument: { uri: u },
			range: d.range,
			context: { diagnostics: [d] },
		});
		const fix = actions!.find((a) => 'edit' in a && a.title.includes('softmax')) as {
			edit: { changes: Record<string, { newText: string }[]> };
			isPreferred?: boolean;
		};
		assert.ok(fix, JSON.stringify(actions));
		assert.deepEqual(
			fix.edit.changes[u]!.map((e) => e.newText),
			['softmax'],
		);
		assert.equal(fix.isPreferred, true);
	});

	it('reads the CSV header asynchronously and re-checks when the file changes', async () => {
		const csv = path.join(dir, 'houses.csv');
		fs.writeFileSync(csv, 'area,rooms,price\n100,3,200\n80,2,150\n');
		const u = uri('houses.model.yaml');
		const text =
			'data:\n  source: {type: csv, path: houses.csv}\n  features: [area, rooms]\n  label: price\nmodel:\n  layers: [{type: dense, units: 1}]\ntraining: {loss: meanSquaredError, batchSize: 1}\n';
		await client.open(u, text.replace('[area, rooms]', '[area, bedrooms]'));
		// MW227 can only come from the header, so its arrival proves the file was read.
		const unknown = await client.waitForDiagnostics(u, (p) => codes(p.diagnostics).includes('MW227'));
		assert.match(unknown.diagnostics.find((x) => x.code === 'MW227')!.message, /bedrooms/);
		fs.writeFileSync(csv, 'area,bedrooms,price\n100,3,200\n80,2,150\n');
		const fixed = client.waitForDiagnostics(u, (p) => p.diagnostics.length === 0);
		await client.conn.sendNotification(DidChangeWatchedFilesNotification.type, {
			changes: [{ uri: pathToFileURL(csv).toString(), type: FileChangeType.Changed }],
		});
		await fixed;
	});
	it('answers the architecture request once the data file it names is read', async () => {
		fs.writeFileSync(path.join(dir, 'flats.csv'), 'area,rooms,price\n100,3,200\n80,2,150\n');
		const u = uri('flats.model.yaml');
		// No features: the input width comes from the header alone.
		await client.open(
			u,
			'data:\n  source: {type: csv, path: flats.csv}\n  label: price\nmodel:\n  layers: [{type: dense, units: 1}]\ntraining: {loss: meanSquaredError, batchSize: 1}\n',
		);
		const arch = await client.conn.sendRequest(ArchitectureRequest.type, { textDocument: { uri: u } });
		assert.deepEqual(arch!.model.inputShape, [null, 2]);
		assert.equal(arch!.model.inputLabel, 'area, rooms');
		assert.equal(arch!.version, 1);
	});

	it('reads settings per resource: severity overrides and lints off', async () => {
		await client.stop();
		client = await LspClient.start({
			settings: { modelwright: { severity: { MW220: 'error' }, lints: false } },
			rootUri: pathToFileURL(dir).toString(),
		});
		const u = uri('settings.model.yaml');
		const text = fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'diagnostics', 'validation.model.yaml'), 'utf8');
		const got = client.waitForDiagnostics(u);
		await client.open(u, text);
		const d = await got;
		assert.deepEqual(
			d.diagnostics.map((x) => [x.code, x.severity]),
			[['MW220', 1]],
		);
		const next = client.waitForDiagnostics(u, (p) => p.diagnostics.length === 2);
		await client.configure({ modelwright: {} });
		assert.deepEqual(codes((await next).diagnostics), ['MW222', 'MW220']);
	});

	it('checks MW233 against the memory budget setting (modelwright.engine.maxMemoryMB), else the machine’s', async () => {
		await client.stop();
		client = await LspClient.start({ settings: { modelwright: { engine: { maxMemoryMB: 1 } } }, rootUri: pathToFileURL(dir).toString() });
		const u = uri('budget.model.yaml');
		const text =
			'data:\n  source: {type: linear, samples: 100}\nmodel:\n  layers:\n    - {type: dense, units: 1000}\n    - {type: dense, units: 1000}\n    - {type: dense, units: 1}\ntraining:\n  loss: meanSquaredError\n';
		const got = client.waitForDiagnostics(u);
		await client.open(u, text);
		const refused = (await got).diagnostics.find((d) => d.code === 'MW233');
		assert.ok(refused, 'refused under a 1 MB budget');
		assert.match(refused.message, /more than the memory budget of 1\.00 MB/);
		const next = client.waitForDiagnostics(u, (p) => !codes(p.diagnostics).includes('MW233'));
		await client.configure({ modelwright: { engine: { maxMemoryMB: 0 } } });
		assert.ok(codes((await next).diagnostics).every((c) => c !== 'MW233' && !String(c).startsWith('MW1')));
	});

	it('survives garbage documents and requests at impossible positions', async () => {
		const u = uri('garbage.model.yaml');
		const got = client.waitForDiagnostics(u);
		await client.open(u, '\u0000{[: - :\n\t- &a *a\n  ]]]:::\n');
		assert.ok((await got).diagnostics.length > 0);
		for (const position of [
			{ line: 0, character: 0 },
			{ line: 99, character: 99 },
			{ line: 1, character: 3 },
		]) {
			await client.conn.sendRequest(CompletionRequest.type, { textDocument: { uri: u }, position });
			await client.conn.sendRequest(HoverRequest.type, { textDocument: { uri: u }, position });
		}
		assert.equal(
			await client.conn.sendRequest(HoverRequest.type, {
				textDocument: { uri: uri('never-opened.model.yaml') },
				position: { line: 0, character: 0 },
			}),
			null,
		);
		assert.ok(client.alive);
	});

	it('shuts down and exits with code 0', async () => {
		const r = await client.stop();
		assert.deepEqual(r, { code: 0, signal: null });
	});
});

describe('lsp: launcher', function () {
	this.timeout(30_000);
	it('starts through bin/modelwright-language-server.js --stdio', async () => {
		ensureServerBuilt();
		const c = await LspClient.start({ args: [path.join(ROOT, 'bin', 'modelwright-language-server.js'), '--stdio'] });
		const u = 'untitled:Untitled-1';
		const got = c.waitForDiagnostics(u);
		await c.open(u, 'model: {}\n');
		assert.ok(codes((await got).diagnostics).includes('MW104'));
		assert.equal((await c.stop()).code, 0);
	});
});

describe('lsp: default transport', function () {
	this.timeout(30_000);
	it('uses stdio when no transport flag is given', async () => {
		ensureServerBuilt();
		const c = await LspClient.start({ args: [SERVER] });
		const got = c.waitForDiagnostics('untitled:plain');
		await c.open('untitled:plain', 'model: {}\n');
		assert.ok(codes((await got).diagnostics).includes('MW104'));
		assert.equal((await c.stop()).code, 0);
	});
});

describe('lsp: node IPC transport', function () {
	this.timeout(30_000);
	it('speaks JSON-RPC over --node-ipc, as the VS Code client starts it', async () => {
		ensureServerBuilt();
		const child = fork(SERVER, ['--node-ipc'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
		const conn = createProtocolConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
		conn.listen();
		const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
		const init = await conn.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {} });
		assert.equal(init.capabilities.hoverProvider, true);
		await conn.sendNotification(InitializedNotification.type, {});
		const u = 'untitled:ipc';
		const got = new Promise<Diagnostic[]>((resolve) =>
			conn.onNotification(PublishDiagnosticsNotification.type, (p) => resolve(p.diagnostics)),
		);
		await conn.sendNotification(DidOpenTextDocumentNotification.type, {
			textDocument: { uri: u, languageId: 'yaml', version: 1, text: 'model: {}\n' },
		});
		assert.ok(codes(await got).includes('MW104'));
		await conn.sendRequest(ShutdownRequest.type);
		await conn.sendNotification(ExitNotification.type);
		assert.equal(await exited, 0);
		conn.dispose();
	});
});
