/**
 * The architecture of the config being edited, as the language server sees it: the server holds
 * the analysis (with the data facts it read asynchronously), so the host only forwards the
 * `modelwright/architecture` answer to the page and keeps the layer ranges for the cursor.
 */
import * as vscode from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';
import { isConfigFile } from '../../../engine/core/facts';
import { ArchitectureRequest, type ArchitectureResult } from '../../../server/src/protocol';
import { ArchitectureHighlight, ArchitectureUpdate, isMessage, RevealInput, RevealLayer } from '../../../webviews/protocol';
import { LANGUAGE_ID } from '../manifest';
import { PanelHost } from './panel';

export class ArchitectureHost extends PanelHost<string> {
	private uri: vscode.Uri | undefined;
	private timer: NodeJS.Timeout | undefined;
	/** The range of each `model.layers` entry of the view last shown, by index. */
	private layerRanges: vscode.Range[] = [];
	/** The range of each `model.inputs` entry (named inputs), by index. */
	private inputRanges: vscode.Range[] = [];
	private readonly disposables: vscode.Disposable[];

	constructor(
		context: vscode.ExtensionContext,
		private readonly client: LanguageClient,
	) {
		super(context, 'architecture');
		this.disposables = [
			vscode.workspace.onDidChangeTextDocument((e) => {
				if (this.shows(e.document.uri)) this.schedule();
			}),
			vscode.window.onDidChangeTextEditorSelection((e) => this.highlight(e.textEditor)),
			vscode.window.onDidChangeActiveTextEditor((e) => {
				// The panel follows the config being edited.
				if (
					this.view &&
					e &&
					(e.document.languageId === LANGUAGE_ID || isConfigFile(e.document.uri.fsPath)) &&
					!this.shows(e.document.uri)
				) {
					this.uri = e.document.uri;
					this.remember(e.document.uri.toString());
					this.schedule(0);
				}
			}),
			// A (re)started server did not answer while it was down.
			client.onDidChangeState((e) => {
				if (e.newState === State.Running && this.view) this.schedule(0);
			}),
		];
	}

	show(uri: vscode.Uri, existing?: vscode.WebviewPanel): void {
		this.uri = uri;
		this.remember(uri.toString());
		this.open(vscode.l10n.t('Modelwright: Architecture'), existing);
	}

	protected restore(panel: vscode.WebviewPanel, saved: string | undefined): void {
		if (saved) this.show(vscode.Uri.parse(saved), panel);
		else panel.dispose();
	}

	protected send(): void {
		this.schedule(0);
	}

	protected override onMessage(msg: unknown): void {
		if (isMessage(RevealLayer.type, msg)) void this.reveal(this.layerRanges[msg.params.index]);
		else if (isMessage(RevealInput.type, msg)) void this.reveal(this.inputRanges[msg.params.input]);
	}

	protected override onClose(): void {
		clearTimeout(this.timer);
		this.uri = undefined;
		this.layerRanges = [];
		this.inputRanges = [];
	}

	private shows(uri: vscode.Uri): boolean {
		return uri.toString() === this.uri?.toString();
	}

	/** Debounced: every keystroke changes the document. */
	private schedule(delay = 250): void {
		clearTimeout(this.timer);
		this.timer = setTimeout(() => void this.update(), delay);
	}

	private async update(): Promise<void> {
		const uri = this.uri;
		if (!uri || !this.view) return;
		let doc: vscode.TextDocument;
		try {
			// Opening it also opens it in the language server, which then has a text to answer for.
			doc =
				vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString()) ?? (await vscode.workspace.openTextDocument(uri));
		} catch {
			// The config is gone (a panel restored after the file was deleted).
			this.view.panel.dispose();
			return;
		}
		let result: ArchitectureResult | null;
		try {
			result = await this.client.sendRequest(ArchitectureRequest.type, {
				textDocument: { uri: this.client.code2ProtocolConverter.asUri(uri) },
			});
		} catch {
			return; // the server is down: its restart schedules an update
		}
		if (!this.view || !this.shows(uri)) return;
		// Built from an older text: the newer change has its own update scheduled.
		if (result && result.version < doc.version) return;
		if (result) {
			this.layerRanges = result.layerRanges.map((r) => this.client.protocol2CodeConverter.asRange(r));
			this.inputRanges = (result.inputRanges ?? []).map((r) => this.client.protocol2CodeConverter.asRange(r));
			this.view.panel.title = vscode.l10n.t('Architecture: {0}', result.model.name);
			this.view.post(ArchitectureUpdate.type, { model: result.model, restore: { uri: uri.toString() } });
		}
		const editor = vscode.window.visibleTextEditors.find((e) => this.shows(e.document.uri));
		if (editor) this.highlight(editor);
	}

	/** The layer or named input under the cursor is highlighted in the graph. */
	private highlight(editor: vscode.TextEditor): void {
		if (!this.view || !this.shows(editor.document.uri)) return;
		const pos = editor.selection.active;
		const index = this.layerRanges.findIndex((r) => r.contains(pos));
		const input = this.inputRanges.findIndex((r) => r.contains(pos));
		this.view.post(ArchitectureHighlight.type, { index: index < 0 ? null : index, ...(input < 0 ? {} : { input }) });
	}

	/** A node was clicked: put the cursor on its layer (or input) entry in the config. */
	private async reveal(range: vscode.Range | undefined): Promise<void> {
		const uri = this.uri;
		if (!uri || !range) return;
		const doc = await vscode.workspace.openTextDocument(uri);
		const editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, preserveFocus: false });
		editor.selection = new vscode.Selection(range.start, range.start);
		editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
	}

	override dispose(): void {
		clearTimeout(this.timer);
		for (const d of this.disposables.splice(0)) d.dispose();
		super.dispose();
	}
}
