/**
 * Activation: cheap. The language client starts (a forked server), commands and views are
 * registered; the engine process, panels and output channels are created on first use.
 * Activation errors are shown, then rethrown (VS Code would otherwise swallow them).
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ConfigLenses } from './codeLens';
import { registerCommands, startTraining, type Ctx, type TrainExtra } from './commands';
import { EngineHost } from './engine';
import { Jobs, type JobOutcome } from './jobs';
import { createLanguageClient } from './languageClient';
import { LANGUAGE_ID, RUNS_VIEW, TASK_TYPE } from './manifest';
import { disposeChannels, serverChannel } from './output';
import { Panels } from './panels';
import { RunsProvider } from './runsView';
import { onSettingsChanged } from './settings';
import { TrainTaskProvider } from './tasks';
import { setLocale } from '../../engine/core/l10n';

/** What tests (in the extension host) can reach through the extension's exports. */
export interface ModelwrightApi {
	engine: EngineHost;
	jobs: Jobs;
	runs: RunsProvider;
	panels: Panels;
	client: () => LanguageClient | undefined;
	train(uri: vscode.Uri, extra?: TrainExtra): Promise<JobOutcome>;
	/** How long activate() took (the activation benchmark reads it). */
	activationMs?: number;
}

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<ModelwrightApi> {
	const t0 = performance.now();
	try {
		const api = realActivate(context);
		api.activationMs = performance.now() - t0;
		return api;
	} catch (err) {
		const message = err instanceof Error ? err.message : String(err);
		void vscode.window.showErrorMessage(vscode.l10n.t('Modelwright failed to activate: {0}', message));
		throw err;
	}
}

function realActivate(context: vscode.ExtensionContext): ModelwrightApi {
	// Core text the extension host shows itself (validation, formats) in the UI language, like vscode.l10n.
	setLocale(vscode.env.language);
	const engine = new EngineHost(context.asAbsolutePath('dist/engine.js'));
	const jobs = new Jobs(engine);
	const runs = new RunsProvider();
	const languageClient = createLanguageClient(context);
	client = languageClient;
	const panels = new Panels(context, runs, languageClient);
	const lenses = new ConfigLenses(() => client);
	context.subscriptions.push(engine, jobs, runs, panels, { dispose: disposeChannels });

	void languageClient.start().then(
		() => lenses.refresh(),
		(err: unknown) => serverChannel().error(`language server failed to start: ${String(err)}`),
	);
	context.subscriptions.push({ dispose: () => void client?.stop() });

	context.subscriptions.push(
		vscode.window.createTreeView(RUNS_VIEW, { treeDataProvider: runs, showCollapseAll: true, canSelectMany: true }),
		vscode.languages.registerCodeLensProvider({ language: LANGUAGE_ID }, lenses),
		vscode.tasks.registerTaskProvider(TASK_TYPE, new TrainTaskProvider(context.asAbsolutePath('dist/cli.js'))),
		jobs.onDidChange((v) => {
			if (v.state !== 'queued') runs.scheduleRefresh();
		}),
		engine.onJobEvent(({ jobId, event }) => panels.onJobEvent(jobId, event)),
		engine.onJobState(() => runs.scheduleRefresh()),
		onSettingsChanged(['engine.concurrency', 'engine.maxMemoryMB'], () => void engine.configure()),
		onSettingsChanged(['codeLens'], () => lenses.refresh()),
		vscode.workspace.onDidGrantWorkspaceTrust(() => lenses.refresh()),
	);
	void runs.refresh();

	const ctx: Ctx = { extension: context, jobs, runs, panels, client: languageClient, lenses };
	context.subscriptions.push(...registerCommands(ctx));
	return { engine, jobs, runs, panels, client: () => client, train: (uri, extra) => startTraining(ctx, uri, extra) };
}

export async function deactivate(): Promise<void> {
	await client?.stop();
	client = undefined;
}
