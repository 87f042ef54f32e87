/**
 * Small facts that several layers need, each stated once: the config-file naming rule, the
 * backend names, which metrics improve upwards. Pure: the server, the extension host, the
 * engine and the webviews may all import this file.
 */

/** The extensions a model config may have (after `.model`), e.g. for a save dialog's filter. */
export const CONFIG_EXTENSIONS = ['yaml', 'yml', 'json'] as const;
/** File-name patterns of a model config (the language's `filenamePatterns`). */
export const CONFIG_GLOBS = ['*.model.yaml', '*.model.yml', '*.model.json'] as const;
/** The same, as one glob for workspace searches and `workspaceContains:`. */
export const CONFIG_GLOB = '**/*.model.{yaml,yml,json}';
export const CONFIG_FILE_RE = /\.model\.(ya?ml|json)$/i;
/** A YAML or JSON file, `.model.` or not. */
const YAML_OR_JSON_RE = /\.(ya?ml|json)$/i;

export function isConfigFile(file: string): boolean {
	return CONFIG_FILE_RE.test(file);
}

/** Whether a file name ends in `.yaml`, `.yml` or `.json` (a config that may lack the `.model.` part). */
export function isYamlOrJsonFile(file: string): boolean {
	return YAML_OR_JSON_RE.test(file);
}

/** A config's default model name: its file name without `.model.yaml` (or a plain `.yaml`/`.json`). */
export function configNameFromPath(file: string): string {
	const base = file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
	return base.replace(CONFIG_FILE_RE, '').replace(YAML_OR_JSON_RE, '');
}

/** A config file name split before its `.model.yaml` (`.model.yml`, `.model.json`): `[stem, ext]`, ext `''` when it has none. */
export function splitConfigFileName(file: string): [stem: string, ext: string] {
	const m = CONFIG_FILE_RE.exec(file);
	return m ? [file.slice(0, m.index), m[0]] : [file, ''];
}

/** The name a file should have to be checked as a config: `iris.yaml` and `iris` become `iris.model.yaml`. */
export function asConfigFileName(file: string): string {
	return file.replace(YAML_OR_JSON_RE, '') + '.model.yaml';
}

/** Training backends a user may choose; `auto` picks the fastest available. */
export const BACKENDS = ['auto', 'wasm', 'cpu', 'tensorflow'] as const;
export type BackendChoice = (typeof BACKENDS)[number];

export function isBackendChoice(v: unknown): v is BackendChoice {
	return typeof v === 'string' && (BACKENDS as readonly string[]).includes(v);
}

/**
 * Whether a larger value of a metric is better (accuracy, AUC, F1, precision, recall, R²),
 * matched on the name with or without a `val_`/`test_` prefix; losses and errors are lower-is-better.
 */
export function higherIsBetter(metric: string): boolean {
	return /acc|auc|f1|precision|recall|r2/i.test(metric) && !/loss|error|mse|mae/i.test(metric);
}
