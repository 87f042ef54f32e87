/**
 * Messages between the panel hosts (client/, Node) and the panel pages (webviews/, browser),
 * declared once and imported by both ends (GitLens `protocol.ts` / LSP style). Each message is a
 * namespace with a literal `method`, its `Params`, its direction and a `type` token; a message on
 * the wire is `{ method, params }`. No `vscode` import and no DOM use: plain types only.
 *
 * Flow: the page posts `ready` once it listens; the host answers with the panel's `…/init`,
 * `…/update` or `…/show` notification, then streams further notifications. Values that are not
 * finite (NaN, ±Infinity) are sent as `null` so fixtures and run files stay valid JSON.
 */

export type MessageDirection = 'hostToPage' | 'pageToHost';

/** A type token: carries the method and the params type (the `params` field is never set). */
export interface MessageType<M extends string, P, D extends MessageDirection> {
	readonly method: M;
	readonly direction: D;
	readonly params?: P;
}
export type NotificationType<M extends string, P> = MessageType<M, P, 'hostToPage'>;
export type CommandType<M extends string, P> = MessageType<M, P, 'pageToHost'>;

export interface Message<M extends string = string, P = unknown> {
	method: M;
	params: P;
}

/** Builds a message of `type`; `params` is checked against the type's params. */
export function message<M extends string, P, D extends MessageDirection>(type: MessageType<M, P, D>, params: P): Message<M, P> {
	return { method: type.method, params };
}

/** Narrows an incoming message to `type` (GitLens `onIpc`). */
export function isMessage<M extends string, P, D extends MessageDirection>(type: MessageType<M, P, D>, msg: unknown): msg is Message<M, P> {
	return typeof msg === 'object' && msg !== null && (msg as { method?: unknown }).method === type.method;
}

const notification =
	<P>() =>
	<M extends string>(method: M): NotificationType<M, P> => ({ method, direction: 'hostToPage' });
const command =
	<P>() =>
	<M extends string>(method: M): CommandType<M, P> => ({ method, direction: 'pageToHost' });

// ─── View models ────────────────────────────────────────────────────────────────────────────

export type PanelKind = 'curves' | 'architecture' | 'evaluation' | 'compare' | 'tuning';

export type RunStatus = 'running' | 'completed' | 'stopped' | 'failed' | 'cancelled' | 'killed';

/** What the legend and tooltips show about a run; no series data. */
export interface RunMeta {
	id: string;
	name: string;
	status: RunStatus;
	/** Epoch whose weights were kept (early stopping `restoreBestWeights`, or best checkpoint). */
	bestEpoch?: number;
	/** Planned epochs, for the x range while a run is live. */
	totalEpochs?: number;
	/** Why it stopped or failed, one line. */
	message?: string;
	startedAt?: string;
}

/**
 * One run's logged series, columnar: `epochs[i]` is the epoch of `series[key][i]` for every key
 * (`loss`, `val_loss`, metrics, `val_` metrics, `lr`). A key missing at an epoch is `null` there.
 */
export interface RunSeries extends RunMeta {
	epochs: number[];
	series: Record<string, (number | null)[]>;
	/** Optional per-batch training loss; x is `epoch - 1 + batch / batches`. */
	batches?: BatchPoint[];
}

export interface BatchPoint {
	epoch: number;
	batch: number;
	batches: number;
	loss: number | null;
}

/** One epoch-end event, as the engine's `job/epochEnd` reports it. */
export interface EpochPoint {
	epoch: number;
	logs: Record<string, number | null>;
}

/** A tensor shape with the batch dimension first (`null` = unknown/batch). */
export type Shape = (number | null)[];

export type LayerFamily =
	'core' | 'convolution' | 'pooling' | 'normalization' | 'regularization' | 'activation' | 'reshape' | 'recurrent' | 'other';

export interface LayerDiagnostic {
	severity: 'error' | 'warning' | 'info';
	message: string;
	code?: string;
}

export interface LayerView {
	/** Index in `model.layers` of the config; what `revealLayer` sends back. */
	index: number;
	type: string;
	name: string;
	/** Defaults to the family of `type` (webviews/shared/layers.ts). */
	family?: LayerFamily;
	/** Key parameters as already formatted text, e.g. `units: 16`, `activation: relu`. */
	params: { key: string; value: string }[];
	outputShape?: Shape;
	/** Trainable + non-trainable; undefined when the input size is unknown. */
	paramCount?: number;
	diagnostics?: LayerDiagnostic[];
	/** A block layer (transformerEncoder): its operations, drawn inside its node so residual adds show. */
	block?: BlockPartView[];
}

/** One operation inside a block layer; `from` names other parts by id (`x` is the block's input). */
export interface BlockPartView {
	id: string;
	type: string;
	from: string[];
	params: { key: string; value: string }[];
	/** An `add` that is a residual (skip) connection. */
	residual?: boolean;
	outputShape?: Shape;
	paramCount?: number;
}

/** A named model input (`model.inputs[index]`): its own node in the graph. */
export interface InputView {
	/** Index in `model.inputs`; what `revealInput` sends back. */
	index: number;
	name: string;
	shape?: Shape;
	/** The feature columns it takes. */
	features: string[];
	diagnostics?: LayerDiagnostic[];
}

export type PipelineStageId = 'data' | 'preprocessing' | 'split' | 'model' | 'training' | 'tuning' | 'evaluation' | 'export';

export interface PipelineStage {
	id: PipelineStageId;
	title: string;
	settings: { key: string; value: string }[];
	/** False for a stage the config skips (e.g. no tuning); shown dimmed. */
	enabled: boolean;
}

export interface ArchitectureView {
	name: string;
	inputShape?: Shape;
	/** e.g. the feature columns, shown on the input node. */
	inputLabel?: string;
	/** Named inputs (`model.inputs`), one node each; absent: one input node (`inputShape`, `inputLabel`). */
	inputs?: InputView[];
	layers: LayerView[];
	/**
	 * What each layer takes (`from`): `from` a layer index, or null for an input — the named input
	 * `input` (index in `inputs`) when there are named inputs, else the model input. Absent: a chain,
	 * input → layer 0 → layer 1 …
	 */
	edges?: { from: number | null; to: number; input?: number }[];
	totalParams?: number;
	trainableParams?: number;
	nonTrainableParams?: number;
	pipeline: PipelineStage[];
	/** engine/core/shapes/summary.ts `toMermaid`, copied verbatim by "Copy as Mermaid". */
	mermaid?: string;
}

export type EvaluationTask = 'regression' | 'binaryClassification' | 'multiclassClassification';

export interface EvaluationView {
	runId?: string;
	runName: string;
	/** The split the metrics were computed on (`test`, `validation`, `train`). */
	split: string;
	task: EvaluationTask;
	samples?: number;
	metrics: { name: string; value: number | null }[];
	/** Rows are the actual class, columns the predicted class (up to ~100 classes; beyond, `topConfusions`). */
	confusion?: { labels: string[]; matrix: number[][] };
	/** Many classes: the most frequent confusions, most frequent first, instead of a matrix. */
	topConfusions?: { actual: string; predicted: string; count: number }[];
	/** What the evaluation summarised to stay bounded (curves of the most supported classes only, a sparse matrix…), in words. */
	notes?: string[];
	perClass?: { label: string; precision: number | null; recall: number | null; f1?: number | null; support: number }[];
	/** One curve per class (one-vs-rest), points sorted by threshold. */
	roc?: { label: string; auc: number | null; fpr: number[]; tpr: number[] }[];
	pr?: { label: string; averagePrecision?: number | null; recall: number[]; precision: number[] }[];
	/** Permutation feature importance: the drop in `metric` when each feature is shuffled, most important first. */
	importance?: {
		metric: string;
		baseline: number | null;
		repeats: number;
		features: { name: string; mean: number | null; std: number | null }[];
	};
	/** Classifiers on images: the first misclassified images (PNG as base64, checked by the host), with their labels as text. */
	misclassified?: {
		errors: number;
		images: { png: string; actual: string; predicted: string; score: number | null; file?: string }[];
	};
	regression?: {
		actual: number[];
		predicted: number[];
		/** For single-feature models: the data against that feature with the fitted line over it. */
		feature?: { name: string; values: number[] };
		/** The label column's name (axes are named by the columns). */
		label?: string;
	};
}

export interface ComparisonView {
	/** Columns, in order. */
	runs: RunMeta[];
	/** Only the config keys (dotted paths) whose values differ; `null` = absent in that run. */
	configDiff: { key: string; values: (string | null)[] }[];
	/** Final (or best-restored) value of each metric per run; `better` marks the winner. */
	finalMetrics: { name: string; values: (number | null)[]; better?: 'lower' | 'higher' }[];
	curves: RunSeries[];
}

/**
 * Opaque to the page: what the host needs to show the same content again after VS Code restarts
 * (e.g. `{ runIds: [...] }` or `{ configUri }`). The page keeps the latest one in its webview state,
 * which VS Code hands to the panel serializer's `deserializeWebviewPanel(panel, state)`.
 */
export type RestoreState = Record<string, string | number | boolean | string[]>;

/** The webview state of every panel page (what `getState()` returns and the serializer receives). */
export interface PanelState<U = unknown> {
	restore?: RestoreState;
	ui?: U;
}

export type TrialStatus = 'queued' | 'running' | 'completed' | 'pruned' | 'failed';

export interface TrialView {
	number: number;
	/** Values by dimension key (config path). */
	params: Record<string, string | number | boolean>;
	status: TrialStatus;
	/** Mean objective over folds, as logged (not negated). */
	score?: number | null;
	std?: number | null;
	durationMs?: number;
	/** Objective per epoch of the first fold (what pruning decided on). */
	intermediate?: (number | null)[];
	message?: string;
	/** Distributed sweeps: the worker that ran (or runs) the trial, and how often it was started. */
	worker?: string;
	starts?: number;
}

export interface DimensionView {
	key: string;
	kind: 'choice' | 'uniform' | 'logUniform' | 'int';
	/** `choice`: the values; ranges: [low, high]. */
	values?: (string | number | boolean)[];
	range?: [number, number];
}

export interface SweepView {
	id: string;
	name: string;
	strategy: 'grid' | 'random' | 'bayesian';
	objective: { metric: string; direction: 'minimize' | 'maximize' };
	folds: number;
	plannedTrials: number;
	status: 'running' | 'completed' | 'stopped' | 'interrupted' | 'failed';
	dimensions: DimensionView[];
	trials: TrialView[];
	best?: { number: number; score: number };
}

// ─── Host → page notifications ──────────────────────────────────────────────────────────────

export interface CurvesInitParams {
	runs: RunSeries[];
	title?: string;
	restore?: RestoreState;
}
/** Replaces everything the curves page shows (first message, or after a reload). */
export namespace CurvesInit {
	export const method = 'modelwright/curves/init' as const;
	export type Params = CurvesInitParams;
	export const type = notification<Params>()(method);
}

export interface CurvesAppendParams {
	runId: string;
	points: EpochPoint[];
	batches?: BatchPoint[];
}
/** Live epoch (and batch) events of one run, appended without redrawing from scratch. */
export namespace CurvesAppend {
	export const method = 'modelwright/curves/append' as const;
	export type Params = CurvesAppendParams;
	export const type = notification<Params>()(method);
}

export interface CurvesRunsParams {
	runs: RunMeta[];
	remove?: string[];
}
/** Adds runs (empty series) or updates their status/best epoch; `remove` drops runs. */
export namespace CurvesRuns {
	export const method = 'modelwright/curves/runs' as const;
	export type Params = CurvesRunsParams;
	export const type = notification<Params>()(method);
}

export interface ArchitectureUpdateParams {
	model: ArchitectureView;
	restore?: RestoreState;
}
/** The layer graph and pipeline of the config as edited (debounced by the host). */
export namespace ArchitectureUpdate {
	export const method = 'modelwright/architecture/update' as const;
	export type Params = ArchitectureUpdateParams;
	export const type = notification<Params>()(method);
}

export interface ArchitectureHighlightParams {
	index: number | null;
	/** The cursor is in `model.inputs[input]` (then `index` is null). */
	input?: number;
}
/** The editor cursor moved into layer `index` or named input `input` (null and absent: outside any). */
export namespace ArchitectureHighlight {
	export const method = 'modelwright/architecture/highlight' as const;
	export type Params = ArchitectureHighlightParams;
	export const type = notification<Params>()(method);
}

export interface EvaluationShowParams {
	evaluation: EvaluationView;
	restore?: RestoreState;
}
export namespace EvaluationShow {
	export const method = 'modelwright/evaluation/show' as const;
	export type Params = EvaluationShowParams;
	export const type = notification<Params>()(method);
}

export interface CompareShowParams {
	comparison: ComparisonView;
	restore?: RestoreState;
}
export namespace CompareShow {
	export const method = 'modelwright/compare/show' as const;
	export type Params = CompareShowParams;
	export const type = notification<Params>()(method);
}

export interface TrialsShowParams {
	sweep: SweepView;
	restore?: RestoreState;
}
/** Replaces the whole sweep shown by the tuning page. */
export namespace TrialsShow {
	export const method = 'modelwright/trials/show' as const;
	export type Params = TrialsShowParams;
	export const type = notification<Params>()(method);
}

export interface TrialsUpdateParams {
	trial: TrialView;
	best?: { number: number; score: number };
	status?: SweepView['status'];
}
/** Live: one trial started, ended or changed; the page replaces that row (adds it when new). */
export namespace TrialsUpdate {
	export const method = 'modelwright/trials/update' as const;
	export type Params = TrialsUpdateParams;
	export const type = notification<Params>()(method);
}

export interface TrialsEpochParams {
	number: number;
	epoch: number;
	value: number | null;
}
/** Live: an intermediate objective value of a running trial (first fold). */
export namespace TrialsEpoch {
	export const method = 'modelwright/trials/epoch' as const;
	export type Params = TrialsEpochParams;
	export const type = notification<Params>()(method);
}

export type HostToPageMessage =
	| Message<typeof TrialsShow.method, TrialsShow.Params>
	| Message<typeof TrialsUpdate.method, TrialsUpdate.Params>
	| Message<typeof TrialsEpoch.method, TrialsEpoch.Params>
	| Message<typeof CurvesInit.method, CurvesInit.Params>
	| Message<typeof CurvesAppend.method, CurvesAppend.Params>
	| Message<typeof CurvesRuns.method, CurvesRuns.Params>
	| Message<typeof ArchitectureUpdate.method, ArchitectureUpdate.Params>
	| Message<typeof ArchitectureHighlight.method, ArchitectureHighlight.Params>
	| Message<typeof EvaluationShow.method, EvaluationShow.Params>
	| Message<typeof CompareShow.method, CompareShow.Params>;

// ─── Page → host commands ───────────────────────────────────────────────────────────────────

export interface ReadyParams {
	panel: PanelKind;
}
/** The page is listening; the host (re)sends its data. Also sent after a webview reload. */
export namespace Ready {
	export const method = 'modelwright/ready' as const;
	export type Params = ReadyParams;
	export const type = command<Params>()(method);
}

export interface RevealLayerParams {
	index: number;
}
/** A graph node was clicked: reveal `model.layers[index]` in the config editor. */
export namespace RevealLayer {
	export const method = 'modelwright/revealLayer' as const;
	export type Params = RevealLayerParams;
	export const type = command<Params>()(method);
}

export interface RevealInputParams {
	input: number;
}
/** A named input's node was clicked: reveal `model.inputs[input]` in the config editor. */
export namespace RevealInput {
	export const method = 'modelwright/revealInput' as const;
	export type Params = RevealInputParams;
	export const type = command<Params>()(method);
}

export interface ExportFileParams {
	name: string;
	mime: 'image/png' | 'image/svg+xml' | 'text/csv';
	encoding: 'base64' | 'utf8';
	data: string;
}
/** Webviews cannot download: the host asks where to save and writes `data`. */
export namespace ExportFile {
	export const method = 'modelwright/exportFile' as const;
	export type Params = ExportFileParams;
	export const type = command<Params>()(method);
}

export interface CopyTextParams {
	text: string;
	what: string;
}
/** Put `text` on the clipboard (the host's clipboard works where the webview's may not). */
export namespace CopyText {
	export const method = 'modelwright/copyText' as const;
	export type Params = CopyTextParams;
	export const type = command<Params>()(method);
}

export interface OpenRunParams {
	runId: string;
}
export namespace OpenRun {
	export const method = 'modelwright/openRun' as const;
	export type Params = OpenRunParams;
	export const type = command<Params>()(method);
}

export type PickRunsParams = Record<string, never>;
/** The compare page asks the host to let the user choose the runs again. */
export namespace PickRuns {
	export const method = 'modelwright/pickRuns' as const;
	export type Params = PickRunsParams;
	export const type = command<Params>()(method);
}

export interface OpenTrialParams {
	number: number;
}
/** A trial row was activated: the host opens the curves of its runs. */
export namespace OpenTrial {
	export const method = 'modelwright/openTrial' as const;
	export type Params = OpenTrialParams;
	export const type = command<Params>()(method);
}

export type ApplyBestParams = Record<string, never>;
/** "Apply best": the host writes the best trial's values into the config. */
export namespace ApplyBest {
	export const method = 'modelwright/applyBest' as const;
	export type Params = ApplyBestParams;
	export const type = command<Params>()(method);
}

export type PageToHostMessage =
	| Message<typeof OpenTrial.method, OpenTrial.Params>
	| Message<typeof ApplyBest.method, ApplyBest.Params>
	| Message<typeof Ready.method, Ready.Params>
	| Message<typeof RevealLayer.method, RevealLayer.Params>
	| Message<typeof RevealInput.method, RevealInput.Params>
	| Message<typeof ExportFile.method, ExportFile.Params>
	| Message<typeof CopyText.method, CopyText.Params>
	| Message<typeof OpenRun.method, OpenRun.Params>
	| Message<typeof PickRuns.method, PickRuns.Params>;
