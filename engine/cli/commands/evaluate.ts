import * as path from 'node:path';
import { parse } from './train';
import { tcli } from '../messages';
import { formatNumber } from '../../core/format';
import { UsageError, type Command } from '../command';
import { evaluateRun } from '../../runtime/runs';
import { runFromArgs } from './runs';
import { useBackend, type BackendChoice } from '../../runtime/train/backend';

/** Lines of the per-class table and of the confusion list printed for many classes (--json has all). */
const PER_CLASS_LINES = 50;
const CONFUSION_LINES = 20;

export const evaluateCommand: Command = {
	name: 'evaluate',
	summary: "Re-evaluate a run's model on its test/validation/train split.",
	help: `Usage: modelwright evaluate <run> [--split test|validation|train] [--dir config|folder] [--json]

Reloads the run's exported model and its config snapshot (same seed: same split and the same
preprocessing) and prints the metrics; --json prints the whole report (per-class, confusion
matrix, ROC/PR curves, predictions). Many classes are summarised: the most supported classes
and the most frequent confusions are printed, and the notes say what the report left out.

The run stores fingerprints of its data file and of each split's rows; when the data changed since
training (a reordered file puts training rows into the test split) evaluate refuses, naming both.

Options:
  --root <dir>          Folder data paths may not leave (default: the current folder).
  --allow-outside       Allow data paths outside it.
  --allow-data-change   Evaluate on the data as it is now even though it changed since training (noted in the report).`,
	async run(args, io) {
		const { values, positionals } = parse({
			args,
			allowPositionals: true,
			options: {
				split: { type: 'string' },
				dir: { type: 'string' },
				json: { type: 'boolean' },
				backend: { type: 'string' },
				root: { type: 'string' },
				'allow-outside': { type: 'boolean' },
				'allow-data-change': { type: 'boolean' },
			},
		});
		if (positionals.length !== 1) throw new UsageError(tcli('nameOneRun'));
		const split = values.split as 'test' | 'validation' | 'train' | undefined;
		if (split && !['test', 'validation', 'train'].includes(split)) throw new UsageError(tcli('evaluate.split'));
		const ref = runFromArgs(positionals[0]!, values.dir, io.cwd);
		if (!ref.ok) {
			io.err(`modelwright evaluate: ${ref.message}`);
			return 1;
		}
		const run = ref.run.dir;
		await useBackend((values.backend ?? 'wasm') as BackendChoice);
		// The path policy's root comes from the command line, never from the run folder being read.
		const ev = await evaluateRun(run, split, {
			allowOutside: Boolean(values['allow-outside']),
			root: path.resolve(io.cwd, values.root ?? '.'),
			allowDataChange: Boolean(values['allow-data-change']),
		});
		if (values.json) {
			io.out(JSON.stringify(ev, null, 2));
			return 0;
		}
		io.out(tcli('evaluationOf', { run: path.relative(io.cwd, run) || run, split: ev.split, rows: ev.rows }));
		for (const [k, v] of Object.entries(ev.metrics)) io.out(`  ${k.padEnd(10)} ${formatNumber(v)}`);
		const c = ev.classification;
		if (c) {
			// Many classes: the most supported ones, and the most frequent confusions instead of the matrix.
			const shown =
				c.perClass.length <= PER_CLASS_LINES ? c.perClass : [...c.perClass].sort((a, b) => b.support - a.support).slice(0, PER_CLASS_LINES);
			io.out(
				`  per class${shown.length < c.perClass.length ? ` (the ${shown.length} most supported of ${c.perClass.length})` : ''}:  precision  recall  f1      support`,
			);
			for (const r of shown)
				io.out(
					`    ${String(r.class).padEnd(10)} ${r.precision.toFixed(3).padStart(7)}  ${r.recall.toFixed(3).padStart(6)}  ${r.f1.toFixed(3)}  ${r.support}`,
				);
			const name = (k: number) => String(c.perClass[k]?.class ?? k);
			if (c.confusionMatrix) {
				io.out(`  ${tcli('confusion')}`);
				for (const [i, row] of c.confusionMatrix.entries())
					io.out(`    ${name(i).padEnd(10)} ${row.map((n) => String(n).padStart(4)).join('')}`);
			} else if (c.confusionSparse) {
				const top = c.confusionSparse.cells.slice(0, CONFUSION_LINES);
				io.out(`  ${tcli('topConfusions', { top: top.length, cells: c.confusionSparse.nonZeroCells })}`);
				for (const [a, p, n] of top) io.out(`    ${name(a)} → ${name(p)}: ${n}`);
			}
		}
		for (const note of ev.notes ?? []) io.out(`  ${tcli('note', { note })}`);
		return 0;
	},
};
