/** Caret-marked fixtures for the service tests: `|` marks the cursor (the text must hold exactly one). */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Position } from 'vscode-languageserver-protocol';
import { analyze, type Analysis, type Probe } from '../../../server/src/service/analysis';

export const FIXTURES = path.join(__dirname, '..', '..', 'fixtures');
export const EXAMPLES = path.join(__dirname, '..', '..', '..', 'examples');

export interface Caret {
	text: string;
	offset: number;
	position: Position;
	analysis: Analysis;
}

export function uriOf(file: string): string {
	return pathToFileURL(file).toString();
}

export function caret(marked: string, opts: { uri?: string; probe?: Probe } = {}): Caret {
	const offset = marked.indexOf('|');
	if (offset < 0 || marked.indexOf('|', offset + 1) >= 0) throw new Error('fixture needs exactly one | caret');
	const text = marked.slice(0, offset) + marked.slice(offset + 1);
	const analysis = analyze(opts.uri ?? uriOf(path.join(FIXTURES, 'test.model.yaml')), 1, text, opts.probe);
	return { text, offset, position: analysis.result.document.positionAt(offset), analysis };
}

export function doc(text: string, opts: { uri?: string; probe?: Probe } = {}): Analysis {
	return analyze(opts.uri ?? uriOf(path.join(FIXTURES, 'test.model.yaml')), 1, text, opts.probe);
}

/** Applies LSP text edits (non-overlapping) to a text. */
export function applyEdits(text: string, a: Analysis, edits: { range: { start: Position; end: Position }; newText: string }[]): string {
	const cd = a.result.document;
	const sorted = [...edits].sort((x, y) => cd.offsetAt(y.range.start) - cd.offsetAt(x.range.start));
	let out = text;
	for (const e of sorted) out = out.slice(0, cd.offsetAt(e.range.start)) + e.newText + out.slice(cd.offsetAt(e.range.end));
	return out;
}
