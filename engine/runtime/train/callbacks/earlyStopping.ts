/** Stops when the monitored value has not improved for `patience` epochs, optionally restoring the best weights. */
import * as tf from '@tensorflow/tfjs';
import type { Checkpoint } from '../../../core/records';
import type { EpochLogs } from '../../../core/protocol';
import type { ResolvedConfig } from '../../../core/config/resolve';
import { deserialise, serialiseAll } from '../serial';
import { initialBest, isBetter } from '../schedule';
import type { CallbackState, Stop, TrainCallback } from './callback';
import { tr } from '../../messages';

type EarlyStoppingConfig = NonNullable<ResolvedConfig['training']['earlyStopping']>;

export class EarlyStopping implements TrainCallback {
	private readonly monitor: string;
	private best: number;
	private wait = 0;
	/** 0-based; -1 until an epoch improves. */
	bestEpoch = -1;
	/** Copies of the best epoch's weights (restoreBest only). */
	private weights: tf.Tensor[] | undefined;

	constructor(
		private readonly es: EarlyStoppingConfig,
		hasValidation: boolean,
		private readonly model: tf.LayersModel,
	) {
		// Without a validation split, watch the training counterpart of a val_ metric.
		this.monitor = hasValidation || !es.monitor.startsWith('val_') ? es.monitor : es.monitor.slice(4);
		this.best = initialBest(this.monitor, es.mode);
	}

	onEpochEnd(epoch: number, logs: EpochLogs): Stop | undefined {
		const { es } = this;
		const v = logs[this.monitor];
		if (v !== undefined && isBetter(this.monitor, es.mode, v, this.best, es.minDelta)) {
			this.best = v;
			this.wait = 0;
			this.bestEpoch = epoch;
			if (es.restoreBest) {
				tf.dispose(this.weights ?? []);
				this.weights = this.model.getWeights().map((w) => tf.clone(w));
			}
			return undefined;
		}
		// As Keras and tfjs: stop once `patience` epochs in a row did not improve.
		if (++this.wait < es.patience) return undefined;
		if (es.restoreBest && this.weights) this.model.setWeights(this.weights);
		return {
			status: 'stopped',
			message: tr('train.earlyStopping', {
				monitor: this.monitor,
				wait: this.wait,
				best: this.best.toPrecision(4),
				epoch: this.bestEpoch + 1,
			}),
		};
	}

	onTrainEnd(): void {
		tf.dispose(this.weights ?? []);
		this.weights = undefined;
	}

	checkpointState(): CallbackState {
		return {
			early: {
				best: this.best,
				wait: this.wait,
				bestEpoch: this.bestEpoch,
				...(this.weights ? { weights: serialiseAll(this.weights) } : {}),
			},
		};
	}

	resume(ck: Checkpoint): void {
		if (!ck.early) return;
		this.best = ck.early.best;
		this.wait = ck.early.wait;
		this.bestEpoch = ck.early.bestEpoch;
		this.weights = ck.early.weights?.map(deserialise);
	}
}
