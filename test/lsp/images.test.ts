/** The server with an `images` source: shapes from imageSize/channels, the folder listed asynchronously, re-listed when an image changes. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DidChangeWatchedFilesNotification, FileChangeType, type Diagnostic } from 'vscode-languageserver-protocol';
import { ArchitectureRequest } from '../../server/src/protocol';
import { writeShapes } from '../../engine/runtime/data/shapes';
import { ensureServerBuilt } from './build';
import { LspClient } from './client';

const codes = (ds: Diagnostic[]) => ds.map((d) => d.code);
const CONFIG = `data:
  source: {type: images, path: imgs, imageSize: [16, 12], channels: 1}
model:
  layers:
    - {type: conv2d, filters: 4, kernelSize: 3}
    - {type: flatten}
    - {type: dense, units: 2, activation: softmax}
training: {loss: categoricalCrossentropy, batchSize: 2}
`;

describe('lsp: images source', function () {
	this.timeout(30_000);
	let client: LspClient;
	let dir: string;
	before(function () {
		this.timeout(180_000); // a stale bundle is rebuilt first
		ensureServerBuilt();
		dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-lsp-img-'));
	});
	beforeEach(async () => {
		client = await LspClient.start({ settings: { modelwright: {} }, rootUri: pathToFileURL(dir).toString() });
	});
	afterEach(async () => {
		if (client.alive) await client.stop();
	});
	after(() => fs.rmSync(dir, { recursive: true, force: true }));

	it('a missing folder is MW225 at its path; conv shapes come from imageSize and channels; a new image re-lists the folder', async () => {
		const u = pathToFileURL(path.join(dir, 'imgs.model.yaml')).toString();
		await client.open(u, CONFIG);
		const missing = await client.waitForDiagnostics(u, (p) => codes(p.diagnostics).includes('MW225'));
		const d = missing.diagnostics.find((x) => x.code === 'MW225')!;
		assert.match(d.message, /^Image folder `imgs` not found/);
		assert.deepEqual(d.range, { start: { line: 1, character: 31 }, end: { line: 1, character: 35 } });
		const arch = await client.conn.sendRequest(ArchitectureRequest.type, { textDocument: { uri: u } });
		assert.deepEqual(arch!.model.inputShape, [null, 16, 12, 1]);
		assert.deepEqual(arch!.model.layers[0]!.outputShape, [null, 14, 10, 4]);

		// Three classes appear: the listing's facts reach the output check (3 classes, 2 units).
		writeShapes(path.join(dir, 'imgs'), { samples: 6, size: 16, seed: 1, noise: 0 });
		const three = client.waitForDiagnostics(u, (p) => codes(p.diagnostics).includes('MW204'));
		await client.conn.sendNotification(DidChangeWatchedFilesNotification.type, {
			changes: [{ uri: pathToFileURL(path.join(dir, 'imgs', 'circle', '0000.png')).toString(), type: FileChangeType.Created }],
		});
		const got = await three;
		assert.ok(!codes(got.diagnostics).includes('MW225'), JSON.stringify(got.diagnostics));
		assert.match(got.diagnostics.find((x) => x.code === 'MW204')!.message, /The data has 3 classes but the output layer has 2 units/);
	});
});
