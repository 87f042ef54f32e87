/**
 * The tuning page's data logic without DOM: the sweep as a mutable model (live updates replace
 * rows), best-trial tracking in the objective's direction, table sorting, axis scales for the
 * parallel coordinates, the best-so-far series and the CSV export.
 */
import type { DimensionView, SweepView, TrialStatus, TrialView, TrialsEpochParams, TrialsUpdateParams } from '../protocol';
import { csvCell } from '../curves/store';
import { extent, minOf } from '../../engine/core/arrays';
import { formatDuration as formatDurationIn } from '../../engine/core/format';
import type { Locale } from '../../engine/core/l10n';

export type Direction = SweepView['objective']['direction'];
export type SortKey = string;
export interface SortState {
	key: SortKey;
	dir: 'asc' | 'desc';
}

export const finite = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

/** True when `a` beats `b` in the objective's direction. */
export const better = (a: number, b: number, d: Direction) => (d === 'minimize' ? a < b : a > b);

export class SweepModel {
	sweep: SweepView;
	readonly trials = new Map<number, TrialView>();

	constructor(sweep: SweepView) {
		this.sweep = { ...sweep, trials: [] };
		for (const t of sweep.trials) this.trials.set(t.number, { ...t, intermediate: t.intermediate?.slice() });
	}

	list(): TrialView[] {
		return [...this.trials.values()].sort((a, b) => a.number - b.number);
	}

	/** Dimension keys first, then keys only some trials have (conditional parameters). */
	paramKeys(): string[] {
		const keys = this.sweep.dimensions.map((d) => d.key);
		const seen = new Set(keys);
		for (const t of this.list())
			for (const k of Object.keys(t.params))
				if (!seen.has(k)) {
					seen.add(k);
					keys.push(k);
				}
		return keys;
	}

	/** The host's best when it sent one; otherwise the best completed trial. */
	best(): { number: number; score: number } | undefined {
		if (this.sweep.best) return this.sweep.best;
		let best: { number: number; score: number } | undefined;
		for (const t of this.list()) {
			if (t.status !== 'completed' || !finite(t.score)) continue;
			if (!best || better(t.score, best.score, this.sweep.objective.direction)) best = { number: t.number, score: t.score };
		}
		return best;
	}

	update(p: TrialsUpdateParams): void {
		const old = this.trials.get(p.trial.number);
		// A status change may come without the curve: keep what TrialsEpoch collected.
		const intermediate = p.trial.intermediate?.slice() ?? old?.intermediate;
		this.trials.set(p.trial.number, { ...p.trial, intermediate });
		if (p.status) this.sweep.status = p.status;
		const t = p.trial;
		if (p.best) this.sweep.best = p.best;
		else if (
			this.sweep.best &&
			t.status === 'completed' &&
			finite(t.score) &&
			better(t.score, this.sweep.best.score, this.sweep.objective.direction)
		) {
			this.sweep.best = { number: t.number, score: t.score };
		}
	}

	/** Returns true when the trial was unknown and a row was added for it. */
	epoch(p: TrialsEpochParams): boolean {
		let t = this.trials.get(p.number);
		const added = !t;
		if (!t) {
			t = { number: p.number, params: {}, status: 'running' };
			this.trials.set(p.number, t);
		}
		const arr = t.intermediate ?? (t.intermediate = []);
		const i = Math.max(0, Math.floor(p.epoch) - 1);
		while (arr.length < i) arr.push(null);
		arr[i] = p.value;
		return added;
	}

	done(): number {
		let n = 0;
		for (const t of this.trials.values()) if (t.status === 'completed' || t.status === 'pruned' || t.status === 'failed') n++;
		return n;
	}
}

const STATUS_ORDER: Record<TrialStatus, number> = { completed: 0, running: 1, pruned: 2, failed: 3, queued: 4 };

/** The value a column sorts by; undefined sorts last in both directions. */
function sortValue(t: TrialView, key: SortKey): string | number | undefined {
	if (key === '#') return t.number;
	// Only completed trials rank: a pruned trial's score is one fold's partial curve, not a k-fold mean.
	if (key === 'score') return t.status === 'completed' && finite(t.score) ? t.score : undefined;
	if (key === 'status') return STATUS_ORDER[t.status];
	if (key === 'duration') return t.durationMs;
	if (key === 'worker') return t.worker;
	if (key.startsWith('param:')) {
		const v = t.params[key.slice(6)];
		return v === undefined ? undefined : typeof v === 'number' ? v : String(v);
	}
	return undefined;
}

export function sortTrials(trials: TrialView[], sort: SortState): TrialView[] {
	const sign = sort.dir === 'asc' ? 1 : -1;
	return trials.slice().sort((a, b) => {
		const va = sortValue(a, sort.key),
			vb = sortValue(b, sort.key);
		if (va === undefined || vb === undefined) return va === vb ? a.number - b.number : va === undefined ? 1 : -1;
		const c = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb), 'en', { numeric: true });
		return c !== 0 ? sign * c : a.number - b.number;
	});
}

/** Maps a parameter value to [0, 1] (bottom to top) on its axis, or undefined when it cannot be placed. */
export interface Scale {
	pos(v: string | number | boolean | undefined): number | undefined;
	ticks: { at: number; label: string }[];
}

export function dimensionScale(d: DimensionView, trials: TrialView[], fmt: (v: number) => string): Scale {
	const seen = trials.map((t) => t.params[d.key]).filter((v) => v !== undefined);
	if (d.kind === 'choice' || seen.some((v) => typeof v !== 'number')) {
		// Categorical: evenly spaced slots, declared values first, unexpected ones after.
		const cats = (d.values ?? []).map(String);
		for (const v of seen) if (!cats.includes(String(v))) cats.push(String(v));
		const at = (i: number) => (cats.length <= 1 ? 0.5 : (i + 0.5) / cats.length);
		return {
			pos: (v) => {
				const i = v === undefined ? -1 : cats.indexOf(String(v));
				return i < 0 ? undefined : at(i);
			},
			ticks: cats.map((c, i) => ({ at: at(i), label: c })),
		};
	}
	const nums = seen.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
	const log = d.kind === 'logUniform';
	let [lo, hi] = d.range ?? extent(nums);
	if (log && !(lo > 0)) {
		const pos = nums.filter((v) => v > 0);
		lo = pos.length ? minOf(pos) : 1;
		hi = Math.max(hi, lo);
	}
	if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
		lo = 0;
		hi = 1;
	}
	const f = log ? Math.log10 : (x: number) => x;
	const a = f(lo),
		b = f(hi);
	const pos = (v: number) => (b === a ? 0.5 : (f(v) - a) / (b - a));
	const mid = log ? Math.pow(10, (a + b) / 2) : d.kind === 'int' ? Math.round((lo + hi) / 2) : (lo + hi) / 2;
	return {
		pos: (v) => (typeof v === 'number' && Number.isFinite(v) && (!log || v > 0) ? pos(v) : undefined),
		ticks: (lo === hi ? [lo] : [lo, mid, hi]).map((v) => ({ at: pos(v), label: fmt(Number(v.toPrecision(3))) })),
	};
}

/** The score a trial shows on the score axis: its mean, or for a pruned trial its last value. */
export function plotScore(t: TrialView): number | undefined {
	if (finite(t.score)) return t.score;
	if (t.status !== 'pruned') return undefined;
	const v = t.intermediate?.filter(finite);
	return v?.length ? v[v.length - 1] : undefined;
}

/** Best score after each completed trial, in trial order. */
export function bestSoFar(trials: TrialView[], d: Direction): { x: number[]; y: number[]; scoreX: number[]; scoreY: number[] } {
	const x: number[] = [],
		y: number[] = [],
		scoreX: number[] = [],
		scoreY: number[] = [];
	let best: number | undefined;
	for (const t of trials) {
		if (t.status !== 'completed' || !finite(t.score)) continue;
		scoreX.push(t.number);
		scoreY.push(t.score);
		// Horizontal to the new trial, then the step down/up: a step line.
		if (best !== undefined) {
			x.push(t.number);
			y.push(best);
		}
		if (best === undefined || better(t.score, best, d)) best = t.score;
		x.push(t.number);
		y.push(best);
	}
	return { x, y, scoreX, scoreY };
}

/**
 * Short names for config paths: the last segment (`units`, `learningRate`), with earlier segments
 * added only where two paths would read the same (`layers[0].units`, `layers[2].units`). The full
 * path goes in a tooltip; a table header or an axis has no room for `model.layers[0].units`.
 */
export function shortParamLabels(keys: readonly string[]): Map<string, string> {
	const parts = keys.map((k) => k.split('.'));
	const depth = keys.map(() => 1);
	const label = (i: number) => parts[i]!.slice(-depth[i]!).join('.');
	for (let round = 0; round < 8; round++) {
		const seen = new Map<string, number[]>();
		keys.forEach((_, i) => seen.set(label(i), [...(seen.get(label(i)) ?? []), i]));
		let grew = false;
		for (const same of seen.values())
			if (same.length > 1)
				for (const i of same)
					if (depth[i]! < parts[i]!.length) {
						depth[i]!++;
						grew = true;
					}
		if (!grew) break;
	}
	return new Map(keys.map((k, i) => [k, label(i)]));
}

export function paramText(v: string | number | boolean | undefined, fmt: (v: number) => string): string {
	return v === undefined ? '—' : typeof v === 'number' ? fmt(v) : String(v);
}

/** A trial's duration in the page's locale, through THE duration formatter (CLI, status bar, panels). */
export function formatDuration(ms: number | undefined, locale: Locale = 'en'): string {
	return ms === undefined || !Number.isFinite(ms) ? '—' : formatDurationIn(ms, locale);
}

/** The table as CSV, rows in `order`; numbers at full precision, missing values empty. */
export function trialsCsv(order: TrialView[], keys: string[]): string {
	const num = (v: number | null | undefined) => (v === null || v === undefined ? '' : String(v));
	const lines = [['trial', ...keys, 'score', 'std', 'status', 'duration_ms', 'message'].map(csvCell).join(',')];
	for (const t of order) {
		lines.push(
			[
				String(t.number),
				...keys.map((k) => {
					const v = t.params[k];
					return v === undefined ? '' : typeof v === 'number' ? String(v) : csvCell(String(v));
				}),
				num(t.score),
				num(t.std),
				t.status,
				num(t.durationMs),
				csvCell(t.message ?? ''),
			].join(','),
		);
	}
	return lines.join('\n') + '\n';
}
