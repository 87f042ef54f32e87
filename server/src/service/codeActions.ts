/**
 * Quick fixes: the validator's own `fixes` as workspace edits (MW103's clamp among them), plus
 * one the server derives from the document: insert the missing `flatten` (MW213).
 */
import { CodeActionKind, type CodeAction, type Diagnostic, type Range } from 'vscode-languageserver-protocol';
import type { ConfigDiagnostic, Fix, TextEdit } from '../../../engine/core/config/diagnostics';
import type { Analysis } from './analysis';
import { applyParamsEdits } from '../../../engine/core/tune/apply';
import { roundParams } from '../../../engine/core/tune/space';
import { formatNumber } from '../../../engine/core/format';
import { findSweeps } from '../../../engine/io/sweeps';
import { fileURLToPath } from 'node:url';
import { tc } from '../../../engine/core/config/messages';
import { ts } from './messages';

const overlaps = (a: Range, b: Range) =>
	!(
		a.end.line < b.start.line ||
		(a.end.line === b.start.line && a.end.character < b.start.character) ||
		b.end.line < a.start.line ||
		(b.end.line === a.start.line && b.end.character < a.start.character)
	);

const sameRange = (a: Range, b: Range) =>
	a.start.line === b.start.line &&
	a.start.character === b.start.character &&
	a.end.line === b.end.line &&
	a.end.character === b.end.character;

export function codeActions(a: Analysis, range: Range, context: { diagnostics: Diagnostic[]; only?: string[] }): CodeAction[] {
	if (context.only?.length && !context.only.some((k) => k === CodeActionKind.QuickFix || CodeActionKind.QuickFix.startsWith(k))) return [];
	const out: CodeAction[] = [];
	for (const d of a.result.diagnostics) {
		if (!overlaps(d.range, range)) continue;
		const lsp = context.diagnostics.find((x) => x.code === d.code && sameRange(x.range, d.range));
		if (context.diagnostics.length && !lsp) continue;
		for (const f of [...(d.fixes ?? []), ...derivedFixes(a, d)]) {
			out.push({
				title: f.title,
				kind: CodeActionKind.QuickFix,
				...(lsp ? { diagnostics: [lsp] } : {}),
				...(f.preferred ? { isPreferred: true } : {}),
				edit: { changes: { [a.uri]: f.edits.map((e) => ({ range: e.range, newText: e.newText })) } },
			});
		}
	}
	out.push(...applyBestActions(a, range, context.only));
	return out;
}

/** "Apply best trial": on the `tuning` section of a config that has a finished sweep. */
export function applyBestActions(a: Analysis, range: Range, only?: string[]): CodeAction[] {
	if (only?.length && !only.some((k) => CodeActionKind.RefactorRewrite.startsWith(k) || k.startsWith(CodeActionKind.Refactor))) return [];
	const cd = a.result.document;
	const tuning = cd.pair(cd.root, 'tuning');
	if (!tuning?.key?.range || !a.uri.startsWith('file:')) return [];
	const section = cd.range(tuning.key.range[0], tuning.value?.range?.[1] ?? tuning.key.range[1]);
	if (!overlaps(section, range)) return [];
	const best = findSweeps(fileURLToPath(a.uri)).find((s) => s.state.best);
	if (!best?.state.best) return [];
	let edits: TextEdit[];
	try {
		edits = applyParamsEdits(cd.text, roundParams(best.state.best.params));
	} catch {
		return [];
	}
	const { metric } = best.state.objective;
	return [
		{
			title: ts('applyBest', { n: best.state.best.number, sweep: best.state.id, metric, score: formatNumber(best.state.best.score) }),
			kind: CodeActionKind.RefactorRewrite,
			edit: { changes: { [a.uri]: edits.map((e) => ({ range: e.range, newText: e.newText })) } },
		},
	];
}

export function derivedFixes(a: Analysis, d: ConfigDiagnostic): Fix[] {
	const cd = a.result.document;
	if (d.code === 'MW213' && d.path && d.path[0] === 'model' && d.path[1] === 'layers' && typeof d.path[2] === 'number') {
		const item = cd.nodeAt(d.path.slice(0, 3));
		if (!item?.range) return [];
		// Insert a new list item on its own line, at the dash's column, before the dense layer.
		const dash = cd.text.lastIndexOf('-', item.range[0]);
		const lineStart = cd.text.lastIndexOf('\n', dash) + 1;
		if (dash < lineStart || cd.text.slice(lineStart, dash).trim() !== '') return [];
		const indent = cd.text.slice(lineStart, dash);
		const pos = cd.positionAt(lineStart);
		const edit: TextEdit = { range: { start: pos, end: pos }, newText: `${indent}- type: flatten\n` };
		return [{ title: tc('fix.insertFlatten'), edits: [edit], preferred: true }];
	}
	return [];
}
