/**
 * Run references (issue #11 item 1): a reference resolves only to a valid run folder inside a run
 * store (of the config, with --dir <config>); ids match exactly or by an unambiguous prefix; runs
 * delete names what it deletes and refuses anything else.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cliIn, fakeRun, LINEAR, sleeper, tempDir } from '../helpers/cli';

describe('run references', function () {
	this.timeout(180_000);
	let tmp: string;
	beforeEach(() => {
		tmp = tempDir('mw-safety-');
	});
	afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

	it('runs delete . refuses a project folder that merely holds a summary.json', async () => {
		const p = path.join(tmp, 'p');
		fs.mkdirSync(path.join(p, 'src'), { recursive: true });
		fs.writeFileSync(path.join(p, 'src', 'main.py'), 'code\n');
		fs.writeFileSync(path.join(p, 'summary.json'), '{}');
		const r = await cliIn(p, 'runs', 'delete', '.');
		assert.notEqual(r.code, 0, r.out);
		assert.ok(fs.existsSync(path.join(p, 'src', 'main.py')), 'the folder is untouched');
		assert.match(r.err, /not a run/);
		// A well-formed summary does not make a folder outside a run store a run either.
		const q = fakeRun(tmp, 'q');
		assert.notEqual((await cliIn(tmp, 'runs', 'delete', 'q')).code, 0);
		assert.notEqual((await cliIn(q, 'runs', 'delete', '.')).code, 0);
		assert.ok(fs.existsSync(path.join(q, 'summary.json')));
	});

	it('an id never climbs out of the run store', async () => {
		const ws = path.join(tmp, 'ws');
		const store = path.join(ws, '.modelwright', 'runs');
		fakeRun(store, 'kept');
		const x = fakeRun(path.join(tmp, 'elsewhere'), 'x');
		const rel = path.relative(store, x);
		const r = await cliIn(tmp, 'runs', 'delete', rel, '--dir', 'ws');
		assert.notEqual(r.code, 0, r.out);
		assert.ok(fs.existsSync(x), 'the folder outside the store is untouched');
		assert.notEqual((await cliIn(tmp, 'runs', 'show', rel, '--dir', 'ws')).code, 0);
	});

	it('ids match exactly or by an unambiguous prefix, never by a suffix; delete names the run', async () => {
		const store = path.join(tmp, '.modelwright', 'runs');
		const a = fakeRun(store, '20240101-000000-alpha-n');
		const b = fakeRun(store, '20240101-000001-beta', { startedAt: '2024-01-01T00:00:01.000Z' });
		const c = fakeRun(store, '20240101-000002-beta', { startedAt: '2024-01-01T00:00:02.000Z' });
		const suffix = await cliIn(tmp, 'runs', 'delete', 'n');
		assert.notEqual(suffix.code, 0);
		assert.ok(fs.existsSync(a), 'a suffix matches nothing');
		const ambiguous = await cliIn(tmp, 'runs', 'delete', '20240101-00000');
		assert.notEqual(ambiguous.code, 0);
		assert.match(ambiguous.err, /20240101-000001-beta/, 'the candidates are named');
		assert.ok(fs.existsSync(a) && fs.existsSync(b) && fs.existsSync(c));
		const d = await cliIn(tmp, 'runs', 'delete', '20240101-000001');
		assert.equal(d.code, 0, d.err);
		assert.match(d.out, /20240101-000001-beta/);
		assert.ok(!fs.existsSync(b) && fs.existsSync(c));
		const exact = await cliIn(tmp, 'runs', 'delete', '20240101-000000-alpha-n');
		assert.equal(exact.code, 0, exact.err);
		assert.ok(!fs.existsSync(a));
	});

	it('a folder in a store with a malformed summary, or one still being written, is not deleted', async () => {
		const store = path.join(tmp, '.modelwright', 'runs');
		const bad = path.join(store, 'bad');
		fs.mkdirSync(bad, { recursive: true });
		fs.writeFileSync(path.join(bad, 'summary.json'), '{"id":"bad"}');
		assert.notEqual((await cliIn(tmp, 'runs', 'delete', 'bad')).code, 0);
		assert.ok(fs.existsSync(bad));
		const renamed = fakeRun(store, 'original');
		fs.renameSync(renamed, path.join(store, 'copy'));
		assert.notEqual((await cliIn(tmp, 'runs', 'delete', 'copy')).code, 0, 'the summary id must name its folder');
		assert.ok(fs.existsSync(path.join(store, 'copy')));
		const busy = fakeRun(store, 'busy');
		const s = sleeper();
		try {
			fs.writeFileSync(path.join(busy, '.lock'), JSON.stringify({ pid: s.pid, token: 'x', at: new Date().toISOString() }));
			const r = await cliIn(tmp, 'runs', 'delete', 'busy');
			assert.notEqual(r.code, 0);
			assert.match(r.err, /in use|being written/);
			assert.ok(fs.existsSync(busy));
		} finally {
			s.kill();
		}
	});

	it('--dir <config> selects runs of that config only (runs delete latest, evaluate latest)', async () => {
		fs.writeFileSync(path.join(tmp, 'a.model.yaml'), LINEAR('a'));
		fs.writeFileSync(path.join(tmp, 'weather.model.yaml'), LINEAR('weather'));
		const ta = await cliIn(tmp, 'train', 'a.model.yaml', '--backend', 'cpu');
		assert.equal(ta.code, 0, ta.err);
		const tw = await cliIn(tmp, 'train', 'weather.model.yaml', '--backend', 'cpu');
		assert.equal(tw.code, 0, tw.err);
		const runOf = (out: string) => path.join(tmp, /Run written to (.+)$/m.exec(out)![1]!);
		const aRun = runOf(ta.out);
		const wRun = runOf(tw.out);
		const ev = await cliIn(tmp, 'evaluate', 'latest', '--dir', 'a.model.yaml', '--backend', 'cpu');
		assert.equal(ev.code, 0, ev.err);
		assert.ok(ev.out.includes(path.basename(aRun)), ev.out);
		const show = await cliIn(tmp, 'runs', 'show', path.basename(wRun), '--dir', 'a.model.yaml');
		assert.notEqual(show.code, 0, 'a run of another config is not a run of this one');
		const del = await cliIn(tmp, 'runs', 'delete', 'latest', '--dir', 'a.model.yaml');
		assert.equal(del.code, 0, del.err);
		assert.ok(!fs.existsSync(aRun), 'the run of a.model.yaml is deleted');
		assert.ok(fs.existsSync(wRun), 'the run of weather.model.yaml is kept');
	});
});
