/** The machine's memory budget for a training run (MW233). */
import * as os from 'node:os';

/** The variable that carries the budget in megabytes to a process and the processes it forks. */
export const MAX_MEMORY_ENV = 'MODELWRIGHT_MAX_MEMORY_MB';

/**
 * Bytes a training run on this machine may use: `settingMb` when positive (the editor's
 * `modelwright.engine.maxMemoryMB`), else MODELWRIGHT_MAX_MEMORY_MB when set (the CLI's
 * `--max-memory` sets it, the extension sets it in its engine process from that setting, and
 * forked workers inherit it), else half the machine's memory.
 */
export function memoryBudget(env: NodeJS.ProcessEnv = process.env, settingMb = 0): number {
	if (settingMb > 0) return settingMb * 1024 * 1024;
	const mb = Number(env[MAX_MEMORY_ENV]);
	return Number.isFinite(mb) && mb > 0 ? mb * 1024 * 1024 : Math.floor(os.totalmem() / 2);
}
