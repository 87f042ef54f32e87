/** The evaluation of one run (its evaluation.json): metrics, confusion matrix, ROC/PR, regression plots. */
import * as vscode from 'vscode';
import { EvaluationShow, type EvaluationView } from '../../../webviews/protocol';
import { evaluationView } from '../views';
import { PanelHost } from './panel';

export class EvaluationHost extends PanelHost<string> {
	private dir: string | undefined;
	private shown: EvaluationView | undefined;

	constructor(context: vscode.ExtensionContext) {
		super(context, 'evaluation');
	}

	show(dir: string, existing?: vscode.WebviewPanel): void {
		const view = evaluationView(dir);
		if (!view) {
			existing?.dispose();
			void vscode.window.showInformationMessage(vscode.l10n.t('This run has no evaluation yet (it did not finish training).'));
			return;
		}
		this.dir = dir;
		this.shown = view;
		this.remember(dir);
		this.open(vscode.l10n.t('Evaluation: {0}', view.runName), existing);
	}

	protected restore(panel: vscode.WebviewPanel, saved: string | undefined): void {
		if (saved) this.show(saved, panel);
		else panel.dispose();
	}

	protected send(): void {
		// Read again: the page may ask after the run was re-evaluated (or its folder deleted).
		const evaluation = (this.dir ? evaluationView(this.dir) : undefined) ?? this.shown;
		if (evaluation && this.dir) this.view?.post(EvaluationShow.type, { evaluation, restore: { runDir: this.dir } });
	}
}
