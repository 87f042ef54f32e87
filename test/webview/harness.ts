/**
 * Serves panel bundles on 127.0.0.1 (random port) inside the real panel document
 * (renderPanelHtml, same CSP as in VS Code with the server's origin as cspSource) and drives them
 * in Debian's Chromium through playwright-core. Used by test/webview and bench/webview.ts.
 */
import { createServer, type Server } from 'node:http';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { makeNonce, renderPanelHtml } from '../../webviews/shared/html';
import { buildPanels } from './build';
import type { HostToPageMessage, PageToHostMessage, PanelKind } from '../../webviews/protocol';

export const CHROMIUM = process.env.MODELWRIGHT_CHROMIUM ?? '/usr/bin/chromium';
export const RESULTS_DIR = join(__dirname, '..', '..', 'test-results', 'webview');

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json', '.html': 'text/html' };

export interface PanelServer {
	origin: string;
	close(): Promise<void>;
}

/** `/<panel>.html` is the panel document; other paths are files of `bundleDir`. */
export async function servePanels(bundleDir: string): Promise<PanelServer> {
	let origin = '';
	const server: Server = createServer((req, res) => {
		const path = decodeURIComponent((req.url ?? '/').split('?')[0]!);
		const locale = new URLSearchParams((req.url ?? '').split('?')[1] ?? '').get('locale') ?? undefined;
		if (path === '/favicon.ico') {
			res.writeHead(204);
			res.end();
			return;
		}
		const page = /^\/(\w+)\.html$/.exec(path);
		if (page) {
			const name = page[1]!;
			res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
			res.end(
				renderPanelHtml({
					scriptUri: `${origin}/${name}.js`,
					styleUri: `${origin}/${name}.css`,
					cspSource: origin,
					nonce: makeNonce(),
					title: `Modelwright ${name}`,
					kind: name as PanelKind,
					...(locale ? { locale } : {}),
				}),
			);
			return;
		}
		const file = normalize(join(bundleDir, path));
		if (!file.startsWith(normalize(bundleDir)) || !existsSync(file)) {
			res.writeHead(404);
			res.end();
			return;
		}
		const ext = /\.\w+$/.exec(file)?.[0] ?? '';
		res.writeHead(200, { 'content-type': TYPES[ext] ?? 'application/octet-stream' });
		res.end(readFileSync(file));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return {
		origin,
		close: () =>
			new Promise((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

export function launchChromium(): Promise<Browser> {
	if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install chromium, or set MODELWRIGHT_CHROMIUM)`);
	return chromium.launch({
		executablePath: CHROMIUM,
		args: [
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
		],
	});
}

export interface PanelPage {
	page: Page;
	/** Console errors and CSP violations seen so far. */
	errors: string[];
	post(msg: HostToPageMessage): Promise<void>;
	outbox(): Promise<PageToHostMessage[]>;
	screenshot(name: string): Promise<Buffer>;
}

export interface OpenOptions {
	width?: number;
	height?: number;
	/** Install a VS Code API stand-in whose state survives reloads (sessionStorage). */
	vscodeApi?: boolean;
	/** The UI language the host would pass (vscode.env.language), e.g. `zh-cn`. */
	locale?: string;
}

export async function openPanel(browser: Browser, server: PanelServer, panel: PanelKind, o: OpenOptions = {}): Promise<PanelPage> {
	const page = await browser.newPage({ viewport: { width: o.width ?? 1000, height: o.height ?? 700 } });
	const errors: string[] = [];
	page.on('console', (m) => {
		if (m.type() === 'error') errors.push(m.text());
	});
	page.on('pageerror', (e) => errors.push(String(e)));
	if (o.vscodeApi) {
		// A string, not a function: tsx would wrap a function with helpers the page does not have.
		await page.addInitScript({
			content: `
			window.__sent = [];
			window.acquireVsCodeApi = () => ({
				postMessage: (m) => window.__sent.push(m),
				getState: () => JSON.parse(sessionStorage.getItem('state') ?? 'null') ?? undefined,
				setState: (s) => sessionStorage.setItem('state', JSON.stringify(s)),
			});`,
		});
	}
	await page.goto(`${server.origin}/${panel}.html${o.locale ? `?locale=${encodeURIComponent(o.locale)}` : ''}`);
	await waitForReady(page, !!o.vscodeApi);
	const pp: PanelPage = {
		page,
		errors,
		post: (msg) => page.evaluate((m) => window.postMessage(m, '*'), msg as unknown),
		outbox: () =>
			page.evaluate(() => ((window as unknown as { __sent?: unknown[] }).__sent ?? window.modelwrightOutbox ?? []) as PageToHostMessage[]),
		async screenshot(name) {
			mkdirSync(RESULTS_DIR, { recursive: true });
			return page.screenshot({ path: join(RESULTS_DIR, `${name}.png`), fullPage: true });
		},
	};
	return pp;
}

export async function waitForReady(page: Page, vscodeApi: boolean): Promise<void> {
	await page.waitForFunction((api) => {
		const box = (api ? (window as unknown as { __sent?: { method: string }[] }).__sent : window.modelwrightOutbox) ?? [];
		return box.some((m) => m.method === 'modelwright/ready');
	}, vscodeApi);
}

/** Waits until the page has rendered `count` times in total (the `data-rendered` counter). */
export async function waitRendered(page: Page, selector: string, atLeast = 1): Promise<void> {
	await page.waitForFunction(([sel, n]) => Number((document.querySelector(sel) as HTMLElement | null)?.dataset.rendered ?? 0) >= n, [
		selector,
		atLeast,
	] as const);
}

export function loadFixture<T>(name: string): T {
	return JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'webviews', name), 'utf8')) as T;
}

/** Parses `#rrggbb`, `rgb()`/`rgba()` into [r, g, b]. */
export function parseColor(c: string): [number, number, number] {
	const hex = /^#([0-9a-f]{6})/i.exec(c.trim());
	if (hex) return [0, 2, 4].map((o) => parseInt(hex[1]!.slice(o, o + 2), 16)) as [number, number, number];
	const m = /rgba?\(\s*(\d+)[,\s]+(\d+)[,\s]+(\d+)/i.exec(c);
	if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
	throw new Error(`cannot parse colour ${c}`);
}

/**
 * Counts pixels of `canvas` (CSS selector) within `radius` CSS px of client point (x, y) whose
 * colour is within `tol` of `rgb`. Reading back the canvas proves something was drawn there.
 */
export function countPixels(
	page: Page,
	selector: string,
	x: number,
	y: number,
	rgb: [number, number, number],
	radius = 3,
	tol = 48,
): Promise<number> {
	return page.evaluate(
		([sel, cx, cy, col, rad, t]) => {
			const canvas = document.querySelector(sel) as HTMLCanvasElement;
			const rect = canvas.getBoundingClientRect();
			const sx = canvas.width / rect.width,
				sy = canvas.height / rect.height;
			const px = Math.round((cx - rect.left) * sx),
				py = Math.round((cy - rect.top) * sy);
			const r = Math.ceil(rad * sx);
			const img = canvas.getContext('2d')!.getImageData(px - r, py - r, 2 * r + 1, 2 * r + 1).data;
			const [cr, cg, cb] = col as number[];
			let n = 0;
			for (let i = 0; i < img.length; i += 4) {
				if (img[i + 3]! < 40) continue;
				if (Math.abs(img[i]! - cr!) <= t && Math.abs(img[i + 1]! - cg!) <= t && Math.abs(img[i + 2]! - cb!) <= t) n++;
			}
			return n;
		},
		[selector, x, y, rgb, radius, tol] as const,
	);
}

/** RGBA of pixel (x, y) of a PNG, decoded by the browser itself (no PNG decoder in Node needed). */
export function pngPixel(page: Page, png: Buffer, x: number, y: number): Promise<[number, number, number, number]> {
	return page.evaluate(
		async ([b64, px, py]) => {
			const img = new Image();
			img.src = `data:image/png;base64,${b64}`;
			await img.decode();
			const c = document.createElement('canvas');
			c.width = img.naturalWidth;
			c.height = img.naturalHeight;
			const ctx = c.getContext('2d')!;
			ctx.drawImage(img, 0, 0);
			return Array.from(ctx.getImageData(px, py, 1, 1).data) as [number, number, number, number];
		},
		[png.toString('base64'), Math.round(x), Math.round(y)] as const,
	);
}

export const near = (a: number[], b: number[], tol = 40) => a.slice(0, 3).every((v, i) => Math.abs(v - b[i]!) <= tol);

/** Registers mocha hooks that build the bundles, serve them and launch Chromium for a suite. */
export function useChromium(): { readonly browser: Browser; readonly server: PanelServer } {
	let browser: Browser | undefined;
	let server: PanelServer | undefined;
	before(async () => {
		server = await servePanels(await buildPanels());
		browser = await launchChromium();
	});
	after(async () => {
		await browser?.close();
		await server?.close();
	});
	return {
		get browser() {
			if (!browser) throw new Error('Chromium is not running (before hook failed?)');
			return browser;
		},
		get server() {
			if (!server) throw new Error('the panel server is not running');
			return server;
		},
	};
}
