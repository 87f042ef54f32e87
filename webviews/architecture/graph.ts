/**
 * The layer graph: elkjs (the bundled build, so no worker URL under the CSP) lays out an input
 * node and one node per layer; the result is drawn as SVG with every colour and font as an
 * attribute, so the exported file looks the same outside the panel.
 */
import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import type { ArchitectureView, LayerView } from '../protocol';
import { formatCount, formatShape, s } from '../shared/dom';
import { FAMILY_COLOR_INDEX, layerFamily } from '../shared/layers';
import { paletteColor, withAlpha, type Theme } from '../shared/theme';
import { tw } from '../shared/l10n';

const elk = new ELK();
const LINE = 16,
	PAD = 8,
	FONT_SIZE = 12;

export interface NodeBox {
	id: string;
	index: number | null;
	lines: { text: string; bold?: boolean; muted?: boolean }[];
	width: number;
	height: number;
	layer?: LayerView;
}

let measureCtx: CanvasRenderingContext2D | null = null;
function textWidth(text: string, bold: boolean, font: string): number {
	measureCtx ??= document.createElement('canvas').getContext('2d');
	if (!measureCtx) return text.length * 7;
	measureCtx.font = `${bold ? '600 ' : ''}${FONT_SIZE}px ${font}`;
	return measureCtx.measureText(text).width;
}

export function nodeBoxes(model: ArchitectureView, font: string): NodeBox[] {
	const box = (id: string, index: number | null, lines: NodeBox['lines'], layer?: LayerView): NodeBox => ({
		id,
		index,
		lines,
		layer,
		width: Math.ceil(Math.max(120, ...lines.map((l) => textWidth(l.text, !!l.bold, font))) + 2 * PAD),
		height: lines.length * LINE + 2 * PAD,
	});
	const out = [
		box('input', null, [
			{ text: tw('architecture.input'), bold: true },
			{ text: tw('architecture.shape', { shape: formatShape(model.inputShape) }) },
			...(model.inputLabel ? [{ text: model.inputLabel, muted: true }] : []),
		]),
	];
	for (const l of model.layers) {
		const lines: NodeBox['lines'] = [{ text: `${l.type}  ${l.name}`, bold: true }];
		// Two key parameters per line keep nodes compact.
		for (let i = 0; i < l.params.length; i += 2)
			lines.push({
				text: l.params
					.slice(i, i + 2)
					.map((p) => `${p.key}: ${p.value}`)
					.join('   '),
			});
		lines.push({ text: tw('architecture.out', { shape: formatShape(l.outputShape) }), muted: true });
		lines.push({ text: tw('architecture.params', { n: formatCount(l.paramCount) }), muted: true });
		out.push(box(`L${l.index}`, l.index, lines, l));
	}
	return out;
}

export interface Layout {
	width: number;
	height: number;
	nodes: Map<string, { x: number; y: number }>;
	edges: ElkExtendedEdge[];
}

export async function layout(model: ArchitectureView, boxes: NodeBox[]): Promise<Layout> {
	const edges: ElkExtendedEdge[] = [];
	// The view's edges (branches and merges), or a chain when it has none.
	const links = model.edges ?? model.layers.map((l, i) => ({ from: i === 0 ? null : model.layers[i - 1]!.index, to: l.index }));
	const ids = new Set(boxes.map((b) => b.id));
	links.forEach((e, i) => {
		const source = e.from === null ? 'input' : `L${e.from}`;
		const target = `L${e.to}`;
		if (!ids.has(source) || !ids.has(target)) return;
		const from = e.from === null ? undefined : model.layers.find((l) => l.index === e.from);
		const shape = formatShape(from ? from.outputShape : model.inputShape);
		edges.push({
			id: `e${i + 1}`,
			sources: [source],
			targets: [target],
			labels: [{ text: shape, width: textWidth(shape, false, 'sans-serif') + 6, height: 14 }],
		});
	});
	const graph: ElkNode = {
		id: 'root',
		layoutOptions: {
			'elk.algorithm': 'layered',
			'elk.direction': 'DOWN',
			'elk.spacing.nodeNode': '30',
			'elk.layered.spacing.nodeNodeBetweenLayers': '36',
			'elk.spacing.edgeLabel': '4',
			'elk.edgeLabels.inline': 'false',
			'elk.padding': '[top=12,left=12,bottom=12,right=12]',
		},
		children: boxes.map((b) => ({ id: b.id, width: b.width, height: b.height })),
		edges,
	};
	const res = await elk.layout(graph);
	const nodes = new Map<string, { x: number; y: number }>();
	for (const c of res.children ?? []) nodes.set(c.id, { x: c.x ?? 0, y: c.y ?? 0 });
	return { width: res.width ?? 0, height: res.height ?? 0, nodes, edges: res.edges ?? [] };
}

export function familyColor(theme: Theme, l: LayerView | undefined): string {
	return l ? paletteColor(theme, FAMILY_COLOR_INDEX[l.family ?? layerFamily(l.type)]) : theme.muted;
}

/** Builds the SVG; `onNode` wires clicks and keys (handlers are listeners, never attributes). */
export function drawGraph(
	boxes: NodeBox[],
	lay: Layout,
	theme: Theme,
	font: string,
	onNode: (g: SVGGElement, b: NodeBox) => void,
): SVGSVGElement {
	const svg = s('svg', {
		xmlns: 'http://www.w3.org/2000/svg',
		width: Math.ceil(lay.width),
		height: Math.ceil(lay.height),
		viewBox: `0 0 ${Math.ceil(lay.width)} ${Math.ceil(lay.height)}`,
		'font-family': font,
		'font-size': FONT_SIZE,
		role: 'group',
		'aria-label': 'Layer graph',
		class: 'arch-graph',
	});
	svg.appendChild(
		s(
			'defs',
			{},
			s(
				'marker',
				{ id: 'arch-arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
				s('path', { d: 'M0,0 L10,5 L0,10 z', fill: theme.muted }),
			),
		),
	);
	for (const e of lay.edges) {
		for (const sec of e.sections ?? []) {
			const pts = [sec.startPoint, ...(sec.bendPoints ?? []), sec.endPoint];
			svg.appendChild(
				s('path', {
					class: 'arch-edge',
					d: pts.map((p, i) => `${i ? 'L' : 'M'}${p.x},${p.y}`).join(' '),
					fill: 'none',
					stroke: theme.muted,
					'stroke-width': 1.5,
					'marker-end': 'url(#arch-arrow)',
				}),
			);
		}
		for (const lab of e.labels ?? []) {
			svg.appendChild(
				s(
					'text',
					{ class: 'arch-edge-label', x: (lab.x ?? 0) + 3, y: (lab.y ?? 0) + 11, fill: theme.muted, 'font-size': 11 },
					lab.text ?? '',
				),
			);
		}
	}
	for (const b of boxes) {
		const p = lay.nodes.get(b.id);
		if (!p) continue;
		const color = familyColor(theme, b.layer);
		const diags = b.layer?.diagnostics ?? [];
		const worst = diags.some((d) => d.severity === 'error')
			? 'error'
			: diags.some((d) => d.severity === 'warning')
				? 'warning'
				: diags.length
					? 'info'
					: undefined;
		const border = worst === 'error' ? theme.error : worst === 'warning' ? theme.warning : color;
		const g = s('g', {
			class: `arch-node${worst ? ` arch-diag-${worst}` : ''}`,
			transform: `translate(${p.x},${p.y})`,
			'data-id': b.id,
			...(b.index !== null ? { 'data-index': b.index } : {}),
		});
		g.appendChild(
			s('rect', {
				class: 'arch-node-box',
				width: b.width,
				height: b.height,
				rx: 4,
				fill: withAlpha(color, 0.16),
				stroke: border,
				'stroke-width': worst ? 2.5 : 1.5,
				...(worst ? { 'stroke-dasharray': worst === 'info' ? '3 2' : undefined } : {}),
			}),
		);
		g.appendChild(s('rect', { width: 4, height: b.height, rx: 2, fill: color }));
		b.lines.forEach((l, i) => {
			g.appendChild(
				s(
					'text',
					{ x: PAD + 2, y: PAD + LINE * i + 12, fill: l.muted ? theme.muted : theme.foreground, 'font-weight': l.bold ? 600 : undefined },
					l.text,
				),
			);
		});
		if (worst) {
			g.appendChild(s('circle', { cx: b.width - 2, cy: 2, r: 8, fill: border }));
			g.appendChild(s('text', { x: b.width - 2, y: 6, 'text-anchor': 'middle', fill: theme.background, 'font-weight': 700 }, '!'));
			g.appendChild(s('title', {}, diags.map((d) => `${d.severity}${d.code ? ` ${d.code}` : ''}: ${d.message}`).join('\n')));
		}
		onNode(g, b);
		svg.appendChild(g);
	}
	return svg;
}
