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
import { imageFolderFacts, listImageFolder, type ImageSource } from '../../engine/io/imageFolder';

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

/** An image folder's listing (no image is decoded), re-read when an image under it changes. */
interface FolderEntry {
	dir: string;
	source: ImageSource;
	facts?: ProbeResult;
	reading?: Promise<void>;
	dependents: Set<string>;
}

const MAX_ENTRIES = 200;

export class DataProbe {
	private readonly entries = new Map<string, Entry>();
	/** Keyed by the folder's real path and the source's options (the listing is checked under the policy). */
	private readonly folders = new Map<string, FolderEntry>();

	constructor(
		/** Called with the configs to re-validate after a read finished or a file changed. */
		private readonly revalidate: (uris: string[]) => void,
		private readonly log: (message: string) => void,
	) {}

	/** The synchronous probe `validateText` takes, for one config. */
	probeFor(uri: string, policy: PathPolicy | undefined): (source: SourceConfig) => ProbeResult | undefined {
		return (source) => {
			if (policy && source.type === 'images') return this.folderFacts(uri, policy, source);
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
		const reads = [
			...[...this.entries.values()].filter((e) => !e.read && e.dependents.has(uri)),
			...[...this.folders.values()].filter((e) => !e.facts && e.dependents.has(uri)),
		]
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
		this.folderFileChanged(file);
		// Entries are keyed by real path (links resolved); the watcher names the path it saw.
		const e = this.entries.get(path.resolve(file)) ?? this.entries.get(realPathOf(file));
		if (!e) return;
		this.entries.delete(e.file);
		if (e.dependents.size) this.revalidate([...e.dependents]);
	}

	private folderFacts(uri: string, policy: PathPolicy, source: ImageSource): ProbeResult | undefined {
		const resolved = resolveDataPath(source.path, policy);
		if (!resolved.ok) return { ok: false, reason: 'outside', message: resolved.message };
		const key = JSON.stringify([resolved.file, source.path, policy.root ?? policy.configDir, !!policy.allowOutside]);
		let e = this.folders.get(key);
		if (!e) {
			if (this.folders.size >= MAX_ENTRIES) this.folders.delete(this.folders.keys().next().value!);
			const entry: FolderEntry = { dir: resolved.file, source, dependents: new Set() };
			entry.reading = listImageFolder(source, policy)
				.then(imageFolderFacts, (err: unknown): ProbeResult => ({ ok: false, reason: 'unreadable', message: String(err) }))
				.then((facts) => {
					entry.facts = facts;
					// A change may have dropped the entry while the listing ran; its result is stale.
					if (this.folders.get(key) === entry) this.revalidate([...entry.dependents]);
				});
			this.folders.set(key, entry);
			e = entry;
		}
		e.dependents.add(uri);
		return e.facts;
	}

	/** An image (or anything) under a listed folder changed: list it again for its configs. */
	private folderFileChanged(file: string): void {
		const real = realPathOf(file);
		for (const [key, e] of this.folders)
			if (real.startsWith(e.dir + path.sep) || real === e.dir) {
				this.folders.delete(key);
				if (e.dependents.size) this.revalidate([...e.dependents]);
			}
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
