/**
 * Small helpers over TypeBox so that every schema node carries the same documentation
 * metadata (description, default, examples, formula). The schema objects *are* JSON
 * Schema: the validator, completion, hover, docs and the shipped JSON Schema all read them.
 */
import { Type, type TSchema, type TUnsafe, type SchemaOptions } from '@sinclair/typebox';

export interface DocOptions extends SchemaOptions {
	description: string;
	/** Markdown (with $…$ TeX) shown in hover and docs for losses, optimizers, activations… */
	'x-formula'?: string;
	/** Per-value documentation for enums, shown in completion and hover. */
	'x-enumDescriptions'?: Record<string, string>;
	/** Anchor in docs/config.md; filled in by the docs generator when absent. */
	'x-docs'?: string;
	/** Says in words what `pattern` requires, for MW107 messages. */
	'x-patternMessage'?: string;
	/** Snippet body (LSP snippet syntax) inserted after `type: <tag>` by completion. */
	'x-snippet'?: string;
}

/** A string enum rendered as `{type:'string', enum:[…]}` (not an anyOf of consts) so tools and messages stay readable. */
export function StringEnum<const T extends readonly string[]>(values: T, opts: DocOptions): TUnsafe<T[number]> {
	return Type.Unsafe<T[number]>({ ...opts, type: 'string', enum: [...values] });
}

export const Num = (opts: DocOptions & { minimum?: number; maximum?: number; exclusiveMinimum?: number; exclusiveMaximum?: number }) =>
	Type.Number(opts);
export const Int = (opts: DocOptions & { minimum?: number; maximum?: number; exclusiveMinimum?: number }) => Type.Integer(opts);
export const Bool = (opts: DocOptions) => Type.Boolean(opts);
export const Str = (opts: DocOptions & { minLength?: number; pattern?: string }) => Type.String(opts);

/**
 * A tagged union: every branch is an object with a `type` literal. The validator picks the
 * branch by that key and reports errors against it alone (never "matches none of oneOf").
 */
export function Tagged<T extends TSchema[]>(branches: [...T], opts: DocOptions) {
	return Type.Union(branches, { ...opts, 'x-discriminator': 'type' });
}

/** Names the discriminator so generic code can find it without knowing the schema. */
export const DISCRIMINATOR = 'x-discriminator';
