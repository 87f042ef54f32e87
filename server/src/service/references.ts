/**
 * Find references and rename for the names a `from` can hold: a layer's `name:` and a named input
 * of `model.inputs`. A name is resolved as the model builder does: a layer name first (its
 * `name:`, or the default `type_n`), else a `model.inputs` name. Every `from` (a scalar or a list,
 * flow or block YAML, JSON) that resolves to the same layer or input is a reference.
 */
import { isScalar, parse as parseYaml, Scalar, type Node } from 'yaml';
import type { Location, Position, Range, TextEdit, WorkspaceEdit } from 'vscode-languageserver-protocol';
import type { Analysis } from './analysis';
import type { JsonPath } from '../../../engine/core/config/diagnostics';
import { MODEL_INPUT } from '../../../engine/core/config/schema';
import { defaultLayerNames } from '../../../engine/core/shapes/infer';
import { ts } from './messages';

/** The layer or named input a name stands for. */
type Target = { kind: 'layer'; index: number } | { kind: 'input'; index: number };

interface Occurrence {
	target: Target;
	/** The name's text without quotes. */
	range: Range;
	node: Scalar;
	/** Whether this is the declaration (`name:` of the layer or input). */
	declaration: boolean;
	/** For a layer without `name:`, its `type:` stands for the default name: found, never renamed. */
	defaultName?: boolean;
}

/** The same pattern as the schema's `name` and `from` (checked by the rename, which writes one). */
const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

function occurrences(a: Analysis): Occurrence[] {
	const cd = a.result.document;
	const model = (cd.value as { model?: { layers?: unknown; inputs?: unknown } } | null)?.model;
	const layers = Array.isArray(model?.layers)
		? model.layers.map((l: unknown) => (l && typeof l === 'object' ? (l as { type?: unknown; name?: unknown; from?: unknown }) : {}))
		: [];
	const inputs = Array.isArray(model?.inputs) ? model.inputs.map((i: unknown) => (i as { name?: unknown } | null)?.name) : [];
	const names = defaultLayerNames(layers.map((l) => ({ type: String(l.type), ...(typeof l.name === 'string' ? { name: l.name } : {}) })));
	const out: Occurrence[] = [];
	const add = (path: JsonPath, target: Target, declaration: boolean, defaultName?: boolean) => {
		const node = cd.nodeAt(path);
		if (!isScalar(node) || typeof node.value !== 'string' || !node.range) return;
		let [start, end] = node.range;
		if (node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE) {
			start++;
			end--;
		}
		out.push({ target, range: cd.range(start, end), node, declaration, ...(defaultName ? { defaultName } : {}) });
	};
	const resolve = (name: string): Target | undefined => {
		const j = names.indexOf(name);
		if (j >= 0) return { kind: 'layer', index: j };
		const k = inputs.indexOf(name);
		return k >= 0 ? { kind: 'input', index: k } : undefined;
	};
	inputs.forEach((n, k) => {
		if (typeof n === 'string') add(['model', 'inputs', k, 'name'], { kind: 'input', index: k }, true);
	});
	layers.forEach((l, i) => {
		const target: Target = { kind: 'layer', index: i };
		if (typeof l.name === 'string') add(['model', 'layers', i, 'name'], target, true);
		else add(['model', 'layers', i, 'type'], target, true, true);
		const refs: JsonPath[] =
			typeof l.from === 'string' ? [['from']] : Array.isArray(l.from) ? l.from.map((_: unknown, k: number) => ['from', k]) : [];
		for (const ref of refs) {
			const v = cd.nodeAt(['model', 'layers', i, ...ref]);
			const t = isScalar(v) && typeof v.value === 'string' ? resolve(v.value) : undefined;
			if (t) add(['model', 'layers', i, ...ref], t, false);
		}
	});
	// An alias (`from: *x`) resolves to its anchor's node: keep one occurrence per node.
	const seen = new Set<Node>();
	return out.filter((o) => (seen.has(o.node) ? false : (seen.add(o.node), true)));
}

const same = (x: Target, y: Target) => x.kind === y.kind && x.index === y.index;
const contains = (a: Analysis, r: Range, offset: number) => {
	const cd = a.result.document;
	return offset >= cd.offsetAt(r.start) && offset <= cd.offsetAt(r.end);
};

/** The occurrence under the cursor (a layer's `type:` only counts where the layer has no `name:`). */
function at(a: Analysis, pos: Position): { here: Occurrence; all: Occurrence[] } | undefined {
	const all = occurrences(a);
	const o = a.result.document.offsetAt(pos);
	const here = all.find((x) => contains(a, x.range, o));
	return here ? { here, all } : undefined;
}

export function references(a: Analysis, pos: Position, includeDeclaration: boolean): Location[] | null {
	const found = at(a, pos);
	if (!found) return null;
	return found.all
		.filter((x) => same(x.target, found.here.target) && (includeDeclaration || !x.declaration))
		.map((x) => ({ uri: a.uri, range: x.range }));
}

/** Where a rename may start, or why not (a message for the client), or null where there is no name. */
export function prepareRename(a: Analysis, pos: Position): { range: Range; placeholder: string } | { error: string } | null {
	const found = at(a, pos);
	if (!found) return null;
	const { here, all } = found;
	const decl = all.find((x) => x.declaration && same(x.target, here.target));
	if (here.defaultName || decl?.defaultName) return { error: ts('rename.defaultName', { name: defaultNameOf(a, here) }) };
	return { range: here.range, placeholder: String(here.node.value) };
}

function defaultNameOf(a: Analysis, o: Occurrence): string {
	const layers = (a.result.document.value as { model?: { layers?: unknown[] } } | null)?.model?.layers ?? [];
	const names = defaultLayerNames(
		layers.map((l) => {
			const x = (l ?? {}) as { type?: unknown; name?: unknown };
			return { type: String(x.type), ...(typeof x.name === 'string' ? { name: x.name } : {}) };
		}),
	);
	return names[o.target.index] ?? String(o.node.value);
}

/** The edits renaming the name under the cursor everywhere, or why not. */
export function rename(a: Analysis, pos: Position, newName: string): WorkspaceEdit | { error: string } | null {
	const prep = prepareRename(a, pos);
	if (!prep || 'error' in prep) return prep;
	const { here, all } = at(a, pos)!;
	if (!NAME.test(newName)) return { error: ts('rename.invalid', { name: newName }) };
	if (newName === prep.placeholder) return { changes: { [a.uri]: [] } };
	const taken =
		newName === MODEL_INPUT ||
		all.some((x) => x.declaration && !same(x.target, here.target) && (x.defaultName ? defaultNameOf(a, x) : x.node.value) === newName);
	if (taken) return { error: ts('rename.taken', { name: newName }) };
	// A plain YAML scalar such as `true` or `null` would stop being a string: quote it there.
	const plainOk = a.json || typeof parseYaml(newName) === 'string';
	const edits: TextEdit[] = all
		.filter((x) => same(x.target, here.target))
		.map((x) => ({
			range: x.range,
			newText: x.node.type === Scalar.PLAIN && !plainOk ? JSON.stringify(newName) : newName,
		}));
	return { changes: { [a.uri]: edits } };
}
