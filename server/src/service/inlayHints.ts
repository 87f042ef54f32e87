/** Inlay hints: each layer's output shape and parameter count, and the model's total. */
import { InlayHintKind, type InlayHint, type Range } from 'vscode-languageserver-protocol';
import { formatShape } from '../../../engine/core/shapes/infer';
import type { ConfigDocument } from '../../../engine/core/config/document';
import type { Analysis } from './analysis';
import { formatCount, modelTotalShown } from './hover';
import { ts } from './messages';

export function layerHintLabel(outputShape: (number | null)[] | undefined, params: number | undefined): string {
	return `→ ${formatShape(outputShape)}${params !== undefined ? ` · ${ts('params', { n: formatCount(params) })}` : ''}`;
}

export function inlayHints(a: Analysis, range?: Range): InlayHint[] {
	const shapes = a.result.shapes;
	if (!shapes) return [];
	const cd = a.result.document;
	const out: InlayHint[] = [];
	const inRange = (line: number) => !range || (line >= range.start.line && line <= range.end.line);
	for (const l of shapes.layers) {
		if (l.issue || !l.outputShape) continue;
		const node = cd.nodeAt(['model', 'layers', l.index]);
		if (!node?.range) continue;
		const pos = endOfLine(cd, node.range[0]);
		if (!inRange(pos.line)) continue;
		const params = l.trainableParams !== undefined ? l.trainableParams + (l.nonTrainableParams ?? 0) : undefined;
		out.push({
			position: pos,
			label: layerHintLabel(l.outputShape, params),
			kind: InlayHintKind.Type,
			paddingLeft: true,
			tooltip: ts('layerInput', { name: l.name, shape: formatShape(l.inputShape) }),
		});
	}
	const model = cd.pair(cd.root, 'model');
	if (model?.key?.range && shapes.totalParams !== undefined && modelTotalShown(a)) {
		const pos = endOfLine(cd, model.key.range[0]);
		if (inRange(pos.line))
			out.push({
				position: pos,
				label: ts('paramsTotal', { n: formatCount(shapes.totalParams) }),
				kind: InlayHintKind.Type,
				paddingLeft: true,
			});
	}
	return out;
}

/** End of the line holding `offset`, before a trailing comment and whitespace. */
export function endOfLine(cd: ConfigDocument, offset: number) {
	const text = cd.text;
	let end = text.indexOf('\n', offset);
	if (end < 0) end = text.length;
	let line = text.slice(offset, end).replace(/\r$/, '');
	const hash = line.search(/\s#/);
	if (hash >= 0) line = line.slice(0, hash);
	return cd.positionAt(offset + line.trimEnd().length);
}
