/**
 * The extension manifest is generated from client/src/manifest.ts and engine/core/settings.ts, and
 * every user-facing string has its Simplified Chinese translation.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generatedManifest } from '../../client/scripts/generate-manifest';
import { COMMANDS } from '../../client/src/manifest';
import { defaultSettings, readSettings, SETTINGS } from '../../engine/core/settings';

const ROOT = path.join(__dirname, '..', '..');
const json = (f: string) => JSON.parse(fs.readFileSync(path.join(ROOT, f), 'utf8')) as Record<string, any>;

describe('extension manifest', () => {
	it('package.json and package.nls.json are what the declarations generate (run `npm run generate`)', () => {
		const pkgText = fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8');
		const out = generatedManifest(JSON.parse(pkgText) as Record<string, unknown>);
		assert.equal(pkgText, out.pkg);
		assert.equal(fs.readFileSync(path.join(ROOT, 'package.nls.json'), 'utf8'), out.nls);
	});

	it('contributes every command and every setting with its default', () => {
		const pkg = json('package.json');
		assert.deepEqual(pkg.contributes.commands.map((c: { command: string }) => c.command).sort(), Object.keys(COMMANDS).sort());
		const props = pkg.contributes.configuration.properties as Record<string, { default: unknown }>;
		for (const [k, v] of Object.entries(defaultSettings())) assert.deepEqual(props[`modelwright.${k}`]?.default, v, k);
		assert.equal(Object.keys(props).length, Object.keys(SETTINGS).length);
	});

	it('settings that widen what Modelwright reads, writes, connects to or allocates are machine-scoped (a workspace cannot set them)', () => {
		const props = json('package.json').contributes.configuration.properties as Record<string, { scope?: string }>;
		for (const k of ['allowPathsOutsideWorkspace', 'tune.redisUrl', 'engine.maxMemoryMB'])
			assert.equal(props[`modelwright.${k}`]?.scope, 'machine', k);
	});

	it('every nls key and every l10n string has a Simplified Chinese translation', () => {
		const en = json('package.nls.json');
		const zh = json('package.nls.zh-cn.json');
		assert.deepEqual(
			Object.keys(en).filter((k) => !zh[k]),
			[],
		);
		const bundle = json('l10n/bundle.l10n.json');
		const zhBundle = json('l10n/bundle.l10n.zh-cn.json');
		assert.deepEqual(
			Object.keys(bundle).filter((k) => !zhBundle[k]),
			[],
		);
		for (const [k, v] of Object.entries(zhBundle)) {
			const placeholders = (s: string) => (s.match(/\{\d+\}/g) ?? []).sort().join();
			assert.equal(placeholders(String(v)), placeholders(k), `placeholders of "${k}"`);
		}
	});

	it('l10n/bundle.l10n.json holds exactly the strings the client uses (run @vscode/l10n-dev export)', () => {
		const tmp = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'mw-l10n-'));
		execFileSync(
			process.execPath,
			[require.resolve('@vscode/l10n-dev/dist/cli.js'), 'export', '--outDir', tmp, path.join(ROOT, 'client', 'src')],
			{ stdio: 'ignore' },
		);
		assert.deepEqual(
			Object.keys(JSON.parse(fs.readFileSync(path.join(tmp, 'bundle.l10n.json'), 'utf8'))).sort(),
			Object.keys(json('l10n/bundle.l10n.json')).sort(),
		);
	});

	it('reads settings leniently: wrong types and out-of-range values fall back to defaults', () => {
		const s = readSettings(
			(k) =>
				(
					({
						'engine.concurrency': 0,
						'engine.backend': 'gpu',
						'engine.maxMemoryMB': -5,
						lints: false,
						severity: { MW223: 'off', XX: 'error', MW101: 'loud' },
					}) as Record<string, unknown>
				)[k],
		);
		assert.equal(s['engine.concurrency'], 1);
		assert.equal(s['engine.backend'], 'auto');
		assert.equal(s['engine.maxMemoryMB'], 0, 'a negative budget falls back to the machine default');
		assert.equal(readSettings((k) => (k === 'engine.maxMemoryMB' ? 2048 : undefined))['engine.maxMemoryMB'], 2048);
		assert.equal(s.lints, false);
		assert.deepEqual(s.severity, { MW223: 'off' });
	});
});
