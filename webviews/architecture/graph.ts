/**
 * The layer graph: elkjs (the bundled build, so no worker URL under the CSP) lays out an input
 * node and one node per layer; the result is drawn as SVG with every colour and font as an
 * attribute, so the exported file looks the same outside the panel.
 */
import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import type { ArchitectureView, BlockPartView, LayerDiagnostic, LayerView } from '../protocol';
import { formatCount, formatShape, s } from '../shared/dom';
import { FAMILY_COLOR_INDEX, isMergeLayer, layerFamily } from '../shared/layers';
import { paletteColor, withAlpha, type Theme } from '../shared/theme';
import { tw } from '../shared/l10n';

const elk = new ELK();
const LINE = 16,
	PAD = 8,
	FONT_SIZE = 12;

export interface NodeBox {
	id: string;
	/** The layer's index in `model.layers`, or null for an input node. */
	index: number | null;
	/** A named input's index in `model.inputs`. */
	input?: number;
	lines: { text: string; bold?: boolean; muted?: boolean }[];
	width: number;
	height: number;
	layer?: LayerView;
	/** The problems of its layer or named input. */
	diagnostics?: LayerDiagnostic[];
	/** A block layer's operations, laid out inside its node (below its own lines). */
	parts?: PartBox[];
}

export interface PartBox {
	id: string;
	part: BlockPartView;
	lines: NodeBox['lines'];
	width: number;
	height: number;
}

let measureCtx: CanvasRenderingContext2D | null = null;
function textWidth(text: string, bold: boolean, font: string): number {
	measureCtx ??= document.createElement('canvas').getContext('2d');
	if (!measureCtx) return text.length * 7;
	measureCtx.font = `${bold ? '600 ' : ''}${FONT_SIZE}px ${font}`;
	return measureCtx.measureText(text).width;
}

/** Two key parameters per line keep nodes compact. */
function paramLines(params: { key: string; value: string }[]): NodeBox['lines'] {
	const lines: NodeBox['lines'] = [];
	for (let i = 0; i < params.length; i += 2)
		lines.push({
			text: params
				.slice(i, i + 2)
				.map((p) => `${p.key}: ${p.value}`)
				.join('   '),
		});
	return lines;
}

export function nodeBoxes(model: ArchitectureView, font: string): NodeBox[] {
	const size = (lines: NodeBox['lines'], min = 120) => ({
		width: Math.ceil(Math.max(min, ...lines.map((l) => textWidth(l.text, !!l.bold, font))) + 2 * PAD),
		height: lines.length * LINE + 2 * PAD,
	});
	const box = (id: string, index: number | null, lines: NodeBox['lines'], layer?: LayerView): NodeBox => ({
		id,
		index,
		lines,
		layer,
		...(layer?.diagnostics ? { diagnostics: layer.diagnostics } : {}),
		...size(lines),
	});
	// Named inputs: a node each, with their columns; otherwise the one model input.
	const out = model.inputs?.length
		? model.inputs.map((inp) => ({
				...box(`I${inp.index}`, null, [
					{ text: tw('architecture.namedInput', { name: inp.name }), bold: true },
					{ text: tw('architecture.shape', { shape: formatShape(inp.shape) }) },
					{ text: inp.features.join(', '), muted: true },
				]),
				input: inp.index,
				...(inp.diagnostics ? { diagnostics: inp.diagnostics } : {}),
			}))
		: [
				box('input', null, [
					{ text: tw('architecture.input'), bold: true },
					{ text: tw('architecture.shape', { shape: formatShape(model.inputShape) }) },
					...(model.inputLabel ? [{ text: model.inputLabel, muted: true }] : []),
				]),
			];
	for (const l of model.layers) {
		const lines: NodeBox['lines'] = [{ text: `${l.type}  ${l.name}`, bold: true }, ...paramLines(l.params)];
		lines.push({ text: tw('architecture.out', { shape: formatShape(l.outputShape) }), muted: true });
		lines.push({ text: tw('architecture.params', { n: formatCount(l.paramCount) }), muted: true });
		const b = box(`L${l.index}`, l.index, lines, l);
		if (l.block?.length)
			b.parts = l.block.map((part) => {
				const partLines: NodeBox['lines'] =
					part.type === 'input'
						? [{ text: tw('architecture.blockInput'), bold: true, muted: true }]
						: [
								{ text: part.residual ? `${part.type} · ${tw('architecture.residual')}` : part.type, bold: true },
								...paramLines(part.params),
								{ text: tw('architecture.out', { shape: formatShape(part.outputShape) }), muted: true },
								...(part.paramCount ? [{ text: tw('architecture.params', { n: formatCount(part.paramCount) }), muted: true }] : []),
							];
				return { id: `L${l.index}.${part.id}`, part, lines: partLines, ...size(partLines, 90) };
			});
		out.push(b);
	}
	return out;
}

export interface Layout {
	width: number;
	height: number;
	/** Top-left corners; a block's parts relative to their block, with the block's laid-out size. */
	nodes: Map<string, { x: number; y: number; width?: number; height?: number }>;
	edges: ElkExtendedEdge[];
	/** The edges inside each block (by node id), in the block's coordinates. */
	innerEdges: Map<string, ElkExtendedEdge[]>;
}

export async function layout(model: ArchitectureView, boxes: NodeBox[]): Promise<Layout> {
	const edges: ElkExtendedEdge[] = [];
	// The view's edges (branches and merges), or a chain when it has none.
	const links: NonNullable<ArchitectureView['edges']> =
		model.edges ?? model.layers.map((l, i) => ({ from: i === 0 ? null : model.layers[i - 1]!.index, to: l.index }));
	const ids = new Set(boxes.map((b) => b.id));
	links.forEach((e, i) => {
		const named = e.from === null && e.input !== undefined ? model.inputs?.find((inp) => inp.index === e.input) : undefined;
		const source = e.from !== null ? `L${e.from}` : named ? `I${named.index}` : 'input';
		const target = `L${e.to}`;
		if (!ids.has(source) || !ids.has(target)) return;
		const from = e.from === null ? undefined : model.layers.find((l) => l.index === e.from);
		const shape = formatShape(from ? from.outputShape : named ? named.shape : model.inputShape);
		edges.push({
			id: `e${i + 1}`,
			sources: [source],
			targets: [target],
			labels: [{ text: shape, width: textWidth(shape, false, 'sans-serif') + 6, height: 14 }],
		});
	});
	const layered = {
		'elk.algorithm': 'layered',
		'elk.direction': 'DOWN',
		'elk.spacing.nodeNode': '30',
		'elk.layered.spacing.nodeNodeBetweenLayers': '36',
		'elk.spacing.edgeLabel': '4',
		'elk.edgeLabels.inline': 'false',
	};
	const graph: ElkNode = {
		id: 'root',
		layoutOptions: { ...layered, 'elk.padding': '[top=12,left=12,bottom=12,right=12]' },
		children: boxes.map((b): ElkNode => {
			// Inputs on the first rank, side by side, as a reader expects.
			if (b.index === null)
				return { id: b.id, width: b.width, height: b.height, layoutOptions: { 'elk.layered.layering.layerConstraint': 'FIRST' } };
			if (!b.parts) return { id: b.id, width: b.width, height: b.height };
			// A block: its parts are laid out inside it, below its own lines (the top padding).
			const partIds = new Set(b.parts.map((p) => p.part.id));
			return {
				id: b.id,
				layoutOptions: {
					...layered,
					'elk.spacing.nodeNode': '16',
					'elk.layered.spacing.nodeNodeBetweenLayers': '18',
					'elk.padding': `[top=${b.height + 4},left=12,bottom=12,right=12]`,
					'elk.nodeSize.minimum': `(${b.width},${b.height})`,
					'elk.nodeSize.constraints': 'MINIMUM_SIZE',
				},
				children: b.parts.map((p) => ({ id: p.id, width: p.width, height: p.height })),
				edges: b.parts.flatMap((p) =>
					p.part.from.filter((f) => partIds.has(f)).map((f, k) => ({ id: `${p.id}.e${k}`, sources: [`${b.id}.${f}`], targets: [p.id] })),
				),
			};
		}),
		edges,
	};
	const res = await elk.layout(graph);
	const nodes: Layout['nodes'] = new Map();
	const innerEdges = new Map<string, ElkExtendedEdge[]>();
	for (const c of res.children ?? []) {
		nodes.set(c.id, { x: c.x ?? 0, y: c.y ?? 0, ...(c.children?.length ? { width: c.width ?? 0, height: c.height ?? 0 } : {}) });
		for (const p of c.children ?? []) nodes.set(p.id, { x: p.x ?? 0, y: p.y ?? 0 });
		if (c.edges?.length) innerEdges.set(c.id, c.edges);
	}
	return { width: res.width ?? 0, height: res.height ?? 0, nodes, edges: res.edges ?? [], innerEdges };
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
	const edgePath = (e: ElkExtendedEdge, cls: string) => {
		for (const sec of e.sections ?? []) {
			const pts = [sec.startPoint, ...(sec.bendPoints ?? []), sec.endPoint];
			return s('path', {
				class: cls,
				d: pts.map((p, i) => `${i ? 'L' : 'M'}${p.x},${p.y}`).join(' '),
				fill: 'none',
				stroke: theme.muted,
				'stroke-width': 1.5,
				'marker-end': 'url(#arch-arrow)',
			});
		}
		return undefined;
	};
	for (const e of lay.edges) {
		const path = edgePath(e, 'arch-edge');
		if (path) svg.appendChild(path);
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
	const textLines = (g: SVGGElement, lines: NodeBox['lines']) =>
		lines.forEach((l, i) => {
			g.appendChild(
				s(
					'text',
					{ x: PAD + 2, y: PAD + LINE * i + 12, fill: l.muted ? theme.muted : theme.foreground, 'font-weight': l.bold ? 600 : undefined },
					l.text,
				),
			);
		});
	for (const b of boxes) {
		const p = lay.nodes.get(b.id);
		if (!p) continue;
		const width = p.width ?? b.width;
		const height = p.height ?? b.height;
		const color = familyColor(theme, b.layer);
		const diags = b.diagnostics ?? [];
		const worst = diags.some((d) => d.severity === 'error')
			? 'error'
			: diags.some((d) => d.severity === 'warning')
				? 'warning'
				: diags.length
					? 'info'
					: undefined;
		const border = worst === 'error' ? theme.error : worst === 'warning' ? theme.warning : color;
		const type = b.layer?.type ?? 'input';
		const g = s('g', {
			class: `arch-node${b.index === null ? ' arch-input' : ''}${isMergeLayer(type) ? ' arch-merge' : ''}${b.parts ? ' arch-block' : ''}${worst ? ` arch-diag-${worst}` : ''}`,
			transform: `translate(${p.x},${p.y})`,
			'data-id': b.id,
			'data-type': type,
			...(b.index !== null ? { 'data-index': b.index } : {}),
			...(b.input !== undefined ? { 'data-input': b.input } : {}),
		});
		g.appendChild(
			s('rect', {
				class: 'arch-node-box',
				width,
				height,
				rx: 4,
				fill: withAlpha(color, b.parts ? 0.06 : 0.16),
				stroke: border,
				'stroke-width': worst ? 2.5 : 1.5,
				...(worst ? { 'stroke-dasharray': worst === 'info' ? '3 2' : undefined } : {}),
			}),
		);
		g.appendChild(s('rect', { width: 4, height, rx: 2, fill: color }));
		textLines(g, b.lines);
		// A block's inside: its operations and their edges, in the block's coordinates.
		for (const e of lay.innerEdges.get(b.id) ?? []) {
			const path = edgePath(e, 'arch-part-edge');
			if (path) g.appendChild(path);
		}
		for (const part of b.parts ?? []) {
			const q = lay.nodes.get(part.id);
			if (!q) continue;
			const pc = part.part.type === 'input' ? theme.muted : paletteColor(theme, FAMILY_COLOR_INDEX[layerFamily(part.part.type)]);
			const pg = s('g', {
				class: `arch-part${isMergeLayer(part.part.type) ? ' arch-merge' : ''}`,
				transform: `translate(${q.x},${q.y})`,
				'data-part': part.part.id,
				'data-type': part.part.type,
			});
			pg.appendChild(
				s('rect', {
					width: part.width,
					height: part.height,
					rx: part.part.type === 'input' ? part.height / 2 : 3,
					fill: withAlpha(pc, 0.16),
					stroke: pc,
					'stroke-width': 1,
				}),
			);
			textLines(pg, part.lines);
			g.appendChild(pg);
		}
		if (worst) {
			g.appendChild(s('circle', { cx: width - 2, cy: 2, r: 8, fill: border }));
			g.appendChild(s('text', { x: width - 2, y: 6, 'text-anchor': 'middle', fill: theme.background, 'font-weight': 700 }, '!'));
			g.appendChild(s('title', {}, diags.map((d) => `${d.severity}${d.code ? ` ${d.code}` : ''}: ${d.message}`).join('\n')));
		}
		onNode(g, b);
		svg.appendChild(g);
	}
	return svg;
}
