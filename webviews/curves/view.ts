/**
 * The loss-curve charts: uPlot fed with per-pixel decimated frames from CurveStore, a DOM legend
 * whose buttons toggle runs and series, EMA smoothing with the raw series faint behind, log
 * axes, zoom/pan, an exact-value tooltip, best-epoch/overfitting/NaN markers and PNG/CSV export.
 * As TensorBoard and W&B do, the losses get a chart of their own (with the learning rate on a log
 * axis of its own, so a schedule shows) and each metric family (`accuracy` with `val_accuracy`,
 * `mae` with `val_mae`, …) another, on its own scale: a 0–1 accuracy never flattens a loss of 40.
 * The charts share the x range, zoom, cursor and legend. Used by the curves page and the compare page.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './curves.css';
import type { BatchPoint, EpochPoint, ExportFileParams, RunMeta, RunSeries } from '../protocol';
import { button, clear, formatNumber, h, toggle } from '../shared/dom';
import { paletteColor, readTheme, type Theme } from '../shared/theme';
import { BATCH_KEY, buildFrame, CurveStore, isLossKey, lowerBound, nearestIndex, type RunState, type Track } from './store';
import { statusText, tw } from '../shared/l10n';

export interface CurvesUiState {
	hiddenRuns: string[];
	hiddenKeys: string[];
	smoothing: number;
	logY: boolean;
	logX: boolean;
}

export interface CurvesViewOptions {
	onExport(file: ExportFileParams): void;
	onState?(state: CurvesUiState): void;
	state?: Partial<CurvesUiState> | undefined;
	/** Fixed chart height in CSS px; otherwise it follows the window. */
	height?: number;
	/** File name stem for exports. */
	exportName?: string;
}

const MAX_TOOLTIP_ROWS = 24;

/** One chart: the losses (pane key LOSS_PANE) or one metric family. */
interface Pane {
	key: string;
	box: HTMLDivElement;
	u: uPlot | undefined;
	tracks: Track[];
	/** Decimation buckets of the last frame (the plot width in CSS px). */
	buckets: number;
}
const LOSS_PANE = 'loss';
let syncKeys = 0;

export class CurvesView {
	readonly store = new CurveStore();
	/** The charts in page order, the loss chart first. */
	private panes: Pane[] = [];
	private tracks: Track[] = [];
	/** The chart under the pointer: the only one whose cursor moves the tooltip (the others follow by sync). */
	private hovered: Pane | undefined;
	/** Cursor sync between this view's charts (not another view's). */
	private readonly syncKey = `mw-curves-${++syncKeys}`;
	private builtStructure = -1;
	private xRange: [number, number] | undefined;
	private hiddenRuns: Set<string>;
	private hiddenKeys: Set<string>;
	private logY: boolean;
	/** Until the user picks a y scale, the data picks it (see autoLogY). */
	private logYChosen: boolean;
	private logYButton: HTMLButtonElement | undefined;
	private logX: boolean;
	private theme: Theme;
	private pending = 0;
	private notesText = '';
	/** Time of the last flush, read by the benchmark. */
	lastFlushMs = 0;
	/** uPlot instances created so far: live appends must not add any. */
	builds = 0;

	private readonly charts: HTMLDivElement;
	private readonly legend: HTMLDivElement;
	private readonly notes: HTMLUListElement;
	private readonly tooltip: HTMLDivElement;
	private readonly empty: HTMLDivElement;
	private readonly smoothLabel: HTMLOutputElement;

	constructor(
		readonly root: HTMLElement,
		private readonly opts: CurvesViewOptions,
	) {
		const st = opts.state ?? {};
		this.hiddenRuns = new Set(st.hiddenRuns ?? []);
		this.hiddenKeys = new Set(st.hiddenKeys ?? []);
		this.logY = st.logY ?? false;
		this.logYChosen = st.logY !== undefined;
		this.logX = st.logX ?? false;
		this.store.smoothing = st.smoothing ?? 0;
		this.theme = readTheme();

		const slider = h('input', {
			type: 'range',
			min: 0,
			max: 0.99,
			step: 0.01,
			value: this.store.smoothing,
			'aria-label': tw('curves.smoothingAria'),
			class: 'curves-smoothing',
		});
		this.smoothLabel = h('output', { class: 'curves-smoothing-value' }, this.store.smoothing.toFixed(2));
		slider.addEventListener('input', () => {
			const w = Number(slider.value);
			this.smoothLabel.textContent = w.toFixed(2);
			this.store.setSmoothing(w);
			this.applyVisibility();
			this.saveState();
		});
		this.logYButton = toggle(
			tw('curves.logY'),
			this.logY,
			(on) => {
				this.logY = on;
				this.logYChosen = true;
				this.builtStructure = -1;
				this.schedule();
				this.saveState();
			},
			{ class: 'curves-logy', 'aria-label': tw('curves.logYAria') },
		);
		const toolbar = h(
			'div',
			{ class: 'mw-toolbar', role: 'toolbar', 'aria-label': tw('curves.controls') },
			h('label', {}, tw('curves.smoothing'), slider, this.smoothLabel),
			this.logYButton,
			toggle(
				tw('curves.logX'),
				this.logX,
				(on) => {
					this.logX = on;
					this.xRange = undefined;
					this.builtStructure = -1;
					this.schedule();
					this.saveState();
				},
				{ class: 'curves-logx', 'aria-label': tw('curves.logXAria') },
			),
			button(tw('curves.zoomIn'), () => this.zoom(0.5), { 'aria-label': tw('curves.zoomInAria') }),
			button(tw('curves.zoomOut'), () => this.zoom(2), { 'aria-label': tw('curves.zoomOutAria') }),
			button('◀', () => this.pan(-0.25), { 'aria-label': tw('curves.panLeft') }),
			button('▶', () => this.pan(0.25), { 'aria-label': tw('curves.panRight') }),
			button(tw('curves.reset'), () => this.resetZoom(), { class: 'curves-reset', 'aria-label': tw('curves.resetAria') }),
			button(tw('common.exportPng'), () => this.exportPng(), { class: 'curves-export-png' }),
			button(tw('common.exportCsv'), () => this.exportCsv(), { class: 'curves-export-csv' }),
		);
		this.legend = h('div', { class: 'curves-legend', role: 'group', 'aria-label': tw('curves.legend') });
		this.tooltip = h('div', { class: 'curves-tooltip', role: 'status', 'aria-live': 'off', hidden: true });
		this.empty = h('div', { class: 'mw-empty' }, tw('curves.empty'));
		this.charts = h('div', { class: 'curves-charts' });
		this.notes = h('ul', { class: 'curves-notes', 'aria-live': 'polite' });
		root.append(toolbar, this.legend, this.empty, this.charts, this.notes);
		new ResizeObserver(() => this.resize()).observe(this.charts);
	}

	// ─── data in ───

	setRuns(runs: RunSeries[]): void {
		this.store.init(runs);
		this.xRange = undefined;
		this.schedule();
	}
	upsertRuns(runs: RunMeta[], remove?: string[]): void {
		this.store.upsertMeta(runs, remove);
		this.builtStructure = -1;
		this.schedule();
	}
	append(runId: string, points: EpochPoint[], batches?: BatchPoint[]): void {
		this.store.append(runId, points, batches);
		this.schedule();
	}

	/** Coalesces many events into one redraw per frame. */
	private schedule(): void {
		if (this.pending) return;
		this.pending = requestAnimationFrame(() => {
			this.pending = 0;
			this.flush();
		});
	}

	/** Applies pending changes now; the chart is rebuilt only when runs or series were added. */
	flush(): void {
		if (this.pending) {
			cancelAnimationFrame(this.pending);
			this.pending = 0;
		}
		const t = performance.now();
		if (this.builtStructure !== this.store.structure) this.build();
		else this.refresh();
		this.renderNotes();
		this.lastFlushMs = performance.now() - t;
		this.root.dataset.rendered = String(Number(this.root.dataset.rendered ?? 0) + 1);
	}

	// ─── chart ───

	private trackColor(t: Track): string {
		if (this.store.runs.size === 1) return paletteColor(this.theme, this.store.keys().indexOf(t.key));
		return paletteColor(this.theme, t.run.index);
	}

	private runColor(r: RunState): string {
		return this.store.runs.size === 1 ? this.theme.foreground : paletteColor(this.theme, r.index);
	}

	private visible(t: Track): boolean {
		return !this.hiddenRuns.has(t.run.meta.id) && !this.hiddenKeys.has(t.key);
	}

	/** The chart a series belongs to: losses (and the learning rate) together, each metric family apart. */
	private paneBox(key: string): HTMLDivElement {
		const existing = this.panes.find((p) => p.key === key)?.box;
		if (existing) return existing;
		const box = h('div', {
			class: 'curves-chart',
			'data-pane': key,
			tabindex: 0,
			role: 'img',
			// Metric names stay as written (they are config values); the instructions are translated.
			'aria-label': key === LOSS_PANE ? tw('curves.chartAria') : `${key} · ${tw('curves.chartAria')}`,
		});
		box.addEventListener('keydown', (e) => this.onKey(e));
		return box;
	}

	private build(): void {
		for (const p of this.panes) p.u?.destroy();
		this.theme = readTheme();
		this.builtStructure = this.store.structure;
		this.tracks = this.store.tracks();
		this.renderLegend();
		this.empty.hidden = this.tracks.length > 0;
		this.charts.hidden = this.tracks.length === 0;
		const groups = new Map<string, Track[]>();
		for (const t of this.tracks) {
			const k = paneOf(t.key);
			if (!groups.has(k)) groups.set(k, []);
			groups.get(k)!.push(t);
		}
		// The losses first, then the metric families in the legend's order.
		const keys = [...groups.keys()].sort((a, b) => (a === LOSS_PANE ? -1 : b === LOSS_PANE ? 1 : 0));
		this.panes = keys.map((key) => ({ key, box: this.paneBox(key), u: undefined, tracks: groups.get(key)!, buckets: 0 }));
		this.hovered = undefined;
		this.charts.replaceChildren(...this.panes.map((p) => p.box));
		if (!this.tracks.length) return;
		if (!this.logYChosen && autoLogY(this.tracks) !== this.logY) {
			this.logY = !this.logY;
			this.logYButton?.setAttribute('aria-pressed', String(this.logY));
		}
		for (const p of this.panes) this.buildPane(p);
	}

	private buildPane(pane: Pane): void {
		this.builds++;
		const th = this.theme;
		const smoothing = this.store.smoothing > 0;
		const series: uPlot.Series[] = [{ label: tw('curves.epoch') }];
		for (const t of pane.tracks) {
			const color = this.trackColor(t);
			const dash = t.key === BATCH_KEY ? [2, 3] : t.key.startsWith('val_') ? [6, 4] : undefined;
			const scale = scaleOf(t.key);
			const label = `${t.run.meta.name} · ${t.key}`;
			series.push({
				label,
				scale,
				stroke: color,
				width: 1.25,
				spanGaps: true,
				points: { show: false },
				show: this.visible(t),
				alpha: smoothing ? 0.25 : 1,
				...(dash ? { dash } : {}),
			});
			series.push({
				label: tw('curves.smoothed', { label }),
				scale,
				stroke: color,
				width: 2,
				spanGaps: true,
				points: { show: false },
				show: this.visible(t) && smoothing,
				...(dash ? { dash } : {}),
			});
		}
		const axis = (o: uPlot.Axis): uPlot.Axis => ({
			stroke: th.foreground,
			grid: { stroke: th.grid, width: 1 },
			ticks: { stroke: th.grid, width: 1 },
			font: th.font,
			labelFont: th.font,
			...o,
		});
		const hasLoss = pane.tracks.some((t) => isLossKey(t.key));
		const hasLr = pane.tracks.some((t) => t.key === LR_KEY);
		// Whole epochs on a linear axis unless zoomed below one epoch.
		const incrs = [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000];
		const axes: uPlot.Axis[] = [axis({ label: tw('curves.epoch'), ...(this.logX ? {} : { incrs }) })];
		if (pane.key !== LOSS_PANE) axes.push(axis({ scale: 'm', label: pane.key }));
		else if (hasLoss) axes.push(axis({ scale: 'y', label: tw('curves.loss') }));
		// The learning rate on an axis of its own (log: schedules span decades), so a schedule shows
		// instead of a flat line at the bottom of the loss axis.
		if (hasLr) axes.push(axis({ scale: 'lr', side: 1, label: LR_KEY, grid: { show: !hasLoss, stroke: th.grid, width: 1 } }));
		const opts: uPlot.Options = {
			width: Math.max(200, this.charts.clientWidth || 600),
			height: pane.key === LOSS_PANE ? this.height() : this.metricHeight(),
			series,
			axes,
			legend: { show: false },
			scales: {
				x: { time: false, distr: this.logX ? 3 : 1, log: 10, range: () => this.view() },
				y: { distr: this.logY ? 3 : 1, log: 10 },
				m: {},
				lr: {
					distr: 3,
					log: 10,
					range: (_u, min, max) => (min > 0 && max > 0 ? (min === max ? [min / 2, max * 2] : [min / 1.25, max * 1.25]) : [1e-4, 1]),
				},
			},
			cursor: {
				drag: { x: true, y: false, setScale: false },
				points: { show: false },
				focus: { prox: -1 },
				// The other charts show the same epoch under the pointer.
				sync: { key: this.syncKey, setSeries: false },
			},
			hooks: {
				setSelect: [(u) => this.onSelect(u)],
				setCursor: [(u) => this.updateTooltip(u, pane)],
				draw: [
					(u) => {
						this.drawMarkers(u, pane === this.panes[0]);
						// Axis labels change the plot width after data arrives: decimate again at the new width.
						if (Math.round(u.bbox.width / (devicePixelRatio || 1)) !== pane.buckets && u.bbox.width > 50)
							queueMicrotask(() => {
								if (pane.u === u) u.setData(this.frameData(pane));
							});
					},
				],
				// Not inside the hook: uPlot drops a commit requested while it is committing.
				ready: [
					(u) =>
						queueMicrotask(() => {
							if (pane.u === u) u.setData(this.frameData(pane));
						}),
				],
			},
		};
		// Created empty and filled on `ready` (a microtask later), once uPlot has sized its axes and
		// the plot width, which is the decimation bucket count, is known.
		pane.u = new uPlot(opts, series.map(() => []) as unknown as uPlot.AlignedData, pane.box);
		pane.u.over.addEventListener('wheel', (e) => this.onWheel(e, pane), { passive: false });
		pane.u.over.addEventListener('mouseenter', () => {
			this.hovered = pane;
			pane.box.appendChild(this.tooltip);
		});
		pane.u.over.addEventListener('mouseleave', () => {
			if (this.hovered === pane) this.hovered = undefined;
			this.tooltip.hidden = true;
		});
	}

	private height(): number {
		return this.opts.height ?? Math.max(240, Math.min(560, window.innerHeight - 220));
	}

	/** A metric chart is shorter than the loss chart: several of them should fit below it. */
	private metricHeight(): number {
		return Math.max(160, Math.round(this.height() * 0.6));
	}

	private resize(): void {
		const width = Math.max(200, this.charts.clientWidth);
		for (const p of this.panes) {
			if (!p.u || Math.abs(width - p.u.width) < 2) continue;
			p.u.setSize({ width, height: p.key === LOSS_PANE ? this.height() : this.metricHeight() });
			p.u.setData(this.frameData(p));
		}
	}

	/** The x range shown: the user's zoom, or everything (planned epochs of live runs included). */
	private view(): [number, number] {
		if (this.xRange) return this.xRange;
		const ext = this.store.xExtent() ?? [0, 1];
		let [lo, hi] = ext;
		if (this.logX) lo = Math.max(lo, this.smallestPositiveX() ?? 1);
		if (hi <= lo) hi = lo + 1;
		return [lo, hi];
	}

	private smallestPositiveX(): number | undefined {
		let m = Infinity;
		for (const t of this.tracks) {
			const i = lowerBound(t.xs, Number.MIN_VALUE);
			if (i < t.xs.length) m = Math.min(m, t.xs.get(i));
		}
		return m === Infinity ? undefined : m;
	}

	private frameData(pane: Pane): uPlot.AlignedData {
		const [x0, x1] = this.view();
		const vis = pane.tracks.filter((t) => this.visible(t));
		const smoothing = this.store.smoothing > 0;
		const u = pane.u;
		const plotWidth = u && u.bbox.width > 0 ? u.bbox.width / (devicePixelRatio || 1) : (u?.width ?? 600) - 80;
		pane.buckets = Math.max(50, Math.round(plotWidth));
		const frame = buildFrame(vis, x0, x1, pane.buckets, this.logX, smoothing);
		const nulls = new Array<number | null>(frame.x.length).fill(null);
		const data: (number | null)[][] = [frame.x];
		const logClean = (a: (number | null)[]) => a.map((v) => (v !== null && v > 0 ? v : null));
		let k = 0;
		for (const t of pane.tracks) {
			if (!this.visible(t)) {
				data.push(nulls, nulls);
				continue;
			}
			const logY = (this.logY && isLossKey(t.key)) || t.key === LR_KEY;
			const r = frame.raw[k]!,
				s = frame.smooth[k]!;
			data.push(logY ? logClean(r) : r, smoothing ? (logY ? logClean(s) : s) : nulls);
			k++;
		}
		return data as uPlot.AlignedData;
	}

	private refresh(): void {
		// A live run reaching two decades of loss switches to log y once (unless the user chose).
		if (!this.panes.length || this.panes.some((p) => !p.u) || (!this.logYChosen && !this.logY && autoLogY(this.tracks))) {
			this.build();
			return;
		}
		for (const p of this.panes) p.u!.setData(this.frameData(p));
	}

	private applyVisibility(): void {
		const smoothing = this.store.smoothing > 0;
		for (const p of this.panes) {
			const u = p.u;
			if (!u) continue;
			u.batch(() => {
				p.tracks.forEach((t, k) => {
					const vis = this.visible(t);
					const raw = u.series[1 + 2 * k]!;
					raw.alpha = smoothing ? 0.25 : 1;
					if (raw.show !== vis) u.setSeries(1 + 2 * k, { show: vis });
					if (u.series[2 + 2 * k]!.show !== (vis && smoothing)) u.setSeries(2 + 2 * k, { show: vis && smoothing });
				});
				u.setData(this.frameData(p));
			});
		}
		this.renderLegendState();
	}

	// ─── markers and notes ───

	/** Marker lines on every chart; their labels on the first only (they would repeat down the page). */
	private drawMarkers(u: uPlot, labels: boolean): void {
		const ctx = u.ctx;
		const { left, top, width, height } = u.bbox;
		const dpr = devicePixelRatio || 1;
		const [x0, x1] = this.view();
		const line = (epoch: number, color: string, dash: number[], label: string, row: number) => {
			if (epoch < x0 || epoch > x1 || (this.logX && epoch <= 0)) return;
			const x = Math.round(u.valToPos(epoch, 'x', true)) + 0.5;
			if (x < left || x > left + width) return;
			ctx.save();
			ctx.strokeStyle = color;
			ctx.fillStyle = color;
			ctx.lineWidth = 1.5 * dpr;
			ctx.setLineDash(dash.map((d) => d * dpr));
			ctx.beginPath();
			ctx.moveTo(x, top);
			ctx.lineTo(x, top + height);
			ctx.stroke();
			ctx.font = `${10 * dpr}px sans-serif`;
			if (labels) ctx.fillText(label, x + 3 * dpr, top + (12 + row * 12) * dpr);
			ctx.restore();
		};
		for (const r of this.store.runs.values()) {
			if (this.hiddenRuns.has(r.meta.id)) continue;
			const many = this.store.runs.size > 1;
			if (r.meta.bestEpoch !== undefined)
				line(r.meta.bestEpoch, this.runColor(r), [], many ? tw('curves.bestOf', { name: r.meta.name }) : tw('common.best'), 0);
			if (r.overfit) line(r.overfit.epoch, this.theme.warning, [4, 3], tw('curves.overfitting'), 1);
			if (r.nanEpoch !== undefined) line(r.nanEpoch, this.theme.error, [2, 2], 'NaN', 2);
		}
	}

	private renderNotes(): void {
		const items: { kind: string; text: string }[] = [];
		for (const r of this.store.runs.values()) {
			const name = r.meta.name;
			if (r.meta.bestEpoch !== undefined)
				items.push({
					kind: 'best',
					text: tw(r.meta.status === 'running' ? 'curves.bestNote' : 'curves.bestNoteKept', { name, epoch: r.meta.bestEpoch }),
				});
			if (r.overfit) {
				const o = r.overfit;
				const pct = (a: number, b: number) => `${Math.round((Math.abs(b - a) / Math.abs(a || 1)) * 100)}%`;
				items.push({
					kind: 'overfit',
					text: tw('curves.overfitNote', {
						name,
						epoch: o.epoch,
						valRise: pct(o.valAtOnset, o.valEnd),
						valFrom: formatNumber(o.valAtOnset),
						valTo: formatNumber(o.valEnd),
						lossFall: pct(o.lossAtOnset, o.lossEnd),
					}),
				});
			}
			if (r.nanEpoch !== undefined)
				items.push({
					kind: 'nan',
					text: tw('curves.nanNote', { name, epoch: r.nanEpoch }),
				});
			if (r.meta.message && (r.meta.status === 'failed' || r.meta.status === 'stopped' || r.meta.status === 'killed'))
				items.push({ kind: 'status', text: tw('curves.statusNote', { name, status: statusText(r.meta.status), message: r.meta.message }) });
		}
		const sig = items.map((i) => i.kind + i.text).join('\n');
		if (sig === this.notesText) return;
		this.notesText = sig;
		clear(this.notes);
		for (const it of items) this.notes.appendChild(h('li', { class: `curves-note curves-note-${it.kind}` }, it.text));
	}

	// ─── legend ───

	private renderLegend(): void {
		clear(this.legend);
		const runs = h('div', { class: 'curves-legend-runs', role: 'group', 'aria-label': tw('curves.runs') });
		for (const r of this.store.runs.values()) {
			const b = toggle('', !this.hiddenRuns.has(r.meta.id), (on) => this.setHidden(this.hiddenRuns, r.meta.id, !on), {
				class: 'curves-run-toggle',
				'data-run': r.meta.id,
				'aria-label': tw('curves.runAria', { name: r.meta.name, status: statusText(r.meta.status) }),
			});
			const sw = h('span', { class: 'curves-swatch', 'aria-hidden': 'true' });
			sw.style.background = this.store.runs.size === 1 ? this.theme.foreground : paletteColor(this.theme, r.index);
			b.append(sw, h('span', { class: 'curves-run-name' }, r.meta.name), h('span', { class: 'mw-muted' }, ` ${statusText(r.meta.status)}`));
			runs.appendChild(b);
		}
		const keys = h('div', { class: 'curves-legend-keys', role: 'group', 'aria-label': tw('curves.series') });
		this.store.keys().forEach((k, i) => {
			const b = toggle('', !this.hiddenKeys.has(k), (on) => this.setHidden(this.hiddenKeys, k, !on), {
				class: 'curves-key-toggle',
				'data-key': k,
				'aria-label': tw('curves.seriesAria', { key: k }),
			});
			const sw = h('span', { class: `curves-swatch${k.startsWith('val_') ? ' dashed' : ''}`, 'aria-hidden': 'true' });
			sw.style.background = this.store.runs.size === 1 ? paletteColor(this.theme, i) : this.theme.muted;
			b.append(sw, h('span', {}, k));
			keys.appendChild(b);
		});
		this.legend.append(runs, keys);
	}

	private renderLegendState(): void {
		for (const b of Array.from(this.legend.querySelectorAll<HTMLButtonElement>('.curves-run-toggle')))
			b.setAttribute('aria-pressed', String(!this.hiddenRuns.has(b.dataset.run ?? '')));
		for (const b of Array.from(this.legend.querySelectorAll<HTMLButtonElement>('.curves-key-toggle')))
			b.setAttribute('aria-pressed', String(!this.hiddenKeys.has(b.dataset.key ?? '')));
	}

	private setHidden(set: Set<string>, id: string, hidden: boolean): void {
		if (hidden) set.add(id);
		else set.delete(id);
		this.applyVisibility();
		this.saveState();
	}

	// ─── tooltip ───

	/** Exact values of every visible series (all charts) at the epoch under the pointer. */
	private updateTooltip(u: uPlot, pane: Pane): void {
		// The charts follow each other's cursor: only the one under the pointer places the tooltip.
		if (this.hovered !== pane) return;
		const left = u.cursor.left ?? -1;
		if (left < 0 || !this.tracks.length) {
			this.tooltip.hidden = true;
			return;
		}
		const xv = u.posToVal(left, 'x');
		const vis = this.tracks.filter((t) => this.visible(t));
		let best = NaN,
			dist = Infinity;
		for (const t of vis) {
			if (t.key === BATCH_KEY) continue;
			const i = nearestIndex(t.xs, xv);
			if (i < 0) continue;
			const d = Math.abs(t.xs.get(i) - xv);
			if (d < dist) {
				dist = d;
				best = t.xs.get(i);
			}
		}
		if (Number.isNaN(best)) {
			this.tooltip.hidden = true;
			return;
		}
		clear(this.tooltip);
		this.tooltip.appendChild(h('div', { class: 'curves-tooltip-title' }, `epoch ${formatNumber(best)}`));
		const smoothing = this.store.smoothing > 0;
		let rows = 0;
		for (const t of vis) {
			let i = nearestIndex(t.xs, best);
			if (t.key !== BATCH_KEY && (i < 0 || t.xs.get(i) !== best)) continue;
			if (t.key === BATCH_KEY) i = Math.min(t.xs.length - 1, lowerBound(t.xs, best));
			const y = t.ys.get(i);
			if (rows++ >= MAX_TOOLTIP_ROWS) continue;
			const sw = h('span', { class: 'curves-swatch', 'aria-hidden': 'true' });
			sw.style.background = this.trackColor(t);
			const name = this.store.runs.size > 1 ? `${t.run.meta.name} · ${t.key}` : t.key;
			this.tooltip.appendChild(
				h(
					'div',
					{ class: 'curves-tooltip-row' },
					sw,
					h('span', { class: 'curves-tooltip-name' }, name),
					h('span', { class: 'curves-tooltip-value' }, formatNumber(y)),
					smoothing ? h('span', { class: 'mw-muted' }, ` (smoothed ${formatNumber(t.smooth.get(i))})`) : null,
				),
			);
		}
		if (rows > MAX_TOOLTIP_ROWS) this.tooltip.appendChild(h('div', { class: 'mw-muted' }, `… ${rows - MAX_TOOLTIP_ROWS} more`));
		this.tooltip.hidden = false;
		const box = pane.box.getBoundingClientRect();
		const over = u.over.getBoundingClientRect();
		const tw = this.tooltip.offsetWidth;
		let x = over.left - box.left + left + 14;
		if (x + tw > box.width) x = over.left - box.left + left - tw - 14;
		this.tooltip.style.left = `${Math.max(0, x)}px`;
		this.tooltip.style.top = `${over.top - box.top + (u.cursor.top ?? 0) + 14}px`;
	}

	// ─── zoom and pan ───

	private onSelect(u: uPlot): void {
		if (u.select.width > 3) {
			const a = u.posToVal(u.select.left, 'x'),
				b = u.posToVal(u.select.left + u.select.width, 'x');
			this.zoomTo(a, b);
		}
		u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
	}

	private tr(v: number): number {
		return this.logX ? Math.log10(v) : v;
	}
	private untr(v: number): number {
		return this.logX ? Math.pow(10, v) : v;
	}

	zoomTo(a: number, b: number): void {
		if (!(b > a)) return;
		this.xRange = [Math.max(a, this.logX ? Number.MIN_VALUE : -Infinity), b];
		this.refresh();
	}

	private zoom(factor: number, centre?: number): void {
		const [a, b] = this.view();
		const ta = this.tr(a),
			tb = this.tr(b);
		const c = centre !== undefined ? this.tr(centre) : (ta + tb) / 2;
		const full = this.fullRange();
		let na = c - (c - ta) * factor,
			nb = c + (tb - c) * factor;
		if (nb - na >= this.tr(full[1]) - this.tr(full[0])) {
			this.resetZoom();
			return;
		}
		if (nb - na < 1e-9) return;
		na = Math.max(na, this.tr(full[0]));
		nb = Math.min(nb, this.tr(full[1]));
		this.xRange = [this.untr(na), this.untr(nb)];
		this.refresh();
	}

	private pan(fraction: number): void {
		if (!this.xRange) return;
		const [a, b] = this.xRange;
		const full = this.fullRange();
		const ta = this.tr(a),
			tb = this.tr(b),
			w = tb - ta;
		const shift = Math.max(this.tr(full[0]) - ta, Math.min(this.tr(full[1]) - tb, w * fraction));
		this.xRange = [this.untr(ta + shift), this.untr(tb + shift)];
		this.refresh();
	}

	private fullRange(): [number, number] {
		const saved = this.xRange;
		this.xRange = undefined;
		const r = this.view();
		this.xRange = saved;
		return r;
	}

	resetZoom(): void {
		this.xRange = undefined;
		this.refresh();
	}

	private onWheel(e: WheelEvent, pane: Pane): void {
		if (!pane.u) return;
		e.preventDefault();
		// Shift+wheel or a horizontal swipe pans; the wheel zooms around the pointer.
		if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
			this.pan(Math.sign(e.deltaX || e.deltaY) * 0.1);
			return;
		}
		const rect = pane.u.over.getBoundingClientRect();
		this.zoom(e.deltaY < 0 ? 0.8 : 1.25, pane.u.posToVal(e.clientX - rect.left, 'x'));
	}

	private onKey(e: KeyboardEvent): void {
		const act: Record<string, () => void> = {
			'+': () => this.zoom(0.5),
			'=': () => this.zoom(0.5),
			'-': () => this.zoom(2),
			ArrowLeft: () => this.pan(-0.25),
			ArrowRight: () => this.pan(0.25),
			'0': () => this.resetZoom(),
			Home: () => this.resetZoom(),
		};
		const f = act[e.key];
		if (f) {
			e.preventDefault();
			f();
		}
	}

	// ─── export and state ───

	/** The charts stacked as on the page, then a legend of the visible series. */
	private exportPng(): void {
		const srcs = this.panes.flatMap((p) => (p.u ? [p.u.ctx.canvas] : []));
		if (!srcs.length) return;
		const dpr = devicePixelRatio || 1;
		const vis = this.tracks.filter((t) => this.visible(t));
		const lineH = Math.round(16 * dpr);
		const chartsH = srcs.reduce((a, c) => a + c.height, 0);
		const out = document.createElement('canvas');
		out.width = Math.max(...srcs.map((c) => c.width));
		out.height = chartsH + lineH * (vis.length + 1);
		const ctx = out.getContext('2d')!;
		ctx.fillStyle = this.theme.background;
		ctx.fillRect(0, 0, out.width, out.height);
		let top = 0;
		for (const c of srcs) {
			ctx.drawImage(c, 0, top);
			top += c.height;
		}
		ctx.font = `${12 * dpr}px sans-serif`;
		vis.forEach((t, i) => {
			const y = chartsH + lineH * (i + 1);
			ctx.fillStyle = this.trackColor(t);
			ctx.fillRect(10 * dpr, y - 8 * dpr, 14 * dpr, 4 * dpr);
			ctx.fillStyle = this.theme.foreground;
			ctx.fillText(`${t.run.meta.name} · ${t.key}`, 30 * dpr, y);
		});
		const url = out.toDataURL('image/png');
		this.opts.onExport({
			name: `${this.opts.exportName ?? 'curves'}.png`,
			mime: 'image/png',
			encoding: 'base64',
			data: url.slice(url.indexOf(',') + 1),
		});
	}

	private exportCsv(): void {
		this.opts.onExport({ name: `${this.opts.exportName ?? 'curves'}.csv`, mime: 'text/csv', encoding: 'utf8', data: this.store.toCsv() });
	}

	private saveState(): void {
		this.opts.onState?.(this.uiState());
	}

	uiState(): CurvesUiState {
		return {
			hiddenRuns: [...this.hiddenRuns],
			hiddenKeys: [...this.hiddenKeys],
			smoothing: this.store.smoothing,
			logY: this.logY,
			logX: this.logX,
		};
	}

	/** For tests and the benchmark: what uPlot currently holds. */
	debug(): {
		xMin: number;
		xMax: number;
		points: number;
		lastX: number;
		builds: number;
		logX: boolean;
		logY: boolean;
		/** Whether the learning rate has its own log axis. */
		lrLog?: boolean;
		seriesShown: string[];
		colors: string[];
		/** The charts: `loss`, then one per metric family, with the series each holds, its x range and y axes. */
		panes: { key: string; series: string[]; x: [number, number]; axes: string[] }[];
		valToClient(x: number, y: number, key: string): [number, number];
	} {
		const u = this.panes[0]?.u;
		const panes = this.panes.map((p) => ({
			key: p.key,
			series: p.u ? p.u.series.slice(1).map((s) => s.label as string) : [],
			x: [p.u?.scales.x?.min ?? NaN, p.u?.scales.x?.max ?? NaN] as [number, number],
			axes: (p.u?.axes ?? []).slice(1).map((a) => String(a.label)),
		}));
		const lastX = Math.max(-Infinity, ...[...this.store.runs.values()].map((r) => r.epochs.last()).filter((v) => !Number.isNaN(v)));
		const common = { lastX, builds: this.builds, logX: this.logX, logY: this.logY };
		if (!u) return { ...common, xMin: NaN, xMax: NaN, points: 0, seriesShown: [], colors: [], panes, valToClient: () => [NaN, NaN] };
		return {
			xMin: u.scales.x!.min ?? NaN,
			xMax: u.scales.x!.max ?? NaN,
			points: u.data[0].length,
			...common,
			logX: u.scales.x!.distr === 3,
			logY: u.scales.y?.distr === 3,
			lrLog: u.scales.lr?.distr === 3 && u.axes.some((a) => a.scale === 'lr'),
			seriesShown: this.panes.flatMap((p) =>
				(p.u?.series ?? [])
					.slice(1)
					.filter((s) => s.show)
					.map((s) => s.label as string),
			),
			colors: this.tracks.map((t) => this.trackColor(t)),
			panes,
			valToClient: (x, y, key) => {
				// On the chart that holds `key`.
				const pu = this.panes.find((p) => p.key === paneOf(key))?.u ?? u;
				const r = pu.over.getBoundingClientRect();
				return [r.left + pu.valToPos(x, 'x'), r.top + pu.valToPos(y, scaleOf(key))];
			},
		};
	}
}

/** The learning rate a schedule logs each epoch. */
const LR_KEY = 'lr';

/** The y scale of a series in its chart: losses left, the learning rate on its own right axis, a metric on its chart's. */
function scaleOf(key: string): 'y' | 'lr' | 'm' {
	return isLossKey(key) ? 'y' : key === LR_KEY ? 'lr' : 'm';
}

/** The chart of a series: the losses and the learning rate share one; a metric and its `val_` twin have their own. */
export function paneOf(key: string): string {
	return isLossKey(key) || key === LR_KEY ? LOSS_PANE : key.replace(/^val_/, '');
}

/**
 * A log loss axis when the losses span more than two decades: a first epoch 100× the rest (linear
 * regression from a random start) would flatten the rest of the curve on a linear axis.
 */
export function autoLogY(tracks: readonly Pick<Track, 'key' | 'ys'>[]): boolean {
	let lo = Infinity,
		hi = -Infinity;
	for (const t of tracks) {
		if (!isLossKey(t.key) || t.key === BATCH_KEY) continue;
		for (let i = 0; i < t.ys.length; i++) {
			const v = t.ys.get(i);
			if (v > 0 && Number.isFinite(v)) {
				if (v < lo) lo = v;
				if (v > hi) hi = v;
			}
		}
	}
	return lo > 0 && hi / lo >= 100;
}
