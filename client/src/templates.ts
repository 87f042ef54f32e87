/** "New Model Config": the shipped examples are the templates. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { isConfigFile } from '../../engine/core/facts';

interface Template {
	file: string;
	label: string;
	detail: string;
}

const TEMPLATES: Template[] = [
	{
		file: 'linear-regression.model.yaml',
		label: vscode.l10n.t('Linear regression'),
		detail: vscode.l10n.t('The seed example: y = 2x + noise, one dense unit, SGD, MSE.'),
	},
	{
		file: 'iris.model.yaml',
		label: vscode.l10n.t('Iris classification'),
		detail: vscode.l10n.t('A small MLP classifier on the bundled Iris data set.'),
	},
	{
		file: 'spirals.model.yaml',
		label: vscode.l10n.t('Spirals (non-linear)'),
		detail: vscode.l10n.t('Two interleaved spirals: a deeper network with a cosine schedule.'),
	},
	{
		file: 'residual.model.yaml',
		label: vscode.l10n.t('Residual MLP (layer graph)'),
		detail: vscode.l10n.t('Layers named and joined with from: a skip connection added back with add.'),
	},
	{
		file: 'tuning.model.yaml',
		label: vscode.l10n.t('Tuning sweep'),
		detail: vscode.l10n.t('Bayesian search with 3-fold cross-validation and median pruning.'),
	},
];

/** `args` lets tests and other extensions skip the pickers. */
export async function newConfig(
	extensionUri: vscode.Uri,
	args: { template?: string; target?: vscode.Uri } = {},
): Promise<vscode.Uri | undefined> {
	const pick =
		TEMPLATES.find((t) => t.file === args.template) ??
		(await vscode.window.showQuickPick(
			TEMPLATES.map((t) => ({ ...t, description: t.file })),
			{ title: vscode.l10n.t('New Model Config'), placeHolder: vscode.l10n.t('Pick a template') },
		));
	if (!pick) return undefined;
	const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
	const defaultUri = folder ? vscode.Uri.joinPath(folder, pick.file) : undefined;
	const target =
		args.target ??
		(await vscode.window.showSaveDialog({
			...(defaultUri ? { defaultUri } : {}),
			filters: { [vscode.l10n.t('Model config')]: ['yaml', 'yml', 'json'] },
			title: vscode.l10n.t('Save the new model config'),
		}));
	if (!target) return undefined;
	if (!isConfigFile(target.path)) {
		void vscode.window.showWarningMessage(
			vscode.l10n.t(
				'{0} does not end in .model.yaml, so Modelwright will not check it. Rename it to {1}.',
				path.basename(target.path),
				path.basename(target.path).replace(/(\.ya?ml|\.json)?$/i, '.model.yaml'),
			),
		);
	}
	const content = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(extensionUri, 'examples', pick.file));
	await vscode.workspace.fs.writeFile(target, content);
	await vscode.window.showTextDocument(target);
	return target;
}
