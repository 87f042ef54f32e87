import * as path from 'node:path';
import { parse } from './train';
import { UsageError, type Command } from '../command';
import { copyExport } from '../../io/exportTarget';
import { modelDirOf } from '../../runtime/runs';
import { runFromArgs } from './runs';

export const exportCommand: Command = {
	name: 'export',
	summary: "Copy a run's model (tfjs layers format + preprocessing + config) to a folder.",
	help: `Usage: modelwright export <run> --out <folder> [--dir config|folder]

Writes model.json + weights.bin (loadable with tf.loadLayersModel, convertible to Keras),
preprocessing.json (the fitted transforms), config.yaml (the config snapshot) and
MODEL_CARD.md (data, preprocessing, architecture, training, evaluation, limitations).
The folder must be new, empty, or an earlier export (marked by a .modelwright-export file):
a folder of other files is refused, naming what would be overwritten.`,
	async run(args, io) {
		const { values, positionals } = parse({ args, allowPositionals: true, options: { out: { type: 'string' }, dir: { type: 'string' } } });
		if (positionals.length !== 1 || !values.out) throw new UsageError('name one run and --out <folder>.');
		const ref = runFromArgs(positionals[0]!, values.dir, io.cwd);
		if (!ref.ok) {
			io.err(`modelwright export: ${ref.message}`);
			return 1;
		}
		const src = modelDirOf(ref.run.dir);
		if (!src) {
			io.err(`modelwright export: run ${ref.run.id} has no model (did it finish training?).`);
			return 1;
		}
		const out = path.resolve(io.cwd, values.out);
		copyExport(src, out, path.relative(io.cwd, out) || out);
		io.out(`Exported to ${path.relative(io.cwd, out) || out}`);
		return 0;
	},
};
