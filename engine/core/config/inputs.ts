/**
 * Named model inputs (`model.inputs`) and the `tokenize` step, as the validator sees them: how
 * many values a feature column gives after its preprocessing, which input each column feeds,
 * and the checks on both (MW242, MW243). The engine's prepareData follows the same rules.
 */
import type { DiagnosticCode, JsonPath } from './diagnostics';
import type { ResolvedConfig } from './resolve';
import type { NamedInput } from '../shapes/infer';
import { list } from '../l10n';
import { maxOf } from '../arrays';
import { tc } from './messages';
import { DATE_OPTIONS, dateOptions, dateWidth } from '../data/dates';
import { bareRecord, own } from '../own';

type Add = (code: DiagnosticCode, message: string, path: JsonPath, which?: 'key' | 'value') => void;

/** The options of the tokenize step, as a `preprocessing` entry may hold them. */
export const TOKENIZE_OPTIONS = [
	'level',
	'lowercase',
	'punctuation',
	'vocabularySize',
	'oovToken',
	'maxLength',
	'padding',
	'truncation',
] as const;
/** Defaults of the tokenize options (the schema's, restated for the engine: a test keeps them equal). */
export const TOKENIZE_DEFAULTS = {
	level: 'word',
	lowercase: true,
	punctuation: 'strip',
	vocabularySize: 1000,
	oovToken: '[UNK]',
	maxLength: 32,
	padding: 'post',
	truncation: 'post',
} as const;

export type TokenizeOptions = {
	level: 'word' | 'character';
	lowercase: boolean;
	punctuation: 'strip' | 'separate' | 'keep';
	vocabularySize: number;
	oovToken: string;
	maxLength: number;
	padding: 'post' | 'pre';
	truncation: 'post' | 'pre';
};

/** The step named by a `preprocessing` entry (a step name or `{step, …}`). */
export function stepOfEntry(p: unknown): string | undefined {
	if (typeof p === 'string') return p;
	if (p && typeof p === 'object' && typeof (p as { step?: unknown }).step === 'string') return (p as { step: string }).step;
	return undefined;
}

/** The tokenize options of an entry, defaults filled. */
export function tokenizeOptions(p: unknown): TokenizeOptions {
	const given = p && typeof p === 'object' ? (p as Record<string, unknown>) : {};
	const out: Record<string, unknown> = { ...TOKENIZE_DEFAULTS };
	for (const k of TOKENIZE_OPTIONS) if (given[k] !== undefined) out[k] = given[k];
	return out as TokenizeOptions;
}

/** Values a feature gives after its step: 1, its categories for oneHot, `maxLength` for tokenize, its parts for date; undefined when unknown. */
export function featureWidth(step: string, entry: unknown, categories: number | undefined): number | undefined {
	if (step === 'oneHot') return categories;
	if (step === 'tokenize') return tokenizeOptions(entry).maxLength;
	if (step === 'date') return dateWidth(dateOptions(entry));
	return step === 'drop' ? 0 : 1;
}

/** MW246: date options on a column whose step is not date, or a date step that writes no value. */
export function dateChecks(cfg: ResolvedConfig, written: (p: JsonPath) => boolean, add: Add): void {
	const prep = Object.assign(bareRecord<unknown>(), cfg.data?.preprocessing);
	for (const [col, entry] of Object.entries(prep)) {
		if (!entry || typeof entry !== 'object') continue;
		const step = stepOfEntry(entry);
		if (step === 'date') {
			if (dateWidth(dateOptions(entry)) === 0) add('MW246', tc('MW246.empty', { col }), ['data', 'preprocessing', col, 'parts']);
			continue;
		}
		const extra = DATE_OPTIONS.filter((k) => written(['data', 'preprocessing', col, k]));
		if (extra.length)
			add(
				'MW246',
				tc(extra.length === 1 ? 'MW246.one' : 'MW246.many', {
					options: list(extra.map((k) => `\`${k}\``)),
					col,
					step: step ?? 'none',
				}),
				['data', 'preprocessing', col, extra[0]!],
			);
	}
}

/** MW242: tokenizer options written on a column whose step is not tokenize (`written`: whether the text holds a path). */
export function tokenizeChecks(cfg: ResolvedConfig, written: (p: JsonPath) => boolean, add: Add): void {
	const prep = Object.assign(bareRecord<unknown>(), cfg.data?.preprocessing);
	for (const [col, entry] of Object.entries(prep)) {
		if (!entry || typeof entry !== 'object' || stepOfEntry(entry) === 'tokenize') continue;
		// Defaults are filled in the resolved config: only what the text says counts.
		const extra = TOKENIZE_OPTIONS.filter((k) => written(['data', 'preprocessing', col, k]));
		if (extra.length)
			add(
				'MW242',
				tc(extra.length === 1 ? 'MW242.one' : 'MW242.many', {
					options: list(extra.map((k) => `\`${k}\``)),
					col,
					step: stepOfEntry(entry) ?? 'none',
				}),
				['data', 'preprocessing', col, extra[0]!],
			);
	}
}

/** The feature columns `model.inputs` names, in input order (the engine's column order). */
export function inputFeatures(cfg: Pick<ResolvedConfig, 'model'>): string[] | undefined {
	const inputs = cfg.model?.inputs;
	return inputs?.length ? inputs.flatMap((i) => i.features) : undefined;
}

/**
 * The named inputs with their shapes (from the features' widths when known), after MW243 checks:
 * each input's columns are features, each feature is in exactly one input, no `inputShape` beside them.
 */
export function namedInputs(
	cfg: ResolvedConfig,
	data: { features?: string[]; widths?: Record<string, number | undefined> },
	invalid: (p: JsonPath) => boolean,
	add: Add,
): NamedInput[] | undefined {
	const inputs = cfg.model?.inputs;
	if (!inputs?.length || invalid(['model', 'inputs'])) return undefined;
	if (cfg.model.inputShape) add('MW243', tc('MW243.inputShape'), ['model', 'inputShape'], 'key');
	const owner = new Map<string, number>();
	const seenNames = new Map<string, number>();
	inputs.forEach((inp, k) => {
		const prev = seenNames.get(inp.name);
		if (prev !== undefined) add('MW243', tc('MW243.duplicate', { n: prev + 1, name: inp.name }), ['model', 'inputs', k, 'name']);
		else seenNames.set(inp.name, k);
		inp.features.forEach((f, j) => {
			const o = owner.get(f);
			if (o !== undefined) add('MW243', tc('MW243.twice', { col: f, input: inputs[o]!.name }), ['model', 'inputs', k, 'features', j]);
			else owner.set(f, k);
			if (data.features && !data.features.includes(f))
				add(
					'MW243',
					tc('MW243.notFeature', {
						col: f,
						features: data.features.length ? tc('MW243.features', { cols: list(data.features.map((c) => `\`${c}\``)) }) : '',
					}),
					['model', 'inputs', k, 'features', j],
				);
		});
	});
	if (cfg.data?.features && data.features) {
		const missing = data.features.filter((f) => !owner.has(f));
		if (missing.length)
			add(
				'MW243',
				tc(missing.length === 1 ? 'MW243.unfedOne' : 'MW243.unfedMany', { cols: list(missing.map((c) => `\`${c}\``)) }),
				['data', 'features'],
				'key',
			);
	}
	return inputs.map((inp) => {
		if (inp.shape) return { name: inp.name, shape: inp.shape };
		let size: number | undefined = 0;
		for (const f of inp.features) {
			const w = data.widths ? own(data.widths, f) : undefined;
			size = w === undefined || size === undefined ? undefined : size + w;
		}
		return { name: inp.name, ...(size !== undefined ? { shape: [size] } : {}) };
	});
}

/**
 * MW244: an `embedding` fed straight from an input whose tokenized columns have a larger vocabulary
 * than its `inputDim` (those ids fall outside the table). Returns the vocabulary size to suggest.
 */
export function embeddingChecks(
	cfg: ResolvedConfig,
	shapes: { layers: readonly { index: number; type: string; sources: number[] }[] },
	features: readonly string[] | undefined,
	add: (code: DiagnosticCode, message: string, path: JsonPath, vocabulary: number) => void,
): void {
	const prep = Object.assign(bareRecord<unknown>(), cfg.data?.preprocessing);
	const inputs = cfg.model?.inputs;
	for (const l of shapes.layers) {
		if (l.type !== 'embedding' || l.sources.length !== 1 || l.sources[0]! >= 0) continue;
		const k = -1 - l.sources[0]!;
		const cols = inputs?.length ? inputs[k]?.features : features;
		const tokenized = (cols ?? []).filter((c) => stepOfEntry(prep[c]) === 'tokenize');
		if (!tokenized.length) continue;
		const vocab = maxOf(tokenized.map((c) => tokenizeOptions(prep[c]).vocabularySize));
		const layer = cfg.model.layers[l.index] as { inputDim?: number };
		if (typeof layer.inputDim === 'number' && layer.inputDim < vocab)
			add(
				'MW244',
				tc(tokenized.length === 1 ? 'MW244.one' : 'MW244.many', {
					dim: layer.inputDim,
					cols: list(tokenized.map((c) => `\`${c}\``)),
					max: vocab - 1,
					vocab,
				}),
				['model', 'layers', l.index, 'inputDim'],
				vocab,
			);
	}
}
