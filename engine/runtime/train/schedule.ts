/** Learning-rate schedules per epoch, including the reduce-on-plateau step; pure functions of resolved configs. */
import type { ResolvedConfig } from '../../core/config/resolve';
import type { PlateauState } from '../../core/records';
import { higherIsBetter } from '../../core/facts';

export type Schedule = NonNullable<ResolvedConfig['training']['learningRateSchedule']>;
export type PlateauSchedule = Extract<Schedule, { type: 'reduceOnPlateau' }>;

export function isBetter(monitor: string, mode: 'auto' | 'min' | 'max', value: number, best: number, minDelta: number): boolean {
	const max = mode === 'max' || (mode === 'auto' && higherIsBetter(monitor));
	return max ? value > best + minDelta : value < best - minDelta;
}

export function initialBest(monitor: string, mode: 'auto' | 'min' | 'max'): number {
	return isBetter(monitor, mode, 1, 0, 0) ? -Infinity : Infinity;
}

/** Learning rate of epoch `e` (0-based) of `epochs`, for the stateless schedules. */
export function scheduledRate(s: Schedule | undefined, lr0: number, e: number, epochs: number): number {
	if (!s) return lr0;
	switch (s.type) {
		case 'constant':
			return lr0;
		case 'step':
			return lr0 * s.gamma ** Math.floor(e / s.stepSize);
		case 'exponential':
			return lr0 * s.decayRate ** (e / s.decayEpochs);
		case 'cosine': {
			const warm = s.warmupEpochs;
			const min = s.minLearningRate;
			if (e < warm) return (lr0 * (e + 1)) / (warm + 1);
			const span = Math.max(1, epochs - warm - 1);
			return min + 0.5 * (lr0 - min) * (1 + Math.cos((Math.PI * (e - warm)) / span));
		}
		case 'reduceOnPlateau':
			return lr0;
	}
}

/** Updates the plateau state after an epoch; returns the learning rate for the next one. */
export function plateauStep(s: PlateauSchedule, st: PlateauState, value: number | undefined): number {
	if (value === undefined || !Number.isFinite(value)) return st.lr;
	if (st.cooldown > 0) st.cooldown--;
	if (isBetter(s.monitor, 'auto', value, st.best, s.minDelta)) {
		st.best = value;
		st.wait = 0;
	} else if (st.cooldown === 0) {
		st.wait++;
		// As Keras: reduce once `patience` epochs in a row did not improve.
		if (st.wait >= s.patience) {
			st.lr = Math.max(s.minLearningRate, st.lr * s.factor);
			st.wait = 0;
			st.cooldown = s.cooldown;
		}
	}
	return st.lr;
}
