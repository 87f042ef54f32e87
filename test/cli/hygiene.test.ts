/** CLI hygiene (issue #11 item 12), through the built bundle: closed pipes, control characters, usage errors, huge values. */
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LINEAR as BASE_LINEAR } from '../helpers/cli';

const ROOT = path.join(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'modelwright.js');

function cli(args: string[], cwd: string) {
	const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
	return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Runs the CLI and closes the reading end of its stdout after the first chunk, as `| head -1` does. */
function closedAfterFirstChunk(args: string[], cwd: string): Promise<{ code: number | null; err: string; first: string }> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
		let err = '';
		let first = '';
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(new Error(`still running after the pipe closed; stderr: ${err}`));
		}, 90_000);
		child.stderr.on('data', (d: Buffer) => {
			err += d.toString();
		});
		child.stdout.once('data', (d: Buffer) => {
			first = d.toString();
			child.stdout.destroy();
		});
		child.on('exit', (code) => {
			clearTimeout(timer);
			resolve({ code, err, first });
		});
	});
}

/** The shared tiny config, trained for 30 epochs here (long enough to pipe into `head`). */
const LINEAR = (name: string, extra = '') => BASE_LINEAR(name, extra).replace('epochs: 2', 'epochs: 30');

describe('modelwright CLI hygiene (built bundle)', function () {
	this.timeout(180_000);
	let dir: string;
	before(function () {
		if (!fs.existsSync(path.join(ROOT, 'dist', 'cli.js'))) throw new Error('dist/cli.js missing: run `npm run build` before the tests');
		dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-hygiene-'));
		fs.writeFileSync(path.join(dir, 'lin.model.yaml'), LINEAR('lin'));
	});
	after(() => fs.rmSync(dir, { recursive: true, force: true }));

	it('exits quietly when its reader closes the pipe (schema, train --json, runs show, evaluate | head)', async () => {
		for (const args of [['schema'], ['train', 'lin.model.yaml', '--json']]) {
			const r = await closedAfterFirstChunk(args, dir);
			assert.ok(r.first.length > 0);
			assert.equal(r.code, 0, `${args.join(' ')}: ${r.err}`);
			assert.doesNotMatch(r.err, /EPIPE|\n\s+at /, args.join(' '));
		}
		assert.equal(cli(['train', 'lin.model.yaml', '--epochs', '2'], dir).code, 0);
		for (const cmd of ['runs show latest', 'evaluate latest', 'runs show latest --json']) {
			const r = spawnSync('bash', ['-o', 'pipefail', '-c', `"${process.execPath}" "${BIN}" ${cmd} | head -c 1 >/dev/null`], {
				cwd: dir,
				encoding: 'utf8',
			});
			assert.equal(r.status, 0, `${cmd}: ${r.stderr}`);
			assert.doesNotMatch(r.stderr, /EPIPE|\n\s+at /, cmd);
		}
	});

	it('escapes control characters from config text: a loss value cannot retitle or clear the terminal', () => {
		fs.writeFileSync(path.join(dir, 'esc.model.yaml'), LINEAR('esc').replace('loss: meanSquaredError', 'loss: "\\e]0;owned\\a\\e[2J"'));
		const r = cli(['validate', 'esc.model.yaml'], dir);
		assert.equal(r.code, 1);
		assert.doesNotMatch(r.out + r.err, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
		assert.ok(r.out.includes('\\u001b]0;owned\\u0007\\u001b[2J'), r.out);
		// --json stays valid JSON and gives the value back exactly.
		const j = cli(['validate', '--json', 'esc.model.yaml'], dir);
		assert.doesNotMatch(j.out, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
		const report = JSON.parse(j.out) as { diagnostics: { message: string }[] }[];
		assert.ok(report[0]!.diagnostics.some((d) => d.message.includes('\x1b]0;owned\x07\x1b[2J')));
	});

	it('an unknown option is a usage error (exit 2) for every command', () => {
		for (const args of [
			['validate', '--bogus', 'lin.model.yaml'],
			['tune', '--bogus', 'lin.model.yaml'],
			['inspect', '--bogus', 'lin.model.yaml'],
			['schema', '--bogus'],
		]) {
			const r = cli(args, dir);
			assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
			assert.match(r.err, /--bogus/);
			assert.match(r.err, /--help/);
		}
	});

	it('caps echoed values: a 10 MB name or value gives short messages, and the run still trains', () => {
		const huge = 'x'.repeat(10 * 1024 * 1024);
		fs.writeFileSync(path.join(dir, 'bigname.model.yaml'), LINEAR(huge).replace('epochs: 30', 'epochs: 2'));
		const t = cli(['train', 'bigname.model.yaml'], dir);
		assert.ok(t.out.length + t.err.length < 10_000, `${t.out.length + t.err.length} characters of output`);
		assert.equal(t.code, 0, t.err.slice(0, 500));
		fs.writeFileSync(path.join(dir, 'bigloss.model.yaml'), LINEAR('bigloss').replace('loss: meanSquaredError', `loss: ${huge}`));
		const v = cli(['validate', 'bigloss.model.yaml'], dir);
		assert.equal(v.code, 1);
		assert.ok(v.out.length + v.err.length < 10_000, `${v.out.length + v.err.length} characters of output`);
		assert.match(v.out, /MW105/);
	});
});
