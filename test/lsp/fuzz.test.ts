/**
 * Fuzz: random inserts and deletes replayed on the examples against the running server.
 * It must never die, every version must get its diagnostics, and requests in between must
 * be answered (a result or an error response, never silence).
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
	CompletionRequest,
	HoverRequest,
	InlayHintRequest,
	DocumentSymbolRequest,
	FoldingRangeRequest,
	CodeActionRequest,
	ReferencesRequest,
	PrepareRenameRequest,
	RenameRequest,
	type Position,
} from 'vscode-languageserver-protocol';
import { ensureServerBuilt } from './build';
import { LspClient, ROOT } from './client';
import { mulberry32 } from '../../engine/core/random';

const SEED = Number(process.env.FUZZ_SEED ?? 20261128);
const EDITS = Number(process.env.FUZZ_EDITS ?? 60);
const PIECES = [
	':',
	' ',
	'\n',
	'- ',
	'  ',
	'[',
	']',
	'{',
	'}',
	',',
	'#',
	'&a ',
	'*a',
	'"',
	"'",
	'type: ',
	'dense',
	'units: ',
	'-1',
	'1e9',
	'null',
	'\t',
	'|',
	'>',
	'?',
	'!!str ',
	'%',
	'@',
	'é',
	'😀',
	'layers:',
	'\r\n',
];

/** The engine's seeded PRNG, so a failing case reproduces from its seed. */
const rng = mulberry32;

function positionAt(text: string, offset: number): Position {
	const before = text.slice(0, offset);
	const line = before.split('\n').length - 1;
	return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

describe('lsp: fuzzing edits', function () {
	this.timeout(120_000);
	let client: LspClient;
	before(async () => {
		ensureServerBuilt();
		client = await LspClient.start({ settings: { modelwright: {} }, rootUri: pathToFileURL(ROOT).toString() });
	});
	after(async () => {
		if (client.alive) await client.stop();
	});

	const examples = fs
		.readdirSync(path.join(ROOT, 'examples'))
		.filter((f) => f.endsWith('.model.yaml'))
		.sort();
	for (const [n, name] of examples.entries()) {
		it(`survives random edits of ${name} (seed ${SEED + n})`, async () => {
			const random = rng(SEED + n);
			const file = path.join(ROOT, 'examples', name);
			const uri = pathToFileURL(file)
				.toString()
				.replace(/\.model\.yaml$/, `.fuzz${n}.model.yaml`);
			let text = fs.readFileSync(file, 'utf8');
			const opened = client.waitForDiagnostics(uri);
			await client.open(uri, text);
			await opened;
			for (let v = 2; v <= EDITS + 1; v++) {
				const from = Math.floor(random() * (text.length + 1));
				const del = random() < 0.4 ? Math.floor(random() * 12) : 0;
				const to = Math.min(text.length, from + del);
				const ins = random() < 0.8 ? PIECES[Math.floor(random() * PIECES.length)]! : '';
				const range = { start: positionAt(text, from), end: positionAt(text, to) };
				text = text.slice(0, from) + ins + text.slice(to);
				const published = client.waitForDiagnostics(uri, (p) => p.version === v);
				await client.change(uri, v, [{ range, text: ins }]);
				if (random() < 0.3) {
					const position = positionAt(text, Math.floor(random() * (text.length + 1)));
					const doc = { textDocument: { uri } };
					// Any answer will do, including an error response; a dead server fails below.
					await Promise.allSettled([
						client.conn.sendRequest(CompletionRequest.type, { ...doc, position }),
						client.conn.sendRequest(HoverRequest.type, { ...doc, position }),
						client.conn.sendRequest(InlayHintRequest.type, { ...doc, range: { start: { line: 0, character: 0 }, end: position } }),
						client.conn.sendRequest(DocumentSymbolRequest.type, doc),
						client.conn.sendRequest(FoldingRangeRequest.type, doc),
						client.conn.sendRequest(CodeActionRequest.type, {
							...doc,
							range: { start: position, end: position },
							context: { diagnostics: [] },
						}),
						client.conn.sendRequest(ReferencesRequest.type, { ...doc, position, context: { includeDeclaration: true } }),
						client.conn.sendRequest(PrepareRenameRequest.type, { ...doc, position }),
						client.conn.sendRequest(RenameRequest.type, { ...doc, position, newName: 'renamed' }),
					]);
				}
				const p = await published;
				assert.equal(p.version, v);
				assert.ok(client.alive, `server died after edit ${v}; stderr: ${client.stderr}`);
			}
			const errors = client.logs.filter((l) => / failed: /.test(l));
			assert.deepEqual(errors, [], 'no feature threw');
		});
	}
});
