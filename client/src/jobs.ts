/**
 * Jobs as the user sees them: Train / Stop / Evaluate / … submit to the shared engine, show a
 * progress notification with Cancel, a status bar item (epoch, loss, ETA) that opens the
 * curves, and say how each job ended. Panels subscribe to the same events.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { JobInfo, JobKind, JobResultPayload, SubmitParams } from '../../engine/core/rpc';
import type { SweepEvent } from '../../engine/core/tune/protocol';
import type { EngineEvent, EpochLogs } from '../../engine/core/protocol';
import type { EngineHost, JobStateChange } from './engine';
import { configDisplayName } from '../../engine/core/config/name';
import { formatDuration, formatNumber, remainingMs, type PaceMark } from '../../engine/core/format';
import { getSettings } from './settings';
import { engineChannel } from './output';
import { dataReportLines } from '../../engine/core/data/report';

export interface JobView {
	jobId: string;
	kind: JobKind;
	configUri: vscode.Uri;
	name: string;
	runDir?: string;
	epoch: number;
	epochs: number;
	logs?: EpochLogs;
	startedAt: number;
	/** The end of the first epoch (trial, for sweeps): the ETA measures the pace after it. */
	pace?: PaceMark;
	state: JobInfo['state'];
}

export interface JobOutcome {
	state: 'succeeded' | 'failed' | 'cancelled';
	runDir?: string;
	error?: string;
	/** Why a job failed, from its job/failed event (`invalidConfig`: the config has errors). */
	errorKind?: string;
	finalLogs?: EpochLogs;
	weights?: { weight: number[]; bias: number[] };
	result?: JobResultPayload;
}

const fmt = (v: number | undefined) => (v === undefined ? '–' : formatNumber(v));

const LINGER_MS = 10_000;

/** Time left at the pace measured after the first (warm-up) epoch or trial; '' until there is one. */
export function eta(v: Pick<JobView, 'pace' | 'epoch' | 'epochs'>, now = Date.now()): string {
	const ms = remainingMs(v.pace, now, v.epoch, v.epochs);
	return ms === undefined ? '' : formatDuration(ms);
}

export class Jobs implements vscode.Disposable {
	private readonly views = new Map<string, JobView>();
	private readonly waiters = new Map<string, (o: JobOutcome) => void>();
	private readonly outcomes = new Map<string, Partial<JobOutcome>>();
	private readonly status: vscode.StatusBarItem;
	private readonly disposables: vscode.Disposable[] = [];
	private readonly changed = new vscode.EventEmitter<JobView>();
	readonly onDidChange = this.changed.event;
	/** The last job to end, kept in the status bar for a few seconds so a run that finishes in
	 * under a second still shows where it got to and how it ended. */
	private ended?: { view: JobView; state: JobOutcome['state']; timer: ReturnType<typeof setTimeout> };

	constructor(private readonly engine: EngineHost) {
		this.status = vscode.window.createStatusBarItem('modelwright.job', vscode.StatusBarAlignment.Left, 10);
		this.status.name = vscode.l10n.t('Modelwright Training');
		this.status.command = 'modelwright.showCurves';
		this.disposables.push(
			this.status,
			this.changed,
			engine.onJobEvent(({ jobId, event }) => this.onEvent(jobId, event)),
			engine.onJobState((s) => this.onState(s)),
		);
	}

	get current(): JobView | undefined {
		return [...this.views.values()].find((v) => v.state === 'running') ?? [...this.views.values()][0];
	}

	/** Submits a job and shows its progress; resolves when it ends. */
	async run(kind: JobKind, configUri: vscode.Uri, extra: Partial<SubmitParams> = {}): Promise<JobOutcome> {
		if (!vscode.workspace.isTrusted) {
			void vscode.window
				.showWarningMessage(
					vscode.l10n.t('Training is disabled in Restricted Mode: it reads your data and runs the engine. Trust this workspace to train.'),
					vscode.l10n.t('Manage Workspace Trust'),
				)
				.then((a) => a && vscode.commands.executeCommand('workbench.trust.manage'));
			return { state: 'failed', error: 'untrusted workspace' };
		}
		const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === configUri.toString());
		if (doc?.isDirty) await doc.save();
		const folder = vscode.workspace.getWorkspaceFolder(configUri);
		const settings = getSettings(configUri);
		const root = folder?.uri.fsPath ?? path.dirname(configUri.fsPath);
		const params: SubmitParams = {
			kind,
			configPath: configUri.fsPath,
			workspaceRoot: root,
			runsDir: path.resolve(root, settings.runsFolder),
			backend: settings['engine.backend'],
			allowOutside: settings.allowPathsOutsideWorkspace,
			...extra,
		};
		// One name from the start (progress title, status bar, toasts): the engine's own rule. Read
		// before submitting: nothing may await between submit and registering the view, or a short
		// job's state events arrive first and its outcome is lost (the caller waits forever).
		const name = configDisplayName(doc?.getText() ?? (await readText(configUri)), configUri.fsPath);
		const info = await this.engine.submit(params);
		const view: JobView = {
			jobId: info.jobId,
			kind,
			configUri,
			name,
			epoch: 0,
			epochs: extra.overrides?.epochs ?? 0,
			startedAt: Date.now(),
			state: info.state,
		};
		this.views.set(info.jobId, view);
		this.refreshStatus();
		const done = new Promise<JobOutcome>((resolve) => this.waiters.set(info.jobId, resolve));
		void vscode.window.withProgress(
			{
				location: vscode.ProgressLocation.Notification,
				title: vscode.l10n.t('Modelwright: {0} {1}', kindTitle(kind), name),
				// Evaluate, predict and export are short and cannot be interrupted.
				cancellable: kind === 'train' || kind === 'tune',
			},
			async (progress, token) => {
				token.onCancellationRequested(() => void this.engine.cancel(info.jobId));
				let last = 0;
				const sub = this.onDidChange((v) => {
					if (v.jobId !== info.jobId) return;
					if (v.state === 'queued') progress.report({ message: vscode.l10n.t('waiting for the engine…') });
					else if (v.epochs > 0) {
						const pct = (v.epoch / v.epochs) * 100;
						progress.report({ increment: pct - last, message: this.describe(v) });
						last = pct;
					}
				});
				try {
					await done;
				} finally {
					sub.dispose();
				}
			},
		);
		return done;
	}

	async stop(jobId?: string): Promise<boolean> {
		const id = jobId ?? this.current?.jobId;
		return id ? this.engine.cancel(id) : false;
	}

	describe(v: JobView): string {
		if (v.kind === 'tune') {
			const e = eta(v);
			return [
				vscode.l10n.t('trial {0}/{1}', v.epoch, v.epochs),
				v.logs?.best !== undefined ? vscode.l10n.t('best {0}', fmt(v.logs.best)) : '',
				e ? vscode.l10n.t('ETA {0}', e) : '',
			]
				.filter(Boolean)
				.join(' · ');
		}
		const loss = v.logs?.loss;
		const val = v.logs?.val_loss;
		const e = eta(v);
		return [
			vscode.l10n.t('epoch {0}/{1}', v.epoch, v.epochs),
			// Metric names as the engine logs them, never abbreviated: the words around them are translated.
			`loss ${fmt(loss)}${val !== undefined ? ` · val_loss ${fmt(val)}` : ''}`,
			e ? vscode.l10n.t('ETA {0}', e) : '',
		]
			.filter(Boolean)
			.join(' · ');
	}

	private onEvent(jobId: string, raw: EngineEvent | SweepEvent): void {
		const v = this.views.get(jobId);
		if (!v) return;
		if (raw.method.startsWith('sweep/')) {
			this.onSweepEvent(v, raw as SweepEvent);
			return;
		}
		const event = raw as EngineEvent;
		const o = this.outcomes.get(jobId) ?? {};
		switch (event.method) {
			case 'job/started':
				v.runDir = event.params.runDir;
				v.epochs = event.params.epochs;
				v.name = event.params.name;
				v.state = 'running';
				v.startedAt = Date.now();
				break;
			case 'job/dataLoaded': {
				// The data report (rows dropped and why, empty features, classes missing from a split): engine text, logged as is.
				const report = dataReportLines(event.params);
				for (const l of report.dropped) engineChannel().info(`${v.name}: ${l}`);
				for (const w of report.warnings) engineChannel().warn(`${v.name}: ${w}`);
				break;
			}
			case 'job/epochEnd':
				v.epoch = event.params.epoch;
				v.epochs = event.params.epochs;
				v.logs = event.params.logs;
				v.pace ??= { at: Date.now(), done: v.epoch };
				break;
			case 'job/finished':
				o.runDir = event.params.runDir;
				o.finalLogs = event.params.finalLogs;
				if (event.params.weights) o.weights = event.params.weights;
				break;
			case 'job/failed':
				o.error = event.params.message;
				if (event.params.kind) o.errorKind = event.params.kind;
				if (event.params.runDir) o.runDir = event.params.runDir;
				break;
			case 'job/cancelled':
				o.error = event.params.reason;
				if (event.params.runDir) o.runDir = event.params.runDir;
				break;
			default:
				break;
		}
		this.outcomes.set(jobId, o);
		this.changed.fire(v);
		this.refreshStatus();
	}

	/** A sweep reports trials, not epochs: progress is trials done of trials planned. */
	private onSweepEvent(v: JobView, e: SweepEvent): void {
		if (e.method === 'sweep/started') {
			v.state = 'running';
			v.epochs = e.params.state.plannedTrials;
			v.epoch = e.params.state.trials.filter((t) => t.status !== 'queued' && t.status !== 'running').length;
			v.runDir = e.params.sweepDir;
			v.startedAt = Date.now();
			// A resumed sweep removes the folds its stopped attempt left unfinished: say which.
			const removed = e.params.removedTrials ?? [];
			if (removed.length)
				engineChannel().info(
					`sweep ${e.params.state.id}: removed ${removed.length} trial folder(s) sweep.json does not reference (folds left unfinished when it stopped): ${removed.map((d) => path.basename(d)).join(', ')}`,
				);
			for (const k of e.params.keptTrials ?? []) engineChannel().info(`sweep ${e.params.state.id}: kept in trials/: ${k.reason}`);
		} else if (e.method === 'sweep/trialEnded') {
			v.epoch++;
			v.pace ??= { at: Date.now(), done: v.epoch };
			if (e.params.best) v.logs = { best: e.params.best.score };
		}
		this.changed.fire(v);
		this.refreshStatus();
	}

	private onState(s: JobStateChange): void {
		const v = this.views.get(s.jobId);
		if (!v) return;
		v.state = s.state;
		if (s.runDir) v.runDir = s.runDir;
		this.changed.fire(v);
		if (s.state === 'succeeded' || s.state === 'failed' || s.state === 'cancelled') {
			const o = this.outcomes.get(s.jobId) ?? {};
			const outcome: JobOutcome = {
				...o,
				...(s.result ? { result: s.result } : {}),
				state: s.state,
				...((o.runDir ?? v.runDir) ? { runDir: o.runDir ?? v.runDir } : {}),
				...((s.error ?? o.error) ? { error: s.error ?? o.error } : {}),
			};
			this.views.delete(s.jobId);
			this.outcomes.delete(s.jobId);
			if (this.ended) clearTimeout(this.ended.timer);
			const timer = setTimeout(() => {
				this.ended = undefined;
				this.refreshStatus();
			}, LINGER_MS);
			this.ended = { view: v, state: s.state, timer };
			this.waiters.get(s.jobId)?.(outcome);
			this.waiters.delete(s.jobId);
			this.report(v, outcome);
		}
		this.refreshStatus();
	}

	private report(v: JobView, o: JobOutcome): void {
		// A sweep reports its own result (best trial, Apply Best); a loss line would be made up.
		if (o.state === 'succeeded' && v.kind === 'tune') return;
		if (o.state === 'succeeded' && v.kind !== 'train') {
			void vscode.window.showInformationMessage(vscode.l10n.t('{0} {1} finished.', kindTitle(v.kind), v.name));
			return;
		}
		if (o.state === 'succeeded') {
			const w =
				o.weights && o.weights.weight.length === 1
					? vscode.l10n.t(' Learned weight {0}, bias {1}.', fmt(o.weights.weight[0]), fmt(o.weights.bias[0]))
					: '';
			void vscode.window
				.showInformationMessage(
					vscode.l10n.t('{0} {1} finished: loss {2}.{3}', kindTitle(v.kind), v.name, fmt(o.finalLogs?.loss), w),
					vscode.l10n.t('Show Loss Curves'),
					vscode.l10n.t('Show Evaluation'),
				)
				.then((a) => {
					if (a === vscode.l10n.t('Show Loss Curves')) void vscode.commands.executeCommand('modelwright.showCurves', o.runDir);
					else if (a) void vscode.commands.executeCommand('modelwright.showEvaluation', o.runDir);
				});
		} else if (o.state === 'cancelled') {
			void vscode.window.showInformationMessage(
				vscode.l10n.t('{0} {1} was stopped; the run keeps its metrics so far.', kindTitle(v.kind), v.name),
			);
		} else {
			// A config with errors is fixed in the Problems view, not diagnosed from the engine's log.
			const invalid = o.errorKind === 'invalidConfig';
			const action = invalid ? vscode.l10n.t('Show Problems') : vscode.l10n.t('Show Engine Log');
			void vscode.window
				.showErrorMessage(
					vscode.l10n.t('{0} {1} failed: {2}', kindTitle(v.kind), v.name, o.error ?? vscode.l10n.t('unknown error')),
					action,
				)
				.then((a) => a && vscode.commands.executeCommand(invalid ? 'workbench.actions.view.problems' : 'modelwright.showEngineLog'));
		}
	}

	private refreshStatus(): void {
		const v = this.current;
		void vscode.commands.executeCommand('setContext', 'modelwright.jobRunning', Boolean(v));
		if (!v) {
			const e = this.ended;
			if (!e) {
				this.status.hide();
				return;
			}
			const icon = e.state === 'succeeded' ? '$(check)' : e.state === 'cancelled' ? '$(debug-stop)' : '$(error)';
			const word =
				e.state === 'succeeded' ? vscode.l10n.t('finished') : e.state === 'cancelled' ? vscode.l10n.t('stopped') : vscode.l10n.t('failed');
			const detail = e.view.epochs ? `${this.describe(e.view)} · ${word}` : word;
			this.status.text = `${icon} ${e.view.name} · ${detail}`;
			this.status.tooltip = vscode.l10n.t('Modelwright: {0} ended. Click to show the loss curves.', e.view.name);
			this.status.show();
			return;
		}
		if (this.ended) {
			clearTimeout(this.ended.timer);
			this.ended = undefined;
		}
		const queued = [...this.views.values()].filter((x) => x.state === 'queued').length;
		this.status.text = `$(sync~spin) ${v.name}${v.state === 'running' && v.epochs ? ` · ${this.describe(v)}` : ` · ${vscode.l10n.t('waiting')}`}${queued && v.state === 'running' ? ` (+${queued})` : ''}`;
		this.status.tooltip = vscode.l10n.t('Modelwright is training {0}. Click to show the loss curves.', v.name);
		this.status.show();
	}

	dispose(): void {
		if (this.ended) clearTimeout(this.ended.timer);
		for (const d of this.disposables) d.dispose();
	}
}

function kindTitle(kind: JobKind): string {
	switch (kind) {
		case 'train':
			return vscode.l10n.t('Training');
		case 'evaluate':
			return vscode.l10n.t('Evaluation of');
		case 'predict':
			return vscode.l10n.t('Prediction with');
		case 'export':
			return vscode.l10n.t('Export of');
		case 'tune':
			return vscode.l10n.t('Tuning');
	}
}

async function readText(uri: vscode.Uri): Promise<string | undefined> {
	try {
		return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
	} catch {
		return undefined;
	}
}
