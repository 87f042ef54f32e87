/** The run-comparison page: config differences, final metrics and the runs' curves overlaid. */
import '../shared/base.css';
import './compare.css';
import { CompareShow, ExportFile, isMessage, OpenRun, PickRuns, type ComparisonView } from '../protocol';
import { button, clear, formatNumber, h } from '../shared/dom';
import { connectHost } from '../shared/ipc';
import { onThemeChange, paletteColor, readTheme } from '../shared/theme';
import { CurvesView, type CurvesUiState } from '../curves/view';
import { maxOf, minOf } from '../../engine/core/arrays';
import { statusText, tw } from '../shared/l10n';
import { localTime, runLabels } from './labels';

const app = document.getElementById('app') ?? document.body.appendChild(h('main', { id: 'app' }));
const root = h('div', { class: 'compare' });
const tables = h('div', { class: 'compare-tables' }, h('div', { class: 'mw-empty' }, tw('compare.waiting')));
const curvesBox = h('div', { class: 'curves' });

const host = connectHost<CurvesUiState>('compare', (msg) => {
	if (isMessage(CompareShow.type, msg)) render(msg.params.comparison);
});
root.append(
	h(
		'div',
		{ class: 'mw-toolbar' },
		h('h1', {}, tw('compare.title')),
		button(tw('compare.pick'), () => host.post(PickRuns.type, {}), { class: 'compare-pick' }),
	),
	tables,
	h('h2', {}, tw('compare.curves')),
	curvesBox,
);
app.appendChild(root);
app.removeAttribute('aria-busy');
const curves = new CurvesView(curvesBox, {
	state: host.state,
	onState: (s) => host.saveState(s),
	onExport: (file) => host.post(ExportFile.type, file),
	height: 360,
	exportName: 'comparison',
});
onThemeChange(() => curves.upsertRuns([]));
(window as unknown as { modelwrightDebug: unknown }).modelwrightDebug = { curves };

function runHeader(c: ComparisonView, labels: Map<string, string>): HTMLTableRowElement {
	const theme = readTheme();
	const curveIndex = new Map(c.curves.map((r, i) => [r.id, i]));
	return h(
		'tr',
		{},
		h('th', { scope: 'col' }, ''),
		...c.runs.map((r, i) => {
			const label = labels.get(r.id) ?? r.name;
			const open = button(label, () => host.post(OpenRun.type, { runId: r.id }), {
				class: 'compare-open-run',
				'data-run': r.id,
				'aria-label': tw('compare.openRun', { name: label }),
			});
			// The run's colour in the curves below (CurvesView colours runs by their order).
			const swatch = h('span', { class: 'compare-swatch', 'aria-hidden': 'true' });
			swatch.style.background = paletteColor(theme, curveIndex.get(r.id) ?? i);
			const started = localTime(r.startedAt);
			return h('th', { scope: 'col' }, swatch, open, h('div', { class: 'mw-muted' }, statusText(r.status), started ? ` · ${started}` : ''));
		}),
	);
}

function render(c: ComparisonView): void {
	clear(tables);
	const labels = runLabels(c);
	// Only keys whose values differ, even if the host sent more.
	const diff = c.configDiff.filter((d) => new Set(d.values.map((v) => v ?? '\u0000absent')).size > 1);
	const diffBody = h('tbody', {});
	for (const d of diff) {
		diffBody.appendChild(
			h(
				'tr',
				{},
				h('th', { scope: 'row', class: 'compare-key' }, d.key),
				...d.values.map((v) => h('td', { class: v === null ? 'mw-muted' : undefined }, v ?? tw('compare.notSet'))),
			),
		);
	}
	tables.append(
		h('h2', {}, tw('compare.configDiff')),
		diff.length
			? h('table', { class: 'mw-table compare-diff' }, h('thead', {}, runHeader(c, labels)), diffBody)
			: h('p', { class: 'mw-muted compare-same' }, tw('compare.identical')),
	);
	const metricsBody = h('tbody', {});
	for (const m of c.finalMetrics) {
		const finite = m.values.filter((v): v is number => v !== null && Number.isFinite(v));
		const best = !m.better || !finite.length ? undefined : m.better === 'lower' ? minOf(finite) : maxOf(finite);
		metricsBody.appendChild(
			h(
				'tr',
				{},
				h('th', { scope: 'row' }, m.name),
				...m.values.map((v) => {
					const isBest = best !== undefined && v === best && finite.length > 1;
					return h(
						'td',
						{ class: `num${isBest ? ' compare-best' : ''}` },
						formatNumber(v),
						isBest ? h('span', { class: 'compare-best-mark' }, tw('compare.bestMark')) : null,
					);
				}),
			),
		);
	}
	tables.append(
		h('h2', {}, tw('compare.finalMetrics')),
		h('table', { class: 'mw-table compare-metrics' }, h('thead', {}, runHeader(c, labels)), metricsBody),
	);
	curves.setRuns(c.curves.map((r) => ({ ...r, name: labels.get(r.id) ?? r.name })));
	curves.flush();
	root.dataset.rendered = String(Number(root.dataset.rendered ?? 0) + 1);
}
