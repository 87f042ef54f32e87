/**
 * Language-server latency through the real servers over stdio: didChange → publishDiagnostics,
 * completion and hover, on a typical and a 5,000-line config. Side by side with
 * yaml-language-server configured with Modelwright's JSON Schema, on the same texts and edits.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { CompletionRequest, HoverRequest, type Position } from 'vscode-languageserver-protocol';
import { toJsonSchema } from '../engine/core/config/jsonSchema';
import { LspClient, ROOT, SERVER } from '../test/lsp/client';
import { TYPICAL_CONFIG, largeConfig } from './fixtures';
import { ms, printTable, stats, type Stats } from './util';

const YAML_LS = path.join(ROOT, 'node_modules', 'yaml-language-server', 'bin', 'yaml-language-server');

/** Time between edits, like fast typing (about 120 words a minute); both servers get the same. */
const THINK_MS = 100;

interface Figures {
	diagnostics: Stats;
	completion: Stats;
	hover: Stats;
	semantic: number;
}

/** The edit: the first dense layer's `units: 32` ↔ `units: 33` (keeps the config valid). */
function unitsPosition(text: string): Position {
	const lines = text.split('\n');
	const line = lines.findIndex((l) => /^\s+units: 32$/.test(l));
	return { line, character: lines[line]!.indexOf('32') };
}

async function measure(client: LspClient, dir: string, name: string, text: string, edits: number, requests: number): Promise<Figures> {
	const uri = pathToFileURL(path.join(dir, name)).toString();
	const opened = client.waitForDiagnostics(uri, () => true, 60_000);
	await client.open(uri, text);
	await opened;
	const at = unitsPosition(text);
	const diag: number[] = [];
	for (let v = 2; v < edits + 2; v++) {
		await new Promise((r) => setTimeout(r, THINK_MS));
		const next = client.waitForDiagnostics(uri, () => true, 60_000);
		const t = performance.now();
		await client.change(uri, v, [{ range: { start: at, end: { line: at.line, character: at.character + 2 } }, text: v % 2 ? '32' : '33' }]);
		await next;
		diag.push(performance.now() - t);
	}
	const lines = text.split('\n');
	const actLine = lines.findIndex((l) => /^\s+activation: relu$/.test(l));
	const completionAt = { line: actLine, character: lines[actLine]!.length };
	const hoverAt = { line: at.line, character: lines[at.line]!.indexOf('units') + 2 };
	const time = async (fn: () => Promise<unknown>) => {
		const out: number[] = [];
		for (let i = 0; i < requests; i++) {
			const t = performance.now();
			await fn();
			out.push(performance.now() - t);
		}
		return stats(out.slice(Math.min(3, Math.floor(requests / 10))));
	};
	const completion = await time(() => client.conn.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: completionAt }));
	const hover = await time(() => client.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: hoverAt }));

	// A config only semantic checks can fault: softmax over one unit with a binary loss.
	const bad =
		'data:\n  source: {type: xor}\nmodel:\n  layers:\n    - type: dense\n      units: 8\n      activation: relu\n    - type: dense\n      units: 1\n      activation: softmax\ntraining:\n  loss: binaryCrossentropy\n';
	const badUri = pathToFileURL(path.join(dir, `semantic-${name}`)).toString();
	const got = client.waitForDiagnostics(badUri, () => true, 60_000);
	await client.open(badUri, bad);
	const semantic = (await got).diagnostics.length;
	return { diagnostics: stats(diag), completion, hover, semantic };
}

export async function lspBench(): Promise<void> {
	if (!fs.existsSync(SERVER)) throw new Error('dist/server.js is missing: run `npm run build` first.');
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-lsp-bench-'));
	const schemaFile = path.join(dir, 'modelwright.schema.json');
	fs.writeFileSync(schemaFile, JSON.stringify(toJsonSchema()));
	const sizes: [string, string, number, number][] = [
		['typical', TYPICAL_CONFIG, 40, 60],
		['5,000 lines', largeConfig(5000), 15, 20],
	];
	const rootUri = pathToFileURL(dir).toString();
	const ours = await LspClient.start({ settings: { modelwright: {} }, rootUri });
	const yamlSettings = {
		yaml: {
			schemas: { [pathToFileURL(schemaFile).toString()]: '*.model.yaml' },
			validate: true,
			completion: true,
			hover: true,
			format: { enable: false },
		},
	};
	const peer = fs.existsSync(YAML_LS) ? await LspClient.start({ args: [YAML_LS, '--stdio'], settings: yamlSettings, rootUri }) : undefined;
	if (peer) await peer.configure(yamlSettings);
	else console.log('yaml-language-server is not installed (devDependency); measuring Modelwright only.');
	try {
		const rows: (string | number)[][] = [];
		const semantic: string[] = [];
		for (const [label, text, edits, requests] of sizes) {
			const lines = text.split('\n').length;
			const a = await measure(ours, dir, `mw-${lines}.model.yaml`, text, edits, requests);
			const b = peer ? await measure(peer, dir, `yls-${lines}.model.yaml`, text, edits, requests) : undefined;
			for (const k of ['diagnostics', 'completion', 'hover'] as const) {
				const x = a[k];
				const y = b?.[k];
				rows.push([
					`${label} (${lines})`,
					k,
					ms(x.median),
					ms(x.p95),
					y ? ms(y.median) : '-',
					y ? ms(y.p95) : '-',
					y ? `${(y.median / x.median).toFixed(1)}×` : '-',
				]);
			}
			semantic.push(`${label}: Modelwright ${a.semantic}, yaml-language-server ${b?.semantic ?? '-'}`);
		}
		printTable(['config', 'latency', 'modelwright median', 'p95', 'yaml-ls median', 'p95', 'yaml-ls / ours'], rows);
		console.log(
			`edits ${THINK_MS} ms apart; Modelwright checks a change at once unless the previous check of that file ended less than its own cost ago.`,
		);
		console.log(
			'yaml-language-server waits a fixed 200 ms (validationDelayMs) before validating; its diagnostics figures include that wait, as its users experience it.',
		);
		console.log(`diagnostics on a config with softmax over one unit (a semantic error): ${semantic[0]}`);
		console.log('target: ≤ 10 ms median diagnostics on the typical config, faster than yaml-language-server on both sizes');
	} finally {
		await ours.stop().catch(() => ours.kill());
		if (peer) await peer.stop().catch(() => peer.kill());
		fs.rmSync(dir, { recursive: true, force: true });
	}
}
