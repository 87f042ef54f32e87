/**
 * docs/config.md, generated from the schema and the diagnostic table (a test fails when the
 * committed file is stale: run `npm run generate`).
 */
import { ConfigSchema } from './schema';
import { DIAGNOSTIC_CODES } from './diagnostics';
import { isKeyUnion, isTaggedUnion, type S } from './schemaNav';

const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const fmt = (v: unknown) => (v === undefined ? '' : `\`${JSON.stringify(v)}\``);

function typeName(s: S): string {
	if (Array.isArray(s.enum)) return s.enum.map((e: unknown) => `\`${String(e)}\``).join(' | ');
	if (s.const !== undefined) return `\`${String(s.const)}\``;
	if (isTaggedUnion(s)) return 'map (by `type`)';
	if (Array.isArray(s.anyOf)) return (s.anyOf as S[]).map(typeName).join(' or ');
	if (s.type === 'array')
		return Array.isArray(s.items)
			? `[${(s.items as S[]).map(typeName).join(', ')}]`
			: `list of ${s.items ? typeName(s.items as S) : 'values'}`;
	if (s.type === 'object' && s.patternProperties) return 'map';
	if (s.type === 'object') return 'map';
	return String(s.type ?? 'value');
}

function range(s: S): string {
	const parts: string[] = [];
	if (typeof s.minimum === 'number') parts.push(`≥ ${s.minimum}`);
	if (typeof s.exclusiveMinimum === 'number') parts.push(`> ${s.exclusiveMinimum}`);
	if (typeof s.maximum === 'number') parts.push(`≤ ${s.maximum}`);
	if (typeof s.exclusiveMaximum === 'number') parts.push(`< ${s.exclusiveMaximum}`);
	return parts.join(', ');
}

function table(obj: S, lines: string[]): void {
	const required = new Set<string>((obj.required ?? []) as string[]);
	lines.push('| key | type | default | range | example | description |', '|---|---|---|---|---|---|');
	for (const [k, ps] of Object.entries((obj.properties ?? {}) as Record<string, S>)) {
		if (k === 'type' && ps.const !== undefined) continue;
		lines.push(
			`| \`${k}\`${required.has(k) ? ' (required)' : ''} | ${esc(typeName(ps))} | ${esc(fmt(ps.default))} | ${esc(range(ps))} | ${esc(fmt(ps.examples?.[0]))} | ${esc(ps.description ?? '')} |`,
		);
	}
	lines.push('');
}

function section(title: string, path: string, s: S, lines: string[], depth: number): void {
	const h = '#'.repeat(Math.min(depth, 5));
	lines.push(`${h} ${title}`, '', s.description ?? '', '');
	if (s['x-enumDescriptions'] && Array.isArray(s.enum)) {
		for (const v of s.enum as string[]) lines.push(`- \`${v}\`: ${s['x-enumDescriptions'][v] ?? ''}`);
		lines.push('');
	}
	if (isTaggedUnion(s) || isKeyUnion(s)) {
		for (const b of s.anyOf as S[]) {
			const tag = b.properties?.type?.const ?? Object.keys(b.properties ?? {})[0];
			section(isTaggedUnion(s) ? `\`type: ${tag}\`` : `\`${tag}\``, path, b, lines, depth + 1);
		}
		return;
	}
	if (Array.isArray(s.anyOf)) {
		for (const b of s.anyOf as S[]) if (b.type === 'object' || isTaggedUnion(b)) section(`${title} (map form)`, path, b, lines, depth + 1);
		return;
	}
	if (s.type === 'object' && s.properties) {
		table(s, lines);
		for (const [k, ps] of Object.entries(s.properties as Record<string, S>)) {
			const child =
				ps.type === 'array' && ps.items && !Array.isArray(ps.items)
					? (ps.items as S)
					: ps.type === 'object' && ps.patternProperties
						? (Object.values(ps.patternProperties)[0] as S)
						: ps;
			if (
				(child.type === 'object' && child.properties) ||
				isTaggedUnion(child) ||
				isKeyUnion(child) ||
				(Array.isArray(child.anyOf) && (child.anyOf as S[]).some((b) => b.type === 'object' || isTaggedUnion(b))) ||
				(child['x-enumDescriptions'] && k !== 'type')
			) {
				section(`\`${path ? `${path}.` : ''}${k}\``, `${path ? `${path}.` : ''}${k}`, child, lines, depth + 1);
			}
		}
	}
}

export function configDocs(): string {
	const lines: string[] = [
		'<!-- Generated from engine/core/config/schema.ts and engine/core/config/diagnostics.ts by `npm run generate`. Do not edit by hand. -->',
		'# Model config reference',
		'',
		'A model config is a YAML (`*.model.yaml`, `*.model.yml`) or JSON (`*.model.json`) file. Every field is listed below with its type, default and allowed range. The same schema drives the validator, completion, hover and the JSON Schema in `schema/modelwright.schema.json`.',
		'',
	];
	section('Top level', '', ConfigSchema, lines, 2);
	lines.push('## Diagnostics', '', 'Codes reported by `modelwright validate` and the language server.', '');
	for (const [code, info] of Object.entries(DIAGNOSTIC_CODES)) {
		lines.push(`### ${code}`, '', `**${info.title}** (${info.severity}). ${info.explanation}`, '');
	}
	return `${lines
		.join('\n')
		.replace(/\n{3,}/g, '\n\n')
		.trimEnd()}\n`;
}
