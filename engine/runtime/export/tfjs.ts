/**
 * tfjs layers format on disk (`model.json` + `weights.bin`) through file IO handlers, so no
 * tfjs-node is needed; the files are the standard format and load with plain
 * `tf.loadLayersModel` given any handler that reads them. Preprocessing metadata and the config
 * snapshot are written beside the model so `predict` re-applies the training-time transforms.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Preprocessing } from '../data/preprocess';
import { writeAtomic, writeJson } from '../../io/fsutil';

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

export function fileLoadHandler(dir: string): tf.io.IOHandler {
	return {
		load: async () => {
			const json = JSON.parse(fs.readFileSync(path.join(dir, MODEL_FILE), 'utf8')) as {
				modelTopology: object;
				weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
			};
			const buffers = json.weightsManifest.flatMap((g) => g.paths.map((p) => fs.readFileSync(path.join(dir, p))));
			const all = Buffer.concat(buffers);
			return {
				modelTopology: json.modelTopology,
				weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
				weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
			};
		},
	};
}

export async function exportModel(
	model: tf.LayersModel,
	dir: string,
	extra: { preprocessing: Preprocessing; configText: string },
): Promise<void> {
	await model.save(fileSaveHandler(dir));
	writeJson(path.join(dir, PREPROCESSING_FILE), extra.preprocessing);
	writeAtomic(path.join(dir, CONFIG_FILE), extra.configText);
}

export async function loadExported(dir: string): Promise<{ model: tf.LayersModel; preprocessing: Preprocessing }> {
	const model = await tf.loadLayersModel(fileLoadHandler(dir));
	const preprocessing = JSON.parse(fs.readFileSync(path.join(dir, PREPROCESSING_FILE), 'utf8')) as Preprocessing;
	return { model, preprocessing };
}
