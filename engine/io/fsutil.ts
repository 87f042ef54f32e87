/** Atomic file writes (temp file + rename in the same folder): readers never see half a file. */
import * as fs from 'node:fs';
import * as path from 'node:path';

let counter = 0;

/** Whether a process exists; one we may not signal (EPERM) is alive all the same. */
/**
 * Who process `pid` is: the boot and its start time (Linux /proc), so that a pid reused after a
 * crash or a reboot is not taken for the process that wrote a lock or a summary. Undefined where
 * /proc does not say (other systems, or the process is gone).
 */
export function processStart(pid: number): string | undefined {
	try {
		const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
		// Field 22 (starttime); the command name (field 2) may hold spaces and parentheses.
		const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
		return start ? `${bootId()}:${start}` : undefined;
	} catch {
		return undefined;
	}
}

let boot: string | undefined;
function bootId(): string {
	if (boot === undefined) {
		try {
			boot = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'latin1').trim();
		} catch {
			boot = '';
		}
	}
	return boot;
}

let own: string | undefined | null = null;
/** This process's `processStart`, read once. */
export function ownStart(): string | undefined {
	if (own === null) own = processStart(process.pid);
	return own;
}

/** This process as the writer of a run or sweep: its pid and `processStart`, for `processAlive`. */
export function writerIdentity(): { pid: number; pidStart?: string } {
	const start = ownStart();
	return { pid: process.pid, ...(start ? { pidStart: start } : {}) };
}

/**
 * Whether the writer recorded as `pid` (+ `start`) still runs. This process's own pid counts as it
 * only when the start matches too: in a container the CLI is pid 1 (or another small number) every
 * time, so a crashed run's pid is often ours.
 */
export function writerAlive(pid: number | undefined, start: string | undefined): boolean {
	if (pid === process.pid) return start === undefined || ownStart() === undefined || start === ownStart();
	return processAlive(pid, start);
}

/** Whether `pid` runs; with `start` (a recorded `processStart`), whether it is still that process. */
export function processAlive(pid: number | undefined, start?: string): boolean {
	if (!pid) return false;
	try {
		process.kill(pid, 0);
	} catch (err) {
		if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
	}
	if (start === undefined) return true;
	const now = processStart(pid);
	return now === undefined || now === start;
}

export function writeAtomic(file: string, data: string | Uint8Array): void {
	fs.mkdirSync(path.dirname(file), { recursive: true });
	const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${counter++}.tmp`);
	try {
		fs.writeFileSync(tmp, data);
		fs.renameSync(tmp, file);
	} catch (err) {
		// A failed write (ENOSPC, EDQUOT) must not leave its partial temp file: on a full disk that
		// space is what the failure report (status `failed` in summary.json) needs.
		fs.rmSync(tmp, { force: true });
		throw err;
	}
}

export const writeJson = (file: string, value: unknown) => writeAtomic(file, `${JSON.stringify(value, null, 2)}\n`);

/** The largest JSON state file read (summary.json with a long name is megabytes, not gigabytes). */
const MAX_JSON_BYTES = 256 * 1024 * 1024;

/**
 * A JSON state file (summary.json, sweep.json), or undefined when it is missing, unparsable, or
 * not a regular file of sane size: a run folder from a cloned repository may link it to /dev/zero.
 */
export function readJson<T>(file: string): T | undefined {
	try {
		return JSON.parse(readTextFile(file)) as T;
	} catch {
		return undefined;
	}
}

/**
 * The text of a file from a run or sweep folder (metrics.jsonl, evaluation.json, config.yaml, a
 * checkpoint): a regular file of at most `maxBytes`, else an error. A cloned repository may make
 * any of them a FIFO (readFileSync blocks forever) or a link to /dev/zero (memory runs out).
 */
export function readTextFile(file: string, maxBytes = MAX_JSON_BYTES): string {
	// Checked before opening too: opening a FIFO waits for a writer.
	if (!fs.statSync(file).isFile()) throw new Error(`${file} is not a regular file.`);
	const fd = fs.openSync(file, 'r');
	try {
		const st = fs.fstatSync(fd);
		if (!st.isFile()) throw new Error(`${file} is not a regular file.`);
		if (st.size > maxBytes) throw new Error(`${file} has ${st.size} bytes, more than the ${maxBytes} allowed.`);
		const buf = Buffer.alloc(st.size);
		let off = 0;
		while (off < buf.length) {
			const n = fs.readSync(fd, buf, off, buf.length - off, off);
			if (n === 0) break;
			off += n;
		}
		return buf.subarray(0, off).toString('utf8');
	} finally {
		fs.closeSync(fd);
	}
}

/**
 * A file `rel` inside `dir` that a crafted folder may point anywhere: its real path (links
 * resolved) must stay inside the real `dir`, and it must be a regular file (not a device or a
 * FIFO). Returns the real path and size; nothing is read.
 */
export function statWithin(dir: string, rel: string, what: string): { file: string; size: number } {
	const realDir = fs.realpathSync(dir);
	let real: string;
	try {
		real = fs.realpathSync(path.resolve(realDir, rel));
	} catch {
		throw new Error(`${what} \`${rel}\` not found in ${dir}.`);
	}
	const relReal = path.relative(realDir, real);
	if (relReal.startsWith('..') || path.isAbsolute(relReal))
		throw new Error(`${what} \`${rel}\` is outside ${dir} (it resolves to ${real}).`);
	const st = fs.statSync(real);
	if (!st.isFile()) throw new Error(`${what} \`${rel}\` is not a regular file.`);
	return { file: real, size: st.size };
}

/**
 * Reads a file checked by statWithin, of exactly `size` bytes or at most `maxBytes`. Reads only
 * what was checked (through the opened descriptor), so `/dev/zero` or a file that keeps growing
 * cannot exhaust memory.
 */
export function readFileWithin(dir: string, rel: string, opts: { size?: number; maxBytes?: number; what: string }): Buffer {
	const { file } = statWithin(dir, rel, opts.what);
	const fd = fs.openSync(file, 'r');
	try {
		const st = fs.fstatSync(fd);
		if (!st.isFile()) throw new Error(`${opts.what} \`${rel}\` is not a regular file.`);
		if (opts.size !== undefined && st.size !== opts.size)
			throw new Error(`${opts.what} \`${rel}\` has ${st.size} bytes; ${opts.size} were expected.`);
		if (opts.maxBytes !== undefined && st.size > opts.maxBytes)
			throw new Error(`${opts.what} \`${rel}\` has ${st.size} bytes, more than the ${opts.maxBytes} allowed.`);
		const buf = Buffer.alloc(st.size);
		let off = 0;
		while (off < buf.length) {
			const n = fs.readSync(fd, buf, off, buf.length - off, off);
			if (n === 0) throw new Error(`${opts.what} \`${rel}\` shrank while it was read.`);
			off += n;
		}
		return buf;
	} finally {
		fs.closeSync(fd);
	}
}
