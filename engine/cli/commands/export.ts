import * as path from 'node:path';
import { parse } from './train';
import { UsageError, type Command } from '../command';
import { tcli } from '../messages';
import { modelDirOf } from '../../runtime/runs';
import { runFromArgs } from './runs';
import { EXPORT_FORMATS, type ExportFormat } from '../../core/config/schema';
import { ONNX_FILE, ONNX_OPSET } from '../../core/onnx';
import { exportRunModel } from '../../runtime/export/copy';

/** `--format tfjs,onnx` or repeated `--format`: the formats asked for, default tfjs. */
function formatsOf(values: string[] | undefined): ExportFormat[] {
	const asked = (values ?? ['tfjs']).flatMap((v) => v.split(',')).map((v) => v.trim());
	const bad = asked.filter((f) => !(EXPORT_FORMATS as readonly string[]).includes(f));
	if (bad.length)
		throw new UsageError(
			tcli('export.format', { formats: bad.map((b) => `\`${b}\``).join(', '), allowed: EXPORT_FORMATS.join(tcli('or')) }),
		);
	return EXPORT_FORMATS.filter((f) => asked.includes(f));
}

export const exportCommand: Command = {
	name: 'export',
	summary: "Copy a run's model (tfjs layers format and/or ONNX, with preprocessing and config) to a folder.",
	help: `Usage: modelwright export <run> --out <folder> [--format tfjs|onnx|tfjs,onnx] [--dir config|folder]

--format tfjs (the default) writes model.json + weights.bin (loadable with tf.loadLayersModel,
convertible to Keras). --format onnx writes ${ONNX_FILE} (ONNX opset ${ONNX_OPSET}): the fitted
preprocessing and the network in one graph that takes the raw feature values, one input per
column, for ONNX Runtime (see docs/export.md). Both write preprocessing.json (the fitted
transforms), config.yaml (the config snapshot) and MODEL_CARD.md (data, preprocessing,
architecture, training, evaluation, limitations; the ONNX inputs and outputs when written).
The folder must be new, empty, or an earlier export (marked by a .modelwright-export file):
a folder of other files is refused, naming what would be overwritten.`,
	async run(args, io) {
		const { values, positionals } = parse({
			args,
			allowPositionals: true,
			options: { out: { type: 'string' }, dir: { type: 'string' }, format: { type: 'string', multiple: true } },
		});
		if (positionals.length !== 1 || !values.out) throw new UsageError(tcli('export.nameRun'));
		const formats = formatsOf(values.format);
		const ref = runFromArgs(positionals[0]!, values.dir, io.cwd);
		if (!ref.ok) {
			io.err(`modelwright export: ${ref.message}`);
			return 1;
		}
		const src = modelDirOf(ref.run.dir);
		if (!src) {
			io.err(`modelwright export: ${tcli('noModel', { id: ref.run.id })}`);
			return 1;
		}
		const out = path.resolve(io.cwd, values.out);
		const shown = path.relative(io.cwd, out) || out;
		try {
			await exportRunModel(src, out, formats, shown);
		} catch (err) {
			if (!(err instanceof Error) || !err.message.startsWith('the model cannot be exported to ONNX')) throw err;
			io.err(`modelwright export: run ${ref.run.id}: ${err.message}`);
			return 1;
		}
		io.out(tcli('exported', { formats: formats.join(' + '), dir: shown }));
		return 0;
	},
};
