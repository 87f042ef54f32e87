/**
 * The training loop: pre-batched tensors (no model.fit), seeded shuffles and dropout masks
 * derived from (seed, epoch) so a resumed run repeats an uninterrupted one, cancellation at
 * batch boundaries and a stop on a NaN/Inf loss. Schedules, early stopping, progress and
 * checkpoints are callbacks (callbacks/), run in a fixed order after each epoch's logs.
 * Everything created per epoch is disposed: tf.memory() stays flat.
 */
import type * as tf from '@tensorflow/tfjs';
import type { ResolvedConfig } from '../../core/config/resolve';
import type { BatchProgressParams, EpochLogs } from '../../core/protocol';
import type { Checkpoint } from '../../core/records';
import { createRng, mixSeed } from '../../core/random';
import type { PreparedData } from '../data/prepare';
import { buildModel } from '../model/build';
import { makeAugment } from './augment';
import { EpochBatches, epochOrder } from './batches';
import { CallbackList, type BatchEnd, type Stop } from './callbacks/callback';
import { Checkpointer, restoreCheckpoint } from './callbacks/checkpointer';
import { EarlyStopping } from './callbacks/earlyStopping';
import { learningRate } from './callbacks/learningRate';
import { EventLoopYield, Progress } from './callbacks/progress';
import { nonFiniteStop } from './nonFinite';
import { FusedTrainer, planFused, type TrainPath, type TrainPathChoice } from './fused/fused';
import { makeOptimizer } from './optimizers';
import { Trainer } from './trainer';
import { weightedTrain } from './weights';
import { tr } from '../messages';

export interface TrainLoopOptions {
	config: ResolvedConfig;
	data: PreparedData;
	signal?: AbortSignal;
	onEpoch?: (epoch: number, logs: EpochLogs, ms: number) => void | Promise<void>;
	onBatch?: (p: BatchProgressParams) => void;
	onCheckpoint?: (ck: Checkpoint) => void | Promise<void>;
	resume?: Checkpoint;
	/** `auto` (default) trains on the fused path when it covers the config; `MODELWRIGHT_TRAIN_PATH` overrides it. */
	trainPath?: TrainPathChoice;
	/** Threads for the fused path (automatic when unset: 2 on big enough batches); `MODELWRIGHT_TRAIN_THREADS` overrides it. */
	threads?: number;
}

export type TrainStatus = 'completed' | Stop['status'];

export interface TrainResult {
	model: tf.LayersModel;
	layerMap: number[][];
	history: EpochLogs[];
	status: TrainStatus;
	message?: string;
	bestEpoch?: number;
	bestLogs?: EpochLogs;
	/** Which step ran: the fused WebAssembly step or the tfjs ops; the reason says why. */
	trainPath: TrainPath;
	trainPathReason: string;
}

/** How often a long epoch lets signals and I/O in. */
const YIELD_EVERY_MS = 50;

export async function trainLoop(opts: TrainLoopOptions): Promise<TrainResult> {
	const { config, data } = opts;
	const t = config.training;
	const pre = data.preprocessing;
	const { model, layerMap } = buildModel(config.model.layers, pre.inputShape, {
		seed: mixSeed(config.seed, 3),
		...(pre.modelInputs ? { inputs: pre.modelInputs } : {}),
	});
	const plan = planFused(config, data, model, pathChoice(opts.trainPath));
	const fused = plan.ok ? new FusedTrainer(config, data, model, plan.layers, opts.threads) : undefined;
	const optimizer = fused ? fused.optimizer : makeOptimizer(t.optimizer);
	// Class weights ride with the training rows as an extra label column (weights.ts); the fused path declines them.
	const weighted = fused ? undefined : weightedTrain(config, data);
	const trainer = new Trainer(model, optimizer, config, data, weighted?.weighted);
	const history: EpochLogs[] = [];
	const rate = learningRate(t, optimizer);
	const early = t.earlyStopping ? new EarlyStopping(t.earlyStopping, Boolean(data.validation), model) : undefined;
	const checkpointer = opts.onCheckpoint
		? new Checkpointer({
				every: t.checkpoint.every,
				epochs: t.epochs,
				model,
				optimizer,
				history,
				parts: [rate, early],
				write: opts.onCheckpoint,
			})
		: undefined;
	const progress = new Progress({
		...(opts.onEpoch ? { onEpoch: opts.onEpoch } : {}),
		...(opts.onBatch ? { onBatch: opts.onBatch } : {}),
		logBatches: t.logBatches,
	});
	// The order is the order of effects: the next rate, the caller's epoch event, the stop decision, then the checkpoint.
	const callbacks = new CallbackList([rate, progress, new EventLoopYield(YIELD_EVERY_MS), early, checkpointer]);
	const startEpoch = opts.resume ? await restoreCheckpoint(opts.resume, { model, optimizer, history, callbacks }) : 0;
	if (opts.resume) fused?.loadWeights();
	const batches = fused
		? undefined
		: new EpochBatches(
				weighted!.train,
				pre.inputShape,
				weighted!.yShape,
				t.batchSize,
				t.shuffle,
				makeAugment(config.data.augmentation, pre.label.encoding, config.seed, pre.inputShape),
			);

	let stop: Stop | undefined;
	try {
		for (let epoch = startEpoch; epoch < t.epochs && !stop; epoch++) {
			callbacks.onEpochBegin(epoch);
			const rng = createRng(mixSeed(config.seed, 5, epoch));
			const onBatchEnd = (b: BatchEnd) => callbacks.onBatchEnd(epoch, b);
			let sums: number[] | undefined;
			if (fused) {
				sums = await fused.epoch(epochOrder(data.train.n, t.shuffle, rng), rng, opts.signal, t.logBatches, onBatchEnd);
				// The tfjs model holds the weights between epochs: validation, callbacks and checkpoints read it.
				fused.syncToModel();
			} else {
				const epochBatches = batches!.epoch(epoch, rng);
				sums = await trainer.epoch(epochBatches, rng, opts.signal, onBatchEnd);
				batches!.release(epochBatches);
			}
			if (!sums) {
				stop = { status: 'cancelled', message: tr('train.cancelled', { epoch: epoch + 1 }) };
				break;
			}
			const logs = trainer.logs(sums, data.train.n);
			stop = nonFiniteStop(config, epoch, rate.lr, logs);
			if (stop) {
				history.push({ ...logs, lr: rate.lr, epoch: epoch + 1 });
				break;
			}
			if (data.validation) Object.assign(logs, trainer.logs(trainer.evaluate(data.validation), data.validation.n, 'val_'));
			logs.lr = rate.lr;
			history.push(logs);
			stop = await callbacks.onEpochEnd(epoch, logs);
		}
	} finally {
		fused?.dispose();
		batches?.dispose();
		callbacks.onTrainEnd();
		optimizer.dispose();
		trainer.dispose();
	}
	const result: TrainResult = {
		model,
		layerMap,
		history,
		status: stop?.status ?? 'completed',
		...(stop ? { message: stop.message } : {}),
		trainPath: fused ? 'fused' : 'tfjs',
		trainPathReason: plan.ok
			? `dense stack covered by the fused WebAssembly step${fused!.threads > 1 ? ` (${fused!.threads} threads)` : ''}`
			: plan.reason,
	};
	if (early && early.bestEpoch >= 0) {
		result.bestEpoch = early.bestEpoch + 1;
		result.bestLogs = history[early.bestEpoch]!;
	}
	return result;
}

/** The caller's choice, unless MODELWRIGHT_TRAIN_PATH (tfjs | fused | auto) overrides it. */
function pathChoice(choice: TrainPathChoice | undefined): TrainPathChoice {
	const env = process.env.MODELWRIGHT_TRAIN_PATH;
	return env === 'tfjs' || env === 'fused' || env === 'auto' ? env : (choice ?? 'auto');
}
