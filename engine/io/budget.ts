/** The machine's memory budget for a training run (MW233). */
import * as os from 'node:os';

/**
 * Bytes a training run on this machine may use: MODELWRIGHT_MAX_MEMORY_MB when set (the CLI's
 * `--max-memory` sets it, and forked workers inherit it), else half the machine's memory.
 */
export function memoryBudget(env: NodeJS.ProcessEnv = process.env): number {
	const mb = Number(env.MODELWRIGHT_MAX_MEMORY_MB);
	return Number.isFinite(mb) && mb > 0 ? mb * 1024 * 1024 : Math.floor(os.totalmem() / 2);
}
