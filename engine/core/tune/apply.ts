/**
 * "Apply best": writes a trial's values back into the config text as minimal edits, so
 * comments and formatting survive. A scalar optimizer shorthand (`optimizer: adam`) becomes a
 * flow map when one of its parameters is set.
 */
import { isScalar } from 'yaml';
import { ConfigDocument } from '../config/document';
import type { TextEdit } from '../config/diagnostics';
import { formatValue, setValueEdit } from '../config/edit';
import { parseConfigPath } from '../config/semantic';
import type { Params } from './space';

export function applyParamsEdits(text: string, params: Params): TextEdit[] {
	const cd = new ConfigDocument(text);
	const edits: TextEdit[] = [];
	const shorthand = new Map<string, Record<string, unknown>>();
	for (const [key, value] of Object.entries(params)) {
		const path = parseConfigPath(key);
		if (!path) throw new Error(`\`${key}\` is not a config path.`);
		// `training.optimizer.<x>` where the optimizer is written as a name.
		const parentPath = path.slice(0, -1);
		const parent = parentPath.length ? cd.nodeAt(parentPath) : null;
		if (parent && isScalar(parent) && typeof parent.value === 'string' && parentPath.join('.') === 'training.optimizer') {
			const map = shorthand.get('training.optimizer') ?? { type: parent.value };
			map[String(path[path.length - 1])] = value;
			shorthand.set('training.optimizer', map);
			continue;
		}
		const edit = setValueEdit(cd, path, value);
		if (!edit) throw new Error(`Cannot write \`${key}\` into this config's layout; set it by hand to ${formatValue(value)}.`);
		edits.push(edit);
	}
	for (const [key, map] of shorthand) {
		const node = cd.nodeAt(parseConfigPath(key)!);
		edits.push({ range: cd.nodeRange(node)!, newText: formatValue(map) });
	}
	return edits;
}

/** The config text with the edits applied. */
export function applyParams(text: string, params: Params): string {
	const cd = new ConfigDocument(text);
	const edits = applyParamsEdits(text, params).map((e) => ({
		from: cd.offsetAt(e.range.start),
		to: cd.offsetAt(e.range.end),
		text: e.newText,
	}));
	edits.sort((a, b) => b.from - a.from);
	let out = text;
	for (const e of edits) out = out.slice(0, e.from) + e.text + out.slice(e.to);
	return out;
}

export interface ParamChange {
	key: string;
	/** The value the config has now, as written (undefined when the key is absent). */
	before?: string;
	after: string;
}

/** What applying `params` changes, in the config's own words: shown after Apply Best. */
export function describeChanges(text: string, params: Params): ParamChange[] {
	const cd = new ConfigDocument(text);
	return Object.entries(params).map(([key, value]) => {
		const path = parseConfigPath(key);
		const node = path ? cd.nodeAt(path) : null;
		const before = node && isScalar(node) ? formatValue(node.value) : undefined;
		return { key, ...(before !== undefined ? { before } : {}), after: formatValue(value) };
	});
}

/** `learningRate 0.01 → 0.0488, units 16 → 32` (the last path segment: the full key is in the config). */
export function changeSummary(changes: readonly ParamChange[]): string {
	return changes
		.map((c) => {
			const name = c.key.replace(/^.*\./, '');
			return c.before === c.after ? `${name} ${c.after}` : `${name} ${c.before ?? '–'} → ${c.after}`;
		})
		.join(', ');
}
