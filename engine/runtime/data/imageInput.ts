/**
 * Images given to a trained image model (`modelwright predict <run> <files|folder>`, `serve`'s
 * POST /predict): each decoded and resized into a model input row exactly as training read its
 * files (imageData.ts readInto: decodeImage, then resizeInto to preprocessing.json's `image`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { IMAGE_FILE } from '../../io/imageFolder';
import { DataError } from './csv';
import { decodeImage, resizeInto } from './images';
import type { Preprocessing } from './preprocess';
import { tr } from '../messages';

/** Values one image takes in a model input row: height × width × channels. */
export function imageRowWidth(pre: Pick<Preprocessing, 'image'>): number {
	const im = pre.image!;
	return im.size[0] * im.size[1] * im.channels;
}

/**
 * Decodes `bytes` (PNG or JPEG, told by their signature) and writes the resized pixels at
 * `out[offset…]`; returns its pixel count. Throws an Error saying why an image is unusable
 * (`maxMegapixels` lowers the decoder's limit).
 */
export function imageIntoRow(
	pre: Pick<Preprocessing, 'image'>,
	bytes: Buffer,
	out: Float32Array,
	offset: number,
	maxMegapixels?: number,
): number {
	const im = pre.image!;
	const src = decodeImage(bytes, maxMegapixels);
	resizeInto(src, im.size[0], im.size[1], im.channels, out, offset);
	return src.width * src.height;
}

/**
 * The image files named on a command line: files as given, folders searched (subfolders too, so
 * a folder per class works) for .png/.jpg/.jpeg files, in name order. Links to folders are not
 * followed (no loops); a name that is neither, or a folder without images, is a DataError.
 */
export function imageFilesOf(cwd: string, names: readonly string[]): { file: string; shown: string }[] {
	const out: { file: string; shown: string }[] = [];
	const walk = (dir: string, shown: string) => {
		const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
		for (const e of entries) {
			const file = path.join(dir, e.name);
			const s = path.join(shown, e.name);
			if (e.isDirectory()) walk(file, s);
			else if ((e.isFile() || (e.isSymbolicLink() && fs.statSync(file, { throwIfNoEntry: false })?.isFile())) && IMAGE_FILE.test(e.name))
				out.push({ file, shown: s });
		}
	};
	for (const name of names) {
		const file = path.resolve(cwd, name);
		const stat = fs.statSync(file, { throwIfNoEntry: false });
		if (!stat) throw new DataError(tr('image.noSuchFile', { name }), file);
		if (stat.isDirectory()) {
			const before = out.length;
			walk(file, name);
			if (out.length === before) throw new DataError(tr('image.noImages', { name }), file);
		} else out.push({ file, shown: name });
	}
	return out;
}
