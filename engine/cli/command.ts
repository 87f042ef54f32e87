/** The contract every CLI command module implements; main.ts only dispatches. */
export interface CliIO {
	out: (text: string) => void;
	err: (text: string) => void;
	/** Whether stdout is an interactive terminal (progress bars, colours). */
	isTTY: boolean;
	cwd: string;
}

export interface Command {
	name: string;
	/** One line for `modelwright --help`. */
	summary: string;
	/** Full `modelwright <name> --help` text. */
	help: string;
	/** Returns the process exit code: 0 ok, 1 runtime failure / errors found, 2 usage or invalid config, 130 cancelled. */
	run(args: string[], io: CliIO): Promise<number>;
}

export class UsageError extends Error {}
