/**
 * Sweep state files: reading `sweep.json` (a dead sweep reads as interrupted) and finding the sweeps
 * of a config in run stores (its folder's and its ancestors' `.modelwright/runs`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RUNS_DIR } from './store';
import type { SweepState } from '../core/tune/protocol';
import { readJson, writerAlive } from './fsutil';

export function sweepFile(dir: string): string {
	return path.join(dir, 'sweep.json');
}

/** The sweep state, with a `running` sweep whose process is gone reported as interrupted. */
export function readSweep(dir: string): SweepState | undefined {
	const s = readJson<SweepState & { pid?: number; pidStart?: string }>(sweepFile(dir));
	if (s && s.status === 'running' && s.pid !== undefined && !writerAlive(s.pid, s.pidStart)) s.status = 'interrupted';
	return s;
}

export interface FoundSweep {
	dir: string;
	state: SweepState;
}

/** Sweeps whose config is `configPath`, newest first. `runsDirs` adds run stores to search. */
export function findSweeps(configPath: string, runsDirs: string[] = []): FoundSweep[] {
	const target = path.resolve(configPath);
	const stores = new Set(runsDirs.map((d) => path.resolve(d)));
	for (let dir = path.dirname(target), i = 0; i < 6; i++) {
		stores.add(path.join(dir, RUNS_DIR));
		const up = path.dirname(dir);
		if (up === dir) break;
		dir = up;
	}
	const out: FoundSweep[] = [];
	for (const store of stores) {
		let entries: string[];
		try {
			entries = fs.readdirSync(store);
		} catch {
			continue;
		}
		for (const e of entries) {
			const dir = path.join(store, e);
			if (!fs.existsSync(sweepFile(dir))) continue;
			const state = readSweep(dir);
			if (state && path.resolve(state.configPath) === target) out.push({ dir, state });
		}
	}
	return out.sort((a, b) => b.state.startedAt.localeCompare(a.state.startedAt));
}
