import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError, type Command } from '../command';
import { findRun, listRuns, readMetrics, readRunSummary, RUNS_DIR, runsDirFor } from '../../io/store';
import { formatLogs, parse } from './train';

/** The run store for a config file, a folder (its .modelwright/runs) or a runs folder itself. */
export function runsDirFrom(arg: string | undefined, cwd: string): string {
	if (!arg) return path.join(cwd, RUNS_DIR);
	const p = path.resolve(cwd, arg);
	if (fs.existsSync(p) && fs.statSync(p).isFile()) return runsDirFor(p);
	if (fs.existsSync(path.join(p, RUNS_DIR))) return path.join(p, RUNS_DIR);
	return p;
}

export const runsCommand: Command = {
	name: 'runs',
	summary: 'List, show or delete training runs.',
	help: `Usage: modelwright runs list [config|folder] [--json]
       modelwright runs show <run> [--dir config|folder] [--json]
       modelwright runs delete <run> [--dir config|folder]

<run> is a run id (or a unique prefix/suffix), a run folder, or 'latest'. Runs live in
.modelwright/runs/ next to their config; --dir says which config or folder to look in
(default: the current folder).`,
	async run(args, io) {
		const { values, positionals } = parse({
			args,
			allowPositionals: true,
			options: { json: { type: 'boolean' }, dir: { type: 'string' } },
		});
		const [sub, arg] = positionals;
		if (sub === 'list') {
			const runs = listRuns(runsDirFrom(arg ?? values.dir, io.cwd));
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
				io.out('No runs.');
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
			if (!arg) throw new UsageError(`name the run to ${sub}.`);
			const dir = findRun(arg, runsDirFrom(values.dir, io.cwd), io.cwd);
			if (!dir) {
				io.err(`modelwright runs: no run '${arg}'.`);
				return 1;
			}
			if (sub === 'delete') {
				fs.rmSync(dir, { recursive: true, force: true });
				io.out(`Deleted ${path.relative(io.cwd, dir) || dir}`);
				return 0;
			}
			const s = readRunSummary(dir)!;
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
			if (s.finalMetrics) io.out(`  final:    ${formatLogs(s.finalMetrics)}`);
			if (s.bestMetrics) io.out(`  best:     epoch ${s.bestEpoch}: ${formatLogs(s.bestMetrics)}`);
			if (s.evaluation)
				io.out(
					`  evaluation: ${Object.entries(s.evaluation)
						.map(([k, v]) => `${k} ${v.toFixed(4)}`)
						.join('  ')}`,
				);
			if (s.lastCheckpoint) io.out(`  checkpoint: epoch ${s.lastCheckpoint}`);
			io.out(`  metrics.jsonl: ${metrics.length} epochs`);
			return 0;
		}
		throw new UsageError('use `runs list`, `runs show <run>` or `runs delete <run>`.');
	},
};
