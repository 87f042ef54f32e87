/** `modelwright cv`: k-fold cross-validation of one config, each fold a normal run. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError, type Command } from '../command';
import { formatDiagnostic } from '../files';
import { runJob, type JobResult } from '../../runtime/job';
import { BACKENDS, type BackendChoice } from '../../runtime/train/backend';
import { runsDirFor } from '../../io/store';
import { writeJson } from '../../io/fsutil';
import { checkWriteDir, validateConfig } from '../../io/probe';
import { applyParams } from '../../core/tune/apply';
import { meanStd, type MeanStd } from '../../core/stats';
import { append } from '../../core/arrays';
import type { EngineEvent } from '../../core/protocol';
import { formatMeanStd, formatNumber } from '../../core/format';
import { parse } from './train';
import { overrideNumber } from '../overrides';
import { statusWord, tcli } from '../messages';
import { displayWidth, padDisplay } from '../output';

export interface CvReport {
	config: string;
	folds: number;
	/** Each fold's run and the metrics of its held-out fold. */
	runs: { fold: number; status: JobResult['status']; runDir?: string; metrics: Record<string, number>; message?: string }[];
	/** Mean and population standard deviation per metric over the completed folds. */
	summary: Record<string, MeanStd>;
	/** The data's warnings, from the first fold (e.g. a class with fewer rows than folds). */
	warnings?: string[];
}

const fmt = (x: number) => formatNumber(x);

/**
 * Adds the data's warnings to `warnings` when `e` is fold `fold`'s job/dataLoaded and that fold is
 * the first (the others warn the same); true then. Appended in a loop: a warning comes per feature
 * column left empty in the training rows, too many to pass as call arguments.
 */
export function firstFoldWarnings(warnings: string[], fold: number, e: EngineEvent): boolean {
	if (fold !== 0 || e.method !== 'job/dataLoaded') return false;
	append(warnings, e.params.warnings ?? []);
	return true;
}

export const cvCommand: Command = {
	name: 'cv',
	summary: 'k-fold cross-validation of a config: per-fold metrics, mean ± std.',
	help: `Usage: modelwright cv <config> [options]

Trains the config once per fold: the rows that are not test are split into k stratified folds,
each fold is held out once (validation) while the others train, and the held-out fold is
evaluated. Prints the per-fold table and, per metric, the mean ± the population standard
deviation (divide by n, as numpy's std()). Each fold is a normal run under
.modelwright/runs/cv-<stamp>-<name>/folds/; cv.json holds the report.

Options:
  --folds <k>           Number of folds (default: data.split.folds, tuning.folds, else 5).
  --backend <b>         wasm (default), cpu, tensorflow, auto
  --epochs <n>          Override training.epochs for every fold.
  --runs-dir <dir>      Run store folder (default: .modelwright/runs next to the config).
  --root <dir>          Folder data paths may not leave (default: the config's folder).
  --allow-outside       Allow data paths outside the config's folder.
  --json                Print the report as JSON.

Exit codes: 0 every fold trained, 1 a fold failed, 2 invalid config or usage, 130 cancelled.`,
	async run(args, io) {
		const { values, positionals } = parse({
			args,
			allowPositionals: true,
			options: {
				folds: { type: 'string' },
				backend: { type: 'string' },
				epochs: { type: 'string' },
				'runs-dir': { type: 'string' },
				root: { type: 'string' },
				'allow-outside': { type: 'boolean' },
				json: { type: 'boolean' },
			},
		});
		if (positionals.length !== 1) throw new UsageError(tcli('nameOneConfig'));
		const configPath = path.resolve(io.cwd, positionals[0]!);
		const backend = (values.backend ?? 'wasm') as BackendChoice;
		if (!BACKENDS.includes(backend)) throw new UsageError(tcli('backendOneOf', { name: 'backend', values: BACKENDS.join(', ') }));
		const epochs = overrideNumber(values.epochs, 'epochs', ['training', 'epochs'], true);
		let text: string;
		try {
			text = fs.readFileSync(configPath, 'utf8');
		} catch (err) {
			throw new UsageError(tcli('cannotRead', { file: positionals[0]!, message: (err as Error).message }));
		}
		const policy = { root: values.root ? path.resolve(io.cwd, values.root) : undefined, allowOutside: values['allow-outside'] };
		const v = validateConfig(configPath, text, policy);
		if (!v.ok || !v.resolved) {
			for (const d of v.diagnostics) if (d.severity === 'error') io.err(formatDiagnostic(configPath, d, io.cwd));
			io.err(`modelwright cv: ${tcli('hasErrorsCv', { file: positionals[0]! })}`);
			return 2;
		}
		const cfg = v.resolved;
		const k = overrideNumber(values.folds, 'folds', ['data', 'split', 'folds'], true) ?? cfg.data.split.folds ?? cfg.tuning?.folds ?? 5;
		// The held-out fold is what each run evaluates, whatever the config says for plain training.
		const foldText = applyParams(text, { 'evaluation.split': 'validation' });
		const base = values['runs-dir'] ? path.resolve(io.cwd, values['runs-dir']) : runsDirFor(configPath);
		const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
		const dir = path.join(base, `cv-${stamp}-${cfg.name.replace(/[^\w.-]+/g, '_').slice(0, 60)}`);
		// The run store obeys the path policy like train's: a .modelwright linked outside is refused.
		const store = checkWriteDir(base, v.policy);
		if (!store.ok) {
			io.err(`modelwright cv: ${store.message}`);
			return 2;
		}
		const controller = new AbortController();
		const onSigint = () => controller.abort();
		process.on('SIGINT', onSigint);
		const report: CvReport = { config: configPath, folds: k, runs: [], summary: {} };
		// The data's warnings (a class with fewer rows than folds, a split rounded away) are the same in every
		// fold: the first fold's are printed and reported once.
		const warnings: string[] = [];
		try {
			for (let i = 0; i < k && !controller.signal.aborted; i++) {
				if (!values.json) io.err(tcli('fold', { i: i + 1, k }));
				const r = await runJob(
					{
						configPath,
						text: foldText,
						backend,
						runsDir: path.join(dir, 'folds'),
						noExport: true,
						fold: { index: i, of: k },
						...(epochs !== undefined ? { overrides: { epochs } } : {}),
						...(policy.root ? { workspaceRoot: policy.root } : {}),
						...(policy.allowOutside ? { allowOutside: true } : {}),
					},
					(e) => {
						if (firstFoldWarnings(warnings, i, e) && !values.json) for (const w of warnings) io.err(tcli('warning', { message: w }));
					},
					controller.signal,
				);
				report.runs.push({
					fold: i + 1,
					status: r.status,
					...(r.runDir ? { runDir: r.runDir } : {}),
					metrics: r.summary?.evaluation ?? {},
					...(r.status !== 'completed' && r.message ? { message: r.message } : {}),
				});
				if (r.status === 'invalid' || r.status === 'cancelled') break;
			}
		} finally {
			process.off('SIGINT', onSigint);
		}
		const done = report.runs.filter((r) => r.status === 'completed' || r.status === 'stopped');
		const names = [...new Set(done.flatMap((r) => Object.keys(r.metrics)))];
		for (const m of names) report.summary[m] = meanStd(done.map((r) => r.metrics[m]).filter((x): x is number => typeof x === 'number'));
		if (warnings.length) report.warnings = warnings;
		if (report.runs.length) writeJson(path.join(dir, 'cv.json'), report);
		if (values.json) io.out(JSON.stringify(report, null, 2));
		else {
			const header = [tcli('cv.col.fold'), tcli('cv.col.status'), ...names];
			const rows = report.runs.map((r) => [
				String(r.fold),
				statusWord(r.status),
				...names.map((m) => (r.metrics[m] === undefined ? '–' : fmt(r.metrics[m]))),
			]);
			const widths = header.map((h, c) => Math.max(displayWidth(h), ...rows.map((row) => displayWidth(row[c]!))));
			const line = (cells: string[]) => cells.map((x, c) => padDisplay(x, widths[c]!)).join('  ');
			io.out(line(header));
			for (const row of rows) io.out(line(row));
			for (const r of report.runs) if (r.message) io.err(tcli('foldMessage', { i: r.fold, message: r.message }));
			io.out('');
			io.out(tcli('foldsSummary', { done: done.length, k }));
			for (const m of names) io.out(`  ${m}: ${formatMeanStd(report.summary[m]!.mean, report.summary[m]!.std)}`);
			io.out(tcli('reportWritten', { file: path.relative(io.cwd, path.join(dir, 'cv.json')) }));
		}
		if (controller.signal.aborted) return 130;
		return report.runs.some((r) => r.status === 'invalid') ? 2 : done.length === k ? 0 : 1;
	},
};
