// One build script, one esbuild context per entry. `--production` minifies and drops
// source maps; `--watch` rebuilds on change. Type checking is `npm run typecheck` (tsc --noEmit).
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Node entries: [source, output]. Entries whose source does not exist yet are skipped. */
const nodeEntries = [
	['engine/cli/main.ts', 'dist/cli.js'],
	['engine/host/main.ts', 'dist/engine.js'],
	['engine/runtime/tune/worker.ts', 'dist/tune-worker.js'],
	['server/src/main.ts', 'dist/server.js'],
	['client/src/extension.ts', 'dist/client.js'],
	['bench/main.ts', 'dist/bench.js'],
];
const browserEntries = [
	['webviews/curves/main.ts', 'dist/webviews/curves.js'],
	['webviews/architecture/main.ts', 'dist/webviews/architecture.js'],
	['webviews/evaluation/main.ts', 'dist/webviews/evaluation.js'],
	['webviews/tuning/main.ts', 'dist/webviews/tuning.js'],
	['webviews/compare/main.ts', 'dist/webviews/compare.js'],
];

/** Prints errors in the `file:line:col: error: message` form VS Code's problem matchers read. */
const problemMatcher = {
	name: 'problem-matcher',
	setup(build) {
		build.onEnd((result) => {
			for (const { text, location } of result.errors) {
				console.error(`✘ [ERROR] ${text}`);
				if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
			}
		});
	},
};

const common = {
	bundle: true,
	minify: production,
	sourcemap: !production,
	sourcesContent: false,
	logLevel: 'warning',
	plugins: [problemMatcher],
	define: { 'process.env.MODELWRIGHT_PRODUCTION': JSON.stringify(production ? '1' : '') },
};

const contexts = await Promise.all([
	...nodeEntries.filter(([src]) => existsSync(src)).map(([src, out]) => esbuild.context({
		...common,
		entryPoints: [src],
		outfile: out,
		platform: 'node',
		target: 'node20',
		format: 'cjs',
		// vscode is provided by the host; tfjs-node is optional and only used when the user installed it.
		// The tfjs wasm backend is bundled (an external copy would register itself on a second
		// tfjs-core); its .wasm binaries are copied next to the bundles below.
		external: ['vscode', '@tensorflow/tfjs-node', 'playwright-core', 'esbuild'],
	})),
	...browserEntries.filter(([src]) => existsSync(src)).map(([src, out]) => esbuild.context({
		...common,
		entryPoints: [src],
		outfile: out,
		platform: 'browser',
		target: 'chrome120',
		format: 'iife',
		loader: { '.css': 'css' },
	})),
]);

// Extension-host test bundles (run inside code-server; mocha comes from node_modules).
if (existsSync('test/e2e/suite/index.ts')) {
	contexts.push(await esbuild.context({
		...common,
		minify: false,
		entryPoints: ['test/e2e/suite/index.ts', 'test/e2e/suite/extension.test.ts', 'test/e2e/suite/activation.ts'],
		outdir: 'dist/test/e2e',
		platform: 'node',
		target: 'node20',
		format: 'cjs',
		external: ['vscode', 'mocha'],
	}));
}

/** The wasm backend loads tfjs-backend-wasm*.wasm from the folder of the script that runs it. */
function copyWasm() {
	const require = createRequire(import.meta.url);
	const dir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
	mkdirSync('dist', { recursive: true });
	for (const f of readdirSync(join(dir, 'dist')).filter((n) => n.endsWith('.wasm'))) copyFileSync(join(dir, 'dist', f), join('dist', f));
}
copyWasm();

if (watch) {
	await Promise.all(contexts.map((c) => c.watch()));
	console.log('[watch] build started');
} else {
	await Promise.all(contexts.map((c) => c.rebuild()));
	await Promise.all(contexts.map((c) => c.dispose()));
}
