/**
 * A hyperparameter sweep: trials proposed by the search strategy, each cross-validated over
 * k folds (folds run one after another on a worker), run in parallel worker processes, pruned
 * from their intermediate values, and recorded in `<sweep>/sweep.json` (atomic writes). Every
 * fold is a normal run under `<sweep>/trials/`, with curves, config snapshot and evaluation.
 * A stopped or crashed sweep resumes without re-running finished trials; the folders its
 * unfinished folds left under `trials/` are removed then (see `removeUnreferencedTrials`).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkWriteDir, validateConfig } from '../../io/probe';
import { createRunDir, runsDirFor } from '../../io/store';
import { writeJson, readTextFile, writerIdentity } from '../../io/fsutil';
import { readSweep, sweepFile } from '../../io/sweeps';
import { acquireLock } from '../../io/lock';
import { checkRunDir, deleteRunFolder } from '../../io/runRef';
import type { BackendChoice } from '../train/backend';
import { applyParams } from '../../core/tune/apply';
import { makePruner, type Pruner } from '../../core/tune/pruning';
import { makeSearcher, type Observation, type Searcher } from '../../core/tune/search';
import { trialCount } from '../../core/tune/space';
import type { SweepEvent, SweepState, TrialRecord } from '../../core/tune/protocol';
import { TrialProcess, TrialRun, workerEntry, type TrialSpec, type WorkerEntry } from './trial';
import { higherIsBetter } from '../../core/facts';
import type { ResolvedConfig } from '../../core/config/resolve';
import { tr } from '../messages';

export interface SweepOptions {
	configPath: string;
	/** Config text (read from configPath when absent). */
	text?: string;
	runsDir?: string;
	workspaceRoot?: string;
	allowOutside?: boolean;
	backend?: BackendChoice;
	/** Parallel trials (default: the config's `tuning.workers`, else `defaultWorkers`, else the number of cores). */
	workers?: number;
	/** Parallel trials when neither `workers` nor the config says (a Redis sweep: the connected workers' slots). */
	defaultWorkers?: number;
	/** Override the number of trials. */
	trials?: number;
	/** A sweep folder to continue. */
	resume?: string;
	signal?: AbortSignal;
	/** Worker entry (tests run the TypeScript source through tsx). */
	workerScript?: string;
}

/** Runs a sweep's trials elsewhere than on local trial processes (engine/runtime/tune/distributed/coordinator.ts). */
export interface TrialExecutor {
	/** Runs trials (`sweep.next()`) until there are none left or the sweep is stopped. */
	run(sweep: Sweep): Promise<void>;
	/** The sweep is stopping: stop the trials in flight (they run again on resume); run() then returns. */
	stop(): void;
}

export async function runSweep(opts: SweepOptions, emit: (e: SweepEvent) => void = () => {}): Promise<SweepState> {
	return Sweep.open(opts, emit).run();
}

type Tuning = NonNullable<ResolvedConfig['tuning']>;
export type RunningTrial = TrialRecord & Required<Pick<TrialRecord, 'runDirs' | 'foldScores' | 'intermediate'>>;

/**
 * What a sweep runs, from the config as validated now (on resume: the sweep's config.yaml unless
 * the caller passes text), and where its trials may read data.
 */
export interface SweepConfig {
	configPath: string;
	text: string;
	cfg: ResolvedConfig;
	tuning: Tuning;
	root: string | undefined;
	metric: string;
	direction: 'minimize' | 'maximize';
	folds: number;
	seed: number;
	planned: number;
	/** Parallel trials: the lag of the search and the pruner (see SweepState.workers). */
	workers: number;
}

/**
 * One sweep folder: its state (rewritten to sweep.json after every change), the search
 * strategy and pruner fed from it, and the trials it runs on worker processes.
 */
/** A sweep refused before it starts (not a sweep folder, config errors, no `tuning`): a usage error for the CLI, in any locale. */
export class SweepRefused extends Error {}

export class Sweep {
	private readonly searcher: Searcher;
	private readonly pruner: Pruner | undefined;
	/** -1 when higher is better: the searcher and pruner always minimise. */
	private readonly sign: 1 | -1;
	/** Every point recorded, so a grid never proposes one twice. */
	private readonly seen: Set<string>;
	private readonly pool: TrialProcess[] = [];
	/** The trials running on local trial processes (stopped when the signal aborts). */
	private readonly running = new Set<TrialRun>();
	/** When run() began: the time budget counts from here. */
	private began = 0;
	private stopped = false;
	/** Whether the signal stopped the sweep. */
	get isStopped(): boolean {
		return this.stopped;
	}
	/** What the sweep runs (for an executor). */
	get config(): Readonly<SweepConfig> {
		return this.c;
	}
	get options(): Readonly<SweepOptions> {
		return this.opts;
	}
	/** -1 when higher is better. */
	get direction(): 1 | -1 {
		return this.sign;
	}
	private exhausted = false;
	private seq = 0;
	/** Wakes workers waiting for earlier trials to finish (see next()). */
	private readonly waiting = new Set<() => void>();

	private constructor(
		private readonly opts: SweepOptions,
		private readonly emit: (e: SweepEvent) => void,
		private readonly c: SweepConfig,
		readonly dir: string,
		readonly state: SweepState & { pid: number; pidStart?: string },
		private readonly resumed: boolean,
	) {
		this.sign = c.direction === 'maximize' ? -1 : 1;
		this.searcher = makeSearcher({ ...c.tuning, trials: c.planned }, c.seed);
		this.pruner = makePruner(c.tuning.pruning, this.lag);
		this.seen = new Set(state.trials.map((t) => JSON.stringify(t.params)));
		if (resumed) this.resume();
	}

	/** Validates the config, then creates the sweep folder, or reopens `opts.resume` (with the config it was started with). */
	static open(opts: SweepOptions, emit: (e: SweepEvent) => void): Sweep {
		const configPath = path.resolve(opts.configPath);
		const resumeDir = opts.resume ? path.resolve(opts.resume) : undefined;
		const prior = resumeDir ? readSweep(resumeDir) : undefined;
		if (resumeDir && !prior) throw new SweepRefused(tr('tune.notSweep', { dir: resumeDir }));
		// A sweep still running elsewhere is refused by its lock, taken when run() starts.
		const text =
			opts.text ?? (resumeDir ? readTextFile(path.join(resumeDir, 'config.yaml'), 16 * 1024 * 1024) : fs.readFileSync(configPath, 'utf8'));
		const v = validateConfig(configPath, text, { root: opts.workspaceRoot, allowOutside: opts.allowOutside });
		if (!v.ok || !v.resolved)
			throw new SweepRefused(
				tr('tune.configErrors', {
					errors: v.diagnostics
						.filter((d) => d.severity === 'error')
						.map((d) => d.message)
						.slice(0, 3)
						.join('; '),
				}),
			);
		const cfg = v.resolved;
		const tuning = cfg.tuning;
		if (!tuning) throw new SweepRefused(tr('tune.noTuning'));
		const metric = tuning.objective.metric;
		const c: SweepConfig = {
			configPath,
			text,
			cfg,
			tuning,
			root: v.policy.root,
			metric,
			direction: tuning.objective.direction === 'auto' ? (higherIsBetter(metric) ? 'maximize' : 'minimize') : tuning.objective.direction,
			folds: tuning.folds ?? cfg.data.split.folds ?? 1,
			seed: tuning.seed ?? cfg.seed,
			planned: opts.trials ?? trialCount(tuning),
			workers: Math.max(1, opts.workers ?? tuning.workers ?? opts.defaultWorkers ?? os.availableParallelism()),
		};
		const now = new Date().toISOString();
		if (resumeDir && prior) {
			return new Sweep(
				opts,
				emit,
				c,
				resumeDir,
				{
					...prior,
					...writerIdentity(),
					status: 'running',
					updatedAt: now,
					plannedTrials: Math.max(prior.plannedTrials, c.planned),
					workers: prior.workers ?? c.workers,
				},
				true,
			);
		}
		const runsDir = opts.runsDir ?? runsDirFor(configPath);
		const store = checkWriteDir(runsDir, v.policy);
		if (!store.ok) throw new Error(`run store: ${store.message}`);
		const dir = createRunDir(runsDir, `sweep-${cfg.name}`).dir;
		fs.writeFileSync(path.join(dir, 'config.yaml'), text);
		const state: SweepState & { pid: number; pidStart?: string } = {
			version: 1,
			id: path.basename(dir),
			name: cfg.name,
			configPath,
			strategy: tuning.strategy,
			objective: { metric, direction: c.direction },
			folds: c.folds,
			plannedTrials: c.planned,
			seed: c.seed,
			workers: c.workers,
			startedAt: now,
			updatedAt: now,
			status: 'running',
			trials: [],
			...writerIdentity(),
		};
		return new Sweep(opts, emit, c, dir, state, false);
	}

	save(): void {
		this.state.updatedAt = new Date().toISOString();
		writeJson(sweepFile(this.dir), this.state);
	}

	/**
	 * Runs trials on `workers` processes (or on `executor`: the Redis coordinator) until the plan,
	 * the strategy or the time budget is done, or the signal stops it.
	 */
	async run(executor?: TrialExecutor): Promise<SweepState> {
		const { state, opts } = this;
		// One process writes a sweep (engine/io/lock.ts, as for runs): a second resume is refused here.
		const lock = acquireLock(this.dir, `the sweep in ${this.dir}`);
		// Only now, holding the lock, may folds of the previous attempt be judged abandoned.
		const cleanup = this.resumed ? this.removeUnreferencedTrials() : undefined;
		this.save();
		this.emit({
			method: 'sweep/started',
			params: {
				sweepDir: this.dir,
				state,
				resumed: this.resumed,
				...(cleanup?.removed.length ? { removedTrials: cleanup.removed } : {}),
				...(cleanup?.kept.length ? { keptTrials: cleanup.kept } : {}),
			},
		});
		const entry = workerEntry(opts.workerScript);
		this.began = Date.now();
		const onAbort = () => {
			this.stopped = true;
			for (const r of this.running) r.stop();
			executor?.stop();
			this.wake();
		};
		if (opts.signal?.aborted) onAbort();
		else opts.signal?.addEventListener('abort', onAbort, { once: true });
		try {
			if (executor) await executor.run(this);
			else await Promise.all(Array.from({ length: this.c.workers }, () => this.workerLoop(entry)));
			state.status = this.stopped ? 'stopped' : 'completed';
		} catch (err) {
			// A lost connection to the queue interrupts the sweep: `--resume` completes it.
			state.status = (err as { sweepStatus?: SweepState['status'] }).sweepStatus ?? 'failed';
			throw err;
		} finally {
			opts.signal?.removeEventListener('abort', onAbort);
			for (const w of this.pool) w.dispose();
			this.updateBest();
			this.save();
			lock.release();
			this.emit({ method: 'sweep/finished', params: { sweepDir: this.dir, state } });
		}
		return state;
	}

	/**
	 * The search's lag: trial n sees trials 1…n − lag. The recorded parallelism on resume, so a
	 * resumed sweep continues the same sequence whatever `--workers` it is resumed with.
	 */
	private get lag(): number {
		return Math.max(1, this.state.workers ?? this.c.workers);
	}

	/**
	 * The next trial to run: a queued one first (unfinished before a resume), else a new point from
	 * the strategy; 'wait' while a trial it must see (numbered up to n − lag) is still running.
	 */
	next(): TrialRecord | 'wait' | undefined {
		const {
			state,
			c: { tuning },
		} = this;
		const queued = state.trials.find((t) => t.status === 'queued');
		if (queued) return queued;
		if (this.exhausted || state.trials.length >= state.plannedTrials) return undefined;
		if (tuning.timeBudget !== undefined && (Date.now() - this.began) / 1000 > tuning.timeBudget) return undefined;
		const number = state.trials.length + 1;
		if (state.trials.some((t) => t.number <= number - this.lag && t.status === 'running')) return 'wait';
		// A grid is finite: skip every point already recorded. Other strategies rarely repeat a point.
		for (let attempt = 0; tuning.strategy === 'grid' || attempt < 50; attempt++) {
			const params =
				tuning.strategy === 'grid' ? this.searcher.next(this.history(number)) : this.searcher.next(this.history(number), number);
			if (!params) {
				this.exhausted = true;
				return undefined;
			}
			const key = JSON.stringify(params);
			if (tuning.strategy !== 'grid' || !this.seen.has(key)) {
				this.seen.add(key);
				const t: TrialRecord = { number, params, status: 'queued' };
				state.trials.push(t);
				return t;
			}
		}
		this.exhausted = true;
		return undefined;
	}

	/** Runs `t`'s folds one after another on `w`; the trial ends completed, pruned, failed, or queued again when stopped. */
	async runTrial(w: TrialProcess, t: TrialRecord): Promise<void> {
		const r = this.startTrial(t, w.proc.pid ? { pid: w.proc.pid } : {});
		const started = Date.now();
		const run = new TrialRun(w, this.trialSpec(r), {
			nextId: () => ++this.seq,
			onEpoch: (e) => this.emitEpoch(r.number, e),
			shouldPrune: (epoch, value) => this.pruner?.report(r.number, epoch, value) ?? false,
		});
		this.running.add(run);
		try {
			await run.run(r);
		} finally {
			this.running.delete(run);
		}
		this.endTrial(r, Date.now() - started);
	}

	/** Marks `t` running (its folds start now) and says so; `worker` names a remote worker. */
	startTrial(t: TrialRecord, on: { pid?: number; worker?: string }): RunningTrial {
		t.status = 'running';
		t.startedAt = new Date().toISOString();
		const r: RunningTrial = Object.assign(t, { runDirs: [], foldScores: [], intermediate: [] });
		this.save();
		this.emit({ method: 'sweep/trialStarted', params: { number: r.number, params: r.params, ...on } });
		return r;
	}

	/** Passes an event on to the sweep's listener (an executor's own trialStarted, with the worker). */
	emitEvent(e: SweepEvent): void {
		this.emit(e);
	}

	/** A trial's epoch, for the live table and the panel. */
	emitEpoch(number: number, e: { fold: number; epoch: number; logs: Record<string, number>; value?: number }): void {
		this.emit({ method: 'sweep/trialEpoch', params: { number, ...e } });
	}

	/** Records a first-fold value of a trial with the pruner (lower is better); true when the trial should stop. */
	reportPrune(number: number, epoch: number, signedBest: number): boolean {
		return this.pruner?.report(number, epoch, signedBest) ?? false;
	}

	/** Scores a trial whose folds have ended (mean and spread over folds), records it, and says so. */
	endTrial(r: RunningTrial, durationMs: number): void {
		if (r.foldScores.length) {
			const xs = r.foldScores;
			const score = xs.reduce((a, b) => a + b, 0) / xs.length;
			r.score = score;
			r.std = Math.sqrt(xs.reduce((a, b) => a + (b - score) ** 2, 0) / xs.length);
		}
		r.durationMs = durationMs;
		if (r.status === 'completed' || r.status === 'pruned') this.pruner?.complete(r.number);
		this.updateBest();
		this.save();
		const { best } = this.state;
		if (r.status !== 'queued') this.emit({ method: 'sweep/trialEnded', params: { trial: r, ...(best ? { best } : {}) } });
		this.wake();
	}

	/** Wakes the trial loops waiting for earlier trials to finish (see next()). */
	wake(): void {
		for (const wake of this.waiting) wake();
		this.waiting.clear();
	}

	/** How trial `r`'s folds run: the sweep's config with the trial's values, runs under `<sweep>/trials/`. */
	trialSpec(r: Pick<TrialRecord, 'number' | 'params'>): TrialSpec {
		const { opts, c } = this;
		return {
			textFor: (name) => this.trialText(r.params, name),
			configPath: c.configPath,
			runsDir: path.join(this.dir, 'trials'),
			workspaceRoot: c.root,
			allowOutside: opts.allowOutside,
			...(opts.backend ? { backend: opts.backend } : {}),
			name: this.trialName(r.number),
			folds: c.folds,
			metric: c.metric,
			sign: this.sign,
			pruningRule: c.tuning.pruning.type,
		};
	}

	/** The config text of one run of a trial: the sweep's config with the trial's values and the run's name. */
	trialText(params: TrialRecord['params'], runName: string): string {
		return applyParams(this.c.text, { ...params, name: runName });
	}

	trialName(number: number): string {
		return `${this.c.cfg.name}-t${String(number).padStart(3, '0')}`;
	}

	/**
	 * Unfinished trials run again with the same values, from their first fold (their earlier fold
	 * runs are dropped, and their folders removed when run() starts); the strategy and pruner catch
	 * up with what was recorded.
	 */
	private resume(): void {
		const { state } = this;
		for (const t of state.trials)
			if (t.status === 'running' || t.status === 'queued') {
				t.status = 'queued';
				delete t.intermediate;
				delete t.foldScores;
				delete t.runDirs;
			}
		// Random and TPE points come from the trial number (a resumed sweep continues the sequence);
		// a grid skips the points it has recorded.
		// Finished trials' curves go back into the pruner before they count as finished.
		for (const t of state.trials) {
			if (t.status !== 'completed' && t.status !== 'pruned') continue;
			let best: number | undefined;
			t.intermediate?.forEach((v, i) => {
				best = best === undefined ? v : this.sign > 0 ? Math.min(best, v) : Math.max(best, v);
				this.pruner?.report(t.number, i + 1, this.sign * best);
			});
			this.pruner?.complete(t.number);
		}
	}

	/**
	 * On resume, under the sweep's lock: removes the run folders in `<sweep>/trials/` that no trial
	 * of sweep.json references — folds that were running when the sweep was stopped or killed (their
	 * trials run again). Only Modelwright runs are removed: a folder directly in this sweep's own
	 * `trials/` (by real path) with a valid summary.json, not in use by a live job, holding nothing
	 * Modelwright does not write (`deleteRunFolder`). Anything else is left and reported.
	 */
	private removeUnreferencedTrials(): { removed: string[]; kept: { dir: string; reason: string }[] } {
		const removed: string[] = [];
		const kept: { dir: string; reason: string }[] = [];
		const trials = path.join(this.dir, 'trials');
		const real = (p: string) => {
			try {
				return fs.realpathSync(p);
			} catch {
				return path.resolve(p);
			}
		};
		let names: string[];
		try {
			// trials/ must be this sweep's own folder, not a link to another run store.
			if (!fs.lstatSync(trials).isDirectory() || real(trials) !== path.join(real(this.dir), 'trials')) {
				kept.push({ dir: trials, reason: 'trials/ is not a folder of this sweep (a link?); nothing in it was removed' });
				return { removed, kept };
			}
			names = fs.readdirSync(trials);
		} catch {
			return { removed, kept }; // no trials yet
		}
		// Matched by folder name as well as by real path: a sweep folder that was moved or reached
		// through another mount keeps old absolute paths in sweep.json, and its recorded runs must stay.
		const runDirs = this.state.trials.flatMap((t) => t.runDirs ?? []);
		const referenced = new Set(runDirs.map(real));
		const referencedNames = new Set(runDirs.map((d) => path.basename(d)));
		for (const name of names) {
			const dir = path.join(trials, name);
			if (referencedNames.has(name) || referenced.has(real(dir))) continue;
			const checked = checkRunDir(dir, { runsDir: trials, explicit: true, cwd: this.dir });
			if (!checked.ok) {
				kept.push({ dir, reason: checked.message });
				continue;
			}
			const refused = deleteRunFolder(checked.run);
			if (refused) kept.push({ dir, reason: refused });
			else removed.push(dir);
		}
		return { removed, kept };
	}

	private async workerLoop(entry: WorkerEntry): Promise<void> {
		let w: TrialProcess | undefined;
		for (;;) {
			if (this.stopped) break;
			const t = this.next();
			if (t === 'wait') {
				await new Promise<void>((resolve) => this.waiting.add(resolve));
				continue;
			}
			if (!t) break;
			if (!w || w.dead) {
				w = new TrialProcess(entry, { parallel: this.c.workers });
				this.pool.push(w);
			}
			await this.runTrial(w, t);
		}
		w?.dispose();
	}

	/** Scored trials as the searcher sees them (minimised): those numbered up to `number` − lag, in number order. */
	private history(number: number): Observation[] {
		return this.state.trials
			.filter((t) => t.number <= number - this.lag && t.score !== undefined && (t.status === 'completed' || t.status === 'pruned'))
			.map((t) => ({ params: t.params, score: this.sign * t.score! }));
	}

	/** The best completed trial; ties go to the lower trial number. */
	private updateBest(): void {
		const done = this.state.trials.filter((t) => t.status === 'completed' && t.score !== undefined);
		const best = done.sort((a, b) => this.sign * (a.score! - b.score!) || a.number - b.number)[0];
		if (best) this.state.best = { number: best.number, score: best.score!, params: best.params };
	}
}
