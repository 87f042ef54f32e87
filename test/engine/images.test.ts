/**
 * Image data: the shapes generator, an `images` source read into split arrays (PNG and JPEG,
 * resized, grayscale or RGB), located errors for unreadable files, the path policy for folders and
 * links, the validator's facts and shapes, and seeded image augmentation.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as jpeg from 'jpeg-js';
import { validateConfig } from '../../engine/io/probe';
import { prepareData } from '../../engine/runtime/data/prepare';
import { decodeImage, encodePng } from '../../engine/runtime/data/images';
import { SHAPE_CLASSES, shapeImages, writeShapes } from '../../engine/runtime/data/shapes';
import { makeAugment } from '../../engine/runtime/train/augment';
import type { ResolvedConfig } from '../../engine/core/config/resolve';
import { cliIn } from '../helpers/cli';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-images-'));
const SHAPES = { samples: 60, size: 16, seed: 3, noise: 0.05 };

const CONFIG = (source: string, extra = '') => `name: imgs
seed: 7
data:
  source: ${source}
  split: {validation: 0.2, test: 0.2}
${extra}model:
  layers:
    - {type: conv2d, filters: 4, kernelSize: 3, activation: relu}
    - {type: flatten}
    - {type: dense, units: 3, activation: softmax}
training:
  loss: categoricalCrossentropy
  epochs: 1
`;

function configIn(
	dir: string,
	text: string,
): { file: string; resolved: ResolvedConfig; policy: ReturnType<typeof validateConfig>['policy'] } {
	const file = path.join(dir, 'imgs.model.yaml');
	fs.writeFileSync(file, text);
	const v = validateConfig(file, text);
	assert.ok(v.resolved, JSON.stringify(v.diagnostics));
	return { file, resolved: v.resolved, policy: v.policy };
}

describe('images: generator, source, checks, augmentation', function () {
	this.timeout(60_000);
	const shapesDir = path.join(tmp, 'ws', 'data', 'shapes');
	before(() => {
		writeShapes(shapesDir, SHAPES);
	});
	after(() => fs.rmSync(tmp, { recursive: true, force: true }));

	it('generates the same labelled PNGs from the same seed, and others from another', () => {
		for (const c of SHAPE_CLASSES) assert.equal(fs.readdirSync(path.join(shapesDir, c)).length, 20);
		const again = path.join(tmp, 'again');
		writeShapes(again, SHAPES);
		const other = path.join(tmp, 'other');
		writeShapes(other, { ...SHAPES, seed: 4 });
		const f = path.join('triangle', '0007.png');
		assert.deepEqual(fs.readFileSync(path.join(again, f)), fs.readFileSync(path.join(shapesDir, f)));
		assert.notDeepEqual(decodeImage(fs.readFileSync(path.join(other, f))).data, decodeImage(fs.readFileSync(path.join(shapesDir, f))).data);
		// A shape is brighter than its background: the mean of the brightest quarter of pixels is well above the median.
		const px = [...shapeImages(SHAPES)][0]!.pixels.slice().sort();
		assert.ok(px[Math.floor(px.length * 0.9)]! - px[Math.floor(px.length / 2)]! > 0.3);
		assert.throws(() => writeShapes(shapesDir, SHAPES), /is not empty/);
	});

	it('the CLI writes the same set (`modelwright generate shapes`)', async () => {
		const r = await cliIn(tmp, 'generate', 'shapes', 'cli-shapes', '--samples', '60', '--size', '16', '--seed', '3', '--noise', '0.05');
		assert.equal(r.code, 0, r.err);
		assert.match(r.out, /wrote 60 images of 16×16 px to cli-shapes \(circle 20, square 20, triangle 20\)/);
		assert.deepEqual(
			fs.readFileSync(path.join(tmp, 'cli-shapes', 'circle', '0003.png')),
			fs.readFileSync(path.join(shapesDir, 'circle', '0003.png')),
		);
		const bad = await cliIn(tmp, 'generate', 'shapes', 'x', '--size', '3');
		assert.equal(bad.code, 2);
		assert.match(bad.err, /--size must be a whole number from 8 to 512 \(got 3\)/);
	});

	it('reads a folder per class into split arrays: resized, stratified, seeded, labels from folder names', async () => {
		const ws = path.join(tmp, 'ws');
		const { resolved, policy } = configIn(ws, CONFIG('{type: images, path: data/shapes, imageSize: [8, 12], channels: 1}'));
		const d = await prepareData(resolved, policy);
		assert.deepEqual(d.preprocessing.inputShape, [8, 12, 1]);
		assert.deepEqual(d.preprocessing.label.classes, ['circle', 'square', 'triangle']);
		assert.deepEqual(d.summary.split, { train: 36, validation: 12, test: 12 });
		for (const s of [d.train, d.validation!, d.test!]) {
			assert.ok(s.x instanceof Float32Array);
			assert.equal(s.x.length, s.n * 8 * 12);
			assert.ok(s.x.every((v) => v >= 0 && v <= 1));
			// Stratified: each class has the same share of every split.
			const counts = [0, 1, 2].map((k) => s.classes!.filter((c) => c === k).length);
			assert.ok(
				counts.every((c) => c === s.n / 3),
				`${counts}`,
			);
			// One-hot labels agree with the class folder of the file.
			for (let i = 0; i < s.n; i++) {
				const row = s.rows[i]! as { image: string; label: string };
				assert.equal(row.image.split(path.sep).at(-2), row.label);
				assert.equal(s.y[i * 3 + s.classes![i]!], 1);
			}
		}
		// The pixels are the file's, resized: a training image's mean equals its PNG's mean (bilinear keeps the mean roughly).
		const row = d.train.rows[0]! as { image: string };
		const src = decodeImage(fs.readFileSync(path.join(ws, row.image)));
		let mean = 0;
		for (let i = 0; i < src.data.length; i += 4) mean += src.data[i]! / 255;
		mean /= src.data.length / 4;
		const got = d.train.x.subarray(0, 96).reduce((a, b) => a + b, 0) / 96;
		assert.ok(Math.abs(got - mean) < 0.06, `${got} vs ${mean}`);
		// Same seed, same split; another seed, another split.
		const again = await prepareData(resolved, policy);
		assert.deepEqual(again.indices, d.indices);
		assert.deepEqual(Array.from(again.train.x.subarray(0, 200)), Array.from(d.train.x.subarray(0, 200)));
		const other = await prepareData({ ...resolved, seed: 8 }, policy);
		assert.notDeepEqual(other.indices.test, d.indices.test);
		// Fingerprinted like a table: the same folder and seed give the same prints; another seed other splits.
		assert.match(d.summary.fingerprint!.data, /^sha256:[0-9a-f]{64}$/);
		assert.deepEqual(again.summary.fingerprint, d.summary.fingerprint);
		assert.equal(other.summary.fingerprint!.data, d.summary.fingerprint!.data);
		assert.notEqual(other.summary.fingerprint!.splits.test, d.summary.fingerprint!.splits.test);
		// One changed image changes the data print (evaluate then says the data changed since training).
		const f = path.join(shapesDir, 'square', '0005.png');
		const before = fs.readFileSync(f);
		fs.writeFileSync(f, fs.readFileSync(path.join(shapesDir, 'square', '0006.png')));
		try {
			const changed = await prepareData(resolved, policy);
			assert.notEqual(changed.summary.fingerprint!.data, d.summary.fingerprint!.data);
			assert.deepEqual(changed.summary.fingerprint!.splits, d.summary.fingerprint!.splits);
		} finally {
			fs.writeFileSync(f, before);
		}
	});

	it('decodes JPEG and RGB: 3 channels, colours kept; grayscale is luminance', async () => {
		const ws = path.join(tmp, 'rgb');
		for (const [cls, rgb] of [
			['red', [230, 20, 20]],
			['blue', [20, 20, 230]],
		] as const)
			for (let i = 0; i < 5; i++) {
				fs.mkdirSync(path.join(ws, 'pics', cls), { recursive: true });
				const data = Buffer.alloc(20 * 10 * 4);
				for (let p = 0; p < 200; p++) data.set([...rgb, 255], p * 4);
				fs.writeFileSync(path.join(ws, 'pics', cls, `${i}.jpg`), jpeg.encode({ width: 20, height: 10, data }, 95).data);
			}
		const text = CONFIG('{type: images, path: pics, imageSize: 4, channels: 3}').replace('units: 3', 'units: 2');
		const { resolved, policy } = configIn(ws, text);
		const d = await prepareData(resolved, policy);
		assert.deepEqual(d.preprocessing.inputShape, [4, 4, 3]);
		const i = Array.from(d.train.classes!).indexOf(1); // `red` sorts after `blue`
		const px = Array.from(d.train.x.subarray(i * 48, i * 48 + 3));
		assert.ok(px[0]! > 0.8 && px[1]! < 0.2 && px[2]! < 0.2, `${px}`);
		const gray = configIn(ws, text.replace('channels: 3', 'channels: 1'));
		const g = await prepareData(gray.resolved, gray.policy);
		const v = g.train.x[Array.from(g.train.classes!).indexOf(1) * 16]!;
		assert.ok(Math.abs(v - (0.299 * 230 + 0.587 * 20 + 0.114 * 20) / 255) < 0.05, `${v}`);
	});

	it('an unreadable image stops the run with its path and the reason', async () => {
		const ws = path.join(tmp, 'broken');
		writeShapes(path.join(ws, 'imgs'), { ...SHAPES, samples: 6 });
		fs.writeFileSync(path.join(ws, 'imgs', 'square', '0001.png'), 'not an image');
		fs.writeFileSync(
			path.join(ws, 'imgs', 'circle', '0000.png'),
			fs.readFileSync(path.join(ws, 'imgs', 'circle', '0001.png')).subarray(0, 60),
		);
		const { resolved, policy } = configIn(
			ws,
			CONFIG('{type: images, path: imgs, imageSize: 16}').replace(/split: .*/, 'split: {validation: 0}'),
		);
		await assert.rejects(prepareData(resolved, policy), (err: Error) => {
			assert.match(err.message, /^imgs[/\\](circle[/\\]0000\.png: not a readable PNG|square[/\\]0001\.png: not a PNG or JPEG image)/);
			return true;
		});
		fs.rmSync(path.join(ws, 'imgs', 'circle', '0000.png'));
		await assert.rejects(
			prepareData(resolved, policy),
			/imgs[/\\]square[/\\]0001\.png: not a PNG or JPEG image \(unknown file signature\)/,
		);
	});

	it('the validator knows the input shape and checks the folder like a data file (MW225, MW228)', () => {
		const ws = path.join(tmp, 'ws');
		const ok = validateConfig(path.join(ws, 'a.model.yaml'), CONFIG('{type: images, path: data/shapes, imageSize: 16, channels: 1}'));
		// Only the small-data note: the folder's 60 files, minus validation and test, are 36 training rows.
		assert.deepEqual(
			ok.diagnostics.map((d) => `${d.code} ${d.severity}`),
			['MW223 info'],
		);
		assert.match(ok.diagnostics[0]!.message, /for 36 training rows/);
		assert.deepEqual(ok.shapes?.inputShape, [null, 16, 16, 1]);
		assert.deepEqual(ok.shapes?.layers[0]?.outputShape, [null, 14, 14, 4]);
		assert.deepEqual(ok.data?.classes, ['circle', 'square', 'triangle']);
		const codes = (text: string) => validateConfig(path.join(ws, 'a.model.yaml'), text).diagnostics.map((d) => `${d.code} ${d.message}`);
		assert.match(codes(CONFIG('{type: images, path: data/nope, imageSize: 16}')).join('\n'), /^MW225 Image folder `data\/nope` not found/);
		assert.match(
			codes(CONFIG('{type: images, path: ../outside, imageSize: 16}')).join('\n'),
			/^MW228 `\.\.\/outside` resolves to .*outside/,
		);
		assert.match(
			codes(CONFIG('{type: images, path: data, imageSize: 16}')).join('\n'),
			/^MW225 `data` holds no class folders of PNG or JPEG files/,
		);
		// Four classes in the folder, three output units: the usual output check, from the folder's facts.
		fs.mkdirSync(path.join(ws, 'data', 'shapes', 'star'));
		fs.copyFileSync(path.join(shapesDir, 'circle', '0000.png'), path.join(ws, 'data', 'shapes', 'star', 'a.png'));
		try {
			assert.match(
				codes(CONFIG('{type: images, path: data/shapes, imageSize: 16}')).join('\n'),
				/MW204 The data has 4 classes but the output layer has 3 units/,
			);
		} finally {
			fs.rmSync(path.join(ws, 'data', 'shapes', 'star'), { recursive: true });
		}
		assert.match(
			codes(CONFIG('{type: images, path: data/shapes, imageSize: 16, channels: 2}')).join('\n'),
			/MW103 `channels` must be 1 or 3 \(got 2\)/,
		);
		const mismatch = codes(
			CONFIG('{type: images, path: data/shapes, imageSize: 16}').replace('model:\n', 'model:\n  inputShape: [16, 16, 1]\n'),
		);
		assert.match(mismatch.join('\n'), /MW214 `model.inputShape` is \[16, 16, 1\] \(256 values\) but the images are \[16, 16, 3\]/);
	});

	it('inspect names the images and their count', async () => {
		const ws = path.join(tmp, 'ws');
		fs.writeFileSync(path.join(ws, 'inspect.model.yaml'), CONFIG('{type: images, path: data/shapes, imageSize: [8, 12], channels: 1}'));
		const r = await cliIn(ws, 'inspect', 'inspect.model.yaml');
		assert.equal(r.code, 0, r.err);
		assert.match(r.out, /^Input: \[null, 8, 12, 1\] images \(60 files\)$/m);
		assert.match(r.out, /^Label: label \(multiclassClassification, 3 classes\)$/m);
	});

	it('a class folder linked from outside the workspace is refused, unless allowed', async () => {
		const ws = path.join(tmp, 'linked');
		const outside = path.join(tmp, 'elsewhere');
		writeShapes(outside, { ...SHAPES, samples: 6 });
		fs.mkdirSync(path.join(ws, 'imgs'), { recursive: true });
		writeShapes(path.join(ws, 'imgs', 'own'), { ...SHAPES, samples: 3 });
		fs.symlinkSync(path.join(outside, 'circle'), path.join(ws, 'imgs', 'circle'));
		const text = CONFIG('{type: images, path: imgs, imageSize: 16}');
		const file = path.join(ws, 'imgs.model.yaml');
		const v = validateConfig(file, text);
		assert.match(
			v.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n'),
			/MW228 `imgs[/\\]circle` goes through the symbolic link .* outside/,
		);
		const allowed = validateConfig(file, text, { allowOutside: true });
		assert.ok(!allowed.diagnostics.some((d) => d.code === 'MW228'));
		// The engine applies the same policy (a config validated elsewhere cannot read through the link).
		const { resolved } = configIn(path.join(tmp, 'ws'), CONFIG('{type: images, path: data/shapes, imageSize: 16}'));
		await assert.rejects(
			prepareData(
				{ ...resolved, data: { ...resolved.data, source: { type: 'images', path: 'imgs', imageSize: 16, channels: 3 } } },
				v.policy,
			),
			/symbolic link/,
		);
	});

	describe('augmentation', () => {
		const aug = (o: Partial<ResolvedConfig['data']['augmentation']>): ResolvedConfig['data']['augmentation'] =>
			({
				gaussianNoise: 0,
				mixup: 0,
				flip: 'none',
				rotation: 0,
				shift: 0,
				brightness: 0,
				contrast: 0,
				...o,
			}) as ResolvedConfig['data']['augmentation'];
		// A 4×4 one-channel image with a bright left column, twice.
		const batch = () => {
			const x = new Float32Array(32);
			for (let i = 0; i < 2; i++) for (let r = 0; r < 4; r++) x[i * 16 + r * 4] = 1;
			return x;
		};

		it('flips mirror whole images, seeded per epoch; off means untouched', () => {
			assert.equal(makeAugment(aug({}), 'oneHot', 1, [4, 4, 1]), undefined);
			const f = makeAugment(aug({ flip: 'horizontal' }), 'oneHot', 1, [4, 4, 1])!;
			const seen = new Set<string>();
			for (let epoch = 0; epoch < 8; epoch++) {
				const x = batch();
				f(epoch)(x, new Float32Array(2), 2);
				for (let i = 0; i < 2; i++) {
					const img = Array.from(x.subarray(i * 16, i * 16 + 16));
					const left = [0, 4, 8, 12].every((k) => img[k] === 1);
					const right = [3, 7, 11, 15].every((k) => img[k] === 1);
					assert.ok(left !== right, `image is the original or its mirror: ${img}`);
					assert.equal(
						img.reduce((a, b) => a + b, 0),
						4,
					);
					seen.add(left ? 'kept' : 'flipped');
				}
				const again = batch();
				f(epoch)(again, new Float32Array(2), 2);
				assert.deepEqual(again, x, 'the same epoch gives the same draws');
			}
			assert.deepEqual([...seen].sort(), ['flipped', 'kept']);
		});

		it('rotation and shift keep a uniform image uniform; brightness and contrast stay in [0, 1]', () => {
			const g = makeAugment(aug({ rotation: 30, shift: 0.25 }), 'oneHot', 2, [4, 4, 1])!;
			const x = new Float32Array(32).fill(0.5);
			g(0)(x, new Float32Array(2), 2);
			assert.ok(x.every((v) => Math.abs(v - 0.5) < 1e-6));
			const b = makeAugment(aug({ brightness: 0.9, contrast: 0.9 }), 'oneHot', 2, [4, 4, 1])!;
			const y = batch();
			b(3)(y, new Float32Array(2), 2);
			assert.ok(y.every((v) => v >= 0 && v <= 1));
			assert.notDeepEqual(y, batch());
			// Shifted: the bright column moves, so the image changes but keeps its size.
			const s = makeAugment(aug({ shift: 0.5 }), 'oneHot', 5, [4, 4, 1])!;
			const z = batch();
			s(0)(z, new Float32Array(2), 2);
			assert.notDeepEqual(z, batch());
		});

		it('refuses image transforms on inputs that are not images', () => {
			assert.throws(
				() => makeAugment(aug({ rotation: 5 }), 'oneHot', 1, [16]),
				/needs image inputs \[height, width, channels\], but the model input is \[16\]/,
			);
		});
	});
});

describe('images: thumbnails', () => {
	it('encodePng scales large images down to the thumbnail side and keeps small ones', () => {
		const px = new Float32Array(100 * 50).fill(0.25);
		const t = decodeImage(encodePng(px, 100, 50, 1, 64));
		assert.deepEqual([t.width, t.height], [32, 64]);
		assert.equal(t.data[0], 64);
		const s = decodeImage(encodePng(new Float32Array(8 * 8 * 3).fill(1), 8, 8, 3, 64));
		assert.deepEqual([s.width, s.height, s.data[0], s.data[1], s.data[2]], [8, 8, 255, 255, 255]);
	});
});

describe('images: decode limits', () => {
	/** A PNG signature and IHDR claiming a size; the pixels never need to exist. */
	function header(w: number, h: number, depth: number, colourType: number): Buffer {
		const b = Buffer.alloc(33);
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(b, 0);
		b.writeUInt32BE(13, 8);
		b.write('IHDR', 12, 'latin1');
		b.writeUInt32BE(w, 16);
		b.writeUInt32BE(h, 20);
		b[24] = depth;
		b[25] = colourType;
		return b;
	}
	it('refuses an image too large to decode before allocating its pixels (a small file can claim 100 megapixels)', () => {
		assert.throws(() => decodeImage(header(10_000, 10_000, 16, 6)), /megapixels/);
		assert.throws(() => decodeImage(header(4_900, 5_000, 16, 6)), /MB to decode/);
		// Within the limits the header passes and pngjs reports the truncated file instead.
		assert.throws(() => decodeImage(header(64, 64, 8, 2)), /not a readable PNG/);
	});
});
