/** Learning-rate schedules per epoch, including the stateful reduce-on-plateau. */
import type { ScheduleConfig } from '../../core/config/schema';
import type { PlateauState } from '../../core/records';
import { higherIsBetter } from '../../core/facts';


export function isBetter(monitor: string, mode: 'auto' | 'min' | 'max', value: number, best: number, minDelta: number): boolean {
	const max = mode === 'max' || (mode === 'auto' && higherIsBetter(monitor));
	return max ? value > best + minDelta : value < best - minDelta;
}

export function initialBest(monitor: string, mode: 'auto' | 'min' | 'max'): number {
	return isBetter(monitor, mode, 1, 0, 0) ? -Infinity : Infinity;
}

/** Learning rate of epoch `e` (0-based) of `epochs`, for the stateless schedules. */
export function scheduledRate(s: ScheduleConfig | undefined, lr0: number, e: number, epochs: number): number {
	if (!s) return lr0;
	const f = s as Record<string, any>;
	switch (s.type) {
		case 'constant': return lr0;
		case 'step': return lr0 * (f.gamma ?? 0.1) ** Math.floor(e / f.stepSize);
		case 'exponential': return lr0 * (f.decayRate ?? 0.96) ** (e / (f.decayEpochs ?? 1));
		case 'cosine': {
			const warm = f.warmupEpochs ?? 0;
			const min = f.minLearningRate ?? 0;
			if (e < warm) return (lr0 * (e + 1)) / (warm + 1);
			const span = Math.max(1, epochs - warm - 1);
			return min + 0.5 * (lr0 - min) * (1 + Math.cos((Math.PI * (e - warm)) / span));
		}
		case 'reduceOnPlateau': return lr0;
	}
}

/** Updates the plateau state after an epoch; returns the learning rate for the next one. */
export function plateauStep(s: Extract<ScheduleConfig, { type: 'reduceOnPlateau' }>, st: PlateauState, value: number | undefined): number {
	const f = s as Record<string, any>;
	if (value === undefined || !Number.isFinite(value)) return st.lr;
	const monitor = f.monitor ?? 'val_loss';
	if (st.cooldown > 0) st.cooldown--;
	if (isBetter(monitor, 'auto', value, st.best, f.minDelta ?? 1e-4)) {
		st.best = value;
		st.wait = 0;
	} else if (st.cooldown === 0) {
		st.wait++;
		if (st.wait > (f.patience ?? 10)) {
			st.lr = Math.max(f.minLearningRate ?? 0, st.lr * (f.factor ?? 0.1));
			st.wait = 0;
			st.cooldown = f.cooldown ?? 0;
		}
	}
	return st.lr;
}
