/**
 * The LanguageClient: the server runs as a Node module over IPC. Crashes are restarted a
 * bounded number of times (and the user is told); initialization failures reveal the log.
 */
import * as vscode from 'vscode';
import {
	CloseAction,
	ErrorAction,
	LanguageClient,
	RevealOutputChannelOn,
	TransportKind,
	type CloseHandlerResult,
	type ErrorHandler,
	type ErrorHandlerResult,
	type LanguageClientOptions,
	type Message,
	type ServerOptions,
} from 'vscode-languageclient/node';
import { LANGUAGE_ID } from './manifest';
import { CONFIG_GLOBS } from '../../engine/core/facts';
import { serverChannel } from './output';

const MAX_RESTARTS = 4;
const RESTART_WINDOW_MS = 3 * 60_000;

/** Restarts after a crash unless it crashed MAX_RESTARTS times within RESTART_WINDOW_MS. */
class BoundedRestart implements ErrorHandler {
	private restarts: number[] = [];
	error(_error: Error, _message: Message | undefined, count: number | undefined): ErrorHandlerResult {
		return { action: (count ?? 0) <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown };
	}
	closed(): CloseHandlerResult {
		const now = Date.now();
		this.restarts = this.restarts.filter((t) => now - t < RESTART_WINDOW_MS);
		this.restarts.push(now);
		if (this.restarts.length > MAX_RESTARTS) {
			const msg = vscode.l10n.t(
				'The Modelwright language server crashed {0} times in 3 minutes and will not be restarted. Run "Modelwright: Restart Language Server" after checking its log.',
				this.restarts.length,
			);
			void vscode.window.showErrorMessage(msg, vscode.l10n.t('Show Log')).then((a) => a && serverChannel().show());
			return { action: CloseAction.DoNotRestart, handled: true };
		}
		serverChannel().warn(`language server stopped; restarting (${this.restarts.length}/${MAX_RESTARTS})`);
		return { action: CloseAction.Restart, message: vscode.l10n.t('The Modelwright language server stopped and is being restarted.') };
	}
}

export function createLanguageClient(context: vscode.ExtensionContext): LanguageClient {
	const module = context.asAbsolutePath('dist/server.js');
	const serverOptions: ServerOptions = {
		run: { module, transport: TransportKind.ipc },
		debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
	};
	const clientOptions: LanguageClientOptions = {
		documentSelector: [
			{ language: LANGUAGE_ID, scheme: 'file' },
			{ language: LANGUAGE_ID, scheme: 'untitled' },
			...CONFIG_GLOBS.map((g) => ({ scheme: 'file', pattern: `**/${g}` })),
		],
		outputChannel: serverChannel(),
		revealOutputChannelOn: RevealOutputChannelOn.Never,
		errorHandler: new BoundedRestart(),
		initializationFailedHandler: (error) => {
			serverChannel().error(`initialization failed: ${error instanceof Error ? error.message : String(error)}`);
			serverChannel().show(true);
			return false;
		},
		// Data files are watched by the server itself (it registers workspace/didChangeWatchedFiles),
		// which works from every editor: a second watcher here would report each change twice.
		markdown: { isTrusted: false, supportHtml: false },
		// Diagnostics, hovers and completion docs in the UI language (the server also reads LSP's `locale`).
		initializationOptions: { locale: vscode.env.language },
	};
	return new LanguageClient('modelwright', 'Modelwright Language Server', serverOptions, clientOptions);
}
