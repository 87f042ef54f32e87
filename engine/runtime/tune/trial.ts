/**
 * Running one sweep trial: its folds one after another as normal runs in a trial process
 * (dist/tune-worker.js, engine/runtime/tune/worker.ts), each fold's best objective value kept,
 * the first fold's curve reported for pruning. Shared by the local sweep (engine/runtime/tune/
 * sweep.ts, which decides pruning itself) and by `modelwright worker` (distributed/worker.ts,
 * where the coordinator decides it and the worker is told).
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TrainRequest } from '../job';
import type { EpochLogs } from '../../core/protocol';
import type { TrialStatus } from '../../core/tune/protocol';
import type { WorkerReply, WorkerRequest } from './worker';
import { getLocale } from '../../core/l10n';
import { bestIntermediate } from '../../core/tune/pruning';
import { LOCALE_ENV, tr } from '../messages';
import { THREADS_ENV } from '../train/fused/threads';

export interface WorkerEntry {
	script: string;
	execArgv: string[];
}

/** The trial-process script: `script` if given, else the one beside this module (TypeScript sources run through tsx). */
export function workerEntry(script: string | undefined): WorkerEntry {
	const tsx = ['--require', 'tsx/cjs'];
	if (script) return { script, execArgv: script.endsWith('.ts') ? tsx : [] };
	const here = __filename;
	if (here.endsWith('.ts')) return { script: path.join(path.dirname(here), 'worker.ts'), execArgv: tsx };
	return { script: path.join(path.dirname(here), 'tune-worker.js'), execArgv: [] };
}

/** A forked trial process: runs one fold at a time over IPC; its death fails only the fold it ran. */
export class TrialProcess {
	proc: ChildProcess;
	busy: number | undefined;
	private readonly handlers = new Map<number, (m: WorkerReply) => void>();
	private exitReason: string | undefined;
	onExit: ((reason: string) => void) | undefined;

	/**
	 * `detached`: in a process group of its own, so a Ctrl+C meant for its parent does not kill the fold.
	 * `parallel`: trial processes running side by side; when they leave each less than two cores, each
	 * trains on one thread (the fused path would otherwise take two in every process and
	 * oversubscribe the machine). A thread count the user set wins.
	 */
	constructor(entry: WorkerEntry, opts: { detached?: boolean; parallel?: number } = {}) {
		const oneThread = os.availableParallelism() / Math.max(1, opts.parallel ?? 1) < 2;
		this.proc = fork(entry.script, [], {
			execArgv: entry.execArgv,
			// The locale this process resolved (LANG for the CLI, the client's for the engine process), passed down.
			env: { ...(oneThread ? { [THREADS_ENV]: '1' } : {}), ...process.env, [LOCALE_ENV]: getLocale() },
			stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
			...(opts.detached ? { detached: true } : {}),
		});
		let stderr = '';
		this.proc.stderr?.on('data', (d: Buffer) => {
			stderr = (stderr + d.toString()).slice(-2000);
		});
		this.proc.on('message', (m: WorkerReply) => this.handlers.get(m.id)?.(m));
		this.proc.on('exit', (code, signal) => {
			this.exitReason = `worker process ${signal ? `killed (${signal})` : `exited with code ${code}`}${stderr.trim() ? `: ${stderr.trim().split('\n').slice(-3).join(' ')}` : ''}`;
			this.onExit?.(this.exitReason);
		});
	}

	get dead(): boolean {
		return this.exitReason !== undefined;
	}

	run(id: number, request: TrainRequest, onEvent: (m: WorkerReply & { type: 'event' }) => void): Promise<WorkerReply & { type: 'done' }> {
		this.busy = id;
		return new Promise((resolve) => {
			const finish = (m: WorkerReply & { type: 'done' }) => {
				this.handlers.delete(id);
				this.busy = undefined;
				this.onExit = undefined;
				resolve(m);
			};
			if (this.dead) return finish({ type: 'done', id, status: 'failed', message: this.exitReason });
			this.onExit = (reason) => finish({ type: 'done', id, status: 'failed', message: reason });
			this.handlers.set(id, (m) => (m.type === 'event' ? onEvent(m) : finish(m)));
			this.proc.send({ type: 'run', id, request } satisfies WorkerRequest);
		});
	}

	cancel(id: number): void {
		if (!this.dead) this.proc.send({ type: 'cancel', id } satisfies WorkerRequest);
	}

	dispose(): void {
		if (!this.dead) this.proc.kill();
	}
}

/** The parts of a trial record a trial run fills in (a local sweep passes its TrialRecord itself). */
export interface TrialOutcome {
	status: TrialStatus;
	message?: string;
	runDirs: string[];
	foldScores: number[];
	intermediate: number[];
}

export interface TrialSpec {
	/** The config text of one fold's run (the trial's values and the run name applied). */
	textFor(runName: string): string;
	configPath: string;
	runsDir: string;
	workspaceRoot?: string | undefined;
	allowOutside?: boolean | undefined;
	backend?: TrainRequest['backend'];
	/** Base name of the runs: folds add `-f1`, `-f2`, …. */
	name: string;
	folds: number;
	metric: string;
	/** -1 when higher is better. */
	sign: 1 | -1;
	/** The pruning rule, for the message of a trial pruned by `shouldPrune`. */
	pruningRule?: string;
}

export interface TrialHooks {
	/** Allocates a request id on the trial process. */
	nextId(): number;
	onEpoch?(e: { fold: number; epoch: number; logs: EpochLogs; value?: number }): void;
	/** After each first-fold value, with the best so far times `sign` (lower is better): true prunes the trial. */
	shouldPrune?(epoch: number, signedBest: number): boolean;
}

/**
 * One trial's folds on a trial process. It ends completed, pruned (by `shouldPrune`, or by
 * `prune()` from outside), failed, or queued again when `stop()` cancelled it.
 */
export class TrialRun {
	private current: number | undefined;
	private pruned: string | undefined;
	/** The first-fold epoch a remote pruning decision was taken at: later epochs do not count. */
	private prunedAt: number | undefined;
	private stopped = false;

	constructor(
		private readonly w: TrialProcess,
		private readonly spec: TrialSpec,
		private readonly hooks: TrialHooks,
	) {}

	/**
	 * Stops the trial as pruned: `message` is recorded. `atEpoch` (a decision taken elsewhere, which
	 * reaches this trial late): the first fold's epochs after it do not count, so the score does not
	 * depend on how late the decision arrived.
	 */
	prune(message: string, atEpoch?: number): void {
		if (this.pruned !== undefined) return;
		this.pruned = message;
		if (atEpoch !== undefined) this.prunedAt = atEpoch;
		if (this.current !== undefined) this.w.cancel(this.current);
	}

	/** Stops the trial because the sweep stops: it runs again on resume. */
	stop(): void {
		this.stopped = true;
		if (this.current !== undefined) this.w.cancel(this.current);
	}

	async run(t: TrialOutcome): Promise<void> {
		const { folds, name } = this.spec;
		t.status = 'running';
		for (let f = 0; f < folds && t.status === 'running'; f++) {
			// Stopped or pruned between folds: the remaining folds do not start.
			if (this.stopped) {
				t.status = 'queued';
				t.message = 'stopped';
			} else if (this.pruned !== undefined) {
				t.status = 'pruned';
				t.message = this.pruned;
			} else await this.runFold(t, f, folds > 1 ? `${name}-f${f + 1}` : name);
		}
		if (t.status === 'running') t.status = 'completed';
		if (t.status === 'pruned' && this.prunedAt !== undefined) {
			// As if pruned at that epoch of the first fold: its curve and best value up to there.
			t.intermediate = t.intermediate.slice(0, this.prunedAt);
			const best = bestIntermediate(t.intermediate, this.spec.sign);
			t.foldScores = best === undefined ? [] : [best];
		}
	}

	/** One fold as a normal run under the runs folder; its best objective value joins the trial's fold scores. */
	private async runFold(t: TrialOutcome, f: number, name: string): Promise<void> {
		const { spec, hooks, w } = this;
		const { folds, metric, sign } = spec;
		const request: TrainRequest = {
			configPath: spec.configPath,
			text: spec.textFor(name),
			runsDir: spec.runsDir,
			workspaceRoot: spec.workspaceRoot,
			...(spec.allowOutside ? { allowOutside: true } : {}),
			...(spec.backend ? { backend: spec.backend } : {}),
			...(folds > 1 ? { fold: { index: f, of: folds } } : {}),
			// Trials keep their model in their run folder; only the user's own training exports to export.path.
			noExport: true,
		};
		let best: number | undefined;
		const id = hooks.nextId();
		this.current = id;
		const done = await w.run(id, request, ({ event }) => {
			if (event.method === 'job/started') t.runDirs.push(event.params.runDir);
			// Epochs that end before the cancel reaches the trial process would make the score depend on timing.
			if (event.method !== 'job/epochEnd' || this.pruned !== undefined) return;
			const value = event.params.logs[metric];
			if (value !== undefined && Number.isFinite(value))
				best = best === undefined ? value : sign > 0 ? Math.min(best, value) : Math.max(best, value);
			hooks.onEpoch?.({ fold: f, epoch: event.params.epoch, logs: event.params.logs, ...(value !== undefined ? { value } : {}) });
			// Only the first fold's curve feeds the pruner: later folds would report the same epochs again.
			if (f === 0 && value !== undefined) {
				t.intermediate.push(value);
				if (hooks.shouldPrune?.(event.params.epoch, sign * (best ?? value)))
					this.prune(tr('tune.prunedAt', { epoch: t.intermediate.length, rule: spec.pruningRule ?? 'pruning' }));
			}
		});
		this.current = undefined;
		if (this.pruned !== undefined) {
			t.status = 'pruned';
			t.message = this.pruned;
			if (best !== undefined) t.foldScores.push(best);
		} else if (done.status === 'cancelled') {
			t.status = 'queued'; // stopped by the user: run again on resume
			t.message = 'stopped';
		} else if (done.status !== 'completed' && done.status !== 'stopped') {
			t.status = 'failed';
			t.message = done.message ?? done.status;
		} else if (best === undefined) {
			t.status = 'failed';
			t.message = tr('tune.neverLogged', { metric });
		} else t.foldScores.push(best);
	}
}
