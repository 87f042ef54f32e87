import * as path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError, type CliIO, type Command } from '../command';
import { formatDiagnostic } from '../files';
import { exitCode, runJob, type TrainOverrides } from '../../runtime/job';
import type { EngineEvent, EpochLogs } from '../../core/protocol';
import { BACKENDS, type BackendChoice } from '../../runtime/train/backend';
import { runsDirFor } from '../../io/store';
import { resolveRun } from '../../io/runRef';
import { echo, writeRaw } from '../output';
import { overrideNumber } from '../overrides';
import { count, taskWord, tcli } from '../messages';
import { dataReportLines } from '../../core/data/report';
import { formatDuration, formatNumber, remainingMs, type PaceMark } from '../../core/format';

const fmt = (v: number) => formatNumber(v);
export const formatLogs = (logs: EpochLogs) =>
	Object.entries(logs)
		.filter(([k]) => k !== 'lr')
		.map(([k, v]) => `${k} ${fmt(v)}`)
		.join('  ');

/** Renders job events: a redrawn progress line on a TTY, plain lines otherwise, JSON lines with --json. */
export function renderer(io: CliIO, mode: 'tty' | 'plain' | 'json'): (e: EngineEvent) => void {
	let epochs = 0;
	let lastEpoch: { epoch: number; logs: EpochLogs; elapsedMs: number } | undefined;
	// The ETA measures the pace after the first epoch, which carries compilation and warm-up.
	let pace: PaceMark | undefined;
	let every = 1;
	const tty = (text: string) => writeRaw('\r\x1b[2K', text);
	return (e) => {
		if (mode === 'json') {
			io.out(JSON.stringify(e));
			return;
		}
		switch (e.method) {
			case 'job/started':
				epochs = e.params.epochs;
				every = Math.max(1, Math.floor(epochs / 20));
				io.out(
					tcli('training', {
						name: echo(e.params.name),
						backend: e.params.backend,
						resumed: e.params.resumedFrom !== undefined ? tcli('resuming', { epoch: e.params.resumedFrom }) : '',
						epochs,
					}),
				);
				break;
			case 'job/dataLoaded':
				io.out(
					tcli('data', {
						rows: e.params.rows,
						train: e.params.split.train,
						validation: e.params.split.validation,
						test: e.params.split.test,
						inputs: e.params.inputs,
						label: e.params.label,
						task: taskWord(e.params.task),
						classes: e.params.classes ? tcli('classes', { n: e.params.classes.length }) : '',
						dropped: e.params.droppedRows ? tcli('dropped', { n: e.params.droppedRows }) : '',
					}),
				);
				{
					const report = dataReportLines(e.params);
					for (const l of report.dropped) io.out(`  ${l}`);
					for (const w of report.warnings) io.err(tcli('warning', { message: w }));
				}
				break;
			case 'job/batch':
				if (mode === 'tty') {
					const done = (e.params.epoch - 1 + e.params.batch / e.params.batches) / Math.max(1, epochs);
					const w = 24;
					const bar = '#'.repeat(Math.round(done * w)).padEnd(w, '-');
					tty(
						`${tcli('epoch', { epoch: e.params.epoch, epochs })} [${bar}] ${tcli('batch', { batch: e.params.batch, batches: e.params.batches })}${lastEpoch ? `  ${formatLogs(lastEpoch.logs)}` : ''}`,
					);
				}
				break;
			case 'job/epochEnd': {
				lastEpoch = e.params;
				pace ??= { at: e.params.elapsedMs, done: e.params.epoch };
				const eta = remainingMs(pace, e.params.elapsedMs, e.params.epoch, epochs);
				const line = `${tcli('epoch', { epoch: String(e.params.epoch).padStart(String(epochs).length), epochs })}  ${formatLogs(e.params.logs)}`;
				if (mode === 'tty') {
					const w = 24;
					const bar = '#'.repeat(Math.round((e.params.epoch / epochs) * w)).padEnd(w, '-');
					tty(
						`${tcli('epoch', { epoch: e.params.epoch, epochs })} [${bar}] ${formatLogs(e.params.logs)}${eta === undefined ? '' : `  ${tcli('eta', { time: formatDuration(eta) })}`}`,
					);
				} else if (e.params.epoch % every === 0 || e.params.epoch === epochs || e.params.epoch === 1) io.out(line);
				break;
			}
			case 'job/checkpoint':
				break;
			case 'job/evaluation':
				if (mode === 'tty') process.stdout.write('\n');
				io.out(
					tcli('evaluationOn', {
						split: e.params.split,
						metrics: Object.entries(e.params.metrics)
							.map(([k, v]) => `${k} ${fmt(v)}`)
							.join('  '),
					}),
				);
				break;
			case 'job/finished':
				if (e.params.stopReason) io.out(tcli('stopped', { reason: e.params.stopReason }));
				break;
			case 'job/cancelled':
				if (mode === 'tty') process.stdout.write('\n');
				io.err(tcli('cancelled', { epochs: count(e.params.epoch, 'epoch') }));
				break;
			case 'job/failed':
				if (mode === 'tty' && lastEpoch) process.stdout.write('\n');
				break;
		}
	};
}

/** parseArgs whose complaints (unknown option, missing value) are usage errors: exit code 2. */
export function parse<const T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
	try {
		return parseArgs(config);
	} catch (err) {
		throw new UsageError(err instanceof Error ? err.message : String(err));
	}
}

export const trainCommand: Command = {
	name: 'train',
	summary: 'Train a model config headless; writes a run folder.',
	help: `Usage: modelwright train <config> [options]

Validates the config (refusing it on errors, printed as \`validate\` does), loads and prepares
the data, trains, evaluates and exports the model. The run is written to
.modelwright/runs/<id>/ next to the config.

Options:
  --backend <b>         wasm (default), cpu, tensorflow (needs @tensorflow/tfjs-node installed), auto
  --epochs <n>          Override training.epochs.
  --batch-size <n>      Override training.batchSize.
  --learning-rate <x>   Override the optimizer's learning rate.
  --seed <n>            Override the config seed.
  --out <dir>           Also export the trained model to this folder.
  --resume <run>        Continue a run of this config (id or id prefix, folder, or 'latest') from its
                        last checkpoint; refused while another job is writing that run.
  --runs-dir <dir>      Run store folder (default: .modelwright/runs next to the config).
  --root <dir>          Folder data paths may not leave (default: the config's folder).
  --json                Print one JSON event per line (for tools).
  --allow-outside       Allow data paths outside the config's folder.

Exit codes: 0 trained, 1 runtime failure, 2 invalid config or usage, 130 cancelled (Ctrl+C).`,
	async run(args, io) {
		const { values, positionals } = parse({
			args,
			allowPositionals: true,
			options: {
				backend: { type: 'string' },
				epochs: { type: 'string' },
				'batch-size': { type: 'string' },
				'learning-rate': { type: 'string' },
				seed: { type: 'string' },
				out: { type: 'string' },
				resume: { type: 'string' },
				'runs-dir': { type: 'string' },
				root: { type: 'string' },
				json: { type: 'boolean' },
				'allow-outside': { type: 'boolean' },
			},
		});
		if (positionals.length !== 1) throw new UsageError(tcli('nameOneConfig'));
		const configPath = path.resolve(io.cwd, positionals[0]!);
		const backend = (values.backend ?? 'wasm') as BackendChoice;
		if (!BACKENDS.includes(backend)) throw new UsageError(tcli('backendOneOf', { name: 'backend', values: BACKENDS.join(', ') }));
		const overrides: TrainOverrides = {};
		const e = overrideNumber(values.epochs, 'epochs', ['training', 'epochs'], true);
		if (e !== undefined) overrides.epochs = e;
		const b = overrideNumber(values['batch-size'], 'batch-size', ['training', 'batchSize'], true);
		if (b !== undefined) overrides.batchSize = b;
		const l = overrideNumber(values['learning-rate'], 'learning-rate', ['training', 'optimizer', 'learningRate']);
		if (l !== undefined) overrides.learningRate = l;
		if (values.seed !== undefined) {
			const s = Number(values.seed);
			if (!Number.isInteger(s)) throw new UsageError(tcli('train.seed'));
			overrides.seed = s;
		}
		const runsDir = values['runs-dir'] ? path.resolve(io.cwd, values['runs-dir']) : runsDirFor(configPath);
		let resume: string | undefined;
		if (values.resume) {
			// Only a run of this config, in its run store (or the --runs-dir one).
			const ref = resolveRun(values.resume, { runsDir, cwd: io.cwd, configPath, explicit: Boolean(values['runs-dir']) });
			if (!ref.ok) throw new UsageError(`--resume: ${ref.message}`);
			resume = ref.run.dir;
		}
		const mode = values.json ? 'json' : io.isTTY ? 'tty' : 'plain';
		const controller = new AbortController();
		let interrupts = 0;
		// First Ctrl+C: stop at the next batch boundary and write a consistent run; second: leave now.
		const onSigint = () => {
			if (++interrupts > 1) process.exit(130);
			if (mode !== 'json') io.err(`\n${tcli('stopping')}`);
			controller.abort();
		};
		process.on('SIGINT', onSigint);
		try {
			const r = await runJob(
				{
					configPath,
					backend,
					overrides,
					runsDir,
					...(values.out ? { outDir: path.resolve(io.cwd, values.out) } : {}),
					...(resume ? { resume } : {}),
					...(values['allow-outside'] ? { allowOutside: true } : {}),
					...(values.root ? { workspaceRoot: path.resolve(io.cwd, values.root) } : {}),
				},
				renderer(io, mode),
				controller.signal,
			);
			if (mode !== 'json') {
				if (r.status === 'invalid') {
					for (const d of r.diagnostics ?? []) if (d.severity === 'error') io.err(formatDiagnostic(configPath, d, io.cwd));
					io.err(r.diagnostics ? `modelwright train: ${tcli('hasErrors', { file: positionals[0]! })}` : `modelwright train: ${r.message}`);
				} else if (r.status === 'failed') io.err(`modelwright train: ${r.message}`);
				if (r.weights)
					io.out(
						tcli('learned', {
							weight: r.weights.weight.map((w) => formatNumber(w)).join(', '),
							bias: r.weights.bias.map((w) => formatNumber(w)).join(', ') || tcli('none'),
						}),
					);
				if (r.runDir) io.out(tcli('runWritten', { dir: path.relative(io.cwd, r.runDir) || r.runDir }));
			}
			return exitCode(r);
		} finally {
			process.off('SIGINT', onSigint);
		}
	},
};
