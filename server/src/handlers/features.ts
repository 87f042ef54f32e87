/** Wires the pure service functions to LSP requests. Each handler is guarded (see ModelwrightServer.guard). */
import * as fs from 'node:fs';
import { ResponseError, ErrorCodes } from 'vscode-languageserver/node';
import { resolveDataPath, type PathPolicy } from '../../../engine/io/probe';
import type { ModelwrightServer } from '../server';
import { configDirOf } from '../service/analysis';
import { codeActions } from '../service/codeActions';
import { completion, type DirEntry } from '../service/completion';
import { format } from '../service/formatting';
import { hover } from '../service/hover';
import { inlayHints } from '../service/inlayHints';
import { lenses } from '../service/lenses';
import { definition, documentLinks } from '../service/links';
import { prepareRename, references, rename } from '../service/references';
import { documentSymbols, foldingRanges, selectionRanges } from '../service/structure';
import { architecture } from '../service/architecture';
import { ArchitectureRequest, CodeLensesRequest } from '../protocol';

export function registerFeatures(server: ModelwrightServer): void {
	const { connection } = server;
	const g = server.guard.bind(server);
	const an = (uri: string) => server.analysis(uri);

	connection.onCompletion(
		g('completion', (p) => {
			const a = an(p.textDocument.uri);
			if (!a) return null;
			const policy = server.policyFor(a.uri);
			const dir = configDirOf(a.uri);
			return {
				isIncomplete: false,
				items: completion(a, p.position, {
					dataInfo: (source) => {
						const r = server.probe.cached(policy, source);
						return r?.ok ? r.info : undefined;
					},
					...(dir && policy ? { listDir: (rel: string) => listDir(dir, rel, policy) } : {}),
				}),
			};
		}),
	);
	connection.onHover(
		g('hover', (p) => {
			const a = an(p.textDocument.uri);
			return a ? hover(a, p.position) : null;
		}),
	);
	connection.languages.inlayHint.on(
		g('inlayHint', (p) => {
			const a = an(p.textDocument.uri);
			if (!a || !server.settingsNow(a.uri).inlayHints) return [];
			return inlayHints(a, p.range);
		}),
	);
	connection.onCodeAction(
		g('codeAction', (p) => {
			const a = an(p.textDocument.uri);
			return a ? codeActions(a, p.range, p.context) : [];
		}),
	);
	connection.onDocumentSymbol(
		g('documentSymbol', (p) => {
			const a = an(p.textDocument.uri);
			return a ? documentSymbols(a) : [];
		}),
	);
	connection.onFoldingRanges(
		g('foldingRange', (p) => {
			const a = an(p.textDocument.uri);
			return a ? foldingRanges(a) : [];
		}),
	);
	connection.onSelectionRanges(
		g('selectionRange', (p) => {
			const a = an(p.textDocument.uri);
			return a ? selectionRanges(a, p.positions) : [];
		}),
	);
	connection.onDefinition(
		g('definition', (p) => {
			const a = an(p.textDocument.uri);
			return a ? definition(a, p.position) : null;
		}),
	);
	connection.onReferences(
		g('references', (p) => {
			const a = an(p.textDocument.uri);
			return a ? references(a, p.position, p.context.includeDeclaration) : null;
		}),
	);
	connection.onPrepareRename(
		g('prepareRename', (p) => {
			const a = an(p.textDocument.uri);
			const r = a ? prepareRename(a, p.position) : null;
			// The client shows the message instead of starting a rename that would break the config.
			if (r && 'error' in r) return new ResponseError(ErrorCodes.InvalidRequest, r.error);
			return r;
		}),
	);
	connection.onRenameRequest(
		g('rename', (p) => {
			const a = an(p.textDocument.uri);
			const r = a ? rename(a, p.position, p.newName) : null;
			if (r && 'error' in r) return new ResponseError(ErrorCodes.InvalidRequest, r.error);
			return r;
		}),
	);
	connection.onDocumentLinks(
		g('documentLink', (p) => {
			const a = an(p.textDocument.uri);
			return a ? documentLinks(a) : [];
		}),
	);
	connection.onDocumentFormatting(
		g('formatting', (p) => {
			const a = an(p.textDocument.uri);
			return a ? format(a, p.options) : [];
		}),
	);
	connection.onRequest(
		CodeLensesRequest.type,
		g('codeLenses', (p) => {
			const a = an(p.textDocument.uri);
			return a ? lenses(a) : [];
		}),
	);
	connection.onRequest(
		ArchitectureRequest.type,
		server.guardAsync('architecture', async (p) => {
			const uri = p.textDocument.uri;
			// As the diagnostics do: the settings (path policy) first, then the data facts, so the panel
			// never shows a model whose input shape is unknown only because a file was still being read.
			await server.settingsFor(uri);
			if (!an(uri)) return null;
			await server.probe.settled(uri);
			const a = an(uri);
			return a ? architecture(a) : null;
		}),
	);
}

/** Entries of a folder for path completion, only where a data path may point (the path policy). */
function listDir(configDir: string, rel: string, policy: PathPolicy): DirEntry[] {
	const allowed = resolveDataPath(rel || '.', { ...policy, configDir });
	if (!allowed.ok) return [];
	try {
		const dir = allowed.file;
		return fs
			.readdirSync(dir, { withFileTypes: true })
			.slice(0, 500)
			.map((e) => ({ name: e.name, dir: e.isDirectory() }));
	} catch {
		return [];
	}
}
