import * as path from 'node:path';
import { UsageError, type Command } from '../command';
import { tcli } from '../messages';
import { readMetrics } from '../../io/store';
import { deleteRunFolder, resolveRun, runStoreFrom, storeRuns, type RunRef } from '../../io/runRef';
import { formatLogs, parse } from './train';
import { droppedLine } from '../../core/data/report';
import { shortPrint } from '../../core/data/fingerprint';
import { formatNumber } from '../../core/format';

/**
 * The run a command names (`<run>` and `--dir`), through the one resolver (engine/io/runRef.ts):
 * with --dir <config>, only that config's runs.
 */
export function runFromArgs(ref: string, dir: string | undefined, cwd: string): RunRef {
	const store = runStoreFrom(dir, cwd);
	return resolveRun(ref, {
		runsDir: store.runsDir,
		cwd,
		explicit: store.explicit,
		...(store.configPath ? { configPath: store.configPath } : {}),
	});
}

export const runsCommand: Command = {
	name: 'runs',
	summary: 'List, show or delete training runs.',
	help: `Usage: modelwright runs list [config|folder] [--json]
       modelwright runs show <run> [--dir config|folder] [--json]
       modelwright runs delete <run> [--dir config|folder]

<run> is a run id (or an unambiguous prefix of one), a run folder, or 'latest'. Runs live in
.modelwright/runs/ next to their config; --dir says which config or folder to look in
(default: the current folder). With --dir <config>, only that config's runs count.
A reference resolves only to a run folder inside a run store; \`delete\` names the run it
deletes and refuses a run that is being written or that holds files it did not write.`,
	async run(args, io) {
		const { values, positionals } = parse({
			args,
			allowPositionals: true,
			options: { json: { type: 'boolean' }, dir: { type: 'string' } },
		});
		const [sub, arg] = positionals;
		if (sub === 'list') {
			const store = runStoreFrom(arg ?? values.dir, io.cwd);
			const runs = storeRuns(store.runsDir, store.configPath);
			if (values.json) {
				io.out(
					JSON.stringify(
						runs.map((r) => ({ dir: r.dir, ...r.summary })),
						null,
						2,
					),
				);
				return 0;
			}
			if (!runs.length) {
				io.out(tcli('noRuns'));
				return 0;
			}
			for (const r of runs) {
				const s = r.summary;
				io.out(
					`${r.id.padEnd(40)} ${s.status.padEnd(11)} ${String(s.epochs.completed).padStart(5)}/${s.epochs.planned} epochs  ${(s.backend ?? '').padEnd(5)} ${s.finalMetrics ? formatLogs(s.finalMetrics) : ''}`,
				);
			}
			return 0;
		}
		if (sub === 'show' || sub === 'delete') {
			if (!arg) throw new UsageError(tcli('runs.nameRun', { sub }));
			const ref = runFromArgs(arg, values.dir, io.cwd);
			if (!ref.ok) {
				io.err(`modelwright runs: ${ref.message}`);
				return 1;
			}
			const { dir, summary: s } = ref.run;
			if (sub === 'delete') {
				const what = `run ${ref.run.id} (${s.name}, ${s.status}, ${s.epochs.completed}/${s.epochs.planned} epochs) in ${path.relative(io.cwd, dir) || dir}`;
				const refused = deleteRunFolder(ref.run);
				if (refused) {
					io.err(`modelwright runs: did not delete ${what}: ${refused}`);
					return 1;
				}
				io.out(`Deleted ${what}`);
				return 0;
			}
			const metrics = readMetrics(dir);
			if (values.json) {
				io.out(JSON.stringify({ dir, summary: s, metrics }, null, 2));
				return 0;
			}
			io.out(`Run ${s.id} (${s.name}) — ${s.status}${s.message ? `: ${s.message}` : ''}`);
			io.out(`  folder:   ${path.relative(io.cwd, dir) || dir}`);
			io.out(
				`  backend:  ${s.backend ?? '?'}   seed ${s.seed ?? '?'}   started ${s.startedAt}${s.finishedAt ? `   finished ${s.finishedAt}` : ''}`,
			);
			io.out(
				`  epochs:   ${s.epochs.completed}/${s.epochs.planned}${s.timings?.msPerEpoch ? `   ${s.timings.msPerEpoch.toFixed(1)} ms/epoch` : ''}`,
			);
			if (s.data) io.out(`  data:     ${s.data.rows} rows, ${s.data.inputs} inputs, label ${s.data.label} (${s.data.task})`);
			for (const r of s.data?.dropped ?? []) io.out(`  dropped:  ${droppedLine(r)}`);
			const fp = s.data?.fingerprint;
			if (fp) {
				io.out(`  data fingerprint:  ${fp.data} (${fp.source})`);
				io.out(
					`  split fingerprints: train ${shortPrint(fp.splits.train)}  validation ${shortPrint(fp.splits.validation)}  test ${shortPrint(fp.splits.test)}`,
				);
			}
			if (s.finalMetrics) io.out(`  final:    ${formatLogs(s.finalMetrics)}`);
			if (s.bestMetrics) io.out(`  best:     epoch ${s.bestEpoch}: ${formatLogs(s.bestMetrics)}`);
			if (s.evaluation)
				io.out(
					`  evaluation: ${Object.entries(s.evaluation)
						.map(([k, v]) => `${k} ${formatNumber(v)}`)
						.join('  ')}`,
				);
			if (s.lastCheckpoint) io.out(`  checkpoint: epoch ${s.lastCheckpoint}`);
			io.out(`  metrics.jsonl: ${metrics.length} epochs`);
			return 0;
		}
		throw new UsageError(tcli('runs.use'));
	},
};
