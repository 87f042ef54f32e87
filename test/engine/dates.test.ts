/**
 * The `date` step in the engine: a tiny CSV with a date column trained end to end (runJob, real
 * tfjs), the stored preprocessing (elapsed origin from the training split), predict and serve
 * expanding dates as training did, and the located refusals (ambiguous order, not a date).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runJob } from '../../engine/runtime/job';
import { predictRows } from '../../engine/runtime/runs';
import { encodeRows } from '../../engine/runtime/serve';
import { prepareData } from '../../engine/runtime/data/prepare';
import { transformRow, type Preprocessing } from '../../engine/runtime/data/preprocess';
import { validateText } from '../../engine/core/config/validate';
import { tempDir } from '../helpers/cli';

/** 24 days from 2024-02-20 (across 29 February); the label is whether the day is a weekend. */
function csv(dates: Record<number, string> = {}): string {
	const lines = ['when,x,weekend'];
	for (let i = 0; i < 24; i++) {
		const d = new Date(Date.UTC(2024, 1, 20 + i));
		const day = d.getUTCDay();
		lines.push(`${dates[i] ?? d.toISOString().slice(0, 10)},${(i % 5) / 5},${day === 0 || day === 6 ? 1 : 0}`);
	}
	return lines.join('\n') + '\n';
}

const CONFIG = (prep: string, split = 'split: {validation: 0.25, shuffle: true}') => `name: dates
data:
  source: {type: csv, path: days.csv}
  label: weekend
  ${split}
  preprocessing:
${prep}
model:
  layers:
    - {type: dense, units: 4, activation: relu}
    - {type: dense, units: 1, activation: sigmoid}
training:
  loss: binaryCrossentropy
  epochs: 3
  batchSize: 8
`;

describe('date step: engine', function () {
	this.timeout(120_000);
	let tmp: string;
	beforeEach(() => {
		tmp = tempDir('mw-dates-');
	});
	afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

	const prepare = async (text: string, file = csv()) => {
		fs.writeFileSync(path.join(tmp, 'days.csv'), file);
		const v = validateText(text);
		assert.ok(v.resolved, JSON.stringify(v.diagnostics));
		return prepareData(v.resolved, { configDir: tmp });
	};

	it('trains on a CSV with a date column, stores the fitted step, and predict and serve expand dates as training did', async () => {
		const prep = '    when: {step: date, parts: [month, weekday], cyclical: true, elapsed: days}';
		fs.writeFileSync(path.join(tmp, 'days.csv'), csv());
		fs.writeFileSync(path.join(tmp, 'dates.model.yaml'), CONFIG(prep));
		const r = await runJob({ configPath: path.join(tmp, 'dates.model.yaml'), backend: 'cpu' }, () => undefined);
		assert.equal(r.status, 'completed', r.message);
		const pre = JSON.parse(fs.readFileSync(path.join(r.runDir!, 'model', 'preprocessing.json'), 'utf8')) as Preprocessing;
		const f = pre.features.find((x) => x.column === 'when')!;
		assert.equal(f.step, 'date');
		assert.deepEqual(pre.inputs.slice(0, 5), [
			'when.month.sin',
			'when.month.cos',
			'when.weekday.sin',
			'when.weekday.cos',
			'when.elapsedDays',
		]);
		assert.equal(pre.inputs.length, 6);
		// The origin is the earliest date of the training split only (validation rows do not move it).
		const d = await prepare(CONFIG(prep));
		const trainDates = d.indices.train.map((i) => Date.UTC(2024, 1, 20 + i));
		assert.equal(f.date!.origin, Math.min(...trainDates));
		assert.equal(d.preprocessing.features[0]!.date!.origin, f.date!.origin);
		// Row j of the training arrays holds its date's values: elapsed days from the origin, weekday as sin/cos.
		const j = 0;
		const day = d.indices.train[j]!;
		const x = d.train.x.subarray(j * 6, j * 6 + 6);
		const when = Date.UTC(2024, 1, 20 + day);
		const weekday = (new Date(when).getUTCDay() + 6) % 7;
		assert.ok(Math.abs(x[4]! - (when - f.date!.origin!) / 86_400_000) < 1e-6);
		assert.ok(Math.abs(x[2]! - Math.sin((2 * Math.PI * weekday) / 7)) < 1e-6);

		// predict: a new date (after training), expanded with the stored origin.
		const out = await predictRows(path.join(r.runDir!, 'model'), [{ when: '2024-04-01', x: 0.2 }]);
		assert.equal(out.predictions.length, 1);
		assert.ok([0, 1].includes(out.predictions[0]!.prediction as number));
		const row = new Float32Array(6);
		transformRow(pre.features, { when: '2024-04-01', x: 0.2 }, row, 0);
		// 1 April 2024: a Monday, month 4 (angle π/2), 41 days after 20 February 2024 at most.
		assert.deepEqual(
			Array.from(row.subarray(0, 4)).map((v) => Math.round(v * 1e6) / 1e6),
			[1, 0, 0, 1],
		);
		assert.equal(row[4], (Date.UTC(2024, 3, 1) - f.date!.origin!) / 86_400_000);
		// serve writes the same row, and refuses a date it cannot read with a 400 naming the field.
		assert.deepEqual(Array.from(encodeRows(pre, [{ when: '2024-04-01', x: 0.2 }])), Array.from(row));
		assert.throws(
			() => encodeRows(pre, [{ when: '01/04/2024', x: 0.2 }]),
			(e: Error & { status?: number }) => e.status === 400 && /day and month first/.test(e.message),
		);
		await assert.rejects(predictRows(path.join(r.runDir!, 'model'), [{ when: 'next week', x: 0.2 }]), /input row 1: .*not a date/);
	});

	it('data.scale applies to the date values as to numeric columns (fitted on training dates), never to sin/cos', async () => {
		const prep = '    when: {step: date, parts: [year, month, weekday], cyclical: true, elapsed: days}';
		const scaled = (kind: string) => CONFIG(prep).replace('  label: weekend', `  label: weekend\n  scale: ${kind}`);
		const raw = await prepare(CONFIG(prep));
		const std = await prepare(scaled('standardize'));
		const mm = await prepare(scaled('minMax'));
		const width = 7; // year, month sin/cos, weekday sin/cos, elapsed days, x
		const col = (d: typeof raw, i: number) => Array.from({ length: d.train.n }, (_, j) => d.train.x[j * width + i]!);
		const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
		// Raw: the year is 2024 and elapsed days run into the tens; both reach the network scaled.
		assert.ok(col(raw, 0).every((v) => v === 2024));
		assert.ok(Math.max(...col(raw, 5)) > 10);
		const elapsed = col(std, 5);
		assert.ok(Math.abs(mean(elapsed)) < 1e-5);
		assert.ok(Math.abs(Math.sqrt(mean(elapsed.map((v) => v * v))) - 1) < 1e-4);
		assert.ok(
			col(std, 0).every((v) => v === 0),
			'a constant year becomes 0, not NaN',
		);
		assert.equal(Math.min(...col(mm, 5)), 0);
		assert.equal(Math.max(...col(mm, 5)), 1);
		// sin/cos stay on the unit circle under both.
		for (const d of [std, mm]) for (const i of [1, 2, 3, 4]) assert.deepEqual(col(d, i), col(raw, i));
		// The fitted scale is stored with the step: a new row expands exactly as training rows do.
		const f = std.preprocessing.features[0]!;
		const row = new Float32Array(width);
		transformRow(std.preprocessing.features, { when: '2024-04-01', x: 0.2 }, row, 0);
		const days = (Date.UTC(2024, 3, 1) - f.date!.origin!) / 86_400_000;
		assert.ok(Math.abs(row[5]! - (days - f.date!.scale!.shift[5]!) / f.date!.scale!.div[5]!) < 1e-5);
		assert.deepEqual(f.date!.scale!.shift.slice(1, 5), [0, 0, 0, 0]);
	});

	it('refuses day-and-month-first dates under the default format, naming the lines and both readings; `format: dmy` reads them', async () => {
		const file = csv({ 3: '24/02/2024', 6: '27/02/2024' });
		await assert.rejects(prepare(CONFIG('    when: date'), file), (e: Error & { line?: number }) => {
			assert.match(e.message, /column `when` has 2 values \(line 5: "24\/02\/2024"; line 8: "27\/02\/2024"\) with the day and month first/);
			assert.match(e.message, /set the column's `format` to `dmy` or `mdy`/);
			assert.match(e.message, /`format: dmy` reads "24\/02\/2024" as 2024-02-24/);
			assert.equal(e.line, 5);
			return true;
		});
		const ok = await prepare(CONFIG('    when: {step: date, format: dmy}'), file);
		assert.equal(ok.summary.rows, 24);
	});

	it('a value that is not a date stops training with its line, or is a missing value (dropped, counted) with unparseable: missing', async () => {
		const file = csv({ 9: '2023-02-29', 12: 'n/a-ish' });
		await assert.rejects(prepare(CONFIG('    when: date'), file), (e: Error) => {
			assert.match(
				e.message,
				/column `when` has 2 values \(line 11: "2023-02-29"; line 14: "n\/a-ish"\) that are not dates under `format: iso`/,
			);
			assert.match(e.message, /`unparseable: missing`/);
			return true;
		});
		const d = await prepare(CONFIG('    when: {step: date, unparseable: missing, fillMissing: dropRow}'), file);
		assert.equal(d.summary.rows, 22);
		assert.deepEqual(d.summary.dropped, [{ reason: 'missing value in `when`', rows: 2, lines: [11, 14], unit: 'line' }]);
		// Filled instead: with the training median date, so every row is kept.
		const m = await prepare(CONFIG('    when: {step: date, unparseable: missing, fillMissing: median}'), file);
		assert.equal(m.summary.rows, 24);
		assert.equal(typeof m.preprocessing.features[0]!.fillValue, 'number');
	});
});
