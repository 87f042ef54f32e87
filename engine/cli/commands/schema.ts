import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { Command } from '../command';
import { jsonSchemaText } from '../../core/config/jsonSchema';
import { configDocs } from '../../core/config/docs';
import { tcli } from '../messages';

export const schemaCommand: Command = {
	name: 'schema',
	summary: 'Print the JSON Schema of model configs (draft 2020-12).',
	help: `Usage: modelwright schema [--out FILE] [--docs]

Prints the JSON Schema that other editors and tools can use for *.model.yaml files.

Options:
  --out FILE   Write to FILE instead of standard output.
  --docs       Print the Markdown config reference (docs/config.md) instead.`,
	async run(args, io) {
		const { values } = parseArgs({ args, options: { out: { type: 'string' }, docs: { type: 'boolean' } } });
		const text = values.docs ? configDocs() : jsonSchemaText();
		if (values.out) {
			const file = path.resolve(io.cwd, values.out);
			fs.mkdirSync(path.dirname(file), { recursive: true });
			fs.writeFileSync(file, text);
			io.err(tcli('schema.wrote', { file: path.relative(io.cwd, file) }));
		} else io.out(text);
		return 0;
	},
};
