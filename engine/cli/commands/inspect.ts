import { parseArgs } from 'node:util';
import { UsageError, type Command } from '../command';
import { formatDiagnostic, validateFile } from '../files';
import { tcli } from '../messages';
import { summaryTable, toMermaid } from '../../core/shapes/summary';

export const inspectCommand: Command = {
	name: 'inspect',
	summary: "Show a config's layers with output shapes and parameter counts.",
	help: `Usage: modelwright inspect <config> [--json | --mermaid] [--allow-outside]

Prints a table like Keras model.summary(): each layer, its output shape and parameter
count, and the totals. Shapes are computed from the config alone (no training).

Options:
  --json            Print the shapes, data summary and diagnostics as JSON.
  --mermaid         Print the pipeline and the layer graph as a Mermaid flowchart.
  --allow-outside   Allow data paths outside the config's folder.

Exit codes: 0 ok, 1 the config has errors (they are printed), 2 usage error.`,
	async run(args, io) {
		const { values, positionals } = parseArgs({
			args,
			allowPositionals: true,
			options: { json: { type: 'boolean' }, mermaid: { type: 'boolean' }, 'allow-outside': { type: 'boolean' } },
		});
		if (positionals.length !== 1) throw new UsageError(tcli('nameExactlyOneConfig'));
		const r = validateFile(positionals[0]!.startsWith('/') ? positionals[0]! : `${io.cwd}/${positionals[0]!}`, {
			allowOutside: Boolean(values['allow-outside']),
		});
		const errors = r.diagnostics.filter((d) => d.severity === 'error');
		if (values.json) {
			io.out(
				JSON.stringify(
					{
						file: r.file,
						name: r.resolved?.name,
						shapes: r.shapes,
						data: r.data ? { ...r.data, info: undefined } : undefined,
						diagnostics: r.diagnostics,
					},
					null,
					2,
				),
			);
			return errors.length ? 1 : 0;
		}
		for (const d of r.diagnostics) io.err(formatDiagnostic(r.file, d, io.cwd));
		if (!r.resolved || !r.shapes) {
			io.err(tcli('inspectErrors'));
			return 1;
		}
		io.out(values.mermaid ? toMermaid(r.resolved, r.shapes, r.data) : summaryTable(r.resolved.name, r.shapes, r.data));
		return errors.length ? 1 : 0;
	},
};
