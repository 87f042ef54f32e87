/**
 * Reading documentation out of the schema objects for completion and hover: nothing here
 * names a field, every word comes from `description`, `default`, `x-formula`, … in schema.ts.
 */
import { ConfigSchema } from '../../../engine/core/config/schema';
import { formatValue } from '../../../engine/core/config/edit';
import type { JsonPath } from '../../../engine/core/config/diagnostics';
import { branchFor, isKeyUnion, isTaggedUnion, schemaAtPath, tagsOf, type S } from '../../../engine/core/config/schemaNav';
import { localDescription, localEnumDoc } from '../../../engine/core/config/schemaText';
import { ts } from './messages';

export const ROOT = ConfigSchema as unknown as S;

export function valueAt(value: unknown, path: JsonPath): unknown {
	let v = value;
	for (const seg of path) {
		if (v === null || typeof v !== 'object') return undefined;
		v = (v as Record<string | number, unknown>)[seg];
	}
	return v;
}

/** The schema at a path, resolving unions with the config value (or an empty map). */
export function schemaAt(value: unknown, path: JsonPath): S | undefined {
	return schemaAtPath(ROOT, value ?? {}, path);
}

/** The tagged union inside `s` (itself, or one of its branches like the optimizer's name-or-object). */
export function taggedUnionIn(s: S | undefined): S | undefined {
	if (!s) return undefined;
	if (isTaggedUnion(s)) return s;
	return Array.isArray(s.anyOf) ? (s.anyOf as S[]).find(isTaggedUnion) : undefined;
}

/** The object schema that holds keys for a map with value `v`, if one applies. */
export function objectBranch(s: S | undefined, v: unknown): S | undefined {
	if (!s) return undefined;
	const tryBranch = (x: unknown) => {
		const b = branchFor(s, x);
		return b && b.type === 'object' ? b : undefined;
	};
	return tryBranch(v && typeof v === 'object' && !Array.isArray(v) ? v : {});
}

export interface EnumValue {
	value: string | number | boolean;
	doc?: string;
	formula?: string;
}

/** The named values a schema accepts: enums, consts, booleans, and the tags of a tagged union. */
export function enumValues(s: S | undefined, depth = 0): EnumValue[] {
	if (!s || depth > 4) return [];
	if (Array.isArray(s.enum)) {
		return (s.enum as (string | number)[]).map((v) => {
			const doc = localEnumDoc(s, String(v));
			return { value: v, ...(doc ? { doc } : {}) };
		});
	}
	if (s.const !== undefined) return [{ value: s.const as string, ...(s.description ? { doc: localDescription(s) } : {}) }];
	if (s.type === 'boolean') return [{ value: true }, { value: false }];
	if (isTaggedUnion(s) || isKeyUnion(s)) return [];
	if (Array.isArray(s.anyOf)) {
		const seen = new Set<string>();
		return (s.anyOf as S[])
			.flatMap((b) => enumValues(b, depth + 1))
			.filter((e) => !seen.has(String(e.value)) && !!seen.add(String(e.value)));
	}
	return [];
}

/** Tags of a tagged union with each branch's description and formula. */
export function tagValues(u: S): EnumValue[] {
	return tagsOf(u).map((t) => {
		const b = (u.anyOf as S[]).find((x) => x.properties?.type?.const === t)!;
		return { value: t, doc: localDescription(b) as string, ...(b['x-formula'] ? { formula: b['x-formula'] as string } : {}) };
	});
}

export function constraints(s: S): string[] {
	const out: string[] = [];
	if (s.minimum !== undefined) out.push(`≥ ${s.minimum}`);
	if (s.exclusiveMinimum !== undefined) out.push(`> ${s.exclusiveMinimum}`);
	if (s.maximum !== undefined) out.push(`≤ ${s.maximum}`);
	if (s.exclusiveMaximum !== undefined) out.push(`< ${s.exclusiveMaximum}`);
	if (s.minItems !== undefined) out.push(s.minItems === 1 ? ts('atLeastItem') : ts('atLeastItems', { n: s.minItems }));
	return out;
}

/** Markdown for a field: description, formula, default, allowed values, range. */
export function fieldMarkdown(s: S, title?: string): string {
	const parts: string[] = [];
	if (title) parts.push(`**${title}**`);
	if (s.description) parts.push(String(localDescription(s)));
	const formula = s['x-formula'] as string | undefined;
	if (formula && formula !== s.description) parts.push(formula);
	const facts: string[] = [];
	if (s.default !== undefined && !(typeof s.default === 'object' && s.default && Object.keys(s.default).length === 0))
		facts.push(ts('default', { value: formatValue(s.default) }));
	const c = constraints(s);
	if (c.length) facts.push(ts('range', { range: c.join(', ') }));
	if (Array.isArray(s.examples) && s.examples.length) facts.push(ts('example', { value: formatValue(s.examples[0]) }));
	if (facts.length) parts.push(facts.join(' · '));
	const tagged = taggedUnionIn(s);
	const values = tagged ? tagValues(tagged) : enumValues(s);
	if (values.length && values.length <= 30 && s.type !== 'boolean') {
		parts.push(
			`${tagged ? ts('allowedTypes') : ts('allowedValues')}\n\n${values.map((v) => `- \`${String(v.value)}\`${v.doc ? `: ${v.doc}` : ''}`).join('\n')}`,
		);
	}
	return parts.join('\n\n');
}
