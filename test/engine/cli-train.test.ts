/** CLI train/runs/predict/evaluate/export in-process through main(), and Ctrl+C on a real process. */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../engine/cli/main';
import { readRunSummary, readMetrics } from '../../engine/io/store';

const ROOT = path.join(__dirname, '..', '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-cli-'));
// Only the configs: a developer's own runs (examples/.modelwright) must not leak into the test.
for (const f of fs.readdirSync(path.join(ROOT, 'examples')).filter((n) => n.endsWith('.model.yaml')))
	fs.copyFileSync(path.join(ROOT, 'examples', f), path.join(tmp, f));

async function cli(...args: string[]) {
	let out = '';
	let err = '';
	const code = await main(args, {
		out: (t) => {
			out += `${t}\n`;
		},
		err: (t) => {
			err += `${t}\n`;
		},
		isTTY: false,
		cwd: tmp,
	});
	return { code, out, err };
}

describe('CLI: train, runs, predict, evaluate, export', function () {
	this.timeout(120_000);
	after(() => fs.rmSync(tmp, { recursive: true, force: true }));

	it('train prints the learned weight ≈ 2 and bias ≈ 0 and where the run was written', async () => {
		const r = await cli('train', 'linear-regression.model.yaml');
		assert.equal(r.code, 0, r.err);
		const m = /Learned weight: (-?[\d.]+)\s+bias: (-?[\d.]+)/.exec(r.out);
		assert.ok(m, r.out);
		assert.ok(Math.abs(Number(m[1]) - 2) < 0.1 && Math.abs(Number(m[2])) < 0.3, m[0]);
		assert.match(r.out, /^Run written to \.modelwright\/runs\/\d{8}-\d{6}-linear-regression$/m);
		assert.match(r.out, /^epoch 50\/50 {2}loss /m);
	});

	it('every example trains (few epochs) and the iris run predicts and evaluates', async () => {
		for (const f of ['iris', 'spirals', 'tuning']) {
			const r = await cli('train', `${f}.model.yaml`, '--epochs', '3', '--backend', 'cpu');
			assert.equal(r.code, 0, `${f}: ${r.err}`);
		}
		const list = await cli('runs', 'list');
		assert.equal(list.out.trim().split('\n').length, 4, list.out);
		const iris = (await cli('runs', 'list', '--json')).out;
		const irisRun = (JSON.parse(iris) as { dir: string; name: string }[]).find((r) => r.name === 'iris-mlp')!;
		const p = await cli('predict', irisRun.dir, '--values', '5.1,3.5,1.4,0.2');
		assert.equal(p.code, 0, p.err);
		assert.match(p.out, /^sepalLength,sepalWidth,petalLength,petalWidth,prediction\n5\.1,3\.5,1\.4,0\.2,(setosa|versicolor|virginica)\n$/);
		fs.writeFileSync(path.join(tmp, 'rows.csv'), 'sepalLength,sepalWidth,petalLength,petalWidth\n5.1,3.5,1.4,0.2\n6.7,3.0,5.2,2.3\n');
		const pc = await cli('predict', irisRun.dir, '--input', 'rows.csv', '--json');
		assert.equal(JSON.parse(pc.out).length, 2);
		const e = await cli('evaluate', irisRun.dir);
		assert.equal(e.code, 0, e.err);
		assert.match(e.out, /on test \(30 rows\)/);
		assert.match(e.out, /confusion matrix/);
		const x = await cli('export', irisRun.dir, '--out', 'out/iris');
		assert.equal(x.code, 0, x.err);
		for (const f of ['model.json', 'weights.bin', 'preprocessing.json', 'config.yaml', 'MODEL_CARD.md'])
			assert.ok(fs.existsSync(path.join(tmp, 'out', 'iris', f)), f);
		const d = await cli('runs', 'delete', irisRun.dir);
		assert.equal(d.code, 0);
		assert.ok(!fs.existsSync(irisRun.dir));
	});

	it('an invalid config prints diagnostics like validate and exits 2; bad flags exit 2', async () => {
		fs.writeFileSync(
			path.join(tmp, 'bad.model.yaml'),
			'data: {source: {type: linear}}\nmodel: {layers: [{type: dense, untis: 1}]}\ntraining: {loss: meanSquaredError}\n',
		);
		const r = await cli('train', 'bad.model.yaml');
		assert.equal(r.code, 2);
		assert.match(r.err, /^bad\.model\.yaml:2:\d+ error MW\d{3} /m);
		assert.equal((await cli('train', 'linear-regression.model.yaml', '--backend', 'gpu')).code, 2);
		assert.equal((await cli('train', 'linear-regression.model.yaml', '--epochs', '-1')).code, 2);
		const tfn = await cli('train', 'linear-regression.model.yaml', '--backend', 'tensorflow');
		assert.equal(tfn.code, 1);
		assert.match(tfn.err, /@tensorflow\/tfjs-node/);
	});

	it('--json prints one event per line', async () => {
		const r = await cli('train', 'linear-regression.model.yaml', '--json', '--epochs', '4');
		const lines = r.out
			.trim()
			.split('\n')
			.map((l) => JSON.parse(l) as { method: string });
		assert.equal(lines[0]!.method, 'job/started');
		assert.equal(lines.at(-1)!.method, 'job/finished');
		assert.equal(lines.filter((l) => l.method === 'job/epochEnd').length, 4);
	});

	it('Ctrl+C (SIGINT) stops at a batch boundary: exit 130 and a consistent cancelled run', async () => {
		const cfg = path.join(tmp, 'long.model.yaml');
		fs.writeFileSync(
			cfg,
			fs
				.readFileSync(path.join(tmp, 'spirals.model.yaml'), 'utf8')
				.replace('epochs: 200', 'epochs: 5000')
				.replace('name: spirals', 'name: long'),
		);
		const child = spawn(
			process.execPath,
			['-r', require.resolve('tsx/cjs'), path.join(ROOT, 'test', 'engine', 'fixtures', 'cli-child.ts'), 'train', cfg],
			{
				cwd: tmp,
				stdio: ['ignore', 'pipe', 'pipe'],
			},
		);
		let out = '';
		child.stderr.on('data', (d: Buffer) => {
			out += d.toString();
		});
		child.stdout.on('data', (d: Buffer) => {
			out += d.toString();
			// Plain output prints epoch 1 first; interrupt once training is under way.
			if (/epoch\s+1\//.test(out) && !child.killed) setTimeout(() => child.kill('SIGINT'), 300);
		});
		const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
		assert.equal(code, 130, out);
		const dir = /Run written to (.+)$/m.exec(out)![1]!;
		const s = readRunSummary(path.join(tmp, dir))!;
		assert.equal(s.status, 'cancelled');
		assert.equal(readMetrics(path.join(tmp, dir)).length, s.epochs.completed);
		assert.ok(s.epochs.completed >= 1);
		// --resume finishes the cancelled run in the same folder.
		const target = s.epochs.completed + 2;
		const r = await cli('train', 'long.model.yaml', '--resume', path.join(tmp, dir), '--epochs', String(target));
		assert.equal(r.code, 0, r.err);
		assert.equal(readRunSummary(path.join(tmp, dir))!.status, 'completed');
		assert.equal(readMetrics(path.join(tmp, dir)).length, target);
	});
});
