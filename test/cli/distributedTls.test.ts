/**
 * Distributed sweeps over TLS (issue #14): a real redis-server with only a TLS port, its CA and
 * server certificate made here with openssl, a real `modelwright worker` and the coordinator
 * from the built CLI. The CA is given by --redis-ca (coordinator) and MODELWRIGHT_REDIS_CA
 * (worker); a CA that did not sign the server's certificate is a clear error, not a hang; the
 * password of a rediss:// URL is never printed nor written.
 */
import * as assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SweepEvent } from '../../engine/core/tune/protocol';
import { execute } from '../../engine/host/execute';
import { readSweep } from '../../engine/io/sweeps';
import { freePort, tempDir } from '../helpers/cli';

const ROOT = path.join(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const REDIS = '/usr/bin/redis-server';
const PASSWORD = 'tls-s3cret-pw';

const CONFIG = `name: tls
seed: 3
data:
  source: {type: csv, path: data/table.csv}
  features: [x1, x2]
  label: y
  split: {validation: 0.25}
model:
  layers:
    - {type: dense, units: 4, activation: relu}
    - {type: dense, units: 1}
training:
  loss: meanSquaredError
  optimizer: {type: adam, learningRate: 0.01}
  epochs: 2
  batchSize: 16
  checkpoint: {every: 0}
tuning:
  strategy: random
  trials: 2
  seed: 11
  objective: {metric: val_loss}
  space:
    training.optimizer.learningRate: {logUniform: [0.001, 0.05]}
`;

function openssl(cwd: string, args: string[]): void {
	const r = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
	assert.equal(r.status, 0, `openssl ${args.join(' ')}: ${r.stderr}`);
}

/** A CA (`<name>.pem`, `<name>.key`), self-signed, EC keys (fast). */
function makeCa(cwd: string, name: string): void {
	openssl(cwd, [
		'req',
		'-x509',
		'-newkey',
		'ec',
		'-pkeyopt',
		'ec_paramgen_curve:prime256v1',
		'-nodes',
		'-keyout',
		`${name}.key`,
		'-out',
		`${name}.pem`,
		'-days',
		'2',
		'-subj',
		`/CN=${name}`,
	]);
}

/** A process of the built CLI; `done` resolves with its exit code and output. */
function cli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
	const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
	const p = { child, out: '', err: '', done: undefined as unknown as Promise<number | null> };
	child.stdout.on('data', (d: Buffer) => (p.out += d.toString()));
	child.stderr.on('data', (d: Buffer) => (p.err += d.toString()));
	p.done = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
	return p;
}

describe('distributed sweeps over TLS (rediss://, built CLI)', function () {
	this.timeout(120_000);
	let dir = '';
	let port = 0;
	let redis: ChildProcess | undefined;
	const procs: ReturnType<typeof cli>[] = [];

	before(async function () {
		if (!fs.existsSync(CLI)) throw new Error('dist/cli.js missing: run `npm run build` before the tests');
		if (!fs.existsSync(REDIS)) throw new Error(`${REDIS} missing: .ci/install-system.sh installs redis-server`);
		dir = tempDir('mw-tls-');
		const certs = path.join(dir, 'certs');
		fs.mkdirSync(certs);
		makeCa(certs, 'ca');
		makeCa(certs, 'other-ca');
		openssl(certs, [
			'req',
			'-newkey',
			'ec',
			'-pkeyopt',
			'ec_paramgen_curve:prime256v1',
			'-nodes',
			'-keyout',
			'server.key',
			'-out',
			'server.csr',
			'-subj',
			'/CN=127.0.0.1',
		]);
		fs.writeFileSync(path.join(certs, 'ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
		openssl(certs, [
			'x509',
			'-req',
			'-in',
			'server.csr',
			'-CA',
			'ca.pem',
			'-CAkey',
			'ca.key',
			'-CAcreateserial',
			'-out',
			'server.pem',
			'-days',
			'2',
			'-extfile',
			'ext',
		]);
		port = await freePort();
		// TLS only (--port 0: no plain port), clients need no certificate of their own.
		redis = spawn(
			REDIS,
			[
				'--port',
				'0',
				'--tls-port',
				String(port),
				'--bind',
				'127.0.0.1',
				'--tls-cert-file',
				path.join(certs, 'server.pem'),
				'--tls-key-file',
				path.join(certs, 'server.key'),
				'--tls-ca-cert-file',
				path.join(certs, 'ca.pem'),
				'--tls-auth-clients',
				'no',
				'--requirepass',
				PASSWORD,
				'--save',
				'',
				'--appendonly',
				'no',
				'--dir',
				dir,
			],
			{ stdio: 'ignore' },
		);
		for (let i = 0; ; i++) {
			const r = spawnSync(
				'redis-cli',
				['--tls', '--cacert', path.join(certs, 'ca.pem'), '-p', String(port), '-a', PASSWORD, '--no-auth-warning', 'ping'],
				{ encoding: 'utf8' },
			);
			if (r.stdout?.trim() === 'PONG') break;
			if (i > 100) throw new Error(`redis-server with TLS did not start: ${r.stderr}`);
			await new Promise((res) => setTimeout(res, 100));
		}
		fs.mkdirSync(path.join(dir, 'data'));
		const rows = ['x1,x2,y'];
		for (let i = 0; i < 80; i++) rows.push(`${(i % 9) / 2},${(i % 7) / 3},${((i % 9) - (i % 7) / 2).toFixed(3)}`);
		fs.writeFileSync(path.join(dir, 'data', 'table.csv'), `${rows.join('\n')}\n`);
		fs.writeFileSync(path.join(dir, 'tls.model.yaml'), CONFIG);
	});
	after(async () => {
		for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
		if (redis && redis.exitCode === null) {
			const r = redis;
			r.kill('SIGKILL');
			await new Promise((res) => r.on('exit', res));
		}
		if (dir) fs.rmSync(dir, { recursive: true, force: true });
	});

	it('a worker and a coordinator complete a sweep over rediss:// with the CA given; the password is never shown', async () => {
		const ca = path.join(dir, 'certs', 'ca.pem');
		const w = cli(
			['worker', '--redis', `rediss://127.0.0.1:${port}`, '--concurrency', '1', '--name', 'tw', '--dir', path.join(dir, 'worker')],
			dir,
			{ MODELWRIGHT_REDIS_PASSWORD: PASSWORD, MODELWRIGHT_REDIS_CA: ca },
		);
		procs.push(w);
		for (let i = 0; !/^worker tw:/m.test(w.out); i++) {
			if (i > 300 || w.child.exitCode !== null) throw new Error(`worker did not start:\n${w.out}\n${w.err}`);
			await new Promise((res) => setTimeout(res, 50));
		}
		assert.match(w.out, new RegExp(`Redis rediss://:\\*\\*\\*@127\\.0\\.0\\.1:${port}`));
		// The password in the URL itself: the coordinator prints and records it redacted.
		const t = cli(
			['tune', 'tls.model.yaml', '--workers', '1', '--json', '--redis', `rediss://:${PASSWORD}@localhost:${port}`, '--redis-ca', ca],
			dir,
		);
		procs.push(t);
		assert.equal(await t.done, 0, t.err + t.out);
		const started = t.out
			.split('\n')
			.filter((l) => l.startsWith('{'))
			.map((l) => JSON.parse(l) as SweepEvent)
			.find((e) => e.method === 'sweep/started') as Extract<SweepEvent, { method: 'sweep/started' }>;
		const state = readSweep(started.params.sweepDir)!;
		assert.equal(state.status, 'completed');
		assert.deepEqual(
			state.trials.map((x) => [x.status, x.worker]),
			[
				['completed', 'tw'],
				['completed', 'tw'],
			],
		);
		assert.ok(state.trials.every((x) => Number.isFinite(x.score)));
		assert.equal(state.distributed?.redis, `rediss://:***@localhost:${port}`);
		w.child.kill('SIGTERM');
		await w.done;
		for (const text of [t.out, t.err, w.out, w.err, fs.readFileSync(path.join(started.params.sweepDir, 'sweep.json'), 'utf8')])
			assert.doesNotMatch(text, new RegExp(PASSWORD));
	});

	it('a CA that did not sign the server certificate (or none): a clear error within seconds, no password shown', async () => {
		const url = `rediss://:${PASSWORD}@127.0.0.1:${port}`;
		for (const [args, env] of [
			[['tune', 'tls.model.yaml', '--redis', url, '--redis-ca', path.join(dir, 'certs', 'other-ca.pem')], {}],
			[['worker', '--redis', url, '--dir', path.join(dir, 'w2')], {}],
			[['worker', '--redis', url, '--dir', path.join(dir, 'w3')], { MODELWRIGHT_REDIS_CA: path.join(dir, 'certs', 'other-ca.pem') }],
		] as const) {
			const began = Date.now();
			const p = cli([...args], dir, env);
			procs.push(p);
			assert.equal(await p.done, 1, p.out + p.err);
			assert.ok(Date.now() - began < 20_000, `${args[0]} gave up after ${Date.now() - began} ms`);
			assert.match(
				p.err,
				new RegExp(
					`cannot reach Redis at rediss://:\\*\\*\\*@127\\.0\\.0\\.1:${port}/?: TLS: the server's certificate is not trusted \\(\\w+\\)\\. Give the CA that signed it with --redis-ca FILE`,
				),
			);
			assert.doesNotMatch(p.out + p.err, new RegExp(PASSWORD));
		}
		const missing = cli(['tune', 'tls.model.yaml', '--redis', url, '--redis-ca', 'nope.pem'], dir);
		procs.push(missing);
		assert.equal(await missing.done, 1);
		assert.match(missing.err, /cannot read the Redis CA file .*nope\.pem \(ENOENT\)/);
	});

	it("VS Code's path: the engine host's tune job over rediss:// takes the CA from MODELWRIGHT_REDIS_CA (it has no command line)", async () => {
		const ca = path.join(dir, 'certs', 'ca.pem');
		const w = cli(
			[
				'worker',
				'--redis',
				`rediss://127.0.0.1:${port}`,
				'--redis-ca',
				ca,
				'--concurrency',
				'1',
				'--name',
				'hw',
				'--dir',
				path.join(dir, 'worker-hw'),
			],
			dir,
			{ MODELWRIGHT_REDIS_PASSWORD: PASSWORD },
		);
		procs.push(w);
		for (let i = 0; !/^worker hw:/m.test(w.out); i++) {
			if (i > 300 || w.child.exitCode !== null) throw new Error(`worker did not start:\n${w.out}\n${w.err}`);
			await new Promise((res) => setTimeout(res, 50));
		}
		// What the extension sends: the setting's URL with the password from secret storage.
		const params = {
			kind: 'tune' as const,
			configPath: path.join(dir, 'tls.model.yaml'),
			workspaceRoot: dir,
			redisUrl: `rediss://:${PASSWORD}@127.0.0.1:${port}`,
		};
		const prior = process.env.MODELWRIGHT_REDIS_CA;
		try {
			delete process.env.MODELWRIGHT_REDIS_CA;
			await assert.rejects(
				execute(params, () => undefined, new AbortController().signal),
				(err: Error) => /TLS: the server's certificate is not trusted/.test(err.message) && !err.message.includes(PASSWORD),
			);
			process.env.MODELWRIGHT_REDIS_CA = ca;
			const end = await execute(params, () => undefined, new AbortController().signal);
			assert.equal(end.state, 'succeeded', end.error);
			const state = readSweep(end.result!.sweepDir!)!;
			assert.deepEqual(
				state.trials.map((x) => [x.status, x.worker]),
				[
					['completed', 'hw'],
					['completed', 'hw'],
				],
			);
		} finally {
			if (prior === undefined) delete process.env.MODELWRIGHT_REDIS_CA;
			else process.env.MODELWRIGHT_REDIS_CA = prior;
		}
	});
});
