/**
 * The Runs view: every run of the workspace read from the run store on disk (so runs made by
 * the CLI appear too), grouped by config, with status icons and key metrics, and each config's
 * sweeps with their trials (a sweep opens its trials panel); watched for changes.
 * Reads only small JSON files: no engine, no TensorFlow in the extension host.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatMeanStd, formatNumber } from '../../engine/core/format';
import type { SweepState, TrialRecord } from '../../engine/core/tune/protocol';
import { readRunSummary, evaluationKey } from '../../engine/io/store';
import { readSweep } from '../../engine/io/sweeps';
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

export interface SweepRecord {
	dir: vscode.Uri;
	state: SweepState;
}

/** A node of the Runs view: what its menus pass to run commands. */
export type RunsNode =
	| { kind: 'group'; name: string; runs: RunRecord[]; sweeps: SweepRecord[] }
	| { kind: 'run'; run: RunRecord }
	| { kind: 'sweep'; sweep: SweepRecord }
	| { kind: 'trial'; sweep: SweepRecord; trial: TrialRecord };

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
	private sweeps: SweepRecord[] = [];
	private readonly disposables: vscode.Disposable[] = [];
	private pending: NodeJS.Timeout | undefined;

	constructor() {
		const watcher = vscode.workspace.createFileSystemWatcher('**/.modelwright/runs/*/{summary.json,metrics.jsonl,sweep.json}');
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
		for (const f of await vscode.workspace.findFiles('**/.modelwright/runs/*/{summary,sweep}.json', '**/node_modules/**', 5000))
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
		const sweeps: SweepRecord[] = [];
		for (const dir of dirs.values()) {
			const state = readSweep(dir.fsPath);
			// Only what a sweep writes: a stray sweep.json must not break the view.
			if (state && Array.isArray(state.trials) && typeof state.name === 'string') sweeps.push({ dir, state });
		}
		sweeps.sort((a, b) => b.state.startedAt.localeCompare(a.state.startedAt));
		this.sweeps = sweeps;
		this.emitter.fire(undefined);
		return runs;
	}

	getChildren(node?: RunsNode): RunsNode[] {
		if (!node) {
			const groups = new Map<string, { runs: RunRecord[]; sweeps: SweepRecord[] }>();
			const group = (name: string) => groups.get(name) ?? groups.set(name, { runs: [], sweeps: [] }).get(name)!;
			for (const r of this.runs) group(r.name).runs.push(r);
			for (const sw of this.sweeps) group(sw.state.name).sweeps.push(sw);
			return [...groups.entries()].map(([name, g]) => ({ kind: 'group', name, ...g }));
		}
		if (node.kind === 'group')
			return [
				...node.sweeps.map((sweep) => ({ kind: 'sweep' as const, sweep })),
				...node.runs.map((run) => ({ kind: 'run' as const, run })),
			];
		if (node.kind === 'sweep') return node.sweep.state.trials.map((trial) => ({ kind: 'trial', sweep: node.sweep, trial }));
		return [];
	}

	getTreeItem(node: RunsNode): vscode.TreeItem {
		if (node.kind === 'group') {
			const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.Expanded);
			const runs = node.runs.length === 1 ? vscode.l10n.t('1 run') : vscode.l10n.t('{0} runs', node.runs.length);
			const sweeps = node.sweeps.length ? vscode.l10n.t('{0} sweeps', node.sweeps.length) : '';
			item.description = [runs, sweeps].filter(Boolean).join(' · ');
			item.iconPath = new vscode.ThemeIcon('file-code');
			item.contextValue = 'group';
			return item;
		}
		if (node.kind === 'sweep') return sweepItem(node.sweep);
		if (node.kind === 'trial') return trialItem(node.sweep, node.trial);
		const r = node.run;
		const item = new vscode.TreeItem(r.startedAt ? localTime(r.startedAt) : r.id, vscode.TreeItemCollapsibleState.None);
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

/** The one metric that fits beside the time at the view's default width; the tooltip lists them all. */
function keyMetrics(r: RunRecord): string {
	const keys = ['test_accuracy', 'val_accuracy', 'accuracy', 'test_r2', 'val_r2', 'val_loss', 'loss'];
	const k = keys.find((x) => r.metrics[x] !== undefined);
	return k ? `${k} ${formatNumber(r.metrics[k]!, 3)}` : '';
}

/** A start time in the user's time zone, without the seconds and year a tree row has no room for. */
export function localTime(iso: string): string {
	const d = new Date(iso);
	if (Number.isNaN(d.getTime())) return iso;
	return d.toLocaleString(vscode.env.language, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

const SWEEP_ICON: Record<SweepState['status'], [string, string]> = {
	running: ['sync~spin', 'charts.blue'],
	completed: ['beaker', 'testing.iconPassed'],
	stopped: ['beaker', 'charts.yellow'],
	interrupted: ['beaker', 'charts.orange'],
	failed: ['beaker', 'testing.iconFailed'],
};

/** A sweep: its trials below it; clicking opens its trials panel. */
function sweepItem(sw: SweepRecord): vscode.TreeItem {
	const s = sw.state;
	const item = new vscode.TreeItem(vscode.l10n.t('Sweep · {0}', localTime(s.startedAt)), vscode.TreeItemCollapsibleState.Collapsed);
	item.id = sw.dir.toString();
	const done = s.trials.filter((t) => t.status !== 'queued' && t.status !== 'running').length;
	const trials = vscode.l10n.t('{0}/{1} trials', done, s.plannedTrials);
	item.description = s.best ? `${trials} · ${vscode.l10n.t('best {0}', formatNumber(s.best.score))}` : trials;
	const [icon, color] = SWEEP_ICON[s.status] ?? ['beaker', 'foreground'];
	item.iconPath = new vscode.ThemeIcon(icon, new vscode.ThemeColor(color));
	const md = new vscode.MarkdownString(undefined, false);
	md.appendMarkdown(`**${escapeMd(s.name)}** · ${escapeMd(s.id)} · ${escapeMd(s.status)}

`);
	md.appendMarkdown(`${escapeMd(s.strategy)} · ${escapeMd(s.objective.metric)} (${escapeMd(s.objective.direction)}) · ${trials}

`);
	if (s.best) {
		md.appendMarkdown(`${vscode.l10n.t('best {0}', `#${s.best.number}: ${formatNumber(s.best.score)}`)}
`);
		for (const [k, v] of Object.entries(s.best.params))
			md.appendMarkdown(`- ${escapeMd(k)}: ${escapeMd(String(v))}
`);
	}
	item.tooltip = md;
	item.contextValue = 'sweep';
	item.command = {
		command: 'modelwright.showTrials',
		title: vscode.l10n.t('Show Trials'),
		arguments: [vscode.Uri.file(s.configPath), sw.dir.fsPath],
	};
	return item;
}

/** A trial: its score (mean ± std over folds) and status; clicking shows its folds' curves. */
function trialItem(sw: SweepRecord, t: TrialRecord): vscode.TreeItem {
	const item = new vscode.TreeItem(vscode.l10n.t('Trial {0}', t.number), vscode.TreeItemCollapsibleState.None);
	item.id = `${sw.dir.toString()}#${t.number}`;
	const score = t.score === undefined ? '' : t.status === 'pruned' ? `(${formatNumber(t.score)})` : formatMeanStd(t.score, t.std);
	item.description = [score, t.number === sw.state.best?.number ? '★' : '', t.status === 'completed' ? '' : t.status]
		.filter(Boolean)
		.join(' ');
	const [icon, color] =
		t.status === 'pruned' ? ['debug-step-out', 'disabledForeground'] : (STATUS_ICON[t.status] ?? ['circle-outline', 'foreground']);
	item.iconPath = new vscode.ThemeIcon(icon, new vscode.ThemeColor(color));
	const md = new vscode.MarkdownString(undefined, false);
	for (const [k, v] of Object.entries(t.params))
		md.appendMarkdown(`- ${escapeMd(k)}: ${escapeMd(typeof v === 'number' ? formatNumber(v) : String(v))}
`);
	if (t.message)
		md.appendMarkdown(`
${escapeMd(t.message)}
`);
	item.tooltip = md;
	item.contextValue = 'trial';
	if (t.runDirs?.length)
		item.command = { command: 'modelwright.showCurves', title: vscode.l10n.t('Show Loss Curves'), arguments: [t.runDirs] };
	return item;
}

/** Run and config names are user text: never let them become Markdown links or HTML. */
export function escapeMd(s: string): string {
	return s.replace(/[\\`*_{}[\]()#+\-.!<>|]/g, '\\$&');
}
