/**
 * A trial's run folder on its way home: packed by the worker into one gzipped buffer (a JSON
 * header listing the files, then their bytes), unpacked by the coordinator into a run folder of
 * its own sweep. Only what Modelwright writes in a run folder travels (summary.json, config.yaml,
 * metrics.jsonl, evaluation.json, model/, checkpoints/), as regular files with plain names: an
 * unpacked entry can never be a link, leave its folder, or overwrite anything outside it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { safeRelativePath } from '../../../core/tune/distributed';

const MAGIC = Buffer.from('MWRUN1\n');
/** Top-level entries of a run folder that travel (engine/io/store.ts; not the lock or temp files). */
const TOP_FILES = new Set(['summary.json', 'config.yaml', 'metrics.jsonl', 'evaluation.json']);
const TOP_DIRS = new Set(['model', 'checkpoints']);
const MAX_FILES = 10_000;

/** Whether `rel` ('/'-separated) is an entry of a run folder that may travel. */
function allowed(rel: string): boolean {
	const parts = safeRelativePath(rel);
	if (!parts) return false;
	if (parts.length === 1) return TOP_FILES.has(parts[0]!);
	return TOP_DIRS.has(parts[0]!) && parts.length <= 4;
}

export class PackError extends Error {}

/** The files of run folder `dir` that travel, packed; throws past `maxBytes` (uncompressed). */
export function packRun(dir: string, maxBytes: number): Buffer {
	const files: { path: string; size: number }[] = [];
	const bodies: Buffer[] = [];
	let total = 0;
	const walk = (rel: string) => {
		for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
			const r = rel ? `${rel}/${e.name}` : e.name;
			if (e.isDirectory() && (rel || TOP_DIRS.has(e.name))) walk(r);
			else if (e.isFile() && allowed(r)) {
				const body = fs.readFileSync(path.join(dir, r));
				total += body.length;
				if (total > maxBytes)
					throw new PackError(
						`the run folder ${path.basename(dir)} holds more than ${mb(maxBytes)} (the limit on results sent back through Redis, tune --max-result-mb)`,
					);
				if (files.length >= MAX_FILES) throw new PackError(`the run folder ${path.basename(dir)} holds more than ${MAX_FILES} files`);
				files.push({ path: r, size: body.length });
				bodies.push(body);
			}
		}
	};
	walk('');
	const header = Buffer.from(JSON.stringify({ files }));
	const len = Buffer.alloc(4);
	len.writeUInt32BE(header.length);
	return gzipSync(Buffer.concat([MAGIC, len, header, ...bodies]), { level: 6 });
}

const mb = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(0)} MB` : `${(n / 1024).toFixed(1)} kB`);

export interface PackedFile {
	path: string;
	body: Buffer;
}

/** The files of a pack, checked: known run-folder entries only, sizes adding up, at most `maxBytes` unpacked. */
export function readPack(packed: Buffer, maxBytes: number): PackedFile[] {
	let raw: Buffer;
	try {
		raw = gunzipSync(packed, { maxOutputLength: maxBytes + 4 * 1024 * 1024 });
	} catch (err) {
		throw new PackError(`the packed run is not readable (${err instanceof Error ? err.message : String(err)})`);
	}
	if (raw.length < MAGIC.length + 4 || !raw.subarray(0, MAGIC.length).equals(MAGIC))
		throw new PackError('the packed run has no valid header');
	const hlen = raw.readUInt32BE(MAGIC.length);
	const start = MAGIC.length + 4;
	if (start + hlen > raw.length) throw new PackError('the packed run is cut short');
	let header: { files?: unknown };
	try {
		header = JSON.parse(raw.subarray(start, start + hlen).toString('utf8')) as { files?: unknown };
	} catch {
		throw new PackError('the packed run has no valid header');
	}
	if (!Array.isArray(header.files) || header.files.length > MAX_FILES) throw new PackError('the packed run lists no valid files');
	const out: PackedFile[] = [];
	const seen = new Set<string>();
	let off = start + hlen;
	for (const f of header.files as { path?: unknown; size?: unknown }[]) {
		if (typeof f.path !== 'string' || !allowed(f.path) || seen.has(f.path))
			throw new PackError(`the packed run holds an entry a run folder may not hold (${JSON.stringify(f.path)})`);
		if (typeof f.size !== 'number' || !Number.isInteger(f.size) || f.size < 0 || off + f.size > raw.length)
			throw new PackError('the packed run is cut short');
		seen.add(f.path);
		out.push({ path: f.path, body: raw.subarray(off, off + f.size) });
		off += f.size;
	}
	if (off !== raw.length) throw new PackError('the packed run has trailing bytes');
	if (off - start - hlen > maxBytes) throw new PackError(`the packed run holds more than ${mb(maxBytes)}`);
	if (!seen.has('summary.json')) throw new PackError('the packed run has no summary.json');
	return out;
}

/**
 * Writes packed files into `dir` (a new, empty run folder the caller created): each as a new
 * regular file (exclusive create, so nothing existing is followed or overwritten).
 */
export function writePackedFiles(dir: string, files: PackedFile[]): void {
	for (const f of files) {
		const parts = safeRelativePath(f.path)!;
		let d = dir;
		for (const p of parts.slice(0, -1)) {
			d = path.join(d, p);
			try {
				fs.mkdirSync(d);
			} catch (err) {
				if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || !fs.lstatSync(d).isDirectory()) throw err;
			}
		}
		fs.writeFileSync(path.join(d, parts.at(-1)!), f.body, { flag: 'wx' });
	}
}
