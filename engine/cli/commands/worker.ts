import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError, type Command } from '../command';
import { BACKENDS, type BackendChoice } from '../../runtime/train/backend';
import { redisUrlFrom, redisUrlProblem } from '../../core/tune/distributed';
import { tcli } from '../messages';

function positive(v: string | undefined, name: string): number | undefined {
	if (v === undefined) return undefined;
	const n = Number(v);
	if (!Number.isFinite(n) || n <= 0) throw new UsageError(tcli('positiveNumber', { name, value: v }));
	return n;
}

/** The worker's own folder by default: the user's cache folder, per worker name. */
function defaultDir(name: string): string {
	const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
	return path.join(base, 'modelwright', 'worker', name.replace(/[^A-Za-z0-9_.-]+/g, '-'));
}

export const workerCommand: Command = {
	name: 'worker',
	summary: 'Run trials of sweeps started with `tune --redis` on this machine (distributed sweeps).',
	help: `Usage: modelwright worker --redis URL [options]

Takes trials from the sweeps of a Redis server (started by \`modelwright tune <config> --redis URL\`
on any machine) and runs each as a normal run with this machine's engine. The data travels
through Redis; each trial's run folder goes back to the machine that started the sweep. Start
as many workers as you like, on as many machines; Ctrl+C stops a worker (its running trials go
back to the queue for another worker). Workers run configs, never code: a job is validated like
a local run and may read only its own job folder.

Options:
  --redis URL         redis://[user@]host[:port][/db], or rediss:// for TLS. The password from
                      MODELWRIGHT_REDIS_PASSWORD keeps it out of the command line (and ps).
  --redis-ca FILE     The CA certificate (PEM) for rediss:// (default MODELWRIGHT_REDIS_CA, else Node's CAs).
  --concurrency N     Trials at once, one process each (default: the number of cores, ${os.availableParallelism()} here).
  --name NAME         Shown for each trial it runs (default: <host>-<pid>).
  --backend NAME      ${BACKENDS.join(' | ')} (default: the sweep's --backend, else wasm).
  --dir DIR           The worker's folder: data cache and job folders (default ~/.cache/modelwright/worker/<name>).
  --data-root DIR     Where shared data is mounted here (for sweeps started with tune --shared-data).
  --stall-timeout S   Seconds a silent worker keeps a trial before another worker takes it over (default 30).

Exit codes: 0 stopped, 1 Redis unreachable, 2 usage.`,
	async run(args, io) {
		const { values, positionals } = parseArgs({
			args,
			allowPositionals: true,
			options: {
				redis: { type: 'string' },
				'redis-ca': { type: 'string' },
				concurrency: { type: 'string' },
				name: { type: 'string' },
				backend: { type: 'string' },
				dir: { type: 'string' },
				'data-root': { type: 'string' },
				'stall-timeout': { type: 'string' },
			},
		});
		if (positionals.length) throw new UsageError(tcli('worker.unexpected', { arg: positionals[0]! }));
		if (!values.redis) throw new UsageError(tcli('worker.nameRedis'));
		const url = redisUrlFrom(values.redis, process.env.MODELWRIGHT_REDIS_PASSWORD);
		const problem = redisUrlProblem(url);
		if (problem) throw new UsageError(`--redis: ${problem}.`);
		if (values.backend && !BACKENDS.includes(values.backend as BackendChoice))
			throw new UsageError(tcli('backendOneOf', { name: 'backend', values: BACKENDS.join(', ') }));
		const concurrency = positive(values.concurrency, 'concurrency') ?? os.availableParallelism();
		if (!Number.isInteger(concurrency) || concurrency > 256) throw new UsageError(tcli('worker.concurrency'));
		const name = values.name ?? `${os.hostname()}-${process.pid}`;
		if (!/^[A-Za-z0-9_.@:-]{1,100}$/.test(name)) throw new UsageError(tcli('worker.name'));
		const stall = positive(values['stall-timeout'], 'stall-timeout') ?? 30;
		const { WorkerService } = await import('../../runtime/tune/distributed/worker');
		const ctrl = new AbortController();
		let signals = 0;
		const onSignal = () => {
			if (++signals > 1) {
				io.err(tcli('worker.stopNow'));
				process.exit(130);
			}
			io.err(tcli('worker.stopping'));
			ctrl.abort();
		};
		process.on('SIGINT', onSignal);
		process.on('SIGTERM', onSignal);
		try {
			await new WorkerService({
				redisUrl: url,
				...(values['redis-ca'] ? { redisCa: path.resolve(io.cwd, values['redis-ca']) } : {}),
				name,
				concurrency,
				dir: path.resolve(io.cwd, values.dir ?? defaultDir(name)),
				...(values.backend ? { backend: values.backend as BackendChoice } : {}),
				...(values['data-root'] ? { dataRoot: path.resolve(io.cwd, values['data-root']) } : {}),
				stallTimeoutMs: Math.round(stall * 1000),
				log: (line) => io.out(line),
				signal: ctrl.signal,
			}).run();
		} finally {
			process.off('SIGINT', onSignal);
			process.off('SIGTERM', onSignal);
		}
		return 0;
	},
};
