/**
 * Message catalogues for everything that is not the VS Code client (which has vscode.l10n):
 * the validator, the language server, the CLI and the webviews. A catalogue is an English table
 * of templates with `{name}` placeholders and a zh-CN table with the same keys; `t(key, args)`
 * picks the process's locale, set once (server: initialize, CLI: LANG, webview: its bundle).
 * Metric names and config keys are arguments or code spans, never translated.
 */

export type Locale = 'en' | 'zh-cn';
export const LOCALES: readonly Locale[] = ['en', 'zh-cn'];

/** A locale tag from any source (`zh-CN`, `zh_CN.UTF-8`, `zh-Hans`, `zh`) → a supported locale; others are English. */
export function localeOf(tag: string | undefined | null): Locale {
	const t = (tag ?? '').trim().toLowerCase().replace(/_/g, '-');
	// Traditional Chinese (zh-TW, zh-HK, zh-Hant) has no table: English rather than the wrong script.
	if (/^zh(?:$|[-.@])/.test(t) && !/^zh-(tw|hk|mo|hant)\b/.test(t)) return 'zh-cn';
	return 'en';
}

/** The locale a POSIX process asks for: LC_ALL, then LC_MESSAGES, then LANG (the first one set wins). */
export function localeFromEnv(env: Record<string, string | undefined>): Locale {
	return localeOf(env.LC_ALL || env.LC_MESSAGES || env.LANG);
}

let current: Locale = 'en';
/** Set once per process (or page); everything that calls `t` afterwards speaks it. */
export function setLocale(tag: string | undefined | null): Locale {
	current = localeOf(tag);
	return current;
}
export function getLocale(): Locale {
	return current;
}

type Params<S extends string> = S extends `${string}{${infer P}}${infer R}` ? P | Params<R> : never;
/** The arguments a template needs: none, or an object with one value per `{name}`. */
export type ArgsOf<S extends string> = [Params<S>] extends [never] ? [] : [Record<Params<S>, string | number>];
export type Strings<E> = { readonly [K in keyof E]: string };

/** Fills `{name}` placeholders; unknown names stay as written. */
export function format(template: string, args?: Record<string, string | number>): string {
	if (!args) return template;
	return template.replace(/\{(\w+)\}/g, (m, k: string) => (Object.prototype.hasOwnProperty.call(args, k) ? String(args[k]) : m));
}

/** The `{name}` placeholders of a template (the coverage test compares them across locales). */
export function placeholders(template: string): string[] {
	return [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();
}

export interface Catalogue<E extends Record<string, string>> {
	readonly name: string;
	readonly en: E;
	readonly zh: Strings<E>;
	/** The template of `key` in the current locale, filled. */
	t<K extends keyof E & string>(key: K, ...args: ArgsOf<E[K]>): string;
	/** The table for a locale, e.g. to hand a webview its bundle. */
	strings(locale: Locale): Strings<E>;
}

const registry: Catalogue<Record<string, string>>[] = [];
/** Every catalogue created in this process (the coverage test walks them). */
export function catalogues(): readonly Catalogue<Record<string, string>>[] {
	return registry;
}

export function catalogue<const E extends Record<string, string>>(name: string, en: E, zh: Strings<E>): Catalogue<E> {
	const c: Catalogue<E> = {
		name,
		en,
		zh,
		t: (key, ...args) => format(((current === 'zh-cn' ? zh[key] : undefined) ?? en[key]) as string, args[0]),
		strings: (locale) => (locale === 'zh-cn' ? zh : en),
	};
	registry.push(c);
	return c;
}

/** A list in the locale's style: `a, b, c` / `a、b、c`. */
export function list(items: readonly string[]): string {
	return items.join(current === 'zh-cn' ? '、' : ', ');
}
