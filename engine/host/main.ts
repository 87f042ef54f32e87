/**
 * The background engine process (dist/engine.js), forked by the extension: one per window,
 * shared by every job. A queue runs at most `concurrency` jobs; each job's events go to the
 * extension as JSON-RPC notifications over Node IPC. A failing job never takes the process
 * down; if the process dies anyway, the extension marks the running job failed and restarts it.
 */
import { createMessageConnection, IPCMessageReader, IPCMessageWriter } from 'vscode-jsonrpc/node';
import type { EngineEvent } from '../core/protocol';
import {
	CancelJobRequest,
	ConfigureRequest,
	JobEventNotification,
	JobStateNotification,
	ListJobsRequest,
	LogNotification,
	SubmitJobRequest,
	type JobInfo,
	type JobResultPayload,
	type SubmitParams,
} from '../core/rpc';
import { execute } from './execute';
import { setLocale } from '../core/l10n';
import { MAX_MEMORY_ENV } from '../io/budget';

// The extension passes its UI language: the messages a job sends back (its failure toast) speak it.
setLocale(process.env.MODELWRIGHT_LOCALE);

interface Job {
	info: JobInfo;
	params: SubmitParams;
	controller: AbortController;
}

const conn = createMessageConnection(new IPCMessageReader(process), new IPCMessageWriter(process));
const queue: Job[] = [];
const running = new Map<string, Job>();
let concurrency = 1;
let counter = 0;

const log = (level: 'info' | 'warn' | 'error', message: string) => void conn.sendNotification(LogNotification.type, { level, message });
// Library chatter (tfjs banners, warnings) goes to the engine log, not to a dead console.
console.log = (...a: unknown[]) => log('info', a.map(String).join(' '));
console.warn = (...a: unknown[]) => log('warn', a.map(String).join(' '));
console.error = (...a: unknown[]) => log('error', a.map(String).join(' '));
process.on('uncaughtException', (err) => log('error', `uncaught: ${err.stack ?? err.message}`));
process.on('unhandledRejection', (err) =>
	log('error', `unhandled rejection: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`),
);

function positions(): void {
	queue.forEach((j, i) => {
		j.info.position = i + 1;
	});
}

function pump(): void {
	while (running.size < concurrency && queue.length) {
		const job = queue.shift()!;
		positions();
		running.set(job.info.jobId, job);
		job.info = { ...job.info, state: 'running', position: 0 };
		void conn.sendNotification(JobStateNotification.type, job.info);
		void run(job);
	}
}

async function run(job: Job): Promise<void> {
	let ended: 'succeeded' | 'failed' | 'cancelled' = 'failed';
	let error: string | undefined;
	let result: JobResultPayload | undefined;
	const sink = (event: EngineEvent) => {
		if (event.method === 'job/started') job.info.runDir = event.params.runDir;
		if (event.method === 'job/failed') error = event.params.message;
		void conn.sendNotification(JobEventNotification.type, { jobId: job.info.jobId, event });
	};
	try {
		const end = await execute(
			job.params,
			sink,
			job.controller.signal,
			(event) => void conn.sendNotification(JobEventNotification.type, { jobId: job.info.jobId, event }),
		);
		ended = end.state;
		error ??= end.error;
		result = end.result;
	} catch (err) {
		error = err instanceof Error ? err.message : String(err);
		log('error', `job ${job.info.jobId} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
	} finally {
		running.delete(job.info.jobId);
		job.info = { ...job.info, state: ended };
		void conn.sendNotification(JobStateNotification.type, {
			...job.info,
			...(error && ended !== 'succeeded' ? { error } : {}),
			...(result ? { result } : {}),
		});
		pump();
	}
}

conn.onRequest(SubmitJobRequest.type, (params) => {
	const job: Job = {
		params,
		controller: new AbortController(),
		info: {
			jobId: `job-${process.pid}-${++counter}`,
			kind: params.kind,
			configPath: params.configPath,
			state: 'queued',
			position: queue.length + 1,
		},
	};
	queue.push(job);
	const answer = { ...job.info };
	setImmediate(pump);
	return answer;
});

conn.onRequest(CancelJobRequest.type, ({ jobId }) => {
	const r = running.get(jobId);
	if (r) {
		// Evaluate, predict and export are short and not interruptible: say so rather than pretend.
		if (r.params.kind !== 'train' && r.params.kind !== 'tune') return false;
		r.controller.abort();
		return true;
	}
	const i = queue.findIndex((j) => j.info.jobId === jobId);
	if (i < 0) return false;
	const [job] = queue.splice(i, 1);
	positions();
	void conn.sendNotification(JobStateNotification.type, { ...job!.info, state: 'cancelled' });
	return true;
});

conn.onRequest(ListJobsRequest.type, () => [...[...running.values()].map((j) => j.info), ...queue.map((j) => j.info)]);

// The budget this process was started with (MODELWRIGHT_MAX_MEMORY_MB), for when the setting goes back to 0.
const startBudget = process.env[MAX_MEMORY_ENV];
conn.onRequest(ConfigureRequest.type, ({ concurrency: c, maxMemoryMb }) => {
	concurrency = Math.max(1, Math.floor(c));
	// Every job validates against memoryBudget(), which reads the variable; a sweep's trial processes inherit it.
	if (typeof maxMemoryMb === 'number' && maxMemoryMb > 0) process.env[MAX_MEMORY_ENV] = String(maxMemoryMb);
	else if (startBudget === undefined) delete process.env[MAX_MEMORY_ENV];
	else process.env[MAX_MEMORY_ENV] = startBudget;
	pump();
});

// The extension closing the channel means the window is gone: stop.
process.on('disconnect', () => process.exit(0));
conn.listen();
