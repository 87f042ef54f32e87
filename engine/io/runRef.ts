/**
 * The one way a run reference (`latest`, an id or id prefix, a run folder) becomes a run folder:
 * every CLI command that takes a run, `train --resume`, the engine process and the extension go
 * through here. A reference resolves only to a folder that is
 *   - a direct child of a run store (`…/.modelwright/runs`, the store named by --dir / a setting,
 *     a sweep's `trials/` or a cv's `folds/` inside one), by its real path, so `..` and symlinks cannot leave it;
 *   - holding a summary.json as store.ts writes it (version, id = the folder's name, name,
 *     status, startedAt, epochs);
 *   - of the config, when a config is given (summary.configPath).
 * Ids match exactly or by an unambiguous prefix, never by a suffix.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readJson } from './fsutil';
import { acquireLock, LockError, type Lock } from './lock';
import { readRunSummary, RUNS_DIR, runsDirFor, type RunStatus, type RunSummary } from './store';

const STATUSES: readonly RunStatus[] = ['running', 'completed', 'stopped', 'cancelled', 'failed', 'interrupted'];

/** Everything store.ts and the engine write in a run folder; `runs delete` refuses a folder holding anything else. */
const RUN_ENTRIES = new Set(['summary.json', 'config.yaml', 'metrics.jsonl', 'evaluation.json', 'model', 'checkpoints', '.lock']);
/** Temp files of atomic writes and locks (`.name.pid.n.tmp`, `.lock.pid.uuid.tmp|stale`). */
const RUN_TEMP = /^\..+\.(tmp|stale)$/;

/** Why `value` is not a run summary as store.ts writes it for the folder `id`; undefined when it is one. */
export function summaryProblem(value: unknown, id: string): string | undefined {
	if (!value || typeof value !== 'object' || Array.isArray(value)) return 'its summary.json is not a JSON object';
	const s = value as Record<string, unknown>;
	if (s.version !== undefined && !(Number.isInteger(s.version) && (s.version as number) >= 1))
		return `its summary.json has an unknown version (${JSON.stringify(s.version)})`;
	if (typeof s.id !== 'string') return 'its summary.json has no run id';
	if (s.id !== id) return `its summary.json is for run '${s.id}', not for the folder '${id}'`;
	if (typeof s.name !== 'string') return 'its summary.json has no name';
	if (typeof s.status !== 'string' || !STATUSES.includes(s.status as RunStatus)) return 'its summary.json has no valid status';
	if (typeof s.startedAt !== 'string') return 'its summary.json has no start time';
	const e = s.epochs as Record<string, unknown> | undefined;
	if (!e || typeof e !== 'object' || typeof e.planned !== 'number' || typeof e.completed !== 'number')
		return 'its summary.json has no epoch counts';
	if (s.configPath !== undefined && typeof s.configPath !== 'string') return 'its summary.json has an invalid configPath';
	return undefined;
}

/** Where `--dir` points: a config file (its run store, and only its runs), a folder (its .modelwright/runs) or a runs folder itself. */
export interface RunStore {
	runsDir: string;
	configPath?: string;
	/** Named by the user (--dir, a setting): references must then stay in this store. */
	explicit: boolean;
}

export function runStoreFrom(dir: string | undefined, cwd: string): RunStore {
	if (!dir) return { runsDir: path.join(cwd, RUNS_DIR), explicit: false };
	const p = path.resolve(cwd, dir);
	if (fs.existsSync(p) && fs.statSync(p).isFile()) return { runsDir: runsDirFor(p), configPath: p, explicit: true };
	if (fs.existsSync(path.join(p, RUNS_DIR))) return { runsDir: path.join(p, RUNS_DIR), explicit: true };
	return { runsDir: p, explicit: true };
}

export interface ResolvedRun {
	dir: string;
	id: string;
	summary: RunSummary;
}

export type RunRef = { ok: true; run: ResolvedRun } | { ok: false; message: string };

export interface RunRefOptions {
	/** The run store ids and `latest` are looked up in. */
	runsDir: string;
	/** Only runs of this config. */
	configPath?: string;
	/** Folder paths resolve against (default: the process's). */
	cwd?: string;
	/** Run folders given as paths must be in `runsDir` (or a sweep in it), not in any run store. */
	explicit?: boolean;
	/** More run stores (the extension's `modelwright.runsFolder`). */
	stores?: string[];
}

const real = (p: string): string | undefined => {
	try {
		return fs.realpathSync(p);
	} catch {
		return undefined;
	}
};

const samePath = (a: string, b: string) => (real(a) ?? path.resolve(a)) === (real(b) ?? path.resolve(b));

/**
 * Whether `store` is a run store: a given one, a `.modelwright/runs` folder, the trials of a sweep
 * in one, or the folds of a `modelwright cv` in one.
 */
function isStore(store: string, given: string[], explicit: boolean, depth = 0): boolean {
	if (given.includes(store)) return true;
	if (path.basename(store) === 'trials' && depth < 2) {
		const sweep = path.dirname(store);
		return fs.existsSync(path.join(sweep, 'sweep.json')) && isStore(path.dirname(sweep), given, explicit, depth + 1);
	}
	if (path.basename(store) === 'folds' && depth < 2) {
		const cv = path.dirname(store);
		return fs.existsSync(path.join(cv, 'cv.json')) && isStore(path.dirname(cv), given, explicit, depth + 1);
	}
	return !explicit && path.basename(store) === 'runs' && path.basename(path.dirname(store)) === '.modelwright';
}

const rel = (p: string, cwd: string) => path.relative(cwd, p) || p;

/** `dir` as a run: inside a run store by its real path, its summary valid, of the config if one is given. */
export function checkRunDir(dir: string, opts: Omit<RunRefOptions, 'runsDir'> & { runsDir?: string }): RunRef {
	const cwd = opts.cwd ?? process.cwd();
	const r = real(dir);
	const shown = rel(path.resolve(cwd, dir), cwd);
	if (!r || !fs.statSync(r).isDirectory()) return { ok: false, message: `${shown} is not a run folder (no such folder).` };
	const given = [...(opts.runsDir ? [opts.runsDir] : []), ...(opts.stores ?? [])].map((s) => real(s) ?? path.resolve(s));
	if (!isStore(path.dirname(r), given, Boolean(opts.explicit)))
		return {
			ok: false,
			message: `${shown} is not a run: it is not a folder of ${opts.explicit && opts.runsDir ? rel(opts.runsDir, cwd) : `a run store (${RUNS_DIR})`}.`,
		};
	const id = path.basename(r);
	const raw = readJson<unknown>(path.join(r, 'summary.json'));
	if (raw === undefined) return { ok: false, message: `${shown} is not a run: it has no readable summary.json.` };
	const problem = summaryProblem(raw, id);
	if (problem) return { ok: false, message: `${shown} is not a run: ${problem}.` };
	const summary = readRunSummary(r)!;
	if (opts.configPath && !(summary.configPath && samePath(summary.configPath, opts.configPath)))
		return {
			ok: false,
			message: `run ${id} is a run of ${summary.configPath ? rel(summary.configPath, cwd) : 'an unknown config'}, not of ${rel(opts.configPath, cwd)}.`,
		};
	return { ok: true, run: { dir: r, id, summary } };
}

/** The valid runs of a store (of the config, if given), oldest first. */
export function storeRuns(runsDir: string, configPath?: string): ResolvedRun[] {
	let names: string[];
	try {
		names = fs.readdirSync(runsDir);
	} catch {
		return [];
	}
	return names
		.map((n) => checkRunDir(path.join(runsDir, n), { runsDir, explicit: true, ...(configPath ? { configPath } : {}) }))
		.filter((r): r is { ok: true; run: ResolvedRun } => r.ok)
		.map((r) => r.run)
		.sort((a, b) => a.summary.startedAt.localeCompare(b.summary.startedAt) || a.id.localeCompare(b.id));
}

const isPathLike = (ref: string) => ref === '.' || ref === '..' || path.isAbsolute(ref) || /[\\/]/.test(ref);

/** A run from `latest`, an id, an unambiguous id prefix, or a run folder path. */
export function resolveRun(ref: string, opts: RunRefOptions): RunRef {
	const cwd = opts.cwd ?? process.cwd();
	const where = `${rel(opts.runsDir, cwd)}${opts.configPath ? ` for ${rel(opts.configPath, cwd)}` : ''}`;
	if (!ref) return { ok: false, message: 'no run named.' };
	if (isPathLike(ref)) return checkRunDir(path.resolve(cwd, ref), { ...opts, cwd });
	if (ref === 'latest') {
		const last = storeRuns(opts.runsDir, opts.configPath).at(-1);
		return last ? { ok: true, run: last } : { ok: false, message: `no runs in ${where}.` };
	}
	if (fs.existsSync(path.join(opts.runsDir, ref))) return checkRunDir(path.join(opts.runsDir, ref), { ...opts, cwd, explicit: true });
	const matches = storeRuns(opts.runsDir, opts.configPath).filter((r) => r.id.startsWith(ref));
	if (matches.length === 1) return { ok: true, run: matches[0]! };
	if (matches.length > 1)
		return {
			ok: false,
			message: `'${ref}' matches ${matches.length} runs in ${where}: ${matches
				.slice(0, 5)
				.map((m) => m.id)
				.join(', ')}${matches.length > 5 ? ', …' : ''}. Give more of the id.`,
		};
	// A bare folder name in the current folder (e.g. inside the runs folder itself).
	if (fs.existsSync(path.join(cwd, ref))) return checkRunDir(path.join(cwd, ref), { ...opts, cwd });
	return { ok: false, message: `no run '${ref}' in ${where} (a run id, an id prefix, a run folder, or 'latest').` };
}

/**
 * Deletes a resolved run folder, holding its lock meanwhile; returns why it refused (in use by
 * another job, still running, or holding files Modelwright does not write in a run folder).
 */
export function deleteRunFolder(run: ResolvedRun): string | undefined {
	let lock: Lock;
	try {
		lock = acquireLock(run.dir, `run ${run.id}`);
	} catch (err) {
		if (err instanceof LockError) return `${err.message}`;
		throw err;
	}
	try {
		const now = readRunSummary(run.dir);
		if (now?.status === 'running') return `run ${run.id} is still running (process ${now.pid ?? '?'}). Stop that job first.`;
		const foreign = fs.readdirSync(run.dir).filter((e) => !RUN_ENTRIES.has(e) && !RUN_TEMP.test(e));
		if (foreign.length)
			return `run ${run.id} holds files Modelwright does not write in a run folder (${foreign.slice(0, 5).join(', ')}${foreign.length > 5 ? ', …' : ''}); move them out first, or delete the folder yourself.`;
		fs.rmSync(run.dir, { recursive: true });
		return undefined;
	} finally {
		lock.release();
	}
}
