/**
 * Loaded by the activation benchmark (bench/activation.ts) as the extension-host "tests":
 * opens a config in a fresh window, then records how long activation took and how long until
 * its first diagnostics arrived. Writes JSON to MODELWRIGHT_E2E_RESULTS.
 */
import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import type { ModelwrightApi } from '../../../client/src/extension';

export async function run(): Promise<void> {
	const ws = vscode.workspace.workspaceFolders![0]!.uri;
	const t0 = performance.now();
	const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(ws, 'broken.model.yaml'));
	await vscode.window.showTextDocument(doc);
	const ext = vscode.extensions.getExtension<ModelwrightApi>('modelwright.modelwright')!;
	const api = ext.isActive ? ext.exports : await ext.activate();
	const activated = performance.now() - t0;
	for (;;) {
		if (vscode.languages.getDiagnostics(doc.uri).length) break;
		if (performance.now() - t0 > 60_000) throw new Error('no diagnostics within 60 s');
		await new Promise((r) => setTimeout(r, 5));
	}
	const firstDiagnostics = performance.now() - t0;
	const out = process.env.MODELWRIGHT_E2E_RESULTS;
	if (out)
		fs.writeFileSync(
			out,
			JSON.stringify({
				activationMs: api.activationMs,
				openToActiveMs: activated,
				openToDiagnosticsMs: firstDiagnostics,
				results: [{ title: 'activation measured', state: 'passed' }],
			}),
		);
}
