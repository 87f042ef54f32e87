// The packaged VSIX holds what the extension loads at run time. .vscodeignore is an allow-list, so a
// new file in dist/ (modelwright-layers.js, which an export of a model with custom layers copies
// beside the model, was one) is left out silently and fails only in an installed extension. This
// reads modelwright.vsix (`npm run package`) and fails when it lacks
//  - a file the manifest names (main, bin, l10n, icon, and every file path under contributes),
//  - a file the runtime loads by name (REQUIRED below, the panels' bundles, the templates),
//  - a file the build writes to dist/ (so a new bundle cannot be forgotten),
// or when it holds a source map. The first two do not depend on what the build happened to write:
// a build that no longer writes a file the extension loads fails here too. Run it after
// `npm run package`: dist/ then holds the production build; after a development build the check is
// the same (only maps differ, and those are never shipped).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const VSIX = path.resolve(REPO, process.env.MODELWRIGHT_VSIX ?? 'modelwright.vsix');
const DIST = path.join(REPO, 'dist');

/** Files the build writes to dist/ that the extension never loads, each with why. */
const NOT_SHIPPED = {
	'bench.js': 'the benchmark harness (npm run bench), a development tool',
	'tfjs-backend-wasm-threaded-simd.wasm':
		"tfjs's wasm backend never picks the threaded binary under Node (WASM_HAS_MULTITHREAD_SUPPORT is false there)",
};
/** Folders of dist/ that are build by-products: bundle metafiles for the boundary test, extension-host test bundles. */
const NOT_SHIPPED_DIRS = ['meta', 'test'];

/** Files the runtime loads by name (relative to the extension root), each with who loads it. */
const REQUIRED = {
	'dist/client.js': 'the extension (package.json main)',
	'dist/server.js': 'the language server (client/src/languageClient.ts, bin/modelwright-language-server.js)',
	'dist/engine.js': 'the engine process the extension forks (client/src/extension.ts)',
	'dist/cli.js': 'the CLI, run by tasks and commands (client/src/extension.ts, client/src/commands.ts, bin/modelwright.js)',
	'dist/tune-worker.js': 'the trial process of a sweep (engine/runtime/tune/trial.ts, engine/host/execute.ts)',
	'dist/runtime.js': 'the TensorFlow.js bundle the cli, engine and tune-worker stubs load (engine/entry.ts)',
	'dist/fused.wasm': 'the fused training kernel (engine/runtime/train/fused/wasm.ts)',
	'dist/modelwright-layers.js': 'copied beside an exported model with custom layers (engine/runtime/export/tfjs.ts LAYERS_MODULE)',
	'dist/tfjs-backend-wasm.wasm': "the wasm backend's binary without SIMD (engine/runtime/train/backend.ts)",
	'dist/tfjs-backend-wasm-simd.wasm': "the wasm backend's SIMD binary, what Node picks (engine/runtime/train/backend.ts)",
	'bin/modelwright.js': 'the CLI launcher (package.json bin)',
	'bin/modelwright-language-server.js': 'the language server launcher (package.json bin)',
	'schema/modelwright.schema.json': 'the config schema (package.json contributes.jsonValidation)',
};

function fail(lines) {
	console.error(`vsix: ${lines.join('\n  ')}`);
	process.exit(1);
}

// Before yauzl: without @vscode/vsce there is no VSIX either, and this says what to run.
if (!fs.existsSync(VSIX)) fail([`${path.relative(REPO, VSIX)} is missing: run \`npm run package\` first.`]);
if (!fs.existsSync(DIST)) fail(['dist/ is missing: run `npm run package` first.']);

// yauzl is @vscode/vsce's zip reader: present wherever `vsce package` can run; resolved from vsce so hoisting does not matter.
let yauzl;
try {
	yauzl = createRequire(createRequire(import.meta.url).resolve('@vscode/vsce/package.json'))('yauzl');
} catch (e) {
	fail([`cannot load yauzl from @vscode/vsce (a devDependency: run \`npm ci\`): ${e.message}`]);
}

/** Every entry name of the zip. */
const entries = await new Promise((resolve, reject) => {
	yauzl.open(VSIX, { lazyEntries: true }, (err, zip) => {
		if (err) return reject(err);
		const names = [];
		zip.on('entry', (e) => {
			names.push(e.fileName);
			zip.readEntry();
		});
		zip.on('end', () => resolve(names));
		zip.on('error', reject);
		zip.readEntry();
	});
});
const files = entries.filter((n) => !n.endsWith('/'));
const inVsix = new Set(files);

/** dist/ files, relative and with forward slashes, that the VSIX must hold. */
function distFiles(dir = DIST, rel = '') {
	const out = [];
	for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
		const r = rel ? `${rel}/${d.name}` : d.name;
		if (d.isDirectory()) {
			if (!rel && NOT_SHIPPED_DIRS.includes(d.name)) continue;
			out.push(...distFiles(path.join(dir, d.name), r));
		} else if (!r.endsWith('.map') && !(r in NOT_SHIPPED)) out.push(r);
	}
	return out;
}

const posix = (p) => path.posix.normalize(p.replace(/\\/g, '/')).replace(/^\.\//, '');
const isFile = (rel) => fs.statSync(path.join(REPO, rel), { throwIfNoEntry: false })?.isFile() === true;
const isDir = (rel) => fs.statSync(path.join(REPO, rel), { throwIfNoEntry: false })?.isDirectory() === true;

/**
 * What the VSIX must hold whatever the build wrote: path → why. Folders (the manifest's l10n) need at
 * least one file under them. `problems` gets what cannot be checked (a manifest path that is not in
 * the repository, a source list that no longer parses).
 */
function requiredFiles(problems) {
	const req = new Map(Object.entries(REQUIRED));
	const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
	const named = (value, where) => {
		const rel = posix(value);
		if (!isFile(rel) && !isDir(rel)) problems.push(`package.json ${where} names ${value}, which is not in the repository`);
		else if (!req.has(rel)) req.set(rel, `package.json ${where}`);
	};
	if (typeof pkg.main === 'string') named(pkg.main, 'main');
	for (const [name, p] of Object.entries(typeof pkg.bin === 'string' ? { [pkg.name]: pkg.bin } : (pkg.bin ?? {}))) named(p, `bin.${name}`);
	if (typeof pkg.icon === 'string') named(pkg.icon, 'icon');
	if (typeof pkg.l10n === 'string') named(pkg.l10n, 'l10n');
	// contributes, walked for file paths rather than by key (grammars, language configurations and
	// icons, jsonValidation, walkthrough media, whatever is added next): a string starting with ./
	// is a path and must exist; another one is a path only when it has no spaces, ends in a file
	// extension and names a file of the repository (a command id like modelwright.train does not).
	// Settings are skipped: their defaults and enums are values for the user's files, not ours.
	const SETTINGS = ['contributes.configuration', 'contributes.configurationDefaults'];
	const walk = (v, where) => {
		if (SETTINGS.includes(where)) return;
		if (typeof v === 'string') {
			if (/\s|:\/\//.test(v) || v.startsWith('/')) return;
			if (v.startsWith('./')) named(v, where);
			else if (/\.[A-Za-z0-9]+$/.test(v) && isFile(posix(v))) named(v, where);
		} else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${where}[${i}]`));
		else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${where}.${k}`);
	};
	walk(pkg.contributes ?? {}, 'contributes');
	// The manifest's %key% strings come from package.nls.json, its translations from package.nls.<locale>.json.
	if (/"%[\w.-]+%"/.test(JSON.stringify(pkg)))
		for (const f of fs.readdirSync(REPO).filter((n) => /^package\.nls(\.[\w-]+)?\.json$/.test(n)))
			req.set(f, "the manifest's localized strings");
	// Read from the sources that load them, so a new panel or template is required without an edit here.
	const fromSource = (file, re, what, to) => {
		const found = [...fs.readFileSync(path.join(REPO, file), 'utf8').matchAll(re)].map((m) => to(m[1]));
		if (!found.length) problems.push(`found no ${what} in ${file}: update the pattern in test/e2e/vsix.mjs`);
		for (const f of found) req.set(f, `${what} (${file})`);
	};
	fromSource('webviews/shared/html.ts', /\b(?:script|style): '(dist\/webviews\/[^']+)'/g, 'panel bundles', (f) => f);
	fromSource('client/src/templates.ts', /\bfile: '([^'/]+\.model\.yaml)'/g, 'New Model Config templates', (f) => `examples/${f}`);
	// The examples are the templates, and the allow-list ships them all.
	for (const f of fs.readdirSync(path.join(REPO, 'examples')).filter((n) => n.endsWith('.model.yaml')))
		if (!req.has(`examples/${f}`)) req.set(`examples/${f}`, 'an example (examples/*.model.yaml)');
	return req;
}

const problems = [];
const maps = files.filter((n) => n.endsWith('.map'));
if (maps.length)
	problems.push(`source maps in the VSIX (a development build was packaged; \`npm run package\` cleans dist/ first): ${maps.join(', ')}`);
const required = requiredFiles(problems);
const absent = [...required].filter(([f]) =>
	isDir(f) ? !files.some((n) => n.startsWith(`extension/${f}/`)) : !inVsix.has(`extension/${f}`),
);
if (absent.length)
	problems.push(
		`files the extension loads missing from the VSIX (add them to the .vscodeignore allow-list; one not built is a build that no longer writes it):\n    ${absent
			.map(([f, why]) => `${f}${isDir(f) ? '/ (no file under it)' : isFile(f) ? '' : ' (not built either)'}: ${why}`)
			.join('\n    ')}`,
	);
const expected = distFiles();
if (!expected.length) problems.push('dist/ holds no files to check: run `npm run package` first.');
const missing = expected.filter((f) => !inVsix.has(`extension/dist/${f}`));
if (missing.length)
	problems.push(
		`dist/ files missing from the VSIX (add a \`!dist/…\` line to the .vscodeignore allow-list, or to NOT_SHIPPED in test/e2e/vsix.mjs with the reason): ${missing.join(', ')}`,
	);
const stale = Object.keys(NOT_SHIPPED).filter((f) => inVsix.has(`extension/dist/${f}`));
if (stale.length)
	problems.push(`listed as not shipped in test/e2e/vsix.mjs but in the VSIX (drop them from NOT_SHIPPED): ${stale.join(', ')}`);

const mb = (fs.statSync(VSIX).size / 1024 / 1024).toFixed(2);
console.log(
	`vsix: ${path.relative(REPO, VSIX)} is ${mb} MB, ${files.length} files; ${required.size} required and ${expected.length} dist/ files checked`,
);
if (problems.length) fail(problems);
console.log('vsix: no source maps; every required file and every dist/ file the extension loads is in it');
