/**
 * Image folders (`source: {type: images}`): one subfolder per class of PNG/JPEG files. Listing one
 * reads directories only (no image is decoded), so the validator can count classes and files; the
 * engine decodes the files it lists. Every entry that is a symbolic link is checked against the
 * path policy like a data file (a link inside the workspace may not lead out of it).
 */
import type { Dirent } from 'node:fs';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import type { SourceConfig } from '../core/config/schema';
import type { DataInfo, ProbeResult } from '../core/data/info';
import { compareValues } from '../core/data/labels';
import { tc } from '../core/config/messages';
import { resolveDataPath, type PathPolicy } from './probe';

export type ImageSource = SourceConfig & { type: 'images' };

/** File names read as images (the decoder then goes by the bytes, not the name). */
export const IMAGE_FILE = /\.(png|jpe?g)$/i;

export interface ImageFile {
	/** Real path of the file's folder joined with its name. */
	file: string;
	/** The path as the config names it (`data/shapes/circle/0001.png`), for messages. */
	shown: string;
	/** Index into `classes`. */
	label: number;
}

export interface ImageFolder {
	/** Real path of the folder. */
	dir: string;
	/** Class names: the subfolders holding at least one image, sorted as table labels are. */
	classes: string[];
	/** Every image, class by class, by file name within a class. */
	files: ImageFile[];
}

export type ImageFolderRead =
	{ ok: true; folder: ImageFolder } | { ok: false; reason: 'missing' | 'outside' | 'unreadable'; message: string };

type Kind = 'dir' | 'file' | 'other';

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
const kindOfStat = (st: fs.Stats): Kind => (st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other');

/**
 * The kind of a directory entry; a symbolic link is first checked under the policy (its target
 * must stay inside), then followed. Returns a refusal message for a link leading out.
 */
function linkCheck(shown: string, policy: PathPolicy): { ok: true; real: string } | { ok: false; message: string } {
	const r = resolveDataPath(shown, policy);
	return r.ok ? { ok: true, real: r.file } : { ok: false, message: r.message };
}

function assemble(source: ImageSource, dir: string, classes: { name: string; files: string[] }[]): ImageFolderRead {
	const kept = classes.filter((c) => c.files.length > 0).sort((a, b) => compareValues(a.name, b.name));
	if (kept.length === 0)
		return {
			ok: false,
			reason: 'unreadable',
			message: tc('images.noClasses', { path: source.path }),
		};
	const files: ImageFile[] = [];
	kept.forEach((c, label) => {
		for (const f of c.files.sort(byCodePoint))
			files.push({ file: path.join(dir, c.name, f), shown: path.join(source.path, c.name, f), label });
	});
	return { ok: true, folder: { dir, classes: kept.map((c) => c.name), files } };
}

/** Lists an image folder under the path policy (the CLI and the engine: synchronous). */
export function listImageFolderSync(source: ImageSource, policy: PathPolicy): ImageFolderRead {
	const root = resolveDataPath(source.path, policy);
	if (!root.ok) return { ok: false, reason: 'outside', message: root.message };
	const dir = root.file;
	const kind = (shown: string, full: string, e: Dirent): Kind | { refused: string } => {
		if (!e.isSymbolicLink()) return e.isDirectory() ? 'dir' : e.isFile() ? 'file' : 'other';
		const c = linkCheck(shown, policy);
		if (!c.ok) return { refused: c.message };
		try {
			return kindOfStat(fs.statSync(full));
		} catch {
			return 'other';
		}
	};
	let top: Dirent[];
	try {
		if (!fs.statSync(dir).isDirectory()) return { ok: false, reason: 'missing', message: tc('images.notFolder', { path: source.path }) };
		top = fs.readdirSync(dir, { withFileTypes: true });
	} catch (err) {
		if ((err as NodeJS.ErrnoException).code === 'ENOENT')
			return { ok: false, reason: 'missing', message: tc('images.notFound', { path: source.path, dir }) };
		return { ok: false, reason: 'unreadable', message: tc('images.cannotRead', { path: source.path, error: errorText(err) }) };
	}
	const classes: { name: string; files: string[] }[] = [];
	for (const e of top) {
		if (e.name.startsWith('.')) continue;
		const shown = path.join(source.path, e.name);
		const k = kind(shown, path.join(dir, e.name), e);
		if (typeof k === 'object') return { ok: false, reason: 'outside', message: k.refused };
		if (k !== 'dir') continue;
		let inner: Dirent[];
		try {
			inner = fs.readdirSync(path.join(dir, e.name), { withFileTypes: true });
		} catch (err) {
			return { ok: false, reason: 'unreadable', message: tc('images.cannotRead', { path: shown, error: errorText(err) }) };
		}
		const files: string[] = [];
		for (const f of inner) {
			if (f.name.startsWith('.') || !IMAGE_FILE.test(f.name)) continue;
			const fk = kind(path.join(shown, f.name), path.join(dir, e.name, f.name), f);
			if (typeof fk === 'object') return { ok: false, reason: 'outside', message: fk.refused };
			if (fk === 'file') files.push(f.name);
		}
		classes.push({ name: e.name, files });
	}
	return assemble(source, dir, classes);
}

/** The same without blocking (the language server). */
export async function listImageFolder(source: ImageSource, policy: PathPolicy): Promise<ImageFolderRead> {
	const root = resolveDataPath(source.path, policy);
	if (!root.ok) return { ok: false, reason: 'outside', message: root.message };
	const dir = root.file;
	const kind = async (shown: string, full: string, e: Dirent): Promise<Kind | { refused: string }> => {
		if (!e.isSymbolicLink()) return e.isDirectory() ? 'dir' : e.isFile() ? 'file' : 'other';
		const c = linkCheck(shown, policy);
		if (!c.ok) return { refused: c.message };
		return fsp.stat(full).then(kindOfStat, () => 'other' as const);
	};
	let top: Dirent[];
	try {
		if (!(await fsp.stat(dir)).isDirectory())
			return { ok: false, reason: 'missing', message: tc('images.notFolder', { path: source.path }) };
		top = await fsp.readdir(dir, { withFileTypes: true });
	} catch (err) {
		if ((err as NodeJS.ErrnoException).code === 'ENOENT')
			return { ok: false, reason: 'missing', message: tc('images.notFound', { path: source.path, dir }) };
		return { ok: false, reason: 'unreadable', message: tc('images.cannotRead', { path: source.path, error: errorText(err) }) };
	}
	const classes: { name: string; files: string[] }[] = [];
	for (const e of top) {
		if (e.name.startsWith('.')) continue;
		const shown = path.join(source.path, e.name);
		const k = await kind(shown, path.join(dir, e.name), e);
		if (typeof k === 'object') return { ok: false, reason: 'outside', message: k.refused };
		if (k !== 'dir') continue;
		let inner: Dirent[];
		try {
			inner = await fsp.readdir(path.join(dir, e.name), { withFileTypes: true });
		} catch (err) {
			return { ok: false, reason: 'unreadable', message: tc('images.cannotRead', { path: shown, error: errorText(err) }) };
		}
		const files: string[] = [];
		for (const f of inner) {
			if (f.name.startsWith('.') || !IMAGE_FILE.test(f.name)) continue;
			const fk = await kind(path.join(shown, f.name), path.join(dir, e.name, f.name), f);
			if (typeof fk === 'object') return { ok: false, reason: 'outside', message: fk.refused };
			if (fk === 'file') files.push(f.name);
		}
		classes.push({ name: e.name, files });
	}
	return assemble(source, dir, classes);
}

/** The validator's facts from a listing: columns `image` and `label`, one row per image. */
export function imageFolderFacts(read: ImageFolderRead): ProbeResult {
	if (!read.ok) return read;
	const { classes, files } = read.folder;
	const info: DataInfo = {
		columns: ['image', 'label'],
		numeric: [],
		rows: files.length,
		distinct: { label: classes },
		defaultLabel: 'label',
		defaultFeatures: ['image'],
	};
	return { ok: true, info };
}
