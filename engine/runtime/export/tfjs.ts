/**
 * tfjs layers format on disk (`model.json` + `weights.bin`) through file IO handlers, so no
 * tfjs-node is needed; the files are the standard format and load with plain
 * `tf.loadLayersModel` given any handler that reads them. Preprocessing metadata and the config
 * snapshot are written beside the model so `predict` re-applies the training-time transforms.
 * Export folders are marked (engine/io/exportTarget.ts) and never hold anyone else's files.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Preprocessing } from '../data/preprocess';
// Registers Modelwright's own layer classes, so tf.loadLayersModel can rebuild models that use them.
import { CUSTOM_LAYER_NAMES } from '../model/layers';
import { exportTargetProblem, markExportFolder } from '../../io/exportTarget';
import { readFileWithin, statWithin, writeAtomic, writeJson } from '../../io/fsutil';
import { ONNX_FILE, TOKENIZER_FILE } from '../../core/onnx';

/** Weights a model may declare, in all: more than a Node Buffer holds is not a model we wrote. */
const MAX_WEIGHT_BYTES = 2 ** 32 - 1;

export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';
export const PREPROCESSING_FILE = 'preprocessing.json';
export const CONFIG_FILE = 'config.yaml';

export function fileSaveHandler(dir: string): tf.io.IOHandler {
	return tf.io.withSaveHandler(async (a) => {
		fs.mkdirSync(dir, { recursive: true });
		const weights = a.weightData ? Buffer.from(tf.io.CompositeArrayBuffer.join(a.weightData)) : Buffer.alloc(0);
		writeAtomic(path.join(dir, WEIGHTS_FILE), weights);
		writeJson(path.join(dir, MODEL_FILE), {
			format: 'layers-model',
			generatedBy: a.generatedBy,
			convertedBy: a.convertedBy ?? null,
			modelTopology: a.modelTopology,
			weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: a.weightSpecs ?? [] }],
			...(a.userDefinedMetadata ? { userDefinedMetadata: a.userDefinedMetadata } : {}),
		});
		return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weights.length } };
	});
}

/** Bytes per element of a weight as stored (a quantized weight is stored in its quantized type). */
const STORED_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8, uint8: 1, uint16: 2, float16: 2 };

/** Size in bytes that a manifest's weight specs declare (the model's files must have exactly that). */
export function declaredWeightBytes(specs: readonly tf.io.WeightsManifestEntry[]): number {
	let total = 0;
	for (const w of specs) {
		if (!w || typeof w !== 'object') throw new Error('a weight spec of the manifest is not an object.');
		const dtype = w.quantization?.dtype ?? w.dtype;
		const bytes = STORED_BYTES[dtype];
		if (bytes === undefined) throw new Error(`weight \`${w.name}\` has dtype ${String(dtype)}, which a model file cannot hold.`);
		if (!Array.isArray(w.shape) || !w.shape.every((d) => Number.isSafeInteger(d) && d >= 0))
			throw new Error(`weight \`${w.name}\` has an invalid shape.`);
		total += w.shape.reduce((a, d) => a * d, 1) * bytes;
	}
	return total;
}

/** model.json and preprocessing.json are small; a bigger one is not a model file. */
const MAX_JSON_BYTES = 64 * 1024 * 1024;

interface ModelJson {
	modelTopology: object;
	weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

/**
 * Loads a model folder that may have been crafted: every weights path stays inside the folder
 * and is a regular file, and each manifest group's files hold exactly the bytes its weight specs
 * declare (checked before anything is read).
 */
export function fileLoadHandler(dir: string): tf.io.IOHandler {
	return {
		load: async () => {
			const json = JSON.parse(
				readFileWithin(dir, MODEL_FILE, { maxBytes: MAX_JSON_BYTES, what: 'model file' }).toString('utf8'),
			) as ModelJson;
			const groups = json?.weightsManifest;
			if (
				!json?.modelTopology ||
				!Array.isArray(groups) ||
				!groups.every((g) => Array.isArray(g?.paths) && g.paths.every((p) => typeof p === 'string') && Array.isArray(g.weights))
			)
				throw new Error(`${path.join(dir, MODEL_FILE)} is not a tfjs layers model (no modelTopology or weightsManifest).`);
			const buffers: Buffer[] = [];
			// Each weights file is read once: listing one file many times would pass the size check
			// with N× its bytes declared, and read it N times (memory exhaustion).
			const seen = new Set<string>();
			let total = 0;
			for (const [i, g] of groups.entries()) {
				// Sizes first, then the reads: nothing is read unless the group's files add up to its specs.
				const want = declaredWeightBytes(g.weights);
				total += want;
				if (total > MAX_WEIGHT_BYTES)
					throw new Error(`${path.join(dir, MODEL_FILE)} declares more than ${MAX_WEIGHT_BYTES} bytes of weights.`);
				const sizes = g.paths.map((p) => {
					const st = statWithin(dir, p, 'weights file');
					if (seen.has(st.file)) throw new Error(`${path.join(dir, MODEL_FILE)} lists the weights file \`${p}\` more than once.`);
					seen.add(st.file);
					return st.size;
				});
				const have = sizes.reduce((a, b) => a + b, 0);
				if (have !== want)
					throw new Error(
						`the weights files of ${path.join(dir, MODEL_FILE)} (group ${i + 1}: ${g.paths.join(', ')}) hold ${have} bytes; its weight specs declare ${want}.`,
					);
				g.paths.forEach((p, k) => buffers.push(readFileWithin(dir, p, { size: sizes[k]!, what: 'weights file' })));
			}
			const all = Buffer.concat(buffers);
			return {
				modelTopology: json.modelTopology,
				weightSpecs: groups.flatMap((g) => g.weights),
				weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
			};
		},
	};
}

/**
 * Writes an export folder: the tfjs model unless `tfjs` is false, `model.onnx` when `onnx` holds its
 * bytes (engine/runtime/export/onnx.ts), and always the preprocessing and the config snapshot.
 */
export async function exportModel(
	model: tf.LayersModel,
	dir: string,
	extra: { preprocessing: Preprocessing; configText: string; tfjs?: boolean; onnx?: Uint8Array; tokenizer?: string },
): Promise<void> {
	// Never over files Modelwright did not write (checked before training too; this catches a folder filled since).
	const problem = exportTargetProblem(dir);
	if (problem) throw new Error(problem);
	fs.mkdirSync(dir, { recursive: true });
	if (extra.tfjs !== false) {
		await model.save(fileSaveHandler(dir));
		if (model.layers.some((l) => CUSTOM_LAYER_NAMES.has(l.getClassName()))) writeLayersModule(dir);
		else fs.rmSync(path.join(dir, LAYERS_MODULE), { force: true });
	} else for (const f of [MODEL_FILE, WEIGHTS_FILE, LAYERS_MODULE]) fs.rmSync(path.join(dir, f), { force: true }); // an earlier export's
	if (extra.onnx) writeAtomic(path.join(dir, ONNX_FILE), extra.onnx);
	else fs.rmSync(path.join(dir, ONNX_FILE), { force: true });
	if (extra.onnx && extra.tokenizer) writeAtomic(path.join(dir, TOKENIZER_FILE), extra.tokenizer);
	else fs.rmSync(path.join(dir, TOKENIZER_FILE), { force: true });
	writeJson(path.join(dir, PREPROCESSING_FILE), extra.preprocessing);
	writeAtomic(path.join(dir, CONFIG_FILE), extra.configText);
	markExportFolder(dir);
}

/** The standalone build of model/layers.ts (esbuild.mjs): beside the runtime bundle, or in dist/ when run from sources. */
export const LAYERS_MODULE = 'modelwright-layers.js';
function layersModuleSource(): string | undefined {
	return [path.join(__dirname, LAYERS_MODULE), path.join(__dirname, '..', '..', '..', 'dist', LAYERS_MODULE)].find((f) => fs.existsSync(f));
}

/**
 * A model with Modelwright's own layers gets their classes beside it: `require('./modelwright-layers.js')`
 * registers them with the caller's @tensorflow/tfjs before tf.loadLayersModel.
 */
export function writeLayersModule(dir: string): void {
	const src = layersModuleSource();
	if (!src) throw new Error(`${LAYERS_MODULE} is missing beside the engine: run \`npm run build\`.`);
	writeAtomic(path.join(dir, LAYERS_MODULE), fs.readFileSync(src));
}

export async function loadExported(dir: string): Promise<{ model: tf.LayersModel; preprocessing: Preprocessing }> {
	const model = await tf.loadLayersModel(fileLoadHandler(dir));
	const preprocessing = JSON.parse(
		readFileWithin(dir, PREPROCESSING_FILE, { maxBytes: MAX_JSON_BYTES, what: 'preprocessing file' }).toString('utf8'),
	) as Preprocessing;
	return { model, preprocessing };
}
