/**
 * Issue #16: `modelwright serve` over real HTTP on a loopback port (valid rows, each kind of bad
 * input, micro-batching observed, auth, graceful shutdown of the CLI), permutation importance
 * ranking the features that matter first, and the model card of a real tiny run.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Evaluation } from '../../engine/core/records';
import { runJob } from '../../engine/runtime/job';
import { startServer, type ModelServer } from '../../engine/runtime/serve';
import { cliIn } from '../helpers/cli';

const ROOT = path.join(__dirname, '..', '..');

/** y is decided by `signal` and `color` only; `noise` carries nothing. A rare class has few rows. */
const CONFIG = `name: synthetic
seed: 5
data:
  source: {type: csv, path: data.csv}
  features: [signal, noise, color]
  label: y
  scale: standardize
  split: {validation: 0.1, test: 0.3}
model:
  layers:
    - {type: dense, units: 16, activation: relu}
    - {type: dense, units: 3, activation: softmax}
training:
  loss: sparseCategoricalCrossentropy
  optimizer: {type: adam, learningRate: 0.03}
  metrics: [accuracy]
  epochs: 40
  batchSize: 32
  checkpoint: {every: 0}
export:
  path: exported
`;

function request(
	url: string,
	opts: { method?: string; body?: string | Buffer; headers?: Record<string, string> } = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
	return new Promise((resolve, reject) => {
		const req = http.request(
			url,
			{ method: opts.method ?? (opts.body !== undefined ? 'POST' : 'GET'), headers: opts.headers, agent: false },
			(res) => {
				const parts: Buffer[] = [];
				res.on('data', (c: Buffer) => parts.push(c));
				res.on('end', () => {
					const text = Buffer.concat(parts).toString('utf8');
					try {
						resolve({ status: res.statusCode!, json: JSON.parse(text) as Record<string, unknown> });
					} catch {
						reject(new Error(`not JSON (${res.statusCode}): ${text}`));
					}
				});
			},
		);
		req.on('error', reject);
		req.end(opts.body);
	});
}

describe('modelwright serve, importance and the model card (issue #16)', function () {
	this.timeout(180_000);
	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-serve-'));
	let runDir = '';
	let evaluation: Evaluation;
	after(() => fs.rmSync(tmp, { recursive: true, force: true }));

	before(async () => {
		const lines = ['signal,noise,color,y'];
		let seed = 7;
		const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
		for (let i = 0; i < 600; i++) {
			const signal = rnd() * 2 - 1;
			const color = ['red', 'green', 'blue'][Math.floor(rnd() * 3)]!;
			// Class: the sign of signal, flipped for red; a few rows of a rare class.
			const y = i % 100 === 0 ? 'rare' : signal > 0 !== (color === 'red') ? 'up' : 'down';
			lines.push(`${signal.toFixed(4)},${(rnd() * 2 - 1).toFixed(4)},${color},${y}`);
		}
		fs.writeFileSync(path.join(tmp, 'data.csv'), `${lines.join('\n')}\n`);
		fs.writeFileSync(path.join(tmp, 's.model.yaml'), CONFIG);
		const r = await runJob({ configPath: path.join(tmp, 's.model.yaml') }, () => {});
		assert.equal(r.status, 'completed', r.message);
		runDir = r.runDir!;
		evaluation = r.evaluation!;
	});

	it('permutation importance ranks the features that decide y above the noise, written to evaluation.json', () => {
		const imp = evaluation.importance!;
		assert.ok(imp, 'importance missing');
		assert.equal(imp.metric, 'accuracy');
		assert.equal(imp.repeats, 5);
		assert.deepEqual(imp.features.map((f) => f.feature).slice(2), ['noise']);
		assert.deepEqual(new Set(imp.features.slice(0, 2).map((f) => f.feature)), new Set(['signal', 'color']));
		const [a, b, noise] = imp.features;
		assert.ok(a!.mean > 0.15 && b!.mean > 0.15, JSON.stringify(imp.features));
		assert.ok(Math.abs(noise!.mean) < 0.05, JSON.stringify(noise));
		// The one-hot group `color` (3 inputs) counts as one feature.
		assert.equal(imp.features.find((f) => f.feature === 'color')!.inputs, 3);
		const onDisk = JSON.parse(fs.readFileSync(path.join(runDir, 'evaluation.json'), 'utf8')) as Evaluation;
		assert.deepEqual(onDisk.importance, imp);
	});

	it('modelwright evaluate --json shows the importance (same seed: same figures)', async () => {
		const r = await cliIn(tmp, 'evaluate', 'latest', '--dir', 's.model.yaml', '--json');
		assert.equal(r.code, 0, r.err);
		const ev = JSON.parse(r.out) as Evaluation;
		assert.deepEqual(
			ev.importance!.features.map((f) => f.feature),
			evaluation.importance!.features.map((f) => f.feature),
		);
	});

	it('MODEL_CARD.md in the run model and the export: task, data, balance, preprocessing, architecture, training, metrics, limitations', () => {
		for (const dir of [path.join(runDir, 'model'), path.join(tmp, 'exported')]) {
			const card = fs.readFileSync(path.join(dir, 'MODEL_CARD.md'), 'utf8');
			assert.match(card, /^# Model card: synthetic$/m);
			assert.match(card, /predicts `y`, one of 3 classes \(multiclass classification\), from 3 features \(5 model inputs\)/);
			assert.match(card, /- Source: csv file `data\.csv`/);
			assert.match(card, /- Rows: 600/);
			assert.match(card, /\| rare \| \d \| \d\.\d%/);
			assert.match(card, /\| signal \| standardize \| \w+ \| mean -?\d/);
			assert.match(card, /\| color \| oneHot \| .* 3 categories: blue, green, red/);
			assert.match(card, /\| dense_?\w* \| Dense \| \[null,16\] \| 96 \|/);
			assert.match(card, /Total parameters: 147\./);
			assert.match(card, /- Optimizer: adam, learning rate 0\.03/);
			assert.match(card, /- Epochs: \d+ of 40, batch size 32/);
			assert.match(card, /On the test split \(180 rows\)\./);
			assert.match(card, /\| accuracy \| 0\.\d{4} \|/);
			assert.match(card, /### Per class[\s\S]*\| up \| [\d.]+ \| [\d.]+ \| [\d.]+ \| \d+ \|/);
			assert.match(card, /### Feature importance[\s\S]*\| noise \|/);
			assert.match(card, /1 class has fewer than 10 training rows.*: rare \(\d\)/);
			assert.match(card, /accept only the categories seen in training/);
		}
	});

	describe('the HTTP server', () => {
		let srv: ModelServer;
		const row = { signal: 0.5, noise: 0.1, color: 'green' };
		before(async () => {
			srv = await startServer(path.join(runDir, 'model'), { port: 0, maxRows: 50, maxBody: 4096, batchWindowMs: 2 });
		});
		after(() => srv.close());

		it('binds to 127.0.0.1 by default and predicts one row with class probabilities', async () => {
			assert.match(srv.url, /^http:\/\/127\.0\.0\.1:\d+$/);
			const r = await request(`${srv.url}/predict`, { body: JSON.stringify(row) });
			assert.equal(r.status, 200, JSON.stringify(r.json));
			const [p] = r.json.predictions as { prediction: string; probabilities: Record<string, number> }[];
			assert.equal(p!.prediction, 'up');
			assert.deepEqual(Object.keys(p!.probabilities).sort(), ['down', 'rare', 'up']);
			const total = Object.values(p!.probabilities).reduce((a, b) => a + b, 0);
			assert.ok(Math.abs(total - 1) < 1e-4);
		});

		it('predicts many rows in order; numeric strings are numbers', async () => {
			const rows = [row, { ...row, color: 'red' }, { signal: '-0.5', noise: 0, color: 'blue' }];
			const r = await request(`${srv.url}/predict`, { body: JSON.stringify({ rows }) });
			assert.equal(r.status, 200, JSON.stringify(r.json));
			assert.deepEqual(
				(r.json.predictions as { prediction: string }[]).map((p) => p.prediction),
				['up', 'down', 'down'],
			);
		});

		const bad: [string, string | Buffer, RegExp, string | undefined][] = [
			['missing column', JSON.stringify({ rows: [row, { signal: 1, color: 'red' }] }), /rows\[1\]\.noise is missing/, 'noise'],
			['unknown category', JSON.stringify({ ...row, color: 'purple' }), /"purple", not a known category of `color`/, 'color'],
			['text in a number', JSON.stringify({ ...row, signal: 'high' }), /row\.signal is "high", not a finite number/, 'signal'],
			['too many rows', JSON.stringify({ rows: Array.from({ length: 51 }, () => row) }), /51 rows in one request; at most 50/, 'rows'],
			['malformed JSON', '{"rows": [', /not valid JSON/, undefined],
			['a row that is not an object', JSON.stringify({ rows: [1] }), /rows is 1|row is 1/, undefined],
			['empty rows', JSON.stringify({ rows: [] }), /`rows` is empty/, 'rows'],
		];
		for (const [what, body, message, field] of bad)
			it(`400 with the field and what was expected: ${what}`, async () => {
				const r = await request(`${srv.url}/predict`, { body });
				assert.equal(r.status, 400, JSON.stringify(r.json));
				assert.match(String(r.json.error), message);
				if (field) assert.equal(r.json.field, field);
				assert.equal(typeof r.json.expected, 'string');
				assert.doesNotMatch(JSON.stringify(r.json), /\bat .*\.(ts|js):\d+/);
			});

		it('a body over the limit is refused (413), declared or streamed', async () => {
			const big = JSON.stringify({ rows: Array.from({ length: 40 }, () => ({ ...row, pad: 'x'.repeat(100) })) });
			const r = await request(`${srv.url}/predict`, { body: big });
			assert.equal(r.status, 413);
			assert.match(String(r.json.error), /at most 4096/);
		});

		it('GET /health, /model (inputs, categories, classes, metrics) and /openapi.json', async () => {
			assert.equal((await request(`${srv.url}/health`)).json.status, 'ok');
			const m = (await request(`${srv.url}/model`)).json;
			assert.deepEqual(m.classes, ['down', 'rare', 'up']);
			assert.deepEqual(m.inputs, [
				{ name: 'signal', type: 'number', required: true, preprocessing: 'standardize' },
				{ name: 'noise', type: 'number', required: true, preprocessing: 'standardize' },
				{ name: 'color', type: 'category', categories: ['blue', 'green', 'red'], required: true, preprocessing: 'oneHot' },
			]);
			assert.equal(typeof (m.metrics as Record<string, number>).accuracy, 'number');
			const doc = (await request(`${srv.url}/openapi.json`)).json;
			assert.match(String(doc.openapi), /^3\./);
			assert.ok((doc.paths as Record<string, unknown>)['/predict']);
			assert.equal((await request(`${srv.url}/nothing`)).status, 404);
			assert.equal((await request(`${srv.url}/predict`)).status, 405);
		});

		it('concurrent requests share model calls (micro-batching)', async () => {
			const before = { calls: srv.batcher.calls, requests: srv.batcher.requests };
			const rs = await Promise.all(Array.from({ length: 40 }, () => request(`${srv.url}/predict`, { body: JSON.stringify(row) })));
			assert.ok(rs.every((r) => r.status === 200));
			const calls = srv.batcher.calls - before.calls;
			assert.equal(srv.batcher.requests - before.requests, 40);
			assert.ok(calls < 40, `40 requests took ${calls} model calls`);
			const h = (await request(`${srv.url}/health`)).json;
			assert.equal(h.requests, srv.batcher.requests);
		});
	});

	it('--token: 401 without or with a wrong bearer token, 200 with it', async () => {
		const srv = await startServer(path.join(runDir, 'model'), { port: 0, token: 's3cret' });
		try {
			const body = JSON.stringify({ signal: 1, noise: 0, color: 'red' });
			assert.equal((await request(`${srv.url}/predict`, { body })).status, 401);
			assert.equal((await request(`${srv.url}/health`, { headers: { authorization: 'Bearer wrong' } })).status, 401);
			assert.equal((await request(`${srv.url}/predict`, { body, headers: { authorization: 'Bearer s3cret' } })).status, 200);
		} finally {
			await srv.close();
		}
	});

	it('the CLI prints the URL, finishes an in-flight request on SIGTERM and exits 0', async function () {
		// Like the other CLI tests: a missing build is a failure, never a silent skip.
		if (!fs.existsSync(path.join(ROOT, 'dist', 'cli.js'))) throw new Error('dist/cli.js missing: run `npm run build` before the tests');
		const child = spawn(
			process.execPath,
			[path.join(ROOT, 'bin', 'modelwright.js'), 'serve', 'latest', '--port', '0', '--batch-window', '300'],
			{
				cwd: tmp,
				stdio: ['ignore', 'pipe', 'pipe'],
			},
		);
		let out = '';
		child.stdout.on('data', (c: Buffer) => (out += c.toString()));
		child.stderr.on('data', (c: Buffer) => (out += c.toString()));
		const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
		const deadline = Date.now() + 60_000;
		while (!/http:\/\/127\.0\.0\.1:\d+/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
		const url = /http:\/\/127\.0\.0\.1:\d+/.exec(out)![0];
		// The 300 ms batch window keeps this request in flight while the signal arrives.
		const inFlight = request(`${url}/predict`, { body: JSON.stringify({ signal: 1, noise: 0, color: 'blue' }) });
		await new Promise((r) => setTimeout(r, 100));
		child.kill('SIGTERM');
		const r = await inFlight;
		assert.equal(r.status, 200);
		assert.equal(await exited, 0, out);
		assert.match(out, /SIGTERM: finishing in-flight requests/);
	});
});
