/**
 * Activation: cheap. The language client starts (a forked server), commands and views are
 * registered; the engine process, panels and output channels are created on first use.
 * Activation errors are shown, then rethrown (VS Code would otherwise swallow them).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { JobOutcome } from './jobs';
import { ConfigLenses } from './codeLens';
import { EngineHost } from './engine';
import { Jobs } from './jobs';
import { createLanguageClient } from './languageClient';
import { isConfigFile, type BackendChoice } from '../../engine/core/facts';
import { COMMANDS, LANGUAGE_ID, RUNS_VIEW, TASK_TYPE, type CommandId } from './manifest';
import { disposeChannels, engineChannel, serverChannel } from './output';
import { Panels } from './panels';
import { RunsProvider, type RunRecord } from './runsView';
import { onSettingsChanged, getSettings } from './settings';
import { TrainTaskProvider } from './tasks';
import { applyParamsEdits } from '../../engine/core/tune/apply';
import { readRunSummary } from '../../engine/io/store';
import { findSweeps, type FoundSweep } from '../../engine/io/sweeps';
import { newConfig } from './templates';

/** What tests (in the extension host) can reach through the extension's exports. */
export interface ModelwrightApi {
	engine: EngineHost;
	jobs: Jobs;
	runs: RunsProvider;
	panels: Panels;
	client: () => LanguageClient | undefined;
	train(uri: vscode.Uri, extra?: { backend?: BackendChoice; epochs?: number }): Promise<JobOutcome>;
	/** How long activate() took (the activation benchmark reads it). */
	activationMs?: number;
}

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<ModelwrightApi> {
	const t0 = performance.now();
	try {
		const api = await realActivate(context);
		api.activationMs = performance.now() - t0;
		return api;
	} catch (err) {
		const message = err instanceof Error ? err.message : String(err);
		void vscode.window.showErrorMessage(vscode.l10n.t('Modelwright failed to activate: {0}', message));
		throw err;
	}
}

async function realActivate(context: vscode.ExtensionContext): Promise<ModelwrightApi> {
	const engine = new EngineHost(context.asAbsolutePath('dist/engine.js'));
	const jobs = new Jobs(engine);
	const runs = new RunsProvider();
	const languageClient = createLanguageClient(context);
	client = languageClient;
	const panels = new Panels(context, runs, languageClient);
	const lenses = new ConfigLenses(() => client);
	context.subscriptions.push(engine, jobs, runs, panels, { dispose: disposeChannels });

	void languageClient.start().then(() => lenses.refresh(), (err: unknown) => serverChannel().error(`language server failed to start: ${String(err)}`));
	context.subscriptions.push({ dispose: () => void client?.stop() });

	context.subscriptions.push(
		vscode.window.createTreeView(RUNS_VIEW, { treeDataProvider: runs, showCollapseAll: true, canSelectMany: true }),
		vscode.languages.registerCodeLensProvider({ language: LANGUAGE_ID }, lenses),
		vscode.tasks.registerTaskProvider(TASK_TYPE, new TrainTaskProvider(context.asAbsolutePath('dist/cli.js'))),
		jobs.onDidChange((v) => { if (v.state !== 'queued') runs.scheduleRefresh(); }),
		engine.onJobEvent(({ jobId, event }) => panels.onJobEvent(jobId, event)),
		engine.onJobState(() => runs.scheduleRefresh()),
		onSettingsChanged(['engine.concurrency'], () => void engine.configure(getSettings()['engine.concurrency'])),
		onSettingsChanged(['codeLens'], () => lenses.refresh()),
		vscode.workspace.onDidGrantWorkspaceTrust(() => lenses.refresh()),
	);
	void runs.refresh();

	const train = async (uri: vscode.Uri, extra: { backend?: BackendChoice; epochs?: number } = {}): Promise<JobOutcome> => {
		const settings = getSettings(uri);
		const opening = settings['panels.autoOpen'];
		const outcome = jobs.run('train', uri, { ...(extra.backend ? { backend: extra.backend } : {}), ...(extra.epochs ? { overrides: { epochs: extra.epochs } } : {}) });
		if (opening) panels.followTraining();
		return outcome;
	};

	const handlers: Record<CommandId, (...args: any[]) => unknown> = {
		'modelwright.newConfig': (args?: { template?: string; target?: vscode.Uri }) => newConfig(context.extensionUri, args),
		'modelwright.train': async (uri?: vscode.Uri) => {
			const target = configUri(uri);
			return target ? train(target) : undefined;
		},
		'modelwright.trainWithBackend': async (uri?: vscode.Uri, backend?: BackendChoice) => {
			const target = configUri(uri);
			if (!target) return undefined;
			const pick = backend ?? (await vscode.window.showQuickPick(
				[{ label: 'auto', detail: vscode.l10n.t('The fastest available') }, { label: 'wasm', detail: vscode.l10n.t('WebAssembly with SIMD (shipped)') }, { label: 'cpu', detail: vscode.l10n.t('Plain JavaScript (slow)') }, { label: 'tensorflow', detail: vscode.l10n.t('Native, needs @tensorflow/tfjs-node installed') }],
				{ title: vscode.l10n.t('Train with backend') },
			))?.label as BackendChoice | undefined;
			return pick ? train(target, { backend: pick }) : undefined;
		},
		'modelwright.stop': () => jobs.stop(),
		'modelwright.evaluate': async (arg?: unknown) => {
			const run = await pickRun(runs, arg, vscode.l10n.t('Evaluate which run?'));
			return run ? jobs.run('evaluate', snapshotUri(run), { runDir: run.dir.fsPath }) : undefined;
		},
		'modelwright.predict': async (arg?: unknown, values?: string) => {
			const run = await pickRun(runs, arg, vscode.l10n.t('Predict with which run?'));
			if (!run) return undefined;
			const row = values !== undefined ? parseValues(values) : await pickInputRow(run);
			if (!row) return undefined;
			const outcome = await jobs.run('predict', snapshotUri(run), { runDir: run.dir.fsPath, rows: [row] });
			const predictions = outcome.result?.predictions;
			if (outcome.state === 'succeeded' && predictions !== undefined) void vscode.window.showInformationMessage(vscode.l10n.t('Prediction with {0}: {1}', run.name, predictions.map(String).join(', ')));
			return outcome;
		},
		'modelwright.exportModel': async (arg?: unknown, outDir?: vscode.Uri) => {
			const run = await pickRun(runs, arg, vscode.l10n.t('Export which run?'));
			if (!run) return undefined;
			const target = outDir ?? (await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel: vscode.l10n.t('Export here') }))?.[0];
			return target ? jobs.run('export', snapshotUri(run), { runDir: run.dir.fsPath, outDir: target.fsPath }) : undefined;
		},
		'modelwright.tune': async (uri?: vscode.Uri) => {
			const target = configUri(uri);
			if (!target) return undefined;
			panels.followTuning(target);
			const outcome = await jobs.run('tune', target);
			const best = outcome.result?.best;
			if (outcome.state === 'succeeded' && best) {
				const apply = vscode.l10n.t('Apply Best');
				void vscode.window.showInformationMessage(vscode.l10n.t('Tuning finished: best trial {0} scored {1}.', best.number, best.score.toPrecision(4)), apply)
					.then((a) => a === apply && vscode.commands.executeCommand('modelwright.applyBestTrial', target, outcome.result?.sweepDir));
			}
			return outcome;
		},
		'modelwright.applyBestTrial': async (uri?: vscode.Uri, sweepDir?: string) => {
			const target = configUri(uri);
			if (!target) return false;
			const sweep = await pickSweep(target, sweepDir);
			if (!sweep?.state.best) return false;
			const doc = await vscode.workspace.openTextDocument(target);
			const edit = new vscode.WorkspaceEdit();
			for (const e of applyParamsEdits(doc.getText(), sweep.state.best.params)) {
				edit.replace(target, new vscode.Range(e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character), e.newText);
			}
			return vscode.workspace.applyEdit(edit);
		},
		'modelwright.showTrials': async (uri?: vscode.Uri, sweepDir?: string) => {
			const target = configUri(uri);
			if (!target) return undefined;
			const sweep = await pickSweep(target, sweepDir);
			return sweep ? panels.showTrials(sweep.dir) : undefined;
		},
		'modelwright.showCurves': async (arg?: unknown) => panels.showCurves(await runDirsOf(arg)),
		'modelwright.showArchitecture': (uri?: vscode.Uri) => {
			const target = configUri(uri);
			return target ? panels.showArchitecture(target) : undefined;
		},
		'modelwright.showEvaluation': async (arg?: unknown) => {
			const run = await pickRun(runs, arg, vscode.l10n.t('Show the evaluation of which run?'));
			return run ? panels.showEvaluation(run.dir) : undefined;
		},
		'modelwright.openRun': async (arg?: unknown) => {
			const run = await pickRun(runs, arg, vscode.l10n.t('Open which run?'));
			if (!run) return undefined;
			await panels.showCurves([run.dir]);
			return run;
		},
		'modelwright.openRunConfig': async (arg?: unknown) => {
			const run = await pickRun(runs, arg, vscode.l10n.t('Open the config of which run?'));
			return run ? vscode.window.showTextDocument(snapshotUri(run), { preview: true }) : undefined;
		},
		'modelwright.compareRuns': async (arg?: unknown, selected?: unknown[]) => {
			const chosen = selected?.length ? await runDirsOf(selected) : await pickRuns(runs, arg);
			return chosen.length >= 2 ? panels.showComparison(chosen) : vscode.window.showInformationMessage(vscode.l10n.t('Pick at least two runs to compare.'));
		},
		'modelwright.deleteRun': async (arg?: unknown, selected?: unknown[], confirmed?: boolean) => {
			// Only run folders, and never one that is still training.
			const dirs = (selected?.length ? await runDirsOf(selected) : await runDirsOf(arg))
				.filter((d) => fs.existsSync(path.join(d.fsPath, 'summary.json')));
			if (dirs.some((d) => readRunSummary(d.fsPath)?.status === 'running')) {
				void vscode.window.showWarningMessage(vscode.l10n.t('A run that is still training cannot be deleted: stop it first.'));
				return false;
			}
			if (!dirs.length) return false;
			const yes = vscode.l10n.t('Delete');
			const ok = confirmed === true || (await vscode.window.showWarningMessage(vscode.l10n.t('Delete {0} run(s)? Their metrics, evaluation and model files are removed.', dirs.length), { modal: true }, yes)) === yes;
			if (!ok) return false;
			for (const d of dirs) await vscode.workspace.fs.delete(d, { recursive: true, useTrash: true }).then(undefined, () => vscode.workspace.fs.delete(d, { recursive: true }));
			await runs.refresh();
			return true;
		},
		'modelwright.refreshRuns': () => runs.refresh(),
		'modelwright.showEngineLog': () => engineChannel().show(),
		'modelwright.restartServer': async () => {
			if (!client) return;
			await client.restart();
			lenses.refresh();
		},
	};
	for (const id of Object.keys(COMMANDS) as CommandId[]) context.subscriptions.push(vscode.commands.registerCommand(id, handlers[id]));

	return { engine, jobs, runs, panels, client: () => client, train };
}

export async function deactivate(): Promise<void> {
	await client?.stop();
	client = undefined;
}

/** `x=3.5, color=red` → a row; numbers where they parse. */
function parseValues(text: string): Record<string, unknown> {
	return Object.fromEntries(text.split(',').map((p) => p.split('=').map((s) => s.trim())).filter((p) => p.length === 2 && p[0]).map(([k, v]) => [k!, v !== '' && Number.isFinite(Number(v)) ? Number(v) : v]));
}

/** An input for Predict: a row of the run's evaluation split (with its true label), or values typed in. */
async function pickInputRow(run: RunRecord): Promise<Record<string, unknown> | undefined> {
	let rows: { input: Record<string, unknown>; actual: unknown }[] = [];
	let split = '';
	try {
		const ev = JSON.parse(fs.readFileSync(path.join(run.dir.fsPath, 'evaluation.json'), 'utf8')) as { split: string; inputs?: Record<string, unknown>[]; predictions: { actual: unknown }[] };
		split = ev.split;
		rows = (ev.inputs ?? []).slice(0, 200).map((input, i) => ({ input, actual: ev.predictions[i]?.actual }));
	} catch { /* no evaluation: typing values is still possible */ }
	const type = { label: `$(edit) ${vscode.l10n.t('Type feature values…')}`, row: undefined as Record<string, unknown> | undefined };
	const items = [type, ...rows.map((r, i) => ({
		label: Object.entries(r.input).map(([k, v]) => `${k}=${String(v)}`).join(', '),
		description: vscode.l10n.t('{0} row {1}, actual {2}', split, i + 1, String(r.actual)),
		row: r.input,
	}))];
	const pick = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Predict with {0}', run.name), placeHolder: vscode.l10n.t('Pick an input row, or type values') });
	if (!pick) return undefined;
	if (pick.row) return pick.row;
	const text = await vscode.window.showInputBox({ title: vscode.l10n.t('Predict with {0}', run.name), prompt: vscode.l10n.t('Feature values as name=value pairs, separated by commas'), placeHolder: rows[0] ? Object.keys(rows[0].input).map((k) => `${k}=…`).join(', ') : 'x=3.5' });
	return text ? parseValues(text) : undefined;
}

/** A finished sweep of the config: the one given, the only one, or a pick (newest first). */
async function pickSweep(config: vscode.Uri, dir?: string): Promise<FoundSweep | undefined> {
	const folder = vscode.workspace.getWorkspaceFolder(config)?.uri.fsPath;
	const all = findSweeps(config.fsPath, folder ? [path.resolve(folder, getSettings(config).runsFolder)] : []);
	const given = dir ? all.find((s) => path.resolve(s.dir) === path.resolve(dir)) : undefined;
	if (given) return given;
	if (!all.length) {
		void vscode.window.showInformationMessage(vscode.l10n.t('This config has no tuning sweep yet: run "Modelwright: Tune" first.'));
		return undefined;
	}
	if (all.length === 1) return all[0];
	const pick = await vscode.window.showQuickPick(all.map((s) => ({ label: s.state.id, description: `${s.state.status} · ${s.state.trials.length} trials${s.state.best ? ` · best ${s.state.best.score.toPrecision(4)}` : ''}`, s })), { title: vscode.l10n.t('Which sweep?') });
	return pick?.s;
}

/** The config a command is about: its argument, else the active editor. */
function configUri(uri?: unknown): vscode.Uri | undefined {
	if (uri instanceof vscode.Uri) return uri;
	const doc = vscode.window.activeTextEditor?.document;
	if (doc && (doc.languageId === LANGUAGE_ID || isConfigFile(doc.uri.fsPath))) return doc.uri;
	void vscode.window.showInformationMessage(vscode.l10n.t('Open a model config (*.model.yaml) first.'));
	return undefined;
}

function snapshotUri(run: RunRecord): vscode.Uri {
	const snap = vscode.Uri.joinPath(run.dir, 'config.yaml');
	return fs.existsSync(snap.fsPath) || !run.configPath ? snap : vscode.Uri.file(run.configPath);
}

/** A run from a tree node, a folder path/URI, or a quick pick. */
async function pickRun(runs: RunsProvider, arg: unknown, title: string): Promise<RunRecord | undefined> {
	const dirs = await runDirsOf(arg);
	const all = runs.all().length ? runs.all() : await runs.refresh();
	if (dirs[0]) return all.find((r) => r.dir.fsPath === dirs[0]!.fsPath) ?? (await import('./runsView')).readRun(dirs[0]);
	if (!all.length) {
		void vscode.window.showInformationMessage(vscode.l10n.t('There are no runs yet: train a model config first.'));
		return undefined;
	}
	const pick = await vscode.window.showQuickPick(all.map((r) => ({ label: r.name, description: `${r.status} · ${r.startedAt ?? r.id}`, run: r })), { title });
	return pick?.run;
}

async function pickRuns(runs: RunsProvider, arg: unknown): Promise<vscode.Uri[]> {
	const given = await runDirsOf(arg);
	const all = runs.all().length ? runs.all() : await runs.refresh();
	const picks = await vscode.window.showQuickPick(all.map((r) => ({ label: r.name, description: `${r.status} · ${r.startedAt ?? r.id}`, picked: given.some((g) => g.fsPath === r.dir.fsPath), run: r })), { canPickMany: true, title: vscode.l10n.t('Compare which runs?') });
	return (picks ?? []).map((p) => p.run.dir);
}

async function runDirsOf(arg: unknown): Promise<vscode.Uri[]> {
	const one = (a: unknown): vscode.Uri | undefined => {
		if (a instanceof vscode.Uri) return a;
		if (typeof a === 'string' && a) return vscode.Uri.file(path.resolve(a));
		if (a && typeof a === 'object' && 'kind' in a && (a as { kind: string }).kind === 'run') return (a as unknown as { run: RunRecord }).run.dir;
		return undefined;
	};
	if (Array.isArray(arg)) return arg.map(one).filter((u): u is vscode.Uri => u !== undefined);
	const u = one(arg);
	return u ? [u] : [];
}
