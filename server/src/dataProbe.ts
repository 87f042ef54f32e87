/**
 * Facts about data files for the validator, read asynchronously: the validator's probe is
 * synchronous, so a file not yet read answers "unknown" (its checks are skipped) and the
 * documents that asked are re-validated once the read finishes. Entries are dropped when a
 * watched file changes.
 */
import * as path from 'node:path';
import type { SourceConfig } from '../../engine/core/config/schema';
import type { ProbeResult } from '../../engine/core/data/info';
import { factsFromHead, parseKey, readHead, realPathOf, resolveDataPath, type HeadRead, type PathPolicy } from '../../engine/io/probe';

interface Entry {
	file: string;
	read?: HeadRead;
	/** Settles when the read started for this entry has finished. */
	reading?: Promise<void>;
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
				e.reading = this.read(e);
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

	/**
	 * Settles when the reads a config's analysis started have finished, or after `timeoutMs`: the
	 * caller then re-analyses with the facts (which never waits for a stuck file for long).
	 */
	async settled(uri: string, timeoutMs = 2000): Promise<void> {
		const reads = [...this.entries.values()]
			.filter((e) => !e.read && e.dependents.has(uri))
			.map((e) => e.reading)
			.filter((p): p is Promise<void> => p !== undefined);
		if (!reads.length) return;
		let timer: NodeJS.Timeout | undefined;
		const timeout = new Promise<void>((resolve) => {
			timer = setTimeout(resolve, timeoutMs);
		});
		await Promise.race([Promise.all(reads), timeout]);
		clearTimeout(timer);
	}

	/** A watched file changed (created, changed or deleted): forget it and re-check its configs. */
	fileChanged(file: string): void {
		// Entries are keyed by real path (links resolved); the watcher names the path it saw.
		const e = this.entries.get(path.resolve(file)) ?? this.entries.get(realPathOf(file));
		if (!e) return;
		this.entries.delete(e.file);
		if (e.dependents.size) this.revalidate([...e.dependents]);
	}

	private async read(e: Entry): Promise<void> {
		e.read = await readHead(e.file).catch((err: unknown): HeadRead => ({
			ok: false,
			reason: 'unreadable',
			error: err instanceof Error ? err.message : String(err),
		}));
		if (!e.read.ok && e.read.error) this.log(`probe ${e.file}: ${e.read.error}`);
		// A file change may have dropped the entry while the read was running; its result is stale.
		if (this.entries.get(e.file) !== e) return;
		this.revalidate([...e.dependents]);
	}
}

function facts(e: Entry, source: SourceConfig & { type: 'csv' | 'json' }): ProbeResult | undefined {
	if (!e.read) return undefined;
	const key = parseKey(source);
	if (!e.parsed.has(key)) e.parsed.set(key, factsFromHead(e.read, source, e.file));
	return e.parsed.get(key);
}
