/**
 * The search space of a `tuning` section: dimensions keyed by config path, their sampling
 * (random, grid enumeration) and the transformed [0, 1] coordinates the model-based search
 * works in. Pure: the language server imports it for the trial count.
 */
import type { JsonPath } from '../config/diagnostics';
import type { SearchParam, TuningConfig } from '../config/schema';
import { parseConfigPath } from '../config/semantic';
import type { Rng } from '../random';

export type ParamValue = number | string | boolean;
export type Params = Record<string, ParamValue>;

export interface Dimension {
	key: string;
	path: JsonPath;
	param: SearchParam;
	kind: 'choice' | 'uniform' | 'logUniform' | 'int';
	/** Values of other dimensions this one requires (conditional parameters). */
	when?: Record<string, ParamValue>;
}

export function dimensions(space: TuningConfig['space']): Dimension[] {
	return Object.entries(space).map(([key, param]) => {
		const kind = 'choice' in param ? 'choice' : 'uniform' in param ? 'uniform' : 'logUniform' in param ? 'logUniform' : 'int';
		const path = parseConfigPath(key);
		if (!path) throw new Error(`\`${key}\` is not a config path.`);
		return { key, path, param, kind, ...(param.when ? { when: param.when } : {}) };
	});
}

/** Whether a conditional dimension is active given the values chosen so far. */
export function active(d: Dimension, chosen: Params): boolean {
	return !d.when || Object.entries(d.when).every(([k, v]) => chosen[k] === v);
}

/** Dimensions ordered so that those a condition refers to come first. */
export function ordered(dims: Dimension[]): Dimension[] {
	const out: Dimension[] = [];
	const seen = new Set<string>();
	const visit = (d: Dimension, depth: number) => {
		if (seen.has(d.key) || depth > dims.length) return;
		for (const k of Object.keys(d.when ?? {})) {
			const dep = dims.find((x) => x.key === k);
			if (dep) visit(dep, depth + 1);
		}
		seen.add(d.key);
		out.push(d);
	};
	for (const d of dims) visit(d, 0);
	return out;
}

function intValues(lo: number, hi: number, step: number): number[] {
	const out: number[] = [];
	for (let v = Math.ceil(lo); v <= hi && out.length < 100_000; v += step) out.push(v);
	return out;
}

/** The finite values of a dimension (grid search), or undefined for continuous ranges. */
export function gridValues(d: Dimension): ParamValue[] | undefined {
	const p = d.param;
	if ('choice' in p) return p.choice;
	if ('int' in p) return intValues(p.int[0], p.int[1], p.step ?? 1);
	return undefined;
}

/** Every combination of a grid (conditional dimensions only where active), in a stable order. */
export function gridPoints(dims: Dimension[], limit = 1_000_000): Params[] {
	let points: Params[] = [{}];
	for (const d of ordered(dims)) {
		const values = gridValues(d);
		if (!values) throw new Error(`Grid search cannot enumerate \`${d.key}\` (a continuous range); use \`choice\` or \`int\`.`);
		const next: Params[] = [];
		for (const p of points) {
			if (!active(d, p)) next.push(p);
			else for (const v of values) next.push({ ...p, [d.key]: v });
			if (next.length > limit) throw new Error(`The grid has more than ${limit} points.`);
		}
		points = next;
	}
	return points;
}

/** Trials a sweep will run: the grid size (capped by `trials`) or `trials`. */
export function trialCount(tuning: Pick<TuningConfig, 'space' | 'strategy' | 'trials'>): number {
	const trials = tuning.trials ?? 20;
	if ((tuning.strategy ?? 'random') !== 'grid') return trials;
	try {
		return Math.min(trials, gridPoints(dimensions(tuning.space)).length);
	} catch {
		return trials;
	}
}

/** Grid size ignoring the `trials` cap (for messages). */
export function gridSize(space: TuningConfig['space']): number | undefined {
	try {
		return gridPoints(dimensions(space)).length;
	} catch {
		return undefined;
	}
}

/**
 * A continuous value at the precision its range implies, so trials train with (and apply-best
 * writes) `0.0488`, not `0.04880909377334749`: 3 significant digits on a log scale (the same
 * relative step everywhere in the range), and 1/100–1/1000 of the width on a linear one.
 * Clamped to the range, whose bounds may carry more digits than that.
 */
export function roundToRange(d: Pick<Dimension, 'param'>, v: number): number {
	const p = d.param;
	if (!Number.isFinite(v)) return v;
	const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
	if ('logUniform' in p) return clamp(Number(v.toPrecision(3)), p.logUniform[0], p.logUniform[1]);
	if ('uniform' in p) {
		const [lo, hi] = p.uniform;
		const width = Math.abs(hi - lo);
		if (!(width > 0)) return v;
		const decimals = Math.max(0, 2 - Math.floor(Math.log10(width)));
		return clamp(Number(v.toFixed(Math.min(20, decimals))), lo, hi);
	}
	return v;
}

/** Significant digits of a number's shortest decimal form (0.0488 → 3, 0.04880909377334749 → 16). */
function significantDigits(v: number): number {
	const mantissa = Math.abs(v).toExponential().split('e')[0]!;
	return mantissa.replace('.', '').length;
}

/**
 * A trial's values as apply-best writes them. Sweeps now propose values already rounded to their
 * range, and a `choice` value is whatever the user wrote: those are kept exactly, so the config
 * reproduces the trial. Only raw draws of sweeps recorded before proposals were rounded (a dozen
 * or more significant digits) are rounded: to their range when the space is known, else to 4
 * significant digits.
 */
export function roundParams(params: Params, space?: TuningConfig['space']): Params {
	const out: Params = {};
	for (const [key, v] of Object.entries(params)) {
		const param = space?.[key];
		const raw = typeof v === 'number' && !Number.isInteger(v) && significantDigits(v) >= 12 && !(param && 'choice' in param);
		out[key] = !raw ? v : param ? roundToRange({ param }, v) : Number(v.toPrecision(4));
	}
	return out;
}

export function sampleOne(d: Dimension, rng: Rng): ParamValue {
	const p = d.param;
	if ('choice' in p) return p.choice[rng.int(p.choice.length)]!;
	if ('uniform' in p) return roundToRange(d, rng.uniform(p.uniform[0], p.uniform[1]));
	if ('logUniform' in p) return roundToRange(d, Math.exp(rng.uniform(Math.log(p.logUniform[0]), Math.log(p.logUniform[1]))));
	const values = intValues(p.int[0], p.int[1], p.step ?? 1);
	return values[rng.int(values.length)]!;
}

export function sampleRandom(dims: Dimension[], rng: Rng): Params {
	const out: Params = {};
	for (const d of ordered(dims)) if (active(d, out)) out[d.key] = sampleOne(d, rng);
	return out;
}

/** A numeric dimension's value mapped to [0, 1] (log scale for logUniform) and back. */
export function toUnit(d: Dimension, v: number): number {
	const p = d.param;
	if ('uniform' in p) return (v - p.uniform[0]) / (p.uniform[1] - p.uniform[0] || 1);
	if ('logUniform' in p) return (Math.log(v) - Math.log(p.logUniform[0])) / (Math.log(p.logUniform[1]) - Math.log(p.logUniform[0]) || 1);
	if ('int' in p) return (v - p.int[0] + 0.5) / (p.int[1] - p.int[0] + 1);
	return 0;
}

export function fromUnit(d: Dimension, u: number): number {
	const x = Math.min(1, Math.max(0, u));
	const p = d.param;
	if ('uniform' in p) return roundToRange(d, p.uniform[0] + x * (p.uniform[1] - p.uniform[0]));
	if ('logUniform' in p)
		return roundToRange(d, Math.exp(Math.log(p.logUniform[0]) + x * (Math.log(p.logUniform[1]) - Math.log(p.logUniform[0]))));
	if ('int' in p) {
		const step = p.step ?? 1;
		const raw = p.int[0] + Math.floor(x * (p.int[1] - p.int[0] + 1) - 1e-9);
		return Math.min(p.int[1], p.int[0] + Math.round((raw - p.int[0]) / step) * step);
	}
	return x;
}
