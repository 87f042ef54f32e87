/** Runs one job of the engine process: maps the extension's request onto the engine's entry points. */
import * as path from 'node:path';
import { runJob } from '../runtime/job';
import type { EventSink } from '../core/protocol';
import { writeJson } from '../io/fsutil';
import { checkRunDir } from '../io/runRef';
import { exportRunModel } from '../runtime/export/copy';
import { evaluateRun, modelDirOf, predictRows, storeOwner } from '../runtime/runs';
import { runSweep, type SweepOptions } from '../runtime/tune/sweep';
import { runDistributedSweep } from '../runtime/tune/distributed/coordinator';
import type { SweepEvent } from '../core/tune/protocol';
import type { JobResultPayload, SubmitParams } from '../core/rpc';

export type JobEnd = { state: 'succeeded' | 'failed' | 'cancelled'; error?: string; result?: JobResultPayload };

export async function execute(
	params: SubmitParams,
	sink: EventSink,
	signal: AbortSignal,
	sweepSink: (e: SweepEvent) => void = () => {},
): Promise<JobEnd> {
	switch (params.kind) {
		case 'train': {
			const r = await runJob(
				{
					configPath: params.configPath,
					...(params.workspaceRoot ? { workspaceRoot: params.workspaceRoot } : {}),
					...(params.allowOutside ? { allowOutside: true } : {}),
					...(params.backend ? { backend: params.backend } : {}),
					...(params.overrides ? { overrides: params.overrides } : {}),
					...(params.runsDir ? { runsDir: params.runsDir } : {}),
					...(params.resume ? { resume: params.resume } : {}),
				},
				sink,
				signal,
			);
			const state = r.status === 'completed' || r.status === 'stopped' ? 'succeeded' : r.status === 'cancelled' ? 'cancelled' : 'failed';
			return { state, ...(r.message && state !== 'succeeded' ? { error: r.message } : {}) };
		}
		case 'evaluate': {
			const runDir = runIn(params);
			// The policy root is the workspace's (else where the run store is), never the run's own summary.
			const ev = await evaluateRun(runDir, undefined, {
				...(params.allowOutside ? { allowOutside: true } : {}),
				root: params.workspaceRoot ?? storeOwner(runDir),
			});
			writeJson(path.join(runDir, 'evaluation.json'), ev);
			return { state: 'succeeded', result: { evaluation: ev.metrics } };
		}
		case 'predict': {
			const dir = modelDirOf(runIn(params));
			if (!dir) throw new Error('the run has no exported model (did it finish training?).');
			const { predictions } = await predictRows(dir, (params.rows ?? []) as never);
			return { state: 'succeeded', result: { predictions: predictions.map((p) => p.prediction) } };
		}
		case 'export': {
			const src = modelDirOf(runIn(params));
			if (!src) throw new Error('the run has no exported model (did it finish training?).');
			const out = path.resolve(need(params.outDir, 'outDir'));
			await exportRunModel(src, out, params.formats ?? ['tfjs']);
			return { state: 'succeeded', result: { exportedTo: out } };
		}
		case 'tune': {
			let sweepDir: string | undefined;
			const run = (opts: SweepOptions, emit: (e: SweepEvent) => void) =>
				params.redisUrl ? runDistributedSweep(opts, { redisUrl: params.redisUrl }, emit) : runSweep(opts, emit);
			const state = await run(
				{
					configPath: params.configPath,
					...(params.runsDir ? { runsDir: params.runsDir } : {}),
					...(params.workspaceRoot ? { workspaceRoot: params.workspaceRoot } : {}),
					...(params.allowOutside ? { allowOutside: true } : {}),
					...(params.backend ? { backend: params.backend } : {}),
					...(params.resume ? { resume: params.resume } : {}),
					workerScript: path.join(__dirname, 'tune-worker.js'),
					signal,
				},
				(e) => {
					if (e.method === 'sweep/started') sweepDir = e.params.sweepDir;
					sweepSink(e);
				},
			);
			const end = state.status === 'completed' ? 'succeeded' : state.status === 'stopped' ? 'cancelled' : 'failed';
			return { state: end, result: { ...(sweepDir ? { sweepDir } : {}), ...(state.best ? { best: state.best } : {}) } };
		}
	}
}

/** The request's run folder, resolved like every run reference (engine/io/runRef.ts). */
function runIn(params: SubmitParams): string {
	const r = checkRunDir(need(params.runDir, 'runDir'), { stores: params.runsDir ? [params.runsDir] : [] });
	if (!r.ok) throw new Error(r.message);
	return r.run.dir;
}

function need<T>(v: T | undefined, what: string): T {
	if (v === undefined) throw new Error(`the request has no ${what}.`);
	return v;
}
