/**
 * `npm run bench -- distributed`: the same small sweep (a 9-point grid on a CSV table) with 2 local
 * trial processes, with 2 `modelwright worker` processes through a Redis queue on this machine
 * (the queue's overhead), and with 1 → 2 Redis workers (scaling). Starts its own redis-server on
 * a free loopback port. Workers are started before the timing and kept between sweeps, as in
 * use; a local sweep forks its trial processes each time. Also: how fast a data file travels
 * through Redis (hash + store on the coordinator, fetch + check on a worker). Figures, not pass/fail.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import Redis from 'ioredis';
import { runSweep } from '../engine/runtime/tune/sweep';
import { runDistributedSweep } from '../engine/runtime/tune/distributed/coordinator';
import { sweepConfig } from './tune';
import { printTable } from './util';

const ROOT = path.join(__dirname, '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const ROUNDS = Number(process.env.MW_BENCH_ROUNDS ?? 2);

const CONFIG = sweepConfig('bench-dist', '{type: csv, path: spirals.csv}\n  label: label');
const TRIALS = 9;

function spiralsCsv(n: number): string {
	const rows = ['x1,x2,label'];
	let s = 7;
	const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
	for (let i = 0; i < n; i++) {
		const c = i % 2;
		const t = (i / n) * 3 * Math.PI;
		const r = t / (3 * Math.PI);
		const a = t + c * Math.PI;
		rows.push(`${(r * Math.cos(a) + (rnd() - 0.5) * 0.1).toFixed(5)},${(r * Math.sin(a) + (rnd() - 0.5) * 0.1).toFixed(5)},${c}`);
	}
	return `${rows.join('\n')}\n`;
}

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.once('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address() as net.AddressInfo;
			srv.close(() => resolve(port));
		});
	});
}

function startWorker(url: string, name: string, dir: string): Promise<ChildProcess> {
	const child = spawn(
		process.execPath,
		[CLI, 'worker', '--redis', url, '--concurrency', '1', '--name', name, '--dir', path.join(dir, name)],
		{
			stdio: ['ignore', 'pipe', 'inherit'],
		},
	);
	return new Promise((resolve, reject) => {
		let out = '';
		child.stdout!.on('data', (d: Buffer) => {
			out += d.toString();
			if (out.includes(`worker ${name}:`)) resolve(child);
		});
		child.on('exit', (code) => reject(new Error(`worker ${name} exited (${code}): ${out}`)));
	});
}

async function stop(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null) return;
	child.kill('SIGTERM');
	await new Promise((r) => child.once('exit', r));
}

export async function distributedBench(): Promise<void> {
	if (!fs.existsSync('/usr/bin/redis-server') && spawnSync('redis-server', ['--version']).status !== 0) {
		console.log('redis-server not found: skipped (.ci/install-system.sh installs it)');
		return;
	}
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-bench-dist-'));
	const config = path.join(dir, 'bench.model.yaml');
	fs.writeFileSync(config, CONFIG);
	fs.writeFileSync(path.join(dir, 'spirals.csv'), spiralsCsv(400));
	const port = await freePort();
	const url = `redis://127.0.0.1:${port}`;
	const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
		stdio: 'ignore',
	});
	const workers: ChildProcess[] = [];
	const client = new Redis(url, { maxRetriesPerRequest: 1 });
	client.on('error', () => {});
	try {
		for (let i = 0; i < 50 && (await client.ping().catch(() => '')) !== 'PONG'; i++) await new Promise((r) => setTimeout(r, 100));

		const ok = (state: { trials: { status: string; message?: string }[] }) => {
			const bad = state.trials.find((t) => t.status !== 'completed');
			if (bad) throw new Error(`a trial failed: ${bad.message}`);
		};
		let n = 0;
		const local = async () => {
			const t = performance.now();
			ok(await runSweep({ configPath: config, workers: 2, backend: 'wasm', runsDir: path.join(dir, `l${n++}`) }));
			return performance.now() - t;
		};
		const remote = async (slots: number) => {
			const t = performance.now();
			ok(
				await runDistributedSweep(
					{ configPath: config, workers: slots, backend: 'wasm', runsDir: path.join(dir, `r${n++}`) },
					{ redisUrl: url },
				),
			);
			return performance.now() - t;
		};

		workers.push(await startWorker(url, 'w1', dir));
		await remote(1); // warm-up: the worker's trial process starts once
		const best = { local2: Infinity, redis1: Infinity, redis2: Infinity, cold2: Infinity };
		for (let round = 0; round < ROUNDS; round++) best.redis1 = Math.min(best.redis1, await remote(1));
		workers.push(await startWorker(url, 'w2', dir));
		await remote(2);
		for (let round = 0; round < ROUNDS; round++) {
			best.local2 = Math.min(best.local2, await local());
			best.redis2 = Math.min(best.redis2, await remote(2));
		}
		// Cold: two new workers started inside the timing, like a local sweep's trial processes.
		for (let round = 0; round < ROUNDS; round++) {
			await Promise.all(workers.splice(0).map(stop));
			const t = performance.now();
			workers.push(...(await Promise.all([startWorker(url, `c${round}a`, dir), startWorker(url, `c${round}b`, dir)])));
			await remote(2);
			best.cold2 = Math.min(best.cold2, performance.now() - t);
		}
		const perMin = (ms: number) => (TRIALS / (ms / 60_000)).toFixed(1);
		printTable(
			['9-trial grid, 15 epochs, 400-row CSV', 'wall time', 'trials/min'],
			[
				['2 local trial processes (tune)', `${(best.local2 / 1000).toFixed(1)} s`, perMin(best.local2)],
				['1 Redis worker (tune --redis)', `${(best.redis1 / 1000).toFixed(1)} s`, perMin(best.redis1)],
				['2 Redis workers (tune --redis)', `${(best.redis2 / 1000).toFixed(1)} s`, perMin(best.redis2)],
				['2 Redis workers started cold, start-up timed', `${(best.cold2 / 1000).toFixed(1)} s`, perMin(best.cold2)],
			],
		);
		console.log(
			`queue vs local, 2 workers each: ${(best.local2 / best.redis2).toFixed(2)}× trials/min warm, ${(best.local2 / best.cold2).toFixed(2)}× cold; scaling 1 → 2 Redis workers: ${(best.redis1 / best.redis2).toFixed(2)}× (${os.availableParallelism()} cores, all on this machine)`,
		);

		// A data file through Redis: what the coordinator does once per sweep and each worker once per file.
		const body = Buffer.alloc(32 * 1024 * 1024, 'x1,x2,label\n0.1,0.2,1\n');
		const t0 = performance.now();
		const hash = createHash('sha256').update(body).digest('hex');
		await client.set(`modelwright-bench:${hash}`, body);
		const t1 = performance.now();
		const back = await client.getBuffer(`modelwright-bench:${hash}`);
		if (createHash('sha256').update(back!).digest('hex') !== hash) throw new Error('the data came back changed');
		const t2 = performance.now();
		await client.del(`modelwright-bench:${hash}`);
		const mbps = (ms: number) => (32 / (ms / 1000)).toFixed(0);
		console.log(
			`32 MB data file: hash + store ${(t1 - t0).toFixed(0)} ms (${mbps(t1 - t0)} MB/s), fetch + check ${(t2 - t1).toFixed(0)} ms (${mbps(t2 - t1)} MB/s), loopback`,
		);
	} finally {
		client.disconnect();
		await Promise.all(workers.map(stop));
		redis.kill('SIGTERM');
		await new Promise((r) => redis.once('exit', r));
		fs.rmSync(dir, { recursive: true, force: true });
	}
}
