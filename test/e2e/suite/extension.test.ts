/**
 * Extension-host tests: the real `vscode` API in code-server, the real language server, the real
 * engine process training with TensorFlow.js. The workspace is prepared by test/e2e/exthost.mjs.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ModelwrightApi } from '../../../client/src/extension';
import { COMMANDS } from '../../../client/src/manifest';

const ws = () => vscode.workspace.workspaceFolders![0]!.uri;
const file = (rel: string) => vscode.Uri.joinPath(ws(), rel);

/** Polls `fn` until it returns a truthy value (no fixed sleeps). */
async function until<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
	const end = Date.now() + timeoutMs;
	for (;;) {
		const v = await fn();
		if (v) return v;
		if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 100));
	}
}

async function api(): Promise<ModelwrightApi> {
	const ext = vscode.extensions.getExtension<ModelwrightApi>('modelwright.modelwright');
	assert.ok(ext, 'extension is installed');
	return ext.isActive ? ext.exports : ext.activate();
}

async function open(rel: string): Promise<vscode.TextEditor> {
	const doc = await vscode.workspace.openTextDocument(file(rel));
	return vscode.window.showTextDocument(doc);
}

const diagnosticsOf = (uri: vscode.Uri, code?: string) =>
	vscode.languages.getDiagnostics(uri).filter((d) => code === undefined || (typeof d.code === 'object' ? d.code.value : d.code) === code);

describe('Modelwright in VS Code', function () {
	this.timeout(120_000);

	it('activates on a model config and registers every command', async () => {
		await open('broken.model.yaml');
		const a = await api();
		assert.ok(a.engine && a.jobs && a.runs);
		assert.equal(vscode.window.activeTextEditor?.document.languageId, 'modelwright');
		const all = await vscode.commands.getCommands(true);
		for (const id of Object.keys(COMMANDS)) assert.ok(all.includes(id), `command ${id} registered`);
	});

	it('shows diagnostics for a broken config', async () => {
		const uri = file('broken.model.yaml');
		const d = await until('MW101 on broken.model.yaml', () => diagnosticsOf(uri, 'MW101')[0]);
		assert.match(d.message, /Did you mean `units`\?/);
		assert.equal(d.source, 'modelwright');
		assert.equal(d.range.start.line, 5);
	});

	it('offers completion items for layer types', async () => {
		const editor = await open('linear.model.yaml');
		const line = editor.document
			.getText()
			.split('\n')
			.findIndex((l) => l.includes('type: dense'));
		const pos = new vscode.Position(line, editor.document.lineAt(line).text.indexOf('dense'));
		const list = await until('completions', async () => {
			const l = await vscode.commands.executeCommand<vscode.CompletionList>(
				'vscode.executeCompletionItemProvider',
				editor.document.uri,
				pos,
			);
			return l.items.length ? l : undefined;
		});
		const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
		for (const t of ['dense', 'dropout', 'conv2d', 'lstm'])
			assert.ok(labels.includes(t), `completion offers ${t}: ${labels.slice(0, 20).join(', ')}`);
	});

	it('hovers a loss with its formula', async () => {
		const editor = await open('linear.model.yaml');
		const text = editor.document.getText();
		const pos = editor.document.positionAt(text.indexOf('meanSquaredError') + 3);
		const hovers = await until('hover', async () => {
			const h = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, pos);
			return h.length ? h : undefined;
		});
		const md = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
		assert.match(md, /MSE/);
	});

	it('shows shapes and parameter counts as inlay hints', async () => {
		const editor = await open('linear.model.yaml');
		const doc = editor.document;
		const hints = await until('inlay hints', async () => {
			const h = await vscode.commands.executeCommand<vscode.InlayHint[]>(
				'vscode.executeInlayHintProvider',
				doc.uri,
				new vscode.Range(0, 0, doc.lineCount, 0),
			);
			return h.length ? h : undefined;
		});
		const labels = hints.map((h) => (typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join(''))).join(' | ');
		assert.match(labels, /\[null, 1\]/);
		assert.match(labels, /2 params/);
	});

	it('applies a quick fix that removes the diagnostic', async () => {
		const editor = await open('broken.model.yaml');
		const uri = editor.document.uri;
		const d = await until('MW101', () => diagnosticsOf(uri, 'MW101')[0]);
		const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
			'vscode.executeCodeActionProvider',
			uri,
			d.range,
			vscode.CodeActionKind.QuickFix.value,
		);
		const fix = actions.find((a) => /units/.test(a.title));
		assert.ok(fix?.edit, `a fix replacing the key: ${actions.map((a) => a.title).join(', ')}`);
		assert.ok(await vscode.workspace.applyEdit(fix.edit));
		assert.match(editor.document.lineAt(5).text, /^\s+units: 1$/);
		await until('MW101 gone', () => diagnosticsOf(uri, 'MW101').length === 0);
		await editor.document.save();
	});

	it('trains the linear-regression example through the background engine', async () => {
		const a = await api();
		const outcome = await vscode.commands.executeCommand<Awaited<ReturnType<ModelwrightApi['train']>>>(
			'modelwright.train',
			file('linear.model.yaml'),
		);
		assert.equal(outcome.state, 'succeeded', outcome.error);
		assert.ok(outcome.runDir && fs.existsSync(path.join(outcome.runDir, 'summary.json')), 'run folder on disk');
		const summary = JSON.parse(fs.readFileSync(path.join(outcome.runDir, 'summary.json'), 'utf8')) as { status: string };
		assert.equal(summary.status, 'completed');
		const lines = fs.readFileSync(path.join(outcome.runDir, 'metrics.jsonl'), 'utf8').trim().split('\n');
		assert.equal(lines.length, 50);
		assert.ok(outcome.weights, 'weights of the 1-unit model are reported');
		assert.ok(Math.abs(outcome.weights.weight[0]! - 2) < 0.15, `slope ≈ 2, got ${outcome.weights.weight[0]}`);
		const runs = await until('run in the Runs view', async () => (await a.runs.refresh()).find((r) => r.dir.fsPath === outcome.runDir));
		assert.equal(runs.status, 'completed');
	});

	it('Stop cancels a long run and leaves a consistent run folder', async () => {
		const a = await api();
		const done = a.train(file('long.model.yaml'));
		await until('a few epochs', () => (a.jobs.current?.epoch ?? 0) >= 3);
		assert.ok(await vscode.commands.executeCommand('modelwright.stop'));
		const outcome = await done;
		assert.equal(outcome.state, 'cancelled');
		assert.ok(outcome.runDir);
		const summary = JSON.parse(fs.readFileSync(path.join(outcome.runDir, 'summary.json'), 'utf8')) as { status: string };
		assert.equal(summary.status, 'cancelled');
		const lines = fs.readFileSync(path.join(outcome.runDir, 'metrics.jsonl'), 'utf8').trim().split('\n');
		assert.ok(lines.length >= 3);
		for (const l of lines) JSON.parse(l);
	});

	it('evaluates, predicts with and exports a finished run through the engine', async () => {
		const a = await api();
		const run = (await a.runs.refresh()).find((r) => r.status === 'completed' && r.name === 'linear-regression');
		assert.ok(run, 'a finished linear-regression run');
		const ev = await vscode.commands.executeCommand<Awaited<ReturnType<ModelwrightApi['train']>>>('modelwright.evaluate', run.dir.fsPath);
		assert.equal(ev.state, 'succeeded', ev.error);
		assert.ok((ev.result?.evaluation?.r2 ?? 0) > 0.8, JSON.stringify(ev.result));
		const p = await vscode.commands.executeCommand<Awaited<ReturnType<ModelwrightApi['train']>>>(
			'modelwright.predict',
			run.dir.fsPath,
			'x=3',
		);
		assert.equal(p.state, 'succeeded', p.error);
		const y = Number(p.result?.predictions?.[0]);
		assert.ok(Math.abs(y - 6) < 0.8, `y(3) ≈ 2·3, got ${y}`);
		const out = vscode.Uri.joinPath(ws(), 'exported');
		const x = await vscode.commands.executeCommand<Awaited<ReturnType<ModelwrightApi['train']>>>(
			'modelwright.exportModel',
			run.dir.fsPath,
			out,
			['tfjs', 'onnx'],
		);
		assert.equal(x.state, 'succeeded', x.error);
		for (const f of ['model.json', 'preprocessing.json', 'model.onnx']) assert.ok(fs.existsSync(path.join(out.fsPath, f)), f);
	});

	it('provides a modelwright task per config that trains with the CLI', async () => {
		const tasks = await vscode.tasks.fetchTasks({ type: 'modelwright' });
		const task = tasks.find((t) => (t.definition as { config?: string }).config === 'linear.model.yaml');
		assert.ok(task, `tasks: ${tasks.map((t) => t.name).join(', ')}`);
		const ended = new Promise<number | undefined>((resolve) => {
			const sub = vscode.tasks.onDidEndTaskProcess((e) => {
				if (e.execution.task.name === task.name) {
					sub.dispose();
					resolve(e.exitCode);
				}
			});
		});
		await vscode.tasks.executeTask(task);
		assert.equal(await ended, 0, 'the CLI exited 0');
	});

	it('opens the architecture panel and the curves of a run', async () => {
		const a = await api();
		await vscode.commands.executeCommand('modelwright.showArchitecture', file('linear.model.yaml'));
		await until('architecture panel', () => a.panels.openPanels().includes('architecture'));
		const run = (await a.runs.refresh()).find((r) => r.status === 'completed');
		assert.ok(run, 'a completed run exists');
		await vscode.commands.executeCommand('modelwright.showCurves', run.dir.fsPath);
		await until('curves panel', () => a.panels.openPanels().includes('curves'));
		await vscode.commands.executeCommand('modelwright.showEvaluation', run.dir.fsPath);
		await until('evaluation panel', () => a.panels.openPanels().includes('evaluation'));
	});

	it('tunes a small grid in a worker and applies the best trial to the config', async () => {
		const a = await api();
		const uri = file('sweep.model.yaml');
		const outcome = await vscode.commands.executeCommand<Awaited<ReturnType<ModelwrightApi['train']>>>('modelwright.tune', uri);
		assert.equal(outcome.state, 'succeeded', outcome.error);
		const best = outcome.result?.best;
		assert.ok(best && outcome.result?.sweepDir, 'a best trial and its sweep folder');
		await until('trials panel', () => a.panels.openPanels().includes('tuning'));
		const sweep = JSON.parse(fs.readFileSync(path.join(outcome.result.sweepDir, 'sweep.json'), 'utf8')) as { trials: { status: string }[] };
		assert.deepEqual(
			sweep.trials.map((t) => t.status),
			['completed', 'completed'],
		);
		assert.ok(await vscode.commands.executeCommand('modelwright.applyBestTrial', uri, outcome.result.sweepDir));
		const doc = await vscode.workspace.openTextDocument(uri);
		assert.match(doc.getText(), new RegExp(`\\n      units: ${best.params['model.layers[0].units']}\\n      activation: tanh`));
	});

	it('recovers when the engine is killed mid-run: the running job fails, the queued one still runs', async () => {
		const a = await api();
		const done = a.train(file('long.model.yaml'));
		await until('training under way', () => (a.jobs.current?.epoch ?? 0) >= 2);
		const queued = a.train(file('linear.model.yaml'), { epochs: 3 });
		await until('a job queued behind it', () => a.engine.activeJobs().some((j) => j.state === 'queued'));
		const pid = a.engine.pid;
		assert.ok(a.engine.killForTest('SIGKILL'));
		const outcome = await done;
		assert.equal(outcome.state, 'failed');
		assert.match(outcome.error ?? '', /killed/);
		const next = await queued;
		assert.equal(next.state, 'succeeded', next.error);
		assert.notEqual(a.engine.pid, pid, 'a new engine process ran the queued job');
		const run = (await a.runs.refresh()).find((r) => r.dir.fsPath === outcome.runDir);
		assert.ok(run, 'the killed run is still listed');
		assert.equal(run.status, 'interrupted');
	});
});
