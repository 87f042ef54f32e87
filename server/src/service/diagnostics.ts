/** Validator diagnostics → LSP diagnostics, with the user's severity overrides and limits applied. */
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-protocol';
import { DIAGNOSTIC_CODES, type ConfigDiagnostic, type Severity } from '../../../engine/core/config/diagnostics';
import type { ModelwrightSettings } from '../settings';
import type { Analysis } from './analysis';

export const SOURCE = 'modelwright';
/**
 * Where the code explanations live (docs/config.md, generated from DIAGNOSTIC_CODES). The server
 * passes the file URL of the copy shipped beside it, so the link works offline.
 */
export const DOCS_BASE = 'https://modelwright.dev/docs/config.md';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
	error: DiagnosticSeverity.Error,
	warning: DiagnosticSeverity.Warning,
	info: DiagnosticSeverity.Information,
	hint: DiagnosticSeverity.Hint,
};

/** Syntax and schema codes (MW0xx, MW1xx) are never switched off by `lints: false`. */
export const isLint = (code: string) => /^MW2/.test(code);

export function effectiveSeverity(d: ConfigDiagnostic, settings: ModelwrightSettings): Severity | undefined {
	const o = settings.severity[d.code];
	if (o === 'off') return undefined;
	if (!settings.lints && isLint(d.code) && o === undefined) return undefined;
	return o ?? d.severity;
}

export function toLspDiagnostic(d: ConfigDiagnostic, severity: Severity, uri: string, docsBase = DOCS_BASE): Diagnostic {
	const out: Diagnostic = {
		range: d.range,
		severity: SEVERITY[severity],
		code: d.code,
		source: SOURCE,
		message: d.message,
		codeDescription: { href: `${docsBase}#${d.code.toLowerCase()}` },
	};
	if (d.related?.length) out.relatedInformation = d.related.map((r) => ({ location: { uri, range: r.range }, message: r.message }));
	if (d.fixes?.length) out.data = { fixes: d.fixes.length };
	return out;
}

export function diagnostics(a: Analysis, settings: ModelwrightSettings, docsBase = DOCS_BASE): Diagnostic[] {
	const out: Diagnostic[] = [];
	for (const d of a.result.diagnostics) {
		if (out.length >= settings.maxNumberOfProblems) break;
		const sev = effectiveSeverity(d, settings);
		if (sev) out.push(toLspDiagnostic(d, sev, a.uri, docsBase));
	}
	return out;
}

export function codeTitle(code: string): string | undefined {
	return (DIAGNOSTIC_CODES as Record<string, { title: string }>)[code]?.title;
}
