/**
 * The `modelwright` task type: training as a VS Code task (tasks.json or Run Task). The task
 * runs the same CLI as the terminal, so its output, exit code and run folder are the CLI's.
 */
import * as net from 'node:net';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { TASK_TYPE } from './manifest';
import { CONFIG_GLOB, isConfigFile } from '../../engine/core/facts';
import { getSettings } from './settings';

interface TrainTaskDefinition extends vscode.TaskDefinition {
	config: string;
	backend?: string;
	epochs?: number;
}

export class TrainTaskProvider implements vscode.TaskProvider {
	constructor(private readonly cliPath: string) {}

	async provideTasks(): Promise<vscode.Task[]> {
		if (!vscode.workspace.isTrusted) return [];
		const files = await vscode.workspace.findFiles(CONFIG_GLOB, '**/{node_modules,.modelwright}/**', 200);
		return files.flatMap((f) => {
			const folder = vscode.workspace.getWorkspaceFolder(f);
			if (!folder) return [];
			return [this.make({ type: TASK_TYPE, config: path.relative(folder.uri.fsPath, f.fsPath) }, folder)];
		});
	}

	resolveTask(task: vscode.Task): vscode.Task | undefined {
		const def = task.definition as TrainTaskDefinition;
		if (typeof def.config !== 'string' || !isConfigFile(def.config)) return undefined;
		const scope = task.scope && typeof task.scope === 'object' ? task.scope : vscode.workspace.workspaceFolders?.[0];
		return scope ? this.make(def, scope) : undefined;
	}

	private make(def: TrainTaskDefinition, folder: vscode.WorkspaceFolder): vscode.Task {
		// The same workspace root and run store as the Train command, so task runs land in the Runs view.
		const settings = getSettings(folder.uri);
		const args = [
			this.cliPath,
			'train',
			def.config,
			'--root',
			folder.uri.fsPath,
			'--runs-dir',
			path.resolve(folder.uri.fsPath, settings.runsFolder),
			'--backend',
			def.backend ?? settings['engine.backend'],
		];
		if (def.epochs) args.push('--epochs', String(def.epochs));
		if (settings.allowPathsOutsideWorkspace) args.push('--allow-outside');
		if (settings['engine.maxMemoryMB'] > 0) args.push('--max-memory', String(settings['engine.maxMemoryMB']));
		const exec = new vscode.ProcessExecution(process.execPath, args, { cwd: folder.uri.fsPath, env: { ELECTRON_RUN_AS_NODE: '1' } });
		const task = new vscode.Task(def, folder, vscode.l10n.t('train {0}', def.config), TASK_TYPE, exec, []);
		task.group = vscode.TaskGroup.Build;
		task.detail = vscode.l10n.t('Train {0} with the Modelwright CLI', def.config);
		return task;
	}
}

/** A free loopback port, so the extension knows the server's URL before the CLI prints it. */
export function freePort(host = '127.0.0.1'): Promise<number> {
	return new Promise((resolve, reject) => {
		const s = net.createServer();
		s.once('error', reject);
		s.listen(0, host, () => {
			const addr = s.address();
			const port = typeof addr === 'object' && addr ? addr.port : 0;
			s.close(() => resolve(port));
		});
	});
}

/**
 * `modelwright serve <run>` as a task: its terminal shows the server's log, and terminating the
 * task stops the server. Bound to 127.0.0.1 on `port`.
 */
export function serveTask(
	cliPath: string,
	run: { dir: string; name: string; config: string },
	folder: vscode.WorkspaceFolder,
	port: number,
): vscode.Task {
	const def = { type: TASK_TYPE, config: run.config, serve: run.dir };
	const exec = new vscode.ProcessExecution(process.execPath, [cliPath, 'serve', run.dir, '--port', String(port), '--host', '127.0.0.1'], {
		cwd: folder.uri.fsPath,
		env: { ELECTRON_RUN_AS_NODE: '1' },
	});
	const task = new vscode.Task(def, folder, vscode.l10n.t('serve {0}', run.name), TASK_TYPE, exec, []);
	task.isBackground = true;
	task.detail = vscode.l10n.t('Serve {0} at http://127.0.0.1:{1}', run.name, String(port));
	return task;
}
