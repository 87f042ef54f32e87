/**
 * Every `modelwright.*` setting, declared once. package.json's `contributes.configuration`
 * and package.nls.json are generated from this table (`npm run generate`; a test fails when
 * they drift); the extension, the language server and the engine host read their typed
 * values through it. No vscode import: the server and the engine host use it too.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { StringEnum } from './config/dsl';
import { DIAGNOSTIC_CODES } from './config/diagnostics';
import type { S } from './config/schemaNav';
import { BACKENDS } from './facts';

/** Who may set a setting. `machine`: never from a workspace's settings (security-sensitive). */
export type SettingScope = 'application' | 'machine' | 'window' | 'resource' | 'machine-overridable';

interface SettingMeta {
	scope: SettingScope;
	order: number;
}
const setting = <T extends TSchema>(schema: T, meta: SettingMeta) => Object.assign(schema, { 'x-setting': meta });

export const SETTINGS_SECTION = 'modelwright';

export const SETTINGS = {
	'engine.backend': setting(
		StringEnum(BACKENDS, {
			description:
				'TensorFlow.js backend for training. `auto` picks the fastest available (tensorflow when @tensorflow/tfjs-node is installed, else wasm) and reports which in the run summary.',
			default: 'auto',
			'x-enumDescriptions': {
				auto: 'The fastest available backend.',
				wasm: 'WebAssembly with SIMD, shipped with the extension (Modelwright adds fast kernels for training).',
				cpu: 'Plain JavaScript: slow, for comparison and as a fallback.',
				tensorflow: 'Native libtensorflow through @tensorflow/tfjs-node, when you have installed it.',
			},
		}),
		{ scope: 'window', order: 1 },
	),
	'engine.concurrency': setting(
		Type.Integer({
			description: 'How many jobs (training, evaluation, tuning) the background engine runs at once; the rest wait in its queue.',
			default: 1,
			minimum: 1,
			maximum: 16,
		}),
		{ scope: 'window', order: 2 },
	),
	'engine.maxRestarts': setting(
		Type.Integer({
			description:
				'How many times the engine process is restarted after it dies, within 3 minutes, before Modelwright stops restarting it.',
			default: 3,
			minimum: 0,
			maximum: 20,
		}),
		{ scope: 'window', order: 3 },
	),
	'engine.maxMemoryMB': setting(
		Type.Integer({
			description:
				"Memory budget of a training run, in megabytes. A config whose estimated memory (weights with gradients and optimizer state, one batch of activations, the data) exceeds it is refused (MW233) in the editor and by Train and Tune, before anything is allocated. `0`: half of this machine's memory (or `MODELWRIGHT_MAX_MEMORY_MB` when set). Machine-wide only: a workspace cannot raise it for itself.",
			default: 0,
			minimum: 0,
		}),
		{ scope: 'machine', order: 4 },
	),
	runsFolder: setting(
		Type.String({ description: 'Folder of the run store, relative to the workspace folder (or absolute).', default: '.modelwright/runs' }),
		{ scope: 'resource', order: 10 },
	),
	'panels.autoOpen': setting(Type.Boolean({ description: 'Open the loss-curve panel when training starts.', default: true }), {
		scope: 'window',
		order: 20,
	}),
	codeLens: setting(Type.Boolean({ description: 'Show Train · Tune · Architecture lenses above model configs.', default: true }), {
		scope: 'resource',
		order: 30,
	}),
	inlayHints: setting(Type.Boolean({ description: "Show each layer's output shape and parameter count after it.", default: true }), {
		scope: 'resource',
		order: 31,
	}),
	lints: setting(
		Type.Boolean({
			description:
				'Report ML-semantic checks (MW2xx: loss vs. activation, shapes, validation data, …). Syntax and schema errors are always reported.',
			default: true,
		}),
		{ scope: 'resource', order: 40 },
	),
	severity: setting(
		Type.Record(
			Type.String({ pattern: '^MW\\d{3}$' }),
			StringEnum(['error', 'warning', 'info', 'hint', 'off'] as const, { description: 'Severity for this code, or `off`.' }),
			{
				description: `Severity overrides per diagnostic code, e.g. \`{"MW223": "off", "MW213": "warning"}\`. Codes: ${Object.keys(DIAGNOSTIC_CODES).join(', ')}.`,
				default: {},
			},
		),
		{ scope: 'resource', order: 41 },
	),
	maxNumberOfProblems: setting(
		Type.Integer({ description: 'At most this many problems are reported per config.', default: 100, minimum: 1 }),
		{ scope: 'resource', order: 42 },
	),
	allowPathsOutsideWorkspace: setting(
		Type.Boolean({
			description: 'Let configs read data files outside the workspace folder. Machine-wide only: a workspace cannot turn it on for itself.',
			default: false,
		}),
		{ scope: 'machine', order: 50 },
	),
	'tune.redisUrl': setting(
		Type.String({
			description:
				"Redis server for distributed sweeps, e.g. `redis://host:6379` (`rediss://` for TLS). When set, **Tune** puts the trials on a queue there, run by `modelwright worker --redis <url>` on any machine; empty: trials run on this machine. Keep the password out of this URL: **Modelwright: Set Redis Password for Tuning** stores it in VS Code's secret storage. Machine-wide only: a workspace cannot send your sweeps elsewhere.",
			default: '',
		}),
		{ scope: 'machine', order: 60 },
	),
	'trace.server': setting(
		StringEnum(['off', 'messages', 'verbose'] as const, {
			description: 'Traces the communication between VS Code and the Modelwright language server in the output channel.',
			default: 'off',
		}),
		{ scope: 'window', order: 90 },
	),
} as const;

export type SettingKey = keyof typeof SETTINGS;
export type Settings = { -readonly [K in SettingKey]: Static<(typeof SETTINGS)[K]> };

export function defaultSettings(): Settings {
	const out: Record<string, unknown> = {};
	for (const [k, s] of Object.entries(SETTINGS)) out[k] = structuredClone((s as { default: unknown }).default);
	return out as Settings;
}

/**
 * Typed settings from whatever a client sent (possibly partial or malformed): each value is
 * kept only when it has the declared type and range, else the default stands.
 */
export function readSettings(get: (key: SettingKey) => unknown): Settings {
	const out = defaultSettings() as Record<string, unknown>;
	for (const [k, s] of Object.entries(SETTINGS) as [SettingKey, S][]) {
		const v = get(k);
		if (v === undefined || v === null) continue;
		if (s.type === 'boolean' && typeof v === 'boolean') out[k] = v;
		else if (
			s.type === 'integer' &&
			typeof v === 'number' &&
			Number.isInteger(v) &&
			(s.minimum === undefined || v >= s.minimum) &&
			(s.maximum === undefined || v <= s.maximum)
		)
			out[k] = v;
		else if (s.type === 'string' && typeof v === 'string' && (!s.enum || s.enum.includes(v))) out[k] = v;
		else if (s.type === 'object' && typeof v === 'object' && !Array.isArray(v)) {
			const valueSchema = Object.values(s.patternProperties ?? {})[0] as { enum?: string[] } | undefined;
			const keyRe = new RegExp(Object.keys(s.patternProperties ?? { '': 0 })[0] ?? '');
			out[k] = Object.fromEntries(
				Object.entries(v as Record<string, unknown>).filter(
					([kk, vv]) => keyRe.test(kk) && (!valueSchema?.enum || valueSchema.enum.includes(String(vv))),
				),
			);
		}
	}
	return out as Settings;
}

/** `contributes.configuration` of package.json, with descriptions as nls keys. */
export function configurationContribution(): { manifest: Record<string, unknown>; nls: Record<string, string> } {
	const properties: Record<string, unknown> = {};
	const nls: Record<string, string> = {};
	for (const [k, s] of Object.entries(SETTINGS) as [string, S][]) {
		const key = `${SETTINGS_SECTION}.${k}`;
		const {
			description,
			'x-setting': meta,
			'x-enumDescriptions': enumDocs,
			...rest
		} = JSON.parse(JSON.stringify(s)) as S & {
			description: string;
			'x-setting': SettingMeta;
			'x-enumDescriptions'?: Record<string, string>;
		};
		const entry: Record<string, unknown> = { ...rest, markdownDescription: `%${key}.description%`, scope: meta.scope, order: meta.order };
		nls[`${key}.description`] = description;
		if (enumDocs && Array.isArray(rest.enum)) {
			entry.markdownEnumDescriptions = rest.enum.map((e: string) => `%${key}.enum.${e}%`);
			for (const e of rest.enum as string[]) nls[`${key}.enum.${e}`] = enumDocs[e] ?? e;
		}
		properties[key] = entry;
	}
	return { manifest: { title: 'Modelwright', properties }, nls };
}
