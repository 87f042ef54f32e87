/** Issue #11 item 5 in the language server: a data file linked out of the workspace is not read on open nor offered in completion. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CompletionRequest, type CompletionList, type Diagnostic } from 'vscode-languageserver-protocol';
import { ArchitectureRequest } from '../../server/src/protocol';
import { ensureServerBuilt } from './build';
import { LspClient } from './client';

const CONFIG = `name: p
data:
  source: {type: csv, path: passwd.csv}
  label: 
model:
  layers:
    - {type: dense, units: 1}
training:
  loss: meanSquaredError
`;

describe('lsp: symbolic links and the workspace path policy', function () {
	this.timeout(30_000);
	let dir: string;
	let client: LspClient;

	before(() => {
		ensureServerBuilt();
		dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-lsp-link-'));
		fs.symlinkSync('/etc/passwd', path.join(dir, 'passwd.csv'));
	});
	after(async () => {
		if (client?.alive) await client.stop();
		fs.rmSync(dir, { recursive: true, force: true });
	});

	it('reports the link (MW228) and never reads /etc/passwd: no diagnostics or completion from its contents', async () => {
		client = await LspClient.start({ settings: { modelwright: {} }, rootUri: pathToFileURL(dir).toString() });
		const uri = pathToFileURL(path.join(dir, 'p.model.yaml')).toString();
		const opened = client.waitForDiagnostics(uri);
		await client.open(uri, CONFIG);
		await opened;
		// The architecture request waits for the data probe to settle: every read the config started has finished.
		await client.conn.sendRequest(ArchitectureRequest.type, { textDocument: { uri } });
		const published = client.diagnostics.get(uri) ?? [];
		const last: Diagnostic[] = published.at(-1)?.diagnostics ?? [];
		const all = published.flatMap((p) => p.diagnostics.map((d) => d.message)).join('\n');
		assert.doesNotMatch(all, /root:x?:0:0/);
		const link = last.find((d) => d.code === 'MW228');
		assert.ok(link, JSON.stringify(last));
		assert.match(link.message, /symbolic link .*passwd\.csv.*\/etc\/passwd/);
		const list = (await client.conn.sendRequest(CompletionRequest.type, {
			textDocument: { uri },
			position: { line: 3, character: 9 },
		})) as CompletionList;
		const labels = list.items.map((i) => i.label);
		assert.ok(!labels.some((l) => /root:/.test(l)), labels.join(', '));
	});
});
