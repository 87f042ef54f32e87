/**
 * What a command is about, from its arguments or else asked: the config, a run (or several), a
 * sweep, a row to predict. Arguments come from menus, lenses, the Runs view, tests and other
 * extensions, so they are checked at run time whatever their declared type.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatNumber } from '../../engine/core/format';
import { isConfigFile } from '../../engine/core/facts';
import { findSweeps, type FoundSweep } from '../../engine/io/sweeps';
import { checkRunDir } from '../../engine/io/runRef';
import { LANGUAGE_ID } from './manifest';
import { readRun, type RunRecord, type RunsNode, type RunsProvider } from './runsView';
import { getSettings } from './settings';

/** A sweep's status in the UI language (the value in sweep.json stays English). */
function sweepStatus(status: string): string {
	switch (status) {
		case 'running':
			return vscode.l10n.t('running');
		case 'completed':
			return vscode.l10n.t('completed');
		case 'stopped':
			return vscode.l10n.t('stopped');
		case 'interrupted':
			return vscode.l10n.t('interrupted');
		case 'failed':
			return vscode.l10n.t('failed');
		default:
			return status;
	}
}
import { readTextFile } from '../../engine/io/fsutil';

/** A run as commands receive it: a Runs view node, a run folder path or URI. */
export type RunArg = RunsNode | vscode.Uri | string;

/** The config a command is about: its argument, else the active editor. */
export function configUri(uri?: unknown): vscode.Uri | undefined {
	if (uri instanceof vscode.Uri) return uri;
	const doc = vscode.window.activeTextEditor?.document;
	if (doc && (doc.languageId === LANGUAGE_ID || isConfigFile(doc.uri.fsPath))) return doc.uri;
	void vscode.window.showInformationMessage(vscode.l10n.t('Open a model config (*.model.yaml) first.'));
	return undefined;
}

/** The run folders an argument names (one or a list); group nodes and anything else name none. */
export function runDirsOf(arg: unknown): vscode.Uri[] {
	const one = (a: unknown): vscode.Uri | undefined => {
		if (a instanceof vscode.Uri) return a;
		if (typeof a === 'string' && a) return vscode.Uri.file(path.resolve(a));
		if (a && typeof a === 'object' && (a as Partial<RunsNode>).kind === 'run') return (a as RunsNode & { kind: 'run' }).run.dir;
		return undefined;
	};
	if (Array.isArray(arg)) return arg.map(one).filter((u): u is vscode.Uri => u !== undefined);
	const u = one(arg);
	return u ? [u] : [];
}

/** The run stores set by `modelwright.runsFolder`, besides every `.modelwright/runs`. */
export function runStores(): string[] {
	return (vscode.workspace.workspaceFolders ?? []).map((f) => path.resolve(f.uri.fsPath, getSettings(f.uri).runsFolder));
}

/** Whether a folder is a run, resolved as the CLI resolves runs (engine/io/runRef.ts): in a run store, with a valid summary. */
export function isRunFolder(dir: vscode.Uri): boolean {
	return checkRunDir(dir.fsPath, { stores: runStores() }).ok;
}

/** A run from the argument, or a quick pick of the workspace's runs. */
export async function pickRun(runs: RunsProvider, arg: unknown, title: string): Promise<RunRecord | undefined> {
	const dirs = runDirsOf(arg);
	const all = runs.all().length ? runs.all() : await runs.refresh();
	if (dirs[0]) return all.find((r) => r.dir.fsPath === dirs[0]!.fsPath) ?? (isRunFolder(dirs[0]) ? readRun(dirs[0]) : undefined);
	if (!all.length) {
		void vscode.window.showInformationMessage(vscode.l10n.t('There are no runs yet: train a model config first.'));
		return undefined;
	}
	const pick = await vscode.window.showQuickPick(
		all.map((r) => ({ label: r.name, description: `${r.status} · ${r.startedAt ?? r.id}`, run: r })),
		{ title },
	);
	return pick?.run;
}

/** Runs to compare, picked with the argument's runs preselected. */
export async function pickRuns(runs: RunsProvider, arg: unknown): Promise<vscode.Uri[]> {
	const given = runDirsOf(arg);
	const all = runs.all().length ? runs.all() : await runs.refresh();
	const picks = await vscode.window.showQuickPick(
		all.map((r) => ({
			label: r.name,
			description: `${r.status} · ${r.startedAt ?? r.id}`,
			picked: given.some((g) => g.fsPath === r.dir.fsPath),
			run: r,
		})),
		{ canPickMany: true, title: vscode.l10n.t('Compare which runs?') },
	);
	return (picks ?? []).map((p) => p.run.dir);
}

/** The config a run trained: its snapshot in the run folder, else the original file. */
export function snapshotUri(run: RunRecord): vscode.Uri {
	const snap = vscode.Uri.joinPath(run.dir, 'config.yaml');
	return fs.existsSync(snap.fsPath) || !run.configPath ? snap : vscode.Uri.file(run.configPath);
}

/** A sweep of the config: the one given, the only one, or a pick (newest first). */
export async function pickSweep(config: vscode.Uri, dir?: string): Promise<FoundSweep | undefined> {
	const folder = vscode.workspace.getWorkspaceFolder(config)?.uri.fsPath;
	const all = findSweeps(config.fsPath, folder ? [path.resolve(folder, getSettings(config).runsFolder)] : []);
	const given = dir ? all.find((s) => path.resolve(s.dir) === path.resolve(dir)) : undefined;
	if (given) return given;
	if (!all.length) {
		void vscode.window.showInformationMessage(vscode.l10n.t('This config has no tuning sweep yet: run "Modelwright: Tune" first.'));
		return undefined;
	}
	if (all.length === 1) return all[0];
	const pick = await vscode.window.showQuickPick(
		all.map((s) => ({
			label: s.state.id,
			description: [
				sweepStatus(s.state.status),
				vscode.l10n.t('{0} trials', s.state.trials.length),
				s.state.best ? vscode.l10n.t('best {0}', formatNumber(s.state.best.score)) : '',
			]
				.filter(Boolean)
				.join(' · '),
			s,
		})),
		{ title: vscode.l10n.t('Which sweep?') },
	);
	return pick?.s;
}

/** `x=3.5, color=red` → a row; numbers where they parse. */
export function parseValues(text: string): Record<string, unknown> {
	return Object.fromEntries(
		text
			.split(',')
			.map((p) => p.split('=').map((s) => s.trim()))
			.filter((p) => p.length === 2 && p[0])
			.map(([k, v]) => [k!, v !== '' && Number.isFinite(Number(v)) ? Number(v) : v]),
	);
}

/** An input for Predict: a row of the run's evaluation split (with its true label), or values typed in. */
export async function pickInputRow(run: RunRecord): Promise<Record<string, unknown> | undefined> {
	let rows: { input: Record<string, unknown>; actual: unknown }[] = [];
	let split = '';
	try {
		const ev = JSON.parse(readTextFile(path.join(run.dir.fsPath, 'evaluation.json'))) as {
			split: string;
			inputs?: Record<string, unknown>[];
			predictions: { actual: unknown }[];
		};
		split = ev.split;
		rows = (ev.inputs ?? []).slice(0, 200).map((input, i) => ({ input, actual: ev.predictions[i]?.actual }));
	} catch {
		/* no evaluation: typing values is still possible */
	}
	const type = { label: `$(edit) ${vscode.l10n.t('Type feature values…')}`, row: undefined as Record<string, unknown> | undefined };
	const items = [
		type,
		...rows.map((r, i) => ({
			label: Object.entries(r.input)
				.map(([k, v]) => `${k}=${String(v)}`)
				.join(', '),
			description: vscode.l10n.t('{0} row {1}, actual {2}', split, i + 1, String(r.actual)),
			row: r.input,
		})),
	];
	const pick = await vscode.window.showQuickPick(items, {
		title: vscode.l10n.t('Predict with {0}', run.name),
		placeHolder: vscode.l10n.t('Pick an input row, or type values'),
	});
	if (!pick) return undefined;
	if (pick.row) return pick.row;
	const text = await vscode.window.showInputBox({
		title: vscode.l10n.t('Predict with {0}', run.name),
		prompt: vscode.l10n.t('Feature values as name=value pairs, separated by commas'),
		placeHolder: rows[0]
			? Object.keys(rows[0].input)
					.map((k) => `${k}=…`)
					.join(', ')
			: 'x=3.5',
	});
	return text ? parseValues(text) : undefined;
}
