/** The learning rate of each epoch: a stateless schedule, or reduce-on-plateau with state that checkpoints carry. */
import type { Checkpoint, PlateauState } from '../../../core/records';
import type { EpochLogs } from '../../../core/protocol';
import type { ResolvedConfig } from '../../../core/config/resolve';
import type { EngineOptimizer } from '../optimizers';
import { initialBest, plateauStep, scheduledRate, type PlateauSchedule, type Schedule } from '../schedule';
import type { CallbackState, TrainCallback } from './callback';

/** A callback that sets the optimizer's rate at the start of every epoch. */
export interface LearningRate extends TrainCallback {
	/** The rate of the current epoch (logged as `lr`). */
	readonly lr: number;
}

type Setter = Pick<EngineOptimizer, 'setLearningRate'>;

export function learningRate(t: ResolvedConfig['training'], optimizer: Setter): LearningRate {
	const s = t.learningRateSchedule;
	const lr0 = t.optimizer.learningRate;
	return s?.type === 'reduceOnPlateau' ? new ReduceLROnPlateau(s, lr0, optimizer) : new ScheduledRate(s, lr0, t.epochs, optimizer);
}

export class ScheduledRate implements LearningRate {
	lr: number;
	constructor(
		private readonly s: Schedule | undefined,
		private readonly lr0: number,
		private readonly epochs: number,
		private readonly optimizer: Setter,
	) {
		this.lr = lr0;
	}

	onEpochBegin(epoch: number): void {
		this.lr = scheduledRate(this.s, this.lr0, epoch, this.epochs);
		this.optimizer.setLearningRate(this.lr);
	}
}

export class ReduceLROnPlateau implements LearningRate {
	private state: PlateauState;
	constructor(
		private readonly s: PlateauSchedule,
		lr0: number,
		private readonly optimizer: Setter,
	) {
		// A higher-is-better monitor (val_accuracy) starts from -Infinity, else it never improves.
		this.state = { best: initialBest(s.monitor, 'auto'), wait: 0, cooldown: 0, lr: lr0 };
	}

	get lr(): number {
		return this.state.lr;
	}

	onEpochBegin(): void {
		this.optimizer.setLearningRate(this.state.lr);
	}

	onEpochEnd(_epoch: number, logs: EpochLogs): void {
		// Without a validation split, a `val_` monitor reads its training counterpart.
		const mon = this.s.monitor;
		plateauStep(this.s, this.state, logs[mon] ?? logs[mon.replace(/^val_/, '')]);
	}

	checkpointState(): CallbackState {
		return { plateau: { ...this.state } };
	}

	resume(ck: Checkpoint): void {
		if (ck.plateau) this.state = { ...ck.plateau };
	}
}
