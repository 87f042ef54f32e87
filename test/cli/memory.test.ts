/** Memory bombs and absurd overrides are refused before anything is allocated (issue #11, item 7). */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'modelwright.js');
const cli = (args: string[], cwd = ROOT, env: NodeJS.ProcessEnv = {}) => {
	const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } });
	return { code: r.status, out: r.stdout + r.stderr };
};

describe('CLI: memory budget and override ranges', () => {
	let tmp: string;
	before(() => {
		tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-mem-'));
		fs.copyFileSync(path.join(ROOT, 'test/fixtures/diagnostics/memory.model.yaml'), path.join(tmp, 'bomb.model.yaml'));
		fs.copyFileSync(path.join(ROOT, 'examples/linear-regression.model.yaml'), path.join(tmp, 'lin.model.yaml'));
	});
	after(() => fs.rmSync(tmp, { recursive: true, force: true }));

	it('validate refuses units: 1e9 with MW233 at the value, naming the estimate and the budget', () => {
		const r = cli(['validate', 'bomb.model.yaml'], tmp);
		assert.equal(r.code, 1, r.out);
		assert.match(r.out, /bomb\.model\.yaml:7:14 error MW233 Training this config needs about [\d.]+ GB .*more than the memory budget/);
	});

	it('a tuning range whose largest trial exceeds the budget is MW233 at that range, naming the trial; the base config alone fits', () => {
		const text = `name: sweep
data:
  source: {type: linear, samples: 100}
model:
  layers:
    - {type: dense, units: 8}
    - {type: dense, units: 1}
tuning:
  trials: 2
  space:
    model.layers[0].units: {int: [4, 20000000]}
    training.batchSize: {choice: [8, 16]}
training:
  loss: meanSquaredError
`;
		fs.writeFileSync(path.join(tmp, 'sweep.model.yaml'), text);
		const r = cli(['validate', 'sweep.model.yaml', '--max-memory', '256'], tmp);
		assert.equal(r.code, 1, r.out);
		const lines = r.out.split('\n').filter((l) => / error /.test(l));
		assert.equal(lines.length, 1, r.out);
		assert.match(
			lines[0]!,
			/sweep\.model\.yaml:11:34 error MW233 The trial with `model\.layers\[0\]\.units` = 20000000 would need about [\d.]+ [MG]B, more than the memory budget of 256 MB/,
		);
		// Under a budget the largest trial fits, the sweep validates clean.
		assert.equal(cli(['validate', 'sweep.model.yaml', '--max-memory', '100000'], tmp).code, 0);
	});

	it('train refuses it before allocating (exit 2, no run folder)', () => {
		const r = cli(['train', 'bomb.model.yaml'], tmp);
		assert.equal(r.code, 2, r.out);
		assert.match(r.out, /MW233|memory budget/);
		assert.ok(
			!fs.existsSync(path.join(tmp, '.modelwright', 'runs')) || fs.readdirSync(path.join(tmp, '.modelwright', 'runs')).length === 0,
		);
	});

	it('--max-memory and MODELWRIGHT_MAX_MEMORY_MB move the budget both ways', () => {
		assert.equal(cli(['validate', 'lin.model.yaml', '--max-memory', '0.001'], tmp).code, 1);
		assert.equal(cli(['validate', 'lin.model.yaml'], tmp, { MODELWRIGHT_MAX_MEMORY_MB: '0.001' }).code, 1);
		assert.equal(cli(['validate', 'lin.model.yaml', '--max-memory=1024'], tmp).code, 0);
		assert.equal(cli(['validate', 'lin.model.yaml', '--max-memory', 'lots'], tmp).code, 2);
	});

	it('--epochs obeys the schema range (exit 2)', () => {
		const e = cli(['train', 'lin.model.yaml', '--epochs', '1000000000'], tmp);
		assert.equal(e.code, 2, e.out);
		assert.match(e.out, /--epochs must be ≥ 1 and ≤ 1000000 \(as training\.epochs in a config\), got 1000000000/);
		assert.equal(cli(['train', 'lin.model.yaml', '--epochs', '1000001'], tmp).code, 2);
	});

	it('cv and tune hold their overrides to the same schema ranges (exit 2)', () => {
		const refused = (args: string[], message: RegExp) => {
			const r = cli(args, tmp);
			assert.equal(r.code, 2, r.out);
			assert.match(r.out, message);
		};
		refused(
			['cv', 'lin.model.yaml', '--epochs', '1000001'],
			/--epochs must be ≥ 1 and ≤ 1000000 \(as training\.epochs in a config\), got 1000001/,
		);
		refused(['cv', 'lin.model.yaml', '--folds', '101'], /--folds must be ≥ 2 and ≤ 100 \(as data\.split\.folds in a config\), got 101/);
		refused(['cv', 'lin.model.yaml', '--folds', '1'], /--folds must be ≥ 2 and ≤ 100/);
		refused(
			['tune', 'lin.model.yaml', '--trials', '1000000000'],
			/--trials must be ≥ 1 and ≤ 100000 \(as tuning\.trials in a config\), got 1000000000/,
		);
		refused(['tune', 'lin.model.yaml', '--workers', '65'], /--workers must be ≥ 1 and ≤ 64 \(as tuning\.workers in a config\), got 65/);
	});
});
