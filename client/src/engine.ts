/**
 * The shared background engine: one forked Node process per window (dist/engine.js), JSON-RPC
 * over IPC. Started on first use. If it dies, the running job is marked failed with the reason,
 * jobs still queued are submitted again to a new engine, and the user is told. Runs on disk are
 * never touched from here: a killed run keeps its files and reads back as interrupted.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as vscode from 'vscode';
import { createMessageConnection, IPCMessageReader, IPCMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import {
	CancelJobRequest,
	ConfigureRequest,
	JobEventNotification,
	JobStateNotification,
	LogNotification,
	SubmitJobRequest,
	type JobInfo,
	type ConfigureParams,
	type JobResultPayload,
	type SubmitParams,
} from '../../engine/core/rpc';
import type { EngineEvent } from '../../engine/core/protocol';
import type { SweepEvent } from '../../engine/core/tune/protocol';
import { engineChannel } from './output';
import { getSettings } from './settings';

export interface JobStateChange extends JobInfo {
	error?: string;
	result?: JobResultPayload;
}

/**
 * A job as this window knows it. `info.jobId` is the window's own stable id: a queued job
 * that is resubmitted to a new engine after a crash keeps it, so whoever waits on it
 * (progress notification, command result) still hears how it ends.
 */
interface Tracked {
	params: SubmitParams;
	info: JobInfo;
	engineId: string;
}

const RESTART_WINDOW_MS = 3 * 60_000;

/** The settings the engine process runs its jobs under (window-wide). */
function engineSettings(): ConfigureParams {
	const s = getSettings();
	return { concurrency: s['engine.concurrency'], maxMemoryMb: s['engine.maxMemoryMB'] };
}

export class EngineHost implements vscode.Disposable {
	private proc: ChildProcess | undefined;
	private conn: MessageConnection | undefined;
	private starting: Promise<MessageConnection> | undefined;
	private readonly deaths: number[] = [];
	/** Jobs this window submitted and that have not ended, by the window's id. */
	private readonly jobs = new Map<string, Tracked>();
	/** The current engine's job ids → the window's ids. */
	private readonly byEngineId = new Map<string, string>();
	private counter = 0;
	/** Cancels asked for while a job was between engines (being resubmitted after a crash). */
	private readonly pendingCancels = new Set<string>();
	private readonly resubmitting = new Set<string>();
	private readonly eventEmitter = new vscode.EventEmitter<{ jobId: string; event: EngineEvent | SweepEvent }>();
	private readonly stateEmitter = new vscode.EventEmitter<JobStateChange>();
	readonly onJobEvent = this.eventEmitter.event;
	readonly onJobState = this.stateEmitter.event;
	private disposed = false;

	constructor(private readonly enginePath: string) {}

	get running(): boolean {
		return [...this.jobs.values()].some((j) => j.info.state === 'running' || j.info.state === 'queued');
	}

	activeJobs(): JobInfo[] {
		return [...this.jobs.values()].map((j) => j.info);
	}

	private start(): Promise<MessageConnection> {
		if (this.conn) return Promise.resolve(this.conn);
		this.starting ??= new Promise<MessageConnection>((resolve, reject) => {
			const log = engineChannel();
			// ELECTRON_RUN_AS_NODE: in desktop VS Code process.execPath is Electron; this makes it plain Node.
			const proc = fork(this.enginePath, [], {
				stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
				env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', MODELWRIGHT_LOCALE: vscode.env.language },
				execArgv: [],
			});
			proc.stdout?.on('data', (d: Buffer) => log.info(d.toString().trimEnd()));
			proc.stderr?.on('data', (d: Buffer) => log.warn(d.toString().trimEnd()));
			proc.once('error', (err) => {
				// A failed spawn may never emit 'exit': forget this process so the next job starts a new one.
				if (this.proc === proc) {
					this.conn?.dispose();
					this.conn = undefined;
					this.proc = undefined;
				}
				this.starting = undefined;
				reject(err);
			});
			proc.once('exit', (code, signal) => this.onExit(proc, code, signal));
			const conn = createMessageConnection(new IPCMessageReader(proc), new IPCMessageWriter(proc));
			conn.onNotification(JobEventNotification.type, (p) => {
				const id = this.byEngineId.get(p.jobId);
				if (id) this.eventEmitter.fire({ jobId: id, event: p.event });
			});
			conn.onNotification(JobStateNotification.type, (p) => this.onState(p));
			conn.onNotification(LogNotification.type, (p) => log[p.level](p.message));
			conn.listen();
			this.proc = proc;
			this.conn = conn;
			log.info(`engine started (pid ${proc.pid})`);
			void conn.sendRequest(ConfigureRequest.type, engineSettings()).then(() => resolve(conn), reject);
		}).finally(() => {
			this.starting = undefined;
		});
		return this.starting;
	}

	private onState(p: JobStateChange): void {
		const id = this.byEngineId.get(p.jobId);
		const t = id ? this.jobs.get(id) : undefined;
		if (!id || !t) return;
		t.info = { ...t.info, ...p, jobId: id };
		if (p.state === 'succeeded' || p.state === 'failed' || p.state === 'cancelled') {
			this.jobs.delete(id);
			this.byEngineId.delete(p.jobId);
		}
		this.stateEmitter.fire({ ...p, jobId: id });
	}

	private onExit(proc: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
		if (proc !== this.proc) return;
		this.conn?.dispose();
		this.conn = undefined;
		this.proc = undefined;
		if (this.disposed) return;
		const reason = signal
			? vscode.l10n.t('the engine process was killed ({0})', signal)
			: vscode.l10n.t('the engine process exited with code {0}', String(code));
		engineChannel().error(reason);
		const orphans = [...this.jobs.values()];
		this.jobs.clear();
		this.byEngineId.clear();
		const queued = orphans.filter((j) => j.info.state === 'queued');
		for (const j of orphans.filter((o) => o.info.state === 'running')) {
			this.stateEmitter.fire({
				...j.info,
				state: 'failed',
				error: vscode.l10n.t('{0}. The run folder keeps what was written so far.', reason),
			});
		}
		const now = Date.now();
		this.deaths.push(now);
		while (this.deaths.length && now - this.deaths[0]! > RESTART_WINDOW_MS) this.deaths.shift();
		const max = getSettings()['engine.maxRestarts'];
		const giveUp = this.deaths.length > max;
		const kept = queued.length ? vscode.l10n.t(' {0} queued job(s) were kept.', queued.length) : '';
		void vscode.window
			.showWarningMessage(
				giveUp
					? vscode.l10n.t(
							'The Modelwright engine stopped: {0}. It stopped {1} times in 3 minutes, so queued jobs were not restarted.',
							reason,
							this.deaths.length,
						)
					: vscode.l10n.t('The Modelwright engine stopped: {0}. It will restart for the next job.{1}', reason, kept),
				vscode.l10n.t('Show Engine Log'),
			)
			.then((a) => a && engineChannel().show());
		if (giveUp) {
			for (const j of queued) this.stateEmitter.fire({ ...j.info, state: 'failed', error: reason });
			return;
		}
		for (const j of queued) {
			this.resubmitting.add(j.info.jobId);
			void this.submit(j.params, j.info.jobId)
				.catch((err) => this.stateEmitter.fire({ ...j.info, state: 'failed', error: String(err) }))
				.finally(() => this.resubmitting.delete(j.info.jobId));
		}
	}

	/** Queues a job; `id` is given when a job is resubmitted after an engine crash. */
	async submit(params: SubmitParams, id = `job-${++this.counter}`): Promise<JobInfo> {
		const conn = await this.start();
		const answer = await conn.sendRequest(SubmitJobRequest.type, params);
		const info = { ...answer, jobId: id };
		this.jobs.set(id, { params, info, engineId: answer.jobId });
		this.byEngineId.set(answer.jobId, id);
		this.stateEmitter.fire(info);
		if (this.pendingCancels.delete(id)) void conn.sendRequest(CancelJobRequest.type, { jobId: answer.jobId });
		return info;
	}

	async cancel(jobId: string): Promise<boolean> {
		const t = this.jobs.get(jobId);
		if (!t && this.resubmitting.has(jobId)) {
			this.pendingCancels.add(jobId);
			return true;
		}
		if (!this.conn || !t) return false;
		return this.conn.sendRequest(CancelJobRequest.type, { jobId: t.engineId });
	}

	/** Sends the engine settings again (after they changed). */
	async configure(): Promise<void> {
		if (this.conn) await this.conn.sendRequest(ConfigureRequest.type, engineSettings());
	}

	/** For tests: kill the process as a crash would. */
	killForTest(signal: NodeJS.Signals = 'SIGKILL'): boolean {
		return this.proc?.kill(signal) ?? false;
	}

	get pid(): number | undefined {
		return this.proc?.pid;
	}

	dispose(): void {
		this.disposed = true;
		this.conn?.dispose();
		this.proc?.kill();
		this.eventEmitter.dispose();
		this.stateEmitter.dispose();
	}
}
