/** The CLI end to end, through the built bundle (bin/modelwright.js → dist/cli.js). */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'modelwright.js');

function cli(args: string[], cwd = ROOT) {
	const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
	return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('modelwright CLI (built bundle)', () => {
	before(function () {
		if (!fs.existsSync(path.join(ROOT, 'dist', 'cli.js'))) throw new Error('dist/cli.js missing: run `npm run build` before the tests');
	});

	it('validate: the examples are clean, exit 0', () => {
		const r = cli(['validate', 'examples/*.model.yaml']);
		assert.equal(r.code, 0, r.out + r.err);
		// Every example is checked (counted, so a new example needs no edit here).
		const n = fs.readdirSync(path.join(ROOT, 'examples')).filter((f) => f.endsWith('.model.yaml')).length;
		assert.ok(n >= 6, `examples: ${n}`);
		assert.match(r.out, new RegExp(`^${n} files checked: 0 errors, 0 warnings\\.$`, 'm'));
	});

	it('validate: errors print file:line:col severity code message and exit 1', () => {
		const r = cli(['validate', 'test/fixtures/diagnostics/schema.model.yaml']);
		assert.equal(r.code, 1);
		assert.match(r.out, /^test\/fixtures\/diagnostics\/schema\.model\.yaml:15:7 error MW101 Unknown key `untis`.*Did you mean `units`\?$/m);
		assert.match(r.out, /:30:11 error MW103 `epochs` must be ≥ 1 \(got -3\)/);
	});

	it('validate: warnings only exit 0', () => {
		const r = cli(['validate', 'test/fixtures/diagnostics/loss-activation.model.yaml']);
		assert.equal(r.code, 0, r.out);
		assert.match(r.out, /:11:19 warning MW202 /);
	});

	it('validate --json gives machine-readable diagnostics', () => {
		const r = cli(['validate', '--json', 'test/fixtures/diagnostics/duplicate.model.yaml']);
		assert.equal(r.code, 1);
		const report = JSON.parse(r.out) as { file: string; diagnostics: { code: string; range: { start: { line: number } } }[] }[];
		assert.equal(report[0]!.diagnostics[0]!.code, 'MW002');
		assert.equal(report[0]!.diagnostics[0]!.range.start.line, 6);
	});

	it('usage errors exit 2 with a hint', () => {
		assert.equal(cli(['validate']).code, 2);
		const r = cli(['validate', 'no/such/file.model.yaml']);
		assert.equal(r.code, 2);
		assert.match(r.err, /no such file: no\/such\/file\.model\.yaml/);
		const u = cli(['frobnicate']);
		assert.equal(u.code, 2);
		assert.match(u.err, /unknown command 'frobnicate'/);
	});

	it('--help for each command', () => {
		for (const c of ['validate', 'inspect', 'schema']) {
			const r = cli([c, '--help']);
			assert.equal(r.code, 0);
			assert.match(r.out, new RegExp(`^Usage: modelwright ${c}`));
		}
	});

	it('inspect prints a Keras-like summary with shapes and totals', () => {
		const r = cli(['inspect', 'examples/iris.model.yaml']);
		assert.equal(r.code, 0, r.err);
		assert.match(r.out, /dense_1 \(dense\)\s+\[null, 16\]\s+80/);
		assert.match(r.out, /dense_2 \(dense\)\s+\[null, 3\]\s+51/);
		assert.match(r.out, /Total params: 131/);
	});

	it('inspect --json and --mermaid', () => {
		const j = JSON.parse(cli(['inspect', '--json', 'examples/spirals.model.yaml']).out) as { shapes: { totalParams: number } };
		assert.equal(j.shapes.totalParams, 2 * 32 + 32 + 32 * 32 + 32 + 32 + 1);
		const m = cli(['inspect', '--mermaid', 'examples/iris.model.yaml']).out;
		assert.match(m, /^flowchart TD/);
		assert.match(m, /L0 -->\|"\[null, 4\]"\| L1/);
	});

	it('schema prints the JSON Schema; --out writes it', () => {
		const r = cli(['schema']);
		assert.equal(r.code, 0);
		const s = JSON.parse(r.out) as { $schema: string };
		assert.equal(s.$schema, 'https://json-schema.org/draft/2020-12/schema');
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-schema-'));
		assert.equal(cli(['schema', '--out', path.join(dir, 's.json')]).code, 0);
		assert.equal(fs.readFileSync(path.join(dir, 's.json'), 'utf8').trim(), r.out.trim());
	});

	it('refuses data paths outside the config folder unless allowed', () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-outside-'));
		fs.mkdirSync(path.join(dir, 'cfg'));
		fs.writeFileSync(path.join(dir, 'data.csv'), 'x,y\n1,2\n2,4\n3,6\n');
		fs.writeFileSync(
			path.join(dir, 'cfg', 'a.model.yaml'),
			'data:\n  source: {type: csv, path: ../data.csv}\nmodel:\n  layers:\n    - {type: dense, units: 1}\ntraining:\n  loss: meanSquaredError\n  batchSize: 2\n',
		);
		// An error in validate as in train (which refuses the path), not a warning that passes validate.
		const refused = cli(['validate', 'cfg/a.model.yaml'], dir);
		assert.match(refused.out, /error MW228/);
		assert.notEqual(refused.code, 0);
		const allowed = cli(['validate', '--allow-outside', 'cfg/a.model.yaml'], dir);
		assert.equal(allowed.code, 0, allowed.out);
		assert.doesNotMatch(allowed.out, /MW228/);
	});

	it('runs delete refuses folders that are not runs inside a run store (issue #11)', () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-delete-'));
		const p = path.join(dir, 'p');
		fs.mkdirSync(path.join(p, 'src'), { recursive: true });
		fs.writeFileSync(path.join(p, 'src', 'main.py'), 'code\n');
		fs.writeFileSync(path.join(p, 'summary.json'), '{}');
		const here = cli(['runs', 'delete', '.'], p);
		assert.equal(here.code, 1, here.out + here.err);
		assert.match(here.err, /is not a run/);
		assert.ok(fs.existsSync(path.join(p, 'src', 'main.py')), 'the project folder is untouched');
		// An id that climbs out of the store named by --dir.
		fs.mkdirSync(path.join(dir, 'ws', '.modelwright', 'runs'), { recursive: true });
		fs.mkdirSync(path.join(dir, 'x'));
		fs.writeFileSync(path.join(dir, 'x', 'summary.json'), '{}');
		const up = cli(['runs', 'delete', '../../../x', '--dir', 'ws'], dir);
		assert.equal(up.code, 1, up.out + up.err);
		assert.ok(fs.existsSync(path.join(dir, 'x', 'summary.json')), 'the folder outside the store is untouched');
	});
});
