/**
 * Modelwright's custom LSP messages, declared once: the server implements them and the
 * VS Code client imports this module (esbuild bundles it into both).
 */
import { MessageDirection, RequestType } from 'vscode-languageserver-protocol';
import type { Range } from 'vscode-languageserver-protocol';
import type { JsonPath } from '../../engine/core/config/diagnostics';
import type { ArchitectureView } from '../../webviews/protocol';

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

export interface ArchitectureResult {
	/** Document version the view was built from: an older one than the editor's is stale. */
	version: number;
	model: ArchitectureView;
	/** The range of each `model.layers` entry, by index: cursor highlight and click-to-reveal. */
	layerRanges: Range[];
	/** The range of each `model.inputs` entry, by index (absent without named inputs). */
	inputRanges?: Range[];
}

/**
 * The architecture panel's view of a document, from the analysis the server already holds (null
 * when the text is not yet a config with layers). Answered once the data files it names are read.
 */
export namespace ArchitectureRequest {
	export const method: 'modelwright/architecture' = 'modelwright/architecture';
	export const messageDirection: MessageDirection = MessageDirection.clientToServer;
	export const type = new RequestType<DocumentParams, ArchitectureResult | null, void>(method);
}

export type { JsonPath };
