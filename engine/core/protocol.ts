/**
 * Events of an engine job, declared once. The CLI (in-process) and the extension (through the
 * engine process, engine/core/rpc.ts) import this file; it has no vscode import. Each
 * message is a namespace with its method name and params type, vscode-jsonrpc style; an
 * EngineEvent is `{ method, params }` of one of them.
 */

import type { DataFingerprint } from './data/fingerprint';

export interface DataSummary {
	rows: number;
	droppedRows: number;
	features: string[];
	inputs: number;
	label: string;
	task: 'regression' | 'binaryClassification' | 'multiclassClassification';
	classes?: (string | number)[];
	split: { train: number; validation: number; test: number };
	/** Why rows were dropped (each row under its first reason): how many, and the first few places. */
	dropped?: DroppedRows[];
	/** Features with no value in the training rows (every value missing): filled with a constant. */
	emptyFeatures?: string[];
	/** What the user should know about the data (empty features, classes missing from a split). */
	warnings?: string[];
	/** Content hashes of the data and of each split's rows (core/data/fingerprint.ts), checked by evaluate and predict. */
	fingerprint?: DataFingerprint;
}

export interface DroppedRows {
	/** `missing label` or ``missing value in `col` `` (rows with a missing label are always dropped). */
	reason: string;
	rows: number;
	/** The first few: file lines (`unit: 'line'`, CSV files) or 1-based row numbers. */
	lines: number[];
	unit: 'line' | 'row';
}

/** Values logged at the end of an epoch: `loss`, `val_loss`, metrics and `val_` metrics, `lr`. */
export type EpochLogs = Record<string, number>;

export interface JobStartedParams {
	runId: string;
	runDir: string;
	configPath?: string;
	name: string;
	backend: string;
	epochs: number;
	resumedFrom?: number;
	startedAt: string;
}
export interface DataLoadedParams extends DataSummary {
	inputShape: number[];
	ms: number;
}
export interface EpochEndParams {
	epoch: number;
	epochs: number;
	logs: EpochLogs;
	ms: number;
	elapsedMs: number;
}
export interface BatchProgressParams {
	epoch: number;
	batch: number;
	batches: number;
	loss?: number;
}
export interface CheckpointWrittenParams {
	epoch: number;
	path: string;
}
export interface EvaluationReadyParams {
	split: string;
	path: string;
	metrics: Record<string, number>;
}
export interface FinishedParams {
	runDir: string;
	status: 'completed' | 'stopped';
	epochs: number;
	finalLogs: EpochLogs;
	bestLogs?: EpochLogs;
	bestEpoch?: number;
	stopReason?: string;
	totalMs: number;
	weights?: { weight: number[]; bias: number[] };
}
export interface FailedParams {
	message: string;
	kind: 'invalidConfig' | 'data' | 'nonFinite' | 'backend' | 'internal';
	runDir?: string;
	epoch?: number;
}
export interface CancelledParams {
	reason: string;
	epoch: number;
	runDir?: string;
}

export namespace JobStarted {
	export const method = 'job/started' as const;
	export type Params = JobStartedParams;
}
export namespace DataLoaded {
	export const method = 'job/dataLoaded' as const;
	export type Params = DataLoadedParams;
}
export namespace EpochEnd {
	export const method = 'job/epochEnd' as const;
	export type Params = EpochEndParams;
}
export namespace BatchProgress {
	export const method = 'job/batch' as const;
	export type Params = BatchProgressParams;
}
export namespace CheckpointWritten {
	export const method = 'job/checkpoint' as const;
	export type Params = CheckpointWrittenParams;
}
export namespace EvaluationReady {
	export const method = 'job/evaluation' as const;
	export type Params = EvaluationReadyParams;
}
export namespace JobFinished {
	export const method = 'job/finished' as const;
	export type Params = FinishedParams;
}
export namespace JobFailed {
	export const method = 'job/failed' as const;
	export type Params = FailedParams;
}
export namespace JobCancelled {
	export const method = 'job/cancelled' as const;
	export type Params = CancelledParams;
}

type Ev<N extends { method: string }, P> = { method: N['method']; params: P };
export type EngineEvent =
	| Ev<typeof JobStarted, JobStarted.Params>
	| Ev<typeof DataLoaded, DataLoaded.Params>
	| Ev<typeof EpochEnd, EpochEnd.Params>
	| Ev<typeof BatchProgress, BatchProgress.Params>
	| Ev<typeof CheckpointWritten, CheckpointWritten.Params>
	| Ev<typeof EvaluationReady, EvaluationReady.Params>
	| Ev<typeof JobFinished, JobFinished.Params>
	| Ev<typeof JobFailed, JobFailed.Params>
	| Ev<typeof JobCancelled, JobCancelled.Params>;

export type EngineEventMethod = EngineEvent['method'];
/** The sink a job reports to. */
export type EventSink = (event: EngineEvent) => void;

/** Minimum interval between batch progress events. */
export const BATCH_EVENT_INTERVAL_MS = 250;
