/** Runs side by side: the config keys that differ, final metrics, the curves overlaid. */
import * as vscode from 'vscode';
import { readRunSummary } from '../../../engine/io/store';
import { CompareShow, isMessage, OpenRun, PickRuns } from '../../../webviews/protocol';
import { comparisonView, runMeta } from '../views';
import type { EvaluationHost } from './evaluation';
import { PanelHost } from './panel';

export class CompareHost extends PanelHost<string[]> {
	private dirs: string[] = [];

	constructor(
		context: vscode.ExtensionContext,
		private readonly evaluation: EvaluationHost,
	) {
		super(context, 'compare');
	}

	show(dirs: string[], existing?: vscode.WebviewPanel): void {
		this.dirs = dirs;
		this.remember(dirs);
		this.open(vscode.l10n.t('Modelwright: Compare Runs'), existing);
	}

	protected restore(panel: vscode.WebviewPanel, saved: string[] | undefined): void {
		this.show(saved ?? [], panel);
	}

	protected send(): void {
		this.view?.post(CompareShow.type, { comparison: comparisonView(this.dirs), restore: { runDirs: this.dirs } });
	}

	protected override onMessage(msg: unknown): void {
		if (isMessage(PickRuns.type, msg)) void vscode.commands.executeCommand('modelwright.compareRuns');
		else if (isMessage(OpenRun.type, msg)) {
			// A run name was clicked: its evaluation, by the id the comparison gave it.
			const dir = this.dirs.find((d) => {
				const s = readRunSummary(d);
				return s !== undefined && runMeta(d, s).id === msg.params.runId;
			});
			if (dir) this.evaluation.show(dir);
		}
	}
}
