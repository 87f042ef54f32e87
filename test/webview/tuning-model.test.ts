/** The trials table's ranking (pure, no browser): pruned partial scores never outrank k-fold means (issue #17). */
import * as assert from 'node:assert/strict';
import type { TrialView } from '../../webviews/protocol';
import { shortParamLabels, sortTrials } from '../../webviews/tuning/model';

describe('webview: tuning model ranking', () => {
	const trials: TrialView[] = [
		{ number: 1, params: {}, status: 'completed', score: 0.7333, std: 0.02 },
		{ number: 2, params: {}, status: 'pruned', score: 0.75, std: 0 },
		{ number: 3, params: {}, status: 'completed', score: 0.7, std: 0.01 },
		{ number: 4, params: {}, status: 'failed' },
	];
	it('ranks completed trials by score in both directions; a pruned one sorts with the unscored', () => {
		assert.deepEqual(
			sortTrials(trials, { key: 'score', dir: 'desc' }).map((t) => t.number),
			[1, 3, 2, 4],
		);
		assert.deepEqual(
			sortTrials(trials, { key: 'score', dir: 'asc' }).map((t) => t.number),
			[3, 1, 2, 4],
		);
	});
});

describe('webview: tuning parameter labels', () => {
	it('the last path segment, longer only where two would read the same', () => {
		const keys = ['training.optimizer.learningRate', 'model.layers[0].units', 'training.batchSize', 'model.layers[2].units', 'seed'];
		assert.deepEqual([...shortParamLabels(keys).values()], ['learningRate', 'layers[0].units', 'batchSize', 'layers[2].units', 'seed']);
	});
});
