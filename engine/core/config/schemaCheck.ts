/**
 * Checks a parsed document against the schema, node by node, so every error carries the
 * exact range of the offending key or value. Unions are resolved first (by `type`, by key,
 * by kind of value) and errors are reported against the chosen branch only.
 */
import { isMap, isPair, isScalar, isSeq, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import type { ConfigDocument } from './document';
import {
	makeDiagnostic,
	type ConfigDiagnostic,
	type DiagnosticCode,
	type Fix,
	type JsonPath,
	type Range,
	type TextEdit,
} from './diagnostics';
import {
	describeExpected,
	isKeyUnion,
	isTaggedUnion,
	itemSchema,
	keysOf,
	kindOf,
	kindsAccepted,
	propertySchema,
	tagsOf,
	branchByTag,
	type S,
} from './schemaNav';
import { closest } from './suggest';
import { setValueEdit } from './edit';
import { append } from '../arrays';
import { list } from '../l10n';
import { tc } from './messages';
import { localDescription, localPatternMessage } from './schemaText';

const MAX_NODES = 200_000;

export function checkSchema(cd: ConfigDocument, root: S): ConfigDiagnostic[] {
	const out: ConfigDiagnostic[] = [];
	const walker = new Walker(cd, out);
	const top = cd.resolve(cd.root);
	if (!top || (isScalar(top) && (top.value === null || top.value === ''))) {
		out.push(makeDiagnostic('MW004', tc('MW004.empty'), cd.whole()));
		return out;
	}
	if (!isMap(top)) {
		out.push(makeDiagnostic('MW004', tc('MW004.notMap', { kind: kindName(top) }), cd.firstLine(cd.nodeRange(top) ?? cd.whole())));
		return out;
	}
	walker.check(top, root, [], undefined);
	return out;
}

function kindName(node: Node | null): string {
	if (!node) return tc('kind.nothing');
	if (isMap(node)) return tc('kind.map');
	if (isSeq(node)) return tc('kind.list');
	if (isScalar(node)) {
		const v = node.value;
		if (v === null) return tc('kind.nothing');
		if (typeof v === 'string') return tc('kind.text', { text: v.length > 30 ? v.slice(0, 30) + '…' : v });
		if (typeof v === 'number') return tc('kind.number', { value: v });
		if (typeof v === 'boolean') return `\`${v}\``;
	}
	return tc('kind.value');
}

function fieldName(path: JsonPath): string {
	const last = path[path.length - 1];
	if (last === undefined) return tc('field.config');
	if (typeof last === 'number') {
		const parent = path[path.length - 2];
		return parent !== undefined ? tc('field.itemOf', { n: last + 1, parent: String(parent) }) : tc('field.item', { n: last + 1 });
	}
	return `\`${last}\``;
}

class Walker {
	private visited = 0;
	constructor(
		private readonly cd: ConfigDocument,
		private readonly out: ConfigDiagnostic[],
	) {}

	private report(code: DiagnosticCode, message: string, range: Range, path: JsonPath, fixes?: Fix[]): void {
		this.out.push(makeDiagnostic(code, message, range, { path, ...(fixes?.length ? { fixes } : {}) }));
	}

	/** `keyRange` is the range of the key that owns this value (for "missing field" reports). */
	check(raw: Node | null, s: S, path: JsonPath, keyRange: Range | undefined): void {
		if (++this.visited > MAX_NODES) return;
		const node = this.cd.resolve(raw);
		const range = this.cd.nodeRange(node) ?? keyRange ?? this.cd.whole();
		const value: unknown = isScalar(node) ? node.value : isMap(node) ? {} : isSeq(node) ? [] : null;
		const kind = kindOf(value);

		if (Array.isArray(s.anyOf)) return this.checkUnion(node, s, path, keyRange, range, kind);

		const accepted = kindsAccepted(s);
		if (accepted.size > 0 && !accepted.has(kind)) {
			const what =
				kind === 'null'
					? tc('MW102.needsValue', { field: fieldName(path), expected: describeExpected(s) })
					: tc('MW102.mustBe', { field: fieldName(path), expected: describeExpected(s), kind: kindName(node) });
			this.report('MW102', what, kind === 'null' && keyRange ? keyRange : range, path);
			return;
		}
		switch (kind) {
			case 'object':
				return this.checkMap(node as YAMLMap<unknown, unknown>, s, path, keyRange, range);
			case 'array':
				return this.checkSeq(node as YAMLSeq<unknown>, s, path, range);
			case 'number':
				return this.checkNumber(value as number, s, path, range);
			case 'string':
				return this.checkString(value as string, s, path, range);
			default:
				return;
		}
	}

	private checkUnion(
		node: Node | null,
		s: S,
		path: JsonPath,
		keyRange: Range | undefined,
		range: Range,
		kind: ReturnType<typeof kindOf>,
	): void {
		const branches = s.anyOf as S[];
		if (isTaggedUnion(s)) {
			if (kind !== 'object') {
				this.report(
					'MW102',
					tc('MW102.typedMap', { field: fieldName(path), tags: list(tagsOf(s).map((t) => `\`${t}\``)), kind: kindName(node) }),
					range,
					path,
				);
				return;
			}
			const typePair = this.cd.pair(node, 'type');
			const tags = tagsOf(s);
			if (!typePair) {
				this.report(
					'MW104',
					tc('MW104.type', { field: fieldName(path), tags: list(tags.map((t) => `\`${t}\``)) }),
					this.cd.firstLine(range),
					[...path, 'type'],
				);
				return;
			}
			const tagNode = this.cd.resolve(typePair.value);
			const tag = isScalar(tagNode) ? tagNode.value : undefined;
			const branch = branchByTag(s, tag);
			if (!branch) {
				const tagRange = this.cd.nodeRange(tagNode) ?? this.cd.nodeRange(typePair.key) ?? range;
				// Replacing the type also adds the new type's required keys, so the fix leaves no MW104 behind.
				const requiredOf = (t: string): TextEdit[] => {
					const b = branchByTag(s, t);
					const edits: TextEdit[] = [];
					for (const key of (b?.required ?? []) as string[]) {
						if (key === 'type' || this.cd.pair(node, key)) continue;
						const ks = b?.properties?.[key] as S | undefined;
						const example = ks?.examples?.[0] ?? ks?.default;
						const e = example !== undefined && typeof example !== 'object' ? setValueEdit(this.cd, [...path, key], example) : undefined;
						if (e) edits.push(e);
					}
					return edits;
				};
				this.unknownValue(String(tag ?? ''), tags, `type`, tagRange, [...path, 'type'], tag === null || tag === undefined, requiredOf);
				return;
			}
			this.check(node, branch, path, keyRange);
			return;
		}
		if (isKeyUnion(s)) {
			const keys = keysOf(s);
			if (kind !== 'object') {
				this.report(
					'MW102',
					tc('MW102.keyMap', { field: fieldName(path), keys: list(keys.map((k) => `\`${k}\``)), kind: kindName(node) }),
					range,
					path,
				);
				return;
			}
			const branch = branches.find((b) => this.cd.pair(node, Object.keys(b.properties ?? {})[0]!));
			if (!branch) {
				this.report(
					'MW104',
					tc('MW104.oneOf', { field: fieldName(path), keys: list(keys.map((k) => `\`${k}\``)) }),
					this.cd.firstLine(range),
					path,
				);
				return;
			}
			this.check(node, branch, path, keyRange);
			return;
		}
		const candidates = branches.filter((b) => kindsAccepted(b).has(kind));
		if (candidates.length === 0) {
			const what =
				kind === 'null'
					? tc('MW102.needsValue', { field: fieldName(path), expected: describeExpected(s) })
					: tc('MW102.mustBe', { field: fieldName(path), expected: describeExpected(s), kind: kindName(node) });
			this.report('MW102', what, kind === 'null' && keyRange ? keyRange : range, path);
			return;
		}
		if (candidates.length === 1) {
			this.check(node, candidates[0]!, path, keyRange);
			return;
		}
		// Several branches take this kind of value: valid if any is clean, else report the first branch's errors.
		const trial: ConfigDiagnostic[][] = candidates.map((b) => {
			const sub: ConfigDiagnostic[] = [];
			new Walker(this.cd, sub).check(node, b, path, keyRange);
			return sub;
		});
		if (trial.some((d) => d.length === 0)) return;
		append(this.out, trial[0]!);
	}

	private checkMap(map: YAMLMap<unknown, unknown>, s: S, path: JsonPath, keyRange: Range | undefined, range: Range): void {
		const seen = new Set<string>();
		/** Required keys an unknown key was suggested for: the MW101 fix covers them, MW104 would repeat it. */
		const misspelled = new Set<string>();
		const known = Object.keys(s.properties ?? {});
		// Known keys not written in this map, computed once: per unknown key it made validation
		// quadratic (20k unknown keys took 37 s).
		let absent: string[] | undefined;
		const absentKeys = () => {
			if (!absent) {
				const present = new Set(map.items.map((it) => (isPair(it) && isScalar(it.key) ? String(it.key.value) : undefined)));
				absent = known.filter((k) => !present.has(k));
			}
			return absent;
		};
		for (const item of map.items) {
			if (!isPair(item)) continue;
			const pair = item as Pair<Node, Node | null>;
			const keyNode = this.cd.resolve(pair.key);
			if (!isScalar(keyNode)) {
				this.report('MW102', tc('MW102.plainKeys'), this.cd.nodeRange(keyNode) ?? range, path);
				continue;
			}
			const key = String(keyNode.value);
			seen.add(key);
			const kr = this.cd.nodeRange(keyNode) ?? range;
			const ps = propertySchema(s, key);
			if (!ps) {
				const suggestion = closest(key, absentKeys());
				if (suggestion) misspelled.add(suggestion);
				const where = path.length ? tc('MW101.in', { field: fieldName(path) }) : tc('MW101.top');
				const fixes: Fix[] = suggestion
					? [{ title: tc('fix.replaceKey', { key, value: suggestion }), edits: [{ range: kr, newText: suggestion }], preferred: true }]
					: [];
				const allowed = known.length <= 12 ? tc('MW101.known', { keys: list(known.map((k) => `\`${k}\``)) }) : '';
				this.report(
					'MW101',
					tc('MW101.unknown', { key, where, hint: suggestion ? tc('MW101.didYouMean', { value: suggestion }) : allowed }),
					kr,
					[...path, key],
					fixes,
				);
				continue;
			}
			this.check(pair.value, ps, [...path, key], kr);
		}
		for (const req of (s.required ?? []) as string[]) {
			if (seen.has(req) || misspelled.has(req)) continue;
			const reqSchema = s.properties?.[req] as S | undefined;
			const at = keyRange ?? this.cd.firstLine(range);
			this.report(
				'MW104',
				tc('MW104.missing', {
					field: path.length === 0 ? tc('field.Config') : fieldName(path),
					key: req,
					desc:
						reqSchema && localDescription(reqSchema) && !localDescription(reqSchema)!.includes('$')
							? `: ${firstSentence(localDescription(reqSchema)!)}`
							: '.',
				}),
				at,
				[...path, req],
				this.insertFix(path, req, reqSchema),
			);
		}
	}

	/** A fix that adds `key: <example>` to the map, at the indentation of its keys. */
	private insertFix(path: JsonPath, key: string, s: S | undefined): Fix[] {
		const example = s?.examples?.[0] ?? s?.default ?? (Array.isArray(s?.enum) ? s.enum[0] : undefined);
		if (example === undefined || typeof example === 'object') return [];
		const edit = setValueEdit(this.cd, [...path, key], example);
		return edit ? [{ title: tc('fix.add', { key, value: String(example) }), edits: [edit] }] : [];
	}

	private checkSeq(seq: YAMLSeq<unknown>, s: S, path: JsonPath, range: Range): void {
		const n = seq.items.length;
		const name = fieldName(path);
		if (typeof s.minItems === 'number' && n < s.minItems) {
			this.report(
				'MW106',
				s.minItems === 1 ? tc('MW106.empty', { field: name }) : tc('MW106.atLeast', { field: name, min: s.minItems, n }),
				this.cd.firstLine(range),
				path,
			);
		}
		if (typeof s.maxItems === 'number' && n > s.maxItems) {
			this.report('MW106', tc('MW106.atMost', { field: name, max: s.maxItems, n }), range, path);
		}
		const values = new Map<string, number>();
		seq.items.forEach((item, i) => {
			const is = itemSchema(s, i);
			const itemNode = item as Node | null;
			if (is) this.check(itemNode, is, [...path, i], undefined);
			if (s.uniqueItems) {
				const r = this.cd.resolve(itemNode);
				if (isScalar(r)) {
					const k = JSON.stringify(r.value);
					if (values.has(k))
						this.report('MW106', tc('MW106.twice', { value: JSON.stringify(r.value), field: name }), this.cd.nodeRange(r) ?? range, [
							...path,
							i,
						]);
					values.set(k, i);
				}
			}
		});
	}

	private checkNumber(v: number, s: S, path: JsonPath, range: Range): void {
		const name = fieldName(path);
		if (!Number.isFinite(v)) {
			this.report('MW103', tc('MW103.finite', { field: name }), range, path, this.clampFix(s, range));
			return;
		}
		if (s.type === 'integer' && !Number.isInteger(v)) {
			this.report('MW102', tc('MW102.whole', { field: name, value: v }), range, path, [
				{ title: tc('fix.round', { value: Math.round(v) }), edits: [{ range, newText: String(Math.round(v)) }] },
			]);
			return;
		}
		if (Array.isArray(s.enum) && !s.enum.includes(v)) {
			const allowed = s.enum as number[];
			const near = allowed.reduce((a, b) => (Math.abs(b - v) < Math.abs(a - v) ? b : a));
			this.report('MW103', tc('MW103.oneOf', { field: name, values: allowed.join(tc('MW103.or')), value: v }), range, path, [
				{ title: tc('fix.changeTo', { value: near }), edits: [{ range, newText: String(near) }], preferred: true },
			]);
			return;
		}
		const bad: string[] = [];
		if (typeof s.minimum === 'number' && v < s.minimum) bad.push(`≥ ${s.minimum}`);
		if (typeof s.exclusiveMinimum === 'number' && v <= s.exclusiveMinimum) bad.push(`> ${s.exclusiveMinimum}`);
		if (typeof s.maximum === 'number' && v > s.maximum) bad.push(`≤ ${s.maximum}`);
		if (typeof s.exclusiveMaximum === 'number' && v >= s.exclusiveMaximum) bad.push(`< ${s.exclusiveMaximum}`);
		if (bad.length) {
			const text = localDescription(s);
			const desc = text && !text.includes('$') ? ` ${firstSentence(text)}` : '';
			this.report(
				'MW103',
				tc('MW103.range', { field: name, bounds: bad.join(tc('MW103.and')), value: v, desc }),
				range,
				path,
				this.clampFix(s, range, v),
			);
		}
	}

	/**
	 * The one MW103 fix: the nearest allowed value (an inclusive bound, or a round number just
	 * inside an exclusive one), else the default for a non-finite value.
	 */
	private clampFix(s: S, range: Range, v?: number): Fix[] {
		const target = v === undefined ? (typeof s.default === 'number' ? s.default : undefined) : clampTarget(s, v);
		if (target === undefined) return [];
		return [{ title: tc('fix.changeTo', { value: target }), edits: [{ range, newText: String(target) }], preferred: true }];
	}

	private checkString(v: string, s: S, path: JsonPath, range: Range): void {
		if (Array.isArray(s.enum)) {
			if (!s.enum.includes(v)) this.unknownValue(v, s.enum as string[], String(path[path.length - 1] ?? 'value'), range, path, false);
			return;
		}
		if (s.const !== undefined && s.const !== v) {
			this.report('MW105', tc('MW105.const', { field: fieldName(path), value: String(s.const) }), range, path, [
				{ title: tc('fix.changeTo', { value: String(s.const) }), edits: [{ range, newText: String(s.const) }] },
			]);
			return;
		}
		if (typeof s.minLength === 'number' && v.length < s.minLength)
			this.report('MW107', tc('MW107.empty', { field: fieldName(path) }), range, path);
		else if (typeof s.pattern === 'string' && !new RegExp(s.pattern).test(v))
			this.report(
				'MW107',
				localPatternMessage(s) !== undefined
					? `${fieldName(path)} ${localPatternMessage(s)!}${tc('MW107.end')}`
					: tc('MW107.pattern', { field: fieldName(path), pattern: s.pattern }),
				range,
				path,
			);
	}

	private unknownValue(
		v: string,
		allowed: string[],
		what: string,
		range: Range,
		path: JsonPath,
		missing: boolean,
		also: (suggestion: string) => TextEdit[] = () => [],
	): void {
		const suggestion = missing ? undefined : closest(v, allowed);
		const shown = allowed.length <= 20 ? tc('MW105.allowed', { values: list(allowed.map((a) => `\`${a}\``)) }) : '';
		const hint = suggestion ? tc('MW101.didYouMean', { value: suggestion }) : '';
		const message = missing
			? tc('MW105.needsValue', { what, allowed: shown })
			: what === 'type'
				? tc('MW105.unknownType', { value: v, hint, allowed: shown })
				: tc('MW105.unknownValue', { what, value: v, hint, allowed: shown });
		const fixes: Fix[] = suggestion
			? [
					{
						title: tc('fix.replaceWith', { value: suggestion }),
						edits: [{ range, newText: suggestion }, ...also(suggestion)],
						preferred: true,
					},
				]
			: [];
		this.report('MW105', message, range, path, fixes);
	}
}

function firstSentence(text: string): string {
	const m = /^(.*?[.!?])(\s|$)/.exec(text);
	return m ? m[1]! : text;
}

/** The allowed value nearest to `v` under the schema's bounds, or undefined when `v` is allowed. */
export function clampTarget(s: S, v: number): number | undefined {
	const int = s.type === 'integer';
	if (typeof s.minimum === 'number' && v < s.minimum) return s.minimum;
	if (typeof s.exclusiveMinimum === 'number' && v <= s.exclusiveMinimum)
		return int ? s.exclusiveMinimum + 1 : nudge(s.exclusiveMinimum, +1);
	if (typeof s.maximum === 'number' && v > s.maximum) return s.maximum;
	if (typeof s.exclusiveMaximum === 'number' && v >= s.exclusiveMaximum)
		return int ? s.exclusiveMaximum - 1 : nudge(s.exclusiveMaximum, -1);
	return undefined;
}

/** A round number just inside an exclusive bound (0 → 0.001 up, 1 → 0.999 down). */
function nudge(bound: number, dir: 1 | -1): number {
	const step = bound === 0 ? 0.001 : Math.abs(bound) * 0.001;
	return Number((bound + dir * step).toPrecision(6));
}
