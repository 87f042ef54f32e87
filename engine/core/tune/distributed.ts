/**
 * Distributed sweeps (issue #14), the pure part: what a trial job on the Redis queue carries, what
 * its worker reports back, the protocol version both sides check, and the Redis key names. The
 * coordinator (engine/runtime/tune/distributed/coordinator.ts) and `modelwright worker`
 * (…/distributed/worker.ts) import this file; nothing here touches Redis or the disk.
 *
 * Everything in a job is data, never code or a path the worker uses as given: the worker checks a
 * job with `trialJobProblem` before running it, builds its own folders, and places the data files
 * only at relative paths inside them (`safeRelativePath`).
 */
import { isBackendChoice, isYamlOrJsonFile, type BackendChoice } from '../facts';
import type { Params } from './space';

/**
 * The job format. A worker refuses a job (and a whole sweep, from its registry entry) of another
 * protocol, saying which versions meet: change it whenever a job, its progress or its result
 * changes shape.
 */
export const TRIAL_PROTOCOL = 2;

/** BullMQ's key prefix for the sweep queues (`modelwright:<queue>:…`). */
export const QUEUE_PREFIX = 'modelwright';
/** Sorted set of sweep queues (score: the coordinator's last heartbeat, ms). */
export const SWEEPS_KEY = 'modelwright-sweeps';
/** Sorted set of workers (score: the worker's last heartbeat, ms). */
export const WORKERS_KEY = 'modelwright-workers';

/** Keys of one sweep queue outside BullMQ's own: its registry entry, data files, results, cancel flags, attempt logs. */
export const sweepKeys = (queue: string) => {
	const base = `modelwright-sweep:${queue}`;
	return {
		base,
		meta: `${base}:meta`,
		data: (hash: string) => `${base}:data:${hash}`,
		result: (jobId: string, attempt: number, fold: number) => `${base}:result:${jobId}:${attempt}:${fold}`,
		cancel: (jobId: string) => `${base}:cancel:${jobId}`,
		attempts: (jobId: string) => `${base}:attempts:${jobId}`,
	};
};
export const workerKey = (name: string) => `modelwright-worker:${name}`;

/** A queue name of a sweep: its folder's id and a random tag (two machines may start sweeps of the same name in the same second). */
export function queueName(sweepId: string, tag: string): string {
	return `mw-${sweepId.replace(/[^A-Za-z0-9_.-]+/g, '-').slice(0, 80)}-${tag}`;
}

/** What the coordinator registers for a sweep queue (the hash `sweepKeys(q).meta`). */
export interface SweepMeta {
	protocol: number;
	version: string;
	id: string;
	name: string;
	host: string;
	startedAt: string;
}

/** A data file of a trial: sent through Redis (`key`), placed at `path` relative to the job folder. */
export interface JobDataFile {
	/** sha256 of the content, hex. */
	hash: string;
	size: number;
	/** Where the worker places it, relative to its job folder ('/'-separated, no `..`). */
	path: string;
	/** Not in Redis: read from the worker's own --data-root at this relative path (tune --shared-data). */
	shared?: string;
	/**
	 * An image folder: this file is its manifest (JSON, `JobDataFile[]` without `folder`, paths
	 * relative to the folder), each image stored under its own hash; the worker rebuilds the folder at `path`.
	 */
	folder?: true;
}

/** The most files an image folder of a distributed sweep may hold. */
export const MAX_FOLDER_FILES = 200_000;

/** A JobDataFile's own problem (`where` names it in the message), or undefined. */
function dataFileProblem(f: unknown, where: string): string | undefined {
	if (!isRecord(f) || typeof f.hash !== 'string' || !HEX64.test(f.hash)) return `${where} has no valid content hash`;
	if (typeof f.size !== 'number' || !Number.isInteger(f.size) || f.size < 0) return `${where} has no valid size`;
	if (!safeRelativePath(f.path)) return `${where} has an unsafe path ${JSON.stringify(f.path)} (not a safe relative path)`;
	if (f.shared !== undefined && !safeRelativePath(f.shared))
		return `${where} has an unsafe shared path ${JSON.stringify(f.shared)} (not a safe relative path)`;
	return undefined;
}

/**
 * The files of an image folder's manifest (its JSON text), each at a safe relative path inside the
 * folder, no path twice or inside another file's; or why not (a message).
 */
export function parseFolderManifest(text: string): JobDataFile[] | string {
	let list: unknown;
	try {
		list = JSON.parse(text);
	} catch {
		return 'the image folder manifest is not JSON';
	}
	if (!Array.isArray(list) || list.length === 0 || list.length > MAX_FOLDER_FILES)
		return `the image folder manifest lists no files (or more than ${MAX_FOLDER_FILES})`;
	const files = new Set<string>();
	const dirs = new Set<string>();
	for (const [i, f] of list.entries()) {
		const problem = dataFileProblem(f, `image ${i + 1} of the folder manifest`);
		if (problem) return problem;
		if ((f as { folder?: unknown }).folder !== undefined) return 'the image folder manifest nests a folder';
		const p = (f as JobDataFile).path;
		if (files.has(p) || dirs.has(p)) return `the image folder manifest lists ${JSON.stringify(p)} twice`;
		files.add(p);
		const parts = p.split('/');
		for (let k = 1; k < parts.length; k++) dirs.add(parts.slice(0, k).join('/'));
	}
	for (const d of dirs) if (files.has(d)) return `the image folder manifest lists ${JSON.stringify(d)} as a file and a folder`;
	return list as JobDataFile[];
}

/** One trial of a sweep: every fold runs on one worker, one after another, as normal runs. */
export interface TrialJobData {
	protocol: number;
	/** The sweep's id (its folder name) and model name: for the worker's messages. */
	sweep: { id: string; name: string };
	trial: number;
	params: Params;
	/** Base name of the trial's runs (`<name>-t003`; folds add `-f1`, `-f2`). */
	name: string;
	/** The sweep's config text; the worker applies `params` and the run name per fold, as a local sweep does. */
	text: string;
	/** Where the worker writes the config, relative to its job folder ('/'-separated): so the data's relative path resolves as on the coordinator. */
	configPath: string;
	/** Replaces `data.source.path` when the config names its data by an absolute path (only allowed outside the workspace). */
	dataPath?: string;
	folds: number;
	metric: string;
	direction: 'minimize' | 'maximize';
	/** The coordinator's --backend: used unless the worker was started with its own. */
	backend?: BackendChoice;
	data: JobDataFile[];
	/** The largest packed run folder the worker may send back (bytes). */
	maxResultBytes: number;
}

/** The job's progress (BullMQ keeps the latest): cumulative, so a coordinator that polls or restarts misses nothing pruning needs. */
export interface TrialJobProgress {
	worker: string;
	/** BullMQ's attemptsStarted when this attempt began (1 for the first). */
	attempt: number;
	startedAt: string;
	/** The objective per epoch of the first fold, as logged. */
	intermediate: number[];
	/** The latest epoch of any fold. */
	last?: { fold: number; epoch: number; logs: Record<string, number>; value?: number };
}

/** One fold's run folder, packed (engine/runtime/tune/distributed/pack.ts) under `key`. */
export interface JobRun {
	/** The folder name on the worker (for messages). */
	name: string;
	key: string;
	bytes: number;
	/** The config path of the data files as placed on the worker: written back as the coordinator's own. */
	dataPath?: string;
}

/** What a worker returns for a trial (BullMQ's returnvalue). */
export interface TrialJobResult {
	protocol: number;
	worker: string;
	attempt: number;
	/** `stopped`: the coordinator stopped the sweep; the trial runs again on resume. */
	status: 'completed' | 'pruned' | 'failed' | 'stopped';
	message?: string;
	foldScores: number[];
	intermediate: number[];
	runs: JobRun[];
	durationMs: number;
}

/** One start of a trial job on a worker, as the worker logged it (`sweepKeys(q).attempts`). */
export interface JobAttempt {
	worker: string;
	attempt: number;
	startedAt: string;
}

/** The cancel flag the coordinator sets for a job: prune it (with the message to record) or stop it. */
export type CancelRequest =
	{ kind: 'prune'; message: string; /** The first-fold epoch it was decided at. */ epoch: number } | { kind: 'stop' };

const HEX64 = /^[0-9a-f]{64}$/;
const NAME = /^[A-Za-z0-9_.-]{1,200}$/;
/** The largest config text a job may carry (a local run reads at most 16 MB of config too). */
export const MAX_JOB_TEXT = 16 * 1024 * 1024;

/**
 * A '/'-separated relative path that stays inside its folder: no absolute path, no `..`, no
 * empty or `.` segment, no backslash or NUL, plain file-name characters. Undefined when unsafe.
 */
export function safeRelativePath(p: unknown): string[] | undefined {
	if (typeof p !== 'string' || p.length === 0 || p.length > 1024 || p.startsWith('/')) return undefined;
	const parts = p.split('/');
	if (parts.length > 32) return undefined;
	for (const s of parts) if (!/^[A-Za-z0-9_][A-Za-z0-9_ .,+@=-]{0,254}$/.test(s) || s === '..') return undefined;
	return parts;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Why a job cannot be run here, or undefined when it is well formed. The protocol is checked
 * first, so a job of another version is refused for that reason, whatever else it holds.
 */
export function trialJobProblem(data: unknown): string | undefined {
	if (!isRecord(data)) return 'the job holds no trial';
	if (data.protocol !== TRIAL_PROTOCOL)
		return `the job is of protocol version ${JSON.stringify(data.protocol)}, and this worker speaks version ${TRIAL_PROTOCOL}: run the same Modelwright version on the coordinator and the workers`;
	const d = data as Partial<TrialJobData>;
	if (!isRecord(d.sweep) || typeof d.sweep.id !== 'string' || typeof d.sweep.name !== 'string') return 'the job names no sweep';
	if (!Number.isInteger(d.trial) || d.trial! < 1) return 'the job has no trial number';
	if (!isRecord(d.params)) return 'the job has no parameters';
	for (const v of Object.values(d.params))
		if (!['number', 'string', 'boolean'].includes(typeof v) && v !== null) return 'the job has a parameter that is not a plain value';
	if (typeof d.name !== 'string' || !NAME.test(d.name)) return 'the job has no valid run name';
	if (typeof d.text !== 'string' || d.text.length > MAX_JOB_TEXT) return 'the job has no config text (or one over 16 MB)';
	const cp = safeRelativePath(d.configPath);
	if (!cp || !isYamlOrJsonFile(cp.at(-1)!))
		return `the job's config path ${JSON.stringify(d.configPath)} is not a safe relative config file name`;
	if (d.dataPath !== undefined && !safeRelativePath(d.dataPath))
		return `the job's data path ${JSON.stringify(d.dataPath)} is not a safe relative path`;
	if (!Number.isInteger(d.folds) || d.folds! < 1 || d.folds! > 100) return 'the job has no valid fold count';
	if (typeof d.metric !== 'string' || !d.metric) return 'the job has no objective metric';
	if (d.direction !== 'minimize' && d.direction !== 'maximize') return 'the job has no objective direction';
	if (d.backend !== undefined && !isBackendChoice(d.backend)) return `the job names an unknown backend ${JSON.stringify(d.backend)}`;
	if (!Array.isArray(d.data) || d.data.length > 16) return 'the job has no valid data list';
	for (const f of d.data as unknown[]) {
		const problem = dataFileProblem(f, 'a data file of the job');
		if (problem) return problem;
		const folder = (f as { folder?: unknown }).folder;
		if (folder !== undefined && (folder !== true || (f as JobDataFile).shared !== undefined))
			return 'a data file of the job has an invalid folder mark';
	}
	if (typeof d.maxResultBytes !== 'number' || !(d.maxResultBytes > 0)) return 'the job has no result size limit';
	return undefined;
}

/** Default limits of what travels through Redis (MB): a data file, a trial's packed run folder. */
export const DEFAULT_MAX_DATA_MB = 100;
export const DEFAULT_MAX_RESULT_MB = 256;

/** `url` with `password` (from the environment or VS Code's secret storage) when it names none itself. */
export function redisUrlFrom(url: string, password: string | undefined): string {
	if (!password) return url;
	try {
		const u = new URL(url);
		if (u.password) return url;
		u.password = password;
		return u.toString();
	} catch {
		return url;
	}
}

/** The URL with its password (and user name) replaced, for messages and sweep.json. */
export function redactRedisUrl(url: string): string {
	try {
		const u = new URL(url);
		if (u.password) u.password = '***';
		return u.toString();
	} catch {
		return url.replace(/\/\/[^@/]*@/, '//***@');
	}
}

/** Whether `url` is a Redis URL this engine accepts (`redis://` or TLS `rediss://`). */
export function redisUrlProblem(url: string): string | undefined {
	let u: URL;
	try {
		u = new URL(url);
	} catch {
		return `\`${redactRedisUrl(url)}\` is not a URL; use redis://[user:password@]host[:port][/db] or rediss:// for TLS`;
	}
	if (u.protocol !== 'redis:' && u.protocol !== 'rediss:')
		return `\`${redactRedisUrl(url)}\` is not a Redis URL; use redis://[user:password@]host[:port][/db] or rediss:// for TLS`;
	if (!u.hostname) return `\`${redactRedisUrl(url)}\` names no host`;
	return undefined;
}
