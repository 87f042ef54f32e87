/**
 * A small canvas plotter for the evaluation charts (ROC, PR, scatter, histogram): a few hundred
 * to a few thousand points, fixed domains, no interaction beyond a tooltip-free legend. The plot
 * area and domains are written to data-* attributes so tests can find where a value is drawn.
 */
import { formatNumber, h } from './dom';
import { withAlpha, type Theme } from './theme';

export interface PlotSeries {
	label: string;
	color: string;
	kind: 'line' | 'points' | 'bars';
	x: ArrayLike<number>;
	y: ArrayLike<number>;
	dash?: number[];
	width?: number;
	/** For bars: the width in x units. */
	barWidth?: number;
	/** Hidden from the legend (e.g. the chance diagonal). */
	noLegend?: boolean;
}

export interface PlotSpec {
	title: string;
	xLabel: string;
	yLabel: string;
	xDomain?: [number, number];
	yDomain?: [number, number];
	series: PlotSeries[];
	square?: boolean;
	/** Extra legend text per series label, e.g. `AUC 0.93`. */
	legendNote?: (s: PlotSeries) => string | undefined;
}

const M = { left: 52, right: 12, top: 12, bottom: 40 };

function niceStep(span: number, target: number): number {
	const raw = span / Math.max(1, target);
	const p = Math.pow(10, Math.floor(Math.log10(raw)));
	const f = raw / p;
	return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * p;
}

function extent(series: PlotSeries[], key: 'x' | 'y'): [number, number] {
	let lo = Infinity,
		hi = -Infinity;
	for (const s of series) {
		const a = s[key];
		for (let i = 0; i < a.length; i++) {
			const v = a[i]!;
			if (Number.isFinite(v)) {
				if (v < lo) lo = v;
				if (v > hi) hi = v;
			}
		}
		if (key === 'x' && s.kind === 'bars' && s.barWidth) hi += s.barWidth;
		if (key === 'y' && s.kind === 'bars') lo = Math.min(lo, 0);
	}
	if (!(lo <= hi)) return [0, 1];
	if (lo === hi) return [lo - 1, hi + 1];
	const pad = (hi - lo) * 0.04;
	return [lo - pad, hi + pad];
}

/** Draws `spec` into a new figure (canvas + legend) appended to `parent`. */
export function plot(parent: HTMLElement, spec: PlotSpec, theme: Theme, cssWidth: number): HTMLCanvasElement {
	const width = Math.max(240, Math.floor(cssWidth));
	const height = spec.square ? Math.min(width, 420) : Math.round(width * 0.62);
	const dpr = devicePixelRatio || 1;
	const canvas = h('canvas', { role: 'img', class: 'mw-plot' });
	canvas.width = Math.round(width * dpr);
	canvas.height = Math.round(height * dpr);
	canvas.style.width = `${width}px`;
	canvas.style.height = `${height}px`;
	const [x0, x1] = spec.xDomain ?? extent(spec.series, 'x');
	const [y0, y1] = spec.yDomain ?? extent(spec.series, 'y');
	const pw = width - M.left - M.right,
		ph = height - M.top - M.bottom;
	const X = (v: number) => M.left + ((v - x0) / (x1 - x0)) * pw;
	const Y = (v: number) => M.top + ph - ((v - y0) / (y1 - y0)) * ph;
	Object.assign(canvas.dataset, {
		x0: String(x0),
		x1: String(x1),
		y0: String(y0),
		y1: String(y1),
		left: String(M.left),
		top: String(M.top),
		width: String(pw),
		height: String(ph),
	});

	const ctx = canvas.getContext('2d')!;
	ctx.scale(dpr, dpr);
	ctx.fillStyle = theme.background;
	ctx.fillRect(0, 0, width, height);
	ctx.font = theme.font;
	ctx.strokeStyle = theme.grid;
	ctx.lineWidth = 1;
	ctx.fillStyle = theme.foreground;
	// Grid and tick labels.
	const xs = niceStep(x1 - x0, pw / 70),
		ys = niceStep(y1 - y0, ph / 40);
	ctx.textAlign = 'center';
	ctx.textBaseline = 'top';
	for (let v = Math.ceil(x0 / xs) * xs; v <= x1 + 1e-9; v += xs) {
		const px = Math.round(X(v)) + 0.5;
		ctx.beginPath();
		ctx.moveTo(px, M.top);
		ctx.lineTo(px, M.top + ph);
		ctx.stroke();
		ctx.fillText(formatNumber(v, 6), px, M.top + ph + 4);
	}
	ctx.textAlign = 'right';
	ctx.textBaseline = 'middle';
	for (let v = Math.ceil(y0 / ys) * ys; v <= y1 + 1e-9; v += ys) {
		const py = Math.round(Y(v)) + 0.5;
		ctx.beginPath();
		ctx.moveTo(M.left, py);
		ctx.lineTo(M.left + pw, py);
		ctx.stroke();
		ctx.fillText(formatNumber(v, 6), M.left - 4, py);
	}
	ctx.strokeStyle = theme.muted;
	ctx.strokeRect(M.left + 0.5, M.top + 0.5, pw, ph);
	ctx.textAlign = 'center';
	ctx.textBaseline = 'bottom';
	ctx.fillText(spec.xLabel, M.left + pw / 2, height - 2);
	ctx.save();
	ctx.translate(12, M.top + ph / 2);
	ctx.rotate(-Math.PI / 2);
	ctx.textBaseline = 'middle';
	ctx.fillText(spec.yLabel, 0, 0);
	ctx.restore();

	ctx.save();
	ctx.beginPath();
	ctx.rect(M.left, M.top, pw, ph);
	ctx.clip();
	for (const s of spec.series) {
		ctx.strokeStyle = s.color;
		ctx.fillStyle = s.color;
		ctx.lineWidth = s.width ?? 2;
		ctx.setLineDash(s.dash ?? []);
		const n = Math.min(s.x.length, s.y.length);
		if (s.kind === 'line') {
			ctx.beginPath();
			let started = false;
			for (let i = 0; i < n; i++) {
				const x = s.x[i]!,
					y = s.y[i]!;
				if (!Number.isFinite(x) || !Number.isFinite(y)) {
					started = false;
					continue;
				}
				if (started) ctx.lineTo(X(x), Y(y));
				else {
					ctx.moveTo(X(x), Y(y));
					started = true;
				}
			}
			ctx.stroke();
		} else if (s.kind === 'points') {
			ctx.fillStyle = withAlpha(s.color, 0.7);
			const r = n > 2000 ? 1.5 : 3;
			for (let i = 0; i < n; i++) {
				const x = s.x[i]!,
					y = s.y[i]!;
				if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
				ctx.beginPath();
				ctx.arc(X(x), Y(y), r, 0, 2 * Math.PI);
				ctx.fill();
			}
		} else {
			ctx.fillStyle = withAlpha(s.color, 0.75);
			const bw = s.barWidth ?? 1;
			for (let i = 0; i < n; i++) {
				const x = s.x[i]!,
					y = s.y[i]!;
				const left = X(x),
					right = X(x + bw),
					top = Y(Math.max(0, y)),
					bottom = Y(Math.min(0, y));
				ctx.fillRect(left + 0.5, top, Math.max(1, right - left - 1), bottom - top);
			}
		}
	}
	ctx.restore();

	const legendItems = spec.series.filter((s) => !s.noLegend);
	const legend = h('ul', { class: 'mw-plot-legend' });
	for (const s of legendItems) {
		const sw = h('span', { class: 'mw-plot-swatch', 'aria-hidden': 'true' });
		sw.style.background = s.color;
		const note = spec.legendNote?.(s);
		legend.appendChild(
			h('li', {}, sw, h('span', { class: 'mw-plot-label' }, s.label), note ? h('span', { class: 'mw-plot-note' }, ` ${note}`) : null),
		);
	}
	canvas.setAttribute(
		'aria-label',
		`${spec.title}: ${spec.xLabel} against ${spec.yLabel}${legendItems.length ? `; ${legendItems.map((s) => `${s.label}${spec.legendNote?.(s) ? ` ${spec.legendNote(s)}` : ''}`).join(', ')}` : ''}`,
	);
	parent.appendChild(h('figure', { class: 'mw-figure' }, h('figcaption', {}, spec.title), canvas, legendItems.length ? legend : null));
	return canvas;
}
