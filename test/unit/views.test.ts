/**
 * The panels' view models built from real run folders (the seed example trained by the engine);
 * the architecture view is the server's (test/unit/server/architecture.test.ts).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runJob } from '../../engine/runtime/job';
import { comparisonView, evaluationView, flatten, isThumbnailPng, runSeries } from '../../client/src/views';
import { encodePng } from '../../engine/runtime/data/images';

const ROOT = path.join(__dirname, '..', '..');

describe('panel view models', function () {
	this.timeout(120_000);
	let runsDir: string;
	const dirs: string[] = [];

	before(async () => {
		runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-views-'));
		const config = path.join(ROOT, 'examples', 'linear-regression.model.yaml');
		for (const epochs of [12, 20]) {
			const r = await runJob({ configPath: config, runsDir, backend: 'cpu', overrides: { epochs } }, () => {});
			assert.equal(r.status, 'completed', r.message);
			dirs.push(r.runDir!);
		}
	});

	it('reads a run folder into columnar series', () => {
		const s = runSeries(dirs[0]!)!;
		assert.equal(s.status, 'completed');
		assert.deepEqual(
			s.epochs,
			Array.from({ length: 12 }, (_, i) => i + 1),
		);
		assert.equal(s.series.loss!.length, 12);
		assert.equal(s.series.val_loss!.length, 12);
		assert.ok(s.series.loss![11]! < s.series.loss![0]!, 'the loss falls');
	});

	it('builds the evaluation view of a regression run with its predictions', () => {
		const v = evaluationView(dirs[1]!)!;
		assert.equal(v.task, 'regression');
		assert.equal(v.split, 'validation');
		assert.ok(
			v.metrics.some((m) => m.name === 'r2' && m.value !== null && m.value > 0.8),
			JSON.stringify(v.metrics),
		);
		assert.equal(v.regression!.actual.length, v.regression!.predicted.length);
		assert.equal(v.regression!.actual.length, 20, '20 validation rows of 100');
		assert.equal(v.regression!.feature?.name, 'x', 'the single feature, for the fitted line over the data');
		assert.equal(v.regression!.feature?.values.length, 20);
		assert.equal(v.regression!.label, 'y', "the label column (the linear source's default), to name the axes");
	});

	it('carries the permutation importance of a regression run (drop in R²) into the evaluation view', () => {
		const v = evaluationView(dirs[1]!)!;
		assert.equal(v.importance?.metric, 'r2');
		assert.equal(v.importance!.features.length, 1);
		const [x] = v.importance!.features;
		assert.equal(x!.name, 'x');
		assert.ok(x!.mean !== null && x!.mean > 0.5, JSON.stringify(x));
	});

	it('compares runs: only differing config keys, final metrics per run, both curves', () => {
		const c = comparisonView(dirs);
		assert.equal(c.runs.length, 2);
		assert.equal(c.curves.length, 2);
		const keys = c.configDiff.map((d) => d.key);
		assert.ok(!keys.includes('training.loss'), 'identical keys are left out');
		assert.ok(c.finalMetrics.some((m) => m.name === 'loss' && m.better === 'lower' && m.values.every((v) => v !== null)));
		// linear-regression.model.yaml evaluates on the validation split: its metrics are labelled so, not test_.
		const names = c.finalMetrics.map((m) => m.name);
		assert.ok(names.includes('val_mse'), names.join(', '));
		assert.ok(!names.some((n) => n.startsWith('test_')), names.join(', '));
	});

	it('flattens configs to dotted paths with list indexes', () => {
		assert.deepEqual(flatten({ a: { b: 1 }, layers: [{ type: 'dense', units: 2 }], f: ['x', 'y'] }), {
			'a.b': '1',
			'layers[0].type': 'dense',
			'layers[0].units': '2',
			f: '["x","y"]',
		});
	});
});

describe('evaluation view: misclassified thumbnails', () => {
	it('passes a small PNG and refuses a header claiming a huge image (a decode bomb for the webview)', () => {
		const small = encodePng(new Float32Array(16 * 16).fill(0.5), 16, 16, 1, 64).toString('base64');
		assert.ok(isThumbnailPng(small));
		const bomb = Buffer.from(encodePng(new Float32Array(4).fill(0), 2, 2, 1, 64));
		bomb.writeUInt32BE(20_000, 16);
		bomb.writeUInt32BE(20_000, 20);
		assert.equal(isThumbnailPng(bomb.toString('base64')), false);
		assert.equal(isThumbnailPng('iVBORw0KGgo'), false, 'a signature without a header');
	});
});
