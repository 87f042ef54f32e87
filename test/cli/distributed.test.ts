/**
 * Distributed sweeps (issue #14) end to end: a real redis-server on a free loopback port (started
 * and stopped here, no system service), real `modelwright worker` processes and the coordinator
 * from the built CLI (dist/cli.js). Tiny configs keep each case well under a minute.
 */
import * as assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import type { SweepEvent } from '../../engine/core/tune/protocol';
import { QUEUE_PREFIX, SWEEPS_KEY, TRIAL_PROTOCOL, sweepKeys } from '../../engine/core/tune/distributed';
import { readSweep } from '../../engine/io/sweeps';
import { writeShapes } from '../../engine/runtime/data/shapes';
import { freePort, tempDir } from '../helpers/cli';

const ROOT = path.join(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const REDIS = '/usr/bin/redis-server';

/** A small CSV regression table (the data travels to the workers through Redis). */
function csv(rows: number, seed: number): string {
	let s = seed;
	const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
	const out = ['x1,x2,y'];
	for (let i = 0; i < rows; i++) {
		const a = rnd() * 10;
		const b = rnd() * 5;
		out.push(`${a.toFixed(4)},${b.toFixed(4)},${(2 * a - b + (rnd() - 0.5)).toFixed(4)}`);
	}
	return `${out.join('\n')}\n`;
}

const CONFIG = (o: { epochs: number; trials: number; folds?: number }) => `name: dist
seed: 3
data:
  source: {type: csv, path: data/table.csv}
  features: [x1, x2]
  label: y
  scale: standardize
  split: {validation: ${o.folds ? `0, folds: ${o.folds}` : '0.25'}}
model:
  layers:
    - {type: dense, units: 4, activation: relu}
    - {type: dense, units: 1}
training:
  loss: meanSquaredError
  optimizer: {type: adam, learningRate: 0.01}
  epochs: ${o.epochs}
  batchSize: 16
  checkpoint: {every: 0}
tuning:
  strategy: random
  trials: ${o.trials}
  seed: 11
  objective: {metric: val_loss}
${o.folds ? `  folds: ${o.folds}\n` : ''}  space:
    training.optimizer.learningRate: {logUniform: [0.001, 0.05]}
    model.layers[0].units: {choice: [2, 4, 8]}
`;

/** A tiny conv net on a generated shapes folder (the images travel to the workers through Redis). */
const IMAGES_CONFIG = `name: imgs
seed: 4
data:
  source: {type: images, path: data/shapes, imageSize: 8, channels: 1}
  split: {validation: 0.25}
model:
  layers:
    - {type: conv2d, filters: 2, kernelSize: 3, activation: relu}
    - {type: flatten}
    - {type: dense, units: 3, activation: softmax}
training:
  loss: categoricalCrossentropy
  optimizer: {type: adam, learningRate: 0.01}
  epochs: 2
  batchSize: 8
  checkpoint: {every: 0}
tuning:
  strategy: random
  trials: 2
  seed: 5
  objective: {metric: val_loss}
  space:
    training.optimizer.learningRate: {logUniform: [0.001, 0.05]}
`;

/** Resolves once `cond` holds (checked every 50 ms), or fails after `ms`. */
async function until(cond: () => boolean, what: string, ms = 45_000): Promise<void> {
	const end = Date.now() + ms;
	while (!cond()) {
		if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 50));
	}
}

/** A process of the built CLI whose output lines can be awaited. */
class Proc {
	readonly child: ChildProcess;
	out = '';
	err = '';
	readonly exited: Promise<number | null>;
	private readonly waiters: { re: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];

	constructor(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
		this.child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
		this.child.stdout!.on('data', (d: Buffer) => {
			this.out += d.toString();
			this.check();
		});
		this.child.stderr!.on('data', (d: Buffer) => {
			this.err += d.toString();
		});
		this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
	}

	private check(): void {
		for (const w of [...this.waiters]) {
			const m = this.out.match(w.re);
			if (m) {
				this.waiters.splice(this.waiters.indexOf(w), 1);
				w.resolve(m);
			}
		}
	}

	/** Resolves when stdout matches `re` (already, or later). */
	waitFor(re: RegExp, ms = 45_000): Promise<RegExpMatchArray> {
		return new Promise((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error(`timed out waiting for ${re}; stdout:\n${this.out}\nstderr:\n${this.err}`)), ms);
			this.waiters.push({
				re,
				resolve: (m) => {
					clearTimeout(timer);
					resolve(m);
				},
			});
			this.check();
		});
	}

	/** The k-th match (1-based) of a global `re` in stdout, once there is one. */
	async nth(re: RegExp, k: number, ms = 45_000): Promise<RegExpMatchArray> {
		const until = Date.now() + ms;
		for (;;) {
			const all = [...this.out.matchAll(re)];
			if (all.length >= k) return all[k - 1]!;
			if (Date.now() > until) throw new Error(`timed out waiting for match ${k} of ${re}; stdout:\n${this.out}`);
			await new Promise((r) => setTimeout(r, 50));
		}
	}

	/** JSON events printed with --json. */
	events(): SweepEvent[] {
		return this.out
			.split('\n')
			.filter((l) => l.startsWith('{'))
			.map((l) => JSON.parse(l) as SweepEvent);
	}

	async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
		if (this.child.exitCode !== null || this.child.signalCode !== null) return;
		this.child.kill(signal);
		const t = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
		await this.exited;
		clearTimeout(t);
	}
}

describe('distributed sweeps: Redis queue, `modelwright worker`, faults (built CLI)', function () {
	this.timeout(120_000);
	let redis: ChildProcess | undefined;
	let port = 0;
	let url = '';
	let dir = '';
	let procs: Proc[] = [];
	let client: Redis;

	const startRedis = async () => {
		redis = spawn(REDIS, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
			stdio: 'ignore',
		});
		for (let i = 0; i < 100; i++) {
			const r = spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' });
			if (r.stdout?.trim() === 'PONG') return;
			await new Promise((r) => setTimeout(r, 100));
		}
		throw new Error('redis-server did not start');
	};
	const stopRedis = async () => {
		if (!redis || redis.exitCode !== null) return;
		const r = redis;
		r.kill('SIGKILL');
		await new Promise((res) => r.on('exit', res));
	};
	const worker = (name: string, extra: string[] = []) => {
		const p = new Proc(
			[
				'worker',
				'--redis',
				url,
				'--concurrency',
				'1',
				'--name',
				name,
				'--dir',
				path.join(dir, `worker-${name}`),
				'--stall-timeout',
				'3',
				...extra,
			],
			dir,
		);
		procs.push(p);
		return p;
	};
	const tune = (args: string[], env: NodeJS.ProcessEnv = {}) => {
		const p = new Proc(['tune', ...args, '--json'], dir, env);
		procs.push(p);
		return p;
	};
	const sweepDirOf = (p: Proc) =>
		(p.events().find((e) => e.method === 'sweep/started') as Extract<SweepEvent, { method: 'sweep/started' }>).params.sweepDir;
	/** How often each trial was started on any worker (from the workers' logs). */
	const starts = (...ws: Proc[]) => {
		const n = new Map<number, number>();
		for (const w of ws)
			for (const m of w.out.matchAll(/^trial (\d+) of \S+ started/gm)) n.set(Number(m[1]), (n.get(Number(m[1])) ?? 0) + 1);
		return n;
	};

	before(async function () {
		if (!fs.existsSync(CLI)) throw new Error('dist/cli.js missing: run `npm run build` before the tests');
		if (!fs.existsSync(REDIS)) throw new Error(`${REDIS} missing: .ci/install-system.sh installs redis-server`);
		dir = tempDir('mw-dist-');
		port = await freePort();
		url = `redis://127.0.0.1:${port}`;
		await startRedis();
		client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
		client.on('error', () => {});
		await client.connect();
	});
	beforeEach(async () => {
		fs.mkdirSync(path.join(dir, 'data'), { recursive: true });
		fs.writeFileSync(path.join(dir, 'data', 'table.csv'), csv(120, 5));
		if (redis?.exitCode !== null) await startRedis();
		await client.flushall().catch(() => {});
	});
	afterEach(async () => {
		await Promise.all(procs.map((p) => p.stop('SIGKILL')));
		procs = [];
		fs.rmSync(path.join(dir, '.modelwright'), { recursive: true, force: true });
	});
	after(async () => {
		client?.disconnect();
		await stopRedis();
		if (dir) fs.rmSync(dir, { recursive: true, force: true });
	});

	it('an 8-trial seeded sweep on two workers gives the trials, values and scores of local workers', async () => {
		fs.writeFileSync(path.join(dir, 'd.model.yaml'), CONFIG({ epochs: 4, trials: 8, folds: 2 }));
		const local = tune(['d.model.yaml', '--workers', '2']);
		assert.equal(await local.exited, 0, local.err);
		const mine = readSweep(sweepDirOf(local))!;

		const [a, b] = [worker('a'), worker('b')];
		await Promise.all([a.waitFor(/^worker a:/m), b.waitFor(/^worker b:/m)]);
		const remote = tune(['d.model.yaml', '--workers', '2', '--redis', url]);
		assert.equal(await remote.exited, 0, remote.err + remote.out);
		const theirs = readSweep(sweepDirOf(remote))!;

		assert.equal(theirs.status, 'completed');
		assert.equal(theirs.trials.length, 8);
		assert.ok(theirs.distributed?.queue, 'the sweep records its queue');
		for (const [i, t] of theirs.trials.entries()) {
			const l = mine.trials[i]!;
			assert.equal(t.number, l.number);
			assert.deepEqual(t.params, l.params, `trial ${t.number}: same values`);
			assert.equal(t.status, l.status, `trial ${t.number}: ${t.message ?? ''} / ${l.message ?? ''}`);
			assert.ok(Math.abs(t.score! - l.score!) <= 1e-6 * Math.max(1, Math.abs(l.score!)), `trial ${t.number}: ${t.score} vs ${l.score}`);
			assert.ok(t.worker === 'a' || t.worker === 'b', `trial ${t.number} names its worker`);
			assert.equal(t.runDirs?.length, 2, 'both folds came home');
			for (const r of t.runDirs!) {
				assert.ok(r.startsWith(path.join(sweepDirOf(remote), 'trials')), r);
				const s = JSON.parse(fs.readFileSync(path.join(r, 'summary.json'), 'utf8')) as { id: string; configPath: string; status: string };
				assert.equal(s.id, path.basename(r));
				assert.equal(s.configPath, path.join(dir, 'd.model.yaml'));
				assert.equal(s.status, 'completed');
				for (const f of ['metrics.jsonl', 'evaluation.json', 'config.yaml', path.join('model', 'model.json')])
					assert.ok(fs.existsSync(path.join(r, f)), `${f} in ${r}`);
				assert.doesNotMatch(fs.readFileSync(path.join(r, 'config.yaml'), 'utf8'), /worker-/, 'the snapshot is the sweep config');
			}
		}
		assert.equal(theirs.best?.number, mine.best?.number, 'the same winner');
		assert.deepEqual([...starts(a, b).values()], Array(8).fill(1), 'each trial ran once');
		assert.ok(a.out.includes('started') && b.out.includes('started'), 'both workers ran trials');
		// `runs` sees the remote trials like local ones.
		const runs = spawnSync(process.execPath, [CLI, 'runs', 'list', '--dir', path.join(sweepDirOf(remote), 'trials')], {
			cwd: dir,
			encoding: 'utf8',
		});
		assert.equal(runs.status, 0, runs.stderr);
		assert.equal(
			runs.stdout
				.trim()
				.split('\n')
				.filter((l) => /completed/.test(l)).length,
			16,
		);
		// A completed sweep leaves nothing of its own in Redis (once its workers have let go of it).
		assert.deepEqual((await client.keys('modelwright-sweep*')).sort(), []);
		await Promise.all([a.waitFor(/^no longer serving sweep dist \(it ended\)/m), b.waitFor(/^no longer serving sweep dist \(it ended\)/m)]);
		await new Promise((r) => setTimeout(r, 500));
		assert.deepEqual(await client.keys(`${QUEUE_PREFIX}:${theirs.distributed!.queue}:*`), []);
	});

	it('a worker killed with -9 mid-trial: the stalled trial runs again on the other worker and is recorded once, with the retry visible', async () => {
		fs.writeFileSync(path.join(dir, 'data', 'table.csv'), csv(400, 9));
		fs.writeFileSync(path.join(dir, 'k.model.yaml'), CONFIG({ epochs: 60, trials: 4 }));
		const [a, b] = [worker('a'), worker('b')];
		await Promise.all([a.waitFor(/^worker a:/m), b.waitFor(/^worker b:/m)]);
		const sweep = tune(['k.model.yaml', '--workers', '2', '--redis', url]);
		// Killed while one of its trials is between two epochs (not between trials).
		let n = '';
		for (let k = 1; !n; k++) {
			const started = await a.nth(/^trial (\d+) of dist started/gm, k);
			const m = started[1]!;
			await sweep.waitFor(new RegExp(`"method":"sweep/trialEpoch","params":\\{"number":${m},`));
			if (!new RegExp(`^trial ${m} of dist completed`, 'm').test(a.out)) {
				a.child.kill('SIGKILL');
				n = m;
			}
		}
		assert.equal(await sweep.exited, 0, sweep.err + sweep.out);
		const state = readSweep(sweepDirOf(sweep))!;
		assert.equal(state.status, 'completed');
		assert.deepEqual(
			state.trials.map((t) => [t.number, t.status]),
			[1, 2, 3, 4].map((i) => [i, 'completed']),
		);
		const killed = state.trials[Number(n) - 1]!;
		assert.equal(killed.worker, 'b');
		assert.deepEqual(
			killed.attempts?.map((x) => [x.worker, x.outcome]),
			[
				['a', 'lost'],
				['b', 'recorded'],
			],
		);
		assert.match(killed.message ?? '', /ran again after losing a/);
		assert.equal(killed.runDirs?.length, 1);
		// Recorded once: one run folder per trial, nothing from the lost attempt.
		assert.equal(fs.readdirSync(path.join(sweepDirOf(sweep), 'trials')).length, 4);
		assert.equal(starts(a, b).get(Number(n)), 2);
		assert.match(b.out, new RegExp(`^trial ${n} of dist started \\(attempt 2`, 'm'));
	});

	it('a killed coordinator: workers finish the trials in flight, and --resume collects them without re-running any', async () => {
		fs.writeFileSync(path.join(dir, 'data', 'table.csv'), csv(300, 2));
		fs.writeFileSync(path.join(dir, 'c.model.yaml'), CONFIG({ epochs: 30, trials: 6 }));
		const [a, b] = [worker('a'), worker('b')];
		await Promise.all([a.waitFor(/^worker a:/m), b.waitFor(/^worker b:/m)]);
		const first = tune(['c.model.yaml', '--workers', '2', '--redis', url]);
		await first.waitFor(/"method":"sweep\/trialEnded"/);
		// Killed while trials are in flight on the queue.
		await first.waitFor(/"method":"sweep\/trialStarted","params":\{"number":[34],/);
		first.child.kill('SIGKILL');
		await first.exited;
		const sweepDir = sweepDirOf(first);
		const before = readSweep(sweepDir)!;
		assert.equal(before.status, 'interrupted');
		const done = before.trials.filter((t) => t.status === 'completed').map((t) => t.number);
		const inFlight = before.trials.filter((t) => t.status === 'running');
		assert.ok(done.length >= 1 && inFlight.length >= 1, JSON.stringify(before.trials.map((t) => [t.number, t.status])));
		// The workers finish what was on the queue with nobody listening. A trial marked running whose job
		// the coordinator had not yet added (killed in between) is not on the queue: --resume sends it.
		const q = new Queue(before.distributed!.queue, { connection: { host: '127.0.0.1', port }, prefix: QUEUE_PREFIX });
		try {
			for (const t of inFlight) {
				if ((await q.getJobState(t.job!)) === 'unknown') continue;
				await until(() => new RegExp(`^trial ${t.number} of dist completed`, 'm').test(a.out + b.out), `trial ${t.number} completed`);
			}
		} finally {
			await q.close();
		}

		const second = tune(['c.model.yaml', '--redis', url, '--resume', sweepDir]);
		assert.equal(await second.exited, 0, second.err + second.out);
		const state = readSweep(sweepDir)!;
		assert.equal(state.status, 'completed');
		assert.deepEqual(
			state.trials.map((t) => [t.number, t.status]),
			[1, 2, 3, 4, 5, 6].map((i) => [i, 'completed']),
		);
		assert.deepEqual(
			[...starts(a, b).entries()].sort((x, y) => x[0] - y[0]),
			[1, 2, 3, 4, 5, 6].map((i) => [i, 1]),
			'no trial ran twice',
		);
		for (const t of state.trials) assert.equal(t.attempts?.length, 1);
		// Finished trials keep their record; those finished meanwhile were collected, not announced as started again.
		for (const n of done) assert.deepEqual(state.trials[n - 1]!.runDirs, before.trials[n - 1]!.runDirs);
		const restarted = second.events().filter((e) => e.method === 'sweep/trialStarted' && 'worker' in e.params && e.params.worker);
		for (const e of restarted) assert.ok(!done.includes((e.params as { number: number }).number));
		assert.equal(fs.readdirSync(path.join(sweepDir, 'trials')).length, 6);
	});

	it('Redis lost mid-sweep: a clear error, nothing recorded is lost, and --resume completes the sweep once Redis is back', async () => {
		fs.writeFileSync(path.join(dir, 'r.model.yaml'), CONFIG({ epochs: 20, trials: 5 }));
		const a = worker('a');
		await a.waitFor(/^worker a:/m);
		const first = tune(['r.model.yaml', '--workers', '1', '--redis', url, '--redis-timeout', '2']);
		await first.waitFor(/"method":"sweep\/trialEnded"/);
		await stopRedis();
		assert.equal(await first.exited, 1);
		assert.match(first.err, /lost Redis at redis:\/\/127\.0\.0\.1:\d+ .*interrupted.*--resume/s);
		const sweepDir = sweepDirOf(first);
		const before = readSweep(sweepDir)!;
		assert.equal(before.status, 'interrupted');
		const done = before.trials.filter((t) => t.status === 'completed');
		assert.ok(done.length >= 1);

		await startRedis();
		const second = tune(['r.model.yaml', '--redis', url, '--resume', sweepDir]);
		assert.equal(await second.exited, 0, second.err + second.out);
		const state = readSweep(sweepDir)!;
		assert.equal(state.status, 'completed');
		assert.deepEqual(
			state.trials.map((t) => t.status),
			Array(5).fill('completed'),
		);
		for (const t of done) assert.deepEqual(state.trials[t.number - 1]!.runDirs, t.runDirs, `trial ${t.number} kept`);
	});

	it('Redis unreachable at the start: a clear error and no sweep folder', async () => {
		fs.writeFileSync(path.join(dir, 'u.model.yaml'), CONFIG({ epochs: 2, trials: 2 }));
		const closed = await freePort();
		const p = tune(['u.model.yaml', '--redis', `redis://:secret@127.0.0.1:${closed}`]);
		assert.equal(await p.exited, 1);
		assert.match(p.err, new RegExp(`cannot reach Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${closed}/? \\(ECONNREFUSED\\)`));
		assert.doesNotMatch(p.err, /secret/);
		assert.ok(
			!fs.existsSync(path.join(dir, '.modelwright', 'runs')) || fs.readdirSync(path.join(dir, '.modelwright', 'runs')).length === 0,
		);
		const w = new Proc(['worker', '--redis', `redis://127.0.0.1:${closed}`, '--dir', path.join(dir, 'wx')], dir);
		procs.push(w);
		assert.equal(await w.exited, 1);
		assert.match(w.err, /cannot reach Redis/);
	});

	it('a data file over the size limit: a clear error before any trial is sent', async () => {
		fs.writeFileSync(path.join(dir, 'big.model.yaml'), CONFIG({ epochs: 2, trials: 2 }));
		const p = tune(['big.model.yaml', '--redis', url, '--max-data-mb', '0.001']);
		assert.equal(await p.exited, 1);
		assert.match(
			p.err,
			/data file `data\/table\.csv` has [\d.]+ kB, more than the 1\.0 kB a sweep sends through Redis.*--max-data-mb.*--shared-data/s,
		);
		assert.deepEqual(await client.keys('modelwright-sweep:*:data:*'), []);
		assert.equal(readSweep(sweepDirOf(p))!.status, 'failed');
	});

	it('an image folder travels with the sweep: stored once per image, rebuilt on the worker, the same scores as local workers', async () => {
		writeShapes(path.join(dir, 'data', 'shapes'), { samples: 24, size: 8, seed: 2, noise: 0.05 });
		fs.writeFileSync(path.join(dir, 'i.model.yaml'), IMAGES_CONFIG);
		const local = tune(['i.model.yaml', '--workers', '1']);
		assert.equal(await local.exited, 0, local.err);
		const mine = readSweep(sweepDirOf(local))!;
		assert.equal(mine.status, 'completed');

		// Over the limit, the folder's images count together.
		const big = tune(['i.model.yaml', '--redis', url, '--max-data-mb', '0.001']);
		assert.equal(await big.exited, 1);
		assert.match(
			big.err,
			/image folder `data\/shapes` has 24 images of [\d.]+ kB in all, more than the 1\.0 kB a sweep sends through Redis.*--shared-data/s,
		);
		assert.deepEqual(await client.keys('modelwright-sweep:*:data:*'), []);
		// A class name that cannot travel as a path (parentheses): said, naming the image, before anything is sent.
		const circle = path.join(dir, 'data', 'shapes', 'circle');
		const odd = path.join(dir, 'data', 'odd', 'circle (1)');
		fs.mkdirSync(odd, { recursive: true });
		fs.mkdirSync(path.join(dir, 'data', 'odd', 'square'));
		for (const [from, to] of [
			[circle, odd],
			[path.join(dir, 'data', 'shapes', 'square'), path.join(dir, 'data', 'odd', 'square')],
		] as [string, string][])
			fs.copyFileSync(path.join(from, fs.readdirSync(from)[0]!), path.join(to, 'a.png'));
		fs.writeFileSync(path.join(dir, 'o.model.yaml'), IMAGES_CONFIG.replace('data/shapes', 'data/odd').replace('units: 3', 'units: 2'));
		const unsafe = tune(['o.model.yaml', '--redis', url]);
		assert.equal(await unsafe.exited, 1);
		assert.match(
			unsafe.err,
			/image `data\/odd\/circle \(1\)\/a\.png` cannot be sent to workers: its class folder and file names may hold only/,
		);
		assert.deepEqual(await client.keys('modelwright-sweep:*:data:*'), []);

		// A worker of its own: its cache holds this sweep's files only.
		const w = worker('img');
		await w.waitFor(/^worker img:/m);
		const remote = tune(['i.model.yaml', '--workers', '1', '--redis', url]);
		assert.equal(await remote.exited, 0, remote.err + remote.out);
		const theirs = readSweep(sweepDirOf(remote))!;
		assert.equal(theirs.status, 'completed');
		assert.equal(theirs.trials.length, 2);
		for (const [i, t] of theirs.trials.entries()) {
			const l = mine.trials[i]!;
			assert.deepEqual(t.params, l.params);
			assert.equal(t.status, 'completed', t.message);
			assert.ok(Math.abs(t.score! - l.score!) <= 1e-6 * Math.max(1, Math.abs(l.score!)), `trial ${t.number}: ${t.score} vs ${l.score}`);
			assert.equal(t.worker, 'img');
		}
		// The worker's cache holds each image once by its hash (fetched once for both trials), and the manifest.
		const cache = fs.readdirSync(path.join(dir, 'worker-img', 'cache'));
		assert.equal(cache.length, 25, cache.join(' '));
		assert.ok(cache.every((f) => /^[0-9a-f]{64}$/.test(f)));
		const shapes = fs.readdirSync(path.join(dir, 'data', 'shapes'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
		for (const e of shapes) {
			const h = createHash('sha256')
				.update(fs.readFileSync(path.join(e.parentPath, e.name)))
				.digest('hex');
			assert.ok(cache.includes(h), `${e.name} cached by its hash`);
		}
	});

	it('a crafted image folder manifest (a path out of the job folder) is refused by the worker: nothing is written outside', async () => {
		const w = worker('guard');
		await w.waitFor(/^worker guard:/m);
		await client.hset(sweepKeys('mw-evil').meta, { protocol: String(TRIAL_PROTOCOL), name: 'evil', version: '0.1.0' });
		await client.zadd(SWEEPS_KEY, String(Date.now()), 'mw-evil');
		const image = Buffer.from('not really a png');
		const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
		const manifest = Buffer.from(JSON.stringify([{ hash: sha(image), size: image.length, path: '../../../../escape.png' }]));
		await client.set(sweepKeys('mw-evil').data(sha(manifest)), manifest);
		await client.set(sweepKeys('mw-evil').data(sha(image)), image);
		const q = new Queue('mw-evil', { connection: { host: '127.0.0.1', port }, prefix: QUEUE_PREFIX });
		try {
			await q.add(
				'trial',
				{
					protocol: TRIAL_PROTOCOL,
					sweep: { id: 'evil', name: 'evil' },
					trial: 1,
					params: {},
					name: 'evil-t001',
					text: IMAGES_CONFIG,
					configPath: 'i.model.yaml',
					folds: 1,
					metric: 'val_loss',
					direction: 'minimize',
					data: [{ hash: sha(manifest), size: manifest.length, path: 'data/shapes', folder: true }],
					maxResultBytes: 1024 * 1024,
				},
				{ jobId: 't1-1', attempts: 1 },
			);
			await w.waitFor(
				/^trial 1 of evil could not run: image 1 of the folder manifest has an unsafe path "\.\.\/\.\.\/\.\.\/\.\.\/escape\.png"/m,
			);
			const job = await q.getJob('t1-1');
			for (let i = 0; i < 50 && (await job!.getState()) !== 'failed'; i++) await new Promise((r) => setTimeout(r, 100));
			assert.equal(await job!.getState(), 'failed');
		} finally {
			await q.close();
		}
		const guard = path.join(dir, 'worker-guard');
		for (const up of [guard, path.dirname(guard), path.join(guard, 'jobs')]) assert.ok(!fs.existsSync(path.join(up, 'escape.png')), up);
		assert.deepEqual(fs.readdirSync(path.join(guard, 'jobs')), [], 'the job folder is removed');
	});

	it('a worker refuses a sweep and a job of another protocol version, saying so', async () => {
		const a = worker('a');
		await a.waitFor(/^worker a:/m);
		// A sweep registered by a coordinator of another version: not served at all.
		await client.hset(sweepKeys('mw-future').meta, { protocol: String(TRIAL_PROTOCOL + 1), name: 'future', version: '9.9.9' });
		await client.zadd(SWEEPS_KEY, String(Date.now()), 'mw-future');
		await a.waitFor(
			new RegExp(
				`^refusing sweep future \\(queue mw-future\\): its coordinator speaks trial protocol ${TRIAL_PROTOCOL + 1} \\(Modelwright 9\\.9\\.9\\), this worker ${TRIAL_PROTOCOL}`,
				'm',
			),
		);
		// A job of another version on a sweep of this one: refused, failed without retries, with the reason.
		await client.hset(sweepKeys('mw-odd').meta, { protocol: String(TRIAL_PROTOCOL), name: 'odd', version: '0.1.0' });
		await client.zadd(SWEEPS_KEY, String(Date.now()), 'mw-odd');
		const q = new Queue('mw-odd', { connection: { host: '127.0.0.1', port }, prefix: QUEUE_PREFIX });
		try {
			const job = await q.add('trial', { protocol: 99, trial: 1 }, { jobId: 't1-1', attempts: 3 });
			await a.waitFor(
				new RegExp(
					`^refused job t1-1 of queue mw-odd: the job is of protocol version 99, and this worker speaks version ${TRIAL_PROTOCOL}`,
					'm',
				),
			);
			for (let i = 0; i < 50 && (await job.getState()) !== 'failed'; i++) await new Promise((r) => setTimeout(r, 100));
			const failed = await q.getJob('t1-1');
			assert.equal(await failed!.getState(), 'failed');
			assert.match(failed!.failedReason, /worker a refused the job: the job is of protocol version 99/);
			assert.equal(failed!.attemptsMade, 1, 'not retried');
		} finally {
			await q.close();
		}
	});
});
