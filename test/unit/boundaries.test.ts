/**
 * The layer rule, enforced on the bundles and the sources: the language server, the extension
 * host and the webviews never load TensorFlow.js or training code (engine/runtime, engine/host,
 * engine/cli), and the webviews no Node I/O either. Reads the esbuild metafiles that
 * `npm run build` writes to dist/meta/, so it sees value imports exactly as they are bundled.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '../..');
const META = path.join(ROOT, 'dist', 'meta');

interface Metafile {
	inputs: Record<string, { imports: { path: string; external?: boolean }[] }>;
}

function meta(bundle: string): Metafile {
	const file = path.join(META, `${bundle}.json`);
	if (!fs.existsSync(file)) throw new Error(`${file} missing: run \`npm run build\` before the tests`);
	return JSON.parse(fs.readFileSync(file, 'utf8')) as Metafile;
}

const RUNTIME = [/^engine\/runtime\//, /^engine\/host\//, /^engine\/cli\//, /^engine\/entry\.ts$/, /node_modules\/@tensorflow\//];
const NODE_IO = [/^engine\/io\//];

/** Inputs of a bundle that match a forbidden pattern, with who imports them (for the message). */
export function violations(m: Metafile, forbidden: RegExp[]): string[] {
	const out: string[] = [];
	for (const input of Object.keys(m.inputs)) {
		if (forbidden.some((re) => re.test(input))) {
			const by = Object.entries(m.inputs)
				.filter(([, i]) => i.imports.some((x) => x.path === input))
				.map(([k]) => k);
			out.push(`${input} (imported by ${by.join(', ') || '?'})`);
		}
	}
	return out;
}

function importsOf(file: string): string[] {
	const src = fs.readFileSync(file, 'utf8');
	return [...src.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)/g)].map(
		(m) => m[1] ?? m[2]!,
	);
}

function tsFiles(dir: string): string[] {
	return fs
		.readdirSync(dir, { withFileTypes: true, recursive: true })
		.filter((e) => e.isFile() && e.name.endsWith('.ts'))
		.map((e) => path.join(e.parentPath, e.name));
}

describe('layer boundaries', () => {
	for (const bundle of ['server.js', 'client.js']) {
		it(`${bundle} bundles no tfjs and no runtime module`, () => {
			assert.deepEqual(violations(meta(bundle), RUNTIME), []);
		});
	}
	it('the webview bundles have no tfjs, no runtime, no Node I/O and no Node built-in', () => {
		const bundles = fs.readdirSync(META).filter((f) => f.startsWith('webviews_'));
		assert.ok(bundles.length >= 5, `webview metafiles: ${bundles.join(', ')}`);
		for (const b of bundles) {
			const m = meta(b.replace(/\.json$/, ''));
			assert.deepEqual(violations(m, [...RUNTIME, ...NODE_IO]), [], b);
			const builtins = Object.values(m.inputs).flatMap((i) =>
				i.imports.filter((x) => x.external && /^(node:|fs$|path$|child_process$)/.test(x.path)).map((x) => x.path),
			);
			assert.deepEqual(builtins, [], b);
		}
	});
	it('the runtime bundle does hold tfjs (the check above looks at real inputs)', () => {
		assert.ok(violations(meta('runtime.js'), RUNTIME).some((v) => v.includes('@tensorflow/tfjs-core')));
	});
	it('finds a forbidden input and names who imports it', () => {
		const m: Metafile = {
			inputs: {
				'server/src/a.ts': { imports: [{ path: 'engine/runtime/train/loop.ts' }] },
				'engine/runtime/train/loop.ts': { imports: [] },
			},
		};
		assert.deepEqual(violations(m, RUNTIME), ['engine/runtime/train/loop.ts (imported by server/src/a.ts)']);
	});
	it('engine/core imports neither engine/io nor engine/runtime nor Node I/O; engine/io not engine/runtime (types included)', () => {
		const bad: string[] = [];
		for (const [layer, forbidden] of [
			['core', /\/(io|runtime|host|cli)\/|^node:(fs|child_process|os|worker_threads|net|http)/],
			['io', /\/(runtime|host|cli)\/|@tensorflow/],
		] as const) {
			for (const f of tsFiles(path.join(ROOT, 'engine', layer))) {
				for (const spec of importsOf(f)) if (forbidden.test(spec)) bad.push(`${path.relative(ROOT, f)} → ${spec}`);
			}
		}
		assert.deepEqual(bad, []);
	});
	it('the server, the client and the webviews import from engine/core and engine/io only (types included)', () => {
		const bad: string[] = [];
		for (const dir of ['server/src', 'client/src', 'webviews']) {
			for (const f of tsFiles(path.join(ROOT, dir))) {
				for (const spec of importsOf(f)) {
					if (/engine\/(runtime|host|cli)\/|@tensorflow/.test(spec)) bad.push(`${path.relative(ROOT, f)} → ${spec}`);
					if (dir === 'webviews' && /engine\/io\/|^node:/.test(spec)) bad.push(`${path.relative(ROOT, f)} → ${spec}`);
				}
			}
		}
		assert.deepEqual(bad, []);
	});
});

describe('each fact once', () => {
	const sources = ['engine', 'server/src', 'client/src', 'webviews'].flatMap((d) => tsFiles(path.join(ROOT, d)));
	/** [what, pattern, the one file allowed to state it] */
	const facts: [string, RegExp, string][] = [
		// Any regex alternation of the extensions (`ya?ml|json`, `(\.ya?ml|\.json)`), or a list or glob of them.
		['the config-file pattern', /ya\?ml\|(?:\\\.)?json|['"]yaml['"],\s*['"]yml['"]|\{yaml,yml,json\}/, 'engine/core/facts.ts'],
		// Two different backend names as items of a list, an object or a union (`['auto', 'wasm'`, `label: 'auto' … label: 'wasm'`,
		// `'cpu' | 'wasm'`), not a comparison or a default (`name === 'wasm'`, `?? 'wasm'`).
		[
			'the backend names',
			/[[,:|]\s*['"](auto|wasm|cpu|tensorflow)['"][\s\S]{0,200}?[[,:|]\s*['"](?!\1['"])(?:auto|wasm|cpu|tensorflow)['"]/,
			'engine/core/facts.ts',
		],
		['which metrics are higher-is-better', /acc\|auc|accuracy\|auc|loss\|mse\|mae/, 'engine/core/facts.ts'],
		['whether a process is alive', /kill\([^,]+,\s*0\)/, 'engine/io/fsutil.ts'],
		['reading the head of a data file', /PROBE_BYTES\)/, 'engine/io/probe.ts'],
		['validating a config under the path policy', /probe:\s*\(\w+\)\s*=>\s*probeFileSync/, 'engine/io/probe.ts'],
	];
	for (const [what, re, home] of facts) {
		it(`${what} is stated only in ${home}`, () => {
			const where = sources.filter((f) => re.test(fs.readFileSync(f, 'utf8'))).map((f) => path.relative(ROOT, f));
			assert.deepEqual(where, [home]);
		});
	}
});
