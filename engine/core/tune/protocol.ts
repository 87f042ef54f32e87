/**
 * Events of a hyperparameter sweep, declared once (CLI, engine process, extension and the
 * trials panel import this file). Like engine/core/protocol.ts: `{ method, params }` messages.
 */
import type { EpochLogs } from '../protocol';
import type { Params } from './space';

export type TrialStatus = 'queued' | 'running' | 'completed' | 'pruned' | 'failed';

export interface TrialRecord {
	number: number;
	params: Params;
	status: TrialStatus;
	/** Mean objective over folds (as logged: not negated). */
	score?: number;
	std?: number;
	/** Per-fold objective values. */
	foldScores?: number[];
	/** Objective per epoch of the first fold: what pruning decides on and the panel draws. */
	intermediate?: number[];
	runDirs?: string[];
	startedAt?: string;
	durationMs?: number;
	message?: string;
	/** Distributed sweeps: the worker (`modelwright worker --name`) that ran the trial. */
	worker?: string;
	/** Distributed sweeps: every start of the trial on a worker, the last one the recorded run; earlier ones were lost (worker killed, stalled) and retried. */
	attempts?: TrialAttempt[];
	/** Distributed sweeps: the trial's job on the sweep's queue (resume reattaches to it). */
	job?: string;
}

export interface TrialAttempt {
	worker: string;
	startedAt: string;
	/** How this start ended: the one recorded, or lost (its worker died or stalled; the trial ran again). */
	outcome: 'recorded' | 'lost' | 'failed';
}

export interface SweepState {
	version: 1;
	id: string;
	name: string;
	configPath: string;
	strategy: 'grid' | 'random' | 'bayesian';
	objective: { metric: string; direction: 'minimize' | 'maximize' };
	folds: number;
	plannedTrials: number;
	seed: number;
	/**
	 * The parallelism the search was planned for (absent in sweeps from before it was recorded):
	 * trial n is proposed and pruned from trials 1…n − workers only, all finished by then, so the
	 * same config, seed and workers give the same trials and the same winner.
	 */
	workers?: number;
	startedAt: string;
	updatedAt: string;
	status: 'running' | 'completed' | 'stopped' | 'interrupted' | 'failed';
	trials: TrialRecord[];
	best?: { number: number; score: number; params: Params };
	/** A sweep whose trials run on a Redis queue (`tune --redis`): the queue, and Redis without its password. */
	distributed?: { queue: string; redis: string; protocol: number };
}

export interface SweepStartedParams {
	sweepDir: string;
	state: SweepState;
	resumed: boolean;
	/**
	 * On resume: the run folders under `trials/` that sweep.json did not reference (folds of trials
	 * that were running when the sweep stopped or died; those trials run again), removed.
	 */
	removedTrials?: string[];
	/** Unreferenced entries of `trials/` left in place, with why (not a run, in use, foreign files). */
	keptTrials?: { dir: string; reason: string }[];
}
export interface TrialStartedParams {
	number: number;
	params: Params;
	/** The worker process running it. */ pid?: number;
	/** The remote worker running it (distributed sweeps). */
	worker?: string;
	/** Which start of the trial this is (distributed sweeps: above 1 after a worker was lost). */
	attempt?: number;
}
export interface TrialEpochParams {
	number: number;
	fold: number;
	epoch: number;
	logs: EpochLogs;
	value?: number;
}
export interface TrialEndedParams {
	trial: TrialRecord;
	best?: SweepState['best'];
}
export interface SweepFinishedParams {
	sweepDir: string;
	state: SweepState;
}

export namespace SweepStarted {
	export const method = 'sweep/started' as const;
	export type Params = SweepStartedParams;
}
export namespace TrialStarted {
	export const method = 'sweep/trialStarted' as const;
	export type Params = TrialStartedParams;
}
export namespace TrialEpoch {
	export const method = 'sweep/trialEpoch' as const;
	export type Params = TrialEpochParams;
}
export namespace TrialEnded {
	export const method = 'sweep/trialEnded' as const;
	export type Params = TrialEndedParams;
}
export namespace SweepFinished {
	export const method = 'sweep/finished' as const;
	export type Params = SweepFinishedParams;
}

type Ev<N extends { method: string }, P> = { method: N['method']; params: P };
export type SweepEvent =
	| Ev<typeof SweepStarted, SweepStarted.Params>
	| Ev<typeof TrialStarted, TrialStarted.Params>
	| Ev<typeof TrialEpoch, TrialEpoch.Params>
	| Ev<typeof TrialEnded, TrialEnded.Params>
	| Ev<typeof SweepFinished, SweepFinished.Params>;
