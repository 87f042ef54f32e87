/** The CLI's command registry: one module per command. */
import type { Command } from '../command';
import { validateCommand } from './validate';
import { inspectCommand } from './inspect';
import { schemaCommand } from './schema';

export const COMMANDS: Command[] = [
	validateCommand,
	inspectCommand,
	schemaCommand,
];
