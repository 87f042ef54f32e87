/**
 * Where the cursor is, in config terms. Two views: `nodePathAt` walks the parsed AST (exact,
 * for hover and selection on a well-formed document); `cursorContext` reads indentation
 * (robust on the half-typed line completion is asked about, which often does not parse).
 */
import { isMap, isPair, isScalar, isSeq, type Node, type Pair } from 'yaml';
import type { ConfigDocument } from '../../../engine/core/config/document';
import type { JsonPath } from '../../../engine/core/config/diagnostics';

export interface NodeHit {
	path: JsonPath;
	/** On the key of a pair, or on a value (scalar, or inside a collection's own range). */
	on: 'key' | 'value';
	node: Node | null;
	/** Ancestors' ranges as [start, end] offsets, innermost first (selection ranges). */
	spans: [number, number][];
}

/** The deepest AST node under `offset`. */
export function nodePathAt(cd: ConfigDocument, offset: number): NodeHit | undefined {
	const root = cd.resolve(cd.root);
	if (!root?.range) return undefined;
	const spans: [number, number][] = [[root.range[0], root.range[1]]];
	const path: JsonPath = [];
	let node: Node | null = root;
	for (let depth = 0; depth < 200 && node; depth++) {
		if (isMap(node)) {
			let next: Node | null = null;
			for (const item of node.items) {
				if (!isPair(item)) continue;
				const pair = item as Pair<Node, Node | null>;
				const k = pair.key;
				if (!k?.range) continue;
				const end = pair.value?.range?.[1] ?? k.range[1];
				if (offset < k.range[0] || offset > end) continue;
				const key = isScalar(k) ? String(k.value) : '';
				path.push(key);
				spans.unshift([k.range[0], Math.max(end, k.range[1])]);
				if (offset <= k.range[1]) {
					spans.unshift([k.range[0], k.range[1]]);
					return { path, on: 'key', node: pair.value, spans };
				}
				next = cd.resolve(pair.value);
				if (!next?.range || offset < next.range[0]) return { path, on: 'value', node: next, spans };
				break;
			}
			if (!next) return { path, on: 'value', node, spans };
			node = next;
			spans.unshift([node.range![0], node.range![1]]);
		} else if (isSeq(node)) {
			let next: Node | null = null;
			node.items.forEach((item, i) => {
				const n = item as Node | null;
				if (!next && n?.range && offset >= n.range[0] && offset <= n.range[1]) {
					next = cd.resolve(n);
					path.push(i);
				}
			});
			if (!next) return { path, on: 'value', node, spans };
			node = next;
			spans.unshift([(node as Node).range![0], (node as Node).range![1]]);
		} else {
			return { path, on: 'value', node, spans };
		}
	}
	return { path, on: 'value', node, spans };
}

export interface CursorContext {
	/** `key`: a key of the map at `path` is being typed; `value`: the value at `path`. */
	kind: 'key' | 'value';
	path: JsonPath;
	/** The partial word before the cursor. */
	prefix: string;
	/** Offsets of the word to replace (the prefix and the rest of the word after the cursor). */
	from: number;
	to: number;
	/** Column where keys of the map at `path` start (snippets indent their extra lines to it). */
	keyColumn: number;
	/** The key (for `value`), e.g. `type` or `activation`. */
	key?: string;
}

interface LineInfo {
	indent: number;
	dashes: number[];
	keyCol: number;
	key?: string;
	inlineValue: boolean;
	blank: boolean;
}

const KEY_RE = /^((?:"[^"]*"|'[^']*'|[^\s:#"'][^:#]*?))\s*:(?:\s|$)/;

function lineInfo(line: string): LineInfo {
	let i = 0;
	while (line[i] === ' ') i++;
	const indent = i;
	if (i >= line.length || line[i] === '#') return { indent, dashes: [], keyCol: indent, inlineValue: false, blank: true };
	const dashes: number[] = [];
	while (line[i] === '-' && (line[i + 1] === ' ' || i + 1 === line.length)) {
		dashes.push(i);
		i++;
		while (line[i] === ' ') i++;
	}
	const rest = line.slice(i);
	const m = KEY_RE.exec(rest);
	if (!m) return { indent, dashes, keyCol: i, inlineValue: rest.trim().length > 0, blank: false };
	const after = rest.slice(m[0].length).replace(/#.*$/, '').trim();
	return { indent, dashes, keyCol: i, key: unquote(m[1]!), inlineValue: after.length > 0, blank: false };
}

const unquote = (k: string) => (/^(["']).*\1$/.test(k) ? k.slice(1, -1) : k);

/** Index of the list item whose dash is at `col` on `lineNo`: the number of sibling dashes above it. */
function itemIndex(lines: LineInfo[], lineNo: number, col: number): number {
	let n = 0;
	for (let i = lineNo - 1; i >= 0; i--) {
		const l = lines[i]!;
		if (l.blank) continue;
		if (l.dashes[0] === col) {
			n++;
			continue;
		}
		if (l.indent < col || (l.indent === col && l.dashes.length === 0)) break;
	}
	return n;
}

/** Path of the collection that holds content starting at column `col` on line `lineNo`. */
function parentPath(lines: LineInfo[], lineNo: number, col: number, isDash = false): JsonPath {
	const out: JsonPath = [];
	let target = col;
	// A list may sit at its key's own column (`layers:\n- type: dense`).
	let dash = isDash;
	/** The line's `- ` markers open list items: prepend their indexes, innermost last. */
	const enterItems = (l: LineInfo, i: number) => {
		for (let j = l.dashes.length - 1; j >= 0; j--) {
			const d = l.dashes[j]!;
			out.unshift(j === 0 ? itemIndex(lines, i, d) : 0);
			target = d;
			dash = true;
		}
	};
	for (let i = lineNo - 1; i >= 0 && (target > 0 || dash); i--) {
		const l = lines[i]!;
		if (l.blank) continue;
		if ((l.keyCol < target || (dash && l.keyCol === target && l.dashes.length === 0)) && l.key !== undefined && !l.inlineValue) {
			// `key:` opening a block: its children sit deeper (or, for a list, at the same column).
			out.unshift(l.key);
			target = l.keyCol;
			dash = false;
			enterItems(l, i);
			continue;
		}
		if (l.keyCol === target && l.dashes.length > 0 && !dash) {
			// A sibling key on the line that opened the list item we are in.
			enterItems(l, i);
			continue;
		}
	}
	return out;
}

export function cursorContext(cd: ConfigDocument, offset: number): CursorContext {
	const text = cd.text;
	const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
	let lineEnd = text.indexOf('\n', offset);
	if (lineEnd < 0) lineEnd = text.length;
	const rawLines = text.split('\n');
	const lineNo = text.slice(0, lineStart).split('\n').length - 1;
	const lines = rawLines.map((l) => lineInfo(l.replace(/\r$/, '')));
	const before = text.slice(lineStart, offset);
	const after = text.slice(offset, lineEnd);
	const wordAfter = /^[\w$.\[\]\-/]*/.exec(after)![0];

	let i = 0;
	while (before[i] === ' ') i++;
	const dashes: number[] = [];
	while (before[i] === '-' && (before[i + 1] === ' ' || i + 1 === before.length)) {
		dashes.push(i);
		i++;
		while (before[i] === ' ') i++;
	}
	const contentCol = i;
	const content = before.slice(i);
	// The path of the map (or list) this line's content belongs to.
	let base: JsonPath;
	if (dashes.length) {
		base = parentPath(lines, lineNo, dashes[0]!, true);
		dashes.forEach((d, j) => base.push(j === 0 ? itemIndex(lines, lineNo, d) : 0));
	} else {
		base = parentPath(lines, lineNo, contentCol);
	}
	const keyMatch = KEY_RE.exec(content);
	if (keyMatch) {
		const key = unquote(keyMatch[1]!);
		let value = content.slice(keyMatch[0].length);
		const lead = value.length - value.trimStart().length;
		value = value.trimStart();
		let path: JsonPath = [...base, key];
		let valueStart = lineStart + contentCol + keyMatch[0].length + lead;
		if (value.startsWith('[')) {
			// Flow list: the item after the last comma.
			const lastSep = Math.max(value.lastIndexOf(','), value.lastIndexOf('['));
			path = [...path, value.slice(0, lastSep + 1).split(',').length - 1];
			const itemText = value.slice(lastSep + 1);
			valueStart += lastSep + 1 + (itemText.length - itemText.trimStart().length);
			value = itemText.trimStart();
		} else if (value.startsWith('{')) {
			// Flow map: a key or a value inside it.
			const inner = value.slice(value.lastIndexOf('{') + 1);
			const seg = inner.slice(inner.lastIndexOf(',') + 1);
			const colon = seg.indexOf(':');
			if (colon < 0) {
				const prefix = seg.trimStart();
				return { kind: 'key', path, prefix, from: offset - prefix.length, to: offset + wordAfter.length, keyColumn: contentCol };
			}
			const prefix = seg.slice(colon + 1).trimStart();
			return {
				kind: 'value',
				path: [...path, seg.slice(0, colon).trim()],
				prefix,
				from: offset - prefix.length,
				to: offset + wordAfter.length,
				keyColumn: contentCol,
				key: seg.slice(0, colon).trim(),
			};
		}
		const prefix = value.replace(/^["']/, '');
		return { kind: 'value', path, prefix, from: offset - prefix.length, to: offset + wordAfter.length, keyColumn: contentCol, key };
	}
	return { kind: 'key', path: base, prefix: content, from: offset - content.length, to: offset + wordAfter.length, keyColumn: contentCol };
}
