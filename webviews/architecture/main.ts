/**
 * The architecture panel page: the layer graph (click a node to reveal the layer in the config;
 * the editor cursor highlights a node), the pipeline stages, SVG/PNG export and copy as Mermaid.
 */
import '../shared/base.css';
import './architecture.css';
import {
	ArchitectureHighlight,
	ArchitectureUpdate,
	CopyText,
	ExportFile,
	isMessage,
	RevealInput,
	RevealLayer,
	type ArchitectureView,
	type LayerFamily,
} from '../protocol';
import { button, clear, formatCount, formatShape, h, tabs } from '../shared/dom';
import { connectHost, showError } from '../shared/ipc';
import { FAMILY_COLOR_INDEX, layerFamily } from '../shared/layers';
import { cssVar, onThemeChange, paletteColor, readTheme } from '../shared/theme';
import { drawGraph, layout, nodeBoxes } from './graph';
import { tw } from '../shared/l10n';

interface UiState {
	tab: string;
}

const app = document.getElementById('app') ?? document.body.appendChild(h('main', { id: 'app' }));
const root = h('div', { class: 'architecture' });
const title = h('h1', {}, tw('architecture.title'));
const summary = h('p', { class: 'arch-summary mw-muted' });
const graphPanel = h('div', {});
const pipelinePanel = h('div', {});
const scroll = h('div', { class: 'arch-scroll' });
const families = h('div', { class: 'arch-families', 'aria-label': tw('architecture.families') });
const diagnostics = h('ul', { class: 'arch-diagnostics', 'aria-live': 'polite' });
const empty = h('div', { class: 'mw-empty' }, tw('architecture.waiting'));
graphPanel.append(families, scroll, diagnostics);
scroll.appendChild(empty);

let model: ArchitectureView | undefined;
/** The node selected: a layer's index, or a named input's (`input`). */
let selected: { index: number | null; input?: number } = { index: null };
let generation = 0;
let svg: SVGSVGElement | undefined;

const host = connectHost<UiState>('architecture', (msg) => {
	if (isMessage(ArchitectureUpdate.type, msg)) {
		model = msg.params.model;
		render().catch(showError);
	} else if (isMessage(ArchitectureHighlight.type, msg)) {
		select(msg.params, true);
	}
});
const state: UiState = { tab: host.state?.tab === 'pipeline' ? 'pipeline' : 'graph' };

const copyButton = button(
	tw('architecture.copyMermaid'),
	() => {
		if (model?.mermaid) host.post(CopyText.type, { text: model.mermaid, what: 'Mermaid' });
	},
	{ class: 'arch-copy-mermaid', disabled: true },
);
const toolbar = h(
	'div',
	{ class: 'mw-toolbar', role: 'toolbar', 'aria-label': tw('architecture.export') },
	button(
		tw('common.exportSvg'),
		() => {
			if (svg) host.post(ExportFile.type, { name: `${fileStem()}.svg`, mime: 'image/svg+xml', encoding: 'utf8', data: svgText() });
		},
		{ class: 'arch-export-svg' },
	),
	button(
		tw('common.exportPng'),
		() => {
			exportPng().catch(showError);
		},
		{ class: 'arch-export-png' },
	),
	copyButton,
);
const tabStrip = tabs(
	tw('architecture.views'),
	[
		{ id: 'graph', title: tw('architecture.layersTab'), panel: graphPanel },
		{ id: 'pipeline', title: tw('architecture.pipelineTab'), panel: pipelinePanel },
	],
	state.tab,
	(id) => {
		state.tab = id;
		host.saveState(state);
	},
);
root.append(title, summary, toolbar, tabStrip, graphPanel, pipelinePanel);
app.appendChild(root);
app.removeAttribute('aria-busy');
onThemeChange(() => {
	render().catch(showError);
});

const fileStem = () => (model?.name ?? 'model').replace(/[^\w.-]+/g, '_') || 'model';
const font = () => cssVar('--vscode-font-family', 'system-ui, sans-serif');

async function render(): Promise<void> {
	const m = model;
	if (!m) return;
	const gen = ++generation;
	const theme = readTheme();
	title.textContent = m.name;
	const counts = {
		total: formatCount(m.totalParams),
		trainable: formatCount(m.trainableParams),
		nonTrainable: formatCount(m.nonTrainableParams),
	};
	summary.textContent =
		m.layers.length === 1 ? tw('architecture.summaryOne', counts) : tw('architecture.summary', { layers: m.layers.length, ...counts });
	copyButton.disabled = !m.mermaid;
	renderPipeline(m);
	const boxes = nodeBoxes(m, font());
	const lay = await layout(m, boxes);
	// A newer update arrived while elk was working: drop this layout.
	if (gen !== generation) return;
	svg = drawGraph(boxes, lay, theme, font(), (g, b) => {
		const problems = (n: number) => (!n ? '' : n === 1 ? tw('architecture.problem') : tw('architecture.problems', { n }));
		const clickable = (reveal: () => void) => {
			g.setAttribute('tabindex', '0');
			g.setAttribute('role', 'button');
			g.addEventListener('click', reveal);
			g.addEventListener('keydown', (e) => {
				if (e.key === 'Enter' || e.key === ' ') {
					e.preventDefault();
					reveal();
				}
			});
		};
		if (b.input !== undefined) {
			const input = b.input;
			const inp = m.inputs!.find((i) => i.index === input)!;
			g.setAttribute(
				'aria-label',
				tw('architecture.inputAria', { name: inp.name, shape: formatShape(inp.shape), problems: problems(inp.diagnostics?.length ?? 0) }),
			);
			clickable(() => {
				select({ index: null, input }, false);
				host.post(RevealInput.type, { input });
			});
			return;
		}
		if (b.index === null) return;
		const index = b.index;
		const l = b.layer!;
		g.setAttribute(
			'aria-label',
			tw('architecture.layerAria', {
				n: index + 1,
				type: l.type,
				name: l.name,
				shape: formatShape(l.outputShape),
				params: formatCount(l.paramCount),
				problems: problems(l.diagnostics?.length ?? 0),
			}),
		);
		clickable(() => {
			select({ index }, false);
			host.post(RevealLayer.type, { index });
		});
	});
	clear(scroll);
	scroll.appendChild(svg);
	select(selected, false);
	renderFamilies(m, theme);
	renderDiagnostics(m);
	root.dataset.rendered = String(Number(root.dataset.rendered ?? 0) + 1);
}

function select(which: { index: number | null; input?: number }, scrollTo: boolean): void {
	selected = which;
	if (!svg) return;
	for (const g of Array.from(svg.querySelectorAll('.arch-node'))) {
		const on =
			which.index !== null
				? g.getAttribute('data-index') === String(which.index)
				: which.input !== undefined && g.getAttribute('data-input') === String(which.input);
		g.classList.toggle('selected', on);
		g.setAttribute('aria-current', String(on));
		if (on && scrollTo) g.scrollIntoView({ block: 'nearest', inline: 'nearest' });
	}
}

function renderFamilies(m: ArchitectureView, theme: ReturnType<typeof readTheme>): void {
	clear(families);
	const used = new Set<LayerFamily>(m.layers.map((l) => l.family ?? layerFamily(l.type)));
	for (const f of used) {
		const sw = h('span', { class: 'swatch', 'aria-hidden': 'true' });
		sw.style.background = paletteColor(theme, FAMILY_COLOR_INDEX[f]);
		families.appendChild(h('span', {}, sw, f));
	}
}

function renderDiagnostics(m: ArchitectureView): void {
	clear(diagnostics);
	for (const inp of m.inputs ?? [])
		for (const d of inp.diagnostics ?? []) {
			diagnostics.appendChild(
				h('li', { class: d.severity }, `${tw('architecture.namedInput', { name: inp.name })}: ${d.message}${d.code ? ` [${d.code}]` : ''}`),
			);
		}
	for (const l of m.layers)
		for (const d of l.diagnostics ?? []) {
			diagnostics.appendChild(h('li', { class: d.severity }, `${l.name} (${l.type}): ${d.message}${d.code ? ` [${d.code}]` : ''}`));
		}
}

function renderPipeline(m: ArchitectureView): void {
	clear(pipelinePanel);
	const list = h('ol', { class: 'pipeline', 'aria-label': tw('architecture.stages') });
	for (const st of m.pipeline) {
		const dl = h('dl', {});
		for (const kv of st.settings) dl.append(h('dt', {}, kv.key), h('dd', {}, kv.value));
		list.appendChild(
			h(
				'li',
				{ class: `pipeline-stage${st.enabled ? '' : ' disabled'}`, 'data-stage': st.id, 'aria-disabled': st.enabled ? undefined : 'true' },
				h('h3', {}, st.title),
				dl,
			),
		);
	}
	pipelinePanel.appendChild(list);
}

/** The SVG as a standalone file, on the theme's background. */
function svgText(): string {
	const clone = svg!.cloneNode(true) as SVGSVGElement;
	const bg = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
	bg.setAttribute('width', '100%');
	bg.setAttribute('height', '100%');
	bg.setAttribute('fill', readTheme().background);
	clone.insertBefore(bg, clone.firstChild);
	for (const g of Array.from(clone.querySelectorAll('[tabindex]'))) {
		g.removeAttribute('tabindex');
		g.removeAttribute('role');
		g.removeAttribute('aria-current');
	}
	return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(clone)}`;
}

/** Rasterises the exported SVG (a data: image is allowed by the CSP) at 2× for sharp text. */
async function exportPng(): Promise<void> {
	if (!svg) return;
	const text = svgText();
	const img = new Image();
	let bin = '';
	for (const b of new TextEncoder().encode(text)) bin += String.fromCharCode(b);
	img.src = `data:image/svg+xml;base64,${btoa(bin)}`;
	await img.decode();
	const scale = 2;
	const canvas = document.createElement('canvas');
	canvas.width = Math.ceil(svg.width.baseVal.value * scale);
	canvas.height = Math.ceil(svg.height.baseVal.value * scale);
	const ctx = canvas.getContext('2d')!;
	ctx.scale(scale, scale);
	ctx.drawImage(img, 0, 0);
	const url = canvas.toDataURL('image/png');
	host.post(ExportFile.type, { name: `${fileStem()}.png`, mime: 'image/png', encoding: 'base64', data: url.slice(url.indexOf(',') + 1) });
}
