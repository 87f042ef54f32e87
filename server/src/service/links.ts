/** Document links and go-to-definition for data file paths (csv/json sources), and from a `from` name to its layer. */
import * as path from 'node:path';
import type { DocumentLink, Location, Position } from 'vscode-languageserver-protocol';
import type { Analysis } from './analysis';
import { configDirOf, fileUri } from './analysis';
import { defaultLayerNames } from '../../../engine/core/shapes/infer';

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

/** The layer a name in some layer's `from` refers to (the name's `name:` value, or the layer's `type:` for a default name). */
function fromDefinition(a: Analysis, offset: number): Location | null {
	const cd = a.result.document;
	const raw = (cd.value as { model?: { layers?: unknown } } | null)?.model?.layers;
	if (!Array.isArray(raw)) return null;
	const layers = raw.map((l) => (l && typeof l === 'object' ? (l as { type?: unknown; name?: unknown; from?: unknown }) : {}));
	const names = defaultLayerNames(layers.map((l) => ({ type: String(l.type), ...(typeof l.name === 'string' ? { name: l.name } : {}) })));
	for (let i = 0; i < layers.length; i++) {
		const from = layers[i]!.from;
		const refs = typeof from === 'string' ? [['from']] : Array.isArray(from) ? from.map((_, k) => ['from', k]) : [];
		for (const ref of refs) {
			const node = cd.nodeAt(['model', 'layers', i, ...ref]);
			const v = node && 'value' in node ? (node as { value: unknown }).value : undefined;
			if (typeof v !== 'string' || !node?.range || offset < node.range[0] || offset > node.range[1]) continue;
			const j = names.indexOf(v);
			if (j < 0) {
				// A named input of `model.inputs`: its `name:`.
				const inputs = (cd.value as { model?: { inputs?: unknown } } | null)?.model?.inputs;
				const k = Array.isArray(inputs) ? inputs.findIndex((inp) => (inp as { name?: unknown } | null)?.name === v) : -1;
				return k < 0 ? null : { uri: a.uri, range: cd.rangeAt(['model', 'inputs', k, 'name']) };
			}
			const target = layers[j]!.name !== undefined ? ['name'] : ['type'];
			return { uri: a.uri, range: cd.rangeAt(['model', 'layers', j, ...target]) };
		}
	}
	return null;
}

export function definition(a: Analysis, pos: Position): Location | null {
	const cd = a.result.document;
	const o = cd.offsetAt(pos);
	const layer = fromDefinition(a, o);
	if (layer) return layer;
	const d = dataPath(a);
	if (!d) return null;
	if (o < cd.offsetAt(d.range.start) || o > cd.offsetAt(d.range.end)) return null;
	return { uri: fileUri(d.file), range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } };
}
