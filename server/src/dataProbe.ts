/**
 * Facts about data files for the validator, read asynchronously: the validator's probe is
 * synchronous, so a file not yet read answers "unknown" (its checks are skipped) and the
 * documents that asked are re-validated once the read finishes. Entries are dropped when a
 * watched file changes.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { SourceConfig } from '../../engine/core/config/schema';
import { infoFromRows, type ProbeResult } from '../../engine/core/data/info';
import { parseCsvHead, PROBE_BYTES, resolveDataPath, type PathPolicy } from '../../engine/io/probe';

/** What reading a file gave: its head, or why there is none. */
type FileRead = { ok: true; text: string; complete: boolean } | { ok: false; reason: 'missing' | 'unreadable'; notFile?: boolean; error?: string };

interface Entry {
	file: string;
	read?: FileRead;
	/** Facts per parse options (delimiter, missing values, csv/json), computed on demand from the head. */
	parsed: Map<string, ProbeResult | undefined>;
	/** Config URIs whose validation used this entry. */
	dependents: Set<string>;
}

const MAX_ENTRIES = 200;

export class DataProbe {
	private readonly entries = new Map<string, Entry>();

	constructor(
		/** Called with the configs to re-validate after a read finished or a file changed. */
		private readonly revalidate: (uris: string[]) => void,
		private readonly log: (message: string) => void,
	) {}

	/** The synchronous probe `validateText` takes, for one config. */
	probeFor(uri: string, policy: PathPolicy | undefined): (source: SourceConfig) => ProbeResult | undefined {
		return (source) => {
			if (!policy || (source.type !== 'csv' && source.type !== 'json')) return undefined;
			const resolved = resolveDataPath(source.path, policy);
			if (!resolved.ok) return { ok: false, reason: 'outside', message: resolved.message };
			let e = this.entries.get(resolved.file);
			if (!e) {
				if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
				e = { file: resolved.file, parsed: new Map(), dependents: new Set() };
				this.entries.set(resolved.file, e);
				void this.read(e);
			}
			e.dependents.add(uri);
			return facts(e, source);
		};
	}

	/** The last known facts for a source, without starting a read (completion of column names). */
	cached(policy: PathPolicy | undefined, source: SourceConfig): ProbeResult | undefined {
		if (!policy || (source.type !== 'csv' && source.type !== 'json')) return undefined;
		const r = resolveDataPath(source.path, policy);
		const e = r.ok ? this.entries.get(r.file) : undefined;
		return e ? facts(e, source) : undefined;
	}

	/** A watched file changed (created, changed or deleted): forget it and re-check its configs. */
	fileChanged(file: string): void {
		const e = this.entries.get(path.resolve(file));
		if (!e) return;
		this.entries.delete(e.file);
		if (e.dependents.size) this.revalidate([...e.dependents]);
	}

	private async read(e: Entry): Promise<void> {
		e.read = await readHead(e.file).catch((err: unknown): FileRead => ({ ok: false, reason: 'unreadable', error: err instanceof Error ? err.message : String(err) }));
		if (!e.read.ok && e.read.error) this.log(`probe ${e.file}: ${e.read.error}`);
		// A file change may have dropped the entry while the read was running; its result is stale.
		if (this.entries.get(e.file) !== e) return;
		this.revalidate([...e.dependents]);
	}
}

/** Reads at most PROBE_BYTES of a file without blocking. */
export async function readHead(file: string): Promise<FileRead> {
	let size: number;
	try {
		const st = await fs.stat(file);
		if (!st.isFile()) return { ok: false, reason: 'missing', notFile: true };
		size = st.size;
	} catch {
		return { ok: false, reason: 'missing' };
	}
	const fh = await fs.open(file, 'r');
	try {
		const buf = Buffer.alloc(Math.min(size, PROBE_BYTES));
		const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
		return { ok: true, text: buf.subarray(0, bytesRead).toString('utf8'), complete: size <= PROBE_BYTES };
	} finally {
		await fh.close();
	}
}

/** Same facts and messages as the CLI's synchronous probe (engine/data/probe.ts). */
function facts(e: Entry, source: SourceConfig & { type: 'csv' | 'json' }): ProbeResult | undefined {
	const r = e.read;
	if (!r) return undefined;
	if (!r.ok) {
		if (r.reason === 'missing') return { ok: false, reason: 'missing', message: r.notFile ? `\`${source.path}\` is not a file.` : `Data file \`${source.path}\` not found (looked for ${e.file}).` };
		return { ok: false, reason: 'unreadable', message: `Cannot read \`${source.path}\`${r.error ? `: ${r.error.split('\n')[0]}` : '.'}` };
	}
	const key = JSON.stringify(source.type === 'csv' ? ['csv', source.delimiter ?? ',', source.missingValues ?? null] : ['json']);
	if (e.parsed.has(key)) return e.parsed.get(key);
	let out: ProbeResult | undefined;
	try {
		if (source.type === 'json') {
			if (!r.complete) out = undefined;
			else {
				const rows = JSON.parse(r.text) as unknown;
				out = Array.isArray(rows)
					? { ok: true, info: infoFromRows(rows as Record<string, unknown>[]) }
					: { ok: false, reason: 'unreadable', message: `\`${source.path}\` must hold a JSON array of row objects.` };
			}
		} else {
			const rows = parseCsvHead(r.text, source.delimiter ?? ',', source.missingValues, r.complete);
			const info = infoFromRows(rows, r.complete ? rows.length : undefined);
			if (!r.complete) delete info.rows;
			out = { ok: true, info };
		}
	} catch (err) {
		out = { ok: false, reason: 'unreadable', message: `Cannot read \`${source.path}\`: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}` };
	}
	e.parsed.set(key, out);
	return out;
}
