/** Numeric command-line overrides of config fields, held to the range the schema gives the field. */
import { UsageError } from './command';
import { tcli } from './messages';
import type { JsonPath } from '../core/config/diagnostics';
import { ConfigSchema } from '../core/config/schema';
import { schemaAtPath } from '../core/config/schemaNav';
import { clampTarget } from '../core/config/schemaCheck';

/** `--<name> <v>` as a positive number (an integer with `int`) within the range of the config's `field`. */
export function overrideNumber(v: string | undefined, name: string, field: JsonPath, int = false): number | undefined {
	if (v === undefined) return undefined;
	const n = Number(v);
	if (!Number.isFinite(n) || (int && !Number.isInteger(n)) || n <= 0)
		throw new UsageError(tcli(int ? 'positiveInteger' : 'positiveNumber', { name, value: v }));
	const s = schemaAtPath(ConfigSchema, { training: { optimizer: { type: 'adam' } } }, field);
	if (s && clampTarget(s, n) !== undefined) {
		const bounds = [
			typeof s.minimum === 'number' ? `≥ ${s.minimum}` : '',
			typeof s.exclusiveMinimum === 'number' ? `> ${s.exclusiveMinimum}` : '',
			typeof s.maximum === 'number' ? `≤ ${s.maximum}` : '',
			typeof s.exclusiveMaximum === 'number' ? `< ${s.exclusiveMaximum}` : '',
		].filter(Boolean);
		throw new UsageError(tcli('train.bounds', { name, bounds: bounds.join(tcli('train.and')), field: field.join('.'), value: v }));
	}
	return n;
}
