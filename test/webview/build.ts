/** Builds the panel bundles for the Chromium tests (same options as esbuild.mjs's browser entries). */
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const PANELS = ['curves', 'architecture', 'evaluation', 'compare', 'tuning'] as const;
const OUT = join(__dirname, '..', '..', 'test-results', 'webview-dist');

let built: Promise<string> | undefined;

export function buildPanels(): Promise<string> {
	built ??= build({
		entryPoints: Object.fromEntries(
			PANELS.map((p) => [p, join(__dirname, '..', '..', 'webviews', p, 'main.ts')]).filter(([, src]) => existsSync(src!)),
		),
		outdir: OUT,
		bundle: true,
		platform: 'browser',
		target: 'chrome120',
		format: 'iife',
		sourcemap: true,
		logLevel: 'warning',
		loader: { '.css': 'css' },
	}).then(() => OUT);
	return built;
}
