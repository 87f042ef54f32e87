/**
 * Column names come from users' files, and `__proto__`, `constructor` or `toString` are names like
 * any other: a row keyed by them must neither lose the value (assigning `__proto__` on a plain
 * object sets its prototype) nor find one that is not there (an inherited `constructor`).
 */

/** An empty record without a prototype: every key, `__proto__` included, is an ordinary own key. */
export function bareRecord<T>(): Record<string, T> {
	return Object.create(null) as Record<string, T>;
}

/** The value `o` holds under `key` itself, never one inherited from Object.prototype. */
export function own<T>(o: Readonly<Record<string, T>>, key: string): T | undefined {
	return Object.hasOwn(o, key) ? o[key] : undefined;
}
