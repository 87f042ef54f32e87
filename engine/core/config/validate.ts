/**
 * The validator: document text → parsed config, diagnostics with exact ranges, shapes.
 * Pure and synchronous (file facts come in through `probe`), shared by the CLI, the engine
 * (which refuses configs with errors) and the language server.
 */
import { ConfigDocument } from './document';
import type { ConfigDiagnostic, JsonPath } from './diagnostics';
import { resolveConfig, type ResolvedConfig } from './resolve';
import { ConfigSchema } from './schema';
import { checkSchema } from './schemaCheck';
import { semanticChecks, type DataSummary, type SemanticOptions } from './semantic';

import type { ModelShapeInfo } from '../shapes/infer';
import { append } from '../arrays';

export interface ValidateOptions extends SemanticOptions {
	/** Used as the model name when the config has none (usually the file name without `.model.yaml`). */
	fallbackName?: string;
}

export interface ValidationResult {
	document: ConfigDocument;
	diagnostics: ConfigDiagnostic[];
	/** Defaults filled in; present when the text parsed into a map (even with schema errors elsewhere). */
	resolved?: ResolvedConfig;
	shapes?: ModelShapeInfo;
	data?: DataSummary;
	/** True when there is no error-severity diagnostic: the engine may run this config. */
	ok: boolean;
}

export function validateText(text: string, options: ValidateOptions = {}): ValidationResult {
	const document = new ConfigDocument(text);
	const diagnostics = [...document.syntaxDiagnostics];
	let resolved: ResolvedConfig | undefined;
	let shapes: ModelShapeInfo | undefined;
	let data: DataSummary | undefined;
	if (!diagnostics.some((d) => d.code === 'MW001' || d.code === 'MW003')) {
		const schemaDiags = checkSchema(document, ConfigSchema);
		append(diagnostics, schemaDiags);
		const v = document.value;
		if (v && typeof v === 'object' && !Array.isArray(v)) {
			const invalid: JsonPath[] = schemaDiags.map((d) => d.path ?? []).filter((p) => p.length > 0);
			if (schemaDiags.some((d) => !d.path || d.path.length === 0)) invalid.push([]);
			try {
				resolved = resolveConfig(v, options.fallbackName);
				if (!invalid.some((p) => p.length === 0)) {
					const sem = semanticChecks(document, resolved, invalid, options);
					append(diagnostics, sem.diagnostics);
					shapes = sem.shapes;
					data = sem.data;
				}
			} catch (err) {
				// A semantic check must never take the validator down; the schema errors already explain the document.
				if (!schemaDiags.length) throw err;
			}
		}
	}
	diagnostics.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
	return {
		document,
		diagnostics,
		ok: !diagnostics.some((d) => d.severity === 'error'),
		...(resolved ? { resolved } : {}),
		...(shapes ? { shapes } : {}),
		...(data ? { data } : {}),
	};
}
