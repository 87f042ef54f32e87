/**
 * Rows held by column: numbers in a Float64Array (NaN = missing), any other values dictionary-encoded
 * (an Int32Array of codes into the column's distinct values, -1 = missing). Ten million rows are a few
 * typed arrays instead of ten million objects; row objects are only built for the few rows that are
 * shown (predictions tables, data facts) or for small in-memory sources.
 */
import { bareRecord, own } from '../../core/own';

/** One row as an object (inline and JSON sources, predict input, previews). */
export type Row = Record<string, number | string | null>;
export type Value = number | string;

export interface NumberColumn {
	readonly kind: 'number';
	/** One value per row; NaN marks a missing value. */
	readonly values: Float64Array;
}

export interface CategoryColumn {
	readonly kind: 'category';
	/** One code per row into `dict`; -1 marks a missing value. */
	readonly codes: Int32Array;
	/** The distinct values (strings, or numbers mixed with strings in row sources), in order of first appearance. */
	readonly dict: readonly Value[];
}

export type Column = NumberColumn | CategoryColumn;

export interface Table {
	readonly n: number;
	/** Column names in order. */
	readonly columns: readonly string[];
	readonly data: ReadonlyMap<string, Column>;
}

/** The value of row `i` (null when missing). */
export function cell(c: Column, i: number): Value | null {
	if (c.kind === 'number') {
		const v = c.values[i]!;
		return Number.isNaN(v) ? null : v;
	}
	const k = c.codes[i]!;
	return k < 0 ? null : c.dict[k]!;
}

export function columnOf(t: Table, name: string): Column {
	const c = t.data.get(name);
	if (!c) throw new Error(`no column \`${name}\` in the table (columns: ${t.columns.join(', ')}).`);
	return c;
}

/** Is row `i` of `c` missing? */
export const isMissingAt = (c: Column, i: number): boolean => (c.kind === 'number' ? Number.isNaN(c.values[i]!) : c.codes[i]! < 0);

const isMiss = (v: unknown) => v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v));

/**
 * A table from row objects: a column of numbers (and missing values) becomes a NumberColumn, any other
 * a CategoryColumn whose dictionary keeps the values as they are (1 and '1' stay distinct). Absent keys,
 * null and NaN are missing.
 */
export function tableFromRows(rows: readonly Row[], columns: readonly string[]): Table {
	const n = rows.length;
	const data = new Map<string, Column>();
	for (const name of columns) {
		if (data.has(name)) continue;
		let allNumbers = true;
		for (let i = 0; i < n && allNumbers; i++) {
			const v = own(rows[i]!, name);
			if (!isMiss(v) && typeof v !== 'number') allNumbers = false;
		}
		if (allNumbers) {
			const values = new Float64Array(n);
			for (let i = 0; i < n; i++) {
				const v = own(rows[i]!, name);
				values[i] = typeof v === 'number' ? v : NaN;
			}
			data.set(name, { kind: 'number', values });
		} else {
			const codes = new Int32Array(n);
			const dict: Value[] = [];
			const index = new Map<unknown, number>();
			for (let i = 0; i < n; i++) {
				const v = own(rows[i]!, name);
				if (isMiss(v)) {
					codes[i] = -1;
					continue;
				}
				let k = index.get(v);
				if (k === undefined) {
					k = dict.length;
					index.set(v, k);
					dict.push(v!);
				}
				codes[i] = k;
			}
			data.set(name, { kind: 'category', codes, dict });
		}
	}
	return { n, columns: [...data.keys()], data };
}

/** Row objects for the rows `index` (all rows when absent), at most `limit` of them; missing values are null. */
export function tableRows(t: Table, index?: ArrayLike<number>, limit = Infinity): Row[] {
	const count = Math.min(index ? index.length : t.n, limit);
	const cols = t.columns.map((name) => [name, t.data.get(name)!] as const);
	const out: Row[] = new Array<Row>(count);
	for (let j = 0; j < count; j++) {
		const i = index ? index[j]! : j;
		const r: Row = bareRecord();
		for (const [name, c] of cols) r[name] = cell(c, i);
		out[j] = r;
	}
	return out;
}

/** A copy of the rows `index` (at most `limit`): columns sliced, dictionaries shared. */
export function tableSlice(t: Table, index: ArrayLike<number>, limit = Infinity): Table {
	const n = Math.min(index.length, limit);
	const data = new Map<string, Column>();
	for (const name of t.columns) {
		const c = t.data.get(name)!;
		if (c.kind === 'number') {
			const values = new Float64Array(n);
			for (let j = 0; j < n; j++) values[j] = c.values[index[j]!]!;
			data.set(name, { kind: 'number', values });
		} else {
			const codes = new Int32Array(n);
			for (let j = 0; j < n; j++) codes[j] = c.codes[index[j]!]!;
			data.set(name, { kind: 'category', codes, dict: c.dict });
		}
	}
	return { n, columns: t.columns, data };
}
