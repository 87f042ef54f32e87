/**
 * Generic navigation over the schema objects (which are JSON Schema): which branch of a
 * union applies to a value, which schema sits at a path, defaults. Used by the validator,
 * completion, hover and the defaults pass, so they all agree on how unions are chosen.
 */
import type { TSchema } from '@sinclair/typebox';
import { DISCRIMINATOR } from './dsl';
import type { JsonPath } from './diagnostics';
import { list } from '../l10n';
import { tc } from './messages';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON Schema node: any keyword may hold any JSON value
export type S = TSchema & Record<string, any>;

export function isTaggedUnion(s: S): boolean {
	return Array.isArray(s.anyOf) && s[DISCRIMINATOR] === 'type';
}
export function isKeyUnion(s: S): boolean {
	return Array.isArray(s.anyOf) && s[DISCRIMINATOR] === '$key';
}

/** The `type` values of a tagged union's branches. */
export function tagsOf(s: S): string[] {
	return (s.anyOf as S[]).map((b) => b.properties?.type?.const as string).filter((t) => typeof t === 'string');
}

export function branchByTag(s: S, tag: unknown): S | undefined {
	return (s.anyOf as S[]).find((b) => b.properties?.type?.const === tag);
}

/** The first required key of each branch of a key-discriminated union. */
export function keysOf(s: S): string[] {
	return (s.anyOf as S[]).map((b) => Object.keys(b.properties ?? {})[0]!).filter(Boolean);
}

export function branchByKey(s: S, value: Record<string, unknown>): S | undefined {
	return (s.anyOf as S[]).find((b) => {
		const k = Object.keys(b.properties ?? {})[0];
		return k !== undefined && k in value;
	});
}

export type ValueKind = 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null';
export function kindOf(v: unknown): ValueKind {
	if (v === null || v === undefined) return 'null';
	if (Array.isArray(v)) return 'array';
	if (typeof v === 'object') return 'object';
	return typeof v as ValueKind;
}

/** Kinds of value a schema accepts (integer counts as number). */
export function kindsAccepted(s: S): Set<ValueKind> {
	const out = new Set<ValueKind>();
	if (Array.isArray(s.anyOf)) for (const b of s.anyOf as S[]) for (const k of kindsAccepted(b)) out.add(k);
	const t = s.type;
	const types: string[] = Array.isArray(t) ? t : t ? [t] : [];
	for (const ty of types) out.add(ty === 'integer' ? 'number' : (ty as ValueKind));
	if (s.const !== undefined) out.add(kindOf(s.const));
	return out;
}

/**
 * Resolve the branch of a union for a value: by tag, by key, else by the kind of value.
 * Returns the schema itself when it is not a union.
 */
export function branchFor(s: S, value: unknown): S | undefined {
	if (!Array.isArray(s.anyOf)) return s;
	const kind = kindOf(value);
	const candidates = (s.anyOf as S[]).filter((b) => kindsAccepted(b).has(kind));
	if (kind === 'object') {
		const objectBranches = candidates.filter((b) => isTaggedUnion(b) || isKeyUnion(b) || b.type === 'object');
		if (objectBranches.length === 1 && !isTaggedUnion(s) && !isKeyUnion(s)) return branchFor(objectBranches[0]!, value);
		if (isTaggedUnion(s)) return branchByTag(s, (value as Record<string, unknown>).type);
		if (isKeyUnion(s)) return branchByKey(s, value as Record<string, unknown>);
		for (const b of objectBranches) if (isTaggedUnion(b)) return branchFor(b, value);
		return objectBranches[0];
	}
	return candidates.length === 1 ? branchFor(candidates[0]!, value) : candidates[0];
}

/** The property schema of an object schema (declared or via patternProperties/additionalProperties). */
export function propertySchema(s: S, key: string): S | undefined {
	const p = s.properties?.[key];
	if (p) return p as S;
	if (s.patternProperties) {
		for (const [pattern, sub] of Object.entries(s.patternProperties as Record<string, S>)) if (new RegExp(pattern).test(key)) return sub;
	}
	if (s.additionalProperties && typeof s.additionalProperties === 'object') return s.additionalProperties as S;
	return undefined;
}

export function itemSchema(s: S, index: number): S | undefined {
	if (Array.isArray(s.items)) return s.items[index] as S | undefined;
	if (Array.isArray(s.prefixItems)) return s.prefixItems[index] as S | undefined;
	return s.items as S | undefined;
}

/**
 * The schema that applies at `path` inside `root`, given the config value (to choose union
 * branches). Returns the chain of schemas from the root, so hover can show the field and its parent.
 */
export function schemaAtPath(root: S, value: unknown, path: JsonPath): S | undefined {
	let s: S | undefined = root;
	let v: unknown = value;
	for (const seg of path) {
		if (!s) return undefined;
		s = branchFor(s, v) ?? firstObjectBranch(s);
		if (!s) return undefined;
		if (typeof seg === 'number') {
			s = itemSchema(s, seg);
			v = Array.isArray(v) ? v[seg] : undefined;
		} else {
			s = propertySchema(s, seg);
			v = v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>)[seg] : undefined;
		}
	}
	return s;
}

function firstObjectBranch(s: S): S | undefined {
	return Array.isArray(s.anyOf) ? (s.anyOf as S[]).find((b) => b.type === 'object') : undefined;
}

/** Deep copy of a value with every schema default filled in (objects with `default: {}` are created). */
export function applyDefaults(s: S, value: unknown): unknown {
	if (value === undefined) {
		if (s.default === undefined) return undefined;
		value = structuredClone(s.default);
	}
	const b = branchFor(s, value);
	if (!b) return value;
	if (b.type === 'object' && value && typeof value === 'object' && !Array.isArray(value)) {
		const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
		for (const [k, ps] of Object.entries((b.properties ?? {}) as Record<string, S>)) {
			const filled = applyDefaults(ps, out[k]);
			if (filled !== undefined) out[k] = filled;
		}
		for (const [k, v] of Object.entries(out)) {
			if (b.properties?.[k]) continue;
			const ps = propertySchema(b, k);
			if (ps) out[k] = applyDefaults(ps, v);
		}
		return out;
	}
	if (b.type === 'array' && Array.isArray(value)) {
		return value.map((item, i) => {
			const is = itemSchema(b, i);
			return is ? applyDefaults(is, item) : item;
		});
	}
	return value;
}

/** Short human name of what a schema expects, for messages. */
export function describeExpected(s: S): string {
	if (Array.isArray(s.enum)) return tc('expect.oneOf', { values: list(s.enum.map((e: unknown) => `\`${String(e)}\``)) });
	if (s.const !== undefined) return `\`${String(s.const)}\``;
	if (isTaggedUnion(s)) return tc('expect.typed');
	if (Array.isArray(s.anyOf)) return [...new Set((s.anyOf as S[]).map(describeExpected))].join(tc('expect.or'));
	switch (s.type) {
		case 'integer':
			return tc('expect.integer');
		case 'number':
			return tc('expect.number');
		case 'string':
			return tc('expect.string');
		case 'boolean':
			return tc('expect.boolean');
		case 'array':
			return Array.isArray(s.items) ? tc('expect.listOf', { n: s.items.length }) : tc('expect.list');
		case 'object':
			return tc('expect.map');
		case 'null':
			return tc('kind.nothing');
		default:
			return tc('kind.value');
	}
}
