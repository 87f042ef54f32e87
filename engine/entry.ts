/**
 * The one bundle (dist/runtime.js) behind every process that loads TensorFlow.js: the CLI, the
 * engine process and sweep workers. tfjs then ships once in the VSIX instead of three times.
 * Thin stubs written by esbuild.mjs (dist/cli.js, dist/engine.js, dist/tune-worker.js) pick the
 * role; each role's modules are required lazily, so a process evaluates only what it runs.
 */
import type * as Cli from './cli/main';

/** `modelwright …` with these arguments; resolves to the exit code. */
export function cliMain(argv: string[]): Promise<number> {
	return (require('./cli/main') as typeof Cli).main(argv);
}

/** Runs the CLI on this process's arguments and sets its exit code. */
export function runCli(): void {
	void cliMain(process.argv.slice(2)).then((code) => {
		process.exitCode = code;
	});
}

/** The extension's engine process: a JSON-RPC job queue over Node IPC. */
export function startEngineHost(): void {
	require('./host/main');
}

/** A sweep worker process: runs trial folds sent over IPC. */
export function startTuneWorker(): void {
	require('./runtime/tune/worker');
}
