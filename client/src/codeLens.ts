/** Train · Tune · Architecture lenses, placed where the language server says (modelwright/codeLenses). */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { CodeLensesRequest } from '../../server/src/protocol';
import { getSettings } from './settings';

export class ConfigLenses implements vscode.CodeLensProvider {
	private readonly emitter = new vscode.EventEmitter<void>();
	readonly onDidChangeCodeLenses = this.emitter.event;

	constructor(private readonly client: () => LanguageClient | undefined) {}

	refresh(): void {
		this.emitter.fire();
	}

	async provideCodeLenses(document: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
		const client = this.client();
		if (!client?.isRunning() || !getSettings(document.uri).codeLens) return [];
		const lenses = await client.sendRequest(CodeLensesRequest.type, { textDocument: { uri: document.uri.toString() } }, token);
		const trusted = vscode.workspace.isTrusted;
		return lenses.flatMap((l) => {
			const range = client.protocol2CodeConverter.asRange(l.range);
			switch (l.kind) {
				case 'train':
					return trusted
						? [
								new vscode.CodeLens(range, {
									title: `$(play) ${vscode.l10n.t('Train')}`,
									command: 'modelwright.train',
									arguments: [document.uri],
								}),
							]
						: [];
				case 'tune':
					return trusted
						? [
								new vscode.CodeLens(range, {
									title: `$(beaker) ${l.title ?? vscode.l10n.t('Tune')}`,
									command: 'modelwright.tune',
									arguments: [document.uri],
								}),
							]
						: [];
				case 'architecture':
					return [
						new vscode.CodeLens(range, {
							title: `$(type-hierarchy) ${vscode.l10n.t('Architecture')}`,
							command: 'modelwright.showArchitecture',
							arguments: [document.uri],
						}),
					];
				default:
					return [];
			}
		});
	}
}
