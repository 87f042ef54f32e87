/**
 * Minimal text edits on a config that keep comments and formatting: replace a value, or
 * add a missing key (creating missing parent maps) at the indentation of its siblings.
 * Quick fixes and "apply best trial" use this instead of re-serialising the document.
 */
import { isMap, isPair, type Node, type Pair, type YAMLMap } from 'yaml';
import type { ConfigDocument } from './document';
import type { JsonPath, TextEdit } from './diagnostics';

export function formatValue(v: unknown): string {
	if (typeof v === 'string')
		return /^[A-Za-z_][\w.\-/]*$/.test(v) && !/^(true|false|null|yes|no|on|off|~)$/i.test(v) ? v : JSON.stringify(v);
	if (Array.isArray(v)) return `[${v.map(formatValue).join(', ')}]`;
	if (v && typeof v === 'object')
		return `{${Object.entries(v)
			.map(([k, x]) => `${k}: ${formatValue(x)}`)
			.join(', ')}}`;
	return String(v);
}

/** An edit that sets `path` to `value`, or undefined when the document's layout does not allow a safe edit. */
export function setValueEdit(cd: ConfigDocument, path: JsonPath, value: unknown): TextEdit | undefined {
	const existing = path.length ? cd.nodeAt(path) : null;
	if (existing?.range) {
		const r = cd.nodeRange(existing)!;
		const isJson = cd.text.trimStart().startsWith('{');
		return { range: r, newText: isJson ? JSON.stringify(value) : formatValue(value) };
	}
	// Deepest existing ancestor that is a block map.
	for (let n = path.length - 1; n >= 0; n--) {
		const parent = n === 0 ? cd.resolve(cd.root) : cd.nodeAt(path.slice(0, n));
		if (!parent) continue;
		if (!isMap(parent)) return undefined;
		const map = parent;
		const rest = path.slice(n);
		if (rest.some((s) => typeof s === 'number')) return undefined;
		if (map.flow || map.items.length === 0 || !map.range) return undefined;
		const first = map.items.find(isPair) as Pair<Node, Node | null> | undefined;
		const keyStart = first?.key?.range?.[0];
		if (keyStart === undefined) return undefined;
		const col = keyStart - (cd.text.lastIndexOf('\n', keyStart - 1) + 1);
		const step = 2;
		const lines = rest.map((seg, i) => {
			const pad = ' '.repeat(col + i * step);
			return i === rest.length - 1 ? `${pad}${String(seg)}: ${formatValue(value)}` : `${pad}${String(seg)}:`;
		});
		const end = endOfMap(cd, map);
		const pos = cd.positionAt(end);
		return { range: { start: pos, end: pos }, newText: `\n${lines.join('\n')}` };
	}
	return undefined;
}

/** Offset just after the last value of a block map (before trailing comments and newline). */
function endOfMap(cd: ConfigDocument, map: YAMLMap<unknown, unknown>): number {
	let end = map.range![1];
	// The value end of a block map can include a trailing newline; step back to the line's end.
	while (end > 0 && (cd.text[end - 1] === '\n' || cd.text[end - 1] === '\r')) end--;
	return end;
}
