/**
 * Modelwright's custom LSP messages, declared once: the server implements them and the
 * VS Code client imports this module (esbuild bundles it into both).
 */
import { MessageDirection, RequestType } from 'vscode-languageserver-protocol';
import type { Range } from 'vscode-languageserver-protocol';
import type { JsonPath } from '../../engine/core/config/diagnostics';

export type { ModelwrightSettings, SeverityOverride } from './settings';
export { DEFAULT_SETTINGS, SETTINGS_SECTION } from './settings';

export type LensKind = 'train' | 'tune' | 'architecture';

export interface LensData {
	kind: LensKind;
	range: Range;
	/** A title the server computes (e.g. `Tune: 36 trials × 5 folds`); the client adds the command. */
	title?: string;
}

export interface DocumentParams {
	textDocument: { uri: string };
}

/** Where the client should place its Train / Tune / Show architecture lenses. */
export namespace CodeLensesRequest {
	export const method: 'modelwright/codeLenses' = 'modelwright/codeLenses';
	export const messageDirection: MessageDirection = MessageDirection.clientToServer;
	export const type = new RequestType<DocumentParams, LensData[], void>(method);
}

export interface LayerShape {
	index: number;
	type: string;
	name: string;
	/** Formatted like `[null, 64]`; `?` when unknown. */
	outputShape: string;
	params?: number;
	/** The layer's range in the config, for "click back to the line". */
	range: Range;
	issue?: string;
}

export interface ShapesResult {
	/** Document version the shapes were computed from. */
	version: number;
	inputShape?: string;
	layers: LayerShape[];
	totalParams?: number;
	trainableParams?: number;
}

/** The layer stack with shapes for the architecture panel (null when the config has no model yet). */
export namespace ShapesRequest {
	export const method: 'modelwright/shapes' = 'modelwright/shapes';
	export const messageDirection: MessageDirection = MessageDirection.clientToServer;
	export const type = new RequestType<DocumentParams, ShapesResult | null, void>(method);
}

export type { JsonPath };
