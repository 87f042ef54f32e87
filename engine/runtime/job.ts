/**
 * The one entry of the engine: `runJob(request, events, signal)` trains a config end to end —
 * validate, load and prepare data, train, evaluate, export, and keep the run folder current —
 * reporting typed events (engine/core/protocol.ts). Used in-process by the CLI and by the engine
 * process of the extension. A cancelled or failed run keeps its metrics and a readable summary.
 */
import { tr } from './messages';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs';
import type { ConfigDiagnostic } from '../core/config/diagnostics';
import type { ResolvedConfig } from '../core/config/resolve';
import { checkWriteDir, resolveDataPath, validateConfig, type PathPolicy } from '../io/probe';
import { prepareData, type PreparedData } from './data/prepare';
import { DataError } from './data/csv';
import { evaluateModel } from './evaluate/evaluate';
import { addImportance } from './evaluate/importance';
import type { Checkpoint, Evaluation } from '../core/records';
import { exportModel } from './export/tfjs';
import { writeModelCard } from './export/card';
import { onnxModel, type OnnxSummary } from './export/onnx';
import { ONNX_FILE, TOKENIZER_FILE } from '../core/onnx';
import type { EngineEvent, EventSink, FinishedParams } from '../core/protocol';
import { createRunDir, listCheckpoints, readCheckpoint, readRunSummary, RunWriter, runsDirFor, type RunSummary } from '../io/store';
import { useBackend, type BackendChoice } from './train/backend';
import { acquireLock, LockError, type Lock } from '../io/lock';
import { checkRunDir } from '../io/runRef';
import { exportTargetProblem } from '../io/exportTarget';
import { trainLoop } from './train/loop';
import { readTextFile, writeAtomic } from '../io/fsutil';
import { tc } from '../core/config/messages';

export interface TrainOverrides {
	epochs?: number;
	batchSize?: number;
	learningRate?: number;
	seed?: number;
}

export interface TrainRequest {
	/** Path of the config file (its folder anchors data paths and the run store). */
	configPath: string;
	/** Config text; read from configPath when absent. */
	text?: string;
	/** Folder data paths may not leave (default: the config's folder). */
	workspaceRoot?: string;
	allowOutside?: boolean;
	backend?: BackendChoice;
	overrides?: TrainOverrides;
	/** Run store folder (default `.modelwright/runs` next to the config). */
	runsDir?: string;
	/** Also export the model here (default: the config's `export.path`, if any). */
	outDir?: string;
	/** A run folder to continue from its last checkpoint. */
	resume?: string;
	/** Do not export to the config's `export.path` (sweep trials; the run's own model/ is still written). */
	noExport?: boolean;
	/** k-fold cross-validation (tuning): train on the other folds, validate on fold `index` (0-based) of `of`. */
	fold?: { index: number; of: number };
}

export type JobStatus = 'completed' | 'stopped' | 'cancelled' | 'failed' | 'invalid';

export interface JobResult {
	status: JobStatus;
	runDir?: string;
	summary?: RunSummary;
	diagnostics?: ConfigDiagnostic[];
	evaluation?: Evaluation;
	weights?: { weight: number[]; bias: number[] };
	message?: string;
}

/** Exit code of a job result for CLIs: 0 ok, 1 runtime failure, 2 invalid config, 130 cancelled. */
export function exitCode(r: JobResult): number {
	return r.status === 'completed' || r.status === 'stopped' ? 0 : r.status === 'invalid' ? 2 : r.status === 'cancelled' ? 130 : 1;
}

function applyOverrides(c: ResolvedConfig, o: TrainOverrides | undefined): void {
	if (!o) return;
	if (o.epochs !== undefined) c.training.epochs = o.epochs;
	if (o.batchSize !== undefined) c.training.batchSize = o.batchSize;
	if (o.learningRate !== undefined) c.training.optimizer.learningRate = o.learningRate;
	if (o.seed !== undefined) c.seed = o.seed;
}

/** Inputs a one-unit model may have for its weights to be reported: a line, not a dump of a wide table. */
const MAX_REPORTED_WEIGHTS = 16;

/** Weight and bias of a model that is one dense unit on a few inputs (the seed example), else undefined. */
function singleUnitWeights(config: ResolvedConfig, model: tf.LayersModel): { weight: number[]; bias: number[] } | undefined {
	const layers = config.model.layers;
	if (layers.length !== 1 || layers[0]!.type !== 'dense' || layers[0].units !== 1) return undefined;
	// A functional model (named inputs, `from`) starts with its InputLayer: the unit is the dense layer.
	const dense = model.layers.find((l) => l.getClassName() === 'Dense');
	const ws = dense?.getWeights() ?? [];
	if (!ws[0] || ws[0].size > MAX_REPORTED_WEIGHTS) return undefined;
	return { weight: Array.from(ws[0].dataSync()), bias: ws[1] ? Array.from(ws[1].dataSync()) : [] };
}

export async function runJob(request: TrainRequest, events: EventSink, signal?: AbortSignal): Promise<JobResult> {
	const job = new TrainJob(request, events, signal);
	try {
		return await job.run();
	} finally {
		job.release();
	}
}

/** What `open` settled before anything is written: the config, its text and where things go. */
interface Plan {
	text: string;
	config: ResolvedConfig;
	policy: PathPolicy;
	configPath: string;
	/** The run folder continued, when resuming, with its last checkpoint. */
	resumeDir?: string;
	resume?: Checkpoint;
	prior?: RunSummary;
	exportPath?: string;
}

/** The training loop's result with the summary fields every ending writes. */
type Trained = Awaited<ReturnType<typeof trainLoop>> & { base: Partial<RunSummary>; timings: TrainTimings };
interface TrainTimings {
	dataMs: number;
	trainMs: number;
	msPerEpoch: number;
}

/**
 * One training job in phases, each a method: open (read, validate, check every target), start
 * (backend, run folder), train, finish (save, evaluate, export, summarise). A phase that cannot go
 * on returns the JobResult; `fail` marks the run folder once it exists.
 */
class TrainJob {
	private readonly t0 = performance.now();
	/** The run folder is locked while this job writes it (engine/io/lock.ts): one writer per run. */
	private readonly locks: Lock[] = [];
	/** Set once the run folder exists; failures before that have no run to mark. */
	private writer: RunWriter | undefined;
	private backend = '';
	private dataMs = 0;

	constructor(
		private readonly request: TrainRequest,
		private readonly events: EventSink,
		private readonly signal: AbortSignal | undefined,
	) {}

	async run(): Promise<JobResult> {
		const plan = this.open();
		if ('status' in plan) return plan;
		const started = await this.start(plan);
		if (started) return started;
		let trained: Trained | undefined;
		try {
			const data = await this.load(plan);
			trained = await this.train(plan, data);
			return trained.status === 'nonFinite' || trained.status === 'cancelled'
				? this.interrupted(trained)
				: await this.finish(plan, data, trained);
		} catch (err) {
			const message = err instanceof Error ? err.message : String(err);
			return this.fail(message, err instanceof DataError ? 'data' : 'internal');
		} finally {
			trained?.model.dispose();
		}
	}

	release(): void {
		for (const l of this.locks) l.release();
	}

	private emit(e: EngineEvent): void {
		try {
			this.events(e);
		} catch {
			/* a failing listener must not fail the run */
		}
	}

	/** Refusals before any run folder is written. */
	private refuse(message: string, status: 'failed' | 'invalid'): JobResult {
		this.emit({ method: 'job/failed', params: { message, kind: status === 'invalid' ? 'invalidConfig' : 'internal' } });
		return { status, message };
	}

	/** A failure; once the run folder exists its summary says `failed` and why. */
	private fail(message: string, kind: 'data' | 'nonFinite' | 'backend' | 'internal', epoch?: number): JobResult {
		const run = this.writer;
		this.emit({
			method: 'job/failed',
			params: { message, kind, ...(run ? { runDir: run.dir } : {}), ...(epoch !== undefined ? { epoch } : {}) },
		});
		if (!run) return { status: 'failed', message };
		try {
			run.writeSummary({
				status: 'failed',
				message,
				finishedAt: new Date().toISOString(),
				timings: { ...run.summary.timings, totalMs: performance.now() - this.t0 },
			});
		} catch {
			/* the disk that failed the run may refuse its summary too; the caller still hears why */
		}
		return { status: 'failed', runDir: run.dir, summary: run.summary, message };
	}

	/** Reads and validates the config (a resumed run's own snapshot), applies overrides, and checks the export target. */
	private open(): Plan | JobResult {
		const { request } = this;
		const configPath = path.resolve(request.configPath);
		const configDir = path.dirname(configPath);
		const resumeDir = request.resume ? path.resolve(request.resume) : undefined;
		if (resumeDir) {
			// Only a run folder in a run store is continued, and only by one job at a time.
			const checked = checkRunDir(resumeDir, { stores: [request.runsDir ?? runsDirFor(configPath)] });
			if (!checked.ok) return this.refuse(tr('job.cannotResume', { message: checked.message }), 'failed');
			try {
				this.locks.push(acquireLock(resumeDir, `run ${checked.run.id}`));
			} catch (err) {
				if (err instanceof LockError) return this.refuse(err.message, 'failed');
				throw err;
			}
		}
		let text: string;
		try {
			text =
				request.text ??
				(resumeDir ? readTextFile(path.join(resumeDir, 'config.yaml'), 16 * 1024 * 1024) : fs.readFileSync(configPath, 'utf8'));
		} catch (err) {
			const message = tr('job.cannotRead', { path: configPath, error: err instanceof Error ? err.message : String(err) });
			this.emit({ method: 'job/failed', params: { message, kind: 'invalidConfig' } });
			return { status: 'invalid', message };
		}
		const v = validateConfig(configPath, text, { root: request.workspaceRoot, allowOutside: request.allowOutside });
		const errors = v.diagnostics.filter((d) => d.severity === 'error');
		if (!v.ok || !v.resolved) {
			const message = tc('job.invalid', {
				errors: errors.length === 1 ? tc('job.error') : tc('job.errors', { n: errors.length }),
				messages: errors
					.map((e) => e.message)
					.slice(0, 3)
					.join('; '),
			});
			this.emit({ method: 'job/failed', params: { message, kind: 'invalidConfig' } });
			return { status: 'invalid', diagnostics: v.diagnostics, message };
		}
		const config = v.resolved;
		const plan: Plan = { text, config, policy: v.policy, configPath };
		if (resumeDir) {
			plan.resumeDir = resumeDir;
			plan.prior = readRunSummary(resumeDir);
			const last = listCheckpoints(resumeDir).at(-1);
			if (!plan.prior) return this.fail(tr('job.notRunFolder', { dir: resumeDir }), 'internal');
			if (last) plan.resume = readCheckpoint(last.file);
			// The overrides of the original run still apply (e.g. --epochs), unless changed now.
			applyOverrides(config, plan.prior.overrides);
		}
		applyOverrides(config, request.overrides);

		// Where the model goes, checked before any training: inside the path policy (export.path),
		// and never over files Modelwright did not write (engine/io/exportTarget.ts).
		let exportPath = request.outDir
			? path.resolve(request.outDir)
			: config.export.path && !request.noExport
				? path.resolve(configDir, config.export.path)
				: undefined;
		if (exportPath && !request.outDir && config.export.path) {
			// The config decides where the export goes, so it obeys the same path policy as data.
			const allowed = resolveDataPath(config.export.path, v.policy);
			if (!allowed.ok) return this.refuse(`export.path: ${allowed.message}`, 'invalid');
			exportPath = allowed.file;
		}
		const exportProblem = exportPath
			? exportTargetProblem(exportPath, request.outDir ? exportPath : `${exportPath} (export.path \`${config.export.path}\`)`)
			: undefined;
		if (exportProblem) return this.refuse(exportProblem, 'invalid');
		if (exportPath) plan.exportPath = exportPath;
		return plan;
	}

	/** Loads the backend and creates (or reopens, when resuming) the run folder; undefined when the job goes on. */
	private async start(plan: Plan): Promise<JobResult | undefined> {
		const { request } = this;
		const { config, configPath, resumeDir, resume, prior } = plan;
		let backend: string;
		try {
			backend = this.backend = await useBackend(request.backend ?? 'wasm');
		} catch (err) {
			return this.fail(err instanceof Error ? err.message : String(err), 'backend');
		}
		const runsDir = request.runsDir ?? runsDirFor(configPath);
		// The run store may not lead out of the workspace through a link (a `.modelwright` symlink).
		const store = checkWriteDir(resumeDir ?? runsDir, plan.policy);
		if (!store.ok) return this.fail(tr('job.runStore', { message: store.message }), 'data');
		let w: RunWriter;
		if (resumeDir) {
			w = RunWriter.resume(resumeDir, config.training.checkpoint.keep);
			this.writer = w;
			w.writeSummary({
				backend,
				resumedFrom: [...(prior?.resumedFrom ?? []), { epoch: resume?.epoch ?? 0, at: new Date().toISOString() }],
			});
			w.resetMetrics(resume?.history ?? []);
		} else {
			const { id, dir } = createRunDir(runsDir, config.name);
			this.locks.push(acquireLock(dir, `run ${id}`));
			w = new RunWriter(
				dir,
				{
					id,
					name: config.name,
					configPath,
					backend,
					seed: config.seed,
					startedAt: new Date().toISOString(),
					epochs: { planned: config.training.epochs, completed: 0 },
					...(request.overrides ? { overrides: request.overrides } : {}),
					...(request.fold ? { fold: request.fold } : {}),
				},
				config.training.checkpoint.keep,
			);
			this.writer = w;
			w.writeConfig(plan.text);
			w.writeSummary();
		}
		this.emit({
			method: 'job/started',
			params: {
				runId: w.summary.id,
				runDir: w.dir,
				configPath,
				name: config.name,
				backend,
				epochs: config.training.epochs,
				...(resume ? { resumedFrom: resume.epoch } : {}),
				startedAt: new Date().toISOString(),
			},
		});
		return undefined;
	}

	private get openRun(): RunWriter {
		if (!this.writer) throw new Error('internal: the run folder is not open');
		return this.writer;
	}

	private async load(plan: Plan): Promise<PreparedData> {
		const td = performance.now();
		const data = await prepareData(plan.config, plan.policy, this.request.fold ? { fold: this.request.fold } : {});
		const dataMs = (this.dataMs = performance.now() - td);
		this.openRun.writeSummary({ data: data.summary, timings: { dataMs } });
		this.emit({ method: 'job/dataLoaded', params: { ...data.summary, inputShape: data.preprocessing.inputShape, ms: dataMs } });
		return data;
	}

	/** Trains, writing each epoch and checkpoint to the run folder as it ends. */
	private async train(plan: Plan, data: PreparedData): Promise<Trained> {
		const { config, resume } = plan;
		const w = this.openRun;
		const tt = performance.now();
		const result = await trainLoop({
			config,
			data,
			...(this.signal ? { signal: this.signal } : {}),
			...(resume ? { resume } : {}),
			onEpoch: (epoch, logs, ms) => {
				w.appendEpoch(epoch, logs);
				// The summary is the crash-safe record: rewritten (atomically) each epoch, cheap for small runs.
				w.writeSummary({ epochs: { planned: config.training.epochs, completed: epoch + 1 }, finalMetrics: logs });
				this.emit({
					method: 'job/epochEnd',
					params: { epoch: epoch + 1, epochs: config.training.epochs, logs, ms, elapsedMs: performance.now() - this.t0 },
				});
			},
			onBatch: (p) => this.emit({ method: 'job/batch', params: { ...p, epoch: p.epoch + 1 } }),
			onCheckpoint: (ck) => {
				const file = w.writeCheckpoint(ck);
				this.emit({ method: 'job/checkpoint', params: { epoch: ck.epoch, path: file } });
			},
		});
		const trainMs = performance.now() - tt;
		const ranEpochs = result.history.length - (resume?.epoch ?? 0);
		const timings = { dataMs: this.dataMs, trainMs, msPerEpoch: ranEpochs > 0 ? trainMs / ranEpochs : 0 };
		const base: Partial<RunSummary> = {
			epochs: { planned: config.training.epochs, completed: result.history.length },
			finalMetrics: result.history.at(-1) ?? {},
			timings,
			trainPath: result.trainPath,
			trainPathReason: result.trainPathReason,
			...(result.bestLogs ? { bestMetrics: result.bestLogs, bestEpoch: result.bestEpoch! } : {}),
		};
		return { ...result, base, timings };
	}

	/** A training that ended early without a model worth keeping: NaN losses (failed) or a cancel. */
	private interrupted(t: Trained): JobResult {
		const w = this.openRun;
		if (t.status === 'nonFinite') {
			w.writeSummary(t.base);
			return this.fail(t.message!, 'nonFinite', t.history.length);
		}
		w.writeSummary({
			...t.base,
			status: 'cancelled',
			message: t.message!,
			finishedAt: new Date().toISOString(),
			timings: { ...t.timings, totalMs: performance.now() - this.t0 },
		});
		this.emit({ method: 'job/cancelled', params: { reason: t.message ?? 'cancelled', epoch: t.history.length, runDir: w.dir } });
		return { status: 'cancelled', runDir: w.dir, summary: w.summary, message: t.message! };
	}

	/** Saves the model first, then ONNX, evaluation, the export and model cards, and the final summary. */
	private async finish(plan: Plan, data: PreparedData, t: Trained): Promise<JobResult> {
		const { config, text, exportPath } = plan;
		const w = this.openRun;
		const runDir = w.dir;
		const { base, timings } = t;
		// The trained model is saved (with its preprocessing and the config snapshot) before anything
		// else can lose it: an evaluation that fails, or a process that dies in it, leaves a run
		// whose model/ folder `modelwright evaluate` and `predict` can still use.
		const modelDir = path.join(runDir, 'model');
		await exportModel(t.model, modelDir, { preprocessing: data.preprocessing, configText: text });
		w.writeSummary({ ...base, modelDir });
		// ONNX (export.formats): translated once, written beside the tfjs model and to export.path.
		const formats: readonly string[] = config.export.formats ?? ['tfjs'];
		let onnxFile: { bytes: Uint8Array; summary: OnnxSummary; tokenizer?: string } | undefined;
		if (formats.includes('onnx')) {
			try {
				onnxFile = onnxModel(t.model, data.preprocessing, { name: config.name, threshold: config.evaluation.threshold });
			} catch (err) {
				return this.fail(tr('job.onnxFailed', { dir: modelDir, error: err instanceof Error ? err.message : String(err) }), 'internal');
			}
			writeAtomic(path.join(modelDir, ONNX_FILE), onnxFile.bytes);
			if (onnxFile.tokenizer) writeAtomic(path.join(modelDir, TOKENIZER_FILE), onnxFile.tokenizer);
		}
		const te = performance.now();
		let evaluation: Evaluation;
		let evFile: string;
		try {
			evaluation = addImportance(evaluateModel(t.model, config, data), t.model, config, data);
			evFile = w.writeEvaluation(evaluation);
		} catch (err) {
			return this.fail(tr('job.evaluationFailed', { dir: modelDir, error: err instanceof Error ? err.message : String(err) }), 'internal');
		}
		const evaluateMs = performance.now() - te;
		this.emit({ method: 'job/evaluation', params: { split: evaluation.split, path: evFile, metrics: evaluation.metrics } });
		if (exportPath)
			await exportModel(t.model, exportPath, {
				preprocessing: data.preprocessing,
				configText: text,
				tfjs: formats.includes('tfjs'),
				...(onnxFile ? { onnx: onnxFile.bytes, ...(onnxFile.tokenizer ? { tokenizer: onnxFile.tokenizer } : {}) } : {}),
			});
		const card = {
			name: config.name,
			runId: w.summary.id,
			config,
			data,
			model: t.model,
			evaluation,
			epochs: base.epochs!,
			backend: this.backend,
			...(onnxFile ? { onnx: onnxFile.summary } : {}),
		};
		for (const dir of exportPath ? [modelDir, exportPath] : [modelDir])
			writeModelCard(dir, { ...card, trainedAt: new Date().toISOString() });
		const weights = singleUnitWeights(config, t.model);
		const status = t.status === 'stopped' ? 'stopped' : 'completed';
		w.writeSummary({
			...base,
			status,
			finishedAt: new Date().toISOString(),
			evaluation: evaluation.metrics,
			evaluationSplit: evaluation.split,
			modelDir,
			...(exportPath ? { exportedTo: exportPath } : {}),
			...(t.message ? { message: t.message } : {}),
			timings: { ...timings, evaluateMs, totalMs: performance.now() - this.t0 },
		});
		const fin: FinishedParams = {
			runDir,
			status,
			epochs: t.history.length,
			finalLogs: t.history.at(-1) ?? {},
			totalMs: performance.now() - this.t0,
			...(t.bestLogs ? { bestLogs: t.bestLogs, bestEpoch: t.bestEpoch! } : {}),
			...(t.message ? { stopReason: t.message } : {}),
			...(weights ? { weights } : {}),
		};
		this.emit({ method: 'job/finished', params: fin });
		return { status, runDir, summary: w.summary, evaluation, ...(weights ? { weights } : {}) };
	}
}
