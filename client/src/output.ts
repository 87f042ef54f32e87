/** Output channels, created on first use so activation stays cheap (rust-analyzer's LazyOutputChannel idea). */
import * as vscode from 'vscode';

let engineLog: vscode.LogOutputChannel | undefined;
let serverLog: vscode.LogOutputChannel | undefined;

export function engineChannel(): vscode.LogOutputChannel {
	engineLog ??= vscode.window.createOutputChannel('Modelwright Engine', { log: true });
	return engineLog;
}

export function serverChannel(): vscode.LogOutputChannel {
	serverLog ??= vscode.window.createOutputChannel('Modelwright Language Server', { log: true });
	return serverLog;
}

export function disposeChannels(): void {
	engineLog?.dispose();
	serverLog?.dispose();
	engineLog = serverLog = undefined;
}
