/**
 * Formatting that cannot lose anything: the `yaml` package re-prints the document with its
 * comments and blank lines, and the result is used only if it parses back to the same value
 * and keeps every comment. JSON configs are re-printed as JSON.
 */
import { parseDocument } from 'yaml';
import { isDeepStrictEqual } from 'node:util';
import type { FormattingOptions, TextEdit } from 'vscode-languageserver-protocol';
import type { Analysis } from './analysis';

export function format(a: Analysis, options: FormattingOptions): TextEdit[] {
	const cd = a.result.document;
	if (cd.syntaxDiagnostics.length || cd.value === undefined) return [];
	const indent = Math.max(1, Math.min(8, options.tabSize || 2));
	let out: string;
	if (a.json) {
		out = `${JSON.stringify(cd.value, null, options.insertSpaces === false ? '\t' : indent)}\n`;
	} else {
		// A fresh parse: the shared AST must not be mutated, and toString needs the source document.
		const doc = parseDocument(cd.text, { keepSourceTokens: false });
		out = doc.toString({ indent, indentSeq: true, lineWidth: 0, flowCollectionPadding: false });
		const back = parseDocument(out);
		if (back.errors.length || !isDeepStrictEqual(back.toJS(), doc.toJS()) || comments(out) !== comments(cd.text)) return [];
	}
	if (options.trimFinalNewlines !== false) out = out.replace(/\n+$/, '\n');
	if (out === cd.text) return [];
	return [{ range: cd.range(0, cd.text.length), newText: out }];
}

/** The comment texts in order (a formatter that drops or moves one is rejected). */
function comments(text: string): string {
	return text
		.split('\n')
		.map((l) => /(?:^|\s)(#.*)$/.exec(l)?.[1]?.trim() ?? '')
		.filter(Boolean)
		.join('\n');
}
