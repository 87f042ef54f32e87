/**
 * The run store: `.modelwright/runs/<id>/` next to the config, plain files.
 *   config.yaml      the config as trained (text snapshot)
 *   metrics.jsonl    one JSON line per epoch (appended; a torn last line is ignored on read)
 *   summary.json     status, backend, timings, final/best metrics, data summary (atomic)
 *   evaluation.json  the evaluation report
 *   model/           the exported tfjs model + preprocessing.json + config.yaml
 *   checkpoints/     epoch-NNNNNN.json (weights + optimizer state), the last `keep` kept
 * A run whose summary says `running` but whose process is gone reads back as `interrupted`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DataSummary, EpochLogs } from '../core/protocol';
import type { Checkpoint } from '../core/records';
import { writerAlive, writerIdentity, readJson, writeAtomic, writeJson, readTextFile } from './fsutil';

export type RunStatus = 'running' | 'completed' | 'stopped' | 'cancelled' | 'failed' | 'interrupted';

export interface RunSummary {
	/** The summary format (RUN_SUMMARY_VERSION); absent in runs written before it was added. */
	version?: number;
	id: string;
	name: string;
	configPath?: string;
	status: RunStatus;
	pid?: number;
	/** The writer's `processStart` (a later process with the same pid is not the writer). */
	pidStart?: string;
	backend?: string;
	seed?: number;
	startedAt: string;
	updatedAt: string;
	finishedAt?: string;
	timings?: { dataMs?: number; trainMs?: number; evaluateMs?: number; totalMs?: number; msPerEpoch?: number };
	epochs: { planned: number; completed: number };
	finalMetrics?: EpochLogs;
	bestMetrics?: EpochLogs;
	bestEpoch?: number;
	data?: DataSummary;
	evaluation?: Record<string, number>;
	/** The split `evaluation` was measured on: its metrics are labelled by it (`test_`, `val_`, `train_`). */
	evaluationSplit?: 'test' | 'validation' | 'train';
	message?: string;
	resumedFrom?: { epoch: number; at: string }[];
	/** CLI/request overrides applied on top of the config snapshot (re-applied by --resume). */
	overrides?: { epochs?: number; batchSize?: number; learningRate?: number; seed?: number };
	/** A cross-validation fold run: which fold was validation (re-evaluation needs the same split). */
	fold?: { index: number; of: number };
	lastCheckpoint?: number;
	modelDir?: string;
	exportedTo?: string;
	/** Which training step ran ('fused' WebAssembly or 'tfjs' ops) and why (engine/runtime/train/fused). */
	trainPath?: 'fused' | 'tfjs';
	trainPathReason?: string;
}

export const RUNS_DIR = path.join('.modelwright', 'runs');

/** The summary.json format written now (checked by engine/io/runRef.ts). */
export const RUN_SUMMARY_VERSION = 1;

export function runsDirFor(configPath: string): string {
	return path.join(path.dirname(path.resolve(configPath)), RUNS_DIR);
}

function stamp(d = new Date()): string {
	const p = (n: number) => String(n).padStart(2, '0');
	return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

export function createRunDir(runsDir: string, name: string): { id: string; dir: string } {
	fs.mkdirSync(runsDir, { recursive: true });
	// The name is capped: a folder name has at most 255 bytes, and a config name has no limit.
	const base = `${stamp()}-${name.replace(/[^A-Za-z0-9_.-]+/g, '-').slice(0, 80)}`;
	for (let i = 0; ; i++) {
		const id = i === 0 ? base : `${base}-${i + 1}`;
		const dir = path.join(runsDir, id);
		try {
			fs.mkdirSync(dir);
			return { id, dir };
		} catch (err) {
			if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
		}
	}
}

export class RunWriter {
	summary: RunSummary;
	constructor(
		readonly dir: string,
		init: Omit<RunSummary, 'updatedAt' | 'status'>,
		private readonly keep = 2,
	) {
		this.summary = { version: RUN_SUMMARY_VERSION, ...init, status: 'running', ...writerIdentity(), updatedAt: new Date().toISOString() };
	}
	static resume(dir: string, keep = 2): RunWriter {
		const s = readRunSummary(dir);
		if (!s) throw new Error(`${dir} is not a run folder (no summary.json).`);
		const w = new RunWriter(dir, s, keep);
		w.summary = { ...s, status: 'running', ...writerIdentity(), updatedAt: new Date().toISOString() };
		delete w.summary.finishedAt;
		// The message of how it ended before (interrupted, cancelled) does not describe the resumed run.
		delete w.summary.message;
		return w;
	}
	writeSummary(patch: Partial<RunSummary> = {}): void {
		this.summary = { ...this.summary, ...patch, updatedAt: new Date().toISOString() };
		writeJson(path.join(this.dir, 'summary.json'), this.summary);
	}
	writeConfig(text: string): void {
		writeAtomic(path.join(this.dir, 'config.yaml'), text);
	}
	/** Rewrites metrics.jsonl with `history` (used when resuming: drops epochs after the checkpoint). */
	resetMetrics(history: EpochLogs[]): void {
		writeAtomic(path.join(this.dir, 'metrics.jsonl'), history.map((h, i) => `${JSON.stringify({ epoch: i + 1, ...h })}\n`).join(''));
	}
	appendEpoch(epoch: number, logs: EpochLogs): void {
		fs.appendFileSync(path.join(this.dir, 'metrics.jsonl'), `${JSON.stringify({ epoch: epoch + 1, ...logs })}\n`);
	}
	writeCheckpoint(ck: Checkpoint): string {
		const dir = path.join(this.dir, 'checkpoints');
		const file = path.join(dir, `epoch-${String(ck.epoch).padStart(6, '0')}.json`);
		writeAtomic(file, JSON.stringify(ck));
		const all = listCheckpoints(this.dir);
		for (const old of all.slice(0, Math.max(0, all.length - this.keep))) fs.rmSync(old.file, { force: true });
		this.writeSummary({ lastCheckpoint: ck.epoch });
		return file;
	}
	writeEvaluation(ev: unknown): string {
		const file = path.join(this.dir, 'evaluation.json');
		writeJson(file, ev);
		return file;
	}
}

export function listCheckpoints(runDir: string): { epoch: number; file: string }[] {
	const dir = path.join(runDir, 'checkpoints');
	if (!fs.existsSync(dir)) return [];
	return fs
		.readdirSync(dir)
		.map((f) => /^epoch-(\d+)\.json$/.exec(f))
		.filter((m): m is RegExpExecArray => m !== null)
		.map((m) => ({ epoch: Number(m[1]), file: path.join(dir, m[0]) }))
		.sort((a, b) => a.epoch - b.epoch);
}

export function readCheckpoint(file: string): Checkpoint {
	return JSON.parse(readTextFile(file)) as Checkpoint;
}

/** The summary, with a `running` run whose process is gone reported as `interrupted`. */
export function readRunSummary(dir: string): RunSummary | undefined {
	const s = readJson<RunSummary>(path.join(dir, 'summary.json'));
	if (s && s.status === 'running' && (s.pid === undefined || !writerAlive(s.pid, s.pidStart))) {
		s.status = 'interrupted';
		s.message =
			s.message ??
			'the training process ended without finishing the run (killed or crashed); `train --resume` continues from the last checkpoint.';
	}
	return s;
}

export function readMetrics(dir: string): (EpochLogs & { epoch: number })[] {
	let text = '';
	try {
		text = readTextFile(path.join(dir, 'metrics.jsonl'));
	} catch {
		return [];
	}
	const out: (EpochLogs & { epoch: number })[] = [];
	for (const line of text.split('\n')) {
		if (!line.trim()) continue;
		try {
			out.push(JSON.parse(line) as EpochLogs & { epoch: number });
		} catch {
			/* a torn last line from a killed process */
		}
	}
	return out;
}

// Listing and resolving runs (ids, `latest`, folders): engine/io/runRef.ts, the one resolver.

/**
 * How an evaluation metric is labelled: by the split it was measured on (`test_accuracy`,
 * `val_accuracy`, `train_accuracy`). Runs written before the split was recorded were on test.
 */
export function evaluationKey(s: Pick<RunSummary, 'evaluationSplit'>, metric: string): string {
	const prefix = s.evaluationSplit === 'validation' ? 'val' : s.evaluationSplit === 'train' ? 'train' : 'test';
	return `${prefix}_${metric}`;
}
