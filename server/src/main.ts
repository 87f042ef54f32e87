/**
 * Node entry of the Modelwright language server (bundled to dist/server.js). The transport
 * comes from argv as in every vscode-languageserver server: `--stdio`, `--node-ipc` or
 * `--socket=<port>`; with none, stdio (so `npx modelwright-language-server` just works).
 */
import { createConnection, ProposedFeatures, TextDocumentSyncKind, type InitializeResult } from 'vscode-languageserver/node';
import { registerFeatures } from './handlers/features';
import { registerValidation } from './handlers/validation';
import { ModelwrightServer } from './server';
import { guardedStdio } from './transport';

const TRANSPORTS = ['--stdio', '--node-ipc', '--socket', '--pipe'];
if (!process.argv.some((a) => TRANSPORTS.some((t) => a === t || a.startsWith(`${t}=`)))) process.argv.push('--stdio');

// stdio gets a framing guard (transport.ts); IPC and sockets use the library's transports.
const connection = process.argv.includes('--stdio')
	? createConnection(ProposedFeatures.all, ...guardedStdio())
	: createConnection(ProposedFeatures.all);
// Over stdio, anything written to stdout corrupts the protocol: route console.* to the client's log.
console.log = (...args: unknown[]) => connection.console.log(args.map(String).join(' '));
console.info = (...args: unknown[]) => connection.console.info(args.map(String).join(' '));
console.warn = (...args: unknown[]) => connection.console.warn(args.map(String).join(' '));
console.error = (...args: unknown[]) => connection.console.error(args.map(String).join(' '));
process.on('uncaughtException', (err) => connection.console.error(`uncaught: ${err.stack ?? err.message}`));
process.on('unhandledRejection', (err) =>
	connection.console.error(`unhandled rejection: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`),
);

const server = new ModelwrightServer(connection);

connection.onInitialize((params): InitializeResult => {
	server.initialize(params);
	return {
		capabilities: {
			textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
			completionProvider: { triggerCharacters: [':', ' ', '-', '/', '.', ',', '['], resolveProvider: false },
			hoverProvider: true,
			inlayHintProvider: true,
			codeActionProvider: { codeActionKinds: ['quickfix'] },
			documentSymbolProvider: true,
			foldingRangeProvider: true,
			selectionRangeProvider: true,
			definitionProvider: true,
			referencesProvider: true,
			renameProvider: { prepareProvider: true },
			documentLinkProvider: { resolveProvider: false },
			documentFormattingProvider: true,
		},
		serverInfo: { name: 'modelwright-language-server', version: '0.1.0' },
	};
});

registerValidation(server);
registerFeatures(server);
server.documents.listen(connection);
connection.listen();
