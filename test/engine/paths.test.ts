/**
 * Issue #11 items 5, 6 and the engine side of 12: symbolic links cannot lead reads or writes out of
 * the workspace, crafted model and run folders cannot make predict/evaluate read other files, a
 * full disk leaves no temp files and a `failed` run, and a resumed run that completes says so.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
// The module object itself, whose functions the engine's modules call: stubbing it simulates a full disk.
import nodeFs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execute } from '../../engine/host/execute';
import { writeAtomic } from '../../engine/io/fsutil';
import { realPathOf, resolveDataPath } from '../../engine/io/probe';
import { readRunSummary, RUNS_DIR } from '../../engine/io/store';
import { runJob } from '../../engine/runtime/job';
import { predictRows } from '../../engine/runtime/runs';
import { cliIn, LINEAR } from '../helpers/cli';

const PASSWD = '/etc/passwd';
const SECRET = /root:x?:0:0/;

const cli = cliIn;

const CSV = (name: string, file: string) => `name: ${name}
seed: 1
data:
  source: {type: csv, path: ${file}}
  label: y
  split: {validation: 0.25}
model:
  layers:
    - {type: dense, units: 1}
training:
  loss: meanSquaredError
  epochs: 2
  batchSize: 4
`;

/** Every file under `dir` (following no links), for "nothing was written here" checks. */
function filesUnder(dir: string): string[] {
	if (!fs.existsSync(dir)) return [];
	return fs.readdirSync(dir, { recursive: true, withFileTypes: false }).map(String);
}

function grepTree(dir: string, re: RegExp): string[] {
	const hits: string[] = [];
	for (const rel of filesUnder(dir)) {
		const f = path.join(dir, rel);
		if (fs.lstatSync(f).isFile() && re.test(fs.readFileSync(f, 'utf8'))) hits.push(rel);
	}
	return hits;
}

describe('path policy, crafted folders, disk-full and resume hygiene (issue #11: 5, 6, 12)', function () {
	this.timeout(120_000);
	let tmp: string;
	let ws: string;
	let outside: string;
	beforeEach(() => {
		tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-paths-'));
		ws = path.join(tmp, 'ws');
		outside = path.join(tmp, 'outside');
		fs.mkdirSync(ws);
		fs.mkdirSync(outside);
	});
	afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

	describe('5: symbolic links and the workspace path policy', () => {
		it('resolveDataPath refuses a link inside the workspace that points outside, naming the link and its target', () => {
			fs.symlinkSync(PASSWD, path.join(ws, 'passwd.csv'));
			const r = resolveDataPath('passwd.csv', { configDir: ws, root: ws });
			assert.equal(r.ok, false);
			assert.ok(!r.ok);
			assert.match(r.message, /symbolic link/);
			assert.ok(r.message.includes(path.join(ws, 'passwd.csv')), r.message);
			assert.ok(r.message.includes(PASSWD), r.message);
			// A linked folder on the way counts too, and so does a file that does not exist yet under it.
			fs.symlinkSync(outside, path.join(ws, 'data'));
			const under = resolveDataPath('data/new.csv', { configDir: ws, root: ws });
			assert.ok(!under.ok && under.message.includes(path.join(ws, 'data')), JSON.stringify(under));
			// Allowed out explicitly: the real path is what gets read.
			const allowed = resolveDataPath('passwd.csv', { configDir: ws, root: ws, allowOutside: true });
			assert.deepEqual(allowed, { ok: true, file: fs.realpathSync(PASSWD) });
		});

		it('a link that stays inside the workspace is fine and resolves to the real file; a dangling link resolves to its target', () => {
			fs.mkdirSync(path.join(ws, 'real'));
			fs.writeFileSync(path.join(ws, 'real', 'a.csv'), 'x,y\n1,2\n');
			fs.symlinkSync(path.join(ws, 'real'), path.join(ws, 'alias'));
			assert.deepEqual(resolveDataPath('alias/a.csv', { configDir: ws, root: ws }), {
				ok: true,
				file: path.join(realPathOf(ws), 'real', 'a.csv'),
			});
			fs.symlinkSync(path.join(outside, 'later'), path.join(ws, 'dangling'));
			assert.equal(realPathOf(path.join(ws, 'dangling', 'x')), path.join(realPathOf(outside), 'later', 'x'));
			assert.equal(resolveDataPath('dangling/x', { configDir: ws, root: ws }).ok, false);
		});

		it('validate does not read a linked /etc/passwd (no column names from it), it reports the link', async () => {
			fs.symlinkSync(PASSWD, path.join(ws, 'passwd.csv'));
			fs.writeFileSync(path.join(ws, 'p.model.yaml'), CSV('p', 'passwd.csv'));
			const r = await cli(ws, 'validate', 'p.model.yaml');
			assert.doesNotMatch(r.out + r.err, SECRET);
			assert.match(r.out, /MW228 .*symbolic link/);
		});

		it('train refuses linked data: nothing from /etc/passwd reaches preprocessing.json or evaluation.json', async () => {
			fs.symlinkSync(PASSWD, path.join(ws, 'passwd.csv'));
			const cfg = path.join(ws, 'p.model.yaml');
			fs.writeFileSync(cfg, CSV('p', 'passwd.csv'));
			const r = await runJob({ configPath: cfg, workspaceRoot: ws }, () => undefined);
			assert.notEqual(r.status, 'completed');
			assert.match(r.message ?? '', /symbolic link/);
			assert.deepEqual(grepTree(ws, SECRET), []);
		});

		it('a symlinked export folder is refused: nothing is written outside', async () => {
			fs.symlinkSync(outside, path.join(ws, 'exported'));
			const cfg = path.join(ws, 'e.model.yaml');
			fs.writeFileSync(cfg, LINEAR('e', 'export:\n  path: exported\n'));
			const r = await runJob({ configPath: cfg, workspaceRoot: ws }, () => undefined);
			assert.notEqual(r.status, 'completed');
			assert.match(r.message!, /export\.path: .*symbolic link/);
			assert.deepEqual(filesUnder(outside), []);
		});

		it('a symlinked .modelwright is refused before the run store is written: nothing is written outside', async () => {
			fs.symlinkSync(outside, path.join(ws, '.modelwright'));
			const cfg = path.join(ws, 'm.model.yaml');
			fs.writeFileSync(cfg, LINEAR('m'));
			const r = await runJob({ configPath: cfg }, () => undefined);
			assert.equal(r.status, 'failed');
			assert.match(r.message!, /run store: .*symbolic link .*\.modelwright/);
			assert.deepEqual(filesUnder(outside), []);
			// The same through the CLI, and with --allow-outside the user may still choose it.
			const c = await cli(ws, 'train', 'm.model.yaml');
			assert.equal(c.code, 1);
			assert.deepEqual(filesUnder(outside), []);
			assert.equal((await cli(ws, 'train', 'm.model.yaml', '--allow-outside')).code, 0);
			assert.ok(filesUnder(outside).length > 0);
		});
	});

	describe('6: crafted model and run folders', () => {
		/** A trained linear run in `ws` (its model folder is the one we then tamper with). */
		async function trained(): Promise<string> {
			const cfg = path.join(ws, 'lin.model.yaml');
			fs.writeFileSync(cfg, LINEAR('lin'));
			const r = await runJob({ configPath: cfg }, () => undefined);
			assert.equal(r.status, 'completed', r.message);
			return r.runDir!;
		}
		const setPaths = (modelDir: string, paths: string[]) => {
			const f = path.join(modelDir, 'model.json');
			const json = JSON.parse(fs.readFileSync(f, 'utf8')) as { weightsManifest: { paths: string[] }[] };
			json.weightsManifest[0]!.paths = paths;
			fs.writeFileSync(f, JSON.stringify(json));
		};

		it('predict refuses a weights path that leaves the model folder (../../../../etc/passwd)', async () => {
			const model = path.join(await trained(), 'model');
			const up = path.relative(model, PASSWD);
			setPaths(model, [up]);
			await assert.rejects(predictRows(model, [{ x: 1 }]), /outside/);
			setPaths(model, ['../../../../../../../../../../etc/passwd']);
			await assert.rejects(predictRows(model, [{ x: 1 }]), /outside/);
		});

		it('predict refuses weights that are not a regular file inside the folder (a link to /dev/zero)', async () => {
			const model = path.join(await trained(), 'model');
			fs.rmSync(path.join(model, 'weights.bin'));
			fs.symlinkSync('/dev/zero', path.join(model, 'weights.bin'));
			await assert.rejects(predictRows(model, [{ x: 1 }]), /outside|not a regular file/);
			fs.rmSync(path.join(model, 'weights.bin'));
			fs.mkdirSync(path.join(model, 'weights.bin'));
			await assert.rejects(predictRows(model, [{ x: 1 }]), /not a regular file/);
		});

		it('predict refuses weights files whose size is not what the manifest declares', async () => {
			const model = path.join(await trained(), 'model');
			const good = (await predictRows(model, [{ x: 1 }])).predictions[0]!.scores;
			fs.appendFileSync(path.join(model, 'weights.bin'), Buffer.alloc(1 << 20));
			await assert.rejects(predictRows(model, [{ x: 1 }]), /hold \d+ bytes; its weight specs declare 8/);
			fs.truncateSync(path.join(model, 'weights.bin'), 4);
			await assert.rejects(predictRows(model, [{ x: 1 }]), /declare 8/);
			fs.truncateSync(path.join(model, 'weights.bin'), 0);
			fs.truncateSync(path.join(model, 'weights.bin'), 8);
			assert.notDeepEqual((await predictRows(model, [{ x: 1 }])).predictions[0]!.scores, good, 'still loads at the right size');
		});

		it('predict refuses a manifest that lists one weights file many times (review finding)', async () => {
			const model = path.join(await trained(), 'model');
			const f = path.join(model, 'model.json');
			const json = JSON.parse(fs.readFileSync(f, 'utf8')) as { weightsManifest: { paths: string[]; weights: { shape: number[] }[] }[] };
			// 8 bytes of weights listed twice, with specs declaring 16: the sizes add up, the file does not.
			json.weightsManifest[0]!.paths = ['weights.bin', 'weights.bin'];
			json.weightsManifest[0]!.weights[0]!.shape = [3, 1];
			fs.writeFileSync(f, JSON.stringify(json));
			await assert.rejects(predictRows(model, [{ x: 1 }]), /more than once/);
		});

		it('a run folder whose summary.json is a FIFO, a folder or a device is not a run (nothing is read from it)', () => {
			for (const [i, make] of [
				(f: string) => spawnSync('mkfifo', [f]),
				(f: string) => fs.mkdirSync(f),
				(f: string) => fs.symlinkSync('/dev/zero', f),
			].entries()) {
				const run = path.join(ws, RUNS_DIR, `crafted-${i}`);
				fs.mkdirSync(run, { recursive: true });
				make(path.join(run, 'summary.json'));
				assert.equal(readRunSummary(run), undefined);
			}
		});

		it('evaluate takes its path-policy root from the command line or workspace, never from the run summary', async () => {
			const run = await trained();
			// A crafted run: its summary claims the config lived in /etc, its config reads `passwd` from there.
			const s = JSON.parse(fs.readFileSync(path.join(run, 'summary.json'), 'utf8')) as Record<string, unknown>;
			fs.writeFileSync(path.join(run, 'summary.json'), JSON.stringify({ ...s, configPath: '/etc/crafted.model.yaml' }));
			fs.writeFileSync(path.join(run, 'config.yaml'), CSV('lin', 'passwd'));
			const r = await cli(ws, 'evaluate', run);
			assert.equal(r.code, 1);
			assert.match(r.err, /outside/);
			assert.doesNotMatch(r.out + r.err, SECRET);
			// The engine process: the workspace root it is given, else the folder holding the run store.
			await assert.rejects(
				execute(
					{ kind: 'evaluate', configPath: path.join(run, 'config.yaml'), runDir: run },
					() => undefined,
					new AbortController().signal,
				),
				/outside/,
			);
			await assert.rejects(
				execute(
					{ kind: 'evaluate', configPath: path.join(run, 'config.yaml'), runDir: run, workspaceRoot: ws },
					() => undefined,
					new AbortController().signal,
				),
				/outside/,
			);
		});
	});

	describe('12: a full disk and a resumed run', () => {
		/**
		 * Simulates a disk that fills up at `trigger`: that write leaves half its file and fails with
		 * ENOSPC, and every later write fails too while that partial file takes the space.
		 */
		function fullDiskAt(trigger: RegExp): { restore: () => void; leftovers: () => string[] } {
			const real = nodeFs.writeFileSync;
			const partial: string[] = [];
			const enospc = () =>
				Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
			nodeFs.writeFileSync = (file: fs.PathOrFileDescriptor, data: string | NodeJS.ArrayBufferView, opts?: fs.WriteFileOptions) => {
				if (typeof file === 'string' && partial.some((p) => fs.existsSync(p))) throw enospc();
				if (typeof file === 'string' && trigger.test(path.basename(file))) {
					real(
						file,
						typeof data === 'string' ? data.slice(0, 1) : new Uint8Array(data.buffer, data.byteOffset, Math.min(1, data.byteLength)),
					);
					partial.push(file);
					throw enospc();
				}
				real(file, data, opts);
			};
			return {
				restore: () => {
					nodeFs.writeFileSync = real;
				},
				leftovers: () => partial.filter((p) => fs.existsSync(p)),
			};
		}

		it('writeAtomic removes its temp file when the write fails (ENOSPC)', () => {
			const disk = fullDiskAt(/^\.f\.json\..*\.tmp$/);
			try {
				assert.throws(() => writeAtomic(path.join(ws, 'f.json'), '{"a": 1}'), /ENOSPC/);
				assert.deepEqual(disk.leftovers(), []);
				assert.deepEqual(fs.readdirSync(ws), []);
			} finally {
				disk.restore();
			}
		});

		it('a run that hits ENOSPC ends `failed` (not `interrupted`) and leaves no .tmp files', async () => {
			const cfg = path.join(ws, 'full.model.yaml');
			fs.writeFileSync(cfg, LINEAR('full'));
			const disk = fullDiskAt(/^\.weights\.bin\..*\.tmp$/);
			let r;
			try {
				r = await runJob({ configPath: cfg }, () => undefined);
			} finally {
				disk.restore();
			}
			assert.equal(r.status, 'failed');
			assert.match(r.message!, /ENOSPC/);
			const s = readRunSummary(r.runDir!)!;
			assert.equal(s.status, 'failed');
			assert.match(s.message!, /ENOSPC/);
			assert.deepEqual(
				filesUnder(path.join(ws, RUNS_DIR)).filter((f) => f.endsWith('.tmp')),
				[],
			);
		});

		it('a resumed run that completes no longer says the training process ended without finishing it', async () => {
			const cfg = path.join(ws, 'res.model.yaml');
			fs.writeFileSync(cfg, LINEAR('res').replace('epochs: 2', 'epochs: 4'));
			const first = await runJob({ configPath: cfg, overrides: { epochs: 2 } }, () => undefined);
			assert.equal(first.status, 'completed', first.message);
			// As a killed process leaves it: `running`, owned by a process that is gone.
			const dead = spawnSync(process.execPath, ['-e', '']).pid;
			const file = path.join(first.runDir!, 'summary.json');
			const s = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
			delete s.finishedAt;
			fs.writeFileSync(file, JSON.stringify({ ...s, status: 'running', pid: dead }));
			assert.match(readRunSummary(first.runDir!)!.message!, /ended without finishing/);
			const resumed = await runJob({ configPath: cfg, resume: first.runDir!, overrides: { epochs: 4 } }, () => undefined);
			assert.equal(resumed.status, 'completed', resumed.message);
			const after = readRunSummary(first.runDir!)!;
			assert.equal(after.status, 'completed');
			assert.equal(after.message, undefined);
		});
	});
});
