/** The CLI's command registry: one module per command. */
import type { Command } from '../command';
import { validateCommand } from './validate';
import { inspectCommand } from './inspect';
import { schemaCommand } from './schema';
import { trainCommand } from './train';
import { evaluateCommand } from './evaluate';
import { predictCommand } from './predict';
import { exportCommand } from './export';
import { runsCommand } from './runs';
import { tuneCommand } from './tune';
import { cvCommand } from './cv';
import { serveCommand } from './serve';
import { workerCommand } from './worker';
import { generateCommand } from './generate';

export const COMMANDS: Command[] = [
	validateCommand,
	inspectCommand,
	schemaCommand,
	trainCommand,
	evaluateCommand,
	predictCommand,
	exportCommand,
	runsCommand,
	tuneCommand,
	cvCommand,
	serveCommand,
	workerCommand,
	generateCommand,
];
