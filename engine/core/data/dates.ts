/**
 * The `date` step: a date or date-time text → numbers (year, month, day, day of year, weekday, hour,
 * optionally as sin/cos, and days since the training split's first date). Pure and independent of
 * the machine's time zone (dates are civil dates; a written offset is converted to UTC), so the
 * engine, predict and serve expand a date the same way everywhere.
 */

export const DATE_PARTS = ['year', 'month', 'day', 'dayOfYear', 'weekday', 'hour'] as const;
export type DatePart = (typeof DATE_PARTS)[number];
/** Parts that wrap around (December is next to January): `cyclical` writes them as sin and cos. */
export const CYCLIC_PARTS: ReadonlySet<DatePart> = new Set(['month', 'dayOfYear', 'weekday', 'hour']);

/** The options of the date step, as a `preprocessing` entry may hold them. */
export const DATE_OPTIONS = ['format', 'parts', 'cyclical', 'elapsed', 'unparseable'] as const;
/** Defaults (the schema's, restated for the engine: a test keeps them equal). `parts` depends on `elapsed`. */
export const DATE_DEFAULTS = { format: 'iso', cyclical: false, elapsed: 'none', unparseable: 'error' } as const;
/** The parts when `parts` is not written and `elapsed` is not set. */
export const DEFAULT_DATE_PARTS: readonly DatePart[] = ['year', 'month', 'dayOfYear', 'weekday'];

export interface DateOptions {
	format: 'iso' | 'dmy' | 'mdy';
	parts: DatePart[];
	cyclical: boolean;
	elapsed: 'none' | 'days';
	unparseable: 'error' | 'missing';
}

/** A fitted date step as stored in preprocessing.json. */
export interface DateEncoder {
	options: DateOptions;
	/** elapsed: the earliest training date (ms since 1970-01-01 UTC); elapsed days count from it. */
	origin?: number;
	/**
	 * `data.scale` applied to the step's values, fitted on the training dates: value i becomes
	 * (v − shift[i]) / div[i] (standardize: mean and deviation; minMax: minimum and range; a sin/cos
	 * value is left as it is, 0 and 1). Absent in runs written before, and with `scale: none`.
	 */
	scale?: { shift: number[]; div: number[] };
}

/** The date options of a `preprocessing` entry, defaults filled. */
export function dateOptions(p: unknown): DateOptions {
	const given = p && typeof p === 'object' ? (p as Record<string, unknown>) : {};
	const pick = <K extends keyof typeof DATE_DEFAULTS>(k: K) => (given[k] ?? DATE_DEFAULTS[k]) as DateOptions[K];
	const elapsed = pick('elapsed');
	const parts = Array.isArray(given.parts) ? (given.parts as DatePart[]) : elapsed === 'days' ? [] : [...DEFAULT_DATE_PARTS];
	return { format: pick('format'), parts, cyclical: pick('cyclical'), elapsed, unparseable: pick('unparseable') };
}

const partWidth = (o: Pick<DateOptions, 'cyclical'>, p: DatePart) => (o.cyclical && CYCLIC_PARTS.has(p) ? 2 : 1);

/** Values the step writes per row. */
export const dateWidth = (o: DateOptions): number => o.parts.reduce((a, p) => a + partWidth(o, p), 0) + (o.elapsed === 'days' ? 1 : 0);

/** The model input names of a date column (`when.year`, `when.month.sin`, `when.elapsedDays`). */
export function dateInputNames(column: string, o: DateOptions): string[] {
	const out: string[] = [];
	for (const p of o.parts) {
		if (partWidth(o, p) === 2) out.push(`${column}.${p}.sin`, `${column}.${p}.cos`);
		else out.push(`${column}.${p}`);
	}
	if (o.elapsed === 'days') out.push(`${column}.elapsedDays`);
	return out;
}

const DAY_MS = 86_400_000;

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil; any year, no Date object). */
export function daysFromCivil(y: number, m: number, d: number): number {
	const yy = m <= 2 ? y - 1 : y;
	const era = Math.floor(yy / 400);
	const yoe = yy - era * 400;
	const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
	const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
	return era * 146097 + doe - 719468;
}

/** The date of a day number (inverse of daysFromCivil). */
export function civilFromDays(z0: number): { y: number; m: number; d: number } {
	const z = z0 + 719468;
	const era = Math.floor(z / 146097);
	const doe = z - era * 146097;
	const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
	const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
	const mp = Math.floor((5 * doy + 2) / 153);
	const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
	const m = mp < 10 ? mp + 3 : mp - 9;
	return { y: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d };
}

export const isLeapYear = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const daysInMonth = (y: number, m: number) => (m === 2 ? (isLeapYear(y) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31);

// Year first (ISO 8601 and its / or . variants), optionally a time (T or a space) and an offset.
const YEAR_FIRST =
	/^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;
// Day and month first, in an order only `format` can tell (05.03.2024, 03/05/2024).
const YEAR_LAST = /^(\d{1,2})([-/.])(\d{1,2})\2(\d{4})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?$/i;

/** A parsed date: ms since 1970-01-01 UTC; or why not (`ambiguous`: day and month order unknown under `format: iso`). */
export type ParsedDate = { ms: number } | { error: 'invalid' | 'ambiguous' };

function build(y: number, mo: number, d: number, h: number, mi: number, s: number, frac: string | undefined, offset: number): ParsedDate {
	if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) return { error: 'invalid' };
	const ms = frac ? Math.round(Number(`0.${frac}`) * 1000) : 0;
	return { ms: daysFromCivil(y, mo, d) * DAY_MS + ((h * 60 + mi - offset) * 60 + s) * 1000 + ms };
}

/** Minutes east of UTC of a written offset (`Z`, `+02:00`, `-0530`, `+02`). */
function offsetMinutes(z: string | undefined): number {
	if (!z || z.toUpperCase() === 'Z') return 0;
	const sign = z[0] === '-' ? -1 : 1;
	const digits = z.slice(1).replace(':', '');
	return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0));
}

/** Parses a date or date-time text under `format` (year-first texts are read under every format). */
export function parseDate(text: string, format: DateOptions['format']): ParsedDate {
	const s = text.trim();
	let m = YEAR_FIRST.exec(s);
	if (m) return build(+m[1]!, +m[3]!, +m[4]!, +(m[5] ?? 0), +(m[6] ?? 0), +(m[7] ?? 0), m[8], m[5] === undefined ? 0 : offsetMinutes(m[9]));
	m = YEAR_LAST.exec(s);
	if (m) {
		if (format === 'iso') return { error: 'ambiguous' };
		const [a, b] = [+m[1]!, +m[3]!];
		const [d, mo] = format === 'dmy' ? [a, b] : [b, a];
		return build(+m[4]!, mo, d, +(m[5] ?? 0), +(m[6] ?? 0), +(m[7] ?? 0), m[8], 0);
	}
	return { error: 'invalid' };
}

/** Both readings of a day-and-month-first text, for the message that refuses it under `format: iso`. */
export function readings(text: string): { dmy?: string; mdy?: string } {
	const iso = (p: ParsedDate) => ('ms' in p ? new Date(p.ms).toISOString().slice(0, 10) : undefined);
	const dmy = iso(parseDate(text, 'dmy'));
	const mdy = iso(parseDate(text, 'mdy'));
	return { ...(dmy ? { dmy } : {}), ...(mdy ? { mdy } : {}) };
}

/** Writes the step's values of the date `ms` into out[offset …]. */
export function expandDate(ms: number, e: DateEncoder, out: Float32Array | Float64Array, offset: number): void {
	const o = e.options;
	const days = Math.floor(ms / DAY_MS);
	const { y, m, d } = civilFromDays(days);
	let k = offset;
	for (const p of o.parts) {
		let v: number;
		let period = 0;
		switch (p) {
			case 'year':
				v = y;
				break;
			case 'month':
				v = m - 1;
				period = 12;
				break;
			case 'day':
				v = d;
				break;
			case 'dayOfYear':
				v = days - daysFromCivil(y, 1, 1);
				period = isLeapYear(y) ? 366 : 365;
				break;
			case 'weekday':
				// Monday 0 … Sunday 6 (ISO weekday − 1); 1970-01-01 was a Thursday.
				v = (((days + 3) % 7) + 7) % 7;
				period = 7;
				break;
			case 'hour':
				v = Math.floor((ms - days * DAY_MS) / 3_600_000);
				period = 24;
				break;
		}
		if (o.cyclical && period) {
			const a = (2 * Math.PI * v) / period;
			out[k++] = Math.sin(a);
			out[k++] = Math.cos(a);
		} else out[k++] = p === 'month' || p === 'dayOfYear' ? v + 1 : v;
	}
	if (o.elapsed === 'days') out[k++] = (ms - (e.origin ?? 0)) / DAY_MS;
	if (e.scale) for (let i = 0; i < k - offset; i++) out[offset + i] = (out[offset + i]! - e.scale.shift[i]!) / e.scale.div[i]!;
}

/**
 * The `scale` of a date step from its training dates (ms): every value that is not a sin/cos gets the
 * data-level scaling the numeric columns get, so a year of 2024 or thousands of elapsed days do
 * not reach the network raw.
 */
export function fitDateScale(e: DateEncoder, dates: readonly number[], kind: 'standardize' | 'minMax'): DateEncoder['scale'] {
	const o = e.options;
	const width = dateWidth(o);
	const cyclic: boolean[] = [];
	for (const p of o.parts) for (let j = 0; j < partWidth(o, p); j++) cyclic.push(partWidth(o, p) === 2);
	if (o.elapsed === 'days') cyclic.push(false);
	const row = new Float64Array(width);
	const unscaled: DateEncoder = { ...e, scale: undefined };
	const sum = new Float64Array(width);
	const sq = new Float64Array(width);
	const lo = new Float64Array(width).fill(Infinity);
	const hi = new Float64Array(width).fill(-Infinity);
	for (const ms of dates) {
		expandDate(ms, unscaled, row, 0);
		for (let i = 0; i < width; i++) {
			const v = row[i]!;
			sum[i] = sum[i]! + v;
			if (v < lo[i]!) lo[i] = v;
			if (v > hi[i]!) hi[i] = v;
		}
	}
	const n = Math.max(1, dates.length);
	if (kind === 'standardize')
		for (const ms of dates) {
			expandDate(ms, unscaled, row, 0);
			for (let i = 0; i < width; i++) sq[i] = sq[i]! + (row[i]! - sum[i]! / n) ** 2;
		}
	const shift: number[] = [];
	const div: number[] = [];
	for (let i = 0; i < width; i++) {
		if (cyclic[i] || !dates.length) {
			shift.push(0);
			div.push(1);
		} else if (kind === 'standardize') {
			shift.push(sum[i]! / n);
			div.push(Math.sqrt(sq[i]! / n) || 1);
		} else {
			shift.push(lo[i]!);
			div.push(hi[i]! - lo[i]! || 1);
		}
	}
	return { shift, div };
}
