/**
 * The HTML document of a panel, shared by the hosts (client/) and the Chromium tests. No DOM
 * use, so it runs in Node. Data never goes into this document: pages receive it by postMessage.
 */

import type { PanelKind } from '../protocol';

/** What a host needs per panel: its view type, default title and bundle files (relative to the extension root). */
export const PANEL_ASSETS: Record<PanelKind, { viewType: string; title: string; script: string; style: string }> = {
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
	},
	evaluation: {
		viewType: 'modelwright.evaluation',
		title: 'Evaluation',
		script: 'dist/webviews/evaluation.js',
		style: 'dist/webviews/evaluation.css',
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

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
	const src = checkSource(cspSource);
	if (!/^[A-Za-z0-9+/=_-]+$/.test(nonce)) throw new Error('invalid nonce');
	return [
		`default-src 'none'`,
		`img-src ${src} data:`,
		`style-src ${src} 'nonce-${nonce}'`,
		`script-src 'nonce-${nonce}'`,
		`font-src ${src}`,
	].join('; ');
}

export function renderPanelHtml(o: PanelHtmlOptions): string {
	const csp = contentSecurityPolicy(o.cspSource, o.nonce);
	return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" nonce="${o.nonce}" href="${escapeHtml(o.styleUri)}">
<title>${escapeHtml(o.title)}</title>
</head>
<body>
<main id="app" aria-busy="true"></main>
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
