/**
 * The server: documents, settings, the probe cache and the analysis cache, injected into the
 * thin handlers. Built on any vscode-languageserver `Connection`, so tests and main.ts share it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
	ErrorCodes,
	LSPErrorCodes,
	ResponseError,
	TextDocuments,
	type CancellationToken,
	type Connection,
	type InitializeParams,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { PathPolicy } from '../../engine/io/probe';
import { memoryBudget } from '../../engine/io/budget';
import { setLocale } from '../../engine/core/l10n';
import { DataProbe } from './dataProbe';
import { analyze, configDirOf, type Analysis } from './service/analysis';
import { DOCS_BASE } from './service/diagnostics';
import { DEFAULT_SETTINGS, readSettings, SETTINGS_SECTION, type ModelwrightSettings } from './settings';

export interface ClientCaps {
	configuration: boolean;
	watchedFilesRegistration: boolean;
	inlayHintRefresh: boolean;
}

export class ModelwrightServer {
	readonly documents = new TextDocuments(TextDocument);
	readonly probe: DataProbe;
	caps: ClientCaps = { configuration: false, watchedFilesRegistration: false, inlayHintRefresh: false };
	workspaceRoots: string[] = [];
	/** Settings sent with didChangeConfiguration, for clients without workspace/configuration. */
	globalSettings: ModelwrightSettings = DEFAULT_SETTINGS;
	private readonly settingsCache = new Map<string, Promise<ModelwrightSettings>>();
	private readonly analyses = new Map<string, Analysis>();
	/** Set by the validation handler: re-check these documents now. */
	revalidate: (uris: string[]) => void = () => undefined;
	readonly docsBase: string;

	constructor(readonly connection: Connection) {
		this.probe = new DataProbe(
			(uris) => this.revalidate(uris),
			(m) => connection.console.log(m),
		);
		const docs = path.join(__dirname, '..', 'docs', 'config.md');
		this.docsBase = fs.existsSync(docs) ? pathToFileURL(docs).toString() : DOCS_BASE;
	}

	initialize(params: InitializeParams): void {
		const c = params.capabilities;
		this.caps = {
			configuration: !!c.workspace?.configuration,
			watchedFilesRegistration: !!c.workspace?.didChangeWatchedFiles?.dynamicRegistration,
			inlayHintRefresh: !!c.workspace?.inlayHint?.refreshSupport,
		};
		const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
		this.workspaceRoots = folders.filter((u) => u.startsWith('file:')).map((u) => fileURLToPath(u));
		// The UI language: our client's initializationOptions, else LSP's own `locale` (Neovim, Helix, … send it).
		const opts = params.initializationOptions as { locale?: unknown } | undefined;
		setLocale(typeof opts?.locale === 'string' ? opts.locale : params.locale);
	}

	/** The analysis of the current text of a document (cached per version). */
	analysis(uri: string): Analysis | undefined {
		const doc = this.documents.get(uri);
		if (!doc) return undefined;
		const cached = this.analyses.get(uri);
		if (cached && cached.version === doc.version) return cached;
		const policy = this.policyFor(uri);
		const budget = memoryBudget(process.env, this.settingsNow(uri)['engine.maxMemoryMB']);
		const a = analyze(uri, doc.version, doc.getText(), this.probe.probeFor(uri, policy), budget);
		this.analyses.set(uri, a);
		return a;
	}

	/** Forget a cached analysis (after a data file changed, the same text validates differently). */
	invalidate(uri: string): void {
		this.analyses.delete(uri);
	}

	forget(uri: string): void {
		this.analyses.delete(uri);
		this.settingsCache.delete(uri);
	}

	policyFor(uri: string): PathPolicy | undefined {
		const configDir = configDirOf(uri);
		if (!configDir) return undefined;
		const root =
			this.workspaceRoots.find((r) => !path.relative(r, configDir).startsWith('..') && !path.isAbsolute(path.relative(r, configDir))) ??
			configDir;
		const s = this.settingsNow(uri);
		return { configDir, root, ...(s.allowPathsOutsideWorkspace ? { allowOutside: true } : {}) };
	}

	/** Settings for a resource, asked of the client once and cached until they change. */
	settingsFor(uri: string): Promise<ModelwrightSettings> {
		if (!this.caps.configuration) return Promise.resolve(this.globalSettings);
		let p = this.settingsCache.get(uri);
		if (!p) {
			p = this.connection.workspace.getConfiguration({ scopeUri: uri, section: SETTINGS_SECTION }).then(readSettings, (err: unknown) => {
				this.connection.console.warn(`could not read settings: ${String(err)}`);
				return DEFAULT_SETTINGS;
			});
			this.settingsCache.set(uri, p);
			// Resolved settings are also kept synchronously for the probe policy.
			// An analysis made before they arrived used the defaults (e.g. the path policy): drop it.
			void p.then((s) => {
				this.settingsResolved.set(uri, s);
				this.analyses.delete(uri);
			});
		}
		return p;
	}

	private readonly settingsResolved = new Map<string, ModelwrightSettings>();

	settingsNow(uri: string): ModelwrightSettings {
		return this.caps.configuration ? (this.settingsResolved.get(uri) ?? DEFAULT_SETTINGS) : this.globalSettings;
	}

	settingsChanged(raw: unknown): void {
		const section = raw && typeof raw === 'object' ? (raw as Record<string, unknown>)[SETTINGS_SECTION] : undefined;
		this.globalSettings = readSettings(section);
		this.settingsCache.clear();
		this.settingsResolved.clear();
		this.analyses.clear();
	}

	/**
	 * Wraps a request handler: a cancelled request is answered as cancelled, and an exception
	 * is logged and answered with an error instead of taking the server down.
	 */
	guard<P, R>(
		name: string,
		fn: (params: P, token: CancellationToken) => R,
	): (params: P, token: CancellationToken) => R | ResponseError<void> {
		return (params, token) => {
			if (token?.isCancellationRequested) return cancelled(name);
			try {
				return fn(params, token);
			} catch (err) {
				return this.failed(name, err);
			}
		};
	}

	/** `guard` for a handler that waits (a rejection is an exception too). */
	guardAsync<P, R>(
		name: string,
		fn: (params: P, token: CancellationToken) => Promise<R>,
	): (params: P, token: CancellationToken) => Promise<R | ResponseError<void>> {
		return async (params, token) => {
			if (token?.isCancellationRequested) return cancelled(name);
			try {
				return await fn(params, token);
			} catch (err) {
				return this.failed(name, err);
			}
		};
	}

	private failed(name: string, err: unknown): ResponseError<void> {
		this.connection.console.error(`${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
		return new ResponseError(ErrorCodes.InternalError, `${name} failed: ${err instanceof Error ? err.message : String(err)}`);
	}
}

function cancelled(name: string): ResponseError<void> {
	return new ResponseError(LSPErrorCodes.RequestCancelled, `${name} cancelled`);
}
