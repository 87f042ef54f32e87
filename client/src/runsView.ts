/**
 * The Runs view: every run of the workspace read from the run store on disk (so runs made by
 * the CLI appear too), grouped by config, with status icons and key metrics; watched for changes.
 * Reads only small JSON files: no engine, no TensorFlow in the extension host.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatNumber } from '../../engine/core/format';
import { readRunSummary, evaluationKey } from '../../engine/io/store';
import { getSettings } from './settings';

export interface RunRecord {
	id: string;
	dir: vscode.Uri;
	name: string;
	configPath?: string;
	status: string;
	startedAt?: string;
	backend?: string;
	epochs?: number;
	metrics: Record<string, number>;
}

/** A node of the Runs view: what its menus pass to run commands. */
export type RunsNode = { kind: 'group'; name: string; runs: RunRecord[] } | { kind: 'run'; run: RunRecord };

const STATUS_ICON: Record<string, [string, string]> = {
	completed: ['pass', 'testing.iconPassed'],
	running: ['sync~spin', 'charts.blue'],
	stopped: ['debug-stop', 'charts.yellow'],
	cancelled: ['debug-stop', 'charts.yellow'],
	failed: ['error', 'testing.iconFailed'],
	interrupted: ['warning', 'charts.orange'],
};

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Reads one run folder through the engine's run store (which reports dead `running` runs as interrupted). */
export async function readRun(dir: vscode.Uri): Promise<RunRecord | undefined> {
	const s = readRunSummary(dir.fsPath);
	if (!s) return undefined;
	const metrics: Record<string, number> = {};
	for (const [k, v] of Object.entries(s.finalMetrics ?? {})) if (num(v) !== undefined) metrics[k] = v;
	for (const [k, v] of Object.entries(s.evaluation ?? {})) if (num(v) !== undefined) metrics[evaluationKey(s, k)] = v;
	return {
		id: s.id,
		dir,
		name: s.name,
		status: s.status,
		startedAt: s.startedAt,
		epochs: s.epochs.completed,
		metrics,
		...(s.configPath ? { configPath: s.configPath } : {}),
		...(s.backend ? { backend: s.backend } : {}),
	};
}

export class RunsProvider implements vscode.TreeDataProvider<RunsNode>, vscode.Disposable {
	private readonly emitter = new vscode.EventEmitter<RunsNode | undefined>();
	readonly onDidChangeTreeData = this.emitter.event;
	private runs: RunRecord[] = [];
	private readonly disposables: vscode.Disposable[] = [];
	private pending: NodeJS.Timeout | undefined;

	constructor() {
		const watcher = vscode.workspace.createFileSystemWatcher('**/.modelwright/runs/*/{summary.json,metrics.jsonl}');
		const bump = () => this.scheduleRefresh();
		this.disposables.push(watcher, watcher.onDidChange(bump), watcher.onDidCreate(bump), watcher.onDidDelete(bump), this.emitter);
	}

	all(): RunRecord[] {
		return this.runs;
	}

	/** Debounced: a training run rewrites its files every epoch. */
	scheduleRefresh(): void {
		clearTimeout(this.pending);
		this.pending = setTimeout(() => void this.refresh(), 300);
	}

	async refresh(): Promise<RunRecord[]> {
		const dirs = new Map<string, vscode.Uri>();
		for (const f of await vscode.workspace.findFiles('**/.modelwright/runs/*/summary.json', '**/node_modules/**', 5000))
			dirs.set(path.dirname(f.fsPath), vscode.Uri.file(path.dirname(f.fsPath)));
		for (const folder of vscode.workspace.workspaceFolders ?? []) {
			const custom = vscode.Uri.file(path.resolve(folder.uri.fsPath, getSettings(folder.uri).runsFolder));
			try {
				for (const [name, type] of await vscode.workspace.fs.readDirectory(custom)) {
					if (type === vscode.FileType.Directory) dirs.set(path.join(custom.fsPath, name), vscode.Uri.joinPath(custom, name));
				}
			} catch {
				/* no run store yet */
			}
		}
		const runs = (await Promise.all([...dirs.values()].map(readRun))).filter((r): r is RunRecord => r !== undefined);
		runs.sort((a, b) => (b.startedAt ?? b.id).localeCompare(a.startedAt ?? a.id));
		this.runs = runs;
		this.emitter.fire(undefined);
		return runs;
	}

	getChildren(node?: RunsNode): RunsNode[] {
		if (!node) {
			const groups = new Map<string, RunRecord[]>();
			for (const r of this.runs) groups.set(r.name, [...(groups.get(r.name) ?? []), r]);
			return [...groups.entries()].map(([name, runs]) => ({ kind: 'group', name, runs }));
		}
		return node.kind === 'group' ? node.runs.map((run) => ({ kind: 'run', run })) : [];
	}

	getTreeItem(node: RunsNode): vscode.TreeItem {
		if (node.kind === 'group') {
			const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.Expanded);
			item.description = node.runs.length === 1 ? vscode.l10n.t('1 run') : vscode.l10n.t('{0} runs', node.runs.length);
			item.iconPath = new vscode.ThemeIcon('file-code');
			item.contextValue = 'group';
			return item;
		}
		const r = node.run;
		const item = new vscode.TreeItem(r.startedAt ? new Date(r.startedAt).toLocaleString() : r.id, vscode.TreeItemCollapsibleState.None);
		item.id = r.dir.toString();
		const [icon, color] = STATUS_ICON[r.status] ?? ['circle-outline', 'foreground'];
		item.iconPath = new vscode.ThemeIcon(icon, new vscode.ThemeColor(color));
		item.description = keyMetrics(r);
		const md = new vscode.MarkdownString(undefined, false);
		md.appendMarkdown(`**${escapeMd(r.name)}** · ${escapeMd(r.status)}\n\n`);
		if (r.backend) md.appendMarkdown(`${vscode.l10n.t('backend')}: ${escapeMd(r.backend)}\n\n`);
		for (const [k, v] of Object.entries(r.metrics)) md.appendMarkdown(`- ${escapeMd(k)}: ${formatNumber(v)}\n`);
		item.tooltip = md;
		item.contextValue = `run.${r.status}`;
		item.command = { command: 'modelwright.showCurves', title: vscode.l10n.t('Show Loss Curves'), arguments: [r.dir.fsPath] };
		item.accessibilityInformation = { label: `${r.name} ${r.status} ${keyMetrics(r)}` };
		return item;
	}

	dispose(): void {
		clearTimeout(this.pending);
		for (const d of this.disposables) d.dispose();
	}
}

function keyMetrics(r: RunRecord): string {
	const keys = ['test_accuracy', 'val_accuracy', 'accuracy', 'val_loss', 'loss', 'test_r2', 'val_r2'];
	return keys
		.filter((k) => r.metrics[k] !== undefined)
		.slice(0, 2)
		.map((k) => `${k} ${formatNumber(r.metrics[k]!, 3)}`)
		.join(' · ');
}

/** Run and config names are user text: never let them become Markdown links or HTML. */
export function escapeMd(s: string): string {
	return s.replace(/[\\`*_{}[\]()#+\-.!<>|]/g, '\\$&');
}
