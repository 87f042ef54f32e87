/**
 * `modelwright worker`: takes trial jobs from the sweep queues registered in Redis (one BullMQ
 * queue per sweep) and runs each as a local sweep runs a trial — its folds one after another as
 * normal runs in a trial process (engine/runtime/tune/trial.ts), with this machine's engine.
 *
 * A job is data: the worker checks it (protocol version first, core/tune/distributed.ts), writes
 * the config and the data files into a job folder of its own (`<dir>/jobs/…`, the only folder
 * the run may read: the path policy's root), validates the config there exactly as a local run
 * does, and sends back the run folders, packed, with the scores. Intermediate values go out as
 * job progress; the coordinator decides pruning and sets a cancel flag the worker polls.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import Redis from 'ioredis';
import {
	QUEUE_PREFIX,
	SWEEPS_KEY,
	TRIAL_PROTOCOL,
	WORKERS_KEY,
	redactRedisUrl,
	safeRelativePath,
	sweepKeys,
	trialJobProblem,
	workerKey,
	type CancelRequest,
	type JobAttempt,
	type JobRun,
	type TrialJobData,
	type TrialJobProgress,
	type TrialJobResult,
} from '../../../core/tune/distributed';
import { applyParams } from '../../../core/tune/apply';
import type { Params } from '../../../core/tune/space';
import type { BackendChoice } from '../../train/backend';
import { TrialProcess, TrialRun, workerEntry, type TrialOutcome, type WorkerEntry } from '../trial';
import { DataCache, placeJobData } from './data';
import { packRun } from './pack';
import { connectRedis, redisErrorReason, redisTls } from './redis';
import { statusText, tr } from '../../messages';

export interface WorkerServiceOptions {
	redisUrl: string;
	/** The CA file for a rediss:// URL (else MODELWRIGHT_REDIS_CA, else Node's CAs). */
	redisCa?: string;
	/** Shown in the sweep state and the trials panel (default: host name and process id). */
	name: string;
	/** Trials at once (one trial process each). */
	concurrency: number;
	/** The worker's own folder: `cache/` (data by hash) and `jobs/` (one folder per running trial). */
	dir: string;
	/** This worker's engine (default: the sweep's --backend, else wasm). */
	backend?: BackendChoice;
	/** Where shared data files are mounted on this machine (tune --shared-data on the coordinator). */
	dataRoot?: string;
	/** How long a trial's lock lasts without renewal: a worker silent that long (killed, frozen) loses its trial to another. */
	stallTimeoutMs: number;
	log: (line: string) => void;
	/** Trial-process script (tests run the TypeScript source). */
	workerScript?: string;
	signal?: AbortSignal;
}

/** A sweep queue this worker serves. */
interface Served {
	queue: string;
	name: string;
	worker: Worker<TrialJobData, TrialJobResult>;
	/** The worker's own connection (BullMQ leaves a connection it was given open). */
	connection: Redis;
	active: number;
	/** When the queue was last seen busy or its coordinator alive. */
	seen: number;
}

const VERSION = process.env.MODELWRIGHT_VERSION ?? '0.1.0';
/** A sweep whose coordinator has been silent this long, with no job left, is no longer served. */
const IDLE_MS = 60_000;

export class WorkerService {
	private admin!: Redis;
	private readonly served = new Map<string, Served>();
	private readonly refused = new Set<string>();
	private readonly idle: TrialProcess[] = [];
	private readonly runs = new Set<TrialRun>();
	private readonly entry: WorkerEntry;
	private readonly cache: DataCache;
	private free: number;
	private readonly slotWaiters: (() => void)[] = [];
	private stopping = false;
	private lostRedis = false;
	private timers: NodeJS.Timeout[] = [];

	constructor(private readonly o: WorkerServiceOptions) {
		this.entry = workerEntry(o.workerScript);
		this.cache = new DataCache(path.join(o.dir, 'cache'), o.dataRoot);
		this.free = o.concurrency;
	}

	/** Serves until the signal aborts; then stops taking jobs and returns the running trials to the queue. */
	async run(): Promise<void> {
		const { o } = this;
		this.admin = await connectRedis(o.redisUrl, { name: `modelwright-worker-${o.name}`, ...(o.redisCa ? { ca: o.redisCa } : {}) });
		fs.mkdirSync(path.join(o.dir, 'jobs'), { recursive: true });
		o.log(
			tr('worker.started', {
				name: o.name,
				version: VERSION,
				protocol: TRIAL_PROTOCOL,
				concurrency: o.concurrency === 1 ? tr('worker.trials.one') : tr('worker.trials.many', { n: o.concurrency }),
				redis: redactRedisUrl(o.redisUrl),
				dir: o.dir,
			}),
		);
		await this.heartbeat();
		await this.discover();
		this.timers.push(
			setInterval(() => void this.heartbeat(), 2000),
			setInterval(() => void this.discover(), 1000),
		);
		await new Promise<void>((resolve) => {
			if (o.signal?.aborted) resolve();
			o.signal?.addEventListener('abort', () => resolve(), { once: true });
		});
		await this.shutdown();
	}

	private async shutdown(): Promise<void> {
		this.stopping = true;
		for (const t of this.timers) clearInterval(t);
		const busy = this.runs.size;
		if (busy) this.o.log(busy === 1 ? tr('worker.stoppingBusy.one') : tr('worker.stoppingBusy.many', { n: busy }));
		for (const r of this.runs) r.stop();
		await Promise.all([...this.served.values()].map((s) => this.unserve(s)));
		for (const p of this.idle) p.dispose();
		try {
			await this.admin.zrem(WORKERS_KEY, this.o.name);
			await this.admin.del(workerKey(this.o.name));
		} catch {
			/* Redis may be gone */
		}
		this.admin.disconnect();
		this.o.log(tr('worker.stopped', { name: this.o.name }));
	}

	private async heartbeat(): Promise<void> {
		const { o } = this;
		try {
			await this.admin
				.multi()
				.zadd(WORKERS_KEY, String(Date.now()), o.name)
				.hset(workerKey(o.name), {
					concurrency: String(o.concurrency),
					host: os.hostname(),
					pid: String(process.pid),
					protocol: String(TRIAL_PROTOCOL),
					version: VERSION,
					busy: String(o.concurrency - this.free),
				})
				.expire(workerKey(o.name), 30)
				.exec();
			if (this.lostRedis) o.log(tr('worker.redisBack'));
			this.lostRedis = false;
		} catch (err) {
			if (!this.lostRedis) o.log(tr('worker.redisLost', { redis: redactRedisUrl(o.redisUrl), reason: redisErrorReason(err) }));
			this.lostRedis = true;
		}
	}

	/** Serves the sweeps registered in Redis that speak this worker's protocol; stops serving finished or abandoned ones. */
	private async discover(): Promise<void> {
		if (this.stopping || this.lostRedis) return;
		try {
			const entries = await this.admin.zrange(SWEEPS_KEY, '0', '-1', 'WITHSCORES');
			const live = new Map<string, number>();
			for (let i = 0; i + 1 < entries.length; i += 2) live.set(entries[i]!, Number(entries[i + 1]));
			for (const [queue, beat] of live) {
				const fresh = Date.now() - beat < IDLE_MS;
				const s = this.served.get(queue);
				if (s) {
					if (fresh || s.active || (await this.hasJobs(queue))) s.seen = Date.now();
					continue;
				}
				if (this.refused.has(queue)) continue;
				const meta = await this.admin.hgetall(sweepKeys(queue).meta);
				if (!meta.protocol) continue;
				if (Number(meta.protocol) !== TRIAL_PROTOCOL) {
					this.refused.add(queue);
					this.o.log(
						tr('worker.refusing', {
							name: meta.name ?? queue,
							queue,
							protocol: meta.protocol,
							version: meta.version ?? '?',
							ownProtocol: TRIAL_PROTOCOL,
							ownVersion: VERSION,
						}),
					);
					continue;
				}
				if (!fresh && !(await this.hasJobs(queue))) continue;
				this.serve(queue, meta.name ?? queue);
			}
			for (const s of [...this.served.values()])
				if (!s.active && (!live.has(s.queue) || Date.now() - s.seen > IDLE_MS)) {
					this.served.delete(s.queue);
					this.o.log(tr('worker.noLonger', { name: s.name, why: tr(live.has(s.queue) ? 'worker.coordinatorGone' : 'worker.ended') }));
					void this.unserve(s, !live.has(s.queue));
				}
		} catch (err) {
			this.o.log(tr('worker.registry', { reason: redisErrorReason(err) }));
		}
	}

	private async unserve(s: Served, ended = false): Promise<void> {
		await s.worker.close().catch(() => {});
		s.connection.disconnect();
		// The keys a BullMQ worker writes while it serves, left behind after the coordinator cleared an ended sweep.
		if (ended) await this.admin.del(`${QUEUE_PREFIX}:${s.queue}:meta`, `${QUEUE_PREFIX}:${s.queue}:stalled-check`).catch(() => {});
	}

	private async hasJobs(queue: string): Promise<boolean> {
		const q = new Queue(queue, { connection: this.admin, prefix: QUEUE_PREFIX });
		try {
			const c = await q.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'wait');
			return Object.values(c).some((n) => n > 0);
		} finally {
			await q.close().catch(() => {});
		}
	}

	private serve(queue: string, name: string): void {
		const { o } = this;
		const connection = new Redis(o.redisUrl, {
			maxRetriesPerRequest: null,
			connectionName: `modelwright-worker-${o.name}`,
			...redisTls(o.redisUrl, o.redisCa),
		});
		connection.on('error', () => {});
		const worker = new Worker<TrialJobData, TrialJobResult>(queue, (job) => this.process(queue, job), {
			connection,
			prefix: QUEUE_PREFIX,
			concurrency: o.concurrency,
			name: o.name,
			lockDuration: o.stallTimeoutMs,
			stalledInterval: Math.max(1000, Math.min(30_000, o.stallTimeoutMs)),
			maxStalledCount: 2,
			drainDelay: 2,
		});
		worker.on('error', () => {});
		const s: Served = { queue, name, worker, connection, active: 0, seen: Date.now() };
		this.served.set(queue, s);
		o.log(tr('worker.serving', { name, queue }));
	}

	/** Waits for a free trial slot (several sweeps share this worker's concurrency). */
	private async acquire(s: Served): Promise<void> {
		while (this.free <= 0) await new Promise<void>((r) => this.slotWaiters.push(r));
		this.free--;
		s.active++;
		this.balance();
	}

	private release(s: Served): void {
		this.free++;
		s.active--;
		this.balance();
		this.slotWaiters.shift()?.();
	}

	/** Lets each sweep's BullMQ worker fetch only as many jobs as there are free slots (at least one). */
	private balance(): void {
		for (const s of this.served.values()) {
			const want = Math.max(1, Math.min(this.o.concurrency, s.active + this.free));
			if (s.worker.concurrency !== want) s.worker.concurrency = want;
		}
	}

	private async process(queue: string, job: Job<TrialJobData, TrialJobResult>): Promise<TrialJobResult> {
		const { o } = this;
		const problem = trialJobProblem(job.data);
		if (problem) {
			o.log(tr('worker.refusedJob', { job: String(job.id), queue, problem }));
			throw new UnrecoverableError(`worker ${o.name} refused the job: ${problem}`);
		}
		if (this.stopping) throw new Error(`worker ${o.name} is stopping`);
		const s = this.served.get(queue);
		if (!s) throw new Error(`worker ${o.name} no longer serves ${queue}`);
		await this.acquire(s);
		try {
			return await this.runTrial(queue, job);
		} finally {
			this.release(s);
		}
	}

	private async runTrial(queue: string, job: Job<TrialJobData, TrialJobResult>): Promise<TrialJobResult> {
		const { o } = this;
		const d = job.data;
		const keys = sweepKeys(queue);
		const jobId = String(job.id);
		const attempt = job.attemptsStarted;
		const startedAt = new Date().toISOString();
		const began = Date.now();
		const label = tr('worker.trial', { n: d.trial, sweep: d.sweep.name });
		const entry: JobAttempt = { worker: o.name, attempt, startedAt };
		await this.admin
			.multi()
			.rpush(keys.attempts(jobId), JSON.stringify(entry))
			.expire(keys.attempts(jobId), 7 * 24 * 3600)
			.exec();
		const result = (status: TrialJobResult['status'], extra: Partial<TrialJobResult> = {}): TrialJobResult => ({
			protocol: TRIAL_PROTOCOL,
			worker: o.name,
			attempt,
			status,
			foldScores: [],
			intermediate: [],
			runs: [],
			durationMs: Date.now() - began,
			...extra,
		});
		const early = await this.cancelRequest(keys.cancel(jobId));
		if (early?.kind === 'stop') return result('stopped', { message: 'stopped' });
		o.log(tr('worker.trialStarted', { trial: label, attempt, job: jobId }));

		// The job folder: `work/` holds the config and its data (the only folder the run may read),
		// `runs/` the run folders (sent back, then removed with the rest).
		const jobDir = path.join(
			o.dir,
			'jobs',
			`${queue}-${jobId.replace(/[^A-Za-z0-9_.-]+/g, '-')}-${attempt}-${randomBytes(3).toString('hex')}`,
		);
		const work = path.join(jobDir, 'work');
		const runsDir = path.join(jobDir, 'runs');
		fs.mkdirSync(work, { recursive: true });
		let proc: TrialProcess | undefined;
		let poll: NodeJS.Timeout | undefined;
		try {
			for (const f of d.data) await placeJobData(f, work, (g) => this.cache.get(g, this.admin, keys.data));
			const configPath = path.join(work, ...safeRelativePath(d.configPath)!);
			fs.mkdirSync(path.dirname(configPath), { recursive: true });
			fs.writeFileSync(configPath, d.text);
			const override: Params = d.dataPath ? { 'data.source.path': d.dataPath } : {};
			proc = this.idle.pop();
			if (!proc || proc.dead) proc = new TrialProcess(this.entry, { detached: true, parallel: this.o.concurrency });
			const outcome: TrialOutcome = { status: 'running', runDirs: [], foldScores: [], intermediate: [] };
			const progress = new ProgressSender(job, { worker: o.name, attempt, startedAt, intermediate: outcome.intermediate });
			let seq = 0;
			const run = new TrialRun(
				proc,
				{
					textFor: (name) => applyParams(d.text, { ...d.params, name, ...override }),
					configPath,
					runsDir,
					workspaceRoot: work,
					backend: o.backend ?? d.backend,
					name: d.name,
					folds: d.folds,
					metric: d.metric,
					sign: d.direction === 'maximize' ? -1 : 1,
				},
				{ nextId: () => ++seq, onEpoch: (e) => void progress.send(e) },
			);
			this.runs.add(run);
			void progress.send();
			poll = setInterval(() => {
				void this.cancelRequest(keys.cancel(jobId)).then((c) => {
					if (c?.kind === 'prune') run.prune(c.message, c.epoch);
					else if (c?.kind === 'stop') run.stop();
				});
			}, 200);
			try {
				await run.run(outcome);
			} finally {
				this.runs.delete(run);
				clearInterval(poll);
			}
			await progress.flush();
			// Stopped by this worker's own shutdown: the job goes back to the queue for another worker.
			if (outcome.status === 'queued' && this.stopping) throw new Error(`worker ${o.name} stopped while running the trial`);
			const runs: JobRun[] = [];
			let status: TrialJobResult['status'] = outcome.status === 'queued' ? 'stopped' : (outcome.status as TrialJobResult['status']);
			let message = outcome.message;
			for (const [fold, dir] of outcome.runDirs.entries()) {
				let packed: Buffer;
				try {
					packed = packRun(dir, d.maxResultBytes);
				} catch (err) {
					status = 'failed';
					message = `its run folder cannot be sent back: ${err instanceof Error ? err.message : String(err)}`;
					break;
				}
				const key = keys.result(jobId, attempt, fold);
				await this.admin.set(key, packed, 'EX', 7 * 24 * 3600);
				runs.push({ name: path.basename(dir), key, bytes: packed.length, ...(d.dataPath ? { dataPath: d.dataPath } : {}) });
			}
			o.log(
				message && message !== status
					? tr('worker.trialEndedWhy', { trial: label, status: statusText(status), message })
					: tr('worker.trialEnded', { trial: label, status: statusText(status) }),
			);
			return result(status, {
				...(message ? { message } : {}),
				foldScores: outcome.foldScores,
				intermediate: outcome.intermediate,
				runs,
			});
		} catch (err) {
			o.log(tr('worker.couldNotRun', { trial: label, message: err instanceof Error ? err.message : String(err) }));
			throw err;
		} finally {
			if (proc && !proc.dead && !this.stopping) this.idle.push(proc);
			else proc?.dispose();
			fs.rmSync(jobDir, { recursive: true, force: true });
		}
	}

	private async cancelRequest(key: string): Promise<CancelRequest | undefined> {
		try {
			const v = await this.admin.get(key);
			return v ? (JSON.parse(v) as CancelRequest) : undefined;
		} catch {
			return undefined;
		}
	}
}

/** Job progress, at most one update in flight: the latest epoch wins, the first fold's curve is cumulative. */
class ProgressSender {
	private inFlight: Promise<void> | undefined;
	private dirty = false;
	private last: TrialJobProgress['last'];

	constructor(
		private readonly job: Job<TrialJobData, TrialJobResult>,
		private readonly base: Omit<TrialJobProgress, 'last'>,
	) {}

	send(e?: { fold: number; epoch: number; logs: Record<string, number>; value?: number }): Promise<void> {
		if (e) this.last = e;
		this.dirty = true;
		// After the current event is handled: the trial run adds the epoch's value to the curve right after announcing it.
		if (!this.inFlight) this.inFlight = Promise.resolve().then(() => this.pump());
		return this.inFlight;
	}

	private async pump(): Promise<void> {
		while (this.dirty) {
			this.dirty = false;
			const p: TrialJobProgress = { ...this.base, intermediate: [...this.base.intermediate], ...(this.last ? { last: this.last } : {}) };
			try {
				await this.job.updateProgress(p);
			} catch {
				/* Redis away: the result carries everything */
			}
		}
		this.inFlight = undefined;
	}

	async flush(): Promise<void> {
		await this.inFlight;
	}
}
