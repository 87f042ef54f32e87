/** Document links and go-to-definition for data file paths (csv/json sources). */
import * as path from 'node:path';
import type { DocumentLink, Location, Position } from 'vscode-languageserver-protocol';
import type { Analysis } from './analysis';
import { configDirOf, fileUri } from './analysis';

interface DataPath {
	file: string;
	range: DocumentLink['range'];
}

/** The data file the config names, with the range of its path text. */
export function dataPath(a: Analysis): DataPath | undefined {
	const cd = a.result.document;
	const type = cd.nodeAt(['data', 'source', 'type']);
	const node = cd.nodeAt(['data', 'source', 'path']);
	const t = type && 'value' in type ? (type as { value: unknown }).value : undefined;
	const p = node && 'value' in node ? (node as { value: unknown }).value : undefined;
	const dir = configDirOf(a.uri);
	if ((t !== 'csv' && t !== 'json') || typeof p !== 'string' || !p || !dir || !node?.range) return undefined;
	let [start, end] = node.range;
	// Link the path, not its quotes.
	if (/["']/.test(cd.text[start]!)) {
		start++;
		end--;
	}
	return { file: path.resolve(dir, p), range: cd.range(start, end) };
}

export function documentLinks(a: Analysis): DocumentLink[] {
	const d = dataPath(a);
	return d ? [{ range: d.range, target: fileUri(d.file), tooltip: `Open ${path.basename(d.file)}` }] : [];
}

export function definition(a: Analysis, pos: Position): Location | null {
	const d = dataPath(a);
	if (!d) return null;
	const cd = a.result.document;
	const o = cd.offsetAt(pos);
	if (o < cd.offsetAt(d.range.start) || o > cd.offsetAt(d.range.end)) return null;
	return { uri: fileUri(d.file), range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } };
}
