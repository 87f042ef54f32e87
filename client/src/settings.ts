/** Typed access to `modelwright.*` settings (declared once in engine/core/settings.ts). */
import * as vscode from 'vscode';
import { readSettings, SETTINGS_SECTION, type Settings } from '../../engine/core/settings';

export function getSettings(scope?: vscode.ConfigurationScope): Settings {
	const c = vscode.workspace.getConfiguration(SETTINGS_SECTION, scope);
	return readSettings((k) => c.get(k));
}

export function onSettingsChanged(keys: (keyof Settings)[], fn: () => void): vscode.Disposable {
	return vscode.workspace.onDidChangeConfiguration((e) => {
		if (keys.some((k) => e.affectsConfiguration(`${SETTINGS_SECTION}.${k}`))) fn();
	});
}
