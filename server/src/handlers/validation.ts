/**
 * Diagnostics on open and change: debounced per document, published with the version they
 * were computed for, and dropped when the document moved on while settings were fetched.
 */
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { DidChangeWatchedFilesNotification } from 'vscode-languageserver/node';
import type { ModelwrightServer } from '../server';
import { diagnostics } from '../service/diagnostics';

/** Longest wait before validating; the wait adapts to how long validation takes. */
const MAX_DELAY_MS = 250;

export function registerValidation(server: ModelwrightServer): void {
	const { connection, documents } = server;
	const timers = new Map<string, () => void>();
	const cost = new Map<string, number>();
	const lastEnd = new Map<string, number>();

	const validate = async (uri: string): Promise<void> => {
		const doc = documents.get(uri);
		if (!doc) return;
		const version = doc.version;
		try {
			const settings = await server.settingsFor(uri);
			if (documents.get(uri)?.version !== version) return; // stale: a newer change is scheduled
			const t = performance.now();
			const a = server.analysis(uri);
			if (!a) return;
			const diags = diagnostics(a, settings, server.docsBase);
			const end = performance.now();
			cost.set(uri, end - t);
			lastEnd.set(uri, end);
			await connection.sendDiagnostics({ uri, version, diagnostics: diags });
		} catch (err) {
			connection.console.error(`validation of ${uri} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
			// Never publish "clean" for a file that was not checked: say so, at the top of the file.
			const reason = err instanceof Error ? err.message : String(err);
			void connection.sendDiagnostics({
				uri,
				version,
				diagnostics: [
					{
						range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } },
						severity: 1,
						source: 'modelwright',
						message: `Modelwright could not check this file: ${reason.slice(0, 300)}. Its problems are not shown; see the Modelwright Language Server output.`,
					},
				],
			});
		}
	};

	const schedule = (uri: string, immediate = false) => {
		timers.get(uri)?.();
		// Throttle with a leading edge: a change after a pause is checked at once; while typing, a
		// document is checked at most once per its own validation cost, so at least half the time
		// stays free for completion and hover (a 5,000-line file costs tens of milliseconds).
		const since = performance.now() - (lastEnd.get(uri) ?? -Infinity);
		const delay = immediate ? 0 : Math.max(0, Math.min(MAX_DELAY_MS, cost.get(uri) ?? 0) - since);
		const run = () => {
			timers.delete(uri);
			void validate(uri);
		};
		// setImmediate: setTimeout(0) would add a millisecond for nothing.
		if (delay <= 0) {
			const h = setImmediate(run);
			timers.set(uri, () => clearImmediate(h));
		} else {
			const h = setTimeout(run, delay);
			timers.set(uri, () => clearTimeout(h));
		}
	};

	// Data facts arrived or a data file changed: the same text now checks (and shapes) differently.
	server.revalidate = (uris) => {
		for (const u of uris) {
			server.invalidate(u);
			if (documents.get(u)) schedule(u, true);
		}
		if (server.caps.inlayHintRefresh) void connection.languages.inlayHint.refresh().catch(() => undefined);
	};

	documents.onDidOpen((e) => schedule(e.document.uri, true));
	documents.onDidChangeContent((e) => schedule(e.document.uri));
	documents.onDidClose((e) => {
		timers.get(e.document.uri)?.();
		timers.delete(e.document.uri);
		server.forget(e.document.uri);
		void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
	});

	connection.onDidChangeConfiguration((change) => {
		server.settingsChanged(change.settings);
		for (const d of documents.all()) schedule(d.uri, true);
	});

	connection.onDidChangeWatchedFiles((params) => {
		for (const c of params.changes) {
			if (!c.uri.startsWith('file:')) continue;
			try {
				server.probe.fileChanged(fileURLToPath(c.uri));
			} catch (err) {
				connection.console.error(`watched file ${c.uri}: ${String(err)}`);
			}
		}
	});

	connection.onInitialized(() => {
		if (server.caps.watchedFilesRegistration) {
			void connection.client
				.register(DidChangeWatchedFilesNotification.type, {
					watchers: [{ globPattern: '**/*.{csv,tsv,txt,json,png,jpg,jpeg,PNG,JPG,JPEG}' }],
				})
				.catch((err: unknown) => connection.console.warn(`file watching unavailable: ${String(err)}`));
		}
	});
}
