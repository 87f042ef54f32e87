import * as path from 'node:path';
import { UsageError, type Command } from '../command';
import { statusWord, taskWord, tcli } from '../messages';
import { padDisplay } from '../output';
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
					`${r.id.padEnd(40)} ${padDisplay(statusWord(s.status), 11)} ${tcli('runs.listEpochs', { done: String(s.epochs.completed).padStart(5), planned: s.epochs.planned })}  ${(s.backend ?? '').padEnd(5)} ${s.finalMetrics ? formatLogs(s.finalMetrics) : ''}`,
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
				const what = tcli('runs.what', {
					id: ref.run.id,
					name: s.name,
					status: statusWord(s.status),
					done: s.epochs.completed,
					planned: s.epochs.planned,
					dir: path.relative(io.cwd, dir) || dir,
				});
				const refused = deleteRunFolder(ref.run);
				if (refused) {
					io.err(`modelwright runs: ${tcli('runs.notDeleted', { what, why: refused })}`);
					return 1;
				}
				io.out(tcli('runs.deleted', { what }));
				return 0;
			}
			const metrics = readMetrics(dir);
			if (values.json) {
				io.out(JSON.stringify({ dir, summary: s, metrics }, null, 2));
				return 0;
			}
			io.out(`${tcli('runs.header', { id: s.id, name: s.name, status: statusWord(s.status) })}${s.message ? `: ${s.message}` : ''}`);
			io.out(tcli('runs.folder', { dir: path.relative(io.cwd, dir) || dir }));
			io.out(
				`${tcli('runs.backend', { backend: s.backend ?? '?', seed: s.seed ?? '?', started: s.startedAt })}${s.finishedAt ? tcli('runs.finished', { at: s.finishedAt }) : ''}`,
			);
			io.out(
				`${tcli('runs.epochs', { done: s.epochs.completed, planned: s.epochs.planned })}${s.timings?.msPerEpoch ? tcli('runs.msPerEpoch', { ms: s.timings.msPerEpoch.toFixed(1) }) : ''}`,
			);
			if (s.data) io.out(tcli('runs.data', { rows: s.data.rows, inputs: s.data.inputs, label: s.data.label, task: taskWord(s.data.task) }));
			for (const r of s.data?.dropped ?? []) io.out(tcli('runs.dropped', { line: droppedLine(r) }));
			const fp = s.data?.fingerprint;
			if (fp) {
				io.out(tcli('runs.dataPrint', { print: fp.data, source: fp.source }));
				io.out(
					tcli('runs.splitPrints', {
						train: shortPrint(fp.splits.train),
						validation: shortPrint(fp.splits.validation),
						test: shortPrint(fp.splits.test),
					}),
				);
			}
			if (s.finalMetrics) io.out(tcli('runs.final', { metrics: formatLogs(s.finalMetrics) }));
			if (s.bestMetrics) io.out(tcli('runs.best', { epoch: s.bestEpoch ?? '?', metrics: formatLogs(s.bestMetrics) }));
			if (s.evaluation)
				io.out(
					tcli('runs.evaluation', {
						metrics: Object.entries(s.evaluation)
							.map(([k, v]) => `${k} ${formatNumber(v)}`)
							.join('  '),
					}),
				);
			if (s.lastCheckpoint) io.out(tcli('runs.checkpoint', { epoch: s.lastCheckpoint }));
			io.out(tcli('runs.metricsFile', { n: metrics.length }));
			return 0;
		}
		throw new UsageError(tcli('runs.use'));
	},
};
