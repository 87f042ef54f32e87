// Helpers for the real-VS Code tests: code-server (installed by .ci/install-code-server.sh into a
// cache outside the repo) on a free loopback port with private folders, and Debian's Chromium.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const REPO = path.resolve(import.meta.dirname, '..', '..');
export const CACHE = process.env.MODELWRIGHT_E2E_CACHE ?? path.join(os.homedir(), '.cache', 'modelwright-e2e');
export const CODE_SERVER = process.env.CODE_SERVER ?? path.join(CACHE, 'cs', 'node_modules', '.bin', 'code-server');
export const RESULTS = path.join(REPO, 'test-results', 'e2e');

export const freePort = () =>
	new Promise((resolve, reject) => {
		const s = net.createServer();
		s.on('error', reject);
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close(() => resolve(port));
		});
	});

/** A fresh run folder: user data with quiet settings, an extensions folder and a workspace with `files`. */
export function prepareRun(name, files = {}) {
	const dir = path.join(os.tmpdir(), 'modelwright-e2e', name);
	fs.rmSync(dir, { recursive: true, force: true });
	fs.mkdirSync(path.join(dir, 'user-data', 'User'), { recursive: true });
	fs.mkdirSync(path.join(dir, 'ws'), { recursive: true });
	fs.writeFileSync(
		path.join(dir, 'user-data', 'User', 'settings.json'),
		JSON.stringify(
			{
				'workbench.startupEditor': 'none',
				'workbench.tips.enabled': false,
				'workbench.enableExperiments': false,
				'telemetry.telemetryLevel': 'off',
				'update.mode': 'none',
				'extensions.autoCheckUpdates': false,
				'extensions.autoUpdate': false,
				'extensions.ignoreRecommendations': true,
				'security.workspace.trust.enabled': false,
				'git.enabled': false,
				'editor.quickSuggestions': { other: false, comments: false, strings: false },
				'modelwright.engine.backend': 'wasm',
			},
			null,
			2,
		),
	);
	for (const [f, c] of Object.entries(files)) {
		fs.mkdirSync(path.dirname(path.join(dir, 'ws', f)), { recursive: true });
		fs.writeFileSync(path.join(dir, 'ws', f), c);
	}
	fs.mkdirSync(RESULTS, { recursive: true });
	return { name, dir, userData: path.join(dir, 'user-data'), extDir: path.join(dir, 'extensions'), ws: path.join(dir, 'ws') };
}

const xdg = (run) => ({
	XDG_CONFIG_HOME: `${run.dir}/xdg/config`,
	XDG_DATA_HOME: `${run.dir}/xdg/data`,
	XDG_CACHE_HOME: `${run.dir}/xdg/cache`,
});
const csEnv = (run, extra = {}) => ({ ...process.env, EXTENSIONS_GALLERY: '{}', ...xdg(run), ...extra });
const csDirs = (run) => ['--user-data-dir', run.userData, '--extensions-dir', run.extDir];

export function installVsix(run, vsix) {
	return new Promise((resolve, reject) => {
		const p = spawn(CODE_SERVER, [...csDirs(run), '--install-extension', vsix, '--force'], {
			env: csEnv(run),
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let out = '';
		p.stdout.on('data', (d) => {
			out += d;
		});
		p.stderr.on('data', (d) => {
			out += d;
		});
		p.on('exit', (c) =>
			c === 0 && /successfully installed/i.test(out) ? resolve(out) : reject(new Error(`install-extension exit ${c}: ${out}`)),
		);
	});
}

/**
 * Makes `locale` (e.g. `zh-cn`) a display language code-server can switch to with `--locale`: VS
 * Code only switches to a locale it has a language pack for, and the real packs come from the
 * Marketplace, which an offline machine cannot reach. This pack declares the locale with an empty
 * core translation, so the workbench's own strings stay English while `vscode.env.language` is
 * `locale`, and everything the extension shows (its l10n bundle, package.nls.<locale>.json, the
 * language server, the panels) follows it as under the real pack. The server writes its language
 * pack cache (languagepacks.json) lazily, after start-up has read it; we write the same entry.
 */
export async function installLocalePack(run, locale) {
	const dir = path.join(run.dir, `locale-pack-${locale}`);
	const manifest = {
		name: `test-language-pack-${locale}`,
		displayName: `Test language pack ${locale}`,
		description: 'Declares a display language for the UI test; translates nothing.',
		publisher: 'modelwright-test',
		version: '0.0.1',
		license: 'MIT',
		engines: { vscode: '^1.100.0' },
		categories: ['Language Packs'],
		contributes: {
			localizations: [
				{
					languageId: locale,
					languageName: locale,
					localizedLanguageName: locale,
					translations: [{ id: 'vscode', path: './translations/main.i18n.json' }],
				},
			],
		},
	};
	fs.rmSync(dir, { recursive: true, force: true });
	fs.mkdirSync(path.join(dir, 'translations'), { recursive: true });
	fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest));
	fs.writeFileSync(path.join(dir, 'translations', 'main.i18n.json'), JSON.stringify({ version: '1.0.0', contents: {} }));
	fs.writeFileSync(path.join(dir, 'README.md'), 'Test language pack.\n');
	fs.writeFileSync(path.join(dir, 'LICENSE'), 'MIT\n');
	const vsix = path.join(run.dir, `locale-pack-${locale}.vsix`);
	const r = spawnSync(path.join(REPO, 'node_modules', '.bin', 'vsce'), ['package', '--allow-missing-repository', '--out', vsix], {
		cwd: dir,
		encoding: 'utf8',
	});
	if (r.status !== 0) throw new Error(`vsce package (locale pack): ${r.stdout}${r.stderr}`);
	await installVsix(run, vsix);
	const id = `${manifest.publisher}.${manifest.name}`;
	const installed = path.join(run.extDir, `${id}-${manifest.version}`);
	if (!fs.existsSync(installed)) throw new Error(`locale pack not installed at ${installed}`);
	fs.writeFileSync(
		path.join(run.userData, 'languagepacks.json'),
		JSON.stringify({
			[locale]: {
				hash: createHash('md5').update(id).update(manifest.version).digest('hex'),
				extensions: [{ extensionIdentifier: { id }, version: manifest.version }],
				translations: { vscode: path.join(installed, 'translations', 'main.i18n.json') },
				label: locale,
			},
		}),
	);
}

/** `args`: more code-server arguments (e.g. `['--locale', 'zh-cn']`). */
export async function startCodeServer(run, { env = {}, args = [] } = {}) {
	if (!fs.existsSync(CODE_SERVER)) throw new Error(`code-server not found at ${CODE_SERVER}: run .ci/install-code-server.sh`);
	const port = await freePort();
	const log = path.join(run.dir, 'code-server.log');
	const out = fs.openSync(log, 'w');
	const proc = spawn(
		CODE_SERVER,
		[
			'--bind-addr',
			`127.0.0.1:${port}`,
			'--auth',
			'none',
			'--disable-telemetry',
			'--disable-update-check',
			'--disable-workspace-trust',
			'--disable-getting-started-override',
			'--ignore-last-opened',
			...csDirs(run),
			...args,
			run.ws,
		],
		{ env: csEnv(run, env), stdio: ['ignore', out, out], detached: true },
	);
	const url = `http://127.0.0.1:${port}`;
	const deadline = Date.now() + 60_000;
	for (;;) {
		if (proc.exitCode !== null) throw new Error(`code-server exited ${proc.exitCode}, see ${log}`);
		try {
			if ((await fetch(`${url}/healthz`)).ok) break;
		} catch {
			/* not up yet */
		}
		if (Date.now() > deadline) throw new Error('code-server did not start within 60 s');
		await new Promise((r) => setTimeout(r, 200));
	}
	const stop = async () => {
		if (proc.exitCode !== null) return;
		try {
			process.kill(-proc.pid, 'SIGTERM');
		} catch {
			/* gone */
		}
		await Promise.race([new Promise((r) => proc.once('exit', r)), new Promise((r) => setTimeout(r, 5000))]);
		if (proc.exitCode === null)
			try {
				process.kill(-proc.pid, 'SIGKILL');
			} catch {
				/* gone */
			}
	};
	return { port, url, proc, stop, log };
}

export async function launchBrowser(run) {
	return chromium.launchPersistentContext(path.join(run.dir, 'chromium-profile'), {
		executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
		headless: true,
		env: { ...process.env, ...xdg(run) },
		viewport: { width: 1400, height: 900 },
		args: [
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

/** Copies logs and screenshots of a run into test-results/ (CI artifacts). */
export function keepArtifacts(run) {
	const dest = path.join(RESULTS, run.name);
	fs.mkdirSync(dest, { recursive: true });
	for (const f of fs.readdirSync(run.dir)) {
		if (f.endsWith('.png') || f.endsWith('.log') || f === 'logs' || f === 'results.json')
			fs.cpSync(path.join(run.dir, f), path.join(dest, f), { recursive: true });
	}
	return dest;
}
