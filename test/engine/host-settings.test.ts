/**
 * The engine process (dist/engine.js, forked by the extension) runs its jobs under the settings the
 * extension configures: `modelwright.engine.maxMemoryMB` is the budget a train job is checked
 * against (MW233, issue #11 item 7), and 0 gives the machine's own default back.
 */
import * as assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createMessageConnection, IPCMessageReader, IPCMessageWriter } from 'vscode-jsonrpc/node';
import { ConfigureRequest, JobStateNotification, SubmitJobRequest, type JobInfo } from '../../engine/core/rpc';
import { MAX_MEMORY_ENV } from '../../engine/io/budget';
import { ensureServerBuilt } from '../lsp/build';

const ROOT = path.join(__dirname, '..', '..');
// About 16 MB to train (a million weights with their gradients and Adam's two slots).
const CONFIG = `data:
  source: {type: linear, samples: 100}
model:
  layers:
    - {type: dense, units: 1000}
    - {type: dense, units: 1000}
    - {type: dense, units: 1}
training:
  loss: meanSquaredError
  epochs: 1
`;

describe('engine process: the memory budget setting', function () {
	this.timeout(120_000);
	let tmp: string;
	before(() => {
		ensureServerBuilt();
		tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-host-'));
		fs.writeFileSync(path.join(tmp, 'big.model.yaml'), CONFIG);
	});
	after(() => fs.rmSync(tmp, { recursive: true, force: true }));

	it('refuses a train job over the configured budget, and trains it once the setting is back to 0', async () => {
		const env = { ...process.env };
		delete env[MAX_MEMORY_ENV];
		const child = fork(path.join(ROOT, 'dist', 'engine.js'), [], { env, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
		const conn = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
		const ends = new Map<string, (p: JobInfo & { error?: string }) => void>();
		conn.onNotification(JobStateNotification.type, (p) => {
			if (p.state === 'failed' || p.state === 'succeeded' || p.state === 'cancelled') ends.get(p.jobId)?.(p);
		});
		conn.listen();
		const train = async () => {
			const info = await conn.sendRequest(SubmitJobRequest.type, {
				kind: 'train',
				configPath: path.join(tmp, 'big.model.yaml'),
				workspaceRoot: tmp,
			});
			return new Promise<JobInfo & { error?: string }>((resolve) => ends.set(info.jobId, resolve));
		};
		try {
			await conn.sendRequest(ConfigureRequest.type, { concurrency: 1, maxMemoryMb: 1 });
			const refused = await train();
			assert.equal(refused.state, 'failed');
			assert.match(refused.error ?? '', /more than the memory budget of 1\.00 MB/);
			await conn.sendRequest(ConfigureRequest.type, { concurrency: 1, maxMemoryMb: 0 });
			const trained = await train();
			assert.equal(trained.state, 'succeeded', trained.error);
		} finally {
			conn.dispose();
			child.kill();
		}
	});
});
