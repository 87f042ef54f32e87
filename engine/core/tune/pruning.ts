/**
 * Pruning hopeless trials from their intermediate values (per epoch, lower is better):
 * the median rule, and asynchronous successive halving (ASHA-style rungs).
 *
 * Trial n is judged only against trials numbered up to n − lag (the sweep's parallelism), which
 * the sweep lets finish before trial n starts: a decision never depends on which of the trials
 * running beside it happen to be ahead, so parallel sweeps prune the same trials every time.
 */
import type { TuningConfig } from '../config/schema';
import { extent, minOf } from '../arrays';

export interface Pruner {
	/** Records `value` for `trial` at `epoch` (1-based); true when the trial should stop. */
	report(trial: number, epoch: number, value: number): boolean;
	/** Marks a trial finished (its curve now counts for the median rule). */
	complete(trial: number): void;
}

type PruningConfig = NonNullable<TuningConfig['pruning']>;

export function makePruner(cfg: PruningConfig | undefined, lag = 1): Pruner | undefined {
	switch (cfg?.type ?? 'none') {
		case 'median':
			return new MedianPruner(cfg?.warmupEpochs ?? 5, cfg?.minTrials ?? 5, lag);
		case 'successiveHalving':
			return new SuccessiveHalving(Math.max(1, cfg?.warmupEpochs ?? 5), cfg?.reductionFactor ?? 3, lag);
		default:
			return undefined;
	}
}

const median = (xs: number[]) => {
	const s = [...xs].sort((a, b) => a - b);
	const m = s.length >> 1;
	return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Stops a trial whose best value so far is worse than the median of finished trials' best values at the same epoch. */
export class MedianPruner implements Pruner {
	private readonly curves = new Map<number, number[]>();
	private readonly finished = new Set<number>();
	constructor(
		private readonly warmup: number,
		private readonly minTrials: number,
		private readonly lag = 1,
	) {}

	report(trial: number, epoch: number, value: number): boolean {
		const c = this.curves.get(trial) ?? [];
		c[epoch - 1] = value;
		this.curves.set(trial, c);
		if (epoch <= this.warmup || this.finished.size < this.minTrials) return false;
		const bestSoFar = (xs: number[], upTo: number) => minOf(xs.slice(0, upTo).filter((x) => Number.isFinite(x)));
		const others = [...this.finished]
			.filter((t) => t <= trial - this.lag)
			.map((t) => this.curves.get(t))
			.filter((xs): xs is number[] => xs !== undefined && xs.length >= epoch)
			.map((xs) => bestSoFar(xs, epoch));
		if (others.length < this.minTrials) return false;
		return bestSoFar(c, epoch) > median(others);
	}

	complete(trial: number): void {
		this.finished.add(trial);
	}
}

/**
 * Rungs at epochs r, rη, rη², …: a trial reaching a rung continues only if its value is among
 * the best 1/η of the values recorded at that rung so far (asynchronous: early arrivals continue).
 */
export class SuccessiveHalving implements Pruner {
	private readonly rungs = new Map<number, Map<number, number>>();
	constructor(
		private readonly minResource: number,
		private readonly eta: number,
		private readonly lag = 1,
	) {}

	rungEpochs(max: number): number[] {
		const out: number[] = [];
		for (let r = this.minResource; r <= max; r *= this.eta) out.push(r);
		return out;
	}

	report(trial: number, epoch: number, value: number): boolean {
		let r = this.minResource;
		while (r < epoch) r *= this.eta;
		if (r !== epoch) return false;
		const rung = this.rungs.get(epoch) ?? new Map<number, number>();
		rung.set(trial, value);
		this.rungs.set(epoch, rung);
		const values = [...rung].filter(([t]) => t === trial || t <= trial - this.lag).map(([, v]) => v);
		if (values.length < this.eta) return false;
		values.sort((a, b) => a - b);
		const keep = Math.max(1, Math.floor(values.length / this.eta));
		return value > values[keep - 1]!;
	}

	complete(): void {}
}

/**
 * A pruned trial's score: the best of its finite intermediate values (`sign` > 0: the lowest, else
 * the highest), undefined when none is finite. A loop: a trial may report up to a million epochs.
 */
export function bestIntermediate(values: readonly number[], sign: number): number | undefined {
	const [lo, hi] = extent(values.filter((v) => Number.isFinite(v)));
	return lo > hi ? undefined : sign > 0 ? lo : hi;
}
