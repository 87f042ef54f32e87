/**
 * The `tokenize` step: text → a fixed number of token ids. Id 0 is padding, id 1 the
 * out-of-vocabulary token, ids 2… the vocabulary (the most frequent training tokens, ties in
 * text order). Pure, so the engine, predict and serve apply one definition.
 */
import type { TokenizeOptions } from '../config/inputs';

export const PAD_ID = 0;
export const OOV_ID = 1;

/** A fitted tokenizer as stored in preprocessing.json. */
export interface Tokenizer {
	options: TokenizeOptions;
	/** The learned tokens; token `vocabulary[i]` has id i + 2. */
	vocabulary: string[];
}

const PUNCT = /[\p{P}\p{S}]/gu;

/** The tokens of a text under the options (before the vocabulary). */
export function tokens(text: string, o: Pick<TokenizeOptions, 'level' | 'lowercase' | 'punctuation'>): string[] {
	let s = o.lowercase ? text.toLowerCase() : text;
	if (o.punctuation === 'strip') s = s.replace(PUNCT, '');
	if (o.level === 'character') return [...s];
	if (o.punctuation === 'separate') s = s.replace(PUNCT, ' $& ');
	return s.split(/\s+/u).filter((t) => t.length > 0);
}

/** Fits the vocabulary on the training texts. */
export function fitTokenizer(texts: Iterable<string>, options: TokenizeOptions): Tokenizer {
	const counts = new Map<string, number>();
	for (const t of texts) for (const tok of tokens(t, options)) counts.set(tok, (counts.get(tok) ?? 0) + 1);
	const ranked = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
	return { options, vocabulary: ranked.slice(0, Math.max(0, options.vocabularySize - 2)).map(([t]) => t) };
}

/** The id lookup of a fitted tokenizer (build once, encode many). */
export function vocabularyIndex(t: Tokenizer): Map<string, number> {
	return new Map(t.vocabulary.map((w, i) => [w, i + 2]));
}

/** Writes the `maxLength` ids of `text` into out[offset …], padded and truncated as the options say. */
export function encodeText(text: string, t: Tokenizer, index: Map<string, number>, out: Float32Array | Int32Array, offset: number): void {
	const o = t.options;
	let ids = tokens(text, o).map((tok) => index.get(tok) ?? OOV_ID);
	const L = o.maxLength;
	if (ids.length > L) ids = o.truncation === 'pre' ? ids.slice(ids.length - L) : ids.slice(0, L);
	const start = o.padding === 'pre' ? L - ids.length : 0;
	for (let i = 0; i < L; i++) out[offset + i] = PAD_ID;
	for (let i = 0; i < ids.length; i++) out[offset + start + i] = ids[i]!;
}
