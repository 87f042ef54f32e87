/** examples/conv.model.yaml: a conv net on the committed shapes images, trained with augmentation on wasm, reaches ≥ 0.95 test accuracy. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runJob } from '../../engine/runtime/job';
import { decodeImage } from '../../engine/runtime/data/images';
import { shapeImages } from '../../engine/runtime/data/shapes';
import type { Evaluation } from '../../engine/core/records';

const ROOT = path.join(__dirname, '..', '..');
const CONFIG = path.join(ROOT, 'examples', 'conv.model.yaml');

describe('examples/conv.model.yaml (images, conv2d, augmentation)', function () {
	this.timeout(240_000);
	const runs = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-conv-'));
	after(() => fs.rmSync(runs, { recursive: true, force: true }));

	it('the committed images are the generator’s (`modelwright generate shapes … --samples 450`)', () => {
		const dir = path.join(ROOT, 'examples', 'data', 'shapes');
		const want = [...shapeImages({ samples: 450, size: 16, seed: 1, noise: 0.06 })];
		assert.equal(want.length, 450);
		for (const img of want.filter((_, i) => i % 37 === 0)) {
			const got = decodeImage(fs.readFileSync(path.join(dir, img.kind, `${String(img.index).padStart(4, '0')}.png`)));
			for (let p = 0; p < 256; p++) assert.ok(Math.abs(got.data[p * 4]! - Math.round(img.pixels[p]! * 255)) <= 1);
		}
	});

	it('trains to ≥ 0.95 test accuracy and lists its misclassified test images', async () => {
		const r = await runJob({ configPath: CONFIG, runsDir: runs, backend: 'wasm' }, () => {});
		assert.equal(r.status, 'completed', r.message);
		const ev = r.evaluation!;
		assert.equal(ev.split, 'test');
		assert.equal(ev.rows, 90);
		assert.ok(ev.metrics.accuracy! >= 0.95, `test accuracy ${ev.metrics.accuracy}`);
		// The thumbnails are the wrong predictions, in order, as 16×16 PNGs.
		const wrong = ev.predictions.filter((p) => p.actual !== p.predicted);
		const mis = (JSON.parse(fs.readFileSync(path.join(r.runDir!, 'evaluation.json'), 'utf8')) as Evaluation).misclassified!;
		assert.equal(mis.errors, wrong.length);
		assert.deepEqual(
			mis.images.map((m) => [m.actual, m.predicted]),
			wrong.slice(0, 24).map((p) => [p.actual, p.predicted]),
		);
		for (const m of mis.images) {
			const png = decodeImage(Buffer.from(m.png, 'base64'));
			assert.deepEqual([png.width, png.height], [16, 16]);
			assert.match(m.file!, new RegExp(`^data[/\\\\]shapes[/\\\\]${m.actual}[/\\\\]\\d{4}\\.png$`));
		}
	});
});
