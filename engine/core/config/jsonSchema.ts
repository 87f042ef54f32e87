/**
 * The shipped JSON Schema (draft 2020-12), derived from the TypeBox schema. TypeBox writes
 * tuples the draft-07 way (`items: [...]`); 2020-12 spells them `prefixItems`.
 */
import { ConfigSchema } from './schema';

export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

function convert(node: unknown): unknown {
	if (Array.isArray(node)) return node.map(convert);
	if (!node || typeof node !== 'object') return node;
	const out: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(node)) out[k] = convert(v);
	if (Array.isArray(out.items)) {
		out.prefixItems = out.items;
		out.items = false;
		delete out.additionalItems;
	}
	return out;
}

export function toJsonSchema(): Record<string, unknown> {
	// JSON round trip drops TypeBox's symbol-keyed metadata.
	const plain = JSON.parse(JSON.stringify(ConfigSchema)) as Record<string, unknown>;
	return { $schema: JSON_SCHEMA_DIALECT, ...(convert(plain) as Record<string, unknown>) };
}

export function jsonSchemaText(): string {
	return `${JSON.stringify(toJsonSchema(), null, '\t')}\n`;
}
