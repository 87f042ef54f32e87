/**
 * One writer per run or sweep folder: `<dir>/.lock`, created with O_EXCL and holding the pid of
 * the process writing the folder, and its start time so that a reused pid is not mistaken for it.
 * A lock whose process is gone is stale and taken over; a live one refuses, even in the same
 * process (the engine process runs several jobs). Locks are released by `release()` and, failing
 * that, when the process exits.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ownStart, processAlive, readJson } from './fsutil';

export const LOCK_FILE = '.lock';

export interface LockInfo {
	pid: number;
	/** Tells this holder from a later one with the same pid. */
	token: string;
	at: string;
	/** The holder's `processStart`: a later process given the same pid is not the holder. */
	start?: string;
}

export interface Lock {
	readonly file: string;
	release(): void;
}

export class LockError extends Error {
	constructor(
		message: string,
		readonly holder?: LockInfo,
	) {
		super(message);
	}
}

const held = new Map<string, string>();
let exitHook = false;

function releaseAll(): void {
	for (const [file, token] of held) removeIfOurs(file, token);
	held.clear();
}

function removeIfOurs(file: string, token: string): void {
	try {
		if (readLockFile(file)?.token === token) fs.rmSync(file, { force: true });
	} catch {
		/* best effort at exit */
	}
}

/** A lock file's content (a bounded regular file: a crafted folder may link `.lock` to /dev/zero or a FIFO). */
function readLockFile(file: string): LockInfo | undefined {
	const v = readJson<Partial<LockInfo>>(file);
	if (!v || typeof v.pid !== 'number') return undefined;
	return { pid: v.pid, token: String(v.token ?? ''), at: String(v.at ?? ''), ...(typeof v.start === 'string' ? { start: v.start } : {}) };
}

/** The live holder of `dir`'s lock, if any (a stale lock has none). */
export function lockHolder(dir: string): LockInfo | undefined {
	const info = readLockFile(path.join(dir, LOCK_FILE));
	if (!info) return undefined;
	const ours = held.get(path.join(dir, LOCK_FILE)) === info.token;
	return ours || processAlive(info.pid, info.start) ? info : undefined;
}

/**
 * Takes the lock of `dir` (`what` names it in the refusal, e.g. "run 2024…-iris"), or throws a
 * LockError naming the process that holds it.
 */
export function acquireLock(dir: string, what: string): Lock {
	const file = path.join(dir, LOCK_FILE);
	const start = ownStart();
	const info: LockInfo = { pid: process.pid, token: crypto.randomUUID(), at: new Date().toISOString(), ...(start ? { start } : {}) };
	for (let attempt = 0; attempt < 5; attempt++) {
		if (createExclusive(file, JSON.stringify(info))) {
			held.set(file, info.token);
			if (!exitHook) {
				exitHook = true;
				process.on('exit', releaseAll);
			}
			return {
				file,
				release: () => {
					if (held.get(file) !== info.token) return;
					held.delete(file);
					removeIfOurs(file, info.token);
				},
			};
		}
		const current = readLockFile(file);
		if (current && (held.get(file) === current.token || processAlive(current.pid, current.start)))
			throw new LockError(
				`${what} is in use: it is being written by process ${current.pid}${current.pid === process.pid ? ' (this process)' : ''} since ${current.at}. Wait for that job to end or stop it first.`,
				current,
			);
		if (!current && youngerThan(file, 10_000))
			throw new LockError(`${what} is in use: its lock ${file} is being taken by another process. Try again.`);
		breakStale(file, current);
	}
	throw new LockError(`${what} is in use: could not take its lock ${file}.`);
}

/** Creates `file` with `content` unless it exists; other processes never see it half written. */
function createExclusive(file: string, content: string): boolean {
	const tmp = `${file}.${process.pid}.${crypto.randomUUID()}.tmp`;
	fs.writeFileSync(tmp, content);
	try {
		fs.linkSync(tmp, file);
		return true;
	} catch (err) {
		const code = (err as NodeJS.ErrnoException).code;
		if (code === 'EEXIST') return false;
		if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EOPNOTSUPP') throw err;
	} finally {
		fs.rmSync(tmp, { force: true });
	}
	// File systems without hard links: O_EXCL create, then write (an empty lock reads as being taken).
	try {
		const fd = fs.openSync(file, 'wx');
		try {
			fs.writeSync(fd, content);
		} finally {
			fs.closeSync(fd);
		}
		return true;
	} catch (err) {
		if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
		throw err;
	}
}

function youngerThan(file: string, ms: number): boolean {
	try {
		return Date.now() - fs.statSync(file).mtimeMs < ms;
	} catch {
		return false;
	}
}

/**
 * Removes a stale lock. Renaming is atomic, so of two processes breaking the same stale lock one
 * wins; a loser that renamed a fresh lock taken meanwhile puts it back.
 */
function breakStale(file: string, stale: LockInfo | undefined): void {
	const aside = `${file}.${process.pid}.${crypto.randomUUID()}.stale`;
	try {
		fs.renameSync(file, aside);
	} catch {
		return; // already gone: try to create it again
	}
	const got = readLockFile(aside);
	if (stale && got && got.token !== stale.token) {
		try {
			fs.linkSync(aside, file);
		} catch {
			/* a third process holds it now: the retry will see it */
		}
	}
	fs.rmSync(aside, { force: true });
}
