/** Checkpoints every `checkpoint.every` epochs, and the resume that continues from one. */
import * as tf from '@tensorflow/tfjs';
import type { Checkpoint } from '../../../core/records';
import type { EpochLogs } from '../../../core/protocol';
import type { EngineOptimizer } from '../optimizers';
import { deserialise, restoreWeights, serialise, serialiseAll } from '../serial';
import { callbackState, type CallbackList, type TrainCallback } from './callback';
import { append } from '../../../core/arrays';

export interface CheckpointerOptions {
	every: number;
	epochs: number;
	model: tf.LayersModel;
	optimizer: EngineOptimizer;
	history: readonly EpochLogs[];
	/** The callbacks whose state a checkpoint carries (learning rate, early stopping). */
	parts: readonly (TrainCallback | undefined)[];
	write: (ck: Checkpoint) => void | Promise<void>;
}

export class Checkpointer implements TrainCallback {
	constructor(private readonly o: CheckpointerOptions) {}

	/** Runs last: a checkpoint holds the other callbacks' state after this epoch. The last epoch needs none. */
	async onEpochEnd(epoch: number): Promise<void> {
		const { every, epochs, model, optimizer, history } = this.o;
		if (every <= 0 || (epoch + 1) % every !== 0 || epoch + 1 >= epochs) return;
		const ow = await optimizer.getState();
		const ck: Checkpoint = {
			version: 1,
			epoch: epoch + 1,
			history: history.map((h) => ({ ...h })),
			weights: serialiseAll(model.getWeights()),
			optimizer: ow.map((w) => serialise(w.name, w.tensor)),
			...callbackState(this.o.parts),
		};
		tf.dispose(ow.map((w) => w.tensor));
		await this.o.write(ck);
	}
}

/** Puts a checkpoint's weights, optimizer state, history and callback state back; returns the epoch to continue from. */
export async function restoreCheckpoint(
	ck: Checkpoint,
	to: { model: tf.LayersModel; optimizer: EngineOptimizer; history: EpochLogs[]; callbacks: CallbackList },
): Promise<number> {
	restoreWeights(to.model, ck.weights);
	const ow = ck.optimizer.map((s) => ({ name: s.name, tensor: deserialise(s) }));
	await to.optimizer.setState(ow);
	tf.dispose(ow.map((w) => w.tensor));
	append(to.history, ck.history);
	to.callbacks.resume(ck);
	return ck.epoch;
}
