/** Helpers for the CLI and run-folder tests: the CLI in-process, a tiny config, a fake run, a live foreign pid. */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../engine/cli/main';

/** `modelwright …` in-process from `cwd`: exit code and what it printed. */
export async function cliIn(cwd: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
	let out = '';
	let err = '';
	const code = await main(args, {
		out: (t) => {
			out += `${t}\n`;
		},
		err: (t) => {
			err += `${t}\n`;
		},
		isTTY: false,
		cwd,
	});
	return { code, out, err };
}

/** A config that trains in milliseconds (y = 2x, one dense unit, no checkpoints); `extra` is appended (top-level keys). */
export const LINEAR = (name: string, extra = '') => `name: ${name}
seed: 1
data:
  source: {type: linear, samples: 40}
  features: [x]
  label: y
  split: {validation: 0.25}
model:
  layers:
    - {type: dense, units: 1}
training:
  loss: meanSquaredError
  optimizer: {type: sgd, learningRate: 0.01}
  epochs: 2
  batchSize: 16
  checkpoint: {every: 0}
${extra}`;

/** A run folder as engine/io/store.ts writes it (no training needed). */
export function fakeRun(store: string, id: string, opts: { configPath?: string; startedAt?: string; status?: string } = {}): string {
	const dir = path.join(store, id);
	fs.mkdirSync(dir, { recursive: true });
	const at = opts.startedAt ?? '2024-01-01T00:00:00.000Z';
	fs.writeFileSync(
		path.join(dir, 'summary.json'),
		JSON.stringify({
			version: 1,
			id,
			name: id,
			status: opts.status ?? 'completed',
			startedAt: at,
			updatedAt: at,
			epochs: { planned: 1, completed: 1 },
			...(opts.configPath ? { configPath: opts.configPath } : {}),
		}),
	);
	fs.writeFileSync(path.join(dir, 'metrics.jsonl'), '{"epoch":1,"loss":1}\n');
	return dir;
}

/** A process that stays alive until killed: its pid holds a lock "from another process". */
export function sleeper(): ChildProcess {
	return spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
}

/** A fresh temp folder by its real path (macOS /tmp is a link). */
export const tempDir = (prefix: string) => fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));

/** A loopback port free right now (for a server a test starts, e.g. redis-server). */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.once('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address() as net.AddressInfo;
			srv.close(() => resolve(port));
		});
	});
}
