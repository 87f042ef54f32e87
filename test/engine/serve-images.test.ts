/**
 * Image models after training (issue #15): `modelwright predict <run> <files|folders>` through the
 * built CLI, and `serve`'s POST /predict with base64 PNG/JPEG over real HTTP. A tiny conv net is
 * trained on generated shapes; every file's prediction must equal the model's output on the very
 * pixels training read for that file (the prepared split arrays), so decoding and resizing match.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as jpeg from 'jpeg-js';
import { validateConfig } from '../../engine/io/probe';
import { runJob } from '../../engine/runtime/job';
import { prepareData } from '../../engine/runtime/data/prepare';
import { decodeImage } from '../../engine/runtime/data/images';
import { writeShapes } from '../../engine/runtime/data/shapes';
import { loadExported } from '../../engine/runtime/export/tfjs';
import { startServer, type ModelServer } from '../../engine/runtime/serve';

const ROOT = path.join(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'modelwright.js');

const CONFIG = `name: shapes
seed: 4
data:
  source: {type: images, path: data/shapes, imageSize: [10, 12], channels: 1}
  split: {validation: 0.2, test: 0.2}
model:
  layers:
    - {type: conv2d, filters: 4, kernelSize: 3, activation: relu}
    - {type: maxPooling2d, poolSize: 2}
    - {type: flatten}
    - {type: dense, units: 3, activation: softmax}
training:
  loss: categoricalCrossentropy
  optimizer: {type: adam, learningRate: 0.01}
  epochs: 2
  batchSize: 16
  checkpoint: {every: 0}
`;

function cli(cwd: string, ...args: string[]) {
	const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 60_000, env: { ...process.env, LANG: 'C' } });
	return { code: r.status, out: r.stdout, err: r.stderr };
}

function post(url: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
	const text = typeof body === 'string' ? body : JSON.stringify(body);
	return new Promise((resolve, reject) => {
		const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, agent: false }, (res) => {
			const parts: Buffer[] = [];
			res.on('data', (c: Buffer) => parts.push(c));
			res.on('end', () =>
				resolve({ status: res.statusCode!, json: JSON.parse(Buffer.concat(parts).toString('utf8')) as Record<string, unknown> }),
			);
		});
		req.on('error', reject);
		req.end(text);
	});
}

type Probs = Record<string, number>;

describe('image models: predict (built CLI) and serve (HTTP)', function () {
	this.timeout(120_000);
	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-serve-images-'));
	let runDir = '';
	let modelDir = '';
	/** The model's probabilities on the pixels training read, by the file's path as the config names it. */
	const expected = new Map<string, number[]>();
	const classes = ['circle', 'square', 'triangle'];
	after(() => fs.rmSync(tmp, { recursive: true, force: true }));

	before(async () => {
		if (!fs.existsSync(path.join(ROOT, 'dist', 'cli.js'))) throw new Error('dist/cli.js missing: run `node esbuild.mjs` before the tests');
		writeShapes(path.join(tmp, 'data', 'shapes'), { samples: 45, size: 16, seed: 6, noise: 0.05 });
		const configPath = path.join(tmp, 'shapes.model.yaml');
		fs.writeFileSync(configPath, CONFIG);
		const r = await runJob({ configPath, backend: 'wasm' }, () => undefined);
		assert.equal(r.status, 'completed', r.message);
		runDir = r.runDir!;
		modelDir = path.join(runDir, 'model');
		const v = validateConfig(configPath, CONFIG);
		const data = await prepareData(v.resolved!, v.policy);
		const { model } = await loadExported(modelDir);
		for (const s of [data.train, data.validation!, data.test!]) {
			const y = tf.tidy(() => (model.predict(tf.tensor(s.x, [s.n, 10, 12, 1])) as tf.Tensor).arraySync() as number[][]);
			s.rows.forEach((row, i) => expected.set(path.normalize(String(row.image)), y[i]!));
		}
		model.dispose();
		assert.equal(expected.size, 45);
	});

	const near = (got: Probs, want: number[], what: string) =>
		classes.forEach((c, k) => assert.ok(Math.abs(got[c]! - want[k]!) < 1e-5, `${what}: p(${c}) ${got[c]} vs ${want[k]}`));
	const argmax = (p: number[]) => classes[p.indexOf(Math.max(...p))]!;

	it('predict <run> <file> <folder> gives each file the class and probabilities training-time pixels give', () => {
		const r = cli(
			tmp,
			'predict',
			runDir,
			path.join('data', 'shapes', 'circle', '0002.png'),
			path.join('data', 'shapes', 'square'),
			'--json',
		);
		assert.equal(r.code, 0, r.err);
		const out = JSON.parse(r.out) as { file: string; prediction: string; probabilities: Probs }[];
		assert.equal(out.length, 1 + 15);
		assert.equal(out[0]!.file, path.join('data', 'shapes', 'circle', '0002.png'));
		for (const p of out) {
			const want = expected.get(path.normalize(p.file));
			assert.ok(want, `${p.file} is one of the training folder's images`);
			near(p.probabilities, want, p.file);
			assert.equal(p.prediction, argmax(want));
		}
		// CSV: a header naming the classes, one line per file in name order (a folder per class searched too).
		const csv = cli(tmp, 'predict', runDir, 'data');
		assert.equal(csv.code, 0, csv.err);
		const lines = csv.out.trim().split('\n');
		assert.equal(lines[0], 'file,prediction,p(circle),p(square),p(triangle)');
		assert.equal(lines.length, 1 + 45);
		assert.match(lines[1]!, /^data[/\\]shapes[/\\]circle[/\\]0000\.png,(circle|square|triangle),0\.\d{4},/);
	});

	it('predict names a file it cannot use, and refuses table options on images', () => {
		fs.writeFileSync(path.join(tmp, 'broken.png'), 'not really a png');
		let r = cli(tmp, 'predict', runDir, 'broken.png');
		assert.notEqual(r.code, 0);
		assert.match(r.err, /broken\.png: not a PNG or JPEG image \(unknown file signature\)/);
		r = cli(tmp, 'predict', runDir, 'missing.png');
		assert.notEqual(r.code, 0);
		assert.match(r.err, /missing\.png: no such file or folder/);
		fs.mkdirSync(path.join(tmp, 'empty'));
		assert.match(cli(tmp, 'predict', runDir, 'empty').err, /empty: no \.png, \.jpg or \.jpeg files in this folder/);
		r = cli(tmp, 'predict', runDir, '--values', '1,2');
		assert.notEqual(r.code, 0);
		assert.match(r.err, /trained on images, not table rows: name image files or a folder/);
		assert.equal(cli(tmp, 'predict', runDir, 'data', '--values', '1').code, 2);
	});

	describe('serve', () => {
		let srv: ModelServer;
		const png = (f: string) => fs.readFileSync(path.join(tmp, f));
		const file = path.join('data', 'shapes', 'triangle', '0004.png');
		before(async () => {
			// Five concurrent requests fill a batch (maxBatchRows) and flush together, whatever the machine's load.
			srv = await startServer(modelDir, { port: 0, maxImages: 4, batchWindowMs: 300, maxBatchRows: 5 });
		});
		after(async () => srv.close());

		it('POST /predict takes base64 PNG (plain or a data: URL) and JPEG, one or many, batched across requests', async () => {
			const b64 = png(file).toString('base64');
			let r = await post(`${srv.url}/predict`, { image: b64 });
			assert.equal(r.status, 200, JSON.stringify(r.json));
			const [one] = r.json.predictions as { prediction: string; probabilities: Probs }[];
			near(one!.probabilities, expected.get(path.normalize(file))!, file);
			assert.equal(one!.prediction, argmax(expected.get(path.normalize(file))!));
			r = await post(`${srv.url}/predict`, { image: `data:image/png;base64,${b64}` });
			assert.deepEqual(r.json.predictions, [one]);
			// A JPEG of the same picture: decoded by its bytes; lossy, so only a valid prediction is asked of it.
			const rgba = decodeImage(png(file));
			const jpg = Buffer.from(jpeg.encode({ width: rgba.width, height: rgba.height, data: Buffer.from(rgba.data) }, 95).data);
			r = await post(`${srv.url}/predict`, { rows: [{ image: jpg.toString('base64') }, { image: b64 }] });
			assert.equal(r.status, 200, JSON.stringify(r.json));
			const two = r.json.predictions as { prediction: string; probabilities: Probs }[];
			assert.equal(two.length, 2);
			assert.ok(classes.includes(two[0]!.prediction));
			assert.ok(Math.abs(Object.values(two[0]!.probabilities).reduce((a, b) => a + b, 0) - 1) < 1e-5);
			assert.deepEqual(two[1], one);
			// Concurrent requests share model calls and each gets its own image's answer.
			const files = ['circle/0001.png', 'square/0003.png', 'triangle/0005.png', 'circle/0007.png', 'square/0009.png'].map((f) =>
				path.join('data', 'shapes', f),
			);
			const calls = srv.batcher.calls;
			const all = await Promise.all(files.map((f) => post(`${srv.url}/predict`, { image: png(f).toString('base64') })));
			all.forEach((res, i) => {
				assert.equal(res.status, 200, JSON.stringify(res.json));
				near((res.json.predictions as { probabilities: Probs }[])[0]!.probabilities, expected.get(path.normalize(files[i]!))!, files[i]!);
			});
			assert.ok(srv.batcher.calls - calls < files.length, `${srv.batcher.calls - calls} model calls for ${files.length} requests`);
		});

		it('bad images are a 400 naming the row and the field; the image count is limited', async () => {
			const good = png(file).toString('base64');
			// A PNG header claiming 20000×20000 pixels: refused from the header, nothing decoded.
			const huge = Buffer.from(png(file));
			huge.writeUInt32BE(20000, 16);
			huge.writeUInt32BE(20000, 20);
			const cases: [unknown, RegExp, string][] = [
				[{ image: 5 }, /^row\.image is 5, not base64 text\.$/, 'image'],
				[{ image: '***' }, /^row\.image is not base64/, 'image'],
				[{ picture: good }, /^row\.image is missing/, 'image'],
				[
					{ rows: [{ image: good }, { image: Buffer.from('hello').toString('base64') }] },
					/^rows\[1\]\.image: not a PNG or JPEG image/,
					'image',
				],
				[{ image: huge.toString('base64') }, /^row\.image: 20000×20000 pixels is more than 16 megapixels\.$/, 'image'],
				[{ rows: [good, good] }, /^rows\[0\] is "/, 'rows[0]'],
				[{ rows: Array.from({ length: 5 }, () => ({ image: good })) }, /^5 rows in one request; at most 4 are accepted\.$/, 'rows'],
			];
			for (const [body, message, field] of cases) {
				const r = await post(`${srv.url}/predict`, body);
				assert.equal(r.status, 400, JSON.stringify(r.json));
				assert.match(String(r.json.error), message);
				assert.equal(r.json.field, field);
			}
		});

		it("a request's images share a pixel budget: past it, a 413 naming the image, from its header", async () => {
			// 16×16 images are 256 pixels: a budget of 0.0006 megapixels takes two, not three.
			const small = await startServer(modelDir, { port: 0, maxImages: 4, maxRequestMegapixels: 0.0006 });
			try {
				const good = { image: png(file).toString('base64') };
				assert.equal((await post(`${small.url}/predict`, { rows: [good, good] })).status, 200);
				const r = await post(`${small.url}/predict`, { rows: [good, good, good] });
				assert.equal(r.status, 413, JSON.stringify(r.json));
				assert.match(
					String(r.json.error),
					/^rows\[2\]\.image: 16×16 pixels is more than .* megapixels \(a request's images may have 0\.0006 megapixels together\)\.$/,
				);
				assert.equal(r.json.field, 'image');
			} finally {
				await small.close();
			}
		});

		it('GET /model and /openapi.json describe the image input', async () => {
			const info = await new Promise<Record<string, unknown>>((resolve, reject) =>
				http.get(`${srv.url}/model`, (res) => {
					const parts: Buffer[] = [];
					res.on('data', (c: Buffer) => parts.push(c));
					res.on('end', () => resolve(JSON.parse(Buffer.concat(parts).toString('utf8')) as Record<string, unknown>));
					res.on('error', reject);
				}),
			);
			assert.deepEqual(info.image, { input: 'image', height: 10, width: 12, channels: 1, formats: ['png', 'jpeg'] });
			assert.deepEqual(info.classes, classes);
			const doc = await new Promise<{
				components: { schemas: { Row: { properties: Record<string, { format?: string }>; required: string[] } } };
			}>((resolve) =>
				http.get(`${srv.url}/openapi.json`, (res) => {
					const parts: Buffer[] = [];
					res.on('data', (c: Buffer) => parts.push(c));
					res.on('end', () => resolve(JSON.parse(Buffer.concat(parts).toString('utf8'))));
				}),
			);
			assert.equal(doc.components.schemas.Row.properties.image!.format, 'byte');
			assert.deepEqual(doc.components.schemas.Row.required, ['image']);
		});
	});
});
