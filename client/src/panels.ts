/**
 * Hosts of the four panels (loss curves, architecture, evaluation, run comparison). Each page
 * is a browser bundle in dist/webviews/ behind a strict CSP with a per-document nonce; data
 * only travels by postMessage with the typed protocol of webviews/protocol.ts. Panels are
 * restored after a reload by serializers, from what the host kept in workspace state.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ConfigDocument } from '../../engine/core/config/document';
import { validateText } from '../../engine/core/config/validate';
import { probeFileSync } from '../../engine/io/probe';
import type { EngineEvent } from '../../engine/core/protocol';
import type { SweepEvent } from '../../engine/core/tune/protocol';
import {
	ApplyBest, ArchitectureHighlight, ArchitectureUpdate, CompareShow, CopyText, CurvesAppend, CurvesInit, CurvesRuns, EvaluationShow, ExportFile,
	isMessage, message, OpenRun, OpenTrial, PickRuns, Ready, RevealLayer, TrialsEpoch, TrialsShow, TrialsUpdate,
	type MessageType, type PanelKind, type RunMeta,
} from '../../webviews/protocol';
import { makeNonce, PANEL_ASSETS, renderPanelHtml } from '../../webviews/shared/html';
import type { Jobs } from './jobs';
import type { RunsProvider } from './runsView';
import { getSettings } from './settings';
import { architectureView, comparisonView, epochPoint, evaluationView, runSeries, sweepView, trialView } from './views';
import { readSweep } from '../../engine/io/sweeps';
import { LANGUAGE_ID } from './manifest';
import { configNameFromPath, isConfigFile } from '../../engine/core/facts';


/** One webview panel: HTML with CSP, a queue of messages until the page says it is ready. */
class Panel implements vscode.Disposable {
	readonly panel: vscode.WebviewPanel;
	private ready = false;
	private queue: unknown[] = [];
	private readonly disposables: vscode.Disposable[] = [];
	private readonly closed = new vscode.EventEmitter<void>();
	readonly onDidClose = this.closed.event;

	constructor(
		context: vscode.ExtensionContext,
		readonly kind: PanelKind,
		title: string,
		onMessage: (msg: unknown) => void,
		onReady: () => void,
		existing?: vscode.WebviewPanel,
	) {
		const root = vscode.Uri.joinPath(context.extensionUri, 'dist', 'webviews');
		this.panel = existing ?? vscode.window.createWebviewPanel(PANEL_ASSETS[kind].viewType, title, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {});
		this.panel.title = title;
		this.panel.webview.options = { enableScripts: true, enableCommandUris: false, localResourceRoots: [root] };
		this.panel.iconPath = vscode.Uri.joinPath(context.extensionUri, 'client', 'media', 'config-icon.svg');
		const w = this.panel.webview;
		const asset = PANEL_ASSETS[kind];
		this.panel.webview.html = renderPanelHtml({
			scriptUri: w.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, asset.script)).toString(),
			styleUri: w.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, asset.style)).toString(),
			cspSource: w.cspSource,
			nonce: makeNonce(),
			title,
		});
		this.disposables.push(
			w.onDidReceiveMessage((msg: unknown) => {
				if (isMessage(Ready.type, msg)) {
					this.ready = true;
					onReady();
					for (const m of this.queue.splice(0)) void w.postMessage(m);
					return;
				}
				onMessage(msg);
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

	/** After `ready`, the host resends everything; drop what was queued for the old page. */
	resetQueue(): void {
		this.queue = [];
	}

	dispose(): void {
		for (const d of this.disposables.splice(0)) d.dispose();
		this.closed.dispose();
	}
}

async function exportFile(params: ExportFile.Params): Promise<void> {
	const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
	const target = await vscode.window.showSaveDialog({ ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, params.name) } : {}), title: vscode.l10n.t('Export {0}', params.name) });
	if (!target) return;
	const bytes = params.encoding === 'base64' ? Buffer.from(params.data, 'base64') : Buffer.from(params.data, 'utf8');
	await vscode.workspace.fs.writeFile(target, bytes);
	void vscode.window.showInformationMessage(vscode.l10n.t('Saved {0}', path.basename(target.fsPath)));
}

export class Panels implements vscode.Disposable {
	private curves: Panel | undefined;
	private curveRuns = new Map<string, string>(); // run id → run folder
	private jobRuns = new Map<string, string>(); // job id → run id
	private architecture: Panel | undefined;
	private architectureUri: vscode.Uri | undefined;
	private architectureTimer: NodeJS.Timeout | undefined;
	private evaluation: Panel | undefined;
	private evaluationDir: string | undefined;
	private compare: Panel | undefined;
	private compareDirs: string[] = [];
	private tuning: Panel | undefined;
	private sweepDir: string | undefined;
	private tuningConfig: vscode.Uri | undefined;
	private tuneJob: string | undefined;
	private follow = false;
	private readonly disposables: vscode.Disposable[] = [];

	constructor(private readonly context: vscode.ExtensionContext, _jobs: Jobs, private readonly runs: RunsProvider, _client: () => LanguageClient | undefined) {
		const restore = (kind: PanelKind, fn: (panel: vscode.WebviewPanel) => void) => vscode.window.registerWebviewPanelSerializer(PANEL_ASSETS[kind].viewType, { deserializeWebviewPanel: async (panel) => fn(panel) });
		this.disposables.push(
			restore('curves', (p) => this.openCurves(this.state<string[]>('curves') ?? [], p)),
			restore('architecture', (p) => { const u = this.state<string>('architecture'); if (u) this.openArchitecture(vscode.Uri.parse(u), p); else p.dispose(); }),
			restore('evaluation', (p) => { const d = this.state<string>('evaluation'); if (d) this.openEvaluation(d, p); else p.dispose(); }),
			restore('compare', (p) => this.openComparison(this.state<string[]>('compare') ?? [], p)),
			restore('tuning', (p) => { const d = this.state<string>('tuning'); if (d) this.openTrials(d, p); else p.dispose(); }),
			vscode.workspace.onDidChangeTextDocument((e) => { if (this.architectureUri && e.document.uri.toString() === this.architectureUri.toString()) this.scheduleArchitecture(); }),
			vscode.window.onDidChangeTextEditorSelection((e) => this.highlightFromCursor(e.textEditor)),
			vscode.window.onDidChangeActiveTextEditor((e) => {
				// The architecture panel follows the config being edited.
				if (this.architecture && e && (e.document.languageId === LANGUAGE_ID || isConfigFile(e.document.uri.fsPath)) && e.document.uri.toString() !== this.architectureUri?.toString()) {
					this.architectureUri = e.document.uri;
					void this.keep('architecture', e.document.uri.toString());
					this.scheduleArchitecture(0);
				}
			}),
		);
	}

	private state<T>(kind: PanelKind): T | undefined {
		return this.context.workspaceState.get<T>(`modelwright.panel.${kind}`);
	}

	private keep(kind: PanelKind, value: unknown): Thenable<void> {
		return this.context.workspaceState.update(`modelwright.panel.${kind}`, value);
	}

	/** Engine events feed the live curves (called by the extension for every job event). */
	onJobEvent(jobId: string, ev: EngineEvent | SweepEvent): void {
		if (ev.method.startsWith('sweep/')) {
			this.onSweepEvent(jobId, ev as SweepEvent);
			return;
		}
		const event = ev as EngineEvent;
		if (event.method === 'job/started') {
			this.jobRuns.set(jobId, event.params.runId);
			if (!this.curves && this.follow && getSettings()['panels.autoOpen']) this.openCurves([]);
			if (!this.curves) return;
			this.curveRuns.set(event.params.runId, event.params.runDir);
			void this.keep('curves', [...this.curveRuns.values()]);
			const meta: RunMeta = { id: event.params.runId, name: event.params.name, status: 'running', totalEpochs: event.params.epochs, startedAt: event.params.startedAt };
			this.curves.post(CurvesRuns.type, { runs: [meta] });
			return;
		}
		const runId = this.jobRuns.get(jobId);
		if (!runId || !this.curves || !this.curveRuns.has(runId)) return;
		switch (event.method) {
			case 'job/epochEnd':
				this.curves.post(CurvesAppend.type, { runId, points: [epochPoint(event.params.epoch, event.params.logs)] });
				break;
			case 'job/finished':
			case 'job/failed':
			case 'job/cancelled': {
				const dir = this.curveRuns.get(runId)!;
				const s = runSeries(dir);
				if (s) {
					const { epochs: _e, series: _s, batches: _b, ...meta } = s;
					this.curves.post(CurvesRuns.type, { runs: [meta] });
				}
				this.jobRuns.delete(jobId);
				break;
			}
			default:
				break;
		}
	}

	/** Live sweep events of the tune job this window started feed the trials panel. */
	private onSweepEvent(jobId: string, e: SweepEvent): void {
		if (e.method === 'sweep/started') {
			if (this.tuneJob !== undefined && this.tuneJob !== jobId) return;
			this.tuneJob = jobId;
			if (getSettings()['panels.autoOpen'] || this.tuning) this.openTrials(e.params.sweepDir);
			return;
		}
		if (jobId !== this.tuneJob || !this.tuning) return;
		if (e.method === 'sweep/trialStarted') this.tuning.post(TrialsUpdate.type, { trial: { number: e.params.number, params: e.params.params, status: 'running', intermediate: [] } });
		else if (e.method === 'sweep/trialEpoch' && e.params.fold === 0) this.tuning.post(TrialsEpoch.type, { number: e.params.number, epoch: e.params.epoch, value: e.params.value ?? null });
		else if (e.method === 'sweep/trialEnded') this.tuning.post(TrialsUpdate.type, { trial: trialView(e.params.trial), ...(e.params.best ? { best: { number: e.params.best.number, score: e.params.best.score } } : {}) });
		else if (e.method === 'sweep/finished') {
			this.tuning.post(TrialsShow.type, { sweep: sweepView(e.params.sweepDir, e.params.state)!, restore: { sweepDir: e.params.sweepDir } });
			this.tuneJob = undefined;
		}
	}

	/** The next `Tune` of this config shows its trials live. */
	followTuning(config: vscode.Uri): void {
		this.tuningConfig = config;
		this.tuneJob = undefined;
	}

	async showTrials(dir: string): Promise<void> {
		this.openTrials(dir);
	}

	private openTrials(dir: string, existing?: vscode.WebviewPanel): void {
		this.sweepDir = dir;
		void this.keep('tuning', dir);
		const send = () => {
			const view = this.sweepDir ? sweepView(this.sweepDir) : undefined;
			if (view) this.tuning?.post(TrialsShow.type, { sweep: view, restore: { sweepDir: this.sweepDir! } });
		};
		if (this.tuning) {
			this.tuning.panel.reveal(undefined, true);
			send();
			return;
		}
		const panel = new Panel(this.context, 'tuning', vscode.l10n.t('Modelwright: Tuning Trials'), (msg) => {
			if (isMessage(OpenTrial.type, msg)) {
				const t = this.sweepDir ? readSweep(this.sweepDir)?.trials.find((x) => x.number === msg.params.number) : undefined;
				if (t?.runDirs?.length) void this.showCurves(t.runDirs.map((d) => vscode.Uri.file(d)));
			} else if (isMessage(ApplyBest.type, msg)) {
				const state = this.sweepDir ? readSweep(this.sweepDir) : undefined;
				const config = state ? vscode.Uri.file(state.configPath) : this.tuningConfig;
				if (config) void vscode.commands.executeCommand('modelwright.applyBestTrial', config, this.sweepDir);
			} else this.onCommonMessage(msg);
		}, send, existing);
		panel.onDidClose(() => { this.tuning = undefined; });
		this.tuning = panel;
	}

	/** The next training opens the curves panel (setting `panels.autoOpen`). */
	followTraining(): void {
		this.follow = true;
		if (!this.curves && getSettings()['panels.autoOpen']) this.openCurves([]);
	}

	async showCurves(dirs: vscode.Uri[]): Promise<void> {
		const list = dirs.length ? dirs.map((d) => d.fsPath) : this.runs.all().slice(0, 1).map((r) => r.dir.fsPath);
		this.openCurves(list);
	}

	private openCurves(dirs: string[], existing?: vscode.WebviewPanel): void {
		for (const d of dirs) {
			const s = runSeries(d);
			if (s) this.curveRuns.set(s.id, d);
		}
		void this.keep('curves', [...this.curveRuns.values()]);
		const sendAll = () => {
			const runs = [...this.curveRuns.values()].map(runSeries).filter((r) => r !== undefined);
			this.curves?.post(CurvesInit.type, { runs, title: vscode.l10n.t('Loss curves'), restore: { runDirs: [...this.curveRuns.values()] } });
		};
		if (this.curves) {
			this.curves.panel.reveal(undefined, true);
			sendAll();
			return;
		}
		const panel = new Panel(this.context, 'curves', vscode.l10n.t('Modelwright: Loss Curves'), (msg) => this.onCommonMessage(msg), () => sendAll(), existing);
		panel.onDidClose(() => {
			this.curves = undefined;
			this.curveRuns.clear();
			this.follow = false;
		});
		this.curves = panel;
	}

	async showArchitecture(uri: vscode.Uri): Promise<void> {
		this.openArchitecture(uri);
	}

	private openArchitecture(uri: vscode.Uri, existing?: vscode.WebviewPanel): void {
		this.architectureUri = uri;
		void this.keep('architecture', uri.toString());
		if (this.architecture) {
			this.architecture.panel.reveal(undefined, true);
			this.scheduleArchitecture(0);
			return;
		}
		const panel = new Panel(this.context, 'architecture', vscode.l10n.t('Modelwright: Architecture'), (msg) => {
			if (isMessage(RevealLayer.type, msg)) void this.revealLayer(msg.params.index);
			else this.onCommonMessage(msg);
		}, () => this.scheduleArchitecture(0), existing);
		panel.onDidClose(() => {
			this.architecture = undefined;
			this.architectureUri = undefined;
		});
		this.architecture = panel;
	}

	private scheduleArchitecture(delay = 250): void {
		clearTimeout(this.architectureTimer);
		this.architectureTimer = setTimeout(() => void this.updateArchitecture(), delay);
	}

	private async updateArchitecture(): Promise<void> {
		const uri = this.architectureUri;
		if (!uri || !this.architecture) return;
		let doc: vscode.TextDocument;
		try {
			doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString()) ?? (await vscode.workspace.openTextDocument(uri));
		} catch {
			// The config is gone (a panel restored after the file was deleted).
			this.architecture.panel.dispose();
			return;
		}
		const configDir = path.dirname(uri.fsPath);
		const root = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath ?? configDir;
		const allow = getSettings(uri).allowPathsOutsideWorkspace;
		const r = validateText(doc.getText(), { fallbackName: configNameFromPath(uri.fsPath), probe: (s) => probeFileSync(s, { configDir, root, ...(allow ? { allowOutside: true } : {}) }) });
		const model = architectureView(r, path.basename(uri.fsPath));
		if (model) {
			this.architecture.panel.title = vscode.l10n.t('Architecture: {0}', model.name);
			this.architecture.post(ArchitectureUpdate.type, { model, restore: { uri: uri.toString() } });
		}
		const editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
		if (editor) this.highlightFromCursor(editor);
	}

	private highlightFromCursor(editor: vscode.TextEditor): void {
		if (!this.architecture || editor.document.uri.toString() !== this.architectureUri?.toString()) return;
		const cd = new ConfigDocument(editor.document.getText());
		const offset = editor.document.offsetAt(editor.selection.active);
		const layers = cd.nodeAt(['model', 'layers']) as { items?: { range?: [number, number, number] }[] } | null;
		let index: number | null = null;
		layers?.items?.forEach((item, i) => {
			const r = item.range;
			if (r && offset >= r[0] && offset <= r[1]) index = i;
		});
		this.architecture.post(ArchitectureHighlight.type, { index });
	}

	private async revealLayer(index: number): Promise<void> {
		const uri = this.architectureUri;
		if (!uri) return;
		const doc = await vscode.workspace.openTextDocument(uri);
		const cd = new ConfigDocument(doc.getText());
		const node = cd.nodeAt(['model', 'layers', index]);
		if (!node?.range) return;
		const start = doc.positionAt(node.range[0]);
		const editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, preserveFocus: false });
		editor.selection = new vscode.Selection(start, start);
		editor.revealRange(new vscode.Range(start, doc.positionAt(node.range[1])), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
	}

	async showEvaluation(dir: vscode.Uri): Promise<void> {
		this.openEvaluation(dir.fsPath);
	}

	private openEvaluation(dir: string, existing?: vscode.WebviewPanel): void {
		const view = evaluationView(dir);
		if (!view) {
			existing?.dispose();
			void vscode.window.showInformationMessage(vscode.l10n.t('This run has no evaluation yet (it did not finish training).'));
			return;
		}
		this.evaluationDir = dir;
		void this.keep('evaluation', dir);
		const send = () => this.evaluation?.post(EvaluationShow.type, { evaluation: evaluationView(this.evaluationDir!) ?? view, restore: { runDir: this.evaluationDir! } });
		if (this.evaluation) {
			this.evaluation.panel.reveal(undefined, true);
			send();
			return;
		}
		const panel = new Panel(this.context, 'evaluation', vscode.l10n.t('Evaluation: {0}', view.runName), (msg) => this.onCommonMessage(msg), send, existing);
		panel.onDidClose(() => { this.evaluation = undefined; });
		this.evaluation = panel;
	}

	async showComparison(dirs: vscode.Uri[]): Promise<void> {
		this.openComparison(dirs.map((d) => d.fsPath));
	}

	private openComparison(dirs: string[], existing?: vscode.WebviewPanel): void {
		this.compareDirs = dirs;
		void this.keep('compare', dirs);
		const send = () => this.compare?.post(CompareShow.type, { comparison: comparisonView(this.compareDirs), restore: { runDirs: this.compareDirs } });
		if (this.compare) {
			this.compare.panel.reveal(undefined, true);
			send();
			return;
		}
		const panel = new Panel(this.context, 'compare', vscode.l10n.t('Modelwright: Compare Runs'), (msg) => {
			if (isMessage(PickRuns.type, msg)) void vscode.commands.executeCommand('modelwright.compareRuns');
			else this.onCommonMessage(msg);
		}, send, existing);
		panel.onDidClose(() => { this.compare = undefined; });
		this.compare = panel;
	}

	private onCommonMessage(msg: unknown): void {
		if (isMessage(ExportFile.type, msg)) void exportFile(msg.params);
		else if (isMessage(CopyText.type, msg)) {
			void vscode.env.clipboard.writeText(msg.params.text).then(() => vscode.window.showInformationMessage(vscode.l10n.t('Copied {0} to the clipboard.', msg.params.what)));
		} else if (isMessage(OpenRun.type, msg)) {
			const dir = this.curveRuns.get(msg.params.runId) ?? this.runs.all().find((r) => r.id === msg.params.runId)?.dir.fsPath;
			if (dir) void this.showEvaluation(vscode.Uri.file(dir));
		}
	}

	/** For tests: which panels are open. */
	openPanels(): PanelKind[] {
		return ([['curves', this.curves], ['architecture', this.architecture], ['evaluation', this.evaluation], ['compare', this.compare], ['tuning', this.tuning]] as const).filter(([, p]) => p).map(([k]) => k);
	}

	dispose(): void {
		clearTimeout(this.architectureTimer);
		for (const p of [this.curves, this.architecture, this.evaluation, this.compare, this.tuning]) p?.panel.dispose();
		for (const d of this.disposables.splice(0)) d.dispose();
	}
}
