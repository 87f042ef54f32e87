/** `modelwright <command> …`: the headless entry to the engine. */
import type { CliIO, Command } from './command';
import { UsageError } from './command';
import { COMMANDS } from './commands';

function usage(): string {
	const width = Math.max(...COMMANDS.map((c) => c.name.length));
	return [
		'Usage: modelwright <command> [options]',
		'',
		'Commands:',
		...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
		'',
		'Run `modelwright <command> --help` for the options of a command.',
	].join('\n');
}

export async function main(argv: string[], io: CliIO = defaultIO()): Promise<number> {
	const [name, ...rest] = argv;
	if (!name || name === '--help' || name === '-h' || name === 'help') {
		io.out(usage());
		return name ? 0 : 2;
	}
	if (name === '--version' || name === '-v') {
		io.out(process.env.MODELWRIGHT_VERSION ?? '0.1.0');
		return 0;
	}
	const cmd = COMMANDS.find((c) => c.name === name);
	if (!cmd) {
		io.err(`modelwright: unknown command '${name}'.\n\n${usage()}`);
		return 2;
	}
	if (rest.includes('--help') || rest.includes('-h')) {
		io.out(cmd.help);
		return 0;
	}
	try {
		return await cmd.run(rest, io);
	} catch (err) {
		if (err instanceof UsageError) {
			io.err(`modelwright ${cmd.name}: ${err.message}\nRun \`modelwright ${cmd.name} --help\` for usage.`);
			return 2;
		}
		io.err(`modelwright ${cmd.name}: ${err instanceof Error ? err.message : String(err)}`);
		return 1;
	}
}

function defaultIO(): CliIO {
	return {
		out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
		err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
		isTTY: Boolean(process.stdout.isTTY),
		cwd: process.cwd(),
	};
}

export type { Command };
