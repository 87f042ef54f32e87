/**
 * The settings the server reads: a typed view of the `modelwright.*` settings declared once in
 * engine/core/settings.ts (which also generates package.json's contributes.configuration).
 */
import type { DiagnosticCode, Severity } from '../../engine/core/config/diagnostics';
import { defaultSettings, readSettings as readAll, SETTINGS_SECTION, type SettingKey, type Settings } from '../../engine/core/settings';

export { SETTINGS_SECTION };

export type SeverityOverride = Severity | 'off';

const SERVER_KEYS = [
	'severity',
	'lints',
	'maxNumberOfProblems',
	'inlayHints',
	'allowPathsOutsideWorkspace',
	'engine.maxMemoryMB',
] as const satisfies readonly SettingKey[];

export type ModelwrightSettings = Omit<Pick<Settings, (typeof SERVER_KEYS)[number]>, 'severity'> & {
	/** Per-code severity overrides, e.g. `{ "MW223": "off", "MW213": "warning" }`. */
	severity: Partial<Record<DiagnosticCode, SeverityOverride>>;
};

function pick(s: Settings): ModelwrightSettings {
	return Object.fromEntries(SERVER_KEYS.map((k) => [k, s[k]])) as ModelwrightSettings;
}

export const DEFAULT_SETTINGS: ModelwrightSettings = pick(defaultSettings());

/** Typed settings from the client's `modelwright` section (possibly partial or malformed; dotted keys may arrive nested). */
export function readSettings(raw: unknown): ModelwrightSettings {
	const r = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
	const get = (key: string): unknown => {
		if (key in r) return r[key];
		let v: unknown = r;
		for (const part of key.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
		return v;
	};
	return pick(readAll(get));
}
