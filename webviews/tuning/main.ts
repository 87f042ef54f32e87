/**
 * The tuning trials page: sweep header with "Apply best", a sortable keyboard-navigable trials
 * table, and three views: parallel coordinates of params vs. score, the best-so-far curve and the
 * intermediate objective of every trial (running ones live, pruned ones dashed). Every value from
 * the config or the runs is a text node or canvas text.
 */
import '../shared/base.css';
import './tuning.css';
import { ApplyBest, ExportFile, isMessage, OpenTrial, TrialsEpoch, TrialsShow, TrialsUpdate, type TrialView } from '../protocol';
import { button, clear, formatNumber, h, tabs } from '../shared/dom';
import { connectHost } from '../shared/ipc';
import { plot, type PlotSeries } from '../shared/plot';
import { onThemeChange, readTheme, withAlpha, type Theme } from '../shared/theme';
import { bestSoFar, finite, formatDuration, paramText, shortParamLabels, sortTrials, SweepModel, trialsCsv, type SortState } from './model';
import { drawParallel, rampColor, type ParallelResult } from './parallel';
import { maxOf, minOf } from '../../engine/core/arrays';
import { meanStdParts } from '../../engine/core/format';
import { pageLocale, statusText, tw } from '../shared/l10n';

type ViewId = 'parallel' | 'best' | 'intermediate';
interface UiState {
	sort: SortState;
	view: ViewId;
}
const VIEWS: ViewId[] = ['parallel', 'best', 'intermediate'];

const app = document.getElementById('app') ?? document.body.appendChild(h('main', { id: 'app' }));
const root = h('div', { class: 'tuning' }, h('div', { class: 'mw-empty' }, tw('tuning.waiting')));
app.appendChild(root);
app.removeAttribute('aria-busy');

let model: SweepModel | undefined;
let selected: number | undefined;
let parallel: ParallelResult | undefined;
let frame = 0;
let tableDirty = false;

const host = connectHost<UiState>('tuning', (msg) => {
	if (isMessage(TrialsShow.type, msg)) {
		model = new SweepModel(msg.params.sweep);
		selected = undefined;
		render();
	} else if (isMessage(TrialsUpdate.type, msg)) {
		model?.update(msg.params);
		schedule(true);
	}
	// An epoch changes only the curves: leave the table (and its focus) alone.
	else if (isMessage(TrialsEpoch.type, msg) && model) schedule(model.epoch(msg.params));
});
const saved = host.state;
const ui: UiState = {
	sort:
		saved?.sort && typeof saved.sort.key === 'string' && (saved.sort.dir === 'asc' || saved.sort.dir === 'desc')
			? saved.sort
			: { key: '#', dir: 'asc' },
	view: saved?.view && VIEWS.includes(saved.view) ? saved.view : 'parallel',
};
onThemeChange(() => render());

// The boxes outlive renders so scroll position and the selected tab stay put.
const header = h('header', { class: 'tuning-header' });
const tableWrap = h('div', { class: 'tuning-table-wrap' });
const parallelBox = h('div', { class: 'tuning-parallel' });
const bestBox = h('div', { class: 'tuning-bestsofar' });
const interBox = h('div', { class: 'tuning-intermediate' });
const legend = h('div', { class: 'tuning-ramp mw-muted', 'aria-hidden': 'true' });
const views = h('section', { class: 'tuning-views', 'aria-label': tw('tuning.chartsAria') });
let built = false;

function build(): void {
	if (built) return;
	built = true;
	clear(root);
	const pPanel = h('div', {}, parallelBox, legend);
	const bPanel = h('div', {}, bestBox);
	const iPanel = h('div', {}, interBox);
	views.append(
		tabs(
			tw('tuning.charts'),
			[
				{ id: 'parallel', title: tw('tuning.parallelTab'), panel: pPanel },
				{ id: 'best', title: tw('tuning.bestTab'), panel: bPanel },
				{ id: 'intermediate', title: tw('tuning.intermediateTab'), panel: iPanel },
			],
			ui.view,
			(id) => {
				if (ui.view !== id) {
					ui.view = id as ViewId;
					host.saveState(ui);
				}
			},
		),
		pPanel,
		bPanel,
		iPanel,
	);
	root.append(
		header,
		h(
			'div',
			{ class: 'mw-toolbar' },
			h('h2', {}, tw('tuning.trials')),
			button(tw('common.exportCsv'), exportCsv, { class: 'tuning-export-csv' }),
			h('span', { class: 'mw-muted tuning-hint' }, tw('tuning.hint')),
		),
		tableWrap,
		views,
	);
}

/** Coalesces live messages into one redraw per frame. */
function schedule(table: boolean): void {
	tableDirty ||= table;
	if (frame) return;
	frame = requestAnimationFrame(() => {
		frame = 0;
		render(tableDirty);
	});
}

function render(table = true): void {
	if (!model) return;
	if (frame) {
		cancelAnimationFrame(frame);
		frame = 0;
	}
	tableDirty = false;
	build();
	const theme = readTheme();
	if (table) {
		renderHeader(model);
		renderTable(model);
	}
	renderCharts(model, theme);
	root.dataset.rendered = String(Number(root.dataset.rendered ?? 0) + 1);
}

function renderHeader(m: SweepModel): void {
	const s = m.sweep;
	const best = m.best();
	const item = (label: string, value: string, cls: string) =>
		h('div', { class: `tuning-fact ${cls}` }, h('dt', {}, label), h('dd', {}, value));
	const apply = button(tw('tuning.applyBest'), () => host.post(ApplyBest.type, {}), {
		class: 'tuning-apply-best',
		title: tw('tuning.applyBestTitle'),
	});
	apply.disabled = !best;
	clear(header);
	header.append(
		h('h1', { class: 'tuning-name' }, s.name),
		h(
			'dl',
			{ class: 'tuning-facts' },
			item(tw('tuning.strategy'), s.strategy, 'tuning-strategy'),
			item(tw('tuning.objective'), `${s.objective.metric} (${s.objective.direction})`, 'tuning-objective'),
			item(tw('tuning.folds'), s.folds > 1 ? tw('tuning.foldsCv', { n: s.folds }) : tw('tuning.none'), 'tuning-folds'),
			item(tw('tuning.trials'), `${m.done()} / ${s.plannedTrials}`, 'tuning-progress'),
			item(tw('tuning.status'), statusText(s.status), 'tuning-status'),
			item(
				tw('tuning.best'),
				best ? tw('tuning.bestSummary', { n: best.number, score: formatNumber(best.score) }) : '—',
				'tuning-best-summary',
			),
		),
		h('div', { class: 'mw-toolbar' }, apply),
	);
}

interface Column {
	key: string;
	label: string;
	num: boolean;
	title?: string;
}

function columns(m: SweepModel): Column[] {
	const arrow = m.sweep.objective.direction === 'minimize' ? '↓' : '↑';
	const labels = shortParamLabels(m.paramKeys());
	return [
		{ key: '#', label: '#', num: true, title: tw('tuning.trialNumber') },
		...m.paramKeys().map((k) => ({ key: `param:${k}`, label: labels.get(k) ?? k, num: false, title: k })),
		{
			key: 'score',
			label: tw('tuning.score', { arrow }),
			num: true,
			title: tw('tuning.scoreTitle', { metric: m.sweep.objective.metric, direction: m.sweep.objective.direction }),
		},
		{ key: 'status', label: tw('tuning.status'), num: false },
		{ key: 'duration', label: tw('tuning.duration'), num: true },
		...(m.list().some((t) => t.worker) ? [{ key: 'worker', label: tw('tuning.worker'), num: false }] : []),
	];
}

/** A k-fold mean and its spread (formatMeanStd's digits), the spread muted; no "± 0". */
function scoreCell(score: number | null | undefined, std: number | null | undefined): (string | HTMLElement)[] {
	if (!finite(score)) return [formatNumber(score)];
	const parts = meanStdParts(score, std ?? undefined);
	return parts.std === undefined ? [parts.mean] : [parts.mean, h('span', { class: 'tuning-std' }, ` ± ${parts.std}`)];
}

function sortedTrials(m: SweepModel): TrialView[] {
	return sortTrials(m.list(), ui.sort);
}

function renderTable(m: SweepModel): void {
	// Live updates rebuild the table: put focus back on the same row or header button.
	const active = document.activeElement as HTMLElement | null;
	const focusedRow = active?.closest?.('tr.tuning-row') as HTMLElement | null;
	const refocus = focusedRow ? Number(focusedRow.dataset.trial) : undefined;
	const refocusSort = active?.classList.contains('tuning-sort') ? active.dataset.key : undefined;
	const scroll = tableWrap.scrollTop;
	const cols = columns(m);
	const keys = m.paramKeys();
	const best = m.best()?.number;
	const head = h(
		'tr',
		{},
		...cols.map((c) => {
			const on = ui.sort.key === c.key;
			const sortBtn = button(c.label, () => setSort(c.key), {
				class: `tuning-sort${c.key.startsWith('param:') ? ' tuning-sort-param' : ''}`,
				'data-key': c.key,
				title: c.title ?? c.label,
			});
			if (on) sortBtn.appendChild(h('span', { class: 'tuning-sort-arrow', 'aria-hidden': 'true' }, ui.sort.dir === 'asc' ? ' ▲' : ' ▼'));
			return h(
				'th',
				{ scope: 'col', class: c.num ? 'num' : undefined, 'aria-sort': on ? (ui.sort.dir === 'asc' ? 'ascending' : 'descending') : 'none' },
				sortBtn,
			);
		}),
	);
	const body = h('tbody', {});
	const order = sortedTrials(m);
	if (selected === undefined || !m.trials.has(selected)) selected = order[0]?.number;
	for (const t of order) {
		const isBest = t.number === best;
		const badge = t.status === 'completed' ? null : h('span', { class: `tuning-badge tuning-badge-${t.status}` }, statusText(t.status));
		const tr = h(
			'tr',
			{
				class: `tuning-row tuning-status-${t.status}${isBest ? ' tuning-best' : ''}`,
				'data-trial': t.number,
				tabindex: t.number === selected ? 0 : -1,
				'aria-selected': String(t.number === selected),
			},
			h(
				'td',
				{ class: 'num tuning-number' },
				String(t.number),
				isBest ? h('span', { class: 'tuning-best-badge', title: tw('tuning.bestTrial') }, tw('tuning.bestBadge')) : null,
			),
			...keys.map((k) =>
				h('td', { class: typeof t.params[k] === 'number' ? 'num' : 'tuning-param' }, paramText(t.params[k], formatNumber)),
			),
			t.status === 'pruned'
				? h(
						'td',
						{ class: 'num tuning-score tuning-score-partial', title: tw('tuning.partialTitle') },
						finite(t.score) ? `(${formatNumber(t.score)})` : '–',
					)
				: h('td', { class: 'num tuning-score' }, ...scoreCell(t.score, t.std)),
			h(
				'td',
				{ class: 'tuning-status-cell' },
				badge ?? statusText(t.status),
				t.message ? h('span', { class: 'tuning-message' }, t.message) : null,
			),
			h('td', { class: 'num' }, formatDuration(t.durationMs, pageLocale())),
			cols.some((c) => c.key === 'worker')
				? h(
						'td',
						{ class: 'tuning-worker', ...((t.starts ?? 0) > 1 ? { title: tw('tuning.retriedTitle', { count: String(t.starts) }) } : {}) },
						t.worker ?? '',
						(t.starts ?? 0) > 1 ? ` (×${t.starts})` : '',
					)
				: null,
		);
		tr.addEventListener('click', () => select(t.number, false));
		tr.addEventListener('dblclick', () => open(t.number));
		tr.addEventListener('keydown', (e) => onRowKey(e, t.number));
		body.appendChild(tr);
	}
	const table = h(
		'table',
		{
			class: 'mw-table tuning-table',
			role: 'grid',
			'aria-label': tw('tuning.tableAria', { name: m.sweep.name }),
			'aria-rowcount': order.length + 1,
		},
		h('thead', {}, head),
		body,
	);
	clear(tableWrap);
	tableWrap.appendChild(order.length ? table : h('div', { class: 'mw-empty' }, tw('tuning.noTrials')));
	tableWrap.scrollTop = scroll;
	if (refocus !== undefined) rowOf(refocus)?.focus();
	else if (refocusSort !== undefined) tableWrap.querySelector<HTMLElement>(`.tuning-sort[data-key="${CSS.escape(refocusSort)}"]`)?.focus();
}

const rowOf = (n: number) => tableWrap.querySelector<HTMLElement>(`tr.tuning-row[data-trial="${n}"]`);

function setSort(key: string): void {
	ui.sort = ui.sort.key === key ? { key, dir: ui.sort.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: key === 'duration' ? 'desc' : 'asc' };
	host.saveState(ui);
	render();
}

/** Roving tabindex: one row is in the tab order; arrows move, Enter opens. */
function select(n: number, focus: boolean): void {
	if (!model) return;
	const changed = selected !== n;
	selected = n;
	for (const r of Array.from(tableWrap.querySelectorAll<HTMLElement>('tr.tuning-row'))) {
		const on = r.dataset.trial === String(n);
		r.tabIndex = on ? 0 : -1;
		r.setAttribute('aria-selected', String(on));
	}
	const row = rowOf(n);
	if (focus) row?.focus();
	row?.scrollIntoView({ block: 'nearest' });
	// The selected trial is outlined in the parallel coordinates.
	if (changed) renderCharts(model, readTheme());
}

function onRowKey(e: KeyboardEvent, n: number): void {
	if (e.key === 'Enter') {
		e.preventDefault();
		open(n);
		return;
	}
	const rows = Array.from(tableWrap.querySelectorAll<HTMLElement>('tr.tuning-row'));
	const i = rows.findIndex((r) => r.dataset.trial === String(n));
	const page = Math.max(1, Math.floor(tableWrap.clientHeight / 28));
	const next =
		e.key === 'ArrowDown'
			? i + 1
			: e.key === 'ArrowUp'
				? i - 1
				: e.key === 'Home'
					? 0
					: e.key === 'End'
						? rows.length - 1
						: e.key === 'PageDown'
							? i + page
							: e.key === 'PageUp'
								? i - page
								: undefined;
	if (next === undefined) return;
	e.preventDefault();
	const target = rows[Math.max(0, Math.min(rows.length - 1, next))];
	if (target) select(Number(target.dataset.trial), true);
}

function open(n: number): void {
	host.post(OpenTrial.type, { number: n });
}

function exportCsv(): void {
	if (!model) return;
	const stem = model.sweep.name.replace(/[^\w.-]+/g, '_').slice(0, 80) || 'sweep';
	host.post(ExportFile.type, {
		name: `${stem}-trials.csv`,
		mime: 'text/csv',
		encoding: 'utf8',
		data: trialsCsv(sortedTrials(model), model.paramKeys()),
	});
}

function chartWidth(): number {
	return Math.min(960, Math.max(320, (app.clientWidth || 900) - 40));
}

function renderCharts(m: SweepModel, theme: Theme): void {
	const trials = m.list();
	const best = m.best()?.number;
	const highlight = theme.palette[1]!;
	const width = chartWidth();

	clear(parallelBox);
	parallel = drawParallel(m.sweep, trials, theme, width, { best, selected, highlight });
	parallelBox.appendChild(h('figure', { class: 'mw-figure' }, h('figcaption', {}, tw('tuning.parallelCaption')), parallel.canvas));
	clear(legend);
	const bar = h('span', { class: 'tuning-ramp-bar' });
	bar.style.background = `linear-gradient(to right, ${rampColor(0)}, ${rampColor(0.5)}, ${rampColor(1)})`;
	const sw = h('span', { class: 'mw-plot-swatch' });
	sw.style.background = highlight;
	legend.append(tw('tuning.worse'), bar, tw('tuning.better'), sw, tw('tuning.rampLegend'));

	clear(bestBox);
	const bs = bestSoFar(trials, m.sweep.objective.direction);
	const metric = m.sweep.objective.metric;
	if (bs.x.length) {
		const dot: PlotSeries = {
			label: tw('tuning.trialScore'),
			color: withAlpha(theme.muted, 0.9),
			kind: 'points',
			x: bs.scoreX,
			y: bs.scoreY,
		};
		const line: PlotSeries = {
			label: tw('tuning.bestSoFar', { direction: m.sweep.objective.direction }),
			color: highlight,
			kind: 'line',
			x: bs.x,
			y: bs.y,
			width: 2.5,
		};
		const maxN = Math.max(maxOf(trials.map((t) => t.number)), maxOf(bs.x));
		plot(
			bestBox,
			{
				title: tw('tuning.bestMetricSoFar', { metric }),
				xLabel: tw('tuning.trialAxis'),
				yLabel: metric,
				series: [dot, line],
				xDomain: [minOf(bs.x) - 0.5, maxN + 0.5],
			},
			theme,
			width,
		);
	} else bestBox.appendChild(h('div', { class: 'mw-empty' }, tw('tuning.noCompleted')));

	clear(interBox);
	const series: PlotSeries[] = [];
	// Purple, not the warning yellow: that is too close to the best trial's orange.
	const running = theme.palette[0]!,
		pruned = theme.palette[3]!;
	const ends: { x: number[]; y: number[] } = { x: [], y: [] };
	let maxEpoch = 1;
	for (const t of trials) {
		const v = t.intermediate;
		if (!v?.length) continue;
		maxEpoch = Math.max(maxEpoch, v.length);
		const x = v.map((_, i) => i + 1),
			y = v.map((n) => (finite(n) ? n : NaN));
		const isBest = t.number === best;
		const color = t.status === 'running' ? running : t.status === 'pruned' ? pruned : isBest ? highlight : withAlpha(theme.muted, 0.8);
		series.push({
			label: tw('tuning.trialN', { n: t.number }),
			color,
			kind: 'line',
			x,
			y,
			width: t.status === 'running' || isBest ? 2.5 : 1.5,
			dash: t.status === 'pruned' ? [6, 4] : undefined,
			noLegend: true,
		});
		if (t.status === 'pruned') {
			const i = y
				.map((n, k) => (Number.isFinite(n) ? k : -1))
				.filter((k) => k >= 0)
				.pop();
			if (i !== undefined) {
				ends.x.push(x[i]!);
				ends.y.push(y[i]!);
			}
		}
	}
	// Running trials drawn last so live values are never hidden.
	series.sort((a, b) => Number(a.color === running) - Number(b.color === running));
	if (series.length) {
		const key = (label: string, color: string): PlotSeries => ({ label, color, kind: 'line', x: [], y: [] });
		series.push(
			{ label: tw('tuning.prunedHere'), color: pruned, kind: 'points', x: ends.x, y: ends.y, noLegend: true },
			key(statusText('running'), running),
			key(tw('tuning.prunedKey'), pruned),
			key(tw('tuning.bestTrialKey'), highlight),
			key(statusText('completed'), withAlpha(theme.muted, 0.8)),
		);
		plot(
			interBox,
			{
				title: tw('tuning.perEpoch', { metric }),
				xLabel: tw('tuning.epochAxis'),
				yLabel: metric,
				series,
				xDomain: [1, Math.max(2, maxEpoch)],
			},
			theme,
			width,
		);
	} else interBox.appendChild(h('div', { class: 'mw-empty' }, tw('tuning.noIntermediate')));
}

(window as unknown as { modelwrightDebug: unknown }).modelwrightDebug = {
	tuning: {
		/** Client coordinates of trial `n` on parallel axis `i`, and its line colour. */
		vertex(n: number, i: number): [number, number] | undefined {
			const v = parallel?.vertex(n, i);
			if (!v || !parallel) return undefined;
			const r = parallel.canvas.getBoundingClientRect();
			return [r.left + v[0], r.top + v[1]];
		},
		color: (n: number) => parallel?.color(n),
		selected: () => selected,
	},
};
