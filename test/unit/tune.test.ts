import * as assert from 'node:assert/strict';
import type { TuningConfig } from '../../engine/core/config/schema';
import { applyParams } from '../../engine/core/tune/apply';
import { MedianPruner, SuccessiveHalving } from '../../engine/core/tune/pruning';
import { makeSearcher, type Observation } from '../../engine/core/tune/search';
import { dimensions, gridPoints, trialCount, type Params } from '../../engine/core/tune/space';

const space = (s: TuningConfig['space']) => s;

describe('search space', () => {
	it('grid enumerates exactly the product of choices and int ranges', () => {
		const dims = dimensions(
			space({
				'model.layers[0].units': { choice: [8, 16, 32] },
				'training.batchSize': { int: [16, 64], step: 16 },
				'training.optimizer.type': { choice: ['sgd', 'adam'] },
			}),
		);
		const pts = gridPoints(dims);
		assert.equal(pts.length, 3 * 4 * 2);
		assert.equal(new Set(pts.map((p) => JSON.stringify(p))).size, 24, 'no duplicates');
		assert.deepEqual(
			[...new Set(pts.map((p) => p['training.batchSize']))].sort((a, b) => Number(a) - Number(b)),
			[16, 32, 48, 64],
		);
	});

	it('conditional dimensions appear only where their condition holds', () => {
		const dims = dimensions(
			space({
				'training.optimizer.type': { choice: ['sgd', 'momentum'] },
				'training.optimizer.momentum': { choice: [0.8, 0.9], when: { 'training.optimizer.type': 'momentum' } },
			}),
		);
		const pts = gridPoints(dims);
		assert.deepEqual(pts, [
			{ 'training.optimizer.type': 'sgd' },
			{ 'training.optimizer.type': 'momentum', 'training.optimizer.momentum': 0.8 },
			{ 'training.optimizer.type': 'momentum', 'training.optimizer.momentum': 0.9 },
		]);
	});

	it('counts trials: the grid (capped by trials) or trials', () => {
		assert.equal(trialCount({ strategy: 'grid', trials: 100, space: { a: { choice: [1, 2, 3] }, b: { choice: [1, 2] } } }), 6);
		assert.equal(trialCount({ strategy: 'grid', trials: 4, space: { a: { choice: [1, 2, 3] }, b: { choice: [1, 2] } } }), 4);
		assert.equal(trialCount({ strategy: 'random', trials: 9, space: { a: { uniform: [0, 1] } } }), 9);
	});
});

/** A synthetic objective with its optimum at lr = 10^-2.5, units = 32, x = 0.3, act = relu. */
function objective(p: Params): number {
	const lr = Math.log10(Number(p.lr));
	return (lr + 2.5) ** 2 + (Number(p.x) - 0.3) ** 2 * 4 + (p.units === 32 ? 0 : 0.3) + (p.act === 'relu' ? 0 : 0.2);
}
const SPACE = space({
	lr: { logUniform: [1e-5, 1] },
	x: { uniform: [-1, 1] },
	units: { choice: [8, 16, 32, 64] },
	act: { choice: ['relu', 'tanh', 'sigmoid'] },
});

function bestAfter(strategy: 'random' | 'bayesian', seed: number, budget: number): number {
	const s = makeSearcher({ strategy, space: SPACE, trials: budget }, seed);
	const history: Observation[] = [];
	for (let i = 0; i < budget; i++) {
		const p = s.next(history)!;
		history.push({ params: p, score: objective(p) });
	}
	return Math.min(...history.map((h) => h.score));
}

describe('search strategies', () => {
	it('random and model-based search are reproducible with a seed', () => {
		for (const strategy of ['random', 'bayesian'] as const) {
			const run = (seed: number) => {
				const s = makeSearcher({ strategy, space: SPACE, trials: 20 }, seed);
				const h: Observation[] = [];
				for (let i = 0; i < 20; i++) {
					const p = s.next(h)!;
					h.push({ params: p, score: objective(p) });
				}
				return h.map((x) => x.params);
			};
			assert.deepEqual(run(5), run(5));
			assert.notDeepEqual(run(5), run(6));
		}
	});

	it('the model-based search beats random search on a known objective (mean over 30 seeds)', () => {
		const seeds = Array.from({ length: 30 }, (_, i) => 100 + i);
		const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
		const random = mean(seeds.map((s) => bestAfter('random', s, 40)));
		const tpe = mean(seeds.map((s) => bestAfter('bayesian', s, 40)));
		assert.ok(tpe < random * 0.8, `TPE mean best ${tpe.toFixed(4)} should be at least 20% below random's ${random.toFixed(4)}`);
	});

	it('grid search yields each point once, then stops', () => {
		const s = makeSearcher({ strategy: 'grid', space: { a: { choice: [1, 2] }, b: { choice: ['x', 'y', 'z'] } }, trials: 100 }, 1);
		const seen: Params[] = [];
		for (let p = s.next([]); p; p = s.next([])) seen.push(p);
		assert.equal(seen.length, 6);
	});
});

describe('pruning', () => {
	it('the median rule stops trials whose values are below (worse than) the median', () => {
		const p = new MedianPruner(2, 3);
		// Three finished trials with losses 1.0, 0.8, 0.6 at every epoch.
		[1.0, 0.8, 0.6].forEach((v, t) => {
			for (let e = 1; e <= 5; e++) assert.equal(p.report(t, e, v), false);
			p.complete(t);
		});
		assert.equal(p.report(10, 1, 5), false, 'warm-up epochs are never pruned');
		assert.equal(p.report(10, 2, 5), false);
		assert.equal(p.report(10, 3, 0.9), true, '0.9 is worse than the median 0.8');
		assert.equal(p.report(11, 3, 0.7), false, '0.7 is better than the median');
	});

	it('successive halving keeps the best 1/η at each rung', () => {
		const sh = new SuccessiveHalving(1, 3);
		assert.deepEqual(sh.rungEpochs(30), [1, 3, 9, 27]);
		assert.equal(sh.report(0, 1, 0.5), false, 'fewer than η trials at the rung: continue');
		assert.equal(sh.report(1, 1, 0.4), false);
		assert.equal(sh.report(2, 1, 0.9), true, 'third arrival, worst of three: stopped');
		assert.equal(sh.report(3, 1, 0.1), false, 'best so far: continues');
		assert.equal(sh.report(0, 2, 0.4), false, 'epochs between rungs never prune');
	});
});

describe('apply best', () => {
	const text = [
		'# sweep config',
		'model:',
		'  layers:',
		'    - type: dense',
		'      units: 16   # width',
		'      activation: relu',
		'training:',
		'  loss: meanSquaredError',
		'  optimizer: adam',
		'  batchSize: 32',
		'',
	].join('\n');

	it('writes values into the config, keeping comments and layout', () => {
		const out = applyParams(text, { 'model.layers[0].units': 64, 'training.batchSize': 16, 'training.optimizer.learningRate': 0.003 });
		assert.equal(
			out,
			[
				'# sweep config',
				'model:',
				'  layers:',
				'    - type: dense',
				'      units: 64   # width',
				'      activation: relu',
				'training:',
				'  loss: meanSquaredError',
				'  optimizer: {type: adam, learningRate: 0.003}',
				'  batchSize: 16',
				'',
			].join('\n'),
		);
	});

	it('adds keys that the config does not have yet', () => {
		const out = applyParams(text, { 'training.epochs': 80 });
		assert.match(out, /\n  batchSize: 32\n  epochs: 80\n$/);
	});
});
