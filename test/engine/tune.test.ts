/** Sweeps end to end: real training in worker processes, k-fold, resume, a killed worker. */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SweepEvent, SweepState } from '../../engine/core/tune/protocol';
import { runSweep } from '../../engine/runtime/tune/sweep';
import { findSweeps, readSweep } from '../../engine/io/sweeps';
import { applyBestActions } from '../../server/src/service/codeActions';
import { analyze } from '../../server/src/service/analysis';
import { pathToFileURL } from 'node:url';
import { processAlive } from '../../engine/io/fsutil';
import { fakeRun } from '../helpers/cli';

const ROOT = path.join(__dirname, '..', '..');

const CONFIG = `name: sweep-test
seed: 5
data:
  source: {type: blobs, samples: 120, centers: 2, features: 2, std: 1.0}
  scale: standardize
  split: {validation: 0, test: 0.2, folds: 2}
model:
  layers:
    - type: dense
      units: 4
      activation: relu
    - type: dense
      units: 1
      activation: sigmoid
training:
  loss: binaryCrossentropy
  optimizer: {type: adam, learningRate: 0.05}
  metrics: [accuracy]
  epochs: 4
  batchSize: 32
  checkpoint: {every: 0}
tuning:
  strategy: grid
  objective: {metric: val_accuracy}
  folds: 2
  space:
    model.layers[0].units: {choice: [2, 8]}
    training.batchSize: {choice: [16, 32]}
`;

describe('hyperparameter sweeps', function () {
	this.timeout(240_000);
	let dir: string;
	let config: string;
	beforeEach(() => {
		dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-sweep-'));
		config = path.join(dir, 'sweep.model.yaml');
		fs.writeFileSync(config, CONFIG);
	});

	it('runs every grid point with 2-fold CV in 2 workers and records the best', async () => {
		const events: SweepEvent[] = [];
		const state = await runSweep({ configPath: config, backend: 'cpu', workers: 2 }, (e) => events.push(e));
		assert.equal(state.status, 'completed');
		assert.equal(state.trials.length, 4);
		assert.deepEqual(
			new Set(state.trials.map((t) => `${t.params['model.layers[0].units']}/${t.params['training.batchSize']}`)),
			new Set(['2/16', '2/32', '8/16', '8/32']),
		);
		for (const t of state.trials) {
			assert.equal(t.status, 'completed', t.message);
			assert.equal(t.foldScores?.length, 2, 'one score per fold');
			assert.equal(t.runDirs?.length, 2, 'each fold is a run');
			for (const r of t.runDirs) assert.ok(fs.existsSync(path.join(r, 'summary.json')));
			assert.ok(t.score! >= 0 && t.score! <= 1);
		}
		const best = state.trials.reduce((a, b) => (b.score! > a.score! ? b : a));
		assert.equal(state.best?.score, best.score, 'val_accuracy is maximised');
		const sweepDir = (events.find((e) => e.method === 'sweep/started') as Extract<SweepEvent, { method: 'sweep/started' }>).params.sweepDir;
		assert.deepEqual(
			readSweep(sweepDir)?.trials.map((t) => t.status),
			['completed', 'completed', 'completed', 'completed'],
		);
	});

	it('two parallel sweeps of the same config and seed run the same trials and pick the same winner', async () => {
		// Trials of different lengths finish out of order on 2 workers; pruning and the search must not care.
		const text = CONFIG.replace(
			'strategy: grid',
			'strategy: random\n  trials: 6\n  pruning: {type: median, warmupEpochs: 1, minTrials: 1}',
		).replace(
			'    training.batchSize: {choice: [16, 32]}',
			'    training.epochs: {choice: [2, 6]}\n    training.optimizer.learningRate: {logUniform: [0.001, 0.05]}',
		);
		fs.writeFileSync(config, text);
		const sweep = async () => {
			const state = await runSweep({ configPath: config, backend: 'cpu', workers: 2 });
			return {
				workers: state.workers,
				best: state.best,
				trials: state.trials.map((t) => ({
					number: t.number,
					params: t.params,
					status: t.status,
					score: t.score,
					intermediate: t.intermediate,
				})),
			};
		};
		const first = await sweep();
		assert.equal(first.workers, 2, 'the parallelism the search was planned for is recorded');
		assert.ok(first.best);
		for (const t of first.trials) {
			const lr = Number(t.params['training.optimizer.learningRate']);
			assert.equal(lr, Number(lr.toPrecision(3)), 'proposals are rounded');
		}
		assert.deepEqual(await sweep(), first);
	});

	it('resumes without re-running finished trials', async () => {
		let sweepDir = '';
		const first = await runSweep({ configPath: config, backend: 'cpu', workers: 1, trials: 2 }, (e) => {
			if (e.method === 'sweep/started') sweepDir = e.params.sweepDir;
		});
		assert.equal(first.trials.length, 2);
		const before = first.trials.map((t) => ({ params: t.params, runDirs: t.runDirs, score: t.score }));
		const started: number[] = [];
		const second = await runSweep({ configPath: config, backend: 'cpu', workers: 1, trials: 4, resume: sweepDir }, (e) => {
			if (e.method === 'sweep/trialStarted') started.push(e.params.number);
		});
		assert.deepEqual(started, [3, 4], 'only the new trials ran');
		assert.deepEqual(
			second.trials.slice(0, 2).map((t) => ({ params: t.params, runDirs: t.runDirs, score: t.score })),
			before,
		);
		assert.equal(new Set(second.trials.map((t) => JSON.stringify(t.params))).size, 4, 'the grid continues with the points not yet tried');
	});

	it('a killed worker fails only its trial', async () => {
		let killed = false;
		const state = await runSweep({ configPath: config, backend: 'cpu', workers: 1 }, (e) => {
			if (e.method === 'sweep/trialStarted' && e.params.number === 2 && e.params.pid && !killed) {
				killed = true;
				process.kill(e.params.pid, 'SIGKILL');
			}
		});
		assert.ok(killed);
		assert.deepEqual(
			state.trials.map((t) => t.status),
			['completed', 'failed', 'completed', 'completed'],
		);
		assert.match(state.trials[1]!.message!, /worker process killed \(SIGKILL\)/);
		assert.equal(state.status, 'completed');
	});

	it('a killed sweep resumes without leaving unreferenced trial folders: only abandoned runs are removed, and it says so', async () => {
		// The sweep in its own process (the CLI from source), killed while trial 2 runs its first fold.
		const child = spawn(
			process.execPath,
			[
				'-r',
				'tsx/cjs',
				path.join(__dirname, 'fixtures', 'cli-child.ts'),
				'tune',
				config,
				'--backend',
				'cpu',
				'--workers',
				'1',
				'--trials',
				'2',
				'--json',
			],
			{ cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
		);
		let sweepDir = '';
		let worker = 0;
		await new Promise<void>((resolve, reject) => {
			let buf = '';
			child.stdout.on('data', (d: Buffer) => {
				buf += d.toString();
				for (;;) {
					const nl = buf.indexOf('\n');
					if (nl < 0) break;
					const line = buf.slice(0, nl);
					buf = buf.slice(nl + 1);
					if (!line.startsWith('{')) continue;
					const e = JSON.parse(line) as SweepEvent;
					if (e.method === 'sweep/started') sweepDir = e.params.sweepDir;
					if (e.method === 'sweep/trialStarted' && e.params.number === 2) worker = e.params.pid ?? 0;
					if (e.method === 'sweep/trialEpoch' && e.params.number === 2 && e.params.epoch === 2) {
						child.kill('SIGKILL');
						resolve();
					}
				}
			});
			child.on('exit', () => reject(new Error(`the sweep ended before being killed: ${buf}`)));
		});
		await new Promise((r) => child.on('exit', r));
		// Its worker leaves when the coordinator's IPC channel closes.
		for (let i = 0; i < 100 && worker && processAlive(worker); i++) await new Promise((r) => setTimeout(r, 100));
		const trialsDir = path.join(sweepDir, 'trials');
		const before = readSweep(sweepDir)!;
		assert.equal(before.status, 'interrupted');
		assert.deepEqual(
			before.trials.map((t) => t.status),
			['completed', 'running'],
		);
		const referenced = () =>
			new Set(
				readSweep(sweepDir)!
					.trials.flatMap((t) => t.runDirs ?? [])
					.map((d) => path.basename(d)),
			);
		const abandoned = fs.readdirSync(trialsDir).filter((n) => !referenced().has(n));
		assert.ok(abandoned.length >= 1, 'the killed fold left a run folder sweep.json does not reference');
		// Not Modelwright runs, or not only: left alone.
		fs.mkdirSync(path.join(trialsDir, 'notes'));
		fs.writeFileSync(path.join(trialsDir, 'notes', 'todo.txt'), 'mine');
		const foreign = fakeRun(trialsDir, 'sweep-test-t009', { status: 'completed' });
		fs.writeFileSync(path.join(foreign, 'my-analysis.ipynb'), '{}');

		// As if the project had moved since: sweep.json's absolute run paths point elsewhere. The
		// completed trial's runs must still count as referenced (they were deleted before).
		const moved = JSON.parse(fs.readFileSync(path.join(sweepDir, 'sweep.json'), 'utf8')) as SweepState;
		for (const t of moved.trials) t.runDirs = t.runDirs?.map((d) => path.join('/moved/elsewhere/trials', path.basename(d)));
		fs.writeFileSync(path.join(sweepDir, 'sweep.json'), JSON.stringify(moved));
		const completedRuns = moved.trials[0]!.runDirs!.map((d) => path.basename(d));

		const events: SweepEvent[] = [];
		const state = await runSweep({ configPath: config, backend: 'cpu', workers: 1, trials: 2, resume: sweepDir }, (e) => events.push(e));
		for (const n of completedRuns) assert.ok(fs.existsSync(path.join(trialsDir, n)), `completed trial run ${n} kept`);
		assert.equal(state.status, 'completed');
		assert.deepEqual(
			state.trials.map((t) => t.status),
			['completed', 'completed'],
		);
		assert.equal(state.trials[1]!.runDirs?.length, 2, 'trial 2 ran both folds again');
		const left = fs.readdirSync(trialsDir).filter((n) => !referenced().has(n));
		assert.deepEqual(left.sort(), ['notes', 'sweep-test-t009'], 'no unreferenced trial run remains; other folders are kept');
		assert.ok(fs.existsSync(path.join(trialsDir, 'notes', 'todo.txt')));
		for (const n of abandoned) assert.ok(!fs.existsSync(path.join(trialsDir, n)), `${n} removed`);
		const started = events.find((e) => e.method === 'sweep/started') as Extract<SweepEvent, { method: 'sweep/started' }>;
		assert.deepEqual(started.params.removedTrials?.map((d) => path.basename(d)).sort(), abandoned.sort());
		assert.deepEqual(started.params.keptTrials?.map((k) => path.basename(k.dir)).sort(), ['notes', 'sweep-test-t009']);
		assert.match(started.params.keptTrials!.find((k) => k.dir.endsWith('t009'))!.reason, /files Modelwright does not write/);
	});

	it('resume removes nothing through links: a linked trials/ folder or a linked run stays, and is reported', async () => {
		const other = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-other-store-'));
		const victim = fakeRun(other, '20240101-000000-precious');
		const sweep = (name: string, link: 'trials' | 'run') => {
			const d = path.join(dir, '.modelwright', 'runs', name);
			fs.mkdirSync(d, { recursive: true });
			fs.writeFileSync(path.join(d, 'config.yaml'), CONFIG);
			const now = new Date().toISOString();
			fs.writeFileSync(
				path.join(d, 'sweep.json'),
				JSON.stringify({
					version: 1,
					id: name,
					name: 'sweep-test',
					configPath: config,
					strategy: 'grid',
					objective: { metric: 'val_accuracy', direction: 'maximize' },
					folds: 2,
					plannedTrials: 1,
					seed: 5,
					startedAt: now,
					updatedAt: now,
					status: 'stopped',
					trials: [
						{ number: 1, params: { 'model.layers[0].units': 2, 'training.batchSize': 16 }, status: 'completed', score: 1, runDirs: [] },
					],
				}),
			);
			if (link === 'trials') fs.symlinkSync(other, path.join(d, 'trials'));
			else {
				fs.mkdirSync(path.join(d, 'trials'));
				fs.symlinkSync(victim, path.join(d, 'trials', path.basename(victim)));
			}
			return d;
		};
		for (const link of ['trials', 'run'] as const) {
			const events: SweepEvent[] = [];
			const d = sweep(`20240101-000000-sweep-${link}`, link);
			const state = await runSweep({ configPath: config, backend: 'cpu', workers: 1, trials: 1, resume: d }, (e) => events.push(e));
			assert.equal(state.status, 'completed');
			assert.ok(fs.existsSync(path.join(victim, 'summary.json')), `a linked ${link} is not followed`);
			const started = events.find((e) => e.method === 'sweep/started') as Extract<SweepEvent, { method: 'sweep/started' }>;
			assert.equal(started.params.removedTrials, undefined);
			assert.match(started.params.keptTrials![0]!.reason, link === 'trials' ? /not a folder of this sweep/ : /is not a run/);
		}
		fs.rmSync(other, { recursive: true, force: true });
	});

	it('"apply best" is offered as a code action on the tuning section and writes the winning values', async () => {
		const state = await runSweep({ configPath: config, backend: 'cpu', workers: 1 });
		assert.ok(state.best);
		assert.equal(findSweeps(config).length, 1);
		const a = analyze(pathToFileURL(config).toString(), 1, CONFIG);
		const line = CONFIG.split('\n').findIndex((l) => l.startsWith('tuning:'));
		const [action] = applyBestActions(a, { start: { line, character: 0 }, end: { line, character: 0 } });
		assert.ok(action, 'an apply-best action');
		assert.match(action.title, new RegExp(`^Apply best trial ${state.best.number} of `));
		const edits = action.edit!.changes![pathToFileURL(config).toString()]!;
		const cd = a.result.document;
		let out = CONFIG;
		for (const e of [...edits].sort((x, y) => cd.offsetAt(y.range.start) - cd.offsetAt(x.range.start)))
			out = out.slice(0, cd.offsetAt(e.range.start)) + e.newText + out.slice(cd.offsetAt(e.range.end));
		const units = state.best.params['model.layers[0].units'];
		const batch = state.best.params['training.batchSize'];
		assert.equal(
			out,
			CONFIG.replace('      units: 4\n', `      units: ${units}\n`).replace('  batchSize: 32\n', `  batchSize: ${batch}\n`),
		);
		assert.deepEqual(
			applyBestActions(a, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }),
			[],
			'not offered outside the tuning section',
		);
	});

	it('resumes a random sweep with median pruning: no crash, no repeated points, and trials never export', async () => {
		const text = CONFIG.replace('strategy: grid', 'strategy: random\n  pruning: {type: median, warmupEpochs: 1, minTrials: 1}')
			.replace('    training.batchSize: {choice: [16, 32]}', '    training.optimizer.learningRate: {logUniform: [0.001, 0.1]}')
			.replace('tuning:', 'export:\n  path: exported\ntuning:');
		fs.writeFileSync(config, text);
		let sweepDir = '';
		const first = await runSweep({ configPath: config, backend: 'cpu', workers: 1, trials: 2 }, (e) => {
			if (e.method === 'sweep/started') sweepDir = e.params.sweepDir;
		});
		assert.equal(first.trials.length, 2);
		const second = await runSweep({ configPath: config, backend: 'cpu', workers: 1, trials: 4, resume: sweepDir });
		assert.equal(second.trials.length, 4);
		assert.ok(
			second.trials.every((t) => t.status === 'completed' || t.status === 'pruned'),
			JSON.stringify(second.trials.map((t) => [t.status, t.message])),
		);
		assert.equal(new Set(second.trials.map((t) => JSON.stringify(t.params))).size, 4, 'the resumed search proposes new points');
		assert.ok(!fs.existsSync(path.join(dir, 'exported')), 'trials do not write into export.path');
		await assert.rejects(runSweep({ configPath: config, backend: 'cpu', resume: path.join(dir, 'nope') }), /not a sweep folder/);
	});
});
