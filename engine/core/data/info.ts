/**
 * What is known about a data source without loading it: columns, row count, label values.
 * Generators and bundled data sets are described statically here (pure, cheap: the language
 * server imports it); files are probed by the caller (CLI synchronously, server asynchronously).
 */
import type { SourceConfig } from '../config/schema';
import type { DatasetName } from '../config/vocabulary';
import { compareValues } from './labels';
import { bareRecord, own } from '../own';

export interface DataInfo {
	columns: string[];
	/** Columns whose values are all numbers (missing values aside). */
	numeric: string[];
	rows?: number;
	/** Distinct values of columns with few of them (labels, categories), in sorted order. */
	distinct: Record<string, (string | number)[]>;
	/** Rows per value (keyed by its text) of the columns in `distinct`, when the rows are the whole data (k-fold checks, MW247). */
	counts?: Record<string, Record<string, number>>;
	defaultLabel?: string;
	/** Features used when `data.features` is absent (default: all columns but the label). */
	defaultFeatures?: string[];
	/** Columns mostly of numbers with some text among them: how many, and the first few (row index, value). */
	mixed?: Record<string, { nonNumeric: number; values: number; examples: { row: number; value: string }[] }>;
	/** Distinct values of text columns with more than MAX_DISTINCT of them (counted up to MAX_CARDINALITY). */
	cardinality?: Record<string, number>;
	/** Text columns whose values look like dates. */
	dateLike?: string[];
}

/** Result of probing a file source. */
export type ProbeResult = { ok: true; info: DataInfo } | { ok: false; reason: 'missing' | 'outside' | 'unreadable'; message: string };

/** Distinct values are kept for columns with at most this many. */
export const MAX_DISTINCT = 50;
/** Distinct text values are counted up to this many (a cap, so an ID column costs a bounded set). */
export const MAX_CARDINALITY = 100_000;

/** ISO dates (2024-03-01, 2024-03-01T10:00), and d/m/y or m/d/y with / . or - separators. */
const DATE_RE = /^(\d{4}-\d{1,2}-\d{1,2}([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4})$/;
export const looksLikeDate = (v: string): boolean => DATE_RE.test(v.trim());

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

export const DATASET_INFO: Record<DatasetName, DataInfo> = {
	iris: {
		columns: ['sepalLength', 'sepalWidth', 'petalLength', 'petalWidth', 'species'],
		numeric: ['sepalLength', 'sepalWidth', 'petalLength', 'petalWidth'],
		rows: 150,
		distinct: { species: ['setosa', 'versicolor', 'virginica'] },
		defaultLabel: 'species',
	},
	penguins: {
		columns: ['species', 'island', 'beakLength', 'beakDepth', 'flipperLength', 'bodyMass', 'sex'],
		numeric: ['beakLength', 'beakDepth', 'flipperLength', 'bodyMass'],
		rows: 344,
		distinct: { species: ['Adelie', 'Chinstrap', 'Gentoo'], island: ['Biscoe', 'Dream', 'Torgersen'], sex: ['FEMALE', 'MALE'] },
		defaultLabel: 'species',
	},
	cars: {
		columns: ['name', 'mpg', 'cylinders', 'displacement', 'horsepower', 'weight', 'acceleration', 'year', 'origin'],
		numeric: ['mpg', 'cylinders', 'displacement', 'horsepower', 'weight', 'acceleration', 'year'],
		rows: 406,
		distinct: { origin: ['Europe', 'Japan', 'USA'], cylinders: [3, 4, 5, 6, 8] },
		defaultLabel: 'mpg',
		defaultFeatures: ['cylinders', 'displacement', 'horsepower', 'weight', 'acceleration', 'year', 'origin'],
	},
};

/** Static info for generators and bundled data sets; undefined for file and inline sources. */
export function staticDataInfo(source: SourceConfig): DataInfo | undefined {
	switch (source.type) {
		case 'linear':
			return { columns: ['x', 'y'], numeric: ['x', 'y'], rows: source.samples ?? 100, distinct: {}, defaultLabel: 'y' };
		case 'xor':
		case 'circles':
			return {
				columns: ['x1', 'x2', 'label'],
				numeric: ['x1', 'x2', 'label'],
				rows: source.samples ?? 400,
				distinct: { label: [0, 1] },
				defaultLabel: 'label',
			};
		case 'spirals':
			return {
				columns: ['x1', 'x2', 'label'],
				numeric: ['x1', 'x2', 'label'],
				rows: source.samples ?? 400,
				distinct: { label: range(source.classes ?? 2) },
				defaultLabel: 'label',
			};
		case 'blobs': {
			const xs = range(source.features ?? 2).map((i) => `x${i + 1}`);
			return {
				columns: [...xs, 'label'],
				numeric: [...xs, 'label'],
				rows: source.samples ?? 300,
				distinct: { label: range(source.centers ?? 3) },
				defaultLabel: 'label',
			};
		}
		case 'dataset':
			return DATASET_INFO[source.name];
		case 'inline':
			return infoFromRows(source.rows);
		default:
			return undefined;
	}
}

/** Column facts from rows already in memory (inline rows, JSON files, CSV heads). */
export function infoFromRows(rows: readonly Record<string, unknown>[], totalRows?: number): DataInfo {
	const columns: string[] = [];
	const seen = new Set<string>();
	for (const r of rows)
		for (const k of Object.keys(r))
			if (!seen.has(k)) {
				seen.add(k);
				columns.push(k);
			}
	const numeric = columns.filter((c) => rows.every((r) => isMissing(own(r, c)) || typeof own(r, c) === 'number'));
	const distinct: Record<string, (string | number)[]> = bareRecord();
	for (const c of columns) {
		const set = new Set<string | number>();
		for (const r of rows) {
			const v = own(r, c);
			if (!isMissing(v)) set.add(typeof v === 'number' ? v : String(v));
			if (set.size > MAX_DISTINCT) break;
		}
		if (set.size <= MAX_DISTINCT) distinct[c] = sortValues([...set]);
	}
	const counts: Record<string, Record<string, number>> = bareRecord();
	for (const c of Object.keys(distinct)) {
		const k: Record<string, number> = bareRecord();
		for (const r of rows) {
			const v = own(r, c);
			if (!isMissing(v)) k[String(v)] = (k[String(v)] ?? 0) + 1;
		}
		counts[c] = k;
	}
	const info: DataInfo = { columns, numeric, rows: totalRows ?? rows.length, distinct, counts };
	for (const c of columns) {
		if (numeric.includes(c)) continue;
		let nums = 0;
		let texts = 0;
		let dates = 0;
		const examples: { row: number; value: string }[] = [];
		const set = new Set<string>();
		rows.forEach((r, i) => {
			const v = own(r, c);
			if (isMissing(v)) return;
			if (typeof v === 'number') nums++;
			else {
				texts++;
				const s = String(v);
				if (examples.length < 5) examples.push({ row: i, value: s });
				if (looksLikeDate(s)) dates++;
				if (set.size < MAX_CARDINALITY) set.add(s);
			}
		});
		// Mostly numbers: the text values are likely typos or missing-value markers, not categories.
		if (nums > 0 && nums >= texts) (info.mixed ??= bareRecord())[c] = { nonNumeric: texts, values: nums + texts, examples };
		else if (texts > 0 && dates >= 0.9 * texts) (info.dateLike ??= []).push(c);
		if (set.size > MAX_DISTINCT) (info.cardinality ??= bareRecord())[c] = set.size;
	}
	const last = columns[columns.length - 1];
	if (last !== undefined) info.defaultLabel = last;
	return info;
}

export function isMissing(v: unknown): boolean {
	return v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v));
}

export function sortValues<T extends string | number>(values: T[]): T[] {
	return values.sort(compareValues);
}
