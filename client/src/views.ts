/**
 * Run folders and sweeps on disk → the view models the panels render (webviews/protocol.ts); the
 * architecture view is the language server's (server/src/service/architecture.ts). Pure Node (fs
 * only, no vscode import) so it is unit-tested directly.
 */
import * as path from 'node:path';
import { parse } from 'yaml';
import { resolveConfig } from '../../engine/core/config/resolve';
import type { Evaluation } from '../../engine/core/records';
import type { EpochLogs } from '../../engine/core/protocol';
import { readMetrics, readRunSummary, type RunSummary, evaluationKey } from '../../engine/io/store';
import type {
	ComparisonView,
	DimensionView,
	EpochPoint,
	EvaluationView,
	RunMeta,
	RunSeries,
	RunStatus,
	SweepView,
	TrialView,
} from '../../webviews/protocol';
import type { SweepState, TrialRecord } from '../../engine/core/tune/protocol';
import { readSweep } from '../../engine/io/sweeps';
import { higherIsBetter } from '../../engine/core/facts';
import { staticDataInfo } from '../../engine/core/data/info';
import { readTextFile } from '../../engine/io/fsutil';

/** A run's config snapshot is a config: anything larger is not one we wrote. */
const MAX_CONFIG_BYTES = 16 * 1024 * 1024;

const finite = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function status(s: RunSummary['status']): RunStatus {
	return s === 'interrupted' ? 'killed' : s;
}

export function runMeta(dir: string, s: RunSummary): RunMeta {
	return {
		id: s.id ?? path.basename(dir),
		name: s.name,
		status: status(s.status),
		totalEpochs: s.epochs.planned,
		startedAt: s.startedAt,
		...(s.bestEpoch !== undefined ? { bestEpoch: s.bestEpoch } : {}),
		...(s.message ? { message: s.message } : {}),
	};
}

/** The logged series of a run folder, columnar. Undefined when it is not a run. */
export function runSeries(dir: string): RunSeries | undefined {
	const s = readRunSummary(dir);
	if (!s) return undefined;
	const rows = readMetrics(dir);
	const keys = [...new Set(rows.flatMap((r) => Object.keys(r).filter((k) => k !== 'epoch')))];
	const series: Record<string, (number | null)[]> = {};
	for (const k of keys) series[k] = rows.map((r) => finite(r[k]));
	return { ...runMeta(dir, s), epochs: rows.map((r, i) => (typeof r.epoch === 'number' ? r.epoch : i + 1)), series };
}

export function epochPoint(epoch: number, logs: EpochLogs): EpochPoint {
	return { epoch, logs: Object.fromEntries(Object.entries(logs).map(([k, v]) => [k, finite(v)])) };
}

/** Misclassified-image thumbnails the panel shows, and the largest one accepted (base64 characters). */
const MAX_THUMBNAILS = 48;
const MAX_THUMBNAIL_BASE64 = 64 * 1024;
/** The largest thumbnail side the engine writes; larger ones are refused. */
const MAX_THUMBNAIL_SIDE = 256;
/**
 * Base64 whose bytes start with the PNG signature (89 50 4E 47 0D 0A 1A 0A encodes as
 * `iVBORw0KGgo`) and whose header (IHDR) is at most MAX_THUMBNAIL_SIDE a side: a few KB of PNG can
 * claim 20000×20000 pixels, which Chromium would decode in full whatever size it is shown at.
 */
export function isThumbnailPng(b: string): boolean {
	if (!b.startsWith('iVBORw0KGgo') || !/^[A-Za-z0-9+/]+={0,2}$/.test(b)) return false;
	const head = Buffer.from(b.slice(0, 32), 'base64');
	if (head.length < 24 || head.toString('latin1', 12, 16) !== 'IHDR') return false;
	const w = head.readUInt32BE(16);
	const h = head.readUInt32BE(20);
	return w >= 1 && h >= 1 && w <= MAX_THUMBNAIL_SIDE && h <= MAX_THUMBNAIL_SIDE;
}

/** Confusions the panel lists for a summarised (many-class) evaluation. */
const TOP_CONFUSIONS = 100;

/** The evaluation panel's view of a run (evaluation.json + summary); many-class evaluations come summarised (`notes`). */
export function evaluationView(dir: string): EvaluationView | undefined {
	const s = readRunSummary(dir);
	let ev: Evaluation & { features?: Record<string, number[]> };
	try {
		ev = JSON.parse(readTextFile(path.join(dir, 'evaluation.json'))) as typeof ev;
	} catch {
		return undefined;
	}
	const view: EvaluationView = {
		runId: s?.id ?? path.basename(dir),
		runName: s?.name ?? path.basename(dir),
		split: ev.split,
		task: ev.task,
		samples: ev.rows,
		metrics: Object.entries(ev.metrics).map(([name, value]) => ({ name, value: finite(value) })),
	};
	if (Array.isArray(ev.notes) && ev.notes.length) view.notes = ev.notes.map(String);
	const c = ev.classification;
	if (c) {
		const labels = c.perClass.map((p) => String(p.class));
		if (c.confusionMatrix) view.confusion = { labels, matrix: c.confusionMatrix };
		else if (c.confusionSparse)
			view.topConfusions = c.confusionSparse.cells.slice(0, TOP_CONFUSIONS).map(([a, p, count]) => ({
				actual: labels[a] ?? String(a),
				predicted: labels[p] ?? String(p),
				count,
			}));
		view.perClass = c.perClass.map((p) => ({
			label: String(p.class),
			precision: finite(p.precision),
			recall: finite(p.recall),
			f1: finite(p.f1),
			support: p.support,
		}));
		view.roc = (c.roc ?? []).map((r) => ({
			label: String(r.class),
			auc: finite(r.curve.auc),
			fpr: r.curve.points.map((p) => p.x),
			tpr: r.curve.points.map((p) => p.y),
		}));
		view.pr = (c.pr ?? []).map((r) => ({
			label: String(r.class),
			averagePrecision: finite(r.curve.auc),
			recall: r.curve.points.map((p) => p.x),
			precision: r.curve.points.map((p) => p.y),
		}));
	}
	const imp = ev.importance;
	if (imp && Array.isArray(imp.features))
		view.importance = {
			metric: String(imp.metric),
			baseline: finite(imp.baseline),
			repeats: imp.repeats,
			features: imp.features.map((f) => ({ name: String(f.feature), mean: finite(f.mean), std: finite(f.std) })),
		};
	const mis = ev.misclassified;
	if (mis && Array.isArray(mis.images)) {
		// The PNGs go into data: URLs: only base64 text of a small PNG (signature, header) passes, bounded in size.
		const images = mis.images
			.filter((m) => typeof m?.png === 'string' && m.png.length <= MAX_THUMBNAIL_BASE64 && isThumbnailPng(m.png))
			.slice(0, MAX_THUMBNAILS)
			.map((m) => ({
				png: m.png,
				actual: String(m.actual),
				predicted: String(m.predicted),
				score: finite(m.score),
				...(typeof m.file === 'string' ? { file: m.file } : {}),
			}));
		view.misclassified = { errors: typeof mis.errors === 'number' ? mis.errors : images.length, images };
	}
	if (ev.task === 'regression') {
		const preds = ev.predictions.filter((p) => typeof p.actual === 'number' && typeof p.predicted === 'number');
		view.regression = { actual: preds.map((p) => p.actual as number), predicted: preds.map((p) => p.predicted as number) };
		const feats = ev.features ? Object.entries(ev.features) : [];
		if (feats.length === 1 && feats[0]![1].length === preds.length) view.regression.feature = { name: feats[0]![0], values: feats[0]![1] };
		const label = labelColumn(dir);
		if (label) view.regression.label = label;
	}
	return view;
}

/** The label column of a run's config snapshot: `data.label`, else its source's default (`y` for `linear`). */
function labelColumn(dir: string): string | undefined {
	try {
		const cfg = resolveConfig(parse(readTextFile(path.join(dir, 'config.yaml'), MAX_CONFIG_BYTES)));
		return cfg.data.label ?? staticDataInfo(cfg.data.source)?.defaultLabel;
	} catch {
		return undefined;
	}
}

function display(v: unknown): string {
	if (typeof v === 'string') return v;
	return JSON.stringify(v);
}

/** Flattens a config to dotted paths (`training.optimizer.learningRate`, `model.layers[0].units`). */
export function flatten(v: unknown, prefix = '', out: Record<string, string> = {}): Record<string, string> {
	if (Array.isArray(v) && v.some((x) => x && typeof x === 'object')) v.forEach((x, i) => flatten(x, `${prefix}[${i}]`, out));
	else if (v && typeof v === 'object' && !Array.isArray(v))
		for (const [k, x] of Object.entries(v)) flatten(x, prefix ? `${prefix}.${k}` : k, out);
	else if (prefix) out[prefix] = display(v);
	return out;
}

export function comparisonView(dirs: string[]): ComparisonView {
	const runs = dirs.map((d) => ({ d, s: readRunSummary(d) })).filter((r): r is { d: string; s: RunSummary } => r.s !== undefined);
	const configs = runs.map(({ d, s }) => {
		try {
			return flatten(resolveConfig(parse(readTextFile(path.join(d, 'config.yaml'), MAX_CONFIG_BYTES)), s.name));
		} catch {
			return {};
		}
	});
	const keys = [...new Set(configs.flatMap((c) => Object.keys(c)))].sort();
	const configDiff = keys.map((key) => ({ key, values: configs.map((c) => c[key] ?? null) })).filter((r) => new Set(r.values).size > 1);
	const metricsOf = (s: RunSummary): Record<string, number> => ({
		...(s.bestMetrics ?? s.finalMetrics ?? {}),
		...Object.fromEntries(Object.entries(s.evaluation ?? {}).map(([k, v]) => [evaluationKey(s, k), v])),
	});
	const all = runs.map(({ s }) => metricsOf(s));
	const names = [...new Set(all.flatMap((m) => Object.keys(m)))].filter((n) => n !== 'lr').sort();
	return {
		runs: runs.map(({ d, s }) => runMeta(d, s)),
		configDiff,
		finalMetrics: names.map((name) => ({
			name,
			values: all.map((m) => finite(m[name])),
			better: higherIsBetter(name) ? 'higher' : 'lower',
		})),
		curves: runs.map(({ d }) => runSeries(d)).filter((r): r is RunSeries => r !== undefined),
	};
}

export function trialView(t: TrialRecord): TrialView {
	return {
		number: t.number,
		params: t.params,
		status: t.status,
		...(t.score !== undefined ? { score: finite(t.score) } : {}),
		...(t.std !== undefined ? { std: finite(t.std) } : {}),
		...(t.durationMs !== undefined ? { durationMs: t.durationMs } : {}),
		...(t.intermediate ? { intermediate: t.intermediate.map(finite) } : {}),
		...(t.message ? { message: t.message } : {}),
		...(t.worker ? { worker: t.worker } : {}),
		...(t.attempts?.length ? { starts: t.attempts.length } : {}),
	};
}

/** The tuning page's view of a sweep: its dimensions from the config snapshot, its trials. */
export function sweepView(dir: string, state: SweepState | undefined = readSweep(dir)): SweepView | undefined {
	if (!state) return undefined;
	let dimensions: DimensionView[] = [];
	try {
		const raw = parse(readTextFile(path.join(dir, 'config.yaml'), MAX_CONFIG_BYTES)) as {
			tuning?: { space?: Record<string, Record<string, unknown>> };
		};
		dimensions = Object.entries(raw.tuning?.space ?? {}).map(([key, p]) => {
			if (Array.isArray(p.choice)) return { key, kind: 'choice', values: p.choice as (string | number | boolean)[] };
			const kind = 'logUniform' in p ? 'logUniform' : 'int' in p ? 'int' : 'uniform';
			return { key, kind, range: p[kind] as [number, number] };
		});
	} catch {
		/* a sweep without its snapshot still lists its trials */
	}
	return {
		id: state.id,
		name: state.name,
		strategy: state.strategy,
		objective: state.objective,
		folds: state.folds,
		plannedTrials: state.plannedTrials,
		status: state.status,
		dimensions,
		trials: state.trials.map(trialView),
		...(state.best ? { best: { number: state.best.number, score: state.best.score } } : {}),
	};
}
