/** The loss curves: run folders read from disk, and the live epochs of the jobs this window runs. */
import * as vscode from 'vscode';
import type { EngineEvent } from '../../../engine/core/protocol';
import { CurvesAppend, CurvesInit, CurvesRuns, type RunMeta } from '../../../webviews/protocol';
import type { RunsProvider } from '../runsView';
import { getSettings } from '../settings';
import { epochPoint, runSeries } from '../views';
import { PanelHost } from './panel';

export class CurvesHost extends PanelHost<string[]> {
	private readonly runDirs = new Map<string, string>(); // run id → run folder
	private readonly jobRuns = new Map<string, string>(); // job id → run id
	private follow = false;
	/** Opened at the Train command, before the job started: closed again if it fails first. */
	private early = false;

	constructor(
		context: vscode.ExtensionContext,
		private readonly runs: RunsProvider,
	) {
		super(context, 'curves');
	}

	/** Adds the given run folders (none: the newest run) to the panel. */
	show(dirs: string[]): void {
		this.add(
			dirs.length
				? dirs
				: this.runs
						.all()
						.slice(0, 1)
						.map((r) => r.dir.fsPath),
		);
	}

	/**
	 * The next training opens the panel (setting `panels.autoOpen`). A config the editor shows
	 * without errors opens it at once: a session's first webview takes a second or two to boot,
	 * and started together with the engine it plots the first epochs as they come instead of
	 * after a short run has ended. Other configs open it at job/started, and a job that fails
	 * before it started closes an early panel again: no empty panel for a config with errors.
	 */
	followTraining(config?: vscode.Uri): void {
		this.follow = true;
		if (this.view || !config || !getSettings(config)['panels.autoOpen'] || !knownClean(config)) return;
		this.add([]);
		this.early = true;
	}

	/** Engine events of every job: a followed training opens the panel, an open one plots live. */
	onJobEvent(jobId: string, event: EngineEvent): void {
		if ((event.method === 'job/failed' || event.method === 'job/cancelled') && !this.jobRuns.has(jobId)) {
			if (this.early && this.runDirs.size === 0) this.view?.panel.dispose();
			this.early = false;
			return;
		}
		if (event.method === 'job/started') {
			this.early = false;
			this.jobRuns.set(jobId, event.params.runId);
			if (!this.view && this.follow && getSettings()['panels.autoOpen']) this.add([]);
			if (!this.view) return;
			this.runDirs.set(event.params.runId, event.params.runDir);
			this.remember([...this.runDirs.values()]);
			const meta: RunMeta = {
				id: event.params.runId,
				name: event.params.name,
				status: 'running',
				totalEpochs: event.params.epochs,
				startedAt: event.params.startedAt,
			};
			this.view.post(CurvesRuns.type, { runs: [meta] });
			return;
		}
		const runId = this.jobRuns.get(jobId);
		if (!runId || !this.view || !this.runDirs.has(runId)) return;
		switch (event.method) {
			case 'job/epochEnd':
				this.view.post(CurvesAppend.type, { runId, points: [epochPoint(event.params.epoch, event.params.logs)] });
				break;
			case 'job/finished':
			case 'job/failed':
			case 'job/cancelled': {
				// The final status, best epoch and message, as the run folder now records them.
				const s = runSeries(this.runDirs.get(runId)!);
				if (s) {
					const { epochs: _e, series: _s, batches: _b, ...meta } = s;
					this.view.post(CurvesRuns.type, { runs: [meta] });
				}
				this.jobRuns.delete(jobId);
				break;
			}
			default:
				break;
		}
	}

	protected restore(panel: vscode.WebviewPanel, saved: string[] | undefined): void {
		this.add(saved ?? [], panel);
	}

	protected send(): void {
		const dirs = [...this.runDirs.values()];
		this.view?.post(CurvesInit.type, {
			runs: dirs.map(runSeries).filter((r) => r !== undefined),
			title: vscode.l10n.t('Loss curves'),
			restore: { runDirs: dirs },
		});
	}

	protected override onClose(): void {
		this.runDirs.clear();
		this.follow = false;
		this.early = false;
	}

	private add(dirs: string[], existing?: vscode.WebviewPanel): void {
		for (const d of dirs) {
			const s = runSeries(d);
			if (s) this.runDirs.set(s.id, d);
		}
		this.remember([...this.runDirs.values()]);
		this.open(vscode.l10n.t('Modelwright: Loss Curves'), existing);
	}
}

/** An open document the language server has checked without errors (as far as it has reported). */
function knownClean(config: vscode.Uri): boolean {
	const open = vscode.workspace.textDocuments.some((d) => d.uri.toString() === config.toString());
	return open && !vscode.languages.getDiagnostics(config).some((d) => d.severity === vscode.DiagnosticSeverity.Error);
}
