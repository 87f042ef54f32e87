/**
 * The page side of the panels' strings: the host puts the bundle for the UI locale into the
 * panel document (renderPanelHtml, `<main id="app" data-l10n>`), the page reads it once and
 * `tw` fills a key from it, falling back to the English compiled in (messages.ts).
 */
import { format, localeOf, type ArgsOf, type Locale } from '../../engine/core/l10n';
import { WEBVIEW_EN } from './messages';

export type WebviewKey = keyof typeof WEBVIEW_EN;
let strings: Partial<Record<string, string>> = {};
let locale: Locale = 'en';

/** Reads the bundle the host embedded (absent in old documents and in Node: English). */
export function installBundle(doc: Document | undefined = typeof document === 'undefined' ? undefined : document): void {
	const json = doc?.getElementById('app')?.dataset.l10n;
	if (!json) return;
	try {
		const b = JSON.parse(json) as { locale?: string; strings?: Record<string, string> };
		locale = localeOf(b.locale);
		strings = b.strings ?? {};
	} catch {
		// A broken bundle leaves the panel in English rather than blank.
	}
}
installBundle();

export function tw<K extends WebviewKey>(key: K, ...args: ArgsOf<(typeof WEBVIEW_EN)[K]>): string {
	return format(strings[key] ?? WEBVIEW_EN[key], args[0]);
}

/** The panel's locale, for `<html lang>`-like choices (number and date formats stay as they are). */
export function pageLocale(): Locale {
	return locale;
}

/** A run or trial status (`running`, `pruned`, …) in the page's language; unknown ones as written. */
export function statusText(status: string): string {
	const key = `common.status.${status}`;
	const template = (WEBVIEW_EN as Record<string, string>)[key];
	return template === undefined ? status : (strings[key] ?? template);
}
