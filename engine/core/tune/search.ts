/**
 * Search strategies: grid (every combination), random (seeded draws) and a model-based
 * Tree-structured Parzen Estimator. TPE over GP because the space mixes categorical, integer
 * and log-scaled dimensions with conditions between them, which TPE handles per dimension at a
 * cost linear in the number of trials; a GP needs a kernel over mixed spaces and O(n³) fits.
 */
import { createRng, mixSeed, type Rng } from '../random';
import {
	active,
	dimensions,
	fromUnit,
	gridPoints,
	ordered,
	sampleOne,
	sampleRandom,
	toUnit,
	type Dimension,
	type ParamValue,
	type Params,
} from './space';
import type { TuningConfig } from '../config/schema';

export interface Observation {
	params: Params;
	/** Lower is better (maximised objectives are negated). */ score: number;
}

export interface Searcher {
	/**
	 * The point for trial `trial` (1-based; by default one after the previous call), or undefined
	 * when the strategy is exhausted (grid). Random draws come from the sweep seed and the trial
	 * number, so a point depends on its number and `history`, never on the order or timing of calls.
	 */
	next(history: readonly Observation[], trial?: number): Params | undefined;
}

export function makeSearcher(tuning: Pick<TuningConfig, 'space' | 'strategy' | 'trials'>, seed: number): Searcher {
	const dims = dimensions(tuning.space);
	let last = 0;
	const rngFor = (trial: number | undefined) => createRng(mixSeed(seed, (last = trial ?? last + 1)));
	switch (tuning.strategy ?? 'random') {
		case 'grid':
			return new GridSearch(dims, tuning.trials ?? 20, createRng(seed));
		case 'bayesian': {
			const tpe = new TpeSearch(dims);
			return { next: (history, trial) => tpe.next(history, rngFor(trial)) };
		}
		default:
			return { next: (_history, trial) => sampleRandom(dims, rngFor(trial)) };
	}
}

class GridSearch implements Searcher {
	private readonly points: Params[];
	private i = 0;
	constructor(dims: Dimension[], trials: number, rng: Rng) {
		const all = gridPoints(dims);
		// A capped grid samples the whole grid (seeded) rather than its first corner.
		if (trials < all.length) {
			for (let k = all.length - 1; k > 0; k--) {
				const j = rng.int(k + 1);
				[all[k], all[j]] = [all[j]!, all[k]!];
			}
			all.length = trials;
		}
		this.points = all;
	}
	/** Grid points in their (seeded) order, one per call (the sweep skips those it has recorded). */
	next(): Params | undefined {
		return this.points[this.i++];
	}
}

interface TpeOptions {
	startup: number;
	gamma: number;
	candidates: number;
	priorWeight: number;
}

/** TPE: each call draws from the generator it is given (the sweep's, for that trial). */
export class TpeSearch {
	private readonly opts: TpeOptions;
	private rng: Rng = createRng(0);
	constructor(
		private readonly dims: Dimension[],
		opts: Partial<TpeOptions> = {},
	) {
		this.opts = { startup: 8, gamma: 0.15, candidates: 24, priorWeight: 1, ...opts };
	}

	next(history: readonly Observation[], rng: Rng): Params {
		this.rng = rng;
		const done = history.filter((h) => Number.isFinite(h.score));
		if (done.length < this.opts.startup) return sampleRandom(this.dims, this.rng);
		// Ties keep history order (trial number): the split into good and bad is reproducible.
		const sorted = [...done].sort((a, b) => a.score - b.score);
		const nGood = Math.max(1, Math.ceil(this.opts.gamma * sorted.length));
		const good = sorted.slice(0, nGood);
		const bad = sorted.slice(nGood);
		const out: Params = {};
		for (const d of ordered(this.dims)) {
			if (!active(d, out)) continue;
			const g = good.filter((o) => o.params[d.key] !== undefined).map((o) => o.params[d.key]!);
			const b = bad.filter((o) => o.params[d.key] !== undefined).map((o) => o.params[d.key]!);
			out[d.key] = d.kind === 'choice' ? this.categorical(d, g, b) : this.numeric(d, g as number[], b as number[]);
		}
		return out;
	}

	private categorical(d: Dimension, good: ParamValue[], bad: ParamValue[]): ParamValue {
		const choices = 'choice' in d.param ? d.param.choice : [];
		const weights = (obs: ParamValue[]) => {
			const w = choices.map((c) => this.opts.priorWeight + obs.filter((o) => o === c).length);
			const total = w.reduce((a, x) => a + x, 0);
			return w.map((x) => x / total);
		};
		const l = weights(good);
		const g = weights(bad);
		let best = 0;
		let bestRatio = -Infinity;
		for (let k = 0; k < this.opts.candidates; k++) {
			let u = this.rng.next();
			let i = 0;
			while (i < l.length - 1 && u >= l[i]!) u -= l[i++]!;
			const ratio = l[i]! / g[i]!;
			if (ratio > bestRatio) {
				bestRatio = ratio;
				best = i;
			}
		}
		return choices[best] ?? sampleOne(d, this.rng);
	}

	private numeric(d: Dimension, good: number[], bad: number[]): number {
		const l = parzen(
			good.map((v) => toUnit(d, v)),
			this.opts.priorWeight,
		);
		const g = parzen(
			bad.map((v) => toUnit(d, v)),
			this.opts.priorWeight,
		);
		let best = 0.5;
		let bestScore = -Infinity;
		for (let k = 0; k < this.opts.candidates; k++) {
			const x = l.sample(this.rng);
			const score = Math.log(l.pdf(x) + 1e-12) - Math.log(g.pdf(x) + 1e-12);
			if (score > bestScore) {
				bestScore = score;
				best = x;
			}
		}
		return fromUnit(d, best);
	}
}

/** A truncated-Gaussian mixture on [0, 1]: one kernel per observation plus a wide prior kernel. */
export function parzen(points: number[], priorWeight: number): { pdf(x: number): number; sample(rng: Rng): number } {
	const mus = [...points.map((p) => Math.min(1, Math.max(0, p))), 0.5];
	const sorted = [...mus.slice(0, -1)].sort((a, b) => a - b);
	const minBw = 1 / Math.min(100, points.length + 2);
	const sigmas = mus.map((m, i) => {
		if (i === mus.length - 1) return 1; // the prior
		const j = sorted.indexOf(m);
		const left = j > 0 ? m - sorted[j - 1]! : m;
		const right = j < sorted.length - 1 ? sorted[j + 1]! - m : 1 - m;
		return Math.min(1, Math.max(minBw, Math.max(left, right)));
	});
	const weights = mus.map((_, i) => (i === mus.length - 1 ? priorWeight : 1));
	const total = weights.reduce((a, w) => a + w, 0);
	const mass = mus.map((m, i) => normCdf((1 - m) / sigmas[i]!) - normCdf((0 - m) / sigmas[i]!));
	return {
		pdf(x) {
			let p = 0;
			for (let i = 0; i < mus.length; i++) {
				const z = (x - mus[i]!) / sigmas[i]!;
				p += ((weights[i]! / total) * Math.exp(-0.5 * z * z)) / (sigmas[i]! * Math.sqrt(2 * Math.PI) * Math.max(mass[i]!, 1e-12));
			}
			return p;
		},
		sample(rng) {
			let u = rng.next() * total;
			let i = 0;
			while (i < mus.length - 1 && u >= weights[i]!) u -= weights[i++]!;
			for (let tries = 0; tries < 50; tries++) {
				const x = rng.normal(mus[i], sigmas[i]);
				if (x >= 0 && x <= 1) return x;
			}
			return Math.min(1, Math.max(0, mus[i]!));
		},
	};
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 via erf). */
export function normCdf(z: number): number {
	const t = 1 / (1 + (0.3275911 * Math.abs(z)) / Math.SQRT2);
	const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-(z * z) / 2);
	return z >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}
