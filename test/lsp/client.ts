/**
 * A minimal LSP client over a child process's stdio, for the black-box tests and the
 * benchmark: spawns a server, answers its requests (configuration, registrations) and lets
 * callers wait for published diagnostics by predicate, never by sleeping.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
	createProtocolConnection,
	StreamMessageReader,
	StreamMessageWriter,
	type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import {
	ConfigurationRequest,
	DidChangeConfigurationNotification,
	DidChangeTextDocumentNotification,
	DidOpenTextDocumentNotification,
	ExitNotification,
	InitializedNotification,
	InitializeRequest,
	PublishDiagnosticsNotification,
	RegistrationRequest,
	ShutdownRequest,
	type ClientCapabilities,
	type PublishDiagnosticsParams,
	type TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol';

export const ROOT = findRoot(__dirname);
export const SERVER = path.join(ROOT, 'dist', 'server.js');

function findRoot(from: string): string {
	let d = from;
	for (let i = 0; i < 6; i++) {
		if (fs.existsSync(path.join(d, 'package.json')) && fs.existsSync(path.join(d, 'esbuild.mjs'))) return d;
		d = path.dirname(d);
	}
	return process.cwd();
}

export interface StartOptions {
	command?: string;
	args?: string[];
	/** Answer to workspace/configuration, per section. */
	settings?: Record<string, unknown>;
	capabilities?: ClientCapabilities;
	rootUri?: string | null;
	initializationOptions?: unknown;
	/** LSP's `locale` in the initialize params. */
	locale?: string;
}

interface Waiter {
	uri: string;
	pred: (p: PublishDiagnosticsParams) => boolean;
	resolve: (p: PublishDiagnosticsParams) => void;
}

export const DEFAULT_CAPS: ClientCapabilities = {
	workspace: {
		configuration: true,
		didChangeWatchedFiles: { dynamicRegistration: true },
		workspaceFolders: true,
		inlayHint: { refreshSupport: true },
	},
	textDocument: {
		synchronization: { dynamicRegistration: false },
		completion: { completionItem: { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'] } },
		hover: { contentFormat: ['markdown', 'plaintext'] },
		publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true },
		inlayHint: {},
		codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } },
	},
};

export class LspClient {
	readonly diagnostics = new Map<string, PublishDiagnosticsParams[]>();
	readonly logs: string[] = [];
	stderr = '';
	private waiters: Waiter[] = [];
	private closed = false;
	readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
	settings: Record<string, unknown>;

	private constructor(
		readonly proc: ChildProcess,
		readonly conn: ProtocolConnection,
		opts: StartOptions,
	) {
		this.settings = opts.settings ?? {};
		this.exited = new Promise((resolve) =>
			proc.on('exit', (code, signal) => {
				this.closed = true;
				resolve({ code, signal });
			}),
		);
		proc.stderr!.on('data', (d: Buffer) => {
			this.stderr += d.toString();
		});
		conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
			const list = this.diagnostics.get(p.uri) ?? [];
			list.push(p);
			this.diagnostics.set(p.uri, list);
			const ready = this.waiters.filter((w) => w.uri === p.uri && w.pred(p));
			this.waiters = this.waiters.filter((w) => !ready.includes(w));
			for (const w of ready) w.resolve(p);
		});
		conn.onNotification('window/logMessage', (p: { message: string }) => {
			this.logs.push(p.message);
		});
		conn.onRequest(ConfigurationRequest.type, (p) => p.items.map((i) => (i.section ? (this.settings[i.section] ?? null) : null)));
		conn.onRequest(RegistrationRequest.type, () => null);
		conn.onRequest('window/workDoneProgress/create', () => null);
		conn.onRequest('workspace/inlayHint/refresh', () => null);
		conn.onRequest('workspace/semanticTokens/refresh', () => null);
		conn.listen();
	}

	static async start(opts: StartOptions = {}): Promise<LspClient> {
		const command = opts.command ?? process.execPath;
		const args = opts.args ?? [SERVER, '--stdio'];
		const proc = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
		const conn = createProtocolConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
		const client = new LspClient(proc, conn, opts);
		await conn.sendRequest(InitializeRequest.type, {
			processId: process.pid,
			rootUri: opts.rootUri === undefined ? null : opts.rootUri,
			capabilities: opts.capabilities ?? DEFAULT_CAPS,
			workspaceFolders: opts.rootUri ? [{ uri: opts.rootUri, name: 'root' }] : null,
			...(opts.initializationOptions !== undefined ? { initializationOptions: opts.initializationOptions } : {}),
			...(opts.locale !== undefined ? { locale: opts.locale } : {}),
		});
		await conn.sendNotification(InitializedNotification.type, {});
		return client;
	}

	get alive(): boolean {
		return !this.closed && this.proc.exitCode === null;
	}

	/** Resolves with the first publication for `uri` (from now on) that satisfies `pred`. */
	waitForDiagnostics(
		uri: string,
		pred: (p: PublishDiagnosticsParams) => boolean = () => true,
		timeoutMs = 20_000,
	): Promise<PublishDiagnosticsParams> {
		return new Promise((resolve, reject) => {
			const timer = setTimeout(() => {
				this.waiters = this.waiters.filter((w) => w !== waiter);
				reject(
					new Error(`no matching diagnostics for ${uri} within ${timeoutMs} ms (alive: ${this.alive}); stderr: ${this.stderr.slice(-500)}`),
				);
			}, timeoutMs);
			const waiter: Waiter = {
				uri,
				pred,
				resolve: (p) => {
					clearTimeout(timer);
					resolve(p);
				},
			};
			this.waiters.push(waiter);
			void this.exited.then(() => {
				if (!this.waiters.includes(waiter)) return;
				clearTimeout(timer);
				reject(new Error(`server exited while waiting for diagnostics; stderr: ${this.stderr.slice(-2000)}`));
			});
		});
	}

	async open(uri: string, text: string, languageId = 'yaml', version = 1): Promise<void> {
		await this.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version, text } });
	}

	async change(uri: string, version: number, changes: TextDocumentContentChangeEvent[]): Promise<void> {
		await this.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: changes });
	}

	async configure(settings: Record<string, unknown>): Promise<void> {
		this.settings = settings;
		await this.conn.sendNotification(DidChangeConfigurationNotification.type, { settings });
	}

	async stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
		if (this.alive) {
			await this.conn.sendRequest(ShutdownRequest.type);
			await this.conn.sendNotification(ExitNotification.type);
		}
		const r = await this.exited;
		this.conn.dispose();
		return r;
	}

	kill(): void {
		if (this.alive) this.proc.kill();
		this.conn.dispose();
	}
}
