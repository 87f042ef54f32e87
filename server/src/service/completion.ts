/**
 * Completion: keys valid at the cursor (snippets fill required fields), enum values and layer
 * types with their docs, config paths inside `tuning.space`, column names for `features` and
 * `label`, layer names inside a layer's `from`, and file paths for data sources. Everything offered is read from the schema.
 */
import { isMap, isPair, isScalar, type Node } from 'yaml';
import { CompletionItemKind, InsertTextFormat, type CompletionItem, type Position } from 'vscode-languageserver-protocol';
import type { JsonPath } from '../../../engine/core/config/diagnostics';
import { formatValue } from '../../../engine/core/config/edit';
import { configPathExists } from '../../../engine/core/config/semantic';
import { MODEL_INPUT, type SourceConfig } from '../../../engine/core/config/schema';
import { defaultLayerNames, formatShape } from '../../../engine/core/shapes/infer';
import type { ResolvedConfig } from '../../../engine/core/config/resolve';
import { isKeyUnion, isTaggedUnion, itemSchema, keysOf, type S } from '../../../engine/core/config/schemaNav';
import { staticDataInfo, type DataInfo } from '../../../engine/core/data/info';
import type { Analysis } from './analysis';
import { cursorContext, type CursorContext } from './context';
import { enumValues, fieldMarkdown, objectBranch, schemaAt, taggedUnionIn, tagValues, valueAt, type EnumValue } from './schemaDocs';
import { mathToUnicode } from '../../../engine/core/config/mathText';
import { ts } from './messages';

export interface DirEntry {
	name: string;
	dir: boolean;
}

export interface CompletionEnv {
	/** Columns of a file source (from the server's probe cache); generators and data sets are known statically. */
	dataInfo?: (source: SourceConfig) => DataInfo | undefined;
	/** Entries of a folder given relative to the config file. */
	listDir?: (relDir: string) => DirEntry[];
}

// Formulas as Unicode: editors' Markdown does not render the schema's LaTeX.
const md = (value: string) => ({ kind: 'markdown' as const, value: mathToUnicode(value) });
/** Snippet-escape a literal. */
const lit = (s: string) => s.replace(/[$}\\]/g, '\\$&');

export function completion(a: Analysis, pos: Position, env: CompletionEnv = {}): CompletionItem[] {
	const cd = a.result.document;
	const offset = cd.offsetAt(pos);
	const ctx = cursorContext(cd, offset);
	const range = { start: cd.positionAt(ctx.from), end: cd.positionAt(ctx.to) };
	const value = cd.value ?? {};
	const from = fromLayerIndex(ctx.path);
	const items =
		from !== undefined ? fromItems(a, from, value) : ctx.kind === 'key' ? keyItems(a, ctx, value) : valueItems(a, ctx, value, env);
	const prefix = ctx.prefix.toLowerCase();
	return items
		.filter((i) => !prefix || (i.filterText ?? i.label).toLowerCase().includes(prefix.replace(/^["']/, '')))
		.map((i) => ({ ...i, textEdit: { range, newText: i.insertText ?? i.label }, insertText: undefined }))
		.map(({ insertText: _drop, ...rest }) => rest);
}

// ------------------------------------------------------------------------------------ from

/** The layer index when the cursor is on a `from` value (a name, or an item of its list). */
function fromLayerIndex(p: JsonPath): number | undefined {
	return p[0] === 'model' && p[1] === 'layers' && typeof p[2] === 'number' && p[3] === 'from' && p.length <= 5 ? p[2] : undefined;
}

/** `input` and the names of the layers before this one, with their type and output shape. */
function fromItems(a: Analysis, index: number, value: unknown): CompletionItem[] {
	const raw = valueAt(value, ['model', 'layers']);
	const layers = Array.isArray(raw)
		? (raw as unknown[]).map((l) => (l && typeof l === 'object' ? (l as { type?: unknown; name?: unknown }) : {}))
		: [];
	const names = defaultLayerNames(layers.map((l) => ({ type: String(l.type), ...(typeof l.name === 'string' ? { name: l.name } : {}) })));
	const shapes = a.result.shapes?.layers;
	const taken = valueAt(value, ['model', 'layers', index, 'from']);
	const used = new Set(Array.isArray(taken) ? taken.map(String) : []);
	const out: CompletionItem[] = [];
	const inputShape = a.result.shapes?.inputShape;
	// The model's inputs: `input`, or the names of `model.inputs`.
	const named = a.result.shapes?.inputs;
	for (const inp of named ?? [{ name: MODEL_INPUT, shape: inputShape }])
		out.push({
			label: inp.name,
			kind: CompletionItemKind.Reference,
			detail: `${ts('modelInput')}${inp.shape ? ` ${formatShape(inp.shape)}` : ''}`,
			sortText: `1${inp.name}`,
		});
	for (let i = 0; i < Math.min(index, names.length); i++) {
		const n = names[i]!;
		if (used.has(n)) continue;
		const shape = shapes?.[i]?.outputShape;
		out.push({
			label: n,
			kind: CompletionItemKind.Reference,
			detail: `${String(layers[i]!.type)}${shape ? ` → ${formatShape(shape)}` : ''}`,
			// The nearest layers first.
			sortText: `0${String(index - i).padStart(4, '0')}`,
		});
	}
	return out;
}

// ------------------------------------------------------------------------------------ keys

function keyItems(a: Analysis, ctx: CursorContext, value: unknown): CompletionItem[] {
	const p = ctx.path;
	if (p.length === 2 && p[0] === 'tuning' && p[1] === 'space') return tuningPathItems(a.result.resolved);
	const s = schemaAt(value, p);
	let v = valueAt(value, p);
	// A half-typed key often parses as a scalar list item: treat the item as the map it is becoming.
	if (v !== undefined && (typeof v !== 'object' || Array.isArray(v))) v = {};
	const existing = existingKeys(a, p, ctx.prefix);
	const tagged = taggedUnionIn(s);
	const branch = tagged && (!v || !(v as Record<string, unknown>).type) ? undefined : objectBranch(s, v);
	if (!branch) {
		if (tagged && !existing.has('type'))
			return tagValues(tagged).map((t, i) => typeItem(t, ctx.keyColumn, `0${String(i).padStart(3, '0')}`, true, tagged));
		if (s && isKeyUnion(s))
			return keysOf(s).map((k) => ({
				label: k,
				kind: CompletionItemKind.Property,
				insertText: `${k}: [$1]`,
				insertTextFormat: InsertTextFormat.Snippet,
				documentation: md(fieldMarkdown((s.anyOf as S[]).find((b) => b.properties?.[k])!)),
			}));
		return [];
	}
	const required = new Set<string>((branch.required as string[] | undefined) ?? []);
	const out: CompletionItem[] = [];
	for (const [key, ps] of Object.entries((branch.properties ?? {}) as Record<string, S>)) {
		if (existing.has(key)) continue;
		if (key === 'type' && tagged) continue;
		out.push({
			label: key,
			kind: isObjectLike(ps) ? CompletionItemKind.Module : CompletionItemKind.Property,
			detail: required.has(key)
				? ts('required')
				: ps.default !== undefined
					? ts('defaultValue', { value: formatValue(ps.default) })
					: undefined,
			documentation: md(fieldMarkdown(ps)),
			insertText: `${key}:${fieldSnippet(ps, ctx.keyColumn, new Counter())}`,
			insertTextFormat: InsertTextFormat.Snippet,
			sortText: `${required.has(key) ? '0' : '1'}${String(out.length).padStart(3, '0')}`,
		});
	}
	return out;
}

class Counter {
	n = 0;
	next() {
		return ++this.n;
	}
}

const isObjectLike = (s: S): boolean =>
	s.type === 'object' || !!taggedUnionIn(s) || (s.type === 'array' && isObjectLike(itemSchema(s, 0) ?? ({} as S)));

/** The text after `key:` for a field: a value placeholder, or a block with its required fields. */
function fieldSnippet(s: S, col: number, c: Counter, depth = 0): string {
	const pad = (n: number) => ' '.repeat(n);
	const tagged = taggedUnionIn(s);
	if (tagged && s === tagged) return `\n${pad(col + 2)}type: ${tagChoice(tagged, c)}`;
	if (s.type === 'array') {
		const item = itemSchema(s, 0);
		if (item && taggedUnionIn(item)) return `\n${pad(col + 2)}- type: ${tagChoice(taggedUnionIn(item)!, c)}`;
		if (item && item.type === 'object') return `\n${pad(col + 2)}- $${c.next()}`;
		return ` [$${c.next()}]`;
	}
	if (s.type === 'object' && depth < 3) {
		const req = ((s.required as string[] | undefined) ?? []).filter((k) => s.properties?.[k]);
		if (!req.length) return `\n${pad(col + 2)}$${c.next()}`;
		return req.map((k) => `\n${pad(col + 2)}${k}:${fieldSnippet(s.properties[k] as S, col + 2, c, depth + 1)}`).join('');
	}
	const values = enumValues(s);
	if (values.length && values.length <= 40)
		return ` \${${c.next()}|${values.map((v) => lit(String(v.value)).replace(/[,|]/g, '\\$&')).join(',')}|}`;
	if (s.default !== undefined && typeof s.default !== 'object') return ` \${${c.next()}:${lit(formatValue(s.default))}}`;
	if (Array.isArray(s.examples) && s.examples.length && typeof s.examples[0] !== 'object')
		return ` \${${c.next()}:${lit(formatValue(s.examples[0]))}}`;
	return ` $${c.next()}`;
}

function tagChoice(u: S, c: Counter): string {
	return `\${${c.next()}|${tagValues(u)
		.map((t) => String(t.value))
		.join(',')}|}`;
}

/** Keys already present in the map at `path` (the one being typed excepted). */
function existingKeys(a: Analysis, path: JsonPath, typing: string): Set<string> {
	const out = new Set<string>();
	const node = a.result.document.nodeAt(path);
	if (isMap(node)) {
		for (const item of node.items) {
			if (isPair(item) && isScalar(item.key)) {
				const k = String((item.key as Node & { value: unknown }).value);
				if (k !== typing) out.add(k);
			}
		}
	}
	return out;
}

/** `type: dense` with the branch's `x-snippet` lines below it at the key's column. */
function typeItem(t: EnumValue, col: number, sortText: string, withKey: boolean, u: S): CompletionItem {
	const snip = (u.anyOf as S[]).find((b) => b.properties?.type?.const === t.value)?.['x-snippet'] as string | undefined;
	const head = `${withKey ? 'type: ' : ''}${String(t.value)}`;
	return {
		label: withKey ? `type: ${String(t.value)}` : String(t.value),
		filterText: withKey ? `type ${String(t.value)}` : String(t.value),
		kind: CompletionItemKind.EnumMember,
		documentation: md([t.doc, t.formula && t.formula !== t.doc ? t.formula : undefined].filter(Boolean).join('\n\n')),
		sortText,
		insertText: snip
			? `${lit(head)}\n${snip
					.split('\n')
					.map((l) => ' '.repeat(col) + l)
					.join('\n')}`
			: lit(head),
		insertTextFormat: InsertTextFormat.Snippet,
	};
}

// ------------------------------------------------------------------------------------ values

function valueItems(a: Analysis, ctx: CursorContext, value: unknown, env: CompletionEnv): CompletionItem[] {
	const p = ctx.path;
	const out: CompletionItem[] = [];
	const at = (...segs: (string | number | null)[]) => p.length === segs.length && segs.every((s, i) => s === null || s === p[i]);

	// Column names for the label, the features and per-column preprocessing.
	if (at('data', 'label') || at('data', 'features', null) || (p[0] === 'data' && p[1] === 'features' && p.length === 2)) {
		const info = dataInfoFor(a, env);
		const used = new Set(
			Array.isArray(valueAt(value, ['data', 'features'])) ? (valueAt(value, ['data', 'features']) as unknown[]).map(String) : [],
		);
		const label = valueAt(value, ['data', 'label']) ?? info?.defaultLabel;
		for (const col of info?.columns ?? []) {
			if (p[1] === 'features' && (used.has(col) || col === label)) continue;
			const distinct = info?.distinct[col];
			out.push({
				label: col,
				kind: CompletionItemKind.Field,
				detail: info?.numeric.includes(col) ? ts('numericColumn') : ts('textColumn'),
				...(distinct
					? {
							documentation: md(
								ts('columnValues', {
									values: `${distinct
										.slice(0, 10)
										.map((d) => `\`${d}\``)
										.join(', ')}${distinct.length > 10 ? ', …' : ''}`,
								}),
							),
						}
					: {}),
				sortText: `${(col === info?.defaultLabel) === (p[1] === 'label') ? '0' : '1'}${col}`,
			});
		}
		return out;
	}
	// File paths for csv/json sources.
	if (at('data', 'source', 'path') && env.listDir) {
		const typed = ctx.prefix.replace(/^["']/, '');
		const dir = typed.includes('/') ? typed.slice(0, typed.lastIndexOf('/') + 1) : '';
		const type = valueAt(value, ['data', 'source', 'type']);
		const ext = type === 'json' ? /\.json$/i : /\.(csv|tsv|txt)$/i;
		for (const e of env.listDir(dir)) {
			if (e.name.startsWith('.') || e.name === 'node_modules') continue;
			if (!e.dir && !ext.test(e.name)) continue;
			out.push({
				label: `${dir}${e.name}${e.dir ? '/' : ''}`,
				kind: e.dir ? CompletionItemKind.Folder : CompletionItemKind.File,
				sortText: `${e.dir ? '1' : '0'}${e.name}`,
				...(e.dir ? { command: { title: 'Suggest', command: 'editor.action.triggerSuggest' } } : {}),
			});
		}
		return out;
	}

	const s = schemaAt(value, p);
	// `type:` of a layer, source, optimizer or schedule: the tags, each with its snippet of fields.
	const parent = p.length ? schemaAt(value, p.slice(0, -1)) : undefined;
	const parentUnion = ctx.key === 'type' ? taggedUnionIn(parent) : undefined;
	if (parentUnion) {
		// Only a fresh map gets the snippet's fields; changing the type of a full one just swaps the name.
		const fresh = Object.keys(valueAt(value, p.slice(0, -1)) ?? {}).length <= 1;
		return tagValues(parentUnion).map((t, i) =>
			typeItem(t, ctx.keyColumn, String(i).padStart(3, '0'), false, fresh ? parentUnion : ({ ...parentUnion, anyOf: [] } as S)),
		);
	}
	if (!s) return out;
	const values = enumValues(s);
	const def = s.default;
	values.forEach((v, i) => {
		const isDefault = def !== undefined && String(def) === String(v.value);
		out.push({
			label: String(v.value),
			kind: typeof v.value === 'boolean' ? CompletionItemKind.Keyword : CompletionItemKind.EnumMember,
			...(isDefault ? { detail: ts('isDefault') } : {}),
			...(v.doc ? { documentation: md(v.doc) } : {}),
			sortText: `${isDefault ? '0' : '1'}${String(i).padStart(3, '0')}`,
		});
	});
	if (!values.length && def !== undefined && typeof def !== 'object') {
		out.push({
			label: formatValue(def),
			kind: CompletionItemKind.Value,
			detail: ts('isDefault'),
			documentation: md(fieldMarkdown(s)),
			sortText: '0',
		});
	}
	return out;
}

function dataInfoFor(a: Analysis, env: CompletionEnv): DataInfo | undefined {
	if (a.result.data?.info) return a.result.data.info;
	const source =
		(a.result.resolved?.data as { source?: SourceConfig } | undefined)?.source ??
		(valueAt(a.result.document.value, ['data', 'source']) as SourceConfig | undefined);
	if (!source || typeof source !== 'object') return undefined;
	try {
		return staticDataInfo(source) ?? env.dataInfo?.(source);
	} catch {
		return env.dataInfo?.(source);
	}
}

// ------------------------------------------------------------------------------------ tuning

const SKIP_TOP = new Set(['$schema', 'name', 'description', 'tuning', 'export', 'evaluation']);

/** Every tunable leaf (number, integer, enum, boolean) that exists in this config. */
export function tunablePaths(cfg: ResolvedConfig | undefined): { path: string; schema: S }[] {
	if (!cfg) return [];
	const out: { path: string; schema: S }[] = [];
	const walk = (v: unknown, path: JsonPath, text: string, depth: number) => {
		if (depth > 6 || out.length > 500) return;
		const s = schemaAt(cfg, path);
		if (!s) return;
		if (Array.isArray(v)) {
			v.forEach((x, i) => walk(x, [...path, i], `${text}[${i}]`, depth + 1));
			return;
		}
		const b = v && typeof v === 'object' ? objectBranch(s, v) : undefined;
		if (b) {
			for (const [k, ps] of Object.entries((b.properties ?? {}) as Record<string, S>)) {
				if (
					k === 'type' ||
					(path.length === 0 && SKIP_TOP.has(k)) ||
					(path[0] === 'data' && (k === 'source' || k === 'features' || k === 'label' || k === 'preprocessing'))
				)
					continue;
				const child = (v as Record<string, unknown>)[k];
				if (child !== undefined && typeof child === 'object' && child !== null)
					walk(child, [...path, k], text ? `${text}.${k}` : k, depth + 1);
				else if (isLeaf(ps)) {
					const full = [...path, k];
					if (configPathExists(cfg, full)) out.push({ path: text ? `${text}.${k}` : k, schema: ps });
				}
			}
		}
	};
	walk(cfg, [], '', 0);
	// The usual suspects first: layer sizes and training knobs, then data handling.
	const rank = (p: string) => (p.startsWith('model.') ? 0 : p.startsWith('training.') ? 1 : p.startsWith('data.') ? 2 : 3);
	return out.sort((x, y) => rank(x.path) - rank(y.path));
}

const isLeaf = (s: S): boolean =>
	s.type === 'number' ||
	s.type === 'integer' ||
	s.type === 'boolean' ||
	Array.isArray(s.enum) ||
	(Array.isArray(s.anyOf) &&
		!isTaggedUnion(s) &&
		(s.anyOf as S[]).some((b) => Array.isArray(b.enum) || b.type === 'number' || b.type === 'integer'));

function tuningPathItems(cfg: ResolvedConfig | undefined): CompletionItem[] {
	return tunablePaths(cfg).map((t, i) => {
		const values = enumValues(t.schema);
		const body =
			values.length && t.schema.type !== 'integer' && t.schema.type !== 'number'
				? `{choice: [\${1:${values
						.slice(0, 3)
						.map((v) => lit(String(v.value)))
						.join(', ')}}]}`
				: t.schema.type === 'integer'
					? '{${1|int,choice|}: [${2:1}, ${3:10}]}'
					: '{${1|logUniform,uniform,choice|}: [${2:0.001}, ${3:0.1}]}';
		return {
			label: t.path,
			kind: CompletionItemKind.Reference,
			documentation: md(fieldMarkdown(t.schema)),
			insertText: `${t.path}: ${body}`,
			insertTextFormat: InsertTextFormat.Snippet,
			sortText: String(i).padStart(4, '0'),
		};
	});
}
