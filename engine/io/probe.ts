/**
 * Probing a file data source for the validator: does it exist, is it inside the allowed
 * folder, and what columns/labels does it have. Reads at most PROBE_BYTES, so a huge CSV
 * costs the same as a small one (row counts are then unknown).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { SourceConfig } from '../core/config/schema';
import { infoFromRows, type ProbeResult } from '../core/data/info';

export const PROBE_BYTES = 2 * 1024 * 1024;

export interface PathPolicy {
	/** Folder the config lives in; relative paths resolve against it. */
	configDir: string;
	/** Folder paths must stay inside (the workspace); defaults to configDir. */
	root?: string;
	/** Allow paths that leave `root` (explicit user opt-in). */
	allowOutside?: boolean;
}

/** Resolves a data path against the policy, or explains why it is refused. */
export function resolveDataPath(p: string, policy: PathPolicy): { ok: true; file: string } | { ok: false; message: string } {
	const file = path.resolve(policy.configDir, p);
	const root = path.resolve(policy.root ?? policy.configDir);
	const rel = path.relative(root, file);
	if (!policy.allowOutside && (rel.startsWith('..') || path.isAbsolute(rel))) {
		return { ok: false, message: `\`${p}\` resolves to ${file}, outside ${root}. Move the file into the workspace, or allow paths outside it (setting \`modelwright.allowPathsOutsideWorkspace\`, CLI flag \`--allow-outside\`).` };
	}
	return { ok: true, file };
}

/** Parses the text of a CSV head into row objects with numbers detected. */
export function parseCsvHead(text: string, delimiter = ',', missing: readonly string[] = ['', 'NA', 'NaN', 'null', '?'], complete = true): Record<string, unknown>[] {
	// Drop a possibly cut last line when the text is only the head of the file.
	const body = complete ? text : text.slice(0, Math.max(0, text.lastIndexOf('\n')));
	const records = parse(body, { columns: true, delimiter, skip_empty_lines: true, relax_column_count: true, bom: true, trim: true }) as Record<string, string>[];
	const miss = new Set(missing);
	return records.map((r) => {
		const o: Record<string, unknown> = {};
		for (const [k, v] of Object.entries(r)) {
			if (v === undefined || miss.has(v)) o[k] = null;
			else {
				const n = Number(v);
				o[k] = v !== '' && Number.isFinite(n) ? n : v;
			}
		}
		return o;
	});
}

export function probeFileSync(source: SourceConfig, policy: PathPolicy): ProbeResult | undefined {
	if (source.type !== 'csv' && source.type !== 'json') return undefined;
	const resolved = resolveDataPath(source.path, policy);
	if (!resolved.ok) return { ok: false, reason: 'outside', message: resolved.message };
	let stat: fs.Stats;
	try {
		stat = fs.statSync(resolved.file);
	} catch {
		return { ok: false, reason: 'missing', message: `Data file \`${source.path}\` not found (looked for ${resolved.file}).` };
	}
	if (!stat.isFile()) return { ok: false, reason: 'missing', message: `\`${source.path}\` is not a file.` };
	try {
		const complete = stat.size <= PROBE_BYTES;
		const fd = fs.openSync(resolved.file, 'r');
		const buf = Buffer.alloc(Math.min(stat.size, PROBE_BYTES));
		fs.readSync(fd, buf, 0, buf.length, 0);
		fs.closeSync(fd);
		const text = buf.toString('utf8');
		if (source.type === 'json') {
			if (!complete) return undefined;
			const rows = JSON.parse(text) as unknown;
			if (!Array.isArray(rows)) return { ok: false, reason: 'unreadable', message: `\`${source.path}\` must hold a JSON array of row objects.` };
			return { ok: true, info: infoFromRows(rows as Record<string, unknown>[]) };
		}
		const rows = parseCsvHead(text, source.delimiter ?? ',', source.missingValues, complete);
		const info = infoFromRows(rows, complete ? rows.length : undefined);
		if (!complete) delete info.rows;
		return { ok: true, info };
	} catch (err) {
		return { ok: false, reason: 'unreadable', message: `Cannot read \`${source.path}\`: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}` };
	}
}
