/**
 * One writer per run (issue #11 item 3): a run being trained or resumed, and a running sweep, hold
 * a lock file; a second job is refused naming the holder; a dead holder's lock is taken over.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runJob } from '../../engine/runtime/job';
import { runSweep } from '../../engine/runtime/tune/sweep';
import { readMetrics, readRunSummary } from '../../engine/io/store';
import { acquireLock, lockHolder } from '../../engine/io/lock';
import { processStart } from '../../engine/io/fsutil';
import { cliIn, LINEAR, sleeper, tempDir } from '../helpers/cli';

describe('one writer per run', function () {
	this.timeout(180_000);
	let tmp: string;
	beforeEach(() => {
		tmp = tempDir('mw-safety-');
	});
	afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

	it('a second resume of a run in progress is refused (same process)', async () => {
		const cfg = path.join(tmp, 'r.model.yaml');
		fs.writeFileSync(cfg, LINEAR('r'));
		const base = await runJob({ configPath: cfg, backend: 'cpu' }, () => undefined);
		assert.equal(base.status, 'completed', base.message);
		let second: Promise<Awaited<ReturnType<typeof runJob>>> | undefined;
		const first = await runJob({ configPath: cfg, backend: 'cpu', resume: base.runDir!, overrides: { epochs: 30 } }, (e) => {
			if (e.method === 'job/epochEnd' && !second)
				second = runJob({ configPath: cfg, backend: 'cpu', resume: base.runDir!, overrides: { epochs: 30 } }, () => undefined);
		});
		const other = await second!;
		assert.equal(first.status, 'completed', first.message);
		assert.equal(other.status, 'failed');
		assert.match(other.message!, /in use|being written/);
		assert.equal(readMetrics(base.runDir!).length, 30);
		assert.equal(readRunSummary(base.runDir!)!.status, 'completed');
		assert.ok(!fs.existsSync(path.join(base.runDir!, '.lock')), 'released');
	});

	it('train --resume of a run another process is training exits 1; a dead holder does not block', async () => {
		const cfg = path.join(tmp, 'long.model.yaml');
		fs.writeFileSync(cfg, LINEAR('long'));
		const base = await cliIn(tmp, 'train', 'long.model.yaml', '--backend', 'cpu');
		assert.equal(base.code, 0, base.err);
		const runDir = path.join(tmp, /Run written to (.+)$/m.exec(base.out)![1]!);
		const child = spawn(
			process.execPath,
			[
				'-r',
				require.resolve('tsx/cjs'),
				path.join(__dirname, 'fixtures', 'cli-child.ts'),
				'train',
				cfg,
				'--resume',
				runDir,
				'--epochs',
				'100000',
				'--backend',
				'cpu',
			],
			{ cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'] },
		);
		try {
			await new Promise<void>((resolve, reject) => {
				let buf = '';
				child.stdout!.on('data', (d: Buffer) => {
					buf += d.toString();
					if (/^epoch\s+\d+\//m.test(buf)) resolve();
				});
				child.on('exit', () => reject(new Error(`child ended early: ${buf}`)));
			});
			const r = await cliIn(tmp, 'train', 'long.model.yaml', '--resume', runDir, '--epochs', '5', '--backend', 'cpu');
			assert.equal(r.code, 1, r.out + r.err);
			assert.match(r.err, new RegExp(`process ${child.pid}`));
		} finally {
			if (child.exitCode === null && child.signalCode === null) {
				const exited = new Promise((r) => child.on('exit', r));
				child.kill('SIGKILL');
				await exited;
			}
		}
		// Killed: its lock is stale, so the next resume takes it over.
		assert.ok(fs.existsSync(path.join(runDir, '.lock')));
		const again = await cliIn(tmp, 'train', 'long.model.yaml', '--resume', runDir, '--epochs', '5', '--backend', 'cpu');
		assert.equal(again.code, 0, again.err);
		assert.equal(readMetrics(runDir).length, 5);
	});

	it('a sweep held by a live process is not resumed (the same lock)', async () => {
		const cfg = path.join(tmp, 'sweep.model.yaml');
		fs.writeFileSync(
			cfg,
			LINEAR('sweep', 'tuning:\n  strategy: grid\n  objective: {metric: val_loss}\n  space:\n    training.batchSize: {choice: [8]}\n'),
		);
		let sweepDir = '';
		const first = await runSweep({ configPath: cfg, backend: 'cpu', workers: 1 }, (e) => {
			if (e.method === 'sweep/started') sweepDir = e.params.sweepDir;
		});
		assert.equal(first.status, 'completed');
		assert.ok(!fs.existsSync(path.join(sweepDir, '.lock')), 'released');
		const s = sleeper();
		try {
			fs.writeFileSync(path.join(sweepDir, '.lock'), JSON.stringify({ pid: s.pid, token: 'x', at: new Date().toISOString() }));
			await assert.rejects(
				runSweep({ configPath: cfg, backend: 'cpu', workers: 1, resume: sweepDir, trials: 2 }),
				new RegExp(`process ${s.pid}`),
			);
		} finally {
			s.kill();
		}
	});

	it('a pid reused by another process is not the holder: its lock is taken over and its run reads as interrupted', async () => {
		const other = sleeper();
		try {
			await new Promise((r) => other.once('spawn', r));
			const pid = other.pid!;
			const start = processStart(pid);
			assert.ok(start, 'this test needs /proc');
			const run = path.join(tmp, 'run');
			fs.mkdirSync(run);
			const lock = (s: string) => fs.writeFileSync(path.join(run, '.lock'), JSON.stringify({ pid, token: 't', at: 'then', start: s }));
			const summary = (s: string) =>
				fs.writeFileSync(
					path.join(run, 'summary.json'),
					JSON.stringify({ id: 'run', name: 'r', status: 'running', pid, pidStart: s, startedAt: 'then', updatedAt: 'then' }),
				);
			// The live process that wrote them: refused, and still running.
			lock(start);
			summary(start);
			assert.throws(() => acquireLock(run, 'run r'), new RegExp(`process ${pid}`));
			assert.equal(lockHolder(run)?.pid, pid);
			assert.equal(readRunSummary(run)!.status, 'running');
			// The same pid, another process (started at another time): the writer is gone.
			lock(`${start}0`);
			summary(`${start}0`);
			assert.equal(lockHolder(run), undefined);
			assert.equal(readRunSummary(run)!.status, 'interrupted');
			const taken = acquireLock(run, 'run r');
			assert.equal(JSON.parse(fs.readFileSync(taken.file, 'utf8')).start, processStart(process.pid));
			taken.release();
		} finally {
			other.kill();
		}
	});

	it("a run recorded by this process's pid but another start (a container's pid 1 after a crash) reads as interrupted", () => {
		const run = path.join(tmp, 'own');
		fs.mkdirSync(run);
		const summary = (start: string) =>
			fs.writeFileSync(
				path.join(run, 'summary.json'),
				JSON.stringify({
					id: 'own',
					name: 'r',
					status: 'running',
					pid: process.pid,
					pidStart: start,
					startedAt: 'then',
					updatedAt: 'then',
				}),
			);
		summary(processStart(process.pid)!);
		assert.equal(readRunSummary(run)!.status, 'running');
		summary('another-boot:1');
		assert.equal(readRunSummary(run)!.status, 'interrupted');
	});
});
