/**
 * The RPC between the extension and its background engine process, declared once (vscode-jsonrpc
 * types, no vscode import). The extension forks dist/engine.js and talks over Node IPC; one
 * engine per window runs every job (training, evaluation, prediction, export, tuning) from a queue.
 */
import { NotificationType, RequestType, RequestType0 } from 'vscode-jsonrpc';
import type { EngineEvent } from './protocol';
import type { SweepEvent } from './tune/protocol';
import type { Params } from './tune/space';
import type { BackendChoice } from './facts';
import type { ExportFormat } from './config/schema';

export type JobKind = 'train' | 'evaluate' | 'predict' | 'export' | 'tune';
export type JobState = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface SubmitParams {
	kind: JobKind;
	/** Absolute path of the model config. */
	configPath: string;
	/** Workspace folder: data paths may not leave it unless allowOutside. */
	workspaceRoot?: string;
	/** Absolute run-store folder. */
	runsDir?: string;
	backend?: BackendChoice;
	allowOutside?: boolean;
	/** Overrides applied on top of the config (e.g. epochs). */
	overrides?: { epochs?: number };
	/** For evaluate / predict / export: the run folder to use. */
	runDir?: string;
	/** For train: continue this run from its last checkpoint. */
	resume?: string;
	/** For predict: rows of feature values by column name. */
	rows?: Record<string, unknown>[];
	/** For export: destination folder. */
	outDir?: string;
	/** For export: the formats to write (default tfjs). */
	formats?: ExportFormat[];
	/** For tune: run the trials on this Redis queue (`modelwright worker`), password included (never logged). */
	redisUrl?: string;
}

/** What a finished job hands back besides its events. */
export interface JobResultPayload {
	evaluation?: Record<string, number>;
	predictions?: (string | number)[];
	exportedTo?: string;
	sweepDir?: string;
	best?: { number: number; score: number; params: Params };
}

export interface JobInfo {
	jobId: string;
	kind: JobKind;
	configPath: string;
	state: JobState;
	/** Position in the queue (0 = running). */
	position: number;
	runDir?: string;
}

/** Extension → engine: queue a job. Answers at once with its id; progress arrives as JobEventNotification. */
export namespace SubmitJobRequest {
	export const method = 'engine/submit' as const;
	export const type = new RequestType<SubmitParams, JobInfo, void>(method);
}

/** Extension → engine: cancel a queued or running job (running jobs stop at the next batch boundary). */
export namespace CancelJobRequest {
	export const method = 'engine/cancel' as const;
	export const type = new RequestType<{ jobId: string }, boolean, void>(method);
}

/** Extension → engine: the queue, running job first. */
export namespace ListJobsRequest {
	export const method = 'engine/jobs' as const;
	export const type = new RequestType0<JobInfo[], void>(method);
}

/** Extension → engine: its settings, at start and whenever they change. */
export interface ConfigureParams {
	/** Jobs run at once. */
	concurrency: number;
	/** The memory budget of a training run in MB (`modelwright.engine.maxMemoryMB`); 0 or absent: the engine's own default. */
	maxMemoryMb?: number;
}

/** Extension → engine: how many jobs may run at once, and the memory budget they are checked against. */
export namespace ConfigureRequest {
	export const method = 'engine/configure' as const;
	export const type = new RequestType<ConfigureParams, void, void>(method);
}

/** Engine → extension: one event of a job (started, data loaded, epoch end, …, finished). */
export namespace JobEventNotification {
	export const method = 'engine/jobEvent' as const;
	export const type = new NotificationType<{ jobId: string; event: EngineEvent | SweepEvent }>(method);
}

/** Engine → extension: a job changed state (queued → running → succeeded/failed/cancelled). */
export namespace JobStateNotification {
	export const method = 'engine/jobState' as const;
	export const type = new NotificationType<JobInfo & { error?: string; result?: JobResultPayload }>(method);
}

/** Engine → extension: a log line for the engine output channel. */
export namespace LogNotification {
	export const method = 'engine/log' as const;
	export const type = new NotificationType<{ level: 'info' | 'warn' | 'error'; message: string }>(method);
}
