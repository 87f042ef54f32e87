/** Outline, folding and selection ranges, all from the parsed document's ranges. */
import { isMap, isPair, isScalar, isSeq, type Node, type Pair } from 'yaml';
import {
	FoldingRangeKind,
	SymbolKind,
	type DocumentSymbol,
	type FoldingRange,
	type Position,
	type SelectionRange,
} from 'vscode-languageserver-protocol';
import { formatShape } from '../../../engine/core/shapes/infer';
import type { ConfigDocument } from '../../../engine/core/config/document';
import type { Analysis } from './analysis';
import { nodePathAt } from './context';
import { formatCount } from './hover';

const MAX_DEPTH = 4;

export function documentSymbols(a: Analysis): DocumentSymbol[] {
	const cd = a.result.document;
	const root = cd.resolve(cd.root);
	return isMap(root) ? mapSymbols(a, cd, root.items as Pair<Node, Node | null>[], [], 0) : [];
}

function mapSymbols(
	a: Analysis,
	cd: ConfigDocument,
	pairs: Pair<Node, Node | null>[],
	path: (string | number)[],
	depth: number,
): DocumentSymbol[] {
	const out: DocumentSymbol[] = [];
	for (const p of pairs) {
		if (!isPair(p) || !p.key?.range) continue;
		const key = isScalar(p.key) ? String(p.key.value) : '?';
		const v = cd.resolve(p.value);
		const start = p.key.range[0];
		const end = Math.max(v?.range?.[1] ?? p.key.range[1], p.key.range[1]);
		const sym: DocumentSymbol = {
			name: key,
			kind: depth === 0 ? SymbolKind.Module : isMap(v) ? SymbolKind.Object : isSeq(v) ? SymbolKind.Array : SymbolKind.Property,
			range: cd.range(start, trimEnd(cd, end)),
			selectionRange: cd.range(p.key.range[0], p.key.range[1]),
		};
		if (isScalar(v) && v.value !== null) sym.detail = String(v.value);
		const here = [...path, key];
		if (here.length === 2 && here[0] === 'model' && here[1] === 'layers' && isSeq(v)) sym.children = layerSymbols(a, cd, v.items as Node[]);
		else if (depth < MAX_DEPTH && isMap(v)) sym.children = mapSymbols(a, cd, v.items as Pair<Node, Node | null>[], here, depth + 1);
		else if (depth < MAX_DEPTH && isSeq(v)) sym.children = seqSymbols(a, cd, v.items as Node[], here, depth + 1);
		out.push(sym);
	}
	return out;
}

function seqSymbols(a: Analysis, cd: ConfigDocument, items: Node[], path: (string | number)[], depth: number): DocumentSymbol[] {
	const out: DocumentSymbol[] = [];
	items.forEach((raw, i) => {
		const n = cd.resolve(raw);
		if (!n?.range || !isMap(n)) return;
		out.push({
			name: `[${i}]`,
			kind: SymbolKind.Object,
			range: cd.range(n.range[0], trimEnd(cd, n.range[1])),
			selectionRange: cd.range(n.range[0], n.range[0]),
			children: mapSymbols(a, cd, n.items as Pair<Node, Node | null>[], [...path, i], depth + 1),
		});
	});
	return out;
}

function layerSymbols(a: Analysis, cd: ConfigDocument, items: Node[]): DocumentSymbol[] {
	const out: DocumentSymbol[] = [];
	items.forEach((raw, i) => {
		const n = cd.resolve(raw);
		if (!n?.range) return;
		const info = a.result.shapes?.layers.find((l) => l.index === i);
		const type = isMap(n) ? cd.pair(n, 'type') : undefined;
		const typeName = type && isScalar(type.value) ? String(type.value.value) : '?';
		const name = info?.name ?? `${typeName} #${i + 1}`;
		const detail = info?.outputShape
			? `${typeName} → ${formatShape(info.outputShape)}${info.trainableParams !== undefined ? ` · ${formatCount(info.trainableParams + (info.nonTrainableParams ?? 0))} params` : ''}`
			: typeName;
		const sel = type?.value?.range ?? n.range;
		out.push({
			name,
			detail,
			kind: SymbolKind.Class,
			range: cd.range(n.range[0], trimEnd(cd, n.range[1])),
			selectionRange: cd.range(sel[0], sel[1]),
		});
	});
	return out;
}

/** Node ends often include the newline; symbols and folds should end on the last character. */
function trimEnd(cd: ConfigDocument, end: number): number {
	let e = end;
	while (e > 0 && /\s/.test(cd.text[e - 1]!)) e--;
	return e;
}

export function foldingRanges(a: Analysis): FoldingRange[] {
	const cd = a.result.document;
	const out: FoldingRange[] = [];
	const line = (o: number) => cd.positionAt(o).line;
	const visit = (n: Node | null, startOverride?: number, depth = 0) => {
		const node = cd.resolve(n);
		if (!node?.range || depth > 50) return;
		const start = startOverride ?? node.range[0];
		const endLine = line(trimEnd(cd, node.range[1]));
		if ((isMap(node) || isSeq(node)) && endLine > line(start)) out.push({ startLine: line(start), endLine });
		if (isMap(node))
			for (const p of node.items) {
				if (isPair(p)) visit(p.value as Node | null, (p.key as Node | null)?.range?.[0], depth + 1);
			}
		else if (isSeq(node)) for (const it of node.items) visit(it as Node, undefined, depth + 1);
	};
	const root = cd.resolve(cd.root);
	if (isMap(root)) for (const p of root.items) if (isPair(p)) visit(p.value as Node | null, (p.key as Node | null)?.range?.[0]);
	// Runs of two or more comment lines.
	const lines = cd.text.split('\n');
	let runStart = -1;
	for (let i = 0; i <= lines.length; i++) {
		const isComment = i < lines.length && /^\s*#/.test(lines[i]!);
		if (isComment && runStart < 0) runStart = i;
		if (!isComment && runStart >= 0) {
			if (i - 1 > runStart) out.push({ startLine: runStart, endLine: i - 1, kind: FoldingRangeKind.Comment });
			runStart = -1;
		}
	}
	return out;
}

export function selectionRanges(a: Analysis, positions: Position[]): SelectionRange[] {
	const cd = a.result.document;
	return positions.map((pos) => {
		const offset = cd.offsetAt(pos);
		const hit = nodePathAt(cd, offset);
		const spans = (hit?.spans ?? []).map(([s, e]) => [s, trimEnd(cd, e) < s ? e : Math.max(trimEnd(cd, e), s)] as [number, number]);
		// Outermost first, keeping only strictly growing, nested spans.
		const chain: [number, number][] = [];
		for (const sp of spans.reverse()) {
			const outer = chain[chain.length - 1];
			if (outer && (sp[0] < outer[0] || sp[1] > outer[1] || (sp[0] === outer[0] && sp[1] === outer[1]))) continue;
			if (sp[0] <= offset && offset <= sp[1]) chain.push(sp);
		}
		let sel: SelectionRange | undefined;
		for (const [s, e] of chain) sel = { range: cd.range(s, e), ...(sel ? { parent: sel } : {}) };
		return sel ?? { range: { start: pos, end: pos } };
	});
}
