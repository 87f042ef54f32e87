/** `modelwright <command> …`: the headless entry to the engine. */
import type { CliIO, Command } from './command';
import { UsageError } from './command';
import { COMMANDS } from './commands';
import { exitOnClosedPipe, safeIO } from './output';
import { getLocale, localeFromEnv, setLocale } from '../core/l10n';
import { SUMMARY_ZH, tcli } from './messages';
import { helpZh } from './help.zh-cn';

function usage(): string {
	const width = Math.max(...COMMANDS.map((c) => c.name.length));
	return [
		tcli('usage'),
		'',
		tcli('commands'),
		...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${(getLocale() === 'zh-cn' ? SUMMARY_ZH[c.name] : undefined) ?? c.summary}`),
		'',
		tcli('commandHelp'),
	].join('\n');
}

/**
 * `--max-memory <MB>` (any command): the memory budget a training run is checked against (MW233).
 * Passed on as MODELWRIGHT_MAX_MEMORY_MB so forked workers see it too.
 */
function takeMaxMemory(argv: string[]): string[] {
	const out: string[] = [];
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i]!;
		if (a !== '--max-memory' && !a.startsWith('--max-memory=')) {
			out.push(a);
			continue;
		}
		const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
		const mb = Number(v);
		if (!Number.isFinite(mb) || mb <= 0) throw new UsageError(tcli('maxMemory', { value: v ?? '' }));
		process.env.MODELWRIGHT_MAX_MEMORY_MB = String(mb);
	}
	return out;
}

/** node:util parseArgs complaints (unknown option, missing value) are usage errors too. */
const isUsage = (err: unknown): err is Error =>
	err instanceof UsageError || (err instanceof TypeError && String((err as NodeJS.ErrnoException).code).startsWith('ERR_PARSE_ARGS_'));

export async function main(argv: string[], rawIO: CliIO = defaultIO()): Promise<number> {
	const io = safeIO(rawIO);
	// Human messages follow LANG / LC_ALL; `--json` output is for tools and stays English.
	setLocale(argv.includes('--json') ? 'en' : localeFromEnv(process.env));
	try {
		argv = takeMaxMemory(argv);
	} catch (err) {
		io.err(`modelwright: ${(err as Error).message}`);
		return 2;
	}
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
		io.err(`modelwright: ${tcli('unknownCommand', { name })}\n\n${usage()}`);
		return 2;
	}
	if (rest.includes('--help') || rest.includes('-h')) {
		io.out((getLocale() === 'zh-cn' ? helpZh(cmd.name) : undefined) ?? cmd.help);
		return 0;
	}
	try {
		return await cmd.run(rest, io);
	} catch (err) {
		if (isUsage(err)) {
			io.err(`modelwright ${cmd.name}: ${err.message}\n${tcli('usageHint', { name: cmd.name })}`);
			return 2;
		}
		io.err(`modelwright ${cmd.name}: ${err instanceof Error ? err.message : String(err)}`);
		return 1;
	}
}

function defaultIO(): CliIO {
	exitOnClosedPipe();
	return {
		out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
		err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
		isTTY: Boolean(process.stdout.isTTY),
		cwd: process.cwd(),
	};
}

export type { Command };
