/**
 * Sweep throughput: trials per minute of a small grid with 1 and 2 worker processes (the
 * scaling ratio), and the sweep machinery's overhead over running the same trials one after
 * another in-process with runJob. Figures, not pass/fail.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { runJob } from '../engine/runtime/job';
import { applyParams } from '../engine/core/tune/apply';
import { dimensions, gridPoints } from '../engine/core/tune/space';
import { runSweep } from '../engine/runtime/tune/sweep';
import { WORKLOADS, writeCsv } from './peer';
import { printTable } from './util';

/** The sweep both benches time: a 9-point grid over a small MLP on the spirals (`source` says where they come from). */
export const sweepConfig = (name: string, source: string): string => `name: ${name}
seed: 3
data:
  source: ${source}
  scale: standardize
  split: {validation: 0.25}
model:
  layers:
    - {type: dense, units: 16, activation: relu}
    - {type: dense, units: 16, activation: relu}
    - {type: dense, units: 1, activation: sigmoid}
training:
  loss: binaryCrossentropy
  optimizer: {type: adam, learningRate: 0.01}
  metrics: [accuracy]
  epochs: 15
  batchSize: 32
  checkpoint: {every: 0}
tuning:
  strategy: grid
  objective: {metric: val_accuracy}
  space:
    model.layers[0].units: {choice: [8, 16, 32]}
    training.optimizer.learningRate: {choice: [0.003, 0.01, 0.03]}
`;
const CONFIG = sweepConfig('bench-sweep', '{type: spirals, samples: 400, noise: 0.1}');

export async function tuneBench(): Promise<void> {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-bench-tune-'));
	const config = path.join(dir, 'bench.model.yaml');
	fs.writeFileSync(config, CONFIG);
	const trials = gridPoints(
		dimensions({ 'model.layers[0].units': { choice: [8, 16, 32] }, 'training.optimizer.learningRate': { choice: [0.003, 0.01, 0.03] } }),
	);

	// Each way is timed twice, interleaved, and the faster time kept: the machine is shared and noisy.
	let sequentialMs = Infinity;
	const timed: Record<number, number> = { 1: Infinity, 2: Infinity };
	for (let round = 0; round < 2; round++) {
		const t0 = performance.now();
		for (const params of trials) {
			const r = await runJob(
				{ configPath: config, text: applyParams(CONFIG, params), runsDir: path.join(dir, 'sequential'), backend: 'wasm' },
				() => {},
			);
			if (r.status !== 'completed') throw new Error(`sequential trial failed: ${r.message}`);
		}
		sequentialMs = Math.min(sequentialMs, performance.now() - t0);
		for (const workers of [1, 2]) {
			const t = performance.now();
			const state = await runSweep({ configPath: config, workers, backend: 'wasm', runsDir: path.join(dir, `w${workers}`) });
			if (state.trials.some((x) => x.status !== 'completed'))
				throw new Error(`a trial failed: ${state.trials.find((x) => x.status !== 'completed')?.message}`);
			timed[workers] = Math.min(timed[workers]!, performance.now() - t);
		}
	}
	const perMin = (ms: number) => (trials.length / (ms / 60_000)).toFixed(1);
	printTable(
		['how', 'trials', 'wall time', 'trials/min'],
		[
			['runJob one after another (in-process)', trials.length, `${(sequentialMs / 1000).toFixed(1)} s`, perMin(sequentialMs)],
			['sweep, 1 worker', trials.length, `${(timed[1]! / 1000).toFixed(1)} s`, perMin(timed[1]!)],
			['sweep, 2 workers', trials.length, `${(timed[2]! / 1000).toFixed(1)} s`, perMin(timed[2]!)],
		],
	);
	console.log(`scaling 1 → 2 workers: ${(timed[1]! / timed[2]!).toFixed(2)}× (${os.cpus().length} cores)`);
	console.log(
		`sweep machinery overhead (1 worker vs in-process): ${(((timed[1]! - sequentialMs) / sequentialMs) * 100).toFixed(0)}% (worker start-up, IPC, sweep.json writes)`,
	);
	await issueSweep(dir);
	fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * The sweep issue #13 measured before the fused path: 4 trials × 3 folds of a 32-32-5 softmax
 * MLP on the peer bench's p1 table (1,000 rows × 4), batch 32, 150 epochs, 2 workers. Timed on
 * the tfjs path (MODELWRIGHT_TRAIN_PATH=tfjs, which the worker processes inherit: the engine
 * as it was) and on the default path, interleaved, best of two each.
 */
async function issueSweep(dir: string): Promise<void> {
	const w = WORKLOADS[0]!;
	writeCsv(w, path.join(dir, 'p1.csv'));
	const config = path.join(dir, 'p1.model.yaml');
	fs.writeFileSync(
		config,
		`name: p1-sweep
seed: 5
data:
  source: {type: csv, path: p1.csv}
  label: label
  task: multiclassClassification
  split: {validation: 0, test: 0}
model:
  layers:
    - {type: dense, units: 32, activation: relu}
    - {type: dense, units: 32, activation: relu}
    - {type: dense, units: 5, activation: softmax}
training:
  loss: categoricalCrossentropy
  optimizer: {type: adam, learningRate: 0.005}
  metrics: [accuracy]
  epochs: ${w.epochs}
  batchSize: ${w.batch}
  checkpoint: {every: 0}
tuning:
  strategy: grid
  folds: 3
  objective: {metric: val_accuracy}
  space:
    training.optimizer.learningRate: {choice: [0.002, 0.005, 0.01, 0.02]}
`,
	);
	const best: Record<'tfjs' | 'auto', number> = { tfjs: Infinity, auto: Infinity };
	const before = process.env.MODELWRIGHT_TRAIN_PATH;
	try {
		for (let round = 0; round < 2; round++)
			for (const way of ['tfjs', 'auto'] as const) {
				process.env.MODELWRIGHT_TRAIN_PATH = way;
				const t = performance.now();
				const state = await runSweep({ configPath: config, workers: 2, backend: 'wasm', runsDir: path.join(dir, `p1-${way}-${round}`) });
				const bad = state.trials.find((x) => x.status !== 'completed');
				if (bad) throw new Error(`a p1 trial failed: ${bad.message}`);
				best[way] = Math.min(best[way], performance.now() - t);
			}
	} finally {
		if (before === undefined) delete process.env.MODELWRIGHT_TRAIN_PATH;
		else process.env.MODELWRIGHT_TRAIN_PATH = before;
	}
	const perMin = (ms: number) => (4 / (ms / 60_000)).toFixed(1);
	console.log('');
	printTable(
		['issue #13 sweep: 4 trials × 3 folds, p1 table, 150 epochs, 2 workers', 'wall time', 'trials/min'],
		[
			['tfjs path (before the fused path)', `${(best.tfjs / 1000).toFixed(1)} s`, perMin(best.tfjs)],
			['default path (fused)', `${(best.auto / 1000).toFixed(1)} s`, perMin(best.auto)],
		],
	);
	console.log(`sweep speed-up: ${(best.tfjs / best.auto).toFixed(2)}× trials/min (target ≥ 5×)`);
}
