/**
 * `npm run bench -- serve`: `modelwright serve` on the iris example's model, loaded with
 * autocannon from this process while the server runs in its own (the CLI, as users run it).
 * Requests/s, rows/s and p50/p99 latency for 1-row and 100-row requests, with micro-batching
 * (1 ms window) and without (each request its own model call), and the server's CPU time per
 * request (the figure that does not depend on what else runs on the machine).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runJob } from '../engine/runtime/job';
import { printTable } from './util';

interface AutocannonResult {
	requests: { average: number; total: number };
	latency: { p50: number; p99: number; average: number };
	non2xx: number;
	errors: number;
}
// autocannon has no types of its own; this is the part used here.
const autocannon = require('autocannon') as (opts: Record<string, unknown>) => Promise<AutocannonResult>;

const ROOT = path.join(__dirname, '..');
const SECONDS = Number(process.env.MW_BENCH_SECONDS ?? 5);

/**
 * CPU time (user + system, ms) a process has used, from /proc (Linux; undefined elsewhere). Per request
 * it is the server's cost whatever else loads the machine: latency on a shared machine is not.
 */
function cpuMs(pid: number | undefined): number | undefined {
	try {
		const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
		return (Number(f[11]) + Number(f[12])) * (1000 / 100);
	} catch {
		return undefined;
	}
}

async function startCli(runDir: string, window: number): Promise<{ child: ChildProcess; url: string }> {
	const child = spawn(
		process.execPath,
		[path.join(ROOT, 'dist', 'cli.js'), 'serve', runDir, '--port', '0', '--batch-window', String(window)],
		{
			stdio: ['ignore', 'pipe', 'inherit'],
		},
	);
	let out = '';
	const url = await new Promise<string>((resolve, reject) => {
		child.stdout!.on('data', (c: Buffer) => {
			out += c.toString();
			const m = /http:\/\/127\.0\.0\.1:\d+/.exec(out);
			if (m) resolve(m[0]);
		});
		child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
	});
	return { child, url };
}

export async function serveBench(): Promise<void> {
	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-bench-serve-'));
	try {
		const config = path.join(tmp, 'iris.model.yaml');
		fs.writeFileSync(config, fs.readFileSync(path.join(ROOT, 'examples', 'iris.model.yaml'), 'utf8').replace(/\nexport:[\s\S]*$/, '\n'));
		const r = await runJob({ configPath: config }, () => {});
		if (r.status !== 'completed' && r.status !== 'stopped') throw new Error(`training iris failed: ${r.message}`);
		const row = { sepalLength: 5.9, sepalWidth: 3.0, petalLength: 4.2, petalWidth: 1.5 };
		const bodies = { 1: JSON.stringify(row), 100: JSON.stringify({ rows: Array.from({ length: 100 }, () => row) }) };
		const rows: (string | number)[][] = [];
		console.log(`iris MLP, ${SECONDS} s per case, ${os.cpus().length} cores (shared), autocannon in this process, server in its own`);
		for (const window of [1, 0])
			for (const [n, connections] of [
				[1, 32],
				[100, 8],
			] as const) {
				const { child, url } = await startCli(r.runDir!, window);
				try {
					const body = bodies[n];
					// Warm-up (wasm kernels, JIT), then the measured run.
					await autocannon({
						url: `${url}/predict`,
						method: 'POST',
						body,
						headers: { 'content-type': 'application/json' },
						connections,
						duration: 1,
					});
					const cpu0 = cpuMs(child.pid);
					const res = await autocannon({
						url: `${url}/predict`,
						method: 'POST',
						body,
						headers: { 'content-type': 'application/json' },
						connections,
						duration: SECONDS,
					});
					const cpu1 = cpuMs(child.pid);
					const health = (await (await fetch(`${url}/health`)).json()) as { modelCalls: number; requests: number };
					rows.push([
						`${n} row${n === 1 ? '' : 's'}, ${window ? `batching (${window} ms)` : 'no batching'}`,
						connections,
						Math.round(res.requests.average),
						Math.round(res.requests.average * n),
						`${res.latency.p50} ms`,
						`${res.latency.p99} ms`,
						(health.requests / Math.max(1, health.modelCalls)).toFixed(1),
						cpu0 !== undefined && cpu1 !== undefined ? ((cpu1 - cpu0) / Math.max(1, res.requests.total)).toFixed(3) : '—',
						res.non2xx + res.errors,
					]);
				} finally {
					child.kill('SIGTERM');
					await new Promise((resolve) => child.once('exit', resolve));
				}
			}
		printTable(['case', 'conns', 'req/s', 'rows/s', 'p50', 'p99', 'req/call', 'server CPU ms/req', 'errors'], rows);
	} finally {
		fs.rmSync(tmp, { recursive: true, force: true });
	}
}
