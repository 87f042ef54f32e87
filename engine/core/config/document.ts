/**
 * A parsed config document that keeps exact source ranges. JSON is YAML, so the `yaml`
 * package's AST serves `.model.json` too. Everything that needs a position (validator,
 * language server, CLI) goes through this wrapper.
 */
import { Document, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair, type ParsedNode } from 'yaml';
import { makeDiagnostic, type ConfigDiagnostic, type JsonPath, type Position, type Range } from './diagnostics';
import { append } from '../arrays';
import { tc } from './messages';
import { yamlErrorMessage } from './yamlMessages';

/** Alias expansion budget: beyond this a document is treated as an alias bomb (MW003). */
export const MAX_ALIAS_COUNT = 200;

/**
 * Deeper flow nesting is refused before parsing: the yaml parser recurses per level and, near
 * the stack limit, can take the process down. No real config comes close.
 */
export const MAX_FLOW_DEPTH = 100;

/** Offset where `[`/`{` nesting first exceeds `max` (quotes and comments skipped), or -1. */
export function excessiveNesting(text: string, max = MAX_FLOW_DEPTH): number {
	let depth = 0;
	let quote: string | undefined;
	for (let i = 0; i < text.length; i++) {
		const c = text[i]!;
		if (quote) {
			if (c === '\\' && quote === '"') i++;
			else if (c === quote || c === '\n') quote = undefined;
		} else if (c === '"' || c === "'") quote = c;
		else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
			const nl = text.indexOf('\n', i);
			if (nl < 0) break;
			i = nl;
		} else if (c === '[' || c === '{') {
			if (++depth > max) return i;
		} else if ((c === ']' || c === '}') && depth > 0) depth--;
	}
	return -1;
}

export class ConfigDocument {
	readonly doc: Document.Parsed;
	readonly lineCounter = new LineCounter();
	readonly syntaxDiagnostics: ConfigDiagnostic[] = [];
	/** The plain value (undefined when the document could not be converted). */
	readonly value: unknown;

	constructor(readonly text: string) {
		const tooDeep = excessiveNesting(text);
		this.doc = parseDocument(tooDeep >= 0 ? '' : text, {
			lineCounter: this.lineCounter,
			prettyErrors: false,
			uniqueKeys: false,
			keepSourceTokens: false,
			strict: true,
			logLevel: 'error',
		});
		for (const e of this.doc.errors) {
			const [from, to] = e.pos;
			this.syntaxDiagnostics.push(
				makeDiagnostic('MW001', yamlErrorMessage(e.code, cleanYamlMessage(e.message)), this.range(from, Math.max(to, from + 1))),
			);
		}
		append(this.syntaxDiagnostics, this.duplicateKeys());
		if (tooDeep >= 0) {
			// The parser did not see the text, so it did not count its lines: do it here.
			for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.lineCounter.addNewLine(i + 1);
			this.syntaxDiagnostics.push(makeDiagnostic('MW001', tc('MW001.nesting', { max: MAX_FLOW_DEPTH }), this.range(tooDeep, tooDeep + 1)));
			this.value = undefined;
			return;
		}
		let value: unknown;
		try {
			value = this.doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
		} catch (err) {
			const message =
				err instanceof Error && /alias/i.test(err.message) && !/^Unresolved alias/.test(err.message)
					? tc('MW003.aliases', { max: MAX_ALIAS_COUNT })
					: tc('MW003.unreadable', { error: yamlErrorMessage('BAD_ALIAS', err instanceof Error ? err.message : String(err)) });
			this.syntaxDiagnostics.push(makeDiagnostic('MW003', message, this.range(0, Math.min(text.length, 1))));
		}
		this.value = value;
	}

	/**
	 * MW002 for every repeated key, found with one set per map. The parser's own check
	 * (`uniqueKeys`) compares each key with every earlier one: 20k keys took seconds.
	 */
	private duplicateKeys(): ConfigDiagnostic[] {
		const out: ConfigDiagnostic[] = [];
		const stack: unknown[] = [this.doc.contents];
		while (stack.length) {
			const node = stack.pop();
			if (isMap(node)) {
				const seen = new Set<string>();
				for (const item of node.items) {
					if (isScalar(item.key)) {
						const k = String(item.key.value);
						if (seen.has(k) && item.key.range)
							out.push(makeDiagnostic('MW002', tc('MW002'), this.range(item.key.range[0], item.key.range[1])));
						seen.add(k);
					}
					stack.push(item.value);
				}
			} else if (isSeq(node)) for (const item of node.items) stack.push(item);
		}
		return out.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
	}

	positionAt(offset: number): Position {
		const o = Math.max(0, Math.min(offset, this.text.length));
		const { line, col } = this.lineCounter.linePos(o);
		return { line: line - 1, character: col - 1 };
	}

	offsetAt(pos: Position): number {
		const starts = this.lineCounter.lineStarts;
		if (pos.line >= starts.length) return this.text.length;
		const start = starts[Math.max(0, pos.line)] ?? 0;
		const next = starts[pos.line + 1] ?? this.text.length + 1;
		return Math.min(start + pos.character, next - 1, this.text.length);
	}

	range(from: number, to: number): Range {
		return { start: this.positionAt(from), end: this.positionAt(to) };
	}

	/** Range of a node's value (without trailing comments or newline). */
	nodeRange(node: Node | null | undefined): Range | undefined {
		const r = node?.range;
		if (!r) return undefined;
		return this.range(r[0], Math.max(r[1], r[0]));
	}

	get root(): ParsedNode | null {
		return this.doc.contents;
	}

	resolve(node: unknown): Node | null {
		let n = node as Node | null;
		for (let i = 0; i < 10 && n && isAlias(n); i++) n = n.resolve(this.doc) ?? null;
		return n ?? null;
	}

	/** The pair holding `key` in a map node, if any. */
	pair(map: unknown, key: string): Pair<Node, Node | null> | undefined {
		const m = this.resolve(map);
		if (!isMap(m)) return undefined;
		for (const item of m.items) {
			if (isPair(item) && isScalar(item.key) && String(item.key.value) === key) return item as Pair<Node, Node | null>;
		}
		return undefined;
	}

	/** The value node at a JSON path. */
	nodeAt(path: JsonPath): Node | null {
		let node: Node | null = this.root;
		for (const seg of path) {
			node = this.resolve(node);
			if (typeof seg === 'number') {
				if (!isSeq(node)) return null;
				node = (node.items[seg] as Node | undefined) ?? null;
			} else {
				const p = this.pair(node, seg);
				if (!p) return null;
				node = p.value;
			}
		}
		return this.resolve(node);
	}

	/**
	 * Best range for a diagnostic about `path`: the key for `which: 'key'`, else the value,
	 * falling back to the nearest existing ancestor's key so nothing is reported at 0:0 by accident.
	 */
	rangeAt(path: JsonPath, which: 'key' | 'value' = 'value'): Range {
		for (let n = path.length; n >= 0; n--) {
			const sub = path.slice(0, n);
			const last = sub[sub.length - 1];
			if (typeof last === 'string') {
				const p = this.pair(this.nodeAt(sub.slice(0, -1)), last);
				if (p) {
					if (which === 'key' || n < path.length || !p.value || !p.value.range) return this.nodeRange(p.key) ?? this.whole();
					return this.nodeRange(p.value) ?? this.whole();
				}
			} else {
				const node = this.nodeAt(sub);
				const r = this.nodeRange(node);
				if (r) return which === 'key' && n === path.length ? this.firstLine(r) : r;
			}
		}
		return this.whole();
	}

	/** Just the first line of a range (long maps should not be underlined whole). */
	firstLine(r: Range): Range {
		if (r.end.line === r.start.line) return r;
		const lineEnd = this.offsetAt({ line: r.start.line + 1, character: 0 }) - 1;
		return { start: r.start, end: this.positionAt(Math.max(lineEnd, this.offsetAt(r.start))) };
	}

	whole(): Range {
		const firstLineEnd = this.text.indexOf('\n');
		return this.range(0, firstLineEnd < 0 ? this.text.length : firstLineEnd);
	}

	/** Indentation (in spaces) of the line holding `offset`. */
	indentAt(offset: number): number {
		const lineStart = this.text.lastIndexOf('\n', offset - 1) + 1;
		let i = lineStart;
		while (this.text[i] === ' ') i++;
		return i - lineStart;
	}
}

function cleanYamlMessage(message: string): string {
	// The yaml package appends " at line L, column C" and a code frame; the range says that already.
	return message
		.split('\n')[0]!
		.replace(/ at line \d+, column \d+:?$/, '')
		.trim();
}
