/**
 * Probing a file data source for the validator: does it exist, is it inside the allowed
 * folder, and what columns/labels does it have. Reads at most PROBE_BYTES, so a huge CSV
 * costs the same as a small one (row counts are then unknown).
 */
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { SourceConfig } from '../core/config/schema';
import { infoFromRows, type ProbeResult } from '../core/data/info';
import { validateText, type ValidationResult } from '../core/config/validate';
import { configNameFromPath } from '../core/facts';
import { memoryBudget } from './budget';
import { tc } from '../core/config/messages';
// A cycle by design: the folder listing checks its entries with resolveDataPath (called, never at load).
import { imageFolderFacts, listImageFolderSync } from './imageFolder';
import { bareRecord } from '../core/own';

export const PROBE_BYTES = 2 * 1024 * 1024;

export interface PathPolicy {
	/** Folder the config lives in; relative paths resolve against it. */
	configDir: string;
	/** Folder paths must stay inside (the workspace); defaults to configDir. */
	root?: string;
	/** Allow paths that leave `root` (explicit user opt-in). */
	allowOutside?: boolean;
}

/**
 * The real path of `p` with every symbolic link resolved, also when `p` does not exist yet: the
 * real path of its nearest existing ancestor, the rest appended. A dangling link resolves to where
 * it points, since writing through it would create that file.
 */
export function realPathOf(p: string, depth = 0): string {
	const abs = path.resolve(p);
	try {
		return fs.realpathSync.native(abs);
	} catch {
		/* missing (or a link loop): resolved part by part below */
	}
	const parent = path.dirname(abs);
	if (parent === abs) return abs;
	const realParent = realPathOf(parent, depth);
	let link: string | undefined;
	try {
		if (depth < 40 && fs.lstatSync(abs).isSymbolicLink()) link = fs.readlinkSync(abs);
	} catch {
		/* does not exist */
	}
	return link === undefined ? path.join(realParent, path.basename(abs)) : realPathOf(path.resolve(realParent, link), depth + 1);
}

const inside = (root: string, file: string) => {
	const rel = path.relative(root, file);
	return !rel.startsWith('..') && !path.isAbsolute(rel);
};

/** The first symbolic link on the way from `root` down to `file` (for messages), with where it points. */
function firstLink(root: string, file: string): { link: string; to: string } | undefined {
	const parts = path.relative(root, file).split(path.sep).filter(Boolean);
	let p = root;
	for (const part of parts) {
		p = path.join(p, part);
		try {
			if (fs.lstatSync(p).isSymbolicLink()) return { link: p, to: path.resolve(path.dirname(p), fs.readlinkSync(p)) };
		} catch {
			return undefined;
		}
	}
	return undefined;
}

const ALLOW_HINT = () => tc('MW228.allow');

/**
 * Checks a path the engine reads or writes against the policy by where it really is: `file` (its
 * lexical form) must be inside the root, and so must its real path, so a symbolic link inside the
 * workspace cannot reach outside it. `shown` names the path in messages. Returns the real path.
 */
function checkPath(shown: string, file: string, policy: PathPolicy): { ok: true; file: string } | { ok: false; message: string } {
	const real = realPathOf(file);
	if (policy.allowOutside) return { ok: true, file: real };
	const root = path.resolve(policy.root ?? policy.configDir);
	if (!inside(root, file)) {
		return {
			ok: false,
			message: tc('MW228.resolves', { path: shown, file, root, hint: ALLOW_HINT() }),
		};
	}
	const realRoot = realPathOf(root);
	if (!inside(realRoot, real)) {
		const l = firstLink(root, file);
		const via = l ? tc('MW228.viaLink', { path: shown, link: l.link, to: l.to }) : tc('MW228.viaReal', { path: shown, real });
		return {
			ok: false,
			message: tc('MW228.link', { via, real, root: realRoot, hint: ALLOW_HINT() }),
		};
	}
	return { ok: true, file: real };
}

/** Resolves a data path against the policy, or explains why it is refused. The file returned is the real path (links resolved). */
export function resolveDataPath(p: string, policy: PathPolicy): { ok: true; file: string } | { ok: false; message: string } {
	return checkPath(p, path.resolve(policy.configDir, p), policy);
}

/**
 * A folder the engine writes into that the user chose (run store, export folder from the command
 * line or settings): one named outside the root is the user's choice, but one inside it may not
 * lead outside through a symbolic link (a `.modelwright` link in a cloned repository).
 */
export function checkWriteDir(dir: string, policy: PathPolicy): { ok: true } | { ok: false; message: string } {
	const abs = path.resolve(dir);
	if (policy.allowOutside || !inside(path.resolve(policy.root ?? policy.configDir), abs)) return { ok: true };
	const r = checkPath(abs, abs, policy);
	return r.ok ? { ok: true } : r;
}

/** Parses the text of a CSV head into row objects with numbers detected. */
export function parseCsvHead(
	text: string,
	delimiter = ',',
	missing: readonly string[] = ['', 'NA', 'NaN', 'null', '?'],
	complete = true,
): Record<string, unknown>[] {
	return parseCsvHeadTable(text, delimiter, missing, complete).rows;
}

/**
 * The header and the rows of a CSV head. The header is read as its own record, so a file with a
 * header and no rows still has its columns, and a column named twice is seen (csv-parse's
 * `columns: true` would merge the two).
 */
export function parseCsvHeadTable(
	text: string,
	delimiter = ',',
	missing: readonly string[] = ['', 'NA', 'NaN', 'null', '?'],
	complete = true,
): { header: string[]; rows: Record<string, unknown>[]; ragged?: { line: number; count: number } } {
	// Drop a possibly cut last line when the text is only the head of the file.
	const body = complete ? text : text.slice(0, Math.max(0, text.lastIndexOf('\n')));
	const records = parse(body, {
		delimiter,
		skip_empty_lines: true,
		relax_column_count: true,
		bom: true,
		trim: true,
		info: true,
	}) as unknown as { record: string[]; info: { lines: number } }[];
	const header = records[0]?.record ?? [];
	const miss = new Set(missing);
	let ragged: { line: number; count: number } | undefined;
	const rows = records.slice(1).map(({ record: r, info }) => {
		// The engine's reader refuses a row whose field count is not the header's: the first is said.
		if (!ragged && r.length !== header.length) ragged = { line: info.lines, count: r.length };
		const o = bareRecord<unknown>();
		header.forEach((k, i) => {
			if (Object.hasOwn(o, k)) return;
			const v = r[i];
			if (v === undefined || miss.has(v)) o[k] = null;
			else {
				const n = Number(v);
				o[k] = v !== '' && Number.isFinite(n) ? n : v;
			}
		});
		return o;
	});
	return { header, rows, ...(ragged ? { ragged } : {}) };
}

/** What reading the head of a file gave: its text, or why there is none. */
export type HeadRead =
	{ ok: true; text: string; complete: boolean } | { ok: false; reason: 'missing' | 'unreadable'; notFile?: boolean; error?: string };

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Reads at most PROBE_BYTES of a file (the CLI and the engine: synchronous). */
export function readHeadSync(file: string): HeadRead {
	let size: number;
	try {
		const st = fs.statSync(file);
		if (!st.isFile()) return { ok: false, reason: 'missing', notFile: true };
		size = st.size;
	} catch {
		return { ok: false, reason: 'missing' };
	}
	try {
		const fd = fs.openSync(file, 'r');
		try {
			const buf = Buffer.alloc(Math.min(size, PROBE_BYTES));
			const n = fs.readSync(fd, buf, 0, buf.length, 0);
			return { ok: true, text: buf.subarray(0, n).toString('utf8'), complete: size <= PROBE_BYTES };
		} finally {
			fs.closeSync(fd);
		}
	} catch (err) {
		return { ok: false, reason: 'unreadable', error: errorText(err) };
	}
}

/** Reads at most PROBE_BYTES of a file without blocking (the language server). */
export async function readHead(file: string): Promise<HeadRead> {
	let size: number;
	try {
		const st = await fsp.stat(file);
		if (!st.isFile()) return { ok: false, reason: 'missing', notFile: true };
		size = st.size;
	} catch {
		return { ok: false, reason: 'missing' };
	}
	try {
		const fh = await fsp.open(file, 'r');
		try {
			const buf = Buffer.alloc(Math.min(size, PROBE_BYTES));
			const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
			return { ok: true, text: buf.subarray(0, bytesRead).toString('utf8'), complete: size <= PROBE_BYTES };
		} finally {
			await fh.close();
		}
	} catch (err) {
		return { ok: false, reason: 'unreadable', error: errorText(err) };
	}
}

/** The key under which facts from one head may be cached: what parsing depends on. */
export function parseKey(source: SourceConfig & { type: 'csv' | 'json' }): string {
	return JSON.stringify(source.type === 'csv' ? ['csv', source.delimiter ?? ',', source.missingValues ?? null] : ['json']);
}

/** The validator's facts from a file's head: one place for the parsing and the messages. */
export function factsFromHead(read: HeadRead, source: SourceConfig & { type: 'csv' | 'json' }, file: string): ProbeResult | undefined {
	if (!read.ok) {
		if (read.reason === 'missing')
			return {
				ok: false,
				reason: 'missing',
				message: read.notFile ? tc('MW225.notFile', { path: source.path }) : tc('MW225.missing', { path: source.path, file }),
			};
		return {
			ok: false,
			reason: 'unreadable',
			message: read.error
				? tc('MW225.cannotRead', { path: source.path, error: read.error.split('\n')[0]! })
				: tc('MW225.cannotReadPlain', { path: source.path }),
		};
	}
	try {
		if (source.type === 'json') {
			if (!read.complete) return undefined;
			const rows = JSON.parse(read.text) as unknown;
			if (!Array.isArray(rows)) return { ok: false, reason: 'unreadable', message: tc('MW225.notArray', { path: source.path }) };
			if (!rows.length) return { ok: false, reason: 'unreadable', message: tc('MW225.noRows', { path: source.path }) };
			return { ok: true, info: infoFromRows(rows as Record<string, unknown>[]) };
		}
		let table: ReturnType<typeof parseCsvHeadTable>;
		try {
			table = parseCsvHeadTable(read.text, source.delimiter ?? ',', source.missingValues, read.complete);
		} catch (err) {
			// A head cut inside a quoted multi-line field does not parse; the whole file may well.
			if (!read.complete) return undefined;
			throw err;
		}
		const { header, rows, ragged } = table;
		// A first line (or a first row) longer than the head read: the columns are not known here.
		if (!read.complete && (!header.length || !rows.length)) return undefined;
		// The engine's reader refuses these too; said here, they are located in the editor before a run.
		const seen = new Set<string>();
		const twice = header.find((c) => seen.size === seen.add(c).size);
		if (twice !== undefined)
			return { ok: false, reason: 'unreadable', message: tc('MW225.duplicateColumn', { path: source.path, column: twice }) };
		if (!rows.length) return { ok: false, reason: 'unreadable', message: tc('MW225.noRows', { path: source.path }) };
		if (ragged)
			return {
				ok: false,
				reason: 'unreadable',
				message: tc('MW225.ragged', { path: source.path, line: ragged.line, count: ragged.count, header: header.length }),
			};
		const info = infoFromRows(rows, read.complete ? rows.length : undefined);
		// The header's order (object keys would put integer-like names such as `2020` first).
		info.columns = [...header];
		const numeric = new Set(info.numeric);
		info.numeric = header.filter((c) => numeric.has(c));
		// Only the head was read: the row count and the rows per value would be the head's.
		if (!read.complete) {
			delete info.rows;
			delete info.counts;
		}
		return { ok: true, info };
	} catch (err) {
		return {
			ok: false,
			reason: 'unreadable',
			message: tc('MW225.cannotRead', { path: source.path, error: errorText(err).split('\n')[0]! }),
		};
	}
}

export function probeFileSync(source: SourceConfig, policy: PathPolicy): ProbeResult | undefined {
	if (source.type === 'images') return imageFolderFacts(listImageFolderSync(source, policy));
	if (source.type !== 'csv' && source.type !== 'json') return undefined;
	const resolved = resolveDataPath(source.path, policy);
	if (!resolved.ok) return { ok: false, reason: 'outside', message: resolved.message };
	return factsFromHead(readHeadSync(resolved.file), source, resolved.file);
}

/** Where a config may read and write: its folder, inside `root` (the workspace) unless allowed out. */
export function policyFor(
	configPath: string,
	opts: { root?: string | undefined; allowOutside?: boolean | undefined } = {},
): PathPolicy & { root: string } {
	const configDir = path.dirname(path.resolve(configPath));
	return { configDir, root: path.resolve(opts.root ?? configDir), ...(opts.allowOutside ? { allowOutside: true } : {}) };
}

/** Validates a config's text with its data files probed under the path policy: the one way every entry does it. */
export function validateConfig(
	configPath: string,
	text: string,
	opts: { root?: string | undefined; allowOutside?: boolean | undefined } = {},
): ValidationResult & { policy: PathPolicy & { root: string } } {
	const policy = policyFor(configPath, opts);
	return {
		...validateText(text, {
			fallbackName: configNameFromPath(configPath),
			probe: (s) => probeFileSync(s, policy),
			memoryBudget: memoryBudget(),
		}),
		policy,
	};
}
