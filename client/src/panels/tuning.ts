/** The trials of a sweep: read from its sweep.json, and live while a Tune of this window runs. */
import * as vscode from 'vscode';
import type { SweepEvent } from '../../../engine/core/tune/protocol';
import { readSweep } from '../../../engine/io/sweeps';
import { ApplyBest, isMessage, OpenTrial, TrialsEpoch, TrialsShow, TrialsUpdate } from '../../../webviews/protocol';
import { getSettings } from '../settings';
import { sweepView, trialView } from '../views';
import type { CurvesHost } from './curves';
import { PanelHost } from './panel';

export class TuningHost extends PanelHost<string> {
	private sweepDir: string | undefined;
	/** The config of the Tune being followed, for "Apply best" before its sweep.json names it. */
	private config: vscode.Uri | undefined;
	/** The tune job whose events feed the panel: the first sweep started after `followTuning`. */
	private job: string | undefined;

	constructor(
		context: vscode.ExtensionContext,
		private readonly curves: CurvesHost,
	) {
		super(context, 'tuning');
	}

	show(dir: string, existing?: vscode.WebviewPanel): void {
		this.sweepDir = dir;
		this.remember(dir);
		this.open(vscode.l10n.t('Modelwright: Tuning Trials'), existing);
	}

	/** The next `Tune` of this config shows its trials live. */
	followTuning(config: vscode.Uri): void {
		this.config = config;
		this.job = undefined;
	}

	onSweepEvent(jobId: string, e: SweepEvent): void {
		if (e.method === 'sweep/started') {
			if (this.job !== undefined && this.job !== jobId) return;
			this.job = jobId;
			if (getSettings()['panels.autoOpen'] || this.view) this.show(e.params.sweepDir);
			return;
		}
		if (jobId !== this.job || !this.view) return;
		if (e.method === 'sweep/trialStarted')
			this.view.post(TrialsUpdate.type, {
				trial: {
					number: e.params.number,
					params: e.params.params,
					status: 'running',
					intermediate: [],
					...(e.params.worker ? { worker: e.params.worker } : {}),
				},
			});
		else if (e.method === 'sweep/trialEpoch' && e.params.fold === 0)
			this.view.post(TrialsEpoch.type, { number: e.params.number, epoch: e.params.epoch, value: e.params.value ?? null });
		else if (e.method === 'sweep/trialEnded')
			this.view.post(TrialsUpdate.type, {
				trial: trialView(e.params.trial),
				...(e.params.best ? { best: { number: e.params.best.number, score: e.params.best.score } } : {}),
			});
		else if (e.method === 'sweep/finished') {
			this.view.post(TrialsShow.type, { sweep: sweepView(e.params.sweepDir, e.params.state)!, restore: { sweepDir: e.params.sweepDir } });
			this.job = undefined;
		}
	}

	protected restore(panel: vscode.WebviewPanel, saved: string | undefined): void {
		if (saved) this.show(saved, panel);
		else panel.dispose();
	}

	protected send(): void {
		const view = this.sweepDir ? sweepView(this.sweepDir) : undefined;
		if (view) this.view?.post(TrialsShow.type, { sweep: view, restore: { sweepDir: this.sweepDir! } });
	}

	protected override onMessage(msg: unknown): void {
		if (isMessage(OpenTrial.type, msg)) {
			const t = this.sweepDir ? readSweep(this.sweepDir)?.trials.find((x) => x.number === msg.params.number) : undefined;
			if (t?.runDirs?.length) this.curves.show(t.runDirs);
		} else if (isMessage(ApplyBest.type, msg)) {
			const state = this.sweepDir ? readSweep(this.sweepDir) : undefined;
			const config = state ? vscode.Uri.file(state.configPath) : this.config;
			if (config) void vscode.commands.executeCommand('modelwright.applyBestTrial', config, this.sweepDir);
		}
	}
}
