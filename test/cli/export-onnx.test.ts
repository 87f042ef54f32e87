/**
 * ONNX through the built bundle (dist/cli.js, where onnx-proto and protobufjs are bundled by esbuild):
 * `export.formats: [tfjs, onnx]` in training, `modelwright export --format`, the model card's ONNX
 * section, and the file run by ONNX Runtime (a dev-only dependency, never bundled).
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { tempDir } from '../helpers/cli';

const ROOT = path.join(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'modelwright.js');

function cli(cwd: string, ...args: string[]) {
	const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
	return { code: r.status, out: r.stdout, err: r.stderr };
}

const CONFIG = `name: shop
seed: 3
data:
  source:
    type: inline
    rows:
${Array.from({ length: 40 }, (_, i) => `      - {size: ${['S', 'M', 'L'][i % 3]}, weight: ${i % 7 === 0 ? 'null' : (10 + ((i * 37) % 50)).toString()}, label: ${i % 3 === 0 ? 'no' : 'yes'}}`).join('\n')}
  label: label
  scale: standardize
  preprocessing:
    weight: {fillMissing: mean}
  split: {validation: 0.25}
model:
  layers:
    - {type: dense, units: 4, activation: relu}
    - {type: dense, units: 2, activation: softmax}
training:
  loss: categoricalCrossentropy
  optimizer: {type: adam, learningRate: 0.01}
  epochs: 2
  batchSize: 8
  checkpoint: {every: 0}
export:
  formats: [tfjs, onnx]
  path: exported
`;

describe('ONNX export through the CLI bundle', function () {
	this.timeout(120_000);
	let dir: string;
	before(() => {
		if (!fs.existsSync(path.join(ROOT, 'dist', 'cli.js'))) throw new Error('dist/cli.js missing: run `npm run build` before the tests');
		dir = tempDir('mw-onnx-cli-');
		fs.writeFileSync(path.join(dir, 'shop.model.yaml'), CONFIG);
	});
	after(() => fs.rmSync(dir, { recursive: true, force: true }));

	it('train with export.formats [tfjs, onnx] writes model.onnx to the run and to export.path, with its card section', async () => {
		const r = cli(dir, 'train', 'shop.model.yaml');
		assert.equal(r.code, 0, r.out + r.err);
		for (const f of ['model.json', 'weights.bin', 'model.onnx', 'MODEL_CARD.md'])
			assert.ok(fs.existsSync(path.join(dir, 'exported', f)), f);
		const card = fs.readFileSync(path.join(dir, 'exported', 'MODEL_CARD.md'), 'utf8');
		assert.match(card, /## ONNX/);
		assert.match(card, /\| size \| string \| \[N, 1\] \| "" \|/);
		assert.match(card, /\| weight \| double \| \[N, 1\] \| NaN \|/);
		const session = await ort.InferenceSession.create(fs.readFileSync(path.join(dir, 'exported', 'model.onnx')));
		assert.deepEqual([...session.inputNames].sort(), ['size', 'weight']);
		const res = await session.run({
			size: new ort.Tensor('string', ['S', 'L', ''], [3, 1]),
			weight: new ort.Tensor('float64', Float64Array.from([12, NaN, 40]), [3, 1]),
		});
		const scores = res.scores!.data as Float32Array;
		assert.deepEqual(res.scores!.dims, [3, 2]);
		for (let i = 0; i < 3; i++) assert.ok(Math.abs(scores[2 * i]! + scores[2 * i + 1]! - 1) < 1e-5, 'softmax rows sum to 1');
		for (const p of res.prediction!.data as string[]) assert.ok(p === 'yes' || p === 'no', String(p));
		await session.release();
	});

	it('export --format onnx writes only the ONNX model; --format tfjs removes it again; a bad format is a usage error', () => {
		let r = cli(dir, 'export', 'latest', '--dir', '.', '--out', 'onnx-only', '--format', 'onnx');
		assert.equal(r.code, 0, r.out + r.err);
		assert.match(r.out, /Exported onnx to onnx-only/);
		const files = fs.readdirSync(path.join(dir, 'onnx-only'));
		assert.ok(files.includes('model.onnx') && files.includes('MODEL_CARD.md') && files.includes('preprocessing.json'), files.join());
		assert.ok(!files.includes('model.json') && !files.includes('weights.bin'), files.join());
		assert.match(fs.readFileSync(path.join(dir, 'onnx-only', 'MODEL_CARD.md'), 'utf8'), /## ONNX[\s\S]*opset 17, IR version 8/);

		r = cli(dir, 'export', 'latest', '--dir', '.', '--out', 'onnx-only', '--format', 'tfjs');
		assert.equal(r.code, 0, r.out + r.err);
		const after = fs.readdirSync(path.join(dir, 'onnx-only'));
		assert.ok(after.includes('model.json') && !after.includes('model.onnx'), after.join());
		assert.doesNotMatch(fs.readFileSync(path.join(dir, 'onnx-only', 'MODEL_CARD.md'), 'utf8'), /## ONNX/);

		r = cli(dir, 'export', 'latest', '--dir', '.', '--out', 'both', '--format', 'tfjs,onnx');
		assert.equal(r.code, 0, r.out + r.err);
		assert.ok(fs.existsSync(path.join(dir, 'both', 'model.onnx')) && fs.existsSync(path.join(dir, 'both', 'model.json')));

		r = cli(dir, 'export', 'latest', '--dir', '.', '--out', 'bad', '--format', 'pytorch');
		assert.equal(r.code, 2, r.out + r.err);
		assert.match(r.err, /unknown format `pytorch`: use tfjs or onnx/);
		assert.ok(!fs.existsSync(path.join(dir, 'bad')));
	});

	it('the bundles carry onnx-proto (no eval or Function) but never onnxruntime-node, a test-only dependency', () => {
		const meta = path.join(ROOT, 'dist', 'meta');
		for (const f of fs.readdirSync(meta)) {
			const inputs = Object.keys((JSON.parse(fs.readFileSync(path.join(meta, f), 'utf8')) as { inputs: object }).inputs);
			assert.ok(!inputs.some((i) => i.includes('onnxruntime')), `${f} bundles onnxruntime`);
			if (f === 'runtime.js.json')
				assert.ok(
					inputs.some((i) => i.includes('node_modules/onnx-proto/')),
					'onnx-proto is bundled',
				);
		}
		// The development build marks each module with a `// node_modules/…` line: read protobufjs's and onnx-proto's.
		const runtime = fs.readFileSync(path.join(ROOT, 'dist', 'runtime.js'), 'utf8');
		const modules = runtime.split(/^\/\/ (?=node_modules\/)/m).filter((m) => /^node_modules\/(@protobufjs|onnx-proto)\//.test(m));
		assert.ok(modules.length >= 5, `protobuf modules found: ${modules.length}`);
		for (const m of modules) assert.doesNotMatch(m, /\beval\(|new Function\(/, m.slice(0, m.indexOf('\n')));
	});

	it('validate refuses an unexportable layer when onnx is asked for (MW250)', () => {
		fs.writeFileSync(
			path.join(dir, 'rnn.model.yaml'),
			`data:
  source: {type: linear}
model:
  inputShape: [1, 1]
  layers:
    - {type: simpleRnn, units: 2, activation: gelu}
    - {type: dense, units: 1}
training:
  loss: meanSquaredError
export:
  formats: [onnx]
`,
		);
		const r = cli(dir, 'validate', 'rnn.model.yaml');
		assert.equal(r.code, 1, r.out);
		assert.match(r.out, /rnn\.model\.yaml:6:\d+ error MW250 Layer `simpleRnn_1` \(simpleRnn\) uses activation `gelu`/);
	});
});
