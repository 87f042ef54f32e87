/**
 * Caret-marked fixtures: an annotation comment under a line marks the expected range and code.
 *   `#   ^^^^^ MW101`     carets under the previous (non-annotation) line, same columns
 *   `#@ 3:0-3:4 MW104`    an explicit 0-based range, for column 0 or whole-document ranges
 * Annotations are YAML comments, so the fixture stays a valid config apart from its planted errors.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Range } from '../../engine/core/config/diagnostics';

export interface Expected {
	code: string;
	range: Range;
	line: number;
}

export function readExpectations(text: string): Expected[] {
	const lines = text.split('\n');
	const out: Expected[] = [];
	let target = -1;
	lines.forEach((line, i) => {
		const explicit = /^#@\s+(\d+):(\d+)-(\d+):(\d+)\s+(MW\d{3})\s*$/.exec(line);
		const caret = /^#(\s*)(\^+)\s+(MW\d{3})\s*$/.exec(line);
		if (explicit) {
			const [, sl, sc, el, ec, code] = explicit;
			out.push({ code: code!, line: i + 1, range: { start: { line: +sl!, character: +sc! }, end: { line: +el!, character: +ec! } } });
		} else if (caret) {
			const start = 1 + caret[1]!.length;
			out.push({
				code: caret[3]!,
				line: i + 1,
				range: { start: { line: target, character: start }, end: { line: target, character: start + caret[2]!.length } },
			});
		} else target = i;
	});
	return out;
}

export const FIXTURES = path.join(__dirname, '..', 'fixtures');

export function listConfigs(dir: string): string[] {
	const out: string[] = [];
	for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
		const p = path.join(dir, e.name);
		if (e.isDirectory()) out.push(...listConfigs(p));
		else if (/\.model\.(ya?ml|json)$/.test(e.name)) out.push(p);
	}
	return out.sort();
}

export const fmtRange = (r: Range) => `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;

/** Applies LSP-style edits (non-overlapping) to a text. */
export function applyEdits(text: string, edits: { range: Range; newText: string }[]): string {
	const lineStarts = [0];
	for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
	const off = (p: { line: number; character: number }) => (lineStarts[p.line] ?? text.length) + p.character;
	const sorted = [...edits].sort((a, b) => off(b.range.start) - off(a.range.start));
	let out = text;
	for (const e of sorted) out = out.slice(0, off(e.range.start)) + e.newText + out.slice(off(e.range.end));
	return out;
}
