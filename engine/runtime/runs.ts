/** Using finished runs and exported models: predict with the stored preprocessing, re-evaluate, locate model folders. */
import { tr } from './messages';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { predictRowsFlat } from './model/inputs';
import { validateText } from '../core/config/validate';
import { prepareData } from './data/prepare';
import { DataError } from './data/csv';
import { fingerprintChange } from '../core/data/fingerprint';
import { decodeOutput, transformRow } from './data/preprocess';
import type { Row } from './data/generators';
import { evaluateModel } from './evaluate/evaluate';
import { addImportance } from './evaluate/importance';
import type { Evaluation } from '../core/records';
import { loadExported, MODEL_FILE } from './export/tfjs';
import { readRunSummary } from '../io/store';
import { readFileWithin } from '../io/fsutil';
import { imageIntoRow, imageRowWidth } from './data/imageInput';
import { decodePredictions } from './serve';

/** The model folder of a run folder, or the folder itself when it holds model.json. */
export function modelDirOf(ref: string): string | undefined {
	if (fs.existsSync(path.join(ref, MODEL_FILE))) return ref;
	if (fs.existsSync(path.join(ref, 'model', MODEL_FILE))) return path.join(ref, 'model');
	return undefined;
}

export interface Prediction {
	prediction: string | number;
	scores: number[];
}

/** Applies the training-time preprocessing to raw rows and predicts. */
export async function predictRows(
	modelDir: string,
	rows: Row[],
	threshold = 0.5,
): Promise<{ predictions: Prediction[]; features: string[] }> {
	// Otherwise tfjs reports "Pass at least one tensor to concat".
	if (rows.length === 0) throw new Error(tr('run.noRows'));
	const { model, preprocessing: pre } = await loadExported(modelDir);
	try {
		if (pre.image) throw new Error(tr('run.imageModel', { example: '{"image": "…"}' }));
		const w = pre.inputs.length;
		const x = new Float32Array(rows.length * w);
		rows.forEach((r, i) => transformRow(pre.features, r, x, i * w, `input row ${i + 1}: `));
		const out = tf.tidy(() => predictRowsFlat(model, pre, x, rows.length).arraySync() as number[][]);
		return {
			predictions: out.map((y) => ({ prediction: decodeOutput(pre, y, threshold), scores: y })),
			features: pre.features.map((f) => f.column),
		};
	} finally {
		model.dispose();
	}
}

export interface ImagePrediction {
	file: string;
	prediction: string | number;
	/** Each class's probability (a hinge classifier has its score instead). */
	probabilities?: Record<string, number>;
	scores: number[];
}

/** Images decoded per model call: bounds the input tensor, whatever the number of files. */
const IMAGE_CHUNK = 256;

/**
 * Predicts image files with a model trained on an images source: each decoded and resized as
 * training read its files (data/imageInput.ts). An unreadable file stops with its name and why.
 */
export async function predictImages(
	modelDir: string,
	files: readonly { file: string; shown: string }[],
	threshold = 0.5,
): Promise<ImagePrediction[]> {
	if (files.length === 0) throw new Error(tr('run.noImages'));
	const { model, preprocessing: pre } = await loadExported(modelDir);
	try {
		if (!pre.image) throw new Error(tr('run.tableModel', { columns: pre.features.map((f) => f.column).join(', ') }));
		const w = imageRowWidth(pre);
		const out: ImagePrediction[] = [];
		for (let i0 = 0; i0 < files.length; i0 += IMAGE_CHUNK) {
			const chunk = files.slice(i0, i0 + IMAGE_CHUNK);
			const x = new Float32Array(chunk.length * w);
			chunk.forEach((f, j) => {
				let bytes: Buffer;
				try {
					bytes = fs.readFileSync(f.file);
				} catch (err) {
					throw new DataError(tr('image.cannotRead', { file: f.shown, error: err instanceof Error ? err.message : String(err) }), f.file);
				}
				try {
					imageIntoRow(pre, bytes, x, j * w);
				} catch (err) {
					throw new DataError(tr('image.fileProblem', { file: f.shown, error: err instanceof Error ? err.message : String(err) }), f.file);
				}
			});
			const y = tf.tidy(() => predictRowsFlat(model, pre, x, chunk.length).dataSync() as Float32Array);
			const k = y.length / chunk.length;
			const decoded = decodePredictions(pre, y, k, chunk.length, threshold) as {
				prediction: string | number;
				probabilities?: Record<string, number>;
			}[];
			chunk.forEach((f, j) =>
				out.push({
					file: f.shown,
					prediction: decoded[j]!.prediction,
					...(decoded[j]!.probabilities ? { probabilities: decoded[j]!.probabilities } : {}),
					scores: Array.from(y.subarray(j * k, (j + 1) * k)),
				}),
			);
		}
		return out;
	} finally {
		model.dispose();
	}
}

/** The folder whose `.modelwright/runs` holds a run folder (where its config normally lives). */
export const storeOwner = (runDir: string) => path.dirname(path.dirname(path.dirname(path.resolve(runDir))));

/**
 * Re-evaluates a run's model: the config snapshot and seed give back the same split and preprocessing.
 * `root` is the folder data paths may not leave: the workspace or the command line's, never a
 * value from the run folder (a crafted summary.json would otherwise choose what may be read).
 */
export async function evaluateRun(
	runDir: string,
	split: 'test' | 'validation' | 'train' | undefined,
	opts: { allowOutside?: boolean; root: string; allowDataChange?: boolean },
): Promise<Evaluation> {
	const summary = readRunSummary(runDir);
	const text = readFileWithin(runDir, 'config.yaml', { maxBytes: 16 * 1024 * 1024, what: 'config snapshot' }).toString('utf8');
	const v = validateText(text);
	if (!v.resolved) throw new Error(tr('run.snapshot', { dir: runDir }));
	const config = v.resolved;
	if (summary?.overrides?.seed !== undefined) config.seed = summary.overrides.seed;
	// Relative data paths resolve against the config's folder; the policy below decides what may be read.
	const configDir = typeof summary?.configPath === 'string' ? path.dirname(path.resolve(summary.configPath)) : storeOwner(runDir);
	// A fold run's splits are its fold's: without it every fold run looked like changed data.
	const f = summary?.fold;
	const fold =
		f && Number.isInteger(f.of) && Number.isInteger(f.index) && f.of >= 2 && f.of <= 100 && f.index >= 0 && f.index < f.of
			? { index: f.index, of: f.of }
			: undefined;
	const data = await prepareData(
		config,
		{
			configDir,
			root: path.resolve(opts.root),
			...(opts.allowOutside ? { allowOutside: true } : {}),
		},
		fold ? { fold } : {},
	);
	// Same seed, same split only if the data is what it was: a reordered file puts training rows into the test split.
	const change = data.summary.fingerprint ? fingerprintChange(summary?.data?.fingerprint, data.summary.fingerprint) : undefined;
	if (change && !opts.allowDataChange) throw new DataError(tr('run.dataChanged', { run: summary?.id ?? runDir, change }));
	const dir = modelDirOf(runDir);
	if (!dir) throw new Error(tr('run.noModel', { dir: runDir }));
	const { model } = await loadExported(dir);
	try {
		const s = split ?? undefined;
		if (s && !data[s]) throw new Error(tr('run.noSplit', { split: s }));
		const ev = addImportance(s ? evaluateModel(model, config, data, s) : evaluateModel(model, config, data), model, config, data);
		if (change) ev.notes = [...(ev.notes ?? []), tr('run.evaluatedAlthough', { change })];
		return ev;
	} finally {
		model.dispose();
	}
}
