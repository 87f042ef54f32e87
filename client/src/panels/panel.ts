/**
 * What every panel host shares: the webview (HTML behind a strict CSP with a per-document nonce,
 * messages queued until the page is ready), the messages any page may send (export a file, copy
 * text), and the base of the hosts: open-or-reveal, and restore after a reload from what the
 * host kept in workspace state.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CopyText, ExportFile, isMessage, message, Ready, type MessageType, type PanelKind } from '../../../webviews/protocol';
import { makeNonce, PANEL_ASSETS, renderPanelHtml } from '../../../webviews/shared/html';

/** One webview panel: HTML with CSP, a queue of messages until the page says it is ready. */
export class Panel implements vscode.Disposable {
	readonly panel: vscode.WebviewPanel;
	private ready = false;
	private queue: unknown[] = [];
	private readonly disposables: vscode.Disposable[] = [];
	private readonly closed = new vscode.EventEmitter<void>();
	readonly onDidClose = this.closed.event;

	constructor(
		context: vscode.ExtensionContext,
		kind: PanelKind,
		title: string,
		/** Messages other than `ready`, `exportFile` and `copyText`, which the panel answers itself. */
		onMessage: (msg: unknown) => void,
		/** The page listens (again, after a reload): send it everything. */
		onReady: () => void,
		existing?: vscode.WebviewPanel,
	) {
		const root = vscode.Uri.joinPath(context.extensionUri, 'dist', 'webviews');
		this.panel =
			existing ??
			vscode.window.createWebviewPanel(
				PANEL_ASSETS[kind].viewType,
				title,
				{ viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
				{},
			);
		this.panel.title = title;
		this.panel.webview.options = { enableScripts: true, enableCommandUris: false, localResourceRoots: [root] };
		this.panel.iconPath = vscode.Uri.joinPath(context.extensionUri, 'client', 'media', 'config-icon.svg');
		const w = this.panel.webview;
		const asset = PANEL_ASSETS[kind];
		w.html = renderPanelHtml({
			scriptUri: w.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, asset.script)).toString(),
			styleUri: w.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, asset.style)).toString(),
			cspSource: w.cspSource,
			nonce: makeNonce(),
			title,
			kind,
			locale: vscode.env.language,
		});
		this.disposables.push(
			w.onDidReceiveMessage((msg: unknown) => {
				if (isMessage(Ready.type, msg)) {
					this.ready = true;
					onReady();
					for (const m of this.queue.splice(0)) void w.postMessage(m);
				} else if (isMessage(ExportFile.type, msg)) void exportFile(msg.params);
				else if (isMessage(CopyText.type, msg)) {
					void vscode.env.clipboard
						.writeText(msg.params.text)
						.then(() => vscode.window.showInformationMessage(vscode.l10n.t('Copied {0} to the clipboard.', msg.params.what)));
				} else onMessage(msg);
			}),
			this.panel.onDidDispose(() => {
				this.closed.fire();
				this.dispose();
			}),
		);
	}

	post<M extends string, P>(type: MessageType<M, P, 'hostToPage'>, params: P): void {
		const m = message(type, params);
		if (this.ready) void this.panel.webview.postMessage(m);
		else this.queue.push(m);
	}

	dispose(): void {
		for (const d of this.disposables.splice(0)) d.dispose();
		this.closed.dispose();
	}
}

/** Webviews cannot download: ask where to save and write the page's data there. */
async function exportFile(params: ExportFile.Params): Promise<void> {
	const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
	const target = await vscode.window.showSaveDialog({
		...(folder ? { defaultUri: vscode.Uri.joinPath(folder, params.name) } : {}),
		title: vscode.l10n.t('Export {0}', params.name),
	});
	if (!target) return;
	const bytes = params.encoding === 'base64' ? Buffer.from(params.data, 'base64') : Buffer.from(params.data, 'utf8');
	await vscode.workspace.fs.writeFile(target, bytes);
	void vscode.window.showInformationMessage(vscode.l10n.t('Saved {0}', path.basename(target.fsPath)));
}

/**
 * The host of one panel kind, at most one panel open. `S` is what the panel shows (run folders,
 * a config URI), kept in workspace state: VS Code hands back only the webview after a reload.
 */
export abstract class PanelHost<S> implements vscode.Disposable {
	protected view: Panel | undefined;
	private readonly serializer: vscode.Disposable;

	constructor(
		protected readonly context: vscode.ExtensionContext,
		readonly kind: PanelKind,
	) {
		this.serializer = vscode.window.registerWebviewPanelSerializer(PANEL_ASSETS[kind].viewType, {
			deserializeWebviewPanel: async (panel) => this.restore(panel, this.context.workspaceState.get<S>(this.stateKey)),
		});
	}

	get isOpen(): boolean {
		return this.view !== undefined;
	}

	/** A webview VS Code restored after a reload: show `saved` in it, or close it. */
	protected abstract restore(panel: vscode.WebviewPanel, saved: S | undefined): void;
	/** Posts everything the page shows (on open, on reveal, on `ready`). */
	protected abstract send(): void;
	/** Page messages specific to this panel. */
	protected onMessage(_msg: unknown): void {}
	/** The panel was closed: forget what it showed. */
	protected onClose(): void {}

	protected remember(value: S): void {
		void this.context.workspaceState.update(this.stateKey, value);
	}

	/** Reveals the open panel and sends its data again, or opens one (in the restored webview `existing`). */
	protected open(title: string, existing?: vscode.WebviewPanel): void {
		if (this.view) {
			this.view.panel.reveal(undefined, true);
			this.send();
			return;
		}
		const view = new Panel(
			this.context,
			this.kind,
			title,
			(msg) => this.onMessage(msg),
			() => this.send(),
			existing,
		);
		view.onDidClose(() => {
			this.view = undefined;
			this.onClose();
		});
		this.view = view;
	}

	private get stateKey(): string {
		return `modelwright.panel.${this.kind}`;
	}

	dispose(): void {
		this.view?.panel.dispose();
		this.serializer.dispose();
	}
}
