/** "New Model Config": the shipped examples are the templates. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { asConfigFileName, CONFIG_EXTENSIONS, configNameFromPath, isConfigFile } from '../../engine/core/facts';
import { freeConfigFileName } from '../../engine/core/config/name';
import { applyParams } from '../../engine/core/tune/apply';

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
	// A name no file in the folder has: the dialog would otherwise propose overwriting iris.model.yaml.
	const defaultUri = folder ? vscode.Uri.joinPath(folder, await freeName(folder, pick.file)) : undefined;
	const target =
		args.target ??
		(await vscode.window.showSaveDialog({
			...(defaultUri ? { defaultUri } : {}),
			filters: { [vscode.l10n.t('Model config')]: [...CONFIG_EXTENSIONS] },
			title: vscode.l10n.t('Save the new model config'),
		}));
	if (!target) return undefined;
	if (!isConfigFile(target.path)) {
		void vscode.window.showWarningMessage(
			vscode.l10n.t(
				'{0} does not end in .model.yaml, so Modelwright will not check it. Rename it to {1}.',
				path.basename(target.path),
				asConfigFileName(path.basename(target.path)),
			),
		);
	}
	const content = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(extensionUri, 'examples', pick.file)));
	// Its own name (runs, sweeps and exports are named by it), not the template's.
	await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(applyParams(content, { name: configNameFromPath(target.path) })));
	await vscode.window.showTextDocument(target);
	return target;
}

async function freeName(folder: vscode.Uri, file: string): Promise<string> {
	let names: Set<string>;
	try {
		names = new Set((await vscode.workspace.fs.readDirectory(folder)).map(([n]) => n.toLowerCase()));
	} catch {
		return file;
	}
	return freeConfigFileName(file, (n) => names.has(n.toLowerCase()));
}
