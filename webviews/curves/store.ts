/**
 * The curves data, kept in growable typed arrays so 50 runs × 10,000 epochs stay cheap, plus the
 * pure computations the chart needs: EMA smoothing, per-pixel min/max decimation, overfitting
 * and NaN detection, CSV. No DOM: test/webview/store.test.ts runs it in Node.
 */
import type { BatchPoint, EpochPoint, RunMeta, RunSeries } from '../protocol';

export class Growable {
	data: Float64Array;
	length = 0;
	constructor(capacity = 64) {
		this.data = new Float64Array(capacity);
	}
	push(v: number): void {
		if (this.length === this.data.length) {
			const next = new Float64Array(this.data.length * 2);
			next.set(this.data);
			this.data = next;
		}
		this.data[this.length++] = v;
	}
	get(i: number): number {
		return this.data[i]!;
	}
	last(): number {
		return this.length ? this.data[this.length - 1]! : NaN;
	}
	truncate(n: number): void {
		this.length = Math.min(this.length, n);
	}
	static from(values: ArrayLike<number | null>): Growable {
		const g = new Growable(Math.max(64, values.length));
		for (let i = 0; i < values.length; i++) g.push(toNum(values[i]));
		return g;
	}
}

const toNum = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? NaN : v);

export interface Track {
	run: RunState;
	/** `loss`, `val_loss`, a metric, or BATCH_KEY. */
	key: string;
	xs: Growable;
	ys: Growable;
	smooth: Growable;
	ema: { last: number; count: number };
	/** Bumped on every change, so the chart re-decimates only the tracks that changed. */
	version: number;
}

export interface OverfitFinding {
	/** Epoch after which validation loss rises (its smoothed minimum). */
	epoch: number;
	valAtOnset: number;
	valEnd: number;
	lossAtOnset: number;
	lossEnd: number;
}

export interface RunState {
	meta: RunMeta;
	index: number;
	epochs: Growable;
	tracks: Map<string, Track>;
	/** First epoch at which a loss was NaN or infinite. */
	nanEpoch?: number;
	overfit?: OverfitFinding;
}

export const BATCH_KEY = 'loss (per batch)';

/** Order people expect: loss, val_loss, then each metric next to its val_ twin, lr, batches. */
export function compareKeys(a: string, b: string): number {
	const rank = (k: string) => (k === 'loss' ? 0 : k === 'val_loss' ? 1 : k === BATCH_KEY ? 4 : k === 'lr' ? 3 : 2);
	const base = (k: string) => k.replace(/^val_/, '');
	return rank(a) - rank(b) || base(a).localeCompare(base(b)) || (a.startsWith('val_') ? 1 : 0) - (b.startsWith('val_') ? 1 : 0);
}

export const isLossKey = (k: string) => /loss/i.test(k);

/** Epoch `i` in the batch track: batch b of epoch e sits at e - 1 + b / batches. */
const batchX = (p: BatchPoint) => p.epoch - 1 + (p.batches > 0 ? (p.batch + 1) / p.batches : 1);

export class CurveStore {
	readonly runs = new Map<string, RunState>();
	/** EMA weight in [0, 1): 0 = raw. */
	smoothing = 0;
	/** Bumped when runs or keys are added or removed (the chart must rebuild its series). */
	structure = 0;

	clear(): void {
		this.runs.clear();
		this.structure++;
	}

	init(runs: RunSeries[]): void {
		this.runs.clear();
		for (const r of runs) this.addRun(r);
		this.structure++;
	}

	private addRun(r: RunSeries): RunState {
		const { epochs, series, batches, ...meta } = r;
		const run: RunState = { meta, index: this.runs.size, epochs: Growable.from(epochs), tracks: new Map() };
		this.runs.set(r.id, run);
		for (const [key, values] of Object.entries(series)) {
			const t = this.newTrack(
				run,
				key,
				run.epochs,
				Growable.from(values.length === epochs.length ? values : epochs.map((_, i) => values[i] ?? null)),
			);
			run.tracks.set(key, t);
			if (isLossKey(key)) {
				const i = values.findIndex((v) => v === null || !Number.isFinite(v));
				if (i >= 0 && i < epochs.length && (run.nanEpoch === undefined || epochs[i]! < run.nanEpoch)) run.nanEpoch = epochs[i];
			}
		}
		if (batches?.length) this.appendBatches(run, batches);
		this.detectOverfit(run);
		return run;
	}

	private newTrack(run: RunState, key: string, xs: Growable, ys: Growable): Track {
		const t: Track = { run, key, xs, ys, smooth: new Growable(ys.data.length), ema: { last: 0, count: 0 }, version: 0 };
		for (let i = 0; i < ys.length; i++) t.smooth.push(emaStep(t.ema, ys.get(i), this.smoothing));
		return t;
	}

	/** Adds new runs, removes `remove`, or updates their status/best epoch; bumps `structure` when the run set changed. */
	upsertMeta(metas: RunMeta[], remove: string[] = []): void {
		for (const id of remove) if (this.runs.delete(id)) this.structure++;
		for (const m of metas) {
			const run = this.runs.get(m.id);
			if (run) run.meta = { ...run.meta, ...m };
			else {
				this.addRun({ ...m, epochs: [], series: {} });
				this.structure++;
			}
		}
		let i = 0;
		for (const r of this.runs.values()) r.index = i++;
	}

	/** Live epoch events. An epoch not after the last one (a resume from a checkpoint) replaces the tail. */
	append(runId: string, points: EpochPoint[], batches: BatchPoint[] = []): void {
		let run = this.runs.get(runId);
		if (!run) {
			run = this.addRun({ id: runId, name: runId, status: 'running', epochs: [], series: {} });
			this.structure++;
		}
		for (const p of points) {
			if (run.epochs.length && p.epoch <= run.epochs.last()) this.truncate(run, p.epoch);
			run.epochs.push(p.epoch);
			const n = run.epochs.length;
			for (const [key, v] of Object.entries(p.logs)) {
				if (!run.tracks.has(key)) {
					const ys = new Growable();
					for (let i = 0; i < n - 1; i++) ys.push(NaN);
					run.tracks.set(key, this.newTrack(run, key, run.epochs, ys));
					this.structure++;
				}
				if (isLossKey(key) && (v === null || !Number.isFinite(v)) && run.nanEpoch === undefined) run.nanEpoch = p.epoch;
			}
			for (const t of run.tracks.values()) {
				if (t.xs !== run.epochs) continue;
				const y = toNum(p.logs[t.key]);
				t.ys.push(y);
				t.smooth.push(emaStep(t.ema, y, this.smoothing));
				t.version++;
			}
		}
		if (batches.length) this.appendBatches(run, batches);
		if (points.length) this.detectOverfit(run);
	}

	private appendBatches(run: RunState, batches: BatchPoint[]): void {
		let t = run.tracks.get(BATCH_KEY);
		if (!t) {
			t = this.newTrack(run, BATCH_KEY, new Growable(), new Growable());
			run.tracks.set(BATCH_KEY, t);
			this.structure++;
		}
		for (const b of batches) {
			const x = batchX(b);
			if (t.xs.length && x <= t.xs.last()) continue;
			const y = toNum(b.loss);
			t.xs.push(x);
			t.ys.push(y);
			t.smooth.push(emaStep(t.ema, y, this.smoothing));
		}
		t.version++;
	}

	private truncate(run: RunState, fromEpoch: number): void {
		const keep = lowerBound(run.epochs, fromEpoch);
		run.epochs.truncate(keep);
		for (const t of run.tracks.values()) {
			if (t.xs === run.epochs) {
				t.ys.truncate(keep);
			} else {
				const k = lowerBound(t.xs, fromEpoch - 1);
				t.xs.truncate(k);
				t.ys.truncate(k);
			}
			this.resmooth(t);
		}
		if (run.nanEpoch !== undefined && run.nanEpoch >= fromEpoch) delete run.nanEpoch;
	}

	setSmoothing(w: number): void {
		this.smoothing = Math.min(0.999, Math.max(0, w));
		for (const r of this.runs.values()) for (const t of r.tracks.values()) this.resmooth(t);
	}

	private resmooth(t: Track): void {
		t.ema = { last: 0, count: 0 };
		t.smooth.truncate(0);
		for (let i = 0; i < t.ys.length; i++) t.smooth.push(emaStep(t.ema, t.ys.get(i), this.smoothing));
		t.version++;
	}

	private detectOverfit(run: RunState): void {
		const loss = run.tracks.get('loss');
		const val = run.tracks.get('val_loss');
		const found = loss && val ? detectOverfitting(run.epochs, loss.ys, val.ys, run.tracks.get('val_accuracy')?.ys) : undefined;
		if (found) run.overfit = found;
		else delete run.overfit;
	}

	/** Every key present in any run, in display order. */
	keys(): string[] {
		const set = new Set<string>();
		for (const r of this.runs.values()) for (const k of r.tracks.keys()) set.add(k);
		return [...set].sort(compareKeys);
	}

	/** All tracks in a stable order: by run, then key. */
	tracks(): Track[] {
		const keys = this.keys();
		const out: Track[] = [];
		for (const r of this.runs.values())
			for (const k of keys) {
				const t = r.tracks.get(k);
				if (t) out.push(t);
			}
		return out;
	}

	/** [min, max] of x over all runs (planned epochs of running runs included). */
	xExtent(): [number, number] | undefined {
		let lo = Infinity,
			hi = -Infinity;
		for (const r of this.runs.values()) {
			for (const t of r.tracks.values()) {
				if (!t.xs.length) continue;
				lo = Math.min(lo, t.xs.get(0));
				hi = Math.max(hi, t.xs.last());
			}
			if (r.meta.status === 'running' && r.meta.totalEpochs) hi = Math.max(hi, r.meta.totalEpochs);
		}
		return lo <= hi ? [lo, hi] : undefined;
	}

	toCsv(): string {
		const keys = this.keys().filter((k) => k !== BATCH_KEY);
		const lines = [['run', 'epoch', ...keys].map(csvCell).join(',')];
		for (const r of this.runs.values()) {
			for (let i = 0; i < r.epochs.length; i++) {
				const row = [csvCell(r.meta.name), String(r.epochs.get(i))];
				for (const k of keys) {
					const t = r.tracks.get(k);
					const v = t && t.xs === r.epochs ? t.ys.get(i) : NaN;
					row.push(Number.isNaN(v) ? '' : String(v));
				}
				lines.push(row.join(','));
			}
		}
		return lines.join('\n') + '\n';
	}
}

/** One EMA step with TensorBoard's debiasing, so the first points are not pulled to 0. */
export function emaStep(state: { last: number; count: number }, y: number, w: number): number {
	if (!Number.isFinite(y)) return NaN;
	if (w <= 0) return y;
	state.last = state.last * w + (1 - w) * y;
	state.count++;
	return state.last / (1 - Math.pow(w, state.count));
}

/** A CSV cell; text that a spreadsheet would run as a formula is prefixed with a quote. */
export function csvCell(s: string): string {
	const t = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
	return /[",\n\r]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
}

export function lowerBound(g: Growable, x: number): number {
	let lo = 0,
		hi = g.length;
	const d = g.data;
	while (lo < hi) {
		const m = (lo + hi) >>> 1;
		if (d[m]! < x) lo = m + 1;
		else hi = m;
	}
	return lo;
}

/** Index of the x nearest to `x` (-1 when empty). */
export function nearestIndex(g: Growable, x: number): number {
	if (!g.length) return -1;
	const i = lowerBound(g, x);
	if (i >= g.length) return g.length - 1;
	if (i === 0) return 0;
	return x - g.get(i - 1) <= g.get(i) - x ? i - 1 : i;
}

/**
 * Validation loss stopped improving and kept rising while training loss kept falling. Both are
 * smoothed first (EMA 0.6) so one noisy epoch is not called overfitting.
 */
export function detectOverfitting(epochs: Growable, loss: Growable, val: Growable, valAccuracy?: Growable): OverfitFinding | undefined {
	const n = Math.min(epochs.length, loss.length, val.length);
	const sl: number[] = [],
		sv: number[] = [],
		ix: number[] = [];
	const el = { last: 0, count: 0 },
		ev = { last: 0, count: 0 };
	for (let i = 0; i < n; i++) {
		const l = loss.get(i),
			v = val.get(i);
		if (!Number.isFinite(l) || !Number.isFinite(v)) continue;
		sl.push(emaStep(el, l, 0.6));
		sv.push(emaStep(ev, v, 0.6));
		ix.push(i);
	}
	const m = sv.length;
	if (m < 8) return undefined;
	let best = 0;
	for (let i = 1; i < m; i++) if (sv[i]! < sv[best]!) best = i;
	const after = m - 1 - best;
	if (after < Math.max(3, Math.round(m * 0.05))) return undefined;
	const valAtOnset = sv[best]!,
		valEnd = sv[m - 1]!,
		lossAtOnset = sl[best]!,
		lossEnd = sl[m - 1]!;
	// A rise counts when it is large relative to the value and to how far validation loss had fallen:
	// 0.0024 → 0.0033 after a fall from 0.69 is noise at the floor, not overfitting.
	let peakBefore = valAtOnset;
	for (let i = 0; i < best; i++) peakBefore = Math.max(peakBefore, sv[i]!);
	const rise = valEnd - valAtOnset;
	const rose = rise > Math.max(0.03 * Math.abs(valAtOnset), 0.05 * (peakBefore - valAtOnset), 1e-9);
	const fell = lossEnd < lossAtOnset - 0.01 * Math.abs(lossAtOnset);
	if (!rose || !fell) return undefined;
	// Validation accuracy that stayed perfect, or kept improving, vetoes the alarm. (A flat accuracy
	// with a rising loss is still overfitting: the model grows overconfident on what it gets wrong.)
	if (valAccuracy && valAccuracy.length >= n) {
		const acc = ix.map((i) => valAccuracy.get(i));
		const onsetAcc = acc[best]!;
		const endAcc = acc[m - 1]!;
		if (Number.isFinite(onsetAcc) && Number.isFinite(endAcc) && (endAcc >= 0.999 || endAcc > onsetAcc + 0.01)) return undefined;
	}
	return { epoch: epochs.get(ix[best]!), valAtOnset, valEnd, lossAtOnset, lossEnd };
}

export interface Frame {
	x: number[];
	/** Per track: raw and smoothed values on `x` (null = gap). */
	raw: (number | null)[][];
	smooth: (number | null)[][];
	exact: boolean;
}

/** Cache of one track's decimated output, reused while the track and the grid are unchanged. */
interface Decimated {
	grid: string;
	version: number;
	raw: (number | null)[];
	smooth: (number | null)[];
}
const cache = new WeakMap<Track, Decimated>();

/**
 * The data uPlot draws for the x range [x0, x1] at `buckets` pixel columns. When every track has
 * at most `buckets` points in range the real x values are used (exact); otherwise each column
 * keeps the min and the max of every track in their order (shape-preserving decimation), so the
 * drawing cost no longer depends on the number of epochs.
 */
export function buildFrame(tracks: Track[], x0: number, x1: number, buckets: number, logX: boolean, smoothing: boolean): Frame {
	const ranges = tracks.map((t) => {
		const lo = Math.max(0, lowerBound(t.xs, x0) - 1);
		let hi = lowerBound(t.xs, x1);
		if (hi < t.xs.length && t.xs.get(hi) === x1) hi++;
		return [lo, Math.min(t.xs.length, hi + 1)] as const;
	});
	const most = ranges.reduce((a, [lo, hi]) => Math.max(a, hi - lo), 0);
	if (most <= buckets) return exactFrame(tracks, ranges, logX, smoothing);
	const B = Math.max(1, Math.floor(buckets));
	const tr = (v: number) => (logX ? Math.log10(v) : v);
	const t0 = tr(logX ? Math.max(x0, 1e-9) : x0),
		t1 = tr(x1);
	const scale = B / (t1 - t0 || 1);
	const x = new Array<number>(2 * B);
	for (let b = 0; b < B; b++) {
		const a = t0 + b / scale,
			c = t0 + (b + 0.5) / scale;
		x[2 * b] = logX ? Math.pow(10, a) : a;
		x[2 * b + 1] = logX ? Math.pow(10, c) : c;
	}
	const grid = `${x0}|${x1}|${B}|${logX}`;
	const raw: (number | null)[][] = [],
		smooth: (number | null)[][] = [];
	tracks.forEach((t, k) => {
		const hit = cache.get(t);
		if (hit && hit.grid === grid && hit.version === t.version) {
			raw.push(hit.raw);
			smooth.push(hit.smooth);
			return;
		}
		const [lo, hi] = ranges[k]!;
		const r = decimate(t.xs.data, t.ys.data, lo, hi, B, t0, scale, logX);
		const s = smoothing ? decimate(t.xs.data, t.smooth.data, lo, hi, B, t0, scale, logX) : r;
		cache.set(t, { grid, version: t.version, raw: r, smooth: s });
		raw.push(r);
		smooth.push(s);
	});
	return { x, raw, smooth, exact: false };
}

function decimate(
	xs: Float64Array,
	ys: Float64Array,
	lo: number,
	hi: number,
	B: number,
	t0: number,
	scale: number,
	logX: boolean,
): (number | null)[] {
	const out = new Array<number | null>(2 * B).fill(null);
	let b = -1,
		min = Infinity,
		max = -Infinity,
		minAt = 0,
		maxAt = 0;
	const flush = () => {
		if (b < 0 || b >= B || min === Infinity) return;
		if (min === max) out[2 * b] = min;
		else if (minAt < maxAt) {
			out[2 * b] = min;
			out[2 * b + 1] = max;
		} else {
			out[2 * b] = max;
			out[2 * b + 1] = min;
		}
	};
	for (let i = lo; i < hi; i++) {
		const xv = xs[i]!;
		if (logX && xv <= 0) continue;
		const bi = Math.floor(((logX ? Math.log10(xv) : xv) - t0) * scale);
		const bb = bi >= B ? B - 1 : bi;
		if (bb !== b) {
			flush();
			b = bb;
			min = Infinity;
			max = -Infinity;
		}
		const y = ys[i]!;
		if (Number.isNaN(y)) continue;
		if (y < min) {
			min = y;
			minAt = i;
		}
		if (y > max) {
			max = y;
			maxAt = i;
		}
	}
	flush();
	return out;
}

function exactFrame(tracks: Track[], ranges: (readonly [number, number])[], logX: boolean, smoothing: boolean): Frame {
	// Union of the x values in range; runs usually share the same epochs, so this stays small.
	let all: number[] = [];
	const seen = new Set<Growable>();
	tracks.forEach((t, k) => {
		if (seen.has(t.xs)) return;
		seen.add(t.xs);
		const [lo, hi] = ranges[k]!;
		for (let i = lo; i < hi; i++) all.push(t.xs.get(i));
	});
	all.sort((a, b) => a - b);
	const x: number[] = [];
	for (const v of all) if ((!logX || v > 0) && v !== x[x.length - 1]) x.push(v);
	all = [];
	const raw: (number | null)[][] = [],
		smooth: (number | null)[][] = [];
	tracks.forEach((t, k) => {
		const [lo, hi] = ranges[k]!;
		const r = new Array<number | null>(x.length).fill(null);
		const s = smoothing ? new Array<number | null>(x.length).fill(null) : r;
		let j = 0;
		for (let i = lo; i < hi; i++) {
			const xv = t.xs.get(i);
			while (j < x.length && x[j]! < xv) j++;
			if (j >= x.length) break;
			if (x[j] !== xv) continue;
			const y = t.ys.get(i);
			r[j] = Number.isNaN(y) ? null : y;
			if (smoothing) {
				const v = t.smooth.get(i);
				s[j] = Number.isNaN(v) ? null : v;
			}
		}
		raw.push(r);
		smooth.push(s);
	});
	return { x, raw, smooth, exact: true };
}
