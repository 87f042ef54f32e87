import * as assert from 'node:assert/strict';
import type { TuningConfig } from '../../engine/core/config/schema';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyParams, changeSummary, describeChanges } from '../../engine/core/tune/apply';
import { MedianPruner, SuccessiveHalving } from '../../engine/core/tune/pruning';
import { makeSearcher, type Observation } from '../../engine/core/tune/search';
import { dimensions, gridPoints, roundParams, roundToRange, trialCount, type Params } from '../../engine/core/tune/space';
import { validateText } from '../../engine/core/config/validate';
import { listConfigs } from '../helpers/fixtures';

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

	it("a trial's point depends on the seed, its number and the history, not on the order of the calls", () => {
		for (const strategy of ['random', 'bayesian'] as const) {
			const history: Observation[] = Array.from({ length: 10 }, (_, i) => {
				const params = makeSearcher({ strategy: 'random', space: SPACE, trials: 10 }, 1).next([], i + 1)!;
				return { params, score: objective(params) };
			});
			const inOrder = makeSearcher({ strategy, space: SPACE, trials: 20 }, 7);
			const expected = [11, 12, 13].map((n) => inOrder.next(history, n));
			const reversed = makeSearcher({ strategy, space: SPACE, trials: 20 }, 7);
			const got = [13, 12, 11].map((n) => reversed.next(history, n)).reverse();
			assert.deepEqual(got, expected, strategy);
			assert.notDeepEqual(expected[0], expected[1], `${strategy}: trials draw differently`);
		}
	});

	it('proposes continuous values at the precision their range implies', () => {
		const s = makeSearcher({ strategy: 'random', space: SPACE, trials: 50 }, 3);
		const h: Observation[] = [];
		for (let i = 0; i < 30; i++) {
			const p = s.next(h)!;
			h.push({ params: p, score: objective(p) });
			assert.equal(Number(p.lr), Number(Number(p.lr).toPrecision(3)), `log-uniform: 3 significant digits (${p.lr})`);
			assert.equal(Number(p.x), Number(Number(p.x).toFixed(2)), `uniform over a width of 2: steps of 0.01 (${p.x})`);
		}
		// The model-based search rounds too (its points come from the Parzen estimators).
		const tpe = makeSearcher({ strategy: 'bayesian', space: SPACE, trials: 50 }, 3);
		const p = tpe.next(h, 31)!;
		assert.equal(Number(p.lr), Number(Number(p.lr).toPrecision(3)));
		assert.equal(roundToRange({ param: { logUniform: [0.001, 0.1] } }, 0.04880909377334749), 0.0488);
		assert.equal(roundToRange({ param: { uniform: [0, 0.5] } }, 0.23456), 0.235);
		assert.equal(roundToRange({ param: { logUniform: [0.00123456, 0.1] } }, 0.0012301), 0.00123456, 'clamped to a bound with more digits');
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

	it('judges trial n only against trials up to n − lag, so parallel trials do not race', () => {
		const p = new MedianPruner(1, 2, 2);
		[1.0, 0.8, 0.6].forEach((v, i) => {
			for (let e = 1; e <= 3; e++) p.report(i + 1, e, v);
			p.complete(i + 1);
		});
		// Trial 4 ran beside trial 3 (lag 2): it sees trials 1 and 2 only (median 0.9), not 3.
		assert.equal(p.report(4, 2, 0.85), false, '0.85 beats the median 0.9 of trials 1–2');
		assert.equal(p.report(5, 2, 0.85), true, 'trial 5 sees trials 1–3: median 0.8');
		const sh = new SuccessiveHalving(1, 2, 2);
		sh.report(1, 1, 0.1);
		assert.equal(sh.report(2, 1, 0.9), false, 'trial 1 ran beside trial 2: not a rival at the rung');
		assert.equal(sh.report(3, 1, 0.9), true, 'trial 3 sees trial 1');
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

	it('rounds recorded draws and lists what changes, old → new', () => {
		const params = roundParams({
			'training.optimizer.learningRate': 0.04880909377334749,
			'model.layers[0].units': 32,
			'training.batchSize': 32,
		});
		assert.deepEqual(params, { 'training.optimizer.learningRate': 0.04881, 'model.layers[0].units': 32, 'training.batchSize': 32 });
		assert.equal(
			changeSummary(describeChanges(text, params)),
			'learningRate – → 0.04881, units 16 → 32, batchSize 32',
			'a key the shorthand optimizer lacks has no old value; unchanged values are listed once',
		);
	});

	it('keeps values a sweep tried exactly: choices and already-rounded draws are not cut to 4 digits', () => {
		const tried = { 'training.optimizer.learningRate': 0.12345, 'model.layers[0].dropout': 1005.37, 'training.batchSize': 64 };
		assert.deepEqual(roundParams(tried), tried);
		assert.deepEqual(
			roundParams({ a: 0.12345678901234 }, { a: { choice: [0.12345678901234, 0.5] } }),
			{ a: 0.12345678901234 },
			'a choice is what the user wrote',
		);
		assert.deepEqual(
			roundParams({ a: 1005.3712345678901 }, { a: { uniform: [1000, 1010] } }),
			{ a: 1005.4 },
			'a raw draw to its range (1/100 of the width)',
		);
	});

	it("the examples' search ranges stay inside what the config's own lints accept", () => {
		for (const file of listConfigs(path.join(__dirname, '..', '..', 'examples'))) {
			const text = fs.readFileSync(file, 'utf8');
			const v = validateText(text);
			for (const [key, param] of Object.entries(v.resolved?.tuning?.space ?? {})) {
				const bounds =
					'uniform' in param ? param.uniform : 'logUniform' in param ? param.logUniform : 'int' in param ? param.int : param.choice;
				for (const value of bounds) {
					const codes = validateText(applyParams(text, { [key]: value })).diagnostics.map((d) => d.code);
					const added = codes.filter((c) => !v.diagnostics.some((d) => d.code === c));
					assert.deepEqual(added, [], `${path.basename(file)}: ${key} = ${String(value)}`);
				}
			}
		}
	});

	it('adds keys that the config does not have yet', () => {
		const out = applyParams(text, { 'training.epochs': 80 });
		assert.match(out, /\n  batchSize: 32\n  epochs: 80\n$/);
	});
});
