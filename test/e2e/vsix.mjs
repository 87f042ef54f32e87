// The packaged VSIX holds what the extension loads at run time. .vscodeignore is an allow-list, so a
// new file in dist/ (modelwright-layers.js, which an export of a model with custom layers copies
// beside the model, was one) is left out silently and fails only in an installed extension. This
// reads modelwright.vsix (`npm run package`) and fails when a file the build writes to dist/ is not
// in it, or when it holds a source map. Run it after `npm run package`: dist/ then holds the
// production build; after a development build the check is the same (only maps differ, and those
// are never shipped).
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

// yauzl is @vscode/vsce's zip reader: present wherever `vsce package` can run; resolved from vsce so hoisting does not matter.
const yauzl = createRequire(createRequire(import.meta.url).resolve('@vscode/vsce/package.json'))('yauzl');

function fail(lines) {
	console.error(`vsix: ${lines.join('\n  ')}`);
	process.exit(1);
}

if (!fs.existsSync(VSIX)) fail([`${path.relative(REPO, VSIX)} is missing: run \`npm run package\` first.`]);
if (!fs.existsSync(DIST)) fail(['dist/ is missing: run `npm run package` first.']);

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

const problems = [];
const maps = files.filter((n) => n.endsWith('.map'));
if (maps.length)
	problems.push(`source maps in the VSIX (a development build was packaged; \`npm run package\` cleans dist/ first): ${maps.join(', ')}`);
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
console.log(`vsix: ${path.relative(REPO, VSIX)} is ${mb} MB, ${files.length} files; ${expected.length} dist/ files checked`);
if (problems.length) fail(problems);
console.log('vsix: no source maps, every dist/ file the extension loads is in it');
