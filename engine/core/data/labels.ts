/**
 * Label normalisation, declared once: what class a label value stands for. The validator (class
 * counts from a file's head), the engine (training classes, evaluation), `predict` and `serve`
 * all compare labels through `classKey`, so `1`, `1.0`, `"1"` and `" 1.0 "` are one class
 * everywhere while `"one"` stays another.
 */

export type ClassKey = string | number;

/**
 * The class of a label value: a number for numbers and for texts that read as a finite number
 * (the CSV reader's own test for a number), the trimmed text otherwise; null for a missing value.
 */
export function classKey(v: unknown): ClassKey | null {
	if (v === null || v === undefined) return null;
	if (typeof v === 'number') return Number.isNaN(v) ? null : v === 0 ? 0 : v; // -0 is 0
	const s = String(v).trim();
	if (s === '') return null;
	const n = Number(s);
	return Number.isFinite(n) ? (n === 0 ? 0 : n) : s;
}

/**
 * One collation for every process: a bare `localeCompare` follows the process's LANG, so the
 * engine in VS Code and `LANG=zh_CN.UTF-8 modelwright evaluate` would number the classes
 * differently. 'en' is what runs trained before this used on the usual en-US / C machines.
 */
const COLLATOR = new Intl.Collator('en');

/** The order of classes and categories: numbers numerically, anything else by the 'en' collation. */
export function compareValues(a: ClassKey, b: ClassKey): number {
	return typeof a === 'number' && typeof b === 'number' ? a - b : COLLATOR.compare(String(a), String(b));
}

/** Classes in their order (compareValues). */
export function sortClasses<T extends ClassKey>(values: T[]): T[] {
	return values.sort(compareValues);
}

/** The distinct classes of some label values (missing ones left out), sorted. */
export function classesOf(values: Iterable<unknown>): ClassKey[] {
	const seen = new Set<ClassKey>();
	for (const v of values) {
		const k = classKey(v);
		if (k !== null) seen.add(k);
	}
	return sortClasses([...seen]);
}

/** A lookup from label values to class indexes (-1 for a value that is no class). */
export function classLookup(classes: readonly unknown[]): (v: unknown) => number {
	const index = new Map<ClassKey, number>();
	classes.forEach((c, i) => {
		const k = classKey(c);
		if (k !== null && !index.has(k)) index.set(k, i);
	});
	return (v) => {
		const k = classKey(v);
		return k === null ? -1 : (index.get(k) ?? -1);
	};
}
