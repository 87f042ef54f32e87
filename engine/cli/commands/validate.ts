import { parseArgs } from 'node:util';
import { UsageError, type Command } from '../command';
import { expandFiles, formatDiagnostic, validateFile } from '../files';
import { count, tcli } from '../messages';

export const validateCommand: Command = {
	name: 'validate',
	summary: 'Check model configs: syntax, schema and ML-semantic checks.',
	help: `Usage: modelwright validate <files, folders or globs…> [--json] [--allow-outside]

Checks each config (*.model.yaml, *.model.yml, *.model.json) and prints one line per problem:
  file:line:col severity code message

Options:
  --json            Print a JSON array of {file, diagnostics} instead.
  --allow-outside   Allow data paths outside the config's folder.
  --quiet           Print errors only.

Exit codes: 0 clean or warnings only, 1 errors found, 2 usage error (or no files).`,
	async run(args, io) {
		const { values, positionals } = parseArgs({
			args,
			allowPositionals: true,
			options: { json: { type: 'boolean' }, 'allow-outside': { type: 'boolean' }, quiet: { type: 'boolean' } },
		});
		if (positionals.length === 0) throw new UsageError(tcli('nameConfigs'));
		const { files, missing } = expandFiles(positionals, io.cwd);
		for (const m of missing) io.err(`modelwright validate: ${tcli('noSuchFile', { file: m })}`);
		if (files.length === 0) throw new UsageError(tcli('noConfigs'));
		let errors = 0;
		let warnings = 0;
		const report: unknown[] = [];
		for (const file of files) {
			const r = validateFile(file, { allowOutside: Boolean(values['allow-outside']) });
			for (const d of r.diagnostics) {
				if (d.severity === 'error') errors++;
				else if (d.severity === 'warning') warnings++;
				if (!values.json && (!values.quiet || d.severity === 'error')) io.out(formatDiagnostic(file, d, io.cwd));
			}
			report.push({ file, ok: r.ok, diagnostics: r.diagnostics });
		}
		if (values.json) io.out(JSON.stringify(report, null, 2));
		else
			io.out(tcli('checked', { files: count(files.length, 'file'), errors: count(errors, 'error'), warnings: count(warnings, 'warning') }));
		return missing.length ? 2 : errors > 0 ? 1 : 0;
	},
};
