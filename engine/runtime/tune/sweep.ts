/**
 * A hyperparameter sweep: trials proposed by the search strategy, each cross-validated over
 * k folds (folds run one after another on a worker), run in parallel worker processes, pruned
 * from their intermediate values, and recorded in `<sweep>/sweep.json` (atomic writes). Every
 * fold is a normal run under `<sweep>/trials/`, with curves, config snapshot and evaluation.
 * A stopped or crashed sweep resumes without re-running finished trials.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { validateConfig } from '../../io/probe';
import type { TrainRequest } from '../job';
import { createRunDir, runsDirFor } from '../../io/store';
import { writeJson } from '../../io/fsutil';
import { readSweep, sweepFile } from '../../io/sweeps';
import type { BackendChoice } from '../train/backend';
import { applyParams } from '../../core/tune/apply';
import { makePruner } from '../../core/tune/pruning';
import { makeSearcher, type Observation } from '../../core/tune/search';
import { trialCount } from '../../core/tune/space';
import type { SweepEvent, SweepState, TrialRecord } from '../../core/tune/protocol';
import type { WorkerReply, WorkerRequest } from './worker';
import { higherIsBetter } from '../../core/facts';

export interface SweepOptions {
	configPath: string;
	/** Config text (read from configPath when absent). */
	text?: string;
	runsDir?: string;
	workspaceRoot?: string;
	allowOutside?: boolean;
	backend?: BackendChoice;
	/** Parallel trials (default: the config's `tuning.workers`, else the number of cores). */
	workers?: number;
	/** Override the number of trials. */
	trials?: number;
	/** A sweep folder to continue. */
	resume?: string;
	signal?: AbortSignal;
	/** Worker entry (tests run the TypeScript source through tsx). */
	workerScript?: string;
}

function defaultWorkerScript(): { script: string; execArgv: string[] } {
	const here = __filename;
	if (here.endsWith('.ts')) return { script: path.join(path.dirname(here), 'worker.ts'), execArgv: ['--require', 'tsx/cjs'] };
	return { script: path.join(path.dirname(here), 'tune-worker.js'), execArgv: [] };
}

class Worker {
	proc: ChildProcess;
	busy: number | undefined;
	private readonly handlers = new Map<number, (m: WorkerReply) => void>();
	private exitReason: string | undefined;
	onExit: ((reason: string) => void) | undefined;

	constructor(script: string, execArgv: string[]) {
		this.proc = fork(script, [], { execArgv, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
		let stderr = '';
		this.proc.stderr?.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-2000); });
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

export async function runSweep(opts: SweepOptions, emit: (e: SweepEvent) => void = () => {}): Promise<SweepState> {
	const configPath = path.resolve(opts.configPath);
	const resumeDir = opts.resume ? path.resolve(opts.resume) : undefined;
	const prior = resumeDir ? readSweep(resumeDir) : undefined;
	if (resumeDir && !prior) throw new Error(`${resumeDir} is not a sweep folder (no sweep.json).`);
	if (prior?.status === 'running') throw new Error(`the sweep in ${resumeDir} is still running (process ${(prior as SweepState & { pid?: number }).pid}); stop it before resuming.`);
	const text = opts.text ?? fs.readFileSync(resumeDir ? path.join(resumeDir, 'config.yaml') : configPath, 'utf8');
	const v = validateConfig(configPath, text, { root: opts.workspaceRoot, allowOutside: opts.allowOutside });
	const policy = v.policy;
	if (!v.ok || !v.resolved) throw new Error(`the config has errors: ${v.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message).slice(0, 3).join('; ')}`);
	const cfg = v.resolved;
	const tuning = cfg.tuning;
	if (!tuning) throw new Error('the config has no `tuning` section.');
	const metric = tuning.objective.metric;
	const direction: 'minimize' | 'maximize' = tuning.objective.direction === 'auto' ? (higherIsBetter(metric) ? 'maximize' : 'minimize') : tuning.objective.direction;
	const folds = tuning.folds ?? cfg.data.split.folds ?? 1;
	const seed = tuning.seed ?? cfg.seed;
	const planned = opts.trials ?? trialCount(tuning);
	const workers = Math.max(1, opts.workers ?? tuning.workers ?? os.availableParallelism());

	let dir: string;
	let state: SweepState & { pid: number };
	if (resumeDir && prior) {
		dir = resumeDir;
		state = { ...prior, pid: process.pid, status: 'running', updatedAt: new Date().toISOString(), plannedTrials: Math.max(prior.plannedTrials, planned) };
		// Unfinished trials run again with the same values.
		for (const t of state.trials) if (t.status === 'running' || t.status === 'queued') { t.status = 'queued'; delete t.intermediate; delete t.foldScores; }
	} else {
		dir = createRunDir(opts.runsDir ?? runsDirFor(configPath), `sweep-${cfg.name}`).dir;
		fs.writeFileSync(path.join(dir, 'config.yaml'), text);
		state = {
			version: 1, id: path.basename(dir), name: cfg.name, configPath, strategy: tuning.strategy, objective: { metric, direction },
			folds, plannedTrials: planned, seed, startedAt: new Date().toISOString(), updatedAt: new Date().toISOString(), status: 'running', trials: [], pid: process.pid,
		};
	}
	const save = () => { state.updatedAt = new Date().toISOString(); writeJson(sweepFile(dir), state); };
	save();
	emit({ method: 'sweep/started', params: { sweepDir: dir, state, resumed: Boolean(prior) } });

	const sign = direction === 'maximize' ? -1 : 1;
	const searcher = makeSearcher({ ...tuning, trials: planned }, seed);
	const pruner = makePruner(tuning.pruning);
	const history = (): Observation[] => state.trials.filter((t) => t.score !== undefined && (t.status === 'completed' || t.status === 'pruned')).map((t) => ({ params: t.params, score: sign * t.score! }));
	const seen = new Set(state.trials.map((t) => JSON.stringify(t.params)));
	if (prior) {
		// Replay the search once per recorded trial, so a resumed random/TPE sweep continues its
		// sequence instead of proposing the same points again (a grid skips what it has seen).
		if (tuning.strategy !== 'grid') {
			for (const t of state.trials) searcher.next(history().filter((h) => state.trials.findIndex((x) => x.params === h.params) < t.number - 1));
		}
		// Finished trials' curves go back into the pruner before they count as finished.
		for (const t of state.trials) {
			if (t.status !== 'completed' && t.status !== 'pruned') continue;
			let best: number | undefined;
			t.intermediate?.forEach((v, i) => {
				best = best === undefined ? v : sign > 0 ? Math.min(best, v) : Math.max(best, v);
				pruner?.report(t.number, i + 1, sign * best);
			});
			pruner?.complete(t.number);
		}
	}

	const { script, execArgv } = opts.workerScript ? { script: opts.workerScript, execArgv: opts.workerScript.endsWith('.ts') ? ['--require', 'tsx/cjs'] : [] } : defaultWorkerScript();
	const pool: Worker[] = [];
	const t0 = Date.now();
	let stopped = false;
	let exhausted = false;
	let seq = 0;
	opts.signal?.addEventListener('abort', () => {
		stopped = true;
		for (const w of pool) if (w.busy !== undefined) w.cancel(w.busy);
	});

	const updateBest = () => {
		const done = state.trials.filter((t) => t.status === 'completed' && t.score !== undefined);
		const best = done.sort((a, b) => sign * (a.score! - b.score!))[0];
		if (best) state.best = { number: best.number, score: best.score!, params: best.params };
	};

	const nextTrial = (): TrialRecord | undefined => {
		const queued = state.trials.find((t) => t.status === 'queued');
		if (queued) return queued;
		if (exhausted || state.trials.length >= state.plannedTrials) return undefined;
		if (tuning.timeBudget !== undefined && (Date.now() - t0) / 1000 > tuning.timeBudget) return undefined;
		// A grid is finite: skip every point already recorded. Other strategies rarely repeat a point.
		for (let attempt = 0; tuning.strategy === 'grid' || attempt < 50; attempt++) {
			const params = searcher.next(history());
			if (!params) { exhausted = true; return undefined; }
			const key = JSON.stringify(params);
			if (tuning.strategy !== 'grid' || !seen.has(key)) {
				seen.add(key);
				const t: TrialRecord = { number: state.trials.length + 1, params, status: 'queued' };
				state.trials.push(t);
				return t;
			}
		}
		exhausted = true;
		return undefined;
	};

	const runTrial = async (w: Worker, t: TrialRecord): Promise<void> => {
		t.status = 'running';
		t.startedAt = new Date().toISOString();
		t.runDirs = [];
		t.foldScores = [];
		t.intermediate = [];
		save();
		emit({ method: 'sweep/trialStarted', params: { number: t.number, params: t.params, ...(w.proc.pid ? { pid: w.proc.pid } : {}) } });
		const started = Date.now();
		const name = `${cfg.name}-t${String(t.number).padStart(3, '0')}`;
		for (let f = 0; f < folds && t.status === 'running'; f++) {
			const trialText = applyParams(text, { ...t.params, name: folds > 1 ? `${name}-f${f + 1}` : name });
			const request: TrainRequest = {
				configPath, text: trialText, runsDir: path.join(dir, 'trials'), workspaceRoot: policy.root,
				...(opts.allowOutside ? { allowOutside: true } : {}), ...(opts.backend ? { backend: opts.backend } : {}),
				...(folds > 1 ? { fold: { index: f, of: folds } } : {}),
				// Trials keep their model in their run folder; only the user's own training exports to export.path.
				noExport: true,
			};
			let best: number | undefined;
			let pruned = false;
			const id = ++seq;
			const done = await w.run(id, request, ({ event }) => {
				if (event.method === 'job/started') t.runDirs!.push(event.params.runDir);
				if (event.method !== 'job/epochEnd') return;
				const value = event.params.logs[metric];
				if (value !== undefined && Number.isFinite(value)) best = best === undefined ? value : sign > 0 ? Math.min(best, value) : Math.max(best, value);
				emit({ method: 'sweep/trialEpoch', params: { number: t.number, fold: f, epoch: event.params.epoch, logs: event.params.logs, ...(value !== undefined ? { value } : {}) } });
				if (f === 0 && value !== undefined) {
					t.intermediate!.push(value);
					if (pruner?.report(t.number, event.params.epoch, sign * (best ?? value)) && !pruned) {
						pruned = true;
						w.cancel(id);
					}
				}
			});
			if (pruned) {
				t.status = 'pruned';
				t.message = `pruned at epoch ${t.intermediate!.length} (${tuning.pruning.type} rule)`;
				if (best !== undefined) t.foldScores!.push(best);
			} else if (done.status === 'cancelled') {
				t.status = 'queued'; // stopped by the user: run again on resume
				t.message = 'stopped';
			} else if (done.status !== 'completed' && done.status !== 'stopped') {
				t.status = 'failed';
				t.message = done.message ?? done.status;
			} else if (best === undefined) {
				t.status = 'failed';
				t.message = `\`${metric}\` was never logged: check tuning.objective.metric`;
			} else t.foldScores!.push(best);
		}
		if (t.status === 'running') t.status = 'completed';
		if (t.foldScores!.length) {
			const xs = t.foldScores!;
			t.score = xs.reduce((a, b) => a + b, 0) / xs.length;
			t.std = Math.sqrt(xs.reduce((a, b) => a + (b - t.score!) ** 2, 0) / xs.length);
		}
		t.durationMs = Date.now() - started;
		if (t.status === 'completed' || t.status === 'pruned') pruner?.complete(t.number);
		updateBest();
		save();
		if (t.status !== 'queued') emit({ method: 'sweep/trialEnded', params: { trial: t, ...(state.best ? { best: state.best } : {}) } });
	};

	const loops: Promise<void>[] = [];
	for (let i = 0; i < workers; i++) {
		loops.push((async () => {
			let w: Worker | undefined;
			for (;;) {
				if (stopped) break;
				const t = nextTrial();
				if (!t) break;
				if (!w || w.dead) {
					w = new Worker(script, execArgv);
					pool.push(w);
				}
				await runTrial(w, t);
			}
			w?.dispose();
		})());
	}
	try {
		await Promise.all(loops);
		state.status = stopped ? 'stopped' : 'completed';
	} catch (err) {
		state.status = 'failed';
		throw err;
	} finally {
		for (const w of pool) w.dispose();
		updateBest();
		save();
		emit({ method: 'sweep/finished', params: { sweepDir: dir, state } });
	}
	return state;
}
