/**
 * One validated snapshot of a document: every feature reads the same validator result,
 * so completion, hover and diagnostics never disagree.
 */
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { validateText, type ValidationResult } from '../../../engine/core/config/validate';
import type { SourceConfig } from '../../../engine/core/config/schema';
import type { ProbeResult } from '../../../engine/core/data/info';
import { configNameFromPath } from '../../../engine/core/facts';

export interface Analysis {
	uri: string;
	version: number;
	text: string;
	result: ValidationResult;
	/** True for `.model.json` files (formatting and edits stay JSON). */
	json: boolean;
}

export type Probe = (source: SourceConfig) => ProbeResult | undefined;

/**
 * @internal tests: a document whose text contains this variable's value makes `analyze` throw, so a
 * test can reach the server's "could not check this file" path (no real input makes the validator throw).
 */
export const FAIL_ANALYSIS_ENV = 'MODELWRIGHT_TEST_FAIL_ANALYSIS';

export function analyze(uri: string, version: number, text: string, probe?: Probe, memoryBudget?: number): Analysis {
	// esbuild defines MODELWRIGHT_PRODUCTION for the VSIX's bundles: the knob is not in a shipped server.
	const failOn = process.env.MODELWRIGHT_PRODUCTION ? undefined : process.env[FAIL_ANALYSIS_ENV];
	if (failOn && text.includes(failOn)) throw new Error(`test failure: the text contains ${JSON.stringify(failOn)}`);
	const result = validateText(text, {
		fallbackName: configNameFromPath(uri),
		...(probe ? { probe } : {}),
		...(memoryBudget ? { memoryBudget } : {}),
	});
	return { uri, version, text, result, json: /\.json$/i.test(uri) };
}

/** Folder of a `file:` URI, or undefined for untitled and other schemes. */
export function configDirOf(uri: string): string | undefined {
	try {
		return uri.startsWith('file:') ? path.dirname(fileURLToPath(uri)) : undefined;
	} catch {
		return undefined;
	}
}

export function fileUri(file: string): string {
	return pathToFileURL(file).toString();
}
