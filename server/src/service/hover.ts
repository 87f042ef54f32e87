/**
 * Hover: what a field does, its default, allowed values and formula (all from the schema);
 * on a named value (a loss, an activation, a layer type) that value's own documentation;
 * on a layer, its output shape and parameter count from the validator's shape inference.
 */
import { isScalar } from 'yaml';
import type { Hover, Position } from 'vscode-languageserver-protocol';
import { formatShape } from '../../../engine/core/shapes/infer';
import { MODEL_INPUT } from '../../../engine/core/config/schema';
import type { JsonPath } from '../../../engine/core/config/diagnostics';
import type { Analysis } from './analysis';
import { nodePathAt } from './context';
import { enumValues, fieldMarkdown, schemaAt, taggedUnionIn, tagValues } from './schemaDocs';
import { mathToUnicode } from '../../../engine/core/config/mathText';
import { ts } from './messages';

export const formatCount = (n: number) => n.toLocaleString('en-US');

/**
 * Whether the model's parameter total means anything: not while a layer has an error (half-typed
 * layers are left out of the shapes, so the total would read "0 params total").
 */
export function modelTotalShown(a: Analysis): boolean {
	const shapes = a.result.shapes;
	if (shapes?.totalParams === undefined || shapes.layers.some((l) => l.issue)) return false;
	return !a.result.diagnostics.some((d) => d.severity === 'error' && d.path?.[0] === 'model');
}

export function hover(a: Analysis, pos: Position): Hover | null {
	const cd = a.result.document;
	const offset = cd.offsetAt(pos);
	const hit = nodePathAt(cd, offset);
	if (!hit || hit.path.length === 0) return null;
	const value = cd.value ?? {};
	const path = hit.path;
	const s = schemaAt(value, path);
	const parts: string[] = [];
	const last = path[path.length - 1];
	const title = `\`${pathText(path)}\``;
	const scalar = hit.on === 'value' && isScalar(hit.node) ? hit.node.value : undefined;

	if (last === 'type' && path.length > 1) {
		// The tag names the variant: describe the variant, not the `type` field.
		const union = taggedUnionIn(schemaAt(value, path.slice(0, -1)));
		const tag = union ? tagValues(union).find((t) => t.value === (scalar ?? (value && valueOf(value, path)))) : undefined;
		if (tag) {
			const branch = (union!.anyOf as { properties?: { type?: { const?: unknown } }; description?: string }[]).find(
				(b) => b.properties?.type?.const === tag.value,
			);
			parts.push(`**${String(tag.value)}** — ${pathText(path.slice(0, -1))}`, String(tag.doc ?? branch?.description ?? '')); // tag.doc: the branch's description, localised
			if (tag.formula && tag.formula !== branch?.description) parts.push(tag.formula);
		}
	} else if (scalar !== undefined && s) {
		const named = enumValues(s).find((v) => String(v.value) === String(scalar));
		if (named?.doc) parts.push(`**${String(scalar)}** — ${title}`, named.doc);
		else parts.push(fieldMarkdown(s, title));
	} else if (s) {
		parts.push(fieldMarkdown(s, title));
	}

	const layerIdx =
		path[0] === 'model' && path[1] === 'layers' && typeof path[2] === 'number' && (path.length === 3 || last === 'type')
			? path[2]
			: undefined;
	const layer = layerIdx !== undefined ? a.result.shapes?.layers.find((l) => l.index === layerIdx) : undefined;
	if (layer) parts.push(layerMarkdown(layer));
	// A name in `from`: the layer it takes, with its shapes.
	if (path[0] === 'model' && path[1] === 'layers' && path[3] === 'from' && typeof scalar === 'string') {
		const shapes = a.result.shapes;
		const ref = shapes?.layers.find((l) => l.name === scalar);
		if (ref) parts.push(ts('takes', { layer: layerMarkdown(ref) }));
		else if (scalar === MODEL_INPUT) parts.push(ts('takesInput', { shape: formatShape(shapes?.inputShape) }));
		else {
			const inp = shapes?.inputs?.find((i) => i.name === scalar);
			if (inp) parts.push(ts('takesInput', { shape: formatShape(inp.shape) }));
		}
	}
	if (path.length === 1 && path[0] === 'model' && a.result.shapes?.totalParams !== undefined && modelTotalShown(a)) {
		const sh = a.result.shapes;
		parts.push(
			ts('modelSummary', {
				input: formatShape(sh.inputShape),
				output: formatShape(sh.outputShape),
				total: formatCount(sh.totalParams!),
				trainable: formatCount(sh.trainableParams ?? 0),
			}),
		);
	}
	if (!parts.length) return null;
	const [start, end] = hit.spans[0]!;
	// Formulas as Unicode: editors' Markdown does not render the schema's LaTeX.
	return { contents: { kind: 'markdown', value: mathToUnicode(parts.filter(Boolean).join('\n\n')) }, range: cd.range(start, end) };
}

export function layerMarkdown(l: NonNullable<Analysis['result']['shapes']>['layers'][number]): string {
	const params =
		l.trainableParams !== undefined
			? ` · ${ts('params', { n: formatCount(l.trainableParams + (l.nonTrainableParams ?? 0)) })}${l.nonTrainableParams ? ts('nonTrainable', { n: formatCount(l.nonTrainableParams) }) : ''}`
			: '';
	return `\`${l.name}\`: ${formatShape(l.inputShape)} → **${formatShape(l.outputShape)}**${params}${l.issue ? `\n\n⚠ ${l.issue.message}` : ''}`;
}

export function pathText(path: JsonPath): string {
	return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

function valueOf(v: unknown, path: JsonPath): unknown {
	let x = v;
	for (const s of path) x = x && typeof x === 'object' ? (x as Record<string | number, unknown>)[s] : undefined;
	return x;
}
