/**
 * Export folders (issue #11 item 2): targets are checked before training, and an export never
 * overwrites files Modelwright did not write (a `.modelwright-export` marker says which it did).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runJob } from '../../engine/runtime/job';
import { cliIn, LINEAR, tempDir } from '../helpers/cli';

describe('export targets', function () {
	this.timeout(180_000);
	let tmp: string;
	beforeEach(() => {
		tmp = tempDir('mw-safety-');
	});
	afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

	it('export.path: . is refused before training, and the user files stay', async () => {
		fs.writeFileSync(path.join(tmp, 'config.yaml'), 'mine: true\n');
		fs.writeFileSync(path.join(tmp, 'model.json'), '{"mine":true}\n');
		fs.writeFileSync(path.join(tmp, 'dot.model.yaml'), LINEAR('dot', 'export:\n  path: .\n'));
		const r = await cliIn(tmp, 'train', 'dot.model.yaml', '--backend', 'cpu');
		assert.equal(r.code, 2, r.out + r.err);
		assert.match(r.err, /config\.yaml/);
		assert.match(r.err, /model\.json/);
		assert.equal(fs.readFileSync(path.join(tmp, 'config.yaml'), 'utf8'), 'mine: true\n');
		assert.equal(fs.readFileSync(path.join(tmp, 'model.json'), 'utf8'), '{"mine":true}\n');
		assert.ok(!fs.existsSync(path.join(tmp, '.modelwright', 'runs')), 'no run was started');
	});

	it('an export.path outside the folder is refused before training', async () => {
		const sub = path.join(tmp, 'proj');
		fs.mkdirSync(sub);
		fs.writeFileSync(path.join(sub, 'out.model.yaml'), LINEAR('out', 'export:\n  path: ../outside\n'));
		const events: string[] = [];
		const r = await runJob({ configPath: path.join(sub, 'out.model.yaml'), backend: 'cpu' }, (e) => events.push(e.method));
		assert.notEqual(r.status, 'completed');
		assert.match(r.message!, /outside/);
		assert.ok(!events.includes('job/started'), 'refused before training');
		assert.ok(!fs.existsSync(path.join(sub, '.modelwright', 'runs')), 'no run folder');
		assert.ok(!fs.existsSync(path.join(tmp, 'outside')));
	});

	it('an export folder is marked and re-exported; --out into a folder of other files is refused', async () => {
		fs.writeFileSync(path.join(tmp, 'm.model.yaml'), LINEAR('m', 'export:\n  path: exported\n'));
		const first = await cliIn(tmp, 'train', 'm.model.yaml', '--backend', 'cpu');
		assert.equal(first.code, 0, first.err);
		assert.ok(fs.existsSync(path.join(tmp, 'exported', '.modelwright-export')));
		const second = await cliIn(tmp, 'train', 'm.model.yaml', '--backend', 'cpu');
		assert.equal(second.code, 0, 'our own export folder is overwritten: ' + second.err);
		fs.mkdirSync(path.join(tmp, 'mine'));
		fs.writeFileSync(path.join(tmp, 'mine', 'weights.bin'), 'precious');
		const out = await cliIn(tmp, 'train', 'm.model.yaml', '--backend', 'cpu', '--out', 'mine');
		assert.equal(out.code, 2, out.err);
		assert.match(out.err, /weights\.bin/);
		assert.equal(fs.readFileSync(path.join(tmp, 'mine', 'weights.bin'), 'utf8'), 'precious');
		// modelwright export obeys the same rule.
		const x = await cliIn(tmp, 'export', 'latest', '--out', 'mine');
		assert.notEqual(x.code, 0, x.out);
		assert.match(x.err, /weights\.bin/);
		assert.equal(fs.readFileSync(path.join(tmp, 'mine', 'weights.bin'), 'utf8'), 'precious');
		fs.writeFileSync(path.join(tmp, 'notes.txt'), 'keep');
		assert.notEqual((await cliIn(tmp, 'export', 'latest', '--out', '.')).code, 0, 'a folder of other files is refused');
		const ok = await cliIn(tmp, 'export', 'latest', '--out', 'fresh');
		assert.equal(ok.code, 0, ok.err);
		assert.ok(fs.existsSync(path.join(tmp, 'fresh', 'model.json')) && fs.existsSync(path.join(tmp, 'fresh', '.modelwright-export')));
		assert.equal((await cliIn(tmp, 'export', 'latest', '--out', 'fresh')).code, 0, 'again into its own folder');
	});
});
