/**
 * The data of a distributed sweep travels with it: a trial never depends on a worker having the
 * same files. The coordinator stores each data file once per sweep in Redis under its content
 * hash (sha256), up to a size limit; a worker fetches it once, checks the hash, keeps it in its
 * cache folder by hash, and links it into each job folder at the path the config expects.
 *
 * Larger files can stay on storage every worker mounts (`tune --shared-data DIR` on the
 * coordinator, `worker --data-root DIR` on each worker): then only the path relative to that
 * folder, the size and the hash travel, and the worker reads the file from its own --data-root.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type Redis from 'ioredis';
import type { SourceConfig } from '../../../core/config/schema';
import { MAX_FOLDER_FILES, parseFolderManifest, safeRelativePath, type JobDataFile } from '../../../core/tune/distributed';
import { listImageFolderSync, type ImageSource } from '../../../io/imageFolder';
import { resolveDataPath, type PathPolicy } from '../../../io/probe';

export class DataTransferError extends Error {}

const RAISE =
	'Raise the limit (tune --max-data-mb; Redis holds at most 512 MB per value), or put the data on storage every worker mounts and pass that folder as tune --shared-data DIR and worker --data-root DIR.';

const mb = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${(n / 1024).toFixed(1)} kB`);

/** sha256 of a file, streamed (a shared file may be far larger than memory). */
export function hashFile(file: string): Promise<string> {
	return new Promise((resolve, reject) => {
		const h = createHash('sha256');
		fs.createReadStream(file)
			.on('data', (d) => h.update(d))
			.on('error', reject)
			.on('end', () => resolve(h.digest('hex')));
	});
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** How one trial's config and data are laid out in a worker's job folder. */
export interface TrialLayout {
	/** The config's path in the job folder ('/'-separated). */
	configPath: string;
	/** Set when the config's data path had to be replaced (an absolute or unusual path). */
	dataPath?: string;
	files: JobDataFile[];
}

/** A data file the coordinator reads: its real path, with the hash and size it had when hashed. */
interface Hashed {
	file: string;
	size: number;
	mtimeMs: number;
	hash: string;
}

export interface CoordinatorDataOptions {
	/** The largest file sent through Redis (bytes). */
	maxBytes: number;
	/** Files under this folder are not sent: workers read them from their --data-root. */
	sharedDir?: string;
}

/**
 * The coordinator's side: lays each trial's data out for the workers and stores its files in Redis
 * once per sweep (under `key(hash)`, expiring after `ttlSeconds` unless the sweep refreshes them).
 */
export class SweepData {
	private readonly hashed = new Map<string, Hashed>();
	private readonly stored = new Set<string>();

	constructor(
		private readonly redis: Redis,
		private readonly key: (hash: string) => string,
		private readonly opts: CoordinatorDataOptions,
		private readonly ttlSeconds = 7 * 24 * 3600,
	) {}

	/**
	 * The layout of a trial whose config (at `configPath`, under `policy`) reads `source`. The data
	 * path is checked with the same policy as a local run. Files go to Redis now.
	 */
	async layout(source: SourceConfig, configPath: string, policy: PathPolicy): Promise<TrialLayout> {
		const base = path.basename(configPath);
		const configName = safeRelativePath(base) ? base : 'trial.model.yaml';
		if (!('path' in source) || typeof source.path !== 'string') return { configPath: configName, files: [] };
		// A source type added later with a path of its own travels only once it is handled here.
		if (source.type !== 'csv' && source.type !== 'json' && source.type !== 'images')
			throw new DataTransferError(
				`data sources of type \`${(source as { type: string }).type}\` cannot be sent to workers yet; use a CSV or JSON file or an image folder, or local workers (tune without --redis)`,
			);
		const file: JobDataFile = source.type === 'images' ? await this.folder(source, policy) : await this.single(source.path, policy);
		// The same relative layout as on this machine, so the config text runs unchanged: the
		// config sits as deep in the job folder as its data path climbs out of its own folder.
		const rel = source.path.replace(/\\/g, '/');
		const norm = path.posix.normalize(rel).replace(/\/+$/, '');
		const segs = norm.split('/');
		const ups = Math.max(
			0,
			segs.findIndex((s) => s !== '..'),
		);
		const rest = segs.slice(ups).join('/');
		const configPath2 = [...Array.from({ length: ups }, (_, i) => `u${i + 1}`), configName].join('/');
		const mirrored = !path.isAbsolute(source.path) && !/^[A-Za-z]:/.test(rel) && safeRelativePath(rest) && safeRelativePath(configPath2);
		const ext = file.folder ? '' : /\.json$/i.test(source.path) || source.type === 'json' ? '.json' : '.csv';
		file.path = mirrored ? rest : `data/${file.hash.slice(0, 16)}${ext}`;
		return mirrored ? { configPath: configPath2, files: [file] } : { configPath: configName, dataPath: file.path, files: [file] };
	}

	/** A CSV or JSON file (stored in Redis unless shared); its `path` is set by the layout. */
	private async single(shown: string, policy: PathPolicy): Promise<JobDataFile> {
		const resolved = resolveDataPath(shown, policy);
		if (!resolved.ok) throw new DataTransferError(resolved.message);
		const h = await this.hash(resolved.file, shown);
		const shared = this.sharedPath(resolved.file);
		if (!shared && h.size > this.opts.maxBytes)
			throw new DataTransferError(
				`data file \`${shown}\` has ${mb(h.size)}, more than the ${mb(this.opts.maxBytes)} a sweep sends through Redis. ${RAISE}`,
			);
		if (!shared) await this.store(h);
		return { hash: h.hash, size: h.size, path: '', ...(shared ? { shared } : {}) };
	}

	/**
	 * An image folder, listed as a local run lists it (same policy, same links check): each image
	 * stored once under its own hash (the folder's images count together against the limit), and a
	 * manifest of them (`<class>/<file>`, hash, size) stored under its hash, which the job names.
	 */
	private async folder(source: ImageSource, policy: PathPolicy): Promise<JobDataFile> {
		const read = listImageFolderSync(source, policy);
		if (!read.ok) throw new DataTransferError(read.message);
		const { dir, files } = read.folder;
		if (files.length > MAX_FOLDER_FILES)
			throw new DataTransferError(
				`image folder \`${source.path}\` holds ${files.length} images, more than the ${MAX_FOLDER_FILES} a sweep sends to workers; use local workers (tune without --redis).`,
			);
		const entries: JobDataFile[] = [];
		const hashed: Hashed[] = [];
		let total = 0;
		for (const f of files) {
			const rel = path.relative(dir, f.file).split(path.sep).join('/');
			if (!safeRelativePath(rel))
				throw new DataTransferError(
					`image \`${f.shown}\` cannot be sent to workers: its class folder and file names may hold only letters A–Z, digits, spaces and _ . , + @ = - (and may not start with a space or one of . , + @ = -). Rename it, or use local workers (tune without --redis).`,
				);
			const real = fs.realpathSync(f.file);
			const h = await this.hash(real, f.shown);
			const shared = this.sharedPath(real);
			if (!shared) {
				total += h.size;
				hashed.push(h);
			}
			entries.push({ hash: h.hash, size: h.size, path: rel, ...(shared ? { shared } : {}) });
		}
		if (total > this.opts.maxBytes)
			throw new DataTransferError(
				`image folder \`${source.path}\` has ${files.length} images of ${mb(total)} in all, more than the ${mb(this.opts.maxBytes)} a sweep sends through Redis. ${RAISE}`,
			);
		for (const h of hashed) await this.store(h);
		const manifest = Buffer.from(JSON.stringify(entries));
		const hash = sha256(manifest);
		await this.storeBody(hash, () => manifest);
		return { hash, size: manifest.length, path: '', folder: true };
	}

	/** After Redis lost its data (a restart without persistence): files are stored again when next needed. */
	forgetStored(): void {
		this.stored.clear();
	}

	/** Deletes nothing: the coordinator removes the sweep's keys when the sweep is done. Refreshes the expiry of stored files. */
	async touch(): Promise<void> {
		for (const hash of this.stored) await this.redis.expire(this.key(hash), this.ttlSeconds);
	}

	private sharedPath(file: string): string | undefined {
		if (!this.opts.sharedDir) return undefined;
		const rel = path.relative(fs.realpathSync(this.opts.sharedDir), file).split(path.sep).join('/');
		return rel && !rel.startsWith('..') && !path.isAbsolute(rel) && safeRelativePath(rel) ? rel : undefined;
	}

	private async hash(file: string, shown: string): Promise<Hashed> {
		let st: fs.Stats;
		try {
			st = fs.statSync(file);
		} catch {
			throw new DataTransferError(`data file \`${shown}\` not found (looked for ${file}).`);
		}
		if (!st.isFile()) throw new DataTransferError(`data file \`${shown}\` is not a regular file.`);
		const known = this.hashed.get(file);
		if (known && known.size === st.size && known.mtimeMs === st.mtimeMs) return known;
		const h: Hashed = { file, size: st.size, mtimeMs: st.mtimeMs, hash: await hashFile(file) };
		this.hashed.set(file, h);
		return h;
	}

	private async store(h: Hashed): Promise<void> {
		await this.storeBody(h.hash, () => {
			const body = fs.readFileSync(h.file);
			// The file changed since it was hashed: hashed again, so the key always names its content.
			if (body.length !== h.size || sha256(body) !== h.hash)
				throw new DataTransferError(`data file ${h.file} changed while the sweep was sending it; start the trial again.`);
			return body;
		});
	}

	/** Stores `body()` under `hash` once per sweep (only read when Redis does not hold it yet). */
	private async storeBody(hash: string, body: () => Buffer): Promise<void> {
		if (this.stored.has(hash)) return;
		const key = this.key(hash);
		if (!(await this.redis.exists(key))) await this.redis.set(key, body(), 'EX', this.ttlSeconds);
		else await this.redis.expire(key, this.ttlSeconds);
		this.stored.add(hash);
	}
}

/**
 * The worker's side: a data file of a job in the worker's cache (fetched from Redis, or copied
 * from --data-root for shared files), its content checked against the hash.
 */
export class DataCache {
	private readonly pending = new Map<string, Promise<string>>();

	constructor(
		private readonly dir: string,
		private readonly dataRoot: string | undefined,
	) {
		fs.mkdirSync(dir, { recursive: true });
	}

	/** The cached file of `f` (fetched once per hash, however many jobs ask at once). */
	get(f: JobDataFile, redis: Redis, key: (hash: string) => string): Promise<string> {
		const cached = path.join(this.dir, f.hash);
		try {
			if (fs.statSync(cached).size === f.size) return Promise.resolve(cached);
		} catch {
			/* not cached yet */
		}
		let p = this.pending.get(f.hash);
		if (!p) {
			p = this.fetch(f, redis, key, cached).finally(() => this.pending.delete(f.hash));
			this.pending.set(f.hash, p);
		}
		return p;
	}

	private async fetch(f: JobDataFile, redis: Redis, key: (hash: string) => string, cached: string): Promise<string> {
		const tmp = `${cached}.${process.pid}.${Date.now()}.tmp`;
		try {
			if (f.shared !== undefined) {
				if (!this.dataRoot)
					throw new DataTransferError(
						`the sweep reads \`${f.shared}\` from a shared folder, and this worker was started without --data-root: start it with --data-root <the folder where that storage is mounted>`,
					);
				const parts = safeRelativePath(f.shared);
				if (!parts) throw new DataTransferError(`the shared data path ${JSON.stringify(f.shared)} is not a safe relative path`);
				const root = fs.realpathSync(this.dataRoot);
				let real: string;
				try {
					real = fs.realpathSync(path.join(root, ...parts));
				} catch {
					throw new DataTransferError(`shared data file \`${f.shared}\` not found under --data-root ${root}`);
				}
				const rel = path.relative(root, real);
				if (rel.startsWith('..') || path.isAbsolute(rel))
					throw new DataTransferError(`shared data file \`${f.shared}\` resolves outside --data-root ${root} (through a link)`);
				fs.copyFileSync(real, tmp);
				if ((await hashFile(tmp)) !== f.hash)
					throw new DataTransferError(
						`shared data file \`${f.shared}\` under ${root} differs from the coordinator's (its content hash does not match)`,
					);
			} else {
				const body = await redis.getBuffer(key(f.hash));
				if (!body)
					throw new DataTransferError(
						`data file ${f.hash.slice(0, 12)}… of the sweep is no longer in Redis (expired, or Redis restarted without persistence): resume the sweep (tune --resume) to send it again`,
					);
				if (body.length !== f.size || sha256(body) !== f.hash)
					throw new DataTransferError(`data file ${f.hash.slice(0, 12)}… arrived damaged (its content hash does not match)`);
				fs.writeFileSync(tmp, body);
			}
			fs.renameSync(tmp, cached);
			return cached;
		} finally {
			fs.rmSync(tmp, { force: true });
		}
	}
}

/**
 * Places a cached data file at `rel` inside `jobDir` (a hard link when the file system allows,
 * else a copy). Never follows a link out of `jobDir` and never replaces a file already placed.
 */
export function placeData(cached: string, jobDir: string, rel: string): void {
	const parts = safeRelativePath(rel);
	if (!parts) throw new DataTransferError(`the data path ${JSON.stringify(rel)} is not a safe relative path`);
	const dest = path.join(jobDir, ...parts);
	fs.mkdirSync(path.dirname(dest), { recursive: true });
	const inside = path.relative(fs.realpathSync(jobDir), fs.realpathSync(path.dirname(dest)));
	if (inside.startsWith('..') || path.isAbsolute(inside))
		throw new DataTransferError(`the data path ${JSON.stringify(rel)} leads out of the job folder`);
	try {
		fs.linkSync(cached, dest);
	} catch (err) {
		if ((err as NodeJS.ErrnoException).code === 'EEXIST')
			throw new DataTransferError(`the data path ${JSON.stringify(rel)} is placed twice`);
		fs.copyFileSync(cached, dest, fs.constants.COPYFILE_EXCL);
	}
}

/**
 * Places a job's data file inside `jobDir`, or rebuilds its image folder there from the manifest
 * (every entry checked again here: the job and the manifest are data from Redis, not trusted).
 * `get` returns a file's cached copy, fetched by hash.
 */
export async function placeJobData(f: JobDataFile, jobDir: string, get: (f: JobDataFile) => Promise<string>): Promise<void> {
	const cached = await get(f);
	if (!f.folder) return placeData(cached, jobDir, f.path);
	const entries = parseFolderManifest(fs.readFileSync(cached, 'utf8'));
	if (typeof entries === 'string') throw new DataTransferError(entries);
	// A few fetches at a time: one round trip per image would make a folder of thousands slow.
	for (let i = 0; i < entries.length; i += 16) {
		const batch = entries.slice(i, i + 16);
		const files = await Promise.all(batch.map(get));
		batch.forEach((e, k) => placeData(files[k]!, jobDir, `${f.path}/${e.path}`));
	}
}
