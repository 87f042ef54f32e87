/**
 * Parallel coordinates on a canvas: one vertical axis per search dimension (log scale for
 * log-uniform, evenly spaced slots for choices) and a score axis with the better end on top.
 * Each completed or pruned trial is a polyline coloured by its score; pruned ones are dashed and
 * the best is drawn last, thick, in the highlight colour. Labels are canvas text, never markup.
 */
import type { SweepView, TrialView } from '../protocol';
import { formatNumber, h } from '../shared/dom';
import { withAlpha, type Theme } from '../shared/theme';
import { dimensionScale, plotScore, shortParamLabels, type Scale } from './model';
import { extent } from '../../engine/core/arrays';
import { tw } from '../shared/l10n';

// Two rows of axis names above the plot (see the names below).
const M = { left: 70, right: 70, top: 50, bottom: 14 };
// Viridis without its light-yellow end, which vanishes on light themes.
const RAMP = [
	[68, 1, 84],
	[59, 82, 139],
	[33, 145, 140],
	[94, 201, 98],
] as const;

/** Colour for `t` in [0, 1], 1 = best. */
export function rampColor(t: number): string {
	const x = Math.min(1, Math.max(0, t)) * (RAMP.length - 1);
	const i = Math.min(RAMP.length - 2, Math.floor(x)),
		f = x - i;
	const c = RAMP[i]!.map((v, k) => Math.round(v + (RAMP[i + 1]![k]! - v) * f));
	return `rgb(${c[0]},${c[1]},${c[2]})`;
}

export interface ParallelResult {
	canvas: HTMLCanvasElement;
	/** CSS px inside the canvas of trial `n` on axis `i` (dimensions first, score last). */
	vertex(n: number, i: number): [number, number] | undefined;
	color(n: number): string | undefined;
}

export interface ParallelOptions {
	best?: number;
	selected?: number;
	highlight: string;
}

export function drawParallel(sweep: SweepView, trials: TrialView[], theme: Theme, cssWidth: number, o: ParallelOptions): ParallelResult {
	const width = Math.max(320, Math.floor(cssWidth)),
		height = 340;
	const dpr = devicePixelRatio || 1;
	const canvas = h('canvas', { class: 'mw-plot tuning-parallel-canvas', role: 'img' });
	canvas.width = Math.round(width * dpr);
	canvas.height = Math.round(height * dpr);
	canvas.style.width = `${width}px`;
	canvas.style.height = `${height}px`;
	const ctx = canvas.getContext('2d')!;
	ctx.scale(dpr, dpr);
	ctx.fillStyle = theme.background;
	ctx.fillRect(0, 0, width, height);
	ctx.font = theme.font;

	const shown = trials.filter((t) => t.status === 'completed' || t.status === 'pruned');
	const scales: Scale[] = sweep.dimensions.map((d) => dimensionScale(d, shown, formatNumber));
	const scores = shown.map(plotScore).filter((v): v is number => v !== undefined);
	let [lo, hi] = extent(scores);
	if (!scores.length) {
		lo = 0;
		hi = 1;
	} else if (lo === hi) {
		lo -= Math.abs(lo) * 0.1 || 1;
		hi += Math.abs(hi) * 0.1 || 1;
	}
	const minimize = sweep.objective.direction === 'minimize';
	// 1 = best end of the score range.
	const goodness = (s: number) => (minimize ? (hi - s) / (hi - lo) : (s - lo) / (hi - lo));
	const scoreScale: Scale = {
		pos: (v) => (typeof v === 'number' && Number.isFinite(v) ? goodness(v) : undefined),
		ticks: [lo, (lo + hi) / 2, hi].map((v) => ({ at: goodness(v), label: formatNumber(Number(v.toPrecision(4))) })),
	};
	const axes = [...scales, scoreScale];
	const names = [...sweep.dimensions.map((d) => d.key), sweep.objective.metric];
	const labels = shortParamLabels(sweep.dimensions.map((d) => d.key));
	const pw = width - M.left - M.right,
		ph = height - M.top - M.bottom;
	const ax = axes.map((_, i) => M.left + (axes.length === 1 ? pw / 2 : (i * pw) / (axes.length - 1)));
	const Y = (p: number) => M.top + (1 - p) * ph;
	Object.assign(canvas.dataset, {
		top: String(M.top),
		height: String(ph),
		axes: ax.map((x) => x.toFixed(2)).join(','),
		scoreLo: String(lo),
		scoreHi: String(hi),
	});

	// Axes under the lines.
	ctx.strokeStyle = theme.muted;
	ctx.lineWidth = 1;
	for (const x of ax) {
		ctx.beginPath();
		ctx.moveTo(Math.round(x) + 0.5, M.top);
		ctx.lineTo(Math.round(x) + 0.5, M.top + ph);
		ctx.stroke();
	}

	const pts = new Map<number, ([number, number] | undefined)[]>();
	const colors = new Map<number, string>();
	for (const t of shown) {
		const score = plotScore(t);
		const ps = axes.map((s, i) => {
			const p = i < scales.length ? s.pos(t.params[sweep.dimensions[i]!.key]) : s.pos(score);
			return p === undefined ? undefined : ([ax[i]!, Y(p)] as [number, number]);
		});
		pts.set(t.number, ps);
		colors.set(t.number, t.number === o.best ? o.highlight : score === undefined ? theme.muted : rampColor(goodness(score)));
	}
	// Worse first so better lines stay on top; best and selected last.
	const order = shown.slice().sort((a, b) => rank(a) - rank(b));
	function rank(t: TrialView): number {
		if (t.number === o.best) return 3;
		if (t.number === o.selected) return 2;
		const s = plotScore(t);
		return s === undefined ? -1 : goodness(s);
	}
	ctx.save();
	ctx.beginPath();
	ctx.rect(0, M.top - 4, width, ph + 8);
	ctx.clip();
	for (const t of order) {
		const ps = pts.get(t.number)!;
		const isBest = t.number === o.best,
			isSel = t.number === o.selected;
		if (isSel && !isBest) {
			// A halo so the selected row's line stands out whatever its colour.
			strokeLine(ctx, ps, withAlpha(theme.foreground, 0.35), 6, []);
		}
		strokeLine(ctx, ps, colors.get(t.number)!, isBest ? 3.5 : isSel ? 2.5 : 1.5, t.status === 'pruned' ? [6, 4] : []);
	}
	ctx.restore();

	// Tick labels and axis names on top of the lines.
	ctx.fillStyle = theme.foreground;
	ctx.textBaseline = 'middle';
	axes.forEach((s, i) => {
		const x = ax[i]!;
		const last = i === axes.length - 1;
		ctx.textAlign = last ? 'left' : 'right';
		for (const tk of s.ticks) {
			ctx.fillStyle = theme.muted;
			ctx.fillRect(last ? x : x - 3, Y(tk.at), 3, 1);
			ctx.fillStyle = theme.foreground;
			// On a backdrop: a tick label would otherwise sit on the lines that reach the axis.
			const label = fitText(ctx, tk.label, 58);
			const w = ctx.measureText(label).width;
			const tx = last ? x + 5 : x - 5;
			ctx.fillStyle = withAlpha(theme.background, 0.85);
			ctx.fillRect(last ? tx - 2 : tx - w - 2, Y(tk.at) - 8, w + 4, 16);
			ctx.fillStyle = theme.foreground;
			ctx.fillText(label, tx, Y(tk.at));
		}
	});
	ctx.textAlign = 'center';
	ctx.textBaseline = 'bottom';
	// Names wider than the gap between two axes alternate between two rows, so each has two gaps.
	const gap = axes.length > 1 ? pw / (axes.length - 1) - 6 : pw;
	const stagger = names.some((n, i) => ctx.measureText(i === names.length - 1 ? `${n} (max)` : (labels.get(n) ?? n)).width > gap);
	const room = stagger ? 2 * gap - 6 : gap;
	const drawn: string[] = [];
	names.forEach((n, i) => {
		const short = i === names.length - 1 ? `${n} ${minimize ? tw('tuning.min') : tw('tuning.max')}` : (labels.get(n) ?? n);
		ctx.font = i === names.length - 1 ? `bold ${theme.font}` : theme.font;
		// The score axis is the last: its name may also use the margin right of it.
		const text = fitText(ctx, short, i === names.length - 1 ? room + M.right - 6 : room);
		drawn.push(text);
		// Centred on its axis but kept inside the canvas.
		const half = ctx.measureText(text).width / 2 + 2;
		ctx.fillText(text, Math.min(width - half, Math.max(half, ax[i]!)), M.top - 10 - (stagger && i % 2 === 1 ? 18 : 0));
	});
	canvas.dataset.names = drawn.join('|');
	canvas.setAttribute(
		'aria-label',
		tw('tuning.parallelAria', {
			n: shown.length,
			axes: names.join(', '),
			metric: sweep.objective.metric,
			better: minimize ? tw('tuning.lower') : tw('tuning.higher'),
			best: o.best !== undefined ? tw('tuning.bestHighlighted', { n: o.best }) : '',
		}),
	);
	return {
		canvas,
		vertex: (n, i) => pts.get(n)?.[i],
		color: (n) => colors.get(n),
	};
}

function strokeLine(
	ctx: CanvasRenderingContext2D,
	ps: ([number, number] | undefined)[],
	color: string,
	width: number,
	dash: number[],
): void {
	ctx.strokeStyle = color;
	ctx.lineWidth = width;
	ctx.setLineDash(dash);
	ctx.lineJoin = 'round';
	ctx.beginPath();
	let started = false;
	// A conditional parameter the trial does not have breaks its line at that axis.
	for (const p of ps) {
		if (!p) {
			started = false;
			continue;
		}
		if (started) ctx.lineTo(p[0], p[1]);
		else {
			ctx.moveTo(p[0], p[1]);
			started = true;
		}
	}
	ctx.stroke();
	ctx.setLineDash([]);
}

/** `model.layers[0].units` → `layers[0].units`: the tail that tells axes apart. */
function fitText(ctx: CanvasRenderingContext2D, text: string, max: number): string {
	if (ctx.measureText(text).width <= max) return text;
	let t = text;
	while (t.length > 1 && ctx.measureText(`…${t}`).width > max) t = t.slice(1);
	return `…${t}`;
}
