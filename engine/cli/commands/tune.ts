import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError, type CliIO, type Command } from '../command';
import { BACKENDS, type BackendChoice } from '../../runtime/train/backend';
import { applyParams, changeSummary, describeChanges } from '../../core/tune/apply';
import { roundParams } from '../../core/tune/space';
import { formatDuration, formatMeanStd, formatNumber } from '../../core/format';
import type { SweepEvent, SweepState, TrialRecord } from '../../core/tune/protocol';
import { runSweep, SweepRefused, type SweepOptions } from '../../runtime/tune/sweep';
import { DEFAULT_MAX_DATA_MB, DEFAULT_MAX_RESULT_MB, redisUrlFrom, redisUrlProblem } from '../../core/tune/distributed';
import { readSweep } from '../../io/sweeps';
import { writeAtomic } from '../../io/fsutil';
import { displayWidth, padDisplay, writeRaw } from '../output';
import { statusWord, tcli } from '../messages';
import { list } from '../../core/l10n';
import { maxOf } from '../../core/arrays';
import { overrideNumber } from '../overrides';
import { validateConfig } from '../../io/probe';
import { formatDiagnostic } from '../files';

const fmt = (v: number | undefined) => (v === undefined ? '–' : formatNumber(v));
const fmtParam = (v: unknown) => (typeof v === 'number' ? formatNumber(v) : String(v));

function row(t: TrialRecord, keys: string[], best: number | undefined, workers = false): string[] {
	return [
		`${t.number === best ? '*' : ' '}${t.number}`,
		...keys.map((k) => (t.params[k] === undefined ? '–' : fmtParam(t.params[k]))),
		t.score === undefined ? '–' : t.status === 'pruned' ? tcli('tune.partial', { score: fmt(t.score) }) : formatMeanStd(t.score, t.std),
		statusWord(t.status),
		t.durationMs === undefined ? '' : formatDuration(t.durationMs),
		...(workers
			? [t.worker ? ((t.attempts?.length ?? 0) > 1 ? tcli('tune.starts', { worker: t.worker, n: t.attempts!.length }) : t.worker) : '']
			: []),
	];
}

/** The trials table: redrawn in place on a TTY. Exported for the long-array test (a sweep holds up to 100,000 trials). */
export function trialTable(state: SweepState): string {
	const keys = [...new Set(state.trials.flatMap((t) => Object.keys(t.params)))];
	const workers = state.distributed !== undefined;
	const head = [
		'#',
		...keys,
		`${state.objective.metric} (${tcli(state.objective.direction === 'maximize' ? 'tune.col.max' : 'tune.col.min')})`,
		tcli('tune.col.status'),
		tcli('tune.col.time'),
		...(workers ? [tcli('tune.col.worker')] : []),
	];
	const rows = state.trials.map((t) => row(t, keys, state.best?.number, workers));
	const w = head.map((h, i) => Math.max(displayWidth(h), maxOf(rows.map((r) => displayWidth(r[i]!)))));
	return [head, ...rows]
		.map((r) =>
			r
				.map((c, i) => padDisplay(c, w[i]!))
				.join('  ')
				.trimEnd(),
		)
		.join('\n');
}

function writeBest(configPath: string, state: SweepState, io: CliIO): void {
	if (!state.best) throw new Error(tcli('tune.noBest'));
	const text = fs.readFileSync(configPath, 'utf8');
	// Rounded: sweeps recorded before proposals were rounded hold full-precision draws.
	const params = roundParams(state.best.params);
	const changes = describeChanges(text, params);
	// Atomic: a crash mid-write must not truncate the user's config.
	writeAtomic(configPath, applyParams(text, params));
	io.out(tcli('tune.applied', { n: state.best.number, file: configPath, changes: changeSummary(changes) }));
}

export const tuneCommand: Command = {
	name: 'tune',
	summary: 'Search hyperparameters: grid, random or Bayesian (TPE), with k-fold CV and pruning.',
	help: `Usage: modelwright tune <config> [options]

Runs the config's \`tuning\` sweep: trials proposed by the strategy, each cross-validated over
the configured folds, run in parallel worker processes and pruned when hopeless. Every trial
fold is a normal run under <runs>/sweep-<name>-<time>/trials/. Ctrl+C stops the sweep; finished
trials are kept and --resume continues it.

Options:
  --trials N          Override the number of trials.
  --workers N         Parallel trials (default: tuning.workers, else the number of cores). Same
                      config, seed and workers: the same trials and winner (docs/engine.md).
  --resume DIR        Continue the sweep in DIR without re-running finished trials.
  --backend NAME      ${BACKENDS.join(' | ')} (default wasm).
  --out DIR           Run store folder (default .modelwright/runs next to the config).
  --apply             Write the best trial's values into the config when the sweep ends.
  --apply-from DIR    Only write the best values of the finished sweep in DIR into the config.
  --json              Print sweep events as JSON lines.
  --allow-outside     Allow data paths outside the config's folder.

Distributed (trials run by \`modelwright worker --redis URL\` on any machine):
  --redis URL         Put the trials on a Redis queue instead of local workers
                      (redis://[user@]host[:port][/db], rediss:// for TLS; the password from
                      MODELWRIGHT_REDIS_PASSWORD). --workers is then the number of trials in flight
                      (default: tuning.workers, else the connected workers' slots).
  --max-data-mb N     Largest data file sent through Redis (default ${DEFAULT_MAX_DATA_MB}).
  --max-result-mb N   Largest run folder a worker sends back (default ${DEFAULT_MAX_RESULT_MB}).
  --shared-data DIR   Data under DIR is not sent: workers read it from their --data-root.
  --redis-timeout S   Seconds Redis may be unreachable before the sweep stops, interrupted
                      (default 15; --resume completes it once Redis is back).
  --redis-ca FILE     The CA certificate (PEM) for rediss://: only servers it signed are trusted
                      (default MODELWRIGHT_REDIS_CA, else Node's CAs and NODE_EXTRA_CA_CERTS).

Exit codes: 0 ok, 1 the sweep failed (or Redis was lost: --resume completes it), 2 usage or
invalid config, 130 stopped.`,
	async run(args, io) {
		const { values, positionals } = parseArgs({
			args,
			allowPositionals: true,
			options: {
				trials: { type: 'string' },
				workers: { type: 'string' },
				resume: { type: 'string' },
				backend: { type: 'string' },
				out: { type: 'string' },
				apply: { type: 'boolean' },
				'apply-from': { type: 'string' },
				json: { type: 'boolean' },
				'allow-outside': { type: 'boolean' },
				redis: { type: 'string' },
				'max-data-mb': { type: 'string' },
				'max-result-mb': { type: 'string' },
				'shared-data': { type: 'string' },
				'redis-timeout': { type: 'string' },
				'redis-ca': { type: 'string' },
			},
		});
		if (positionals.length !== 1) throw new UsageError(tcli('nameExactlyOneConfig'));
		const configPath = path.resolve(io.cwd, positionals[0]!);
		if (!fs.existsSync(configPath)) throw new UsageError(tcli('noSuchFile', { file: positionals[0]! }));
		if (values['apply-from']) {
			const s = readSweep(path.resolve(io.cwd, values['apply-from']));
			if (!s) throw new UsageError(tcli('tune.notSweepFolder', { dir: values['apply-from'] }));
			writeBest(configPath, s, io);
			return 0;
		}
		if (values.backend && !BACKENDS.includes(values.backend as BackendChoice))
			throw new UsageError(tcli('backendOneOf', { name: 'backend', values: BACKENDS.join(', ') }));
		const redisUrl = values.redis === undefined ? undefined : redisUrlFrom(values.redis, process.env.MODELWRIGHT_REDIS_PASSWORD);
		if (redisUrl !== undefined) {
			const problem = redisUrlProblem(redisUrl);
			if (problem) throw new UsageError(`--redis: ${problem}.`);
		} else if (values['max-data-mb'] || values['max-result-mb'] || values['shared-data'] || values['redis-timeout'] || values['redis-ca'])
			throw new UsageError(tcli('tune.redisOnly'));
		const redisTimeout = values['redis-timeout'] === undefined ? undefined : Number(values['redis-timeout']);
		if (redisTimeout !== undefined && !(redisTimeout > 0))
			throw new UsageError(tcli('tune.redisTimeout', { value: values['redis-timeout'] ?? '' }));
		const mbOption = (name: 'max-data-mb' | 'max-result-mb') => {
			const v = values[name];
			if (v === undefined) return undefined;
			const n = Number(v);
			if (!Number.isFinite(n) || n <= 0 || n > 512) throw new UsageError(tcli('tune.megabytes', { name, value: v }));
			return Math.round(n * 1024 * 1024);
		};
		const maxData = mbOption('max-data-mb');
		const maxResult = mbOption('max-result-mb');
		// Held to the config fields' ranges: --trials 1000000000 is refused as tuning.trials would be.
		const workers = overrideNumber(values.workers, 'workers', ['tuning', 'workers'], true);
		const trials = overrideNumber(values.trials, 'trials', ['tuning', 'trials'], true);
		// A class with fewer rows than the folds (MW247) makes every trial's per-fold scores noisy: said before the sweep.
		if (!values.resume && !values.json) {
			const v = validateConfig(configPath, fs.readFileSync(configPath, 'utf8'), { allowOutside: values['allow-outside'] });
			for (const d of v.diagnostics) if (d.code === 'MW247') io.err(formatDiagnostic(configPath, d, io.cwd));
		}
		const ctrl = new AbortController();
		const onSigint = () => {
			io.err(`\n${tcli('tune.stopping')}`);
			ctrl.abort();
		};
		process.once('SIGINT', onSigint);
		let lines = 0;
		const draw = (state: SweepState) => {
			const text = trialTable(state);
			if (io.isTTY) writeRaw(lines ? `\x1b[${lines}A\x1b[0J` : '', `${text}\n`);
			lines = text.split('\n').length;
		};
		const emit = (e: SweepEvent) => {
			if (values.json) {
				io.out(JSON.stringify(e));
				return;
			}
			if (e.method === 'sweep/started') {
				const s = e.params.state;
				const started = {
					name: s.name,
					strategy: s.strategy,
					trials: s.plannedTrials,
					folds: s.folds > 1 ? tcli('tune.folds', { k: s.folds }) : '',
					direction: tcli(s.objective.direction === 'maximize' ? 'tune.maximize' : 'tune.minimize'),
					metric: s.objective.metric,
				};
				io.out(
					`${tcli(e.params.resumed ? 'tune.resumed' : 'tune.started', started)}\n${tcli('tune.sweepFolder', { dir: path.relative(io.cwd, e.params.sweepDir) || e.params.sweepDir })}`,
				);
				const removed = e.params.removedTrials ?? [];
				const names = removed.map((d) => path.basename(d)).join(', ');
				if (removed.length)
					io.out(removed.length === 1 ? tcli('tune.removed.one', { names }) : tcli('tune.removed.many', { n: removed.length, names }));
				for (const k of e.params.keptTrials ?? []) io.out(tcli('tune.kept', { reason: k.reason }));
				if (s.distributed) io.out(tcli('tune.redisQueue', { queue: s.distributed.queue, redis: s.distributed.redis }));
				if (io.isTTY) draw(s);
			} else if (e.method === 'sweep/trialEnded') {
				const t = e.params.trial;
				if (!io.isTTY)
					io.out(
						`${tcli('tune.trialEnded', {
							n: t.number,
							status: statusWord(t.status),
							score: t.score === undefined ? '–' : formatMeanStd(t.score, t.std),
							params: Object.entries(t.params)
								.map(([k, v]) => `${k}=${fmtParam(v)}`)
								.join(' '),
						})}${t.worker ? tcli('tune.onWorker', { worker: t.worker }) : ''}${t.message ? tcli('tune.why', { message: t.message }) : ''}`,
					);
			}
		};
		let state: SweepState;
		let live: SweepState | undefined;
		try {
			const sweepOpts: SweepOptions = {
				configPath,
				...(values.out ? { runsDir: path.resolve(io.cwd, values.out) } : {}),
				...(values.resume ? { resume: path.resolve(io.cwd, values.resume) } : {}),
				...(values.backend ? { backend: values.backend as BackendChoice } : {}),
				...(workers !== undefined ? { workers } : {}),
				...(trials !== undefined ? { trials } : {}),
				...(values['allow-outside'] ? { allowOutside: true } : {}),
				signal: ctrl.signal,
			};
			const listener = (e: SweepEvent) => {
				emit(e);
				// In-process, the started event carries the live state object the sweep keeps updating.
				if (e.method === 'sweep/started') live = e.params.state;
				if (io.isTTY && !values.json && live && (e.method === 'sweep/trialStarted' || e.method === 'sweep/trialEnded')) draw(live);
			};
			if (redisUrl !== undefined) {
				const { runDistributedSweep } = await import('../../runtime/tune/distributed/coordinator');
				state = await runDistributedSweep(
					sweepOpts,
					{
						redisUrl,
						...(values['redis-ca'] ? { redisCa: path.resolve(io.cwd, values['redis-ca']) } : {}),
						...(maxData ? { maxDataBytes: maxData } : {}),
						...(maxResult ? { maxResultBytes: maxResult } : {}),
						...(values['shared-data'] ? { sharedData: path.resolve(io.cwd, values['shared-data']) } : {}),
						...(redisTimeout ? { lostAfterMs: redisTimeout * 1000 } : {}),
					},
					listener,
				);
			} else state = await runSweep(sweepOpts, listener);
		} catch (err) {
			const message = err instanceof Error ? err.message : String(err);
			if (err instanceof SweepRefused) throw new UsageError(message);
			throw err;
		} finally {
			process.off('SIGINT', onSigint);
		}
		if (!values.json) {
			io.out(io.isTTY ? '' : trialTable(state));
			const counts = list(
				(['completed', 'pruned', 'failed'] as const).map((s) =>
					tcli('tune.count', { n: state.trials.filter((t) => t.status === s).length, status: statusWord(s) }),
				),
			);
			io.out(`\n${tcli(state.status === 'stopped' ? 'tune.stopped' : 'tune.done', { trials: state.trials.length, counts })}`);
			if (state.best)
				io.out(
					tcli('tune.best', {
						n: state.best.number,
						metric: state.objective.metric,
						score: fmt(state.best.score),
						params: list(Object.entries(state.best.params).map(([k, v]) => `${k} = ${fmtParam(v)}`)),
					}),
				);
		}
		if (values.apply && state.best) writeBest(configPath, state, io);
		return state.status === 'stopped' ? 130 : state.status === 'completed' ? 0 : 1;
	},
};
