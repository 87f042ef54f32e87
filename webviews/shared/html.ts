/**
 * The HTML document of a panel, shared by the hosts (client/) and the Chromium tests. No DOM
 * use, so it runs in Node. Data never goes into this document: pages receive it by postMessage;
 * only the page's own strings for the UI locale do (`#app[data-l10n]`, read by l10n.ts).
 */

import type { PanelKind } from '../protocol';
import { catalogue, localeOf, type Locale, type Strings } from '../../engine/core/l10n';
import { WEBVIEW_EN } from './messages';
import { WEBVIEW_ZH } from './messages.zh-cn';

/** The panels' strings in both locales (registered, so the catalogue coverage test checks them). */
export const webviewMessages = catalogue('webviews', WEBVIEW_EN, WEBVIEW_ZH);
/** The key prefixes each page uses (compare embeds the curves view). */
const PANEL_PREFIXES: Record<PanelKind, string[]> = {
	curves: ['common.', 'curves.'],
	architecture: ['common.', 'architecture.'],
	evaluation: ['common.', 'evaluation.'],
	compare: ['common.', 'curves.', 'compare.'],
	tuning: ['common.', 'tuning.'],
};

/** The strings a panel's page needs, in `locale` (a VS Code UI language such as `zh-cn`). */
export function panelBundle(kind: PanelKind, locale: string | undefined): { locale: Locale; strings: Partial<Strings<typeof WEBVIEW_EN>> } {
	const l = localeOf(locale);
	const table = webviewMessages.strings(l);
	const strings = Object.fromEntries(Object.entries(table).filter(([k]) => PANEL_PREFIXES[kind].some((p) => k.startsWith(p))));
	return { locale: l, strings };
}

/**
 * What a host needs per panel: its view type, default title and bundle files (relative to the
 * extension root); `dataImages`: the page shows `data:` images it makes itself (decoded thumbnails,
 * the SVG it rasterises for a PNG export), so only those panels' CSP allows them.
 */
export const PANEL_ASSETS: Record<PanelKind, { viewType: string; title: string; script: string; style: string; dataImages?: true }> = {
	curves: {
		viewType: 'modelwright.curves',
		title: 'Training Curves',
		script: 'dist/webviews/curves.js',
		style: 'dist/webviews/curves.css',
	},
	architecture: {
		viewType: 'modelwright.architecture',
		title: 'Model Architecture',
		script: 'dist/webviews/architecture.js',
		style: 'dist/webviews/architecture.css',
		dataImages: true,
	},
	evaluation: {
		viewType: 'modelwright.evaluation',
		title: 'Evaluation',
		script: 'dist/webviews/evaluation.js',
		style: 'dist/webviews/evaluation.css',
		dataImages: true,
	},
	compare: {
		viewType: 'modelwright.compare',
		title: 'Compare Runs',
		script: 'dist/webviews/compare.js',
		style: 'dist/webviews/compare.css',
	},
	tuning: { viewType: 'modelwright.tuning', title: 'Tuning Trials', script: 'dist/webviews/tuning.js', style: 'dist/webviews/tuning.css' },
};

export interface PanelHtmlOptions {
	/** `webview.asWebviewUri(dist/webviews/<panel>.js)` as a string. */
	scriptUri: string;
	/** `webview.asWebviewUri(dist/webviews/<panel>.css)` as a string. */
	styleUri: string;
	/** `webview.cspSource`. */
	cspSource: string;
	nonce: string;
	title: string;
	/** The panel and the UI language (vscode.env.language): the page gets its strings in the document. */
	kind?: PanelKind;
	locale?: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/**
 * `webview.cspSource` is a space-separated source list (VS Code gives `'self' https://*.vscode-cdn.net`):
 * each token must be `'self'` or a plain host/scheme source, anything else would widen the policy.
 */
function checkSource(s: string): string {
	const tokens = s.trim().split(/\s+/);
	if (!tokens.length || tokens.some((t) => t !== "'self'" && !/^[A-Za-z0-9+.\-:/*_]+$/.test(t)))
		throw new Error(`invalid CSP source: ${s}`);
	return tokens.join(' ');
}

export function contentSecurityPolicy(cspSource: string, nonce: string, dataImages = false): string {
	const src = checkSource(cspSource);
	if (!/^[A-Za-z0-9+/=_-]+$/.test(nonce)) throw new Error('invalid nonce');
	return [
		`default-src 'none'`,
		`img-src ${src}${dataImages ? ' data:' : ''}`,
		`style-src ${src} 'nonce-${nonce}'`,
		`script-src 'nonce-${nonce}'`,
		`font-src ${src}`,
	].join('; ');
}

export function renderPanelHtml(o: PanelHtmlOptions): string {
	const csp = contentSecurityPolicy(o.cspSource, o.nonce, o.kind !== undefined && PANEL_ASSETS[o.kind].dataImages === true);
	const bundle = o.kind ? panelBundle(o.kind, o.locale) : undefined;
	// An attribute, not a script element: the pages run no script but their bundle's.
	const strings = bundle ? ` data-l10n="${escapeHtml(JSON.stringify(bundle))}"` : '';
	return `<!DOCTYPE html>
<html lang="${bundle?.locale === 'zh-cn' ? 'zh-CN' : 'en'}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" nonce="${o.nonce}" href="${escapeHtml(o.styleUri)}">
<title>${escapeHtml(o.title)}</title>
</head>
<body>
<main id="app" aria-busy="true"${strings}></main>
<script nonce="${o.nonce}" src="${escapeHtml(o.scriptUri)}"></script>
</body>
</html>
`;
}

/** 32 random base64url characters (CSP nonces must be unguessable per document); 64 symbols, so no modulo bias. */
export function makeNonce(): string {
	const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
	const bytes = new Uint8Array(32);
	globalThis.crypto.getRandomValues(bytes);
	let out = '';
	for (const b of bytes) out += chars[b & 63];
	return out;
}
