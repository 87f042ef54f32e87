/**
 * The five panels (loss curves, architecture, evaluation, run comparison, tuning trials), one host
 * each in this folder; this facade is what the extension and its commands call. Pages are browser
 * bundles in dist/webviews/ that get their data only by postMessage (webviews/protocol.ts).
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { EngineEvent } from '../../../engine/core/protocol';
import type { SweepEvent } from '../../../engine/core/tune/protocol';
import type { PanelKind } from '../../../webviews/protocol';
import type { RunsProvider } from '../runsView';
import { ArchitectureHost } from './architecture';
import { CompareHost } from './compare';
import { CurvesHost } from './curves';
import { EvaluationHost } from './evaluation';
import { TuningHost } from './tuning';

export class Panels implements vscode.Disposable {
	readonly curves: CurvesHost;
	readonly architecture: ArchitectureHost;
	readonly evaluation: EvaluationHost;
	readonly compare: CompareHost;
	readonly tuning: TuningHost;

	constructor(context: vscode.ExtensionContext, runs: RunsProvider, client: LanguageClient) {
		this.curves = new CurvesHost(context, runs);
		this.architecture = new ArchitectureHost(context, client);
		this.evaluation = new EvaluationHost(context);
		this.compare = new CompareHost(context, this.evaluation);
		this.tuning = new TuningHost(context, this.curves);
	}

	/** Every job event of the engine (the extension forwards them). */
	onJobEvent(jobId: string, event: EngineEvent | SweepEvent): void {
		if (isSweepEvent(event)) this.tuning.onSweepEvent(jobId, event);
		else this.curves.onJobEvent(jobId, event);
	}

	followTraining(config?: vscode.Uri): void {
		this.curves.followTraining(config);
	}

	followTuning(config: vscode.Uri): void {
		this.tuning.followTuning(config);
	}

	showCurves(dirs: vscode.Uri[]): void {
		this.curves.show(dirs.map((d) => d.fsPath));
	}

	showArchitecture(config: vscode.Uri): void {
		this.architecture.show(config);
	}

	showEvaluation(dir: vscode.Uri): void {
		this.evaluation.show(dir.fsPath);
	}

	showComparison(dirs: vscode.Uri[]): void {
		this.compare.show(dirs.map((d) => d.fsPath));
	}

	showTrials(sweepDir: string): void {
		this.tuning.show(sweepDir);
	}

	/** For tests: which panels are open. */
	openPanels(): PanelKind[] {
		return this.hosts()
			.filter((h) => h.isOpen)
			.map((h) => h.kind);
	}

	dispose(): void {
		for (const h of this.hosts()) h.dispose();
	}

	private hosts() {
		return [this.curves, this.architecture, this.evaluation, this.compare, this.tuning];
	}
}

function isSweepEvent(e: EngineEvent | SweepEvent): e is SweepEvent {
	return e.method.startsWith('sweep/');
}
