/**
 * The evaluation panel page: metrics with their split; for classifiers the confusion matrix
 * (counts or row-normalised), per-class precision/recall, ROC and PR curves; for regression the
 * predicted-vs-actual scatter, the residual histogram and, for one feature, the fitted line.
 * A many-class evaluation comes summarised: its notes say what, and the most frequent confusions
 * stand in for the matrix.
 */
import '../shared/base.css';
import './evaluation.css';
import { EvaluationShow, isMessage, type EvaluationView } from '../protocol';
import { clear, formatNumber, h, s, toggle } from '../shared/dom';
import { connectHost } from '../shared/ipc';
import { plot, type PlotSeries } from '../shared/plot';
import { onThemeChange, paletteColor, readTheme, withAlpha, type Theme } from '../shared/theme';
import { linearFit } from '../../engine/core/stats';
import { tw } from '../shared/l10n';

interface UiState {
	normalized: boolean;
}

const app = document.getElementById('app') ?? document.body.appendChild(h('main', { id: 'app' }));
const root = h('div', { class: 'evaluation' }, h('div', { class: 'mw-empty' }, tw('evaluation.waiting')));
app.appendChild(root);
app.removeAttribute('aria-busy');

let current: EvaluationView | undefined;
const host = connectHost<UiState>('evaluation', (msg) => {
	if (isMessage(EvaluationShow.type, msg)) {
		current = msg.params.evaluation;
		render();
	}
});
const state: UiState = { normalized: host.state?.normalized === true };
onThemeChange(() => render());

/** Plots sized to the panel: two side by side when it is wide enough, else one filling its width. */
function chartWidth(): number {
	const w = app.clientWidth || 800;
	return Math.floor(Math.min(640, w >= 720 ? (w - 48) / 2 : w - 24));
}
let resizing: ReturnType<typeof setTimeout> | undefined;
window.addEventListener('resize', () => {
	clearTimeout(resizing);
	resizing = setTimeout(render, 150);
});

function render(): void {
	const ev = current;
	if (!ev) return;
	const theme = readTheme();
	clear(root);
	root.append(
		h('h1', {}, tw('evaluation.title', { name: ev.runName })),
		h(
			'p',
			{ class: 'eval-split mw-muted' },
			tw('evaluation.computedOn', {
				split: splitName(ev.split),
				samples: ev.samples !== undefined ? tw('evaluation.samples', { n: ev.samples }) : '',
				task: taskName(ev.task),
			}),
		),
		metricsTable(ev),
	);
	if (ev.notes?.length) root.appendChild(notesSection(ev.notes));
	if (ev.confusion) root.appendChild(confusionSection(ev, theme));
	else if (ev.topConfusions) root.appendChild(topConfusionsSection(ev.topConfusions));
	if (ev.perClass?.length) root.appendChild(perClassTable(ev));
	if (ev.misclassified) root.appendChild(misclassifiedSection(ev.misclassified));
	if (ev.importance?.features.length) root.appendChild(importanceSection(ev.importance, theme));
	if (ev.roc?.length || ev.pr?.length) root.appendChild(curvesSection(ev, theme));
	if (ev.regression) root.appendChild(regressionSection(ev, theme));
	root.dataset.rendered = String(Number(root.dataset.rendered ?? 0) + 1);
}

const taskName = (t: EvaluationView['task']) =>
	t === 'regression'
		? tw('evaluation.task.regression')
		: t === 'binaryClassification'
			? tw('evaluation.task.binary')
			: tw('evaluation.task.multiclass');
/** `test` → "test" / "测试集"; an unknown split as written. */
const splitName = (split: string) =>
	split === 'test' || split === 'validation' || split === 'train' ? tw(`evaluation.split.${split}`) : split;

function metricsTable(ev: EvaluationView): HTMLElement {
	const body = h('tbody', {});
	for (const m of ev.metrics)
		body.appendChild(h('tr', {}, h('th', { scope: 'row' }, m.name), h('td', { class: 'num' }, formatNumber(m.value))));
	return h(
		'table',
		{ class: 'mw-table eval-metrics' },
		h('caption', { class: 'mw-muted' }, tw('evaluation.metrics', { split: splitName(ev.split) })),
		h(
			'thead',
			{},
			h('tr', {}, h('th', { scope: 'col' }, tw('evaluation.metric')), h('th', { scope: 'col', class: 'num' }, tw('evaluation.value'))),
		),
		body,
	);
}

function notesSection(notes: string[]): HTMLElement {
	return h(
		'section',
		{ class: 'eval-notes', 'aria-label': tw('evaluation.summarised') },
		h('p', {}, tw('evaluation.summarisedNote')),
		h('ul', {}, ...notes.map((n) => h('li', {}, n))),
	);
}

function topConfusionsSection(rows: NonNullable<EvaluationView['topConfusions']>): HTMLElement {
	const section = h(
		'section',
		{ class: 'eval-confusion', 'aria-label': tw('evaluation.topConfusions') },
		h('h2', {}, tw('evaluation.topConfusions')),
	);
	if (!rows.length) {
		section.appendChild(h('p', { class: 'mw-muted' }, tw('evaluation.noMisclassified')));
		return section;
	}
	const body = h('tbody', {});
	for (const r of rows)
		body.appendChild(h('tr', {}, h('td', {}, r.actual), h('td', {}, r.predicted), h('td', { class: 'num' }, String(r.count))));
	const head = h(
		'tr',
		{},
		...[tw('evaluation.actual'), tw('evaluation.predictedAs'), tw('evaluation.rows')].map((t, i) =>
			h('th', { scope: 'col', class: i === 2 ? 'num' : undefined }, t),
		),
	);
	section.appendChild(scrollable(h('table', { class: 'mw-table eval-top-confusions' }, h('thead', {}, head), body), rows.length));
	return section;
}

function confusionSection(ev: EvaluationView, theme: Theme): HTMLElement {
	const { labels, matrix } = ev.confusion!;
	const section = h('section', { class: 'eval-confusion', 'aria-label': tw('evaluation.confusion') });
	const tableBox = h('div', {});
	const draw = () => {
		clear(tableBox);
		tableBox.appendChild(confusionTable(labels, matrix, state.normalized, theme));
	};
	section.append(
		h('h2', {}, tw('evaluation.confusion')),
		h(
			'div',
			{ class: 'mw-toolbar' },
			toggle(
				tw('evaluation.normalized'),
				state.normalized,
				(on) => {
					state.normalized = on;
					host.saveState(state);
					draw();
				},
				{ class: 'eval-normalize' },
			),
		),
		tableBox,
	);
	draw();
	return section;
}

function confusionTable(labels: string[], matrix: number[][], normalized: boolean, theme: Theme): HTMLTableElement {
	const rowSums = matrix.map((r) => r.reduce((a, b) => a + b, 0));
	const colSums = labels.map((_, j) => matrix.reduce((a, r) => a + (r[j] ?? 0), 0));
	const max = Math.max(1, ...matrix.flat());
	const accent = theme.palette[0]!;
	const head = h(
		'tr',
		{},
		h('th', { scope: 'col', class: 'eval-corner' }, tw('evaluation.corner')),
		...labels.map((l) => h('th', { scope: 'col' }, l)),
		h('th', { scope: 'col', class: 'num' }, tw('evaluation.recall')),
	);
	const body = h('tbody', {});
	matrix.forEach((row, i) => {
		const tr = h('tr', {}, h('th', { scope: 'row' }, labels[i] ?? String(i)));
		row.forEach((v, j) => {
			const share = rowSums[i] ? v / rowSums[i] : 0;
			const t = normalized ? share : v / max;
			const text = normalized ? `${(share * 100).toFixed(1)}%` : String(v);
			const td = h(
				'td',
				{
					class: `num eval-cell${i === j ? ' diag' : ''}`,
					'data-row': i,
					'data-col': j,
					'aria-label': tw('evaluation.cellAria', {
						actual: labels[i]!,
						predicted: labels[j]!,
						n: v,
						share: `${(share * 100).toFixed(1)}%`,
					}),
				},
				text,
			);
			// CSSOM styles are allowed by the CSP (style attributes in markup would not be).
			td.style.backgroundColor = withAlpha(accent, 0.06 + 0.84 * t);
			if (t > 0.55) td.style.color = '#ffffff';
			tr.appendChild(td);
		});
		tr.appendChild(
			h('td', { class: 'num eval-recall' }, formatNumber(rowSums[i] ? Number(((row[i] ?? 0) / rowSums[i]).toFixed(4)) : null)),
		);
		body.appendChild(tr);
	});
	const precision = h(
		'tr',
		{ class: 'eval-precision-row' },
		h('th', { scope: 'row' }, 'Precision'),
		...labels.map((_, j) =>
			h('td', { class: 'num eval-precision' }, formatNumber(colSums[j] ? Number(((matrix[j]?.[j] ?? 0) / colSums[j]).toFixed(4)) : null)),
		),
		h('td', {}),
	);
	body.appendChild(precision);
	return h('table', { class: 'mw-table eval-matrix' }, h('thead', {}, head), body);
}

/** Permutation importance as horizontal bars (mean drop) with ±std whiskers, most important first. */
/** Misclassified images as a grid: the picture (a data: URL of checked base64 PNG), labels as text. */
function misclassifiedSection(mis: NonNullable<EvaluationView['misclassified']>): HTMLElement {
	const section = h(
		'section',
		{ class: 'eval-misclassified', 'aria-label': tw('evaluation.misclassified') },
		h('h2', {}, tw('evaluation.misclassified')),
		h(
			'p',
			{ class: 'mw-muted' },
			mis.errors === 0
				? tw('evaluation.allCorrect')
				: mis.images.length < mis.errors
					? tw('evaluation.misclassifiedShown', { n: mis.errors, shown: mis.images.length })
					: tw('evaluation.misclassifiedCount', { n: mis.errors }),
		),
	);
	if (!mis.images.length) return section;
	const grid = h('ul', { class: 'eval-image-grid' });
	for (const m of mis.images) {
		// Base64 text only in the data: URL (the host checked it is a PNG; a page never trusts a string into a URL).
		if (!/^[A-Za-z0-9+/]+={0,2}$/.test(m.png)) continue;
		const title = `${m.file ? `${m.file}\n` : ''}${tw('evaluation.imageTitle', { actual: m.actual, predicted: m.predicted })}${m.score !== null ? ` (${formatNumber(m.score)})` : ''}`;
		grid.appendChild(
			h(
				'li',
				{ class: 'eval-image', title },
				h('img', {
					src: `data:image/png;base64,${m.png}`,
					alt: tw('evaluation.imageAlt', { actual: m.actual, predicted: m.predicted }),
					width: 64,
					height: 64,
				}),
				h('span', { class: 'eval-image-true' }, m.actual),
				h('span', { class: 'eval-image-pred' }, `→ ${m.predicted}`),
			),
		);
	}
	section.appendChild(grid);
	return section;
}

function importanceSection(imp: NonNullable<EvaluationView['importance']>, theme: Theme): HTMLElement {
	const rows = imp.features;
	const rowH = 22;
	const labelW = 140;
	const valueW = 110;
	const barW = Math.max(120, chartWidth() - labelW - valueW);
	const max = Math.max(1e-12, ...rows.map((f) => (f.mean ?? 0) + (f.std ?? 0)));
	const x = (v: number) => labelW + (Math.max(0, Math.min(v, max)) / max) * barW;
	const color = paletteColor(theme, 0);
	const svg = s('svg', {
		class: 'eval-importance-chart',
		width: labelW + barW + valueW,
		height: rows.length * rowH + 4,
		role: 'img',
		'aria-label': tw('evaluation.importanceAria', { metric: imp.metric }),
	});
	rows.forEach((f, i) => {
		const y = i * rowH + 2;
		const mean = f.mean ?? 0;
		const std = f.std ?? 0;
		const name = f.name.length > 20 ? `${f.name.slice(0, 19)}…` : f.name;
		svg.append(
			s('text', { x: labelW - 6, y: y + rowH / 2 + 4, 'text-anchor': 'end', fill: theme.foreground }, name),
			s('rect', { class: 'eval-importance-bar', x: labelW, y: y + 3, width: Math.max(0, x(mean) - labelW), height: rowH - 6, fill: color }),
			s('line', { x1: x(mean - std), x2: x(mean + std), y1: y + rowH / 2, y2: y + rowH / 2, stroke: theme.foreground, 'stroke-width': 1 }),
			s('text', { x: labelW + barW + 6, y: y + rowH / 2 + 4, fill: theme.foreground }, `${formatNumber(f.mean)} ± ${formatNumber(f.std)}`),
			s(
				'title',
				{},
				tw('evaluation.importanceBar', { name: f.name, metric: imp.metric, mean: formatNumber(f.mean), std: formatNumber(f.std) }),
			),
		);
	});
	return h(
		'section',
		{ class: 'eval-importance', 'aria-label': tw('evaluation.importance') },
		h('h2', {}, tw('evaluation.importance')),
		h(
			'p',
			{ class: 'mw-muted' },
			tw('evaluation.importanceNote', { metric: imp.metric, baseline: formatNumber(imp.baseline), repeats: imp.repeats }),
		),
		svg,
	);
}

function perClassTable(ev: EvaluationView): HTMLElement {
	const body = h('tbody', {});
	for (const c of ev.perClass!)
		body.appendChild(
			h(
				'tr',
				{},
				h('th', { scope: 'row' }, c.label),
				h('td', { class: 'num' }, formatNumber(c.precision)),
				h('td', { class: 'num' }, formatNumber(c.recall)),
				h('td', { class: 'num' }, formatNumber(c.f1 ?? null)),
				h('td', { class: 'num' }, String(c.support)),
			),
		);
	return h(
		'section',
		{ 'aria-label': tw('evaluation.perClassAria') },
		h('h2', {}, tw('evaluation.perClass')),
		scrollable(
			h(
				'table',
				{ class: 'mw-table eval-per-class' },
				h(
					'thead',
					{},
					h(
						'tr',
						{},
						...[tw('evaluation.class'), tw('evaluation.precision'), tw('evaluation.recall'), 'F1', tw('evaluation.support')].map((t, i) =>
							h('th', { scope: 'col', class: i ? 'num' : undefined }, t),
						),
					),
				),
				body,
			),
			ev.perClass!.length,
		),
	);
}

/** A long table (many classes) scrolls in a box of its own (focusable, for the keyboard), so the sections after it stay in reach. */
function scrollable(table: HTMLTableElement, rows: number): HTMLElement {
	return rows > 25 ? h('div', { class: 'eval-scroll', tabindex: 0 }, table) : table;
}

function curvesSection(ev: EvaluationView, theme: Theme): HTMLElement {
	const section = h('section', { class: 'eval-curves', 'aria-label': tw('evaluation.curvesAria') }, h('h2', {}, tw('evaluation.curves')));
	const w = chartWidth();
	if (ev.roc?.length) {
		const auc = new Map(ev.roc.map((r) => [r.label, r.auc]));
		const series: PlotSeries[] = [
			{ label: tw('evaluation.chance'), color: theme.muted, kind: 'line', x: [0, 1], y: [0, 1], dash: [4, 4], width: 1, noLegend: true },
		];
		ev.roc.forEach((r, i) => series.push({ label: r.label, color: paletteColor(theme, i), kind: 'line', x: r.fpr, y: r.tpr }));
		plot(
			section,
			{
				// One curve per class is one vs rest; a binary task has just the positive class's curve.
				title: ev.task === 'binaryClassification' ? 'ROC' : tw('evaluation.rocOvr'),
				xLabel: tw('evaluation.fpr'),
				yLabel: tw('evaluation.tpr'),
				xDomain: [-0.01, 1.01],
				yDomain: [-0.01, 1.02],
				square: true,
				series,
				legendNote: (s) => (auc.has(s.label) ? `AUC ${formatNumber(auc.get(s.label) ?? null)}` : undefined),
			},
			theme,
			w,
		).classList.add('eval-roc');
	}
	if (ev.pr?.length) {
		const ap = new Map(ev.pr.map((r) => [r.label, r.averagePrecision]));
		const series: PlotSeries[] = ev.pr.map((r, i) => ({
			label: r.label,
			color: paletteColor(theme, i),
			kind: 'line',
			x: r.recall,
			y: r.precision,
		}));
		plot(
			section,
			{
				title: tw('evaluation.pr'),
				xLabel: tw('evaluation.recallAxis'),
				yLabel: tw('evaluation.precisionAxis'),
				xDomain: [-0.01, 1.01],
				yDomain: [-0.01, 1.02],
				square: true,
				series,
				legendNote: (s) => (ap.get(s.label) !== undefined ? `AP ${formatNumber(ap.get(s.label) ?? null)}` : undefined),
			},
			theme,
			w,
		).classList.add('eval-pr');
	}
	return section;
}

/**
 * `ŷ = 2.045·x + 0.154` when the model's predictions lie on a line over the feature (a linear
 * model: R² of the fit ≥ 0.9999); undefined for a curve, which has no such equation.
 */
function fittedEquation(xs: number[], ys: number[], name: string): string | undefined {
	const fit = linearFit(xs, ys);
	if (!fit || fit.r2 < 0.9999) return undefined;
	const sign = fit.intercept < 0 ? '−' : '+';
	return `ŷ = ${formatNumber(fit.slope)}·${name} ${sign} ${formatNumber(Math.abs(fit.intercept))}`;
}

/** [min, max] of finite values; a loop, since spreading 10⁵ values into Math.min overflows the stack. */
function range(...arrays: number[][]): [number, number] {
	let lo = Infinity,
		hi = -Infinity;
	for (const a of arrays)
		for (const v of a)
			if (Number.isFinite(v)) {
				if (v < lo) lo = v;
				if (v > hi) hi = v;
			}
	return lo <= hi ? [lo, hi] : [0, 1];
}

function regressionSection(ev: EvaluationView, theme: Theme): HTMLElement {
	const { actual, predicted, feature } = ev.regression!;
	const label = ev.regression!.label ?? 'label';
	const section = h(
		'section',
		{ class: 'eval-regression', 'aria-label': tw('evaluation.regressionAria') },
		h('h2', {}, tw('evaluation.predictions')),
	);
	if (!actual.length) {
		section.appendChild(h('p', { class: 'mw-muted' }, 'No predictions to plot.'));
		return section;
	}
	const w = chartWidth();
	const [lo, hi] = range(actual, predicted);
	const pad = (hi - lo || 1) * 0.05;
	const dom: [number, number] = [lo - pad, hi + pad];
	plot(
		section,
		{
			title: tw('evaluation.predVsActual'),
			xLabel: tw('evaluation.actualOf', { label }),
			yLabel: tw('evaluation.predictedOf', { label }),
			xDomain: dom,
			yDomain: dom,
			square: true,
			series: [
				{ label: tw('evaluation.perfect'), color: theme.muted, kind: 'line', x: dom, y: dom, dash: [5, 4], width: 1.5 },
				{ label: tw('evaluation.samplesLabel'), color: paletteColor(theme, 0), kind: 'points', x: actual, y: predicted },
			],
		},
		theme,
		w,
	).classList.add('eval-scatter');
	const residuals = predicted.map((p, i) => p - actual[i]!);
	const bins = Math.max(5, Math.min(40, Math.ceil(Math.sqrt(residuals.length))));
	const [rlo, rhi] = range(residuals);
	const bw = (rhi - rlo || 1) / bins;
	const counts = new Array<number>(bins).fill(0);
	for (const r of residuals) if (Number.isFinite(r)) counts[Math.max(0, Math.min(bins - 1, Math.floor((r - rlo) / bw)))]!++;
	plot(
		section,
		{
			title: tw('evaluation.residuals'),
			xLabel: tw('evaluation.residual'),
			yLabel: tw('evaluation.samplesLabel'),
			series: [
				{
					label: tw('evaluation.residualsLegend', {
						n: residuals.length,
						mean: formatNumber(residuals.reduce((a, b) => a + b, 0) / residuals.length),
					}),
					color: paletteColor(theme, 1),
					kind: 'bars',
					x: counts.map((_, i) => rlo + i * bw),
					y: counts,
					barWidth: bw,
				},
			],
		},
		theme,
		w,
	).classList.add('eval-residuals');
	if (feature && feature.values.length === actual.length) {
		const order = feature.values.map((_, i) => i).sort((a, b) => feature.values[a]! - feature.values[b]!);
		const eq = fittedEquation(feature.values, predicted, feature.name);
		plot(
			section,
			{
				title: eq ? tw('evaluation.fitted', { equation: eq }) : tw('evaluation.modelOver', { feature: feature.name }),
				xLabel: feature.name,
				yLabel: label,
				series: [
					{ label: tw('evaluation.data'), color: paletteColor(theme, 0), kind: 'points', x: feature.values, y: actual },
					{
						label: tw('evaluation.model'),
						color: paletteColor(theme, 4),
						kind: 'line',
						x: order.map((i) => feature.values[i]!),
						y: order.map((i) => predicted[i]!),
						width: 2.5,
					},
				],
			},
			theme,
			w,
		).classList.add('eval-fit');
	}
	return section;
}
