/**
 * Export folders: Modelwright writes a model only into a folder that is new, empty, or one it
 * exported to before — marked by a `.modelwright-export` file it writes there. A folder of the
 * user's own files (say the config's folder, `export.path: .`) is refused, naming what would be
 * overwritten. Training checks its targets before it starts; `modelwright export` and the
 * engine process's export obey the same rule.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { statWithin, writeJson } from './fsutil';

export const EXPORT_MARKER = '.modelwright-export';
/** The files an export writes (engine/runtime/export/tfjs.ts). */
export const EXPORT_FILES = [
	'model.json',
	'weights.bin',
	'model.onnx',
	'tokenizer.json',
	'preprocessing.json',
	'config.yaml',
	'MODEL_CARD.md',
] as const;

/** Why `dir` may not receive an export; undefined when it may. `shown` names it in the message. */
export function exportTargetProblem(dir: string, shown = dir): string | undefined {
	let stat: fs.Stats;
	try {
		stat = fs.statSync(dir);
	} catch {
		return undefined; // created by the export
	}
	if (!stat.isDirectory()) return `the export folder ${shown} is a file.`;
	const entries = fs.readdirSync(dir);
	if (entries.length === 0 || entries.includes(EXPORT_MARKER)) return undefined;
	const overwritten = EXPORT_FILES.filter((f) => entries.includes(f));
	const others = entries.filter((e) => !overwritten.includes(e as (typeof EXPORT_FILES)[number]));
	const list = (xs: readonly string[]) => `${xs.slice(0, 6).join(', ')}${xs.length > 6 ? `, … (${xs.length} in all)` : ''}`;
	return `refusing to export into ${shown}: it holds files Modelwright did not write (no ${EXPORT_MARKER} in it)${
		overwritten.length ? `, and the export would overwrite ${list(overwritten)}` : `: ${list(others)}`
	}. Export to a new or empty folder.`;
}

/** Marks `dir` as an export folder Modelwright may overwrite later. */
export function markExportFolder(dir: string, from?: string): void {
	writeJson(path.join(dir, EXPORT_MARKER), {
		note: 'Written by Modelwright: this folder holds an exported model and may be overwritten by the next export.',
		...(from ? { from } : {}),
		at: new Date().toISOString(),
	});
}

/**
 * Copies an exported model folder (`src`, e.g. a run's model/) to `out`, refused like any export
 * target. `skip` names export files not wanted (a format not asked for): an earlier export's copy
 * of them is removed, so the folder holds one export.
 */
export function copyExport(src: string, out: string, shown = out, skip: readonly string[] = []): void {
	const problem = exportTargetProblem(out, shown);
	if (problem) throw new Error(problem);
	if (fs.existsSync(out) && fs.realpathSync(out) === fs.realpathSync(src)) throw new Error(`${shown} is the model folder being exported.`);
	fs.mkdirSync(out, { recursive: true });
	// The folder is ours from here: marked first, so a failed copy does not lock it against retries.
	markExportFolder(out, src);
	// Only the files an export has, each a regular file inside `src` (a crafted run may link
	// weights.bin to ~/.ssh/id_rsa or /dev/zero), written to a fresh temp file and renamed over the
	// target, so a link planted in `out` is replaced, never written through.
	for (const f of EXPORT_FILES) {
		if (skip.includes(f)) {
			fs.rmSync(path.join(out, f), { force: true });
			continue;
		}
		if (!fs.existsSync(path.join(src, f))) continue;
		const { file } = statWithin(src, f, 'model file');
		const tmp = path.join(out, `.${f}.${process.pid}.${Date.now()}.tmp`);
		try {
			fs.copyFileSync(file, tmp, fs.constants.COPYFILE_EXCL);
			fs.renameSync(tmp, path.join(out, f));
		} catch (err) {
			fs.rmSync(tmp, { force: true });
			throw err;
		}
	}
}
