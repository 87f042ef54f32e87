/**
 * `modelwright tune --redis URL`: the sweep as on one machine (engine/runtime/tune/sweep.ts: the
 * search, pruning, sweep.json, the live table), with its trials put on a BullMQ queue of its own
 * instead of local trial processes. Any `modelwright worker` connected to the same Redis runs
 * them (distributed/worker.ts).
 *
 * - Data files travel in Redis by content hash (distributed/data.ts).
 * - Each trial's run folders come back packed and are written into `<sweep>/trials/` here, so
 *   the panel and `runs` see remote trials like local ones.
 * - Intermediate values come back as job progress: pruning is decided here, and the worker is
 *   told through a cancel flag it polls.
 * - sweep.json records each trial's job id and worker: `--resume` reattaches to jobs still on the
 *   queue, collects those that finished meanwhile, and re-runs none of them.
 * - A worker killed mid-trial loses its lock; BullMQ's stalled check gives the job to another
 *   worker, and the trial records every start (`attempts`).
 * - Redis unreachable for longer than `lostAfterMs`: the sweep ends interrupted with a clear
 *   error; nothing recorded is lost, and `--resume` completes it once Redis is back.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Job, Queue } from 'bullmq';
import type Redis from 'ioredis';
import {
	DEFAULT_MAX_DATA_MB,
	DEFAULT_MAX_RESULT_MB,
	QUEUE_PREFIX,
	SWEEPS_KEY,
	TRIAL_PROTOCOL,
	WORKERS_KEY,
	queueName,
	redactRedisUrl,
	sweepKeys,
	workerKey,
	type CancelRequest,
	type JobAttempt,
	type SweepMeta,
	type TrialJobData,
	type TrialJobProgress,
	type TrialJobResult,
} from '../../../core/tune/distributed';
import type { SweepEvent, SweepState, TrialAttempt, TrialRecord } from '../../../core/tune/protocol';
import { bestIntermediate } from '../../../core/tune/pruning';
import { validateConfig } from '../../../io/probe';
import { createRunDir } from '../../../io/store';
import { readJson, writeAtomic, writeJson } from '../../../io/fsutil';
import { MODEL_CARD_FILE } from '../../export/card';
import { Sweep, type RunningTrial, type SweepOptions, type TrialExecutor } from '../sweep';
import { DataTransferError, SweepData } from './data';
import { PackError, readPack, writePackedFiles } from './pack';
import { RedisUnavailableError, connectRedis, redisErrorReason, withTimeout } from './redis';
import { tr } from '../../messages';

export interface DistributedOptions {
	redisUrl: string;
	/** The CA file for a rediss:// URL (else MODELWRIGHT_REDIS_CA, else Node's CAs). */
	redisCa?: string;
	/** The largest data file sent through Redis (default 100 MB). */
	maxDataBytes?: number;
	/** The largest run folder a worker sends back (default 256 MB). */
	maxResultBytes?: number;
	/** Data under this folder is read by the workers from their --data-root instead of Redis. */
	sharedData?: string;
	/** How often in-flight jobs are checked (ms). */
	pollMs?: number;
	/** How long Redis may be unreachable before the sweep ends interrupted (ms). */
	lostAfterMs?: number;
	/** How long a stopping sweep waits for its running trials to stop (ms). */
	stopWaitMs?: number;
}

const KEEP_SECONDS = 7 * 24 * 3600;

/**
 * Runs the sweep of `opts` on the Redis queue at `d.redisUrl`. Redis is reached before anything
 * is written: an unreachable Redis is a clear error and no sweep folder.
 */
export async function runDistributedSweep(
	opts: SweepOptions,
	d: DistributedOptions,
	emit: (e: SweepEvent) => void = () => {},
): Promise<SweepState> {
	const redis = await connectRedis(d.redisUrl, { name: 'modelwright-coordinator', ...(d.redisCa ? { ca: d.redisCa } : {}) });
	try {
		// Parallel trials, unless the command line or the config says: what the connected workers offer now.
		const slots = await liveWorkerSlots(redis);
		const sweep = Sweep.open({ ...opts, ...(slots > 0 ? { defaultWorkers: slots } : {}) }, emit);
		const prior = sweep.state.distributed;
		sweep.state.distributed = {
			queue: prior?.queue ?? queueName(sweep.state.id, randomBytes(4).toString('hex')),
			redis: redactRedisUrl(d.redisUrl),
			protocol: TRIAL_PROTOCOL,
		};
		return await sweep.run(new Coordinator(redis, d, sweep.state.distributed.queue));
	} finally {
		redis.disconnect();
	}
}

/** The trial slots of the workers that sent a heartbeat in the last 10 s. */
export async function liveWorkerSlots(redis: Redis): Promise<number> {
	const names = await redis.zrangebyscore(WORKERS_KEY, String(Date.now() - 10_000), '+inf');
	let slots = 0;
	for (const n of names) slots += Number((await redis.hget(workerKey(n), 'concurrency')) ?? 0) || 0;
	return slots;
}

/** A trial on the queue, as the coordinator follows it. */
interface Flight {
	t: RunningTrial;
	jobId: string;
	/** The start (worker, attempt) seen last in the job's progress. */
	worker?: string;
	attempt?: number;
	/** First-fold values already passed to the pruner and the listeners. */
	fed: number;
	best?: number;
	/** The epoch pruning was decided at (the cancel flag is set). */
	prunedAt?: number;
	lastEpoch?: string;
}

class RedisLost extends Error {}

export class Coordinator implements TrialExecutor {
	private sweep!: Sweep;
	private readonly queue: Queue<TrialJobData, TrialJobResult>;
	private readonly keys: ReturnType<typeof sweepKeys>;
	private data!: SweepData;
	private readonly inflight = new Map<number, Flight>();
	private stopping = false;
	private wakeSleep: (() => void) | undefined;
	private lostSince: number | undefined;
	private lostReason = '';
	private readonly opts: Required<Omit<DistributedOptions, 'sharedData' | 'redisCa'>> & Pick<DistributedOptions, 'sharedData' | 'redisCa'>;

	constructor(
		private readonly redis: Redis,
		d: DistributedOptions,
		private readonly queueName: string,
	) {
		this.opts = {
			maxDataBytes: DEFAULT_MAX_DATA_MB * 1024 * 1024,
			maxResultBytes: DEFAULT_MAX_RESULT_MB * 1024 * 1024,
			pollMs: 200,
			lostAfterMs: 15_000,
			stopWaitMs: 15_000,
			...d,
		};
		this.queue = new Queue<TrialJobData, TrialJobResult>(queueName, { connection: redis, prefix: QUEUE_PREFIX });
		this.queue.on('error', () => {});
		this.keys = sweepKeys(queueName);
	}

	stop(): void {
		this.stopping = true;
		this.wakeSleep?.();
	}

	async run(sweep: Sweep): Promise<void> {
		this.sweep = sweep;
		this.data = new SweepData(this.redis, this.keys.data, {
			maxBytes: this.opts.maxDataBytes,
			...(this.opts.sharedData ? { sharedDir: this.opts.sharedData } : {}),
		});
		await this.register();
		// The heartbeat registers the whole entry: a Redis restarted without persistence gets it back.
		const beat = setInterval(() => void this.register().catch(() => {}), 2000);
		let finished = false;
		try {
			for (;;) {
				try {
					if (this.stopping) {
						await this.stopInFlight();
						break;
					}
					let more = true;
					while (this.inflight.size < (this.sweep.state.workers ?? this.sweep.config.workers) && !this.stopping) {
						const t = this.sweep.next();
						if (t === undefined) more = false;
						if (t === undefined || t === 'wait') break;
						await this.dispatch(t);
					}
					if (!more && this.inflight.size === 0) {
						finished = true;
						break;
					}
					await this.poll();
					this.lostSince = undefined;
				} catch (err) {
					if (!(await this.isRedisError(err))) throw err;
					this.lostSince ??= Date.now();
					this.lostReason = redisErrorReason(err);
					if (Date.now() - this.lostSince > this.opts.lostAfterMs) throw this.lostError();
				}
				await this.sleep(this.lostSince === undefined ? this.opts.pollMs : 1000);
			}
		} finally {
			clearInterval(beat);
		}
		if (finished) await this.cleanup().catch(() => {});
		await this.queue.close().catch(() => {});
	}

	private lostError(): RedisUnavailableError {
		const s = this.sweep;
		return new RedisUnavailableError(
			`lost Redis at ${redactRedisUrl(s.state.distributed?.redis ?? '')} (${this.lostReason}) for more than ${Math.round(this.opts.lostAfterMs / 1000)} s: the sweep is interrupted. Its finished trials are kept in ${s.dir}; once Redis is back, \`modelwright tune ${s.config.configPath} --redis <url> --resume ${s.dir}\` completes it without re-running them.`,
		);
	}

	/** Whether `err` comes from Redis being unreachable (then the loop waits for it), not from the sweep itself. */
	private async isRedisError(err: unknown): Promise<boolean> {
		if (err instanceof RedisLost) return true;
		if (err instanceof DataTransferError || err instanceof PackError) return false;
		try {
			await withTimeout(this.redis.ping(), 3000);
			return false;
		} catch {
			return true;
		}
	}

	private sleep(ms: number): Promise<void> {
		return new Promise((resolve) => {
			const timer = setTimeout(() => {
				this.wakeSleep = undefined;
				resolve();
			}, ms);
			this.wakeSleep = () => {
				clearTimeout(timer);
				this.wakeSleep = undefined;
				resolve();
			};
		});
	}

	/** Announces the sweep queue to the workers (again after a Redis restart lost it). */
	private async register(): Promise<void> {
		const s = this.sweep.state;
		const meta: SweepMeta = {
			protocol: TRIAL_PROTOCOL,
			version: process.env.MODELWRIGHT_VERSION ?? '0.1.0',
			id: s.id,
			name: s.name,
			host: os.hostname(),
			startedAt: s.startedAt,
		};
		await this.redis
			.multi()
			.hset(this.keys.meta, Object.fromEntries(Object.entries(meta).map(([k, v]) => [k, String(v)])))
			.expire(this.keys.meta, KEEP_SECONDS)
			.zadd(SWEEPS_KEY, String(Date.now()), this.queueName)
			.exec();
	}

	/** Puts trial `t` on the queue, or on resume reattaches it to its job (collecting it if it finished meanwhile). */
	private async dispatch(t: TrialRecord): Promise<void> {
		const { sweep } = this;
		if (t.job) {
			const state = await this.queue.getJobState(t.job);
			const job = state === 'unknown' ? undefined : await Job.fromId<TrialJobData, TrialJobResult>(this.queue, t.job);
			if (job && state === 'completed' && job.returnvalue?.status !== 'stopped') {
				// Finished while no coordinator followed it: collected now, not run again.
				const f = this.track(t, t.job, false);
				await this.collect(f, job);
				return;
			}
			if (job && state === 'failed') {
				const f = this.track(t, t.job, false);
				await this.fail(f, job.failedReason);
				return;
			}
			if (job && ['active', 'waiting', 'delayed', 'prioritized', 'waiting-children'].includes(state)) {
				// Still on the queue or running: followed again; a stop asked for earlier no longer applies.
				await this.redis.del(this.keys.cancel(t.job));
				this.track(t, t.job);
				return;
			}
		}
		const gen = t.job ? Number(/-(\d+)$/.exec(t.job)?.[1] ?? 0) + 1 : 1;
		const jobId = `t${t.number}-${gen}`;
		const name = sweep.trialName(t.number);
		const c = sweep.config;
		// The same validation as a local run, here before anything is sent: a config a trial's values
		// make invalid fails that trial, as it would on a local worker.
		const v = validateConfig(c.configPath, sweep.trialText(t.params, name), {
			root: c.root,
			allowOutside: sweep.options.allowOutside,
		});
		if (!v.ok || !v.resolved) {
			const errors = v.diagnostics.filter((x) => x.severity === 'error');
			const f = this.track(t, jobId);
			f.t.status = 'failed';
			f.t.message = `the config has ${errors.length} error${errors.length === 1 ? '' : 's'}: ${errors
				.map((e) => e.message)
				.slice(0, 3)
				.join('; ')}`;
			this.inflight.delete(t.number);
			sweep.endTrial(f.t, 0);
			return;
		}
		const layout = await this.data.layout(v.resolved.data.source, c.configPath, v.policy);
		const data: TrialJobData = {
			protocol: TRIAL_PROTOCOL,
			sweep: { id: sweep.state.id, name: sweep.state.name },
			trial: t.number,
			params: t.params,
			name,
			text: c.text,
			configPath: layout.configPath,
			...(layout.dataPath ? { dataPath: layout.dataPath } : {}),
			folds: c.folds,
			metric: c.metric,
			direction: c.direction,
			...(sweep.options.backend ? { backend: sweep.options.backend } : {}),
			data: layout.files,
			maxResultBytes: this.opts.maxResultBytes,
		};
		// Recorded before the job exists: a coordinator killed right after adding it finds it on resume.
		t.job = jobId;
		const f = this.track(t, jobId);
		void f;
		await this.queue.add('trial', data, {
			jobId,
			attempts: 3,
			backoff: { type: 'fixed', delay: 1000 },
			removeOnComplete: false,
			removeOnFail: false,
		});
	}

	/** Marks `t` in flight (running: on the queue or on a worker) and follows its job; `announce`: says so to the listeners. */
	private track(t: TrialRecord, jobId: string, announce = true): Flight {
		t.job = jobId;
		const r: RunningTrial = announce
			? this.sweep.startTrial(t, {})
			: Object.assign(t, { status: 'running' as const, runDirs: [], foldScores: [], intermediate: [] });
		const f: Flight = { t: r, jobId, fed: 0 };
		this.inflight.set(t.number, f);
		return f;
	}

	/** Checks every trial in flight: progress (pruning, the live table), completion, failure. */
	private async poll(whileStopping = false): Promise<void> {
		for (const f of [...this.inflight.values()]) {
			if (this.stopping && !whileStopping) return;
			// The state first: a job read before it completes would lack the result its state then promises.
			const state = await withTimeout(this.queue.getJobState(f.jobId), 5000).catch((err: unknown) => {
				throw new RedisLost(redisErrorReason(err));
			});
			const job = state === 'unknown' ? undefined : await Job.fromId<TrialJobData, TrialJobResult>(this.queue, f.jobId);
			if (!job) {
				// Gone from Redis (restarted without persistence, or removed): sent again, data included.
				this.data.forgetStored();
				await this.register();
				this.inflight.delete(f.t.number);
				f.t.status = 'queued';
				delete f.t.worker;
				this.sweep.save();
				continue;
			}
			const p = job.progress as TrialJobProgress | number | undefined;
			if (p && typeof p === 'object' && typeof p.worker === 'string') await this.progress(f, p);
			if (state === 'completed') await this.collect(f, job);
			else if (state === 'failed') await this.fail(f, job.failedReason);
		}
	}

	/** A trial's progress: a (new) start on a worker, new first-fold values for the pruner, the latest epoch. */
	private async progress(f: Flight, p: TrialJobProgress): Promise<void> {
		const { sweep } = this;
		const { t } = f;
		if (p.worker !== f.worker || p.attempt !== f.attempt) {
			// A retry after a lost worker reports its epochs from the start again.
			if (f.worker !== undefined) {
				t.intermediate = [];
				f.fed = 0;
				f.best = undefined;
			}
			f.worker = p.worker;
			f.attempt = p.attempt;
			t.worker = p.worker;
			sweep.save();
			sweep.emitEvent({
				method: 'sweep/trialStarted',
				params: { number: t.number, params: t.params, worker: p.worker, attempt: p.attempt },
			});
		}
		const c = sweep.config;
		const sign = sweep.direction;
		while (f.prunedAt === undefined && f.fed < p.intermediate.length) {
			const value = p.intermediate[f.fed]!;
			const epoch = ++f.fed;
			if (Number.isFinite(value)) f.best = f.best === undefined ? value : sign > 0 ? Math.min(f.best, value) : Math.max(f.best, value);
			const logs = p.last && p.last.fold === 0 && p.last.epoch === epoch ? p.last.logs : { [c.metric]: value };
			sweep.emitEpoch(t.number, { fold: 0, epoch, logs, value });
			t.intermediate.push(value);
			if (sweep.reportPrune(t.number, epoch, sign * (f.best ?? value))) {
				f.prunedAt = epoch;
				const cancel: CancelRequest = { kind: 'prune', message: tr('tune.prunedAt', { epoch, rule: c.tuning.pruning.type }), epoch };
				await this.redis.set(this.keys.cancel(f.jobId), JSON.stringify(cancel), 'EX', KEEP_SECONDS);
			}
		}
		const last = p.last && p.last.fold > 0 ? `${p.last.fold}/${p.last.epoch}` : undefined;
		if (p.last && last && last !== f.lastEpoch && f.prunedAt === undefined) {
			f.lastEpoch = last;
			sweep.emitEpoch(t.number, { ...p.last });
		}
	}

	/** Every start of a job on a worker; the one that produced `res` is the recorded one, earlier ones were lost. */
	private async attempts(
		f: Flight,
		res?: { worker: string; attempt: number },
		failed: TrialAttempt['outcome'] = 'failed',
	): Promise<TrialAttempt[]> {
		const raw = await this.redis.lrange(this.keys.attempts(f.jobId), 0, -1);
		const all = raw.map((x) => JSON.parse(x) as JobAttempt);
		return all.map((a) => ({
			worker: a.worker,
			startedAt: a.startedAt,
			outcome: !res ? failed : a.worker === res.worker && a.attempt === res.attempt ? 'recorded' : 'lost',
		}));
	}

	/** A finished job: its run folders written into the sweep's trials/, its scores recorded once. */
	private async collect(f: Flight, job: Job<TrialJobData, TrialJobResult>): Promise<void> {
		const { sweep } = this;
		const { t } = f;
		const res = job.returnvalue;
		if (!res || res.protocol !== TRIAL_PROTOCOL || !Array.isArray(res.runs) || !Array.isArray(res.foldScores)) {
			await this.fail(f, `the worker's result is not of trial protocol ${TRIAL_PROTOCOL}`);
			return;
		}
		if (res.status === 'stopped') {
			// Stopped by this sweep: the trial runs again on resume (as a new job).
			this.inflight.delete(t.number);
			t.status = 'queued';
			t.message = 'stopped';
			sweep.save();
			return;
		}
		t.runDirs = [];
		let lost: string | undefined;
		const c = sweep.config;
		const trialsDir = path.join(sweep.dir, 'trials');
		for (const [i, run] of res.runs.entries()) {
			const body = await this.redis.getBuffer(run.key);
			if (!body) {
				lost = `the run folder ${run.name} from worker ${res.worker} is no longer in Redis`;
				break;
			}
			const runName = c.folds > 1 ? `${sweep.trialName(t.number)}-f${i + 1}` : sweep.trialName(t.number);
			let files;
			try {
				files = readPack(body, this.opts.maxResultBytes);
			} catch (err) {
				lost = `the run folder ${run.name} from worker ${res.worker} was refused: ${err instanceof Error ? err.message : String(err)}`;
				break;
			}
			const { dir } = createRunDir(trialsDir, runName);
			writePackedFiles(dir, files);
			this.adopt(dir, sweep.trialText(t.params, runName), run.dataPath);
			t.runDirs.push(dir);
		}
		t.worker = res.worker;
		t.attempts = await this.attempts(f, res);
		// The pruner sees the whole first-fold curve, also the part a dead coordinator missed.
		const sign = sweep.direction;
		let best: number | undefined;
		res.intermediate.forEach((v, i) => {
			if (Number.isFinite(v)) best = best === undefined ? v : sign > 0 ? Math.min(best, v) : Math.max(best, v);
			if (i >= f.fed && f.prunedAt === undefined) sweep.reportPrune(t.number, i + 1, sign * (best ?? v));
		});
		t.intermediate = res.intermediate;
		t.foldScores = res.foldScores;
		t.status = res.status;
		if (res.message) t.message = res.message;
		else delete t.message;
		if (f.prunedAt !== undefined && res.status === 'completed') {
			// Pruning was decided here after the worker had finished: recorded as pruned at that epoch, as on one machine.
			t.status = 'pruned';
			t.message = tr('tune.prunedAt', { epoch: f.prunedAt, rule: c.tuning.pruning.type });
			t.intermediate = t.intermediate.slice(0, f.prunedAt);
			const best = bestIntermediate(t.intermediate, sign);
			t.foldScores = best === undefined ? [] : [best];
		}
		if (lost) {
			t.status = 'failed';
			t.message = lost;
		}
		const retries = t.attempts.filter((a) => a.outcome === 'lost');
		if (retries.length && t.status !== 'failed')
			t.message = [t.message, `ran again after losing ${retries.map((a) => a.worker).join(', ')}`].filter(Boolean).join('; ');
		this.inflight.delete(t.number);
		sweep.endTrial(t, res.durationMs);
		await this.forget(
			f,
			res.runs.map((r) => r.key),
		).catch(() => {});
	}

	/**
	 * Makes an unpacked run folder this machine's own: its id is its folder name, its config path
	 * the sweep's config, its model folder here, and its config snapshots the sweep's own text (a
	 * worker may have run it with its data at another path).
	 */
	private adopt(dir: string, text: string, dataPath: string | undefined): void {
		const file = path.join(dir, 'summary.json');
		const s = readJson<Record<string, unknown>>(file);
		if (s) {
			s.id = path.basename(dir);
			s.configPath = this.sweep.config.configPath;
			delete s.pid;
			if (s.modelDir !== undefined) s.modelDir = path.join(dir, 'model');
			writeJson(file, s);
		}
		for (const rel of ['config.yaml', path.join('model', 'config.yaml')])
			if (fs.existsSync(path.join(dir, rel))) writeAtomic(path.join(dir, rel), text);
		const card = path.join(dir, 'model', MODEL_CARD_FILE);
		const source = this.sweep.config.cfg.data.source as { path?: unknown };
		if (dataPath && typeof source.path === 'string' && fs.existsSync(card))
			writeAtomic(card, fs.readFileSync(card, 'utf8').split(dataPath).join(source.path));
	}

	/** A job that failed for good (refused, or lost more often than allowed). */
	private async fail(f: Flight, reason: string): Promise<void> {
		const { t } = f;
		t.status = 'failed';
		t.message = reason || 'the job failed on the queue';
		// Failed for good: every start failed, or (stalled too often) every worker was lost.
		t.attempts = await this.attempts(f, undefined, /stalled/i.test(reason) ? 'lost' : 'failed');
		const last = t.attempts.at(-1);
		if (last) t.worker = last.worker;
		this.inflight.delete(t.number);
		this.sweep.endTrial(t, 0);
		await this.forget(f, []).catch(() => {});
	}

	/** Drops what Redis held for a recorded trial. */
	private async forget(f: Flight, resultKeys: string[]): Promise<void> {
		await this.redis.del(this.keys.cancel(f.jobId), this.keys.attempts(f.jobId), ...resultKeys);
	}

	/**
	 * The sweep stops: jobs not started leave the queue, running ones are told to stop; both run
	 * again on resume. Trials whose workers do not answer in time stay on record with their job,
	 * which resume reattaches to.
	 */
	private async stopInFlight(): Promise<void> {
		const flag = JSON.stringify({ kind: 'stop' } satisfies CancelRequest);
		for (const f of [...this.inflight.values()]) {
			await this.redis.set(this.keys.cancel(f.jobId), flag, 'EX', KEEP_SECONDS);
			const job = await Job.fromId(this.queue, f.jobId);
			const state = job ? await job.getState() : 'unknown';
			if (job && (state === 'waiting' || state === 'delayed' || state === 'prioritized')) {
				try {
					await job.remove();
					this.requeue(f);
				} catch {
					/* taken by a worker meanwhile: it sees the flag */
				}
			} else if (!job) this.requeue(f);
		}
		const until = Date.now() + this.opts.stopWaitMs;
		while (this.inflight.size && Date.now() < until) {
			await this.poll(true);
			if (this.inflight.size) await new Promise((r) => setTimeout(r, this.opts.pollMs));
		}
		for (const f of [...this.inflight.values()]) this.requeue(f);
	}

	private requeue(f: Flight): void {
		this.inflight.delete(f.t.number);
		f.t.status = 'queued';
		f.t.message = 'stopped';
		this.sweep.save();
	}

	/** The sweep is complete: its queue, data and registry entry leave Redis. */
	private async cleanup(): Promise<void> {
		await this.redis.zrem(SWEEPS_KEY, this.queueName);
		await this.queue.obliterate({ force: true });
		let cursor = '0';
		do {
			const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.keys.base}:*`, 'COUNT', 500);
			cursor = next;
			if (keys.length) await this.redis.del(...keys);
		} while (cursor !== '0');
	}
}
