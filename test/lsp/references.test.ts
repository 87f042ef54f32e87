/** Black box: find references and rename of layer and input names over JSON-RPC, as an editor asks. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
	PrepareRenameRequest,
	ReferencesRequest,
	RenameRequest,
	ResponseError,
	type Position,
	type TextEdit,
	type WorkspaceEdit,
} from 'vscode-languageserver-protocol';
import { ensureServerBuilt } from './build';
import { LspClient } from './client';

// Every way a config writes a name: block and flow maps, a quoted name, `from` as a scalar, a flow
// list and a block list; `concatenate_1` is a default name.
const TEXT = `data:
  source: {type: csv, path: orders.csv}
  label: refund
model:
  inputs:
    - name: numbers
      features: [delay, price]
    - {name: "text", features: [review]}
  layers:
    - type: embedding
      from: text
      inputDim: 64
      outputDim: 8
    - type: globalAveragePooling1d
      name: pooled
    - {type: dense, name: nums, from: numbers, units: 4}
    - type: concatenate
      from: [pooled, nums, numbers]
    - type: concatenate
      from:
        - numbers
        - concatenate_1
    - type: dense
      units: 1
training:
  loss: binaryCrossentropy
`;

/** The position of the `nth` occurrence of `needle` (plus `shift` characters). */
function pos(text: string, needle: string, nth = 0, shift = 1): Position {
	let o = -1;
	for (let i = 0; i <= nth; i++) o = text.indexOf(needle, o + 1);
	assert.ok(o >= 0, `no ${needle} #${nth}`);
	const before = text.slice(0, o + shift).split('\n');
	return { line: before.length - 1, character: before[before.length - 1]!.length };
}

function apply(text: string, edits: TextEdit[]): string {
	const lines = text.split('\n');
	const off = (p: Position) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
	const sorted = [...edits].sort((x, y) => off(y.range.start) - off(x.range.start));
	let out = text;
	for (const e of sorted) out = out.slice(0, off(e.range.start)) + e.newText + out.slice(off(e.range.end));
	return out;
}

/** The text each location covers. */
const covered = (text: string, ranges: { range: { start: Position; end: Position } }[]) => {
	const lines = text.split('\n');
	return ranges.map((r) => {
		assert.equal(r.range.start.line, r.range.end.line);
		return `${r.range.start.line}:${lines[r.range.start.line]!.slice(r.range.start.character, r.range.end.character)}`;
	});
};

describe('lsp: references and rename of layer and input names', function () {
	this.timeout(30_000);
	let client: LspClient;
	let dir: string;
	const uri = (name: string) => pathToFileURL(path.join(dir, name)).toString();

	before(async function () {
		this.timeout(180_000); // a rebuild of the bundles on a busy machine
		ensureServerBuilt();
		dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-lsp-refs-'));
		client = await LspClient.start({ settings: { modelwright: {} }, rootUri: pathToFileURL(dir).toString() });
	});
	after(async () => {
		if (client.alive) await client.stop();
		fs.rmSync(dir, { recursive: true, force: true });
	});

	const open = async (name: string, text: string, languageId = 'yaml') => {
		const u = uri(name);
		const opened = client.waitForDiagnostics(u);
		await client.open(u, text, languageId);
		await opened;
		return u;
	};
	const refs = (u: string, position: Position, includeDeclaration = true) =>
		client.conn.sendRequest(ReferencesRequest.type, { textDocument: { uri: u }, position, context: { includeDeclaration } });
	const renameAt = (u: string, position: Position, newName: string) =>
		client.conn.sendRequest(RenameRequest.type, { textDocument: { uri: u }, position, newName });
	const edits = (u: string, e: WorkspaceEdit | null) => {
		assert.ok(e?.changes?.[u], 'a rename edits the document');
		return e.changes[u];
	};

	it('finds every `from` naming an input, from the declaration or from any reference', async () => {
		const u = await open('refs.model.yaml', TEXT);
		const expected = ['5:numbers', '15:numbers', '17:numbers', '20:numbers'];
		assert.deepEqual(covered(TEXT, (await refs(u, pos(TEXT, 'numbers')))!), expected, 'from the declaration');
		assert.deepEqual(covered(TEXT, (await refs(u, pos(TEXT, 'numbers', 3, 3)))!), expected, 'from a block-list item');
		assert.deepEqual(covered(TEXT, (await refs(u, pos(TEXT, 'numbers', 2), false))!), expected.slice(1), 'without the declaration');
		// A quoted name: the range is the name, not its quotes.
		assert.deepEqual(covered(TEXT, (await refs(u, pos(TEXT, 'from: text', 0, 8)))!), ['7:text', '10:text']);
		assert.deepEqual(covered(TEXT, (await refs(u, pos(TEXT, 'pooled', 1)))!), ['14:pooled', '17:pooled'], 'a layer name');
		assert.deepEqual(
			covered(TEXT, (await refs(u, pos(TEXT, 'concatenate_1')))!),
			['16:concatenate', '21:concatenate_1'],
			"a default name's declaration is its layer's `type:`",
		);
		assert.equal(await refs(u, pos(TEXT, 'units: 4', 0, 2)), null, 'a key is no name');
		assert.equal(await refs(u, pos(TEXT, 'refund')), null, 'nor is another value');
	});

	it('renames an input in its declaration and every `from` (scalar, flow list, block list, flow map)', async () => {
		const u = await open('rename.model.yaml', TEXT);
		const at = pos(TEXT, 'numbers', 1, 3);
		assert.deepEqual(await client.conn.sendRequest(PrepareRenameRequest.type, { textDocument: { uri: u }, position: at }), {
			range: { start: { line: 15, character: 38 }, end: { line: 15, character: 45 } },
			placeholder: 'numbers',
		});
		const out = apply(TEXT, edits(u, await renameAt(u, at, 'tabular')));
		assert.equal(out, TEXT.replaceAll('numbers', 'tabular'));
		const quoted = apply(TEXT, edits(u, await renameAt(u, pos(TEXT, 'text"'), 'review_text')));
		assert.equal(quoted, TEXT.replace('"text"', '"review_text"').replace('from: text', 'from: review_text'));
		const layer = apply(TEXT, edits(u, await renameAt(u, pos(TEXT, 'pooled'), 'mean.tokens')));
		assert.equal(layer, TEXT.replaceAll('pooled', 'mean.tokens'));
		// A YAML keyword as a plain scalar would become a boolean: it is written quoted.
		const keyword = apply(TEXT, edits(u, await renameAt(u, pos(TEXT, 'nums'), 'true')));
		assert.equal(keyword, TEXT.replace('name: nums', 'name: "true"').replace('[pooled, nums,', '[pooled, "true",'));
		// The renamed config means what it meant: the same diagnostics, none about an unknown name.
		const before = (client.diagnostics.get(u) ?? []).at(-1)!.diagnostics.map((d) => d.code);
		const after = await open('renamed.model.yaml', out);
		assert.deepEqual(
			(client.diagnostics.get(after) ?? []).at(-1)!.diagnostics.map((d) => d.code),
			before,
		);
	});

	it('refuses what is not a renamable name, and names that would break the config', async () => {
		const u = await open('refuse.model.yaml', TEXT);
		const prepare = (p: Position) => client.conn.sendRequest(PrepareRenameRequest.type, { textDocument: { uri: u }, position: p });
		assert.equal(await prepare(pos(TEXT, 'units: 1', 0, 2)), null, 'a key');
		assert.equal(await prepare(pos(TEXT, 'binaryCrossentropy')), null, 'another value');
		const refused = async (p: Promise<unknown>, message: RegExp) => {
			await assert.rejects(p, (err: unknown) => err instanceof ResponseError && message.test(err.message));
		};
		await refused(prepare(pos(TEXT, 'concatenate_1')), /`concatenate_1` is a default name/);
		await refused(prepare(pos(TEXT, 'embedding')), /`embedding_1` is a default name/);
		await refused(renameAt(u, pos(TEXT, 'numbers'), '1st'), /`1st` is not a name/);
		await refused(renameAt(u, pos(TEXT, 'numbers'), 'a b'), /not a name/);
		await refused(renameAt(u, pos(TEXT, 'numbers'), 'pooled'), /already the name/);
		await refused(renameAt(u, pos(TEXT, 'pooled'), 'text'), /already the name/);
		await refused(renameAt(u, pos(TEXT, 'pooled'), 'concatenate_2'), /already the name/);
		await refused(renameAt(u, pos(TEXT, 'pooled'), 'input'), /already the name/);
	});

	it('renames in a JSON config, keeping its quotes', async () => {
		const json = JSON.stringify(
			{
				data: { source: { type: 'xor' } },
				model: {
					layers: [
						{ type: 'dense', name: 'hidden', units: 4 },
						{ type: 'dense', units: 4, from: 'hidden' },
						{ type: 'add', from: ['hidden', 'dense_2'] },
					],
				},
				training: { loss: 'meanSquaredError' },
			},
			null,
			2,
		);
		const u = await open('graph.model.json', json, 'json');
		const out = apply(json, edits(u, await renameAt(u, pos(json, '"hidden"', 2, 2), 'true')));
		assert.equal(out, json.replaceAll('"hidden"', '"true"'));
	});
});
