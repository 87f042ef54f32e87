/**
 * Issue #11 item 10: a file the server could not check is never published as clean; an error
 * diagnostic says why. No real input makes the validator throw any more, so a test knob
 * (FAIL_ANALYSIS_ENV) makes the analysis of a document holding a marker throw.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { FAIL_ANALYSIS_ENV } from '../../server/src/service/analysis';
import { ensureServerBuilt } from './build';
import { LspClient } from './client';

const MARKER = 'uncheckable-marker';
const CONFIG = `name: p
data:
  source: {type: linear, samples: 100}
model:
  layers:
    - {type: dense, units: 1}
training:
  loss: meanSquaredError
`;

describe('lsp: a file that could not be checked', function () {
	this.timeout(30_000);
	let dir: string;
	let client: LspClient;

	before(() => {
		ensureServerBuilt();
		dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-lsp-fail-'));
	});
	after(async () => {
		if (client?.alive) await client.stop();
		fs.rmSync(dir, { recursive: true, force: true });
	});

	it('gets an error diagnostic naming the reason, not an empty list, and is checked again after an edit', async () => {
		// The child takes its environment at spawn.
		process.env[FAIL_ANALYSIS_ENV] = MARKER;
		try {
			client = await LspClient.start({ settings: { modelwright: {} }, rootUri: pathToFileURL(dir).toString() });
		} finally {
			delete process.env[FAIL_ANALYSIS_ENV];
		}
		const uri = pathToFileURL(path.join(dir, 'p.model.yaml')).toString();
		const text = `# ${MARKER}\n${CONFIG}`;
		const opened = client.waitForDiagnostics(uri);
		await client.open(uri, text);
		const first = await opened;
		assert.equal(first.version, 1);
		assert.equal(first.diagnostics.length, 1, JSON.stringify(first.diagnostics));
		const d = first.diagnostics[0]!;
		assert.equal(d.severity, 1);
		assert.match(d.message, /could not check this file: test failure: the text contains "uncheckable-marker"/);
		assert.match(client.stderr + client.logs.join('\n'), /validation of .*p\.model\.yaml failed/);

		// The same text without the marker is checked: clean now, the error is replaced.
		const checked = client.waitForDiagnostics(uri, (p) => p.version === 2);
		await client.change(uri, 2, [{ text: CONFIG }]);
		assert.deepEqual((await checked).diagnostics, []);
	});
});
