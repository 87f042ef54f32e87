/**
 * An `images` source as training arrays: the folder is listed (labels from the class folders), split
 * seeded and stratified like a table, and each file is decoded straight into its split's
 * Float32Array (one copy of the pixels in memory, no per-pixel objects).
 */
import { createHash } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import type { ResolvedConfig } from '../../core/config/resolve';
import { mixSeed } from '../../core/random';
import { listImageFolderSync, type ImageFile } from '../../io/imageFolder';
import type { PathPolicy } from '../../io/probe';
import { DataError } from './csv';
import { sha256 } from './load';
import { decodeImage, resizeInto } from './images';
import { inferTask, labelEncoding, PREVIEW_ROWS, type PreparedData, type PrepareOptions, type SplitArrays } from './prepare';
import type { LabelEncoding, Preprocessing } from './preprocess';
import { kFoldIndices, splitRows, toArray, type SplitIndices } from './split';
import { tr } from '../messages';

type ImagesSource = ResolvedConfig['data']['source'] & { type: 'images' };

/** [height, width, channels] of an images source. */
export function imageShape(source: ImagesSource): [number, number, 1 | 3] {
	const [h, w] = typeof source.imageSize === 'number' ? [source.imageSize, source.imageSize] : source.imageSize;
	return [h, w, source.channels === 1 ? 1 : 3];
}

function encodeLabel(e: LabelEncoding, k: number, ci: number, out: Float32Array, j: number): void {
	if (e === 'oneHot') out[j * k + ci] = 1;
	else if (e === 'hinge') out[j] = ci === 1 ? 1 : -1;
	else out[j] = ci;
}

export async function prepareImages(config: ResolvedConfig, policy: PathPolicy, opts: PrepareOptions = {}): Promise<PreparedData> {
	const d = config.data;
	const source = d.source as ImagesSource;
	const listed = listImageFolderSync(source, policy);
	if (!listed.ok) throw new DataError(listed.message);
	const { classes, files } = listed.folder;
	if (d.label !== undefined && d.label !== 'label') throw new DataError(tr('image.columns', { label: d.label }));
	const task = inferTask(config.training.loss, d.task, classes.length);
	if (task === 'regression')
		throw new DataError(
			tr('image.regression', { path: source.path, classes: `${classes.slice(0, 5).join(', ')}${classes.length > 5 ? ', …' : ''}` }),
		);
	const encoding = labelEncoding(config.training.loss, task);
	const [h, w, c] = imageShape(source);
	const size = h * w * c;
	const inputShape = config.model.inputShape ?? [h, w, c];
	if (inputShape.reduce((a, b) => a * b, 1) !== size)
		throw new DataError(tr('image.inputShape', { shape: inputShape.join(', '), h, w, c, size }));

	const n = files.length;
	const labels = Int32Array.from(files, (f) => f.label);
	const sp = d.split;
	const split = splitRows(n, {
		validation: sp.folds ? 0 : sp.validation,
		test: sp.test,
		seed: mixSeed(config.seed, 2),
		shuffle: sp.shuffle,
		...(sp.stratify ? { labels } : {}),
	});
	if (opts.fold) {
		const pool = [...toArray(split.train), ...toArray(split.validation)].sort((a, b) => a - b);
		const folds = kFoldIndices(pool, opts.fold.of, {
			seed: mixSeed(config.seed, 6),
			shuffle: sp.shuffle,
			...(sp.stratify ? { labels } : {}),
		});
		const f = folds[opts.fold.index];
		if (!f) throw new DataError(tr('data.noFold', { n: opts.fold.index + 1, of: opts.fold.of }));
		split.train = Int32Array.from(f.train);
		split.validation = Int32Array.from(f.validation);
	}
	if (split.train.length === 0) throw new DataError(tr('image.trainEmpty'));

	const pre: Preprocessing = {
		version: 1,
		features: [],
		inputs: ['image'],
		label: { column: 'label', encoding, classes },
		task,
		inputShape,
		image: { size: [h, w], channels: c },
	};
	const k = encoding === 'oneHot' ? classes.length : 1;
	// Each file's digest (path and bytes), combined in listing order after every split is read.
	const digests: string[] = new Array<string>(n);
	const arrays = async (index: Int32Array): Promise<SplitArrays> => {
		const m = index.length;
		const x = new Float32Array(m * size);
		const y = new Float32Array(m * k);
		const cls = new Int32Array(m);
		for (let j = 0; j < m; j++) {
			const f = files[index[j]!]!;
			cls[j] = f.label;
			encodeLabel(encoding, k, f.label, y, j);
		}
		// Reads overlap (READ_AHEAD at a time); each file has its own slot, so the order they finish in
		// does not matter, and the first failure in split order is the one reported.
		for (let j0 = 0; j0 < m; j0 += READ_AHEAD) {
			const batch = Array.from({ length: Math.min(READ_AHEAD, m - j0) }, (_, i) =>
				readInto(files[index[j0 + i]!]!, h, w, c, x, (j0 + i) * size).then((d) => {
					digests[index[j0 + i]!] = d;
				}),
			);
			const failed = (await Promise.allSettled(batch)).find((r) => r.status === 'rejected');
			if (failed) throw failed.reason;
		}
		const rows = Array.from(index.subarray(0, PREVIEW_ROWS), (i) => ({ image: files[i]!.shown, label: classes[files[i]!.label]! }));
		return { x, y, n: m, classes: cls, rows };
	};
	const out: PreparedData = {
		train: await arrays(split.train),
		preprocessing: pre,
		yShape: [k],
		summary: {
			rows: n,
			droppedRows: 0,
			features: ['image'],
			inputs: size,
			label: 'label',
			task,
			classes,
			split: { train: split.train.length, validation: split.validation.length, test: split.test.length },
		},
		get indices(): SplitIndices {
			return { train: toArray(split.train), validation: toArray(split.validation), test: toArray(split.test) };
		},
	};
	if (split.validation.length) out.validation = await arrays(split.validation);
	if (split.test.length) out.test = await arrays(split.test);
	// As for tables: evaluate re-splits from the seed, which gives back the test images only if the folder is unchanged.
	const printRows = (ix: Int32Array) => sha256(new Uint8Array(Int32Array.from(ix).sort().buffer));
	out.summary.fingerprint = {
		data: sha256(digests.join('\n')),
		source: listed.folder.dir,
		splits: { train: printRows(split.train), validation: printRows(split.validation), test: printRows(split.test) },
	};
	return out;
}

/** Files read at once. */
const READ_AHEAD = 16;

/** Decodes one file into `out` at `offset` and returns its digest; an unreadable file stops the run with its path and the reason. */
async function readInto(f: ImageFile, h: number, w: number, c: 1 | 3, out: Float32Array, offset: number): Promise<string> {
	let bytes: Buffer;
	try {
		bytes = await fsp.readFile(f.file);
	} catch (err) {
		throw new DataError(tr('image.cannotRead', { file: f.shown, error: err instanceof Error ? err.message : String(err) }), f.file);
	}
	try {
		resizeInto(decodeImage(bytes), h, w, c, out, offset);
	} catch (err) {
		throw new DataError(tr('image.fileProblem', { file: f.shown, error: err instanceof Error ? err.message : String(err) }), f.file);
	}
	// `<class>/<file>`: the print does not change when the config (and its relative path) moves.
	return `${path.basename(path.dirname(f.file))}/${path.basename(f.file)}\t${createHash('sha256').update(bytes).digest('hex')}`;
}
