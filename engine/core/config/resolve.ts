/**
 * Turns a config as written into the config the engine runs: every schema default filled
 * in, shorthands expanded (`optimizer: adam` → `{type: adam, learningRate: 0.001, …}`).
 * The defaults come from the schema objects; this file restates none of them.
 */
import { ConfigSchema, type ModelConfig, type OptimizerConfig } from './schema';
import { applyDefaults, type S } from './schemaNav';

/**
 * Keys that stay optional after defaults: they have no default because their absence means
 * something ("no early stopping", "all columns but the label"). test/unit/schema.test.ts
 * checks this list against the schema so the type cannot drift from it.
 */
export const NO_DEFAULT_KEYS = [
	'$schema',
	'description',
	'features',
	'label',
	'preprocessing',
	'folds',
	'parts',
	'sampleWeight',
	'inputShape',
	'from',
	'name',
	'strides',
	'earlyStopping',
	'learningRateSchedule',
	'gradientClipping',
	'clipNorm',
	'clipValue',
	'tuning',
	'timeBudget',
	'workers',
	'path',
	'metrics',
	'step',
	'when',
	'fillMissing',
	'kernelRegularizer',
	'biasRegularizer',
	'embeddingsRegularizer',
	'seed',
	'classWeight',
	'inputs',
	'keyDim',
	'maxLength',
	'shape',
] as const;
export type NoDefaultKey = (typeof NO_DEFAULT_KEYS)[number];

type IsOptional<T, K extends keyof T> = {} extends Pick<T, K> ? true : false;
type Filled<T> = T extends readonly unknown[]
	? { [K in keyof T]: Filled<T[K]> }
	: T extends object
		? {
				[K in keyof T]-?: IsOptional<T, K> extends true
					? K extends NoDefaultKey
						? Filled<Exclude<T[K], undefined>> | undefined
						: Filled<Exclude<T[K], undefined>>
					: Filled<T[K]>;
			}
		: T;

type OptimizerFilled = Filled<OptimizerConfig>;
export type ResolvedConfig = Omit<Filled<ModelConfig>, 'training' | 'name' | 'seed'> & {
	name: string;
	seed: number;
	training: Omit<Filled<ModelConfig['training']>, 'optimizer'> & { optimizer: OptimizerFilled };
};

/** Fill defaults. `value` must already be schema-valid for the result to be trusted. */
export function resolveConfig(value: unknown, fallbackName = 'model'): ResolvedConfig {
	const v = structuredClone(value ?? {}) as { training?: { optimizer?: unknown } };
	const opt = v.training?.optimizer;
	if (v.training && (opt === undefined || typeof opt === 'string')) {
		const optSchema = ConfigSchema.properties.training.properties.optimizer as unknown as S;
		v.training.optimizer = { type: opt ?? optSchema.default };
	}
	const out = applyDefaults(ConfigSchema, v) as ResolvedConfig;
	if (out.name === undefined) out.name = fallbackName;
	return out;
}

export type { ModelConfig };
