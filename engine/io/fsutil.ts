/** Atomic file writes (temp file + rename in the same folder): readers never see half a file. */
import * as fs from 'node:fs';
import * as path from 'node:path';

let counter = 0;

/** Whether a process exists; one we may not signal (EPERM) is alive all the same. */
export function processAlive(pid: number | undefined): boolean {
	if (!pid) return false;
	try {
		process.kill(pid, 0);
		return true;
	} catch (err) {
		return (err as NodeJS.ErrnoException).code === 'EPERM';
	}
}

export function writeAtomic(file: string, data: string | Uint8Array): void {
	fs.mkdirSync(path.dirname(file), { recursive: true });
	const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${counter++}.tmp`);
	fs.writeFileSync(tmp, data);
	fs.renameSync(tmp, file);
}

export const writeJson = (file: string, value: unknown) => writeAtomic(file, `${JSON.stringify(value, null, 2)}\n`);

export function readJson<T>(file: string): T | undefined {
	try {
		return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
	} catch {
		return undefined;
	}
}
