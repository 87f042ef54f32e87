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

/** Classes in their order: numbers ascending, then texts (as before: numbers numerically, the rest as text). */
export function sortClasses<T extends ClassKey>(values: T[]): T[] {
	return values.sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b))));
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
