/**
 * The commands, one small function each that takes the extension's context and returns the
 * handler (as rust-analyzer's client commands.ts does). The table is keyed by the CommandId of
 * manifest.ts, so a declared command cannot go unregistered, and typed by each command's arguments.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { BACKENDS, type BackendChoice } from '../../engine/core/facts';
import type { ExportFormat } from '../../engine/core/config/schema';
import { applyParamsEdits, changeSummary, describeChanges } from '../../engine/core/tune/apply';
import { roundParams } from '../../engine/core/tune/space';
import { redisUrlFrom, redisUrlProblem } from '../../engine/core/tune/distributed';
import { formatNumber } from '../../engine/core/format';
import { readRunSummary } from '../../engine/io/store';
import { lockHolder } from '../../engine/io/lock';
import type { ConfigLenses } from './codeLens';
import type { JobOutcome, Jobs } from './jobs';
import { COMMANDS, type CommandId } from './manifest';
import { engineChannel } from './output';
import type { Panels } from './panels';
import {
	configUri,
	isRunFolder,
	parseValues,
	pickInputRow,
	pickRun,
	pickRuns,
	pickSweep,
	runDirsOf,
	snapshotUri,
	type RunArg,
	runStores,
} from './pickers';
import type { RunsProvider } from './runsView';
import { getSettings } from './settings';
import { newConfig as createConfig } from './templates';
import { freePort, serveTask } from './tasks';
import { checkRunDir, deleteRunFolder } from '../../engine/io/runRef';

export interface Ctx {
	readonly extension: vscode.ExtensionContext;
	readonly jobs: Jobs;
	readonly runs: RunsProvider;
	readonly panels: Panels;
	readonly client: LanguageClient;
	readonly lenses: ConfigLenses;
}

export interface TrainExtra {
	backend?: BackendChoice;
	epochs?: number;
}

/** What each command is called with, by menus, lenses, the Runs view, tests and other commands. */
export interface CommandArgs {
	'modelwright.newConfig': [args?: { template?: string; target?: vscode.Uri }];
	'modelwright.train': [config?: vscode.Uri];
	'modelwright.trainWithBackend': [config?: vscode.Uri, backend?: BackendChoice];
	'modelwright.stop': [];
	'modelwright.evaluate': [run?: RunArg];
	'modelwright.predict': [run?: RunArg, values?: string];
	'modelwright.exportModel': [run?: RunArg, outDir?: vscode.Uri, formats?: ExportFormat[]];
	/** Resolves to the server's URL and its task execution (terminate it to stop the server). */
	'modelwright.serveModel': [run?: RunArg];
	'modelwright.tune': [config?: vscode.Uri];
	'modelwright.applyBestTrial': [config?: vscode.Uri, sweepDir?: string];
	'modelwright.showTrials': [config?: vscode.Uri, sweepDir?: string];
	'modelwright.showCurves': [runs?: RunArg | RunArg[]];
	'modelwright.showArchitecture': [config?: vscode.Uri];
	'modelwright.showEvaluation': [run?: RunArg];
	'modelwright.openRun': [run?: RunArg];
	'modelwright.openRunConfig': [run?: RunArg];
	/** From the Runs view with several selected: the clicked run, then the selection. */
	'modelwright.compareRuns': [run?: RunArg, selected?: RunArg[]];
	/** `confirmed` skips the modal question (tests). */
	'modelwright.deleteRun': [run?: RunArg, selected?: RunArg[], confirmed?: boolean];
	'modelwright.refreshRuns': [];
	'modelwright.setRedisPassword': [];
	'modelwright.showEngineLog': [];
	'modelwright.restartServer': [];
}

type Cmd<K extends CommandId> = (...args: CommandArgs[K]) => unknown;

/** Trains a config; the curves panel follows it when `panels.autoOpen` is set. */
export function startTraining(ctx: Ctx, config: vscode.Uri, extra: TrainExtra = {}): Promise<JobOutcome> {
	const opening = getSettings(config)['panels.autoOpen'];
	const outcome = ctx.jobs.run('train', config, {
		...(extra.backend ? { backend: extra.backend } : {}),
		...(extra.epochs ? { overrides: { epochs: extra.epochs } } : {}),
	});
	if (opening) ctx.panels.followTraining(config);
	return outcome;
}

export function newConfig(ctx: Ctx): Cmd<'modelwright.newConfig'> {
	return (args) => createConfig(ctx.extension.extensionUri, args);
}

export function train(ctx: Ctx): Cmd<'modelwright.train'> {
	return async (uri) => {
		const target = configUri(uri);
		return target ? startTraining(ctx, target) : undefined;
	};
}

export function trainWithBackend(ctx: Ctx): Cmd<'modelwright.trainWithBackend'> {
	return async (uri, backend) => {
		const target = configUri(uri);
		if (!target) return undefined;
		// The names come from facts.ts; this only describes each (a new backend fails to compile here until it has a line).
		const detail: Record<BackendChoice, string> = {
			auto: vscode.l10n.t('The fastest available'),
			wasm: vscode.l10n.t('WebAssembly with SIMD (shipped)'),
			cpu: vscode.l10n.t('Plain JavaScript (slow)'),
			tensorflow: vscode.l10n.t('Native, needs @tensorflow/tfjs-node installed'),
		};
		const pick =
			backend ??
			(
				await vscode.window.showQuickPick(
					BACKENDS.map((b): vscode.QuickPickItem & { backend: BackendChoice } => ({ label: b, detail: detail[b], backend: b })),
					{ title: vscode.l10n.t('Train with backend') },
				)
			)?.backend;
		return pick ? startTraining(ctx, target, { backend: pick }) : undefined;
	};
}

export function stop(ctx: Ctx): Cmd<'modelwright.stop'> {
	return () => ctx.jobs.stop();
}

export function evaluate(ctx: Ctx): Cmd<'modelwright.evaluate'> {
	return async (arg) => {
		const run = await pickRun(ctx.runs, arg, vscode.l10n.t('Evaluate which run?'));
		return run ? ctx.jobs.run('evaluate', snapshotUri(run), { runDir: run.dir.fsPath }) : undefined;
	};
}

export function predict(ctx: Ctx): Cmd<'modelwright.predict'> {
	return async (arg, values) => {
		const run = await pickRun(ctx.runs, arg, vscode.l10n.t('Predict with which run?'));
		if (!run) return undefined;
		const row = values !== undefined ? parseValues(values) : await pickInputRow(run);
		if (!row) return undefined;
		const outcome = await ctx.jobs.run('predict', snapshotUri(run), { runDir: run.dir.fsPath, rows: [row] });
		const predictions = outcome.result?.predictions;
		if (outcome.state === 'succeeded' && predictions !== undefined)
			void vscode.window.showInformationMessage(vscode.l10n.t('Prediction with {0}: {1}', run.name, predictions.map(String).join(', ')));
		return outcome;
	};
}

export function exportModel(ctx: Ctx): Cmd<'modelwright.exportModel'> {
	return async (arg, outDir, formats) => {
		const run = await pickRun(ctx.runs, arg, vscode.l10n.t('Export which run?'));
		if (!run) return undefined;
		// Which formats: the tfjs model, an ONNX file with the preprocessing inside (docs/export.md), or both;
		// asked only when the user is choosing (a caller that names the folder gets tfjs unless it says).
		const picked =
			formats ??
			(outDir ? ['tfjs' as const] : undefined) ??
			(
				await vscode.window.showQuickPick(
					[
						{
							label: 'tfjs',
							detail: vscode.l10n.t('TensorFlow.js layers model (model.json + weights.bin)'),
							picked: true,
							format: 'tfjs' as const,
						},
						{
							label: 'onnx',
							detail: vscode.l10n.t('ONNX file with the preprocessing inside, for ONNX Runtime (model.onnx)'),
							format: 'onnx' as const,
						},
					] satisfies (vscode.QuickPickItem & { format: ExportFormat })[],
					{ title: vscode.l10n.t('Export formats'), canPickMany: true },
				)
			)?.map((p) => p.format);
		if (!picked?.length) return undefined;
		const target =
			outDir ??
			(
				await vscode.window.showOpenDialog({
					canSelectFolders: true,
					canSelectFiles: false,
					canSelectMany: false,
					openLabel: vscode.l10n.t('Export here'),
				})
			)?.[0];
		return target
			? ctx.jobs.run('export', snapshotUri(run), { runDir: run.dir.fsPath, outDir: target.fsPath, formats: picked })
			: undefined;
	};
}

/** `modelwright serve` on a run, as a task: the URL is shown; terminating the task stops the server. */
export function serveModel(ctx: Ctx): Cmd<'modelwright.serveModel'> {
	return async (arg) => {
		const run = await pickRun(ctx.runs, arg, vscode.l10n.t('Serve which run?'));
		if (!run) return undefined;
		const folder = vscode.workspace.getWorkspaceFolder(run.dir) ?? vscode.workspace.workspaceFolders?.[0];
		if (!folder) {
			void vscode.window.showErrorMessage(vscode.l10n.t('Open a folder to serve a model.'));
			return undefined;
		}
		const port = await freePort();
		const url = `http://127.0.0.1:${port}`;
		const task = serveTask(
			ctx.extension.asAbsolutePath('dist/cli.js'),
			{ dir: run.dir.fsPath, name: run.name, config: snapshotUri(run).fsPath },
			folder,
			port,
		);
		const execution = await vscode.tasks.executeTask(task);
		const open = vscode.l10n.t('Open /model');
		const copy = vscode.l10n.t('Copy URL');
		const stop = vscode.l10n.t('Stop Server');
		void vscode.window
			.showInformationMessage(vscode.l10n.t('Serving {0} at {1} (POST {1}/predict).', run.name, url), open, copy, stop)
			.then((a) => {
				if (a === open) void vscode.env.openExternal(vscode.Uri.parse(`${url}/model`));
				else if (a === copy) void vscode.env.clipboard.writeText(url);
				else if (a === stop) execution.terminate();
			});
		return { url, execution };
	};
}

export function tune(ctx: Ctx): Cmd<'modelwright.tune'> {
	return async (uri) => {
		const target = configUri(uri);
		if (!target) return undefined;
		const redis = await tuneRedisUrl(ctx, target);
		if (redis === false) return undefined;
		ctx.panels.followTuning(target);
		const outcome = await ctx.jobs.run('tune', target, redis ? { redisUrl: redis } : {});
		const best = outcome.result?.best;
		if (outcome.state === 'succeeded' && best) {
			const apply = vscode.l10n.t('Apply Best');
			void vscode.window
				.showInformationMessage(vscode.l10n.t('Tuning finished: best trial {0} scored {1}.', best.number, formatNumber(best.score)), apply)
				.then((a) => a === apply && vscode.commands.executeCommand('modelwright.applyBestTrial', target, outcome.result?.sweepDir));
		}
		return outcome;
	};
}

/**
 * Writes the best trial's values into the config (an edit the user can undo), rounded (older
 * sweeps recorded full-precision draws), and says what changed; false when there is none.
 */
export function applyBestTrial(_ctx: Ctx): Cmd<'modelwright.applyBestTrial'> {
	return async (uri, sweepDir) => {
		const target = configUri(uri);
		if (!target) return false;
		const sweep = await pickSweep(target, sweepDir);
		const best = sweep?.state.best;
		if (!best) return false;
		const doc = await vscode.workspace.openTextDocument(target);
		const params = roundParams(best.params);
		const changes = describeChanges(doc.getText(), params);
		const edit = new vscode.WorkspaceEdit();
		for (const e of applyParamsEdits(doc.getText(), params)) {
			edit.replace(
				target,
				new vscode.Range(e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character),
				e.newText,
			);
		}
		const applied = await vscode.workspace.applyEdit(edit);
		if (applied)
			void vscode.window.showInformationMessage(vscode.l10n.t('Applied best trial {0}: {1}.', best.number, changeSummary(changes)));
		return applied;
	};
}

export function showTrials(ctx: Ctx): Cmd<'modelwright.showTrials'> {
	return async (uri, sweepDir) => {
		const target = configUri(uri);
		if (!target) return;
		const sweep = await pickSweep(target, sweepDir);
		if (sweep) ctx.panels.showTrials(sweep.dir);
	};
}

export function showCurves(ctx: Ctx): Cmd<'modelwright.showCurves'> {
	return (arg) => ctx.panels.showCurves(runDirsOf(arg));
}

export function showArchitecture(ctx: Ctx): Cmd<'modelwright.showArchitecture'> {
	return (uri) => {
		const target = configUri(uri);
		if (target) ctx.panels.showArchitecture(target);
	};
}

export function showEvaluation(ctx: Ctx): Cmd<'modelwright.showEvaluation'> {
	return async (arg) => {
		const run = await pickRun(ctx.runs, arg, vscode.l10n.t('Show the evaluation of which run?'));
		if (run) ctx.panels.showEvaluation(run.dir);
	};
}

export function openRun(ctx: Ctx): Cmd<'modelwright.openRun'> {
	return async (arg) => {
		const run = await pickRun(ctx.runs, arg, vscode.l10n.t('Open which run?'));
		if (!run) return undefined;
		ctx.panels.showCurves([run.dir]);
		return run;
	};
}

export function openRunConfig(ctx: Ctx): Cmd<'modelwright.openRunConfig'> {
	return async (arg) => {
		const run = await pickRun(ctx.runs, arg, vscode.l10n.t('Open the config of which run?'));
		return run ? vscode.window.showTextDocument(snapshotUri(run), { preview: true }) : undefined;
	};
}

export function compareRuns(ctx: Ctx): Cmd<'modelwright.compareRuns'> {
	return async (arg, selected) => {
		const chosen = selected?.length ? runDirsOf(selected) : await pickRuns(ctx.runs, arg);
		if (chosen.length >= 2) ctx.panels.showComparison(chosen);
		else void vscode.window.showInformationMessage(vscode.l10n.t('Pick at least two runs to compare.'));
	};
}

/** Moves run folders to the trash; true when it did. */
export function deleteRun(ctx: Ctx): Cmd<'modelwright.deleteRun'> {
	return async (arg, selected, confirmed) => {
		// Only run folders in a run store (resolved like the CLI's), and never one that is still training.
		const dirs = (selected?.length ? runDirsOf(selected) : runDirsOf(arg)).filter(isRunFolder);
		if (dirs.some((d) => readRunSummary(d.fsPath)?.status === 'running' || lockHolder(d.fsPath))) {
			void vscode.window.showWarningMessage(vscode.l10n.t('A run that is still training cannot be deleted: stop it first.'));
			return false;
		}
		if (!dirs.length) return false;
		const yes = vscode.l10n.t('Delete');
		const ok =
			confirmed === true ||
			(await vscode.window.showWarningMessage(
				vscode.l10n.t('Delete {0} run(s)? Their metrics, evaluation and model files are removed.', dirs.length),
				{ modal: true },
				yes,
			)) === yes;
		if (!ok) return false;
		// The CLI's deletion, after the confirmation: under the run's lock (a resume started while the
		// dialog was open is not deleted mid-run), refusing folders that hold files Modelwright did not write.
		const refused: string[] = [];
		for (const d of dirs) {
			const ref = checkRunDir(d.fsPath, { stores: runStores() });
			const why = ref.ok ? deleteRunFolder(ref.run) : ref.message;
			if (why) refused.push(why);
		}
		await ctx.runs.refresh();
		if (refused.length) void vscode.window.showWarningMessage(vscode.l10n.t('Not deleted: {0}', refused.join(' ')));
		return refused.length === 0;
	};
}

export function refreshRuns(ctx: Ctx): Cmd<'modelwright.refreshRuns'> {
	return () => ctx.runs.refresh();
}

/** Where the secret storage keeps the password of `modelwright.tune.redisUrl`. */
const REDIS_PASSWORD_KEY = 'modelwright.tune.redisPassword';

/**
 * The Redis URL a sweep runs on (`modelwright.tune.redisUrl`, with the password from secret
 * storage), undefined for local workers, false when the setting holds a password itself.
 */
async function tuneRedisUrl(ctx: Ctx, config: vscode.Uri): Promise<string | undefined | false> {
	const url = getSettings(config)['tune.redisUrl'].trim();
	if (!url) return undefined;
	const problem = redisUrlProblem(url);
	let password = false;
	try {
		password = new URL(url).password !== '';
	} catch {
		/* reported by redisUrlProblem */
	}
	if (problem || password) {
		void vscode.window.showErrorMessage(
			password
				? vscode.l10n.t(
						'The setting modelwright.tune.redisUrl holds a password: remove it there and run "Modelwright: Set Redis Password for Tuning" to keep it in secret storage.',
					)
				: vscode.l10n.t('The setting modelwright.tune.redisUrl is not a Redis URL: {0}', problem ?? ''),
		);
		return false;
	}
	return redisUrlFrom(url, await ctx.extension.secrets.get(REDIS_PASSWORD_KEY));
}

/** Stores (or, given nothing, forgets) the password of the Redis server for distributed sweeps, in VS Code's secret storage. */
export function setRedisPassword(ctx: Ctx): Cmd<'modelwright.setRedisPassword'> {
	return async () => {
		const value = await vscode.window.showInputBox({
			password: true,
			ignoreFocusOut: true,
			prompt: vscode.l10n.t('Password of the Redis server in modelwright.tune.redisUrl (leave empty to forget it)'),
		});
		if (value === undefined) return false;
		if (value) await ctx.extension.secrets.store(REDIS_PASSWORD_KEY, value);
		else await ctx.extension.secrets.delete(REDIS_PASSWORD_KEY);
		void vscode.window.showInformationMessage(
			value ? vscode.l10n.t('Redis password saved in secret storage.') : vscode.l10n.t('Redis password forgotten.'),
		);
		return true;
	};
}

export function showEngineLog(_ctx: Ctx): Cmd<'modelwright.showEngineLog'> {
	return () => engineChannel().show();
}

export function restartServer(ctx: Ctx): Cmd<'modelwright.restartServer'> {
	return async () => {
		await ctx.client.restart();
		ctx.lenses.refresh();
	};
}

const HANDLERS: { [K in CommandId]: (ctx: Ctx) => Cmd<K> } = {
	'modelwright.newConfig': newConfig,
	'modelwright.train': train,
	'modelwright.trainWithBackend': trainWithBackend,
	'modelwright.stop': stop,
	'modelwright.evaluate': evaluate,
	'modelwright.predict': predict,
	'modelwright.exportModel': exportModel,
	'modelwright.serveModel': serveModel,
	'modelwright.tune': tune,
	'modelwright.applyBestTrial': applyBestTrial,
	'modelwright.showTrials': showTrials,
	'modelwright.showCurves': showCurves,
	'modelwright.showArchitecture': showArchitecture,
	'modelwright.showEvaluation': showEvaluation,
	'modelwright.openRun': openRun,
	'modelwright.openRunConfig': openRunConfig,
	'modelwright.compareRuns': compareRuns,
	'modelwright.deleteRun': deleteRun,
	'modelwright.refreshRuns': refreshRuns,
	'modelwright.setRedisPassword': setRedisPassword,
	'modelwright.showEngineLog': showEngineLog,
	'modelwright.restartServer': restartServer,
};

export function registerCommands(ctx: Ctx): vscode.Disposable[] {
	return (Object.keys(COMMANDS) as CommandId[]).map((id) => vscode.commands.registerCommand(id, HANDLERS[id](ctx)));
}
