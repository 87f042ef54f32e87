/**
 * The schema's prose in the process's locale, without restating the schema: schema.ts keeps
 * the English `description`s; schema.zh-cn.ts is an overlay keyed by schema path. A schema
 * path names a node by the way down to it: `model.layers[]<dense>.units` (`[]` list items,
 * `[0]` tuple items, `<tag>` a union branch by its `type` or key, `|0` other branches, `*` map
 * values), `…=relu` an enum value's documentation, `…#pattern` a pattern's message. An overlay
 * key may be any suffix of a path (`useBias` serves every layer's `useBias`); the longest
 * matching suffix wins, and test/unit/l10n.test.ts checks that every described path is covered
 * and that no key serves two different English texts.
 */
import { getLocale } from '../l10n';
import { ConfigSchema } from './schema';
import { isKeyUnion, isTaggedUnion, type S } from './schemaNav';
import { SCHEMA_ZH } from './schema.zh-cn';

export type Segments = string[];

/** `['model','layers','[]','<dense>','units']` → `model.layers[]<dense>.units`. */
export function pathKey(segs: Segments): string {
	let out = '';
	for (const s of segs) out += /^[[<|=#]/.test(s) || out === '' ? s : `.${s}`;
	return out;
}

let paths: Map<object, Segments> | undefined;
/** Every schema node with its first path (shared nodes are visited once). */
export function schemaPaths(): Map<object, Segments> {
	if (paths) return paths;
	const out = new Map<object, Segments>();
	const walk = (s: S | undefined, segs: Segments) => {
		if (!s || typeof s !== 'object' || out.has(s)) return;
		out.set(s, segs);
		for (const [k, v] of Object.entries((s.properties ?? {}) as Record<string, S>)) walk(v, [...segs, k]);
		if (Array.isArray(s.items)) (s.items as S[]).forEach((x, i) => walk(x, [...segs, `[${i}]`]));
		else if (s.items) walk(s.items as S, [...segs, '[]']);
		if (s.additionalProperties && typeof s.additionalProperties === 'object') walk(s.additionalProperties as S, [...segs, '*']);
		// Type.Record: a map keyed by names (data.preprocessing's columns).
		for (const v of Object.values((s.patternProperties ?? {}) as Record<string, S>)) walk(v, [...segs, '*']);
		if (Array.isArray(s.anyOf)) {
			(s.anyOf as S[]).forEach((b, i) => {
				const tag = isTaggedUnion(s)
					? (b.properties?.type?.const as string | undefined)
					: isKeyUnion(s)
						? Object.keys(b.properties ?? {})[0]
						: undefined;
				walk(b, [...segs, tag !== undefined ? `<${tag}>` : `|${i}`]);
			});
		}
	};
	walk(ConfigSchema, []);
	paths = out;
	return out;
}

/** The overlay key for the longest suffix of `segs` (+ `tail`) that has an entry; the root is `$root`. */
export function overlayKey(segs: Segments, tail?: string, table: Record<string, string> = SCHEMA_ZH): string | undefined {
	const all = tail === undefined ? segs : [...segs, tail];
	if (all.length === 0) return table.$root !== undefined ? '$root' : undefined;
	for (let i = 0; i < all.length; i++) {
		const key = pathKey(all.slice(i));
		if (table[key] !== undefined) return key;
	}
	return undefined;
}

/** Every described place of the schema: its path, the overlay tail (enum value, pattern) and the English. */
export function describedPaths(): { segs: Segments; tail?: string; english: string }[] {
	const out: { segs: Segments; tail?: string; english: string }[] = [];
	for (const [o, segs] of schemaPaths()) {
		const s = o as S;
		if (typeof s.description === 'string') out.push({ segs, english: s.description });
		const docs = s['x-enumDescriptions'] as Record<string, string> | undefined;
		for (const [v, english] of Object.entries(docs ?? {})) out.push({ segs, tail: `=${v}`, english });
		if (typeof s['x-patternMessage'] === 'string') out.push({ segs, tail: '#pattern', english: s['x-patternMessage'] });
	}
	return out;
}

function local(s: S, tail: string | undefined, english: string | undefined): string | undefined {
	if (english === undefined || getLocale() !== 'zh-cn') return english;
	const segs = schemaPaths().get(s);
	const key = segs && overlayKey(segs, tail);
	return (key !== undefined ? SCHEMA_ZH[key] : undefined) ?? english;
}

/** `s.description` in the current locale. */
export function localDescription(s: S): string | undefined {
	return local(s, undefined, s.description);
}

/** The documentation of one enum value of `s` (x-enumDescriptions) in the current locale. */
export function localEnumDoc(s: S, value: string): string | undefined {
	const docs = s['x-enumDescriptions'] as Record<string, string> | undefined;
	return local(s, `=${value}`, docs?.[value]);
}

/** `x-patternMessage` in the current locale. */
export function localPatternMessage(s: S): string | undefined {
	return local(s, '#pattern', s['x-patternMessage'] as string | undefined);
}
