/**
 * What the training loop calls around epochs and batches, in the manner of tfjs-layers'
 * callbacks: each concern (schedules, early stopping, progress, checkpoints) keeps its own
 * state in a small object, and the loop only runs them in order.
 */
import type { Checkpoint } from '../../../core/records';
import type { EpochLogs } from '../../../core/protocol';

/** Why a run ends before its last epoch. */
export interface Stop {
	status: 'stopped' | 'cancelled' | 'nonFinite';
	message: string;
}

/** A finished batch. `loss` reads the device, so only callers that report it per batch call it. */
export interface BatchEnd {
	batch: number;
	batches: number;
	loss: () => number;
}

/** A callback's part of a checkpoint, so a resumed run continues it exactly. */
export type CallbackState = Pick<Checkpoint, 'plateau' | 'early'>;

export interface TrainCallback {
	onEpochBegin?(epoch: number): void;
	onBatchEnd?(epoch: number, b: BatchEnd): void | Promise<void>;
	/** `logs` are complete (training, validation, `lr`) and already in the history. */
	onEpochEnd?(epoch: number, logs: EpochLogs): Stop | void | Promise<Stop | void>;
	/** Frees what the callback holds (tensors); called however the run ends. */
	onTrainEnd?(): void;
	checkpointState?(): CallbackState;
	resume?(ck: Checkpoint): void;
}

export class CallbackList {
	private readonly callbacks: TrainCallback[];

	constructor(callbacks: readonly (TrainCallback | undefined)[]) {
		this.callbacks = callbacks.filter((c): c is TrainCallback => c !== undefined);
	}

	onEpochBegin(epoch: number): void {
		for (const c of this.callbacks) c.onEpochBegin?.(epoch);
	}

	async onBatchEnd(epoch: number, b: BatchEnd): Promise<void> {
		for (const c of this.callbacks) await c.onBatchEnd?.(epoch, b);
	}

	/** The first stop ends the epoch: later callbacks are not called (no checkpoint of an epoch that ends the run). */
	async onEpochEnd(epoch: number, logs: EpochLogs): Promise<Stop | undefined> {
		for (const c of this.callbacks) {
			const stop = await c.onEpochEnd?.(epoch, logs);
			if (stop) return stop;
		}
		return undefined;
	}

	onTrainEnd(): void {
		for (const c of this.callbacks) c.onTrainEnd?.();
	}

	resume(ck: Checkpoint): void {
		for (const c of this.callbacks) c.resume?.(ck);
	}
}

/** The checkpoint parts of `callbacks`, in their order. */
export function callbackState(callbacks: readonly (TrainCallback | undefined)[]): CallbackState {
	const out: CallbackState = {};
	for (const c of callbacks) Object.assign(out, c?.checkpointState?.());
	return out;
}
