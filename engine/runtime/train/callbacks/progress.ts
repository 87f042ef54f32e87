/** Reports epochs and batches to the caller, and lets the event loop in during long epochs. */
import { performance } from 'node:perf_hooks';
import type { BatchProgressParams, EpochLogs } from '../../../core/protocol';
import { BATCH_EVENT_INTERVAL_MS } from '../../../core/protocol';
import type { BatchEnd, TrainCallback } from './callback';

export interface ProgressOptions {
	onEpoch?: (epoch: number, logs: EpochLogs, ms: number) => void | Promise<void>;
	onBatch?: (p: BatchProgressParams) => void;
	/** Every batch with its running loss (reads the device each step); otherwise throttled, without the loss. */
	logBatches: boolean;
}

export class Progress implements TrainCallback {
	private epochStart = 0;
	private lastBatchEvent = 0;
	constructor(private readonly o: ProgressOptions) {}

	onEpochBegin(): void {
		this.epochStart = performance.now();
	}

	onBatchEnd(epoch: number, b: BatchEnd): void {
		const { onBatch, logBatches } = this.o;
		if (!onBatch) return;
		if (logBatches) {
			onBatch({ epoch, batch: b.batch, batches: b.batches, loss: b.loss() });
			return;
		}
		const now = performance.now();
		if (now - this.lastBatchEvent > BATCH_EVENT_INTERVAL_MS) {
			this.lastBatchEvent = now;
			onBatch({ epoch, batch: b.batch, batches: b.batches });
		}
	}

	async onEpochEnd(epoch: number, logs: EpochLogs): Promise<void> {
		await this.o.onEpoch?.(epoch, logs, performance.now() - this.epochStart);
	}
}

/** Yields to the event loop every `everyMs` of batches, so Ctrl+C and cancel requests get in without a yield per batch. */
export class EventLoopYield implements TrainCallback {
	private last = performance.now();
	constructor(private readonly everyMs: number) {}

	async onBatchEnd(): Promise<void> {
		if (performance.now() - this.last <= this.everyMs) return;
		await new Promise((r) => setImmediate(r));
		this.last = performance.now();
	}
}
