/**
 * examples/rentals.model.yaml: a regression on a table with a date column. The weekday effect is
 * only in the date, so the `date` step is what lets the network learn it: with the step the test
 * R² is high, with the date column dropped (same data, network and seed) it stays far lower.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runJob } from '../../engine/runtime/job';
import type { Preprocessing } from '../../engine/runtime/data/preprocess';

const ROOT = path.join(__dirname, '..', '..');
const CONFIG = path.join(ROOT, 'examples', 'rentals.model.yaml');

describe('examples/rentals.model.yaml (a date column)', function () {
	this.timeout(240_000);
	const runs = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-rentals-'));
	after(() => fs.rmSync(runs, { recursive: true, force: true }));

	it('the date step turns the weekday and season into numbers: test R² ≥ 0.9, and ≤ 0.75 with the date dropped', async () => {
		const r = await runJob({ configPath: CONFIG, runsDir: runs, backend: 'wasm' }, () => {});
		assert.ok(r.status === 'completed' || r.status === 'stopped', r.message);
		assert.equal(r.evaluation!.split, 'test');
		const withDate = r.evaluation!.metrics.r2!;
		const pre = JSON.parse(fs.readFileSync(path.join(r.runDir!, 'model', 'preprocessing.json'), 'utf8')) as Preprocessing;
		assert.deepEqual(pre.inputs.slice(0, 5), [
			'date.year',
			'date.dayOfYear.sin',
			'date.dayOfYear.cos',
			'date.weekday.sin',
			'date.weekday.cos',
		]);

		// The same config with the date column dropped, written beside the example so its data path resolves.
		const text = fs.readFileSync(CONFIG, 'utf8').replace(/step: date\n\s+parts: .*\n\s+cyclical: true\n/, 'step: drop\n');
		assert.match(text, /date:\n\s+step: drop\n/);
		const dropped = path.join(ROOT, 'examples', `.rentals-no-date-${process.pid}.model.yaml`);
		fs.writeFileSync(dropped, text);
		try {
			const n = await runJob({ configPath: dropped, runsDir: runs, backend: 'wasm' }, () => {});
			assert.ok(n.status === 'completed' || n.status === 'stopped', n.message); // stopped: early stopping
			const withoutDate = n.evaluation!.metrics.r2!;
			assert.ok(withDate >= 0.9, `R² with the date step ${withDate}`);
			assert.ok(withoutDate <= 0.75, `R² without the date ${withoutDate}`);
		} finally {
			fs.rmSync(dropped, { force: true });
		}
	});
});
