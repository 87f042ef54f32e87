/**
 * The evaluation panel's grid of misclassified images in Chromium, fed through the host's view of
 * a run folder (client/src/views.ts): PNG thumbnails as data: URLs, labels as text, anything that
 * is not base64 of a PNG dropped before it reaches the page.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { evaluationView } from '../../client/src/views';
import type { Evaluation } from '../../engine/core/records';
import { encodePng } from '../../engine/runtime/data/images';
import { EvaluationShow, message } from '../../webviews/protocol';
import { near, openPanel, pngPixel, useChromium, waitRendered } from './harness';

/** A 16×16 image: black, with a white square in its top-left quarter. */
function quarter(): Buffer {
	const px = new Float32Array(256);
	for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) px[y * 16 + x] = 1;
	return encodePng(px, 16, 16, 1);
}

describe('webview: evaluation panel, misclassified images (Chromium)', function () {
	this.timeout(120_000);
	const chromium = useChromium();
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-evimg-'));
	after(() => fs.rmSync(dir, { recursive: true, force: true }));

	it('shows each thumbnail with its true and predicted labels as text; non-PNG data never reaches an img', async () => {
		const png = quarter().toString('base64');
		const ev: Evaluation = {
			split: 'test',
			rows: 90,
			task: 'multiclassClassification',
			metrics: { accuracy: 0.7 },
			predictions: [],
			misclassified: {
				errors: 27,
				images: [
					{ png, actual: 'circle', predicted: 'square', score: 0.61, file: 'data/shapes/circle/0001.png' },
					{ png, actual: '<img src=x onerror=alert(1)>', predicted: 'triangle', score: 0.5 },
					// Not a PNG (a JPEG's base64), and not base64 at all: both dropped by the host.
					{ png: '/9j/4AAQSkZJRgABAQ', actual: 'a', predicted: 'b', score: 0.9 },
					{ png: 'iVBORw0KGgo"><script>alert(1)</script>', actual: 'c', predicted: 'd', score: 0.9 },
				],
			},
		};
		fs.writeFileSync(path.join(dir, 'evaluation.json'), JSON.stringify(ev));
		const view = evaluationView(dir)!;
		assert.equal(view.misclassified!.images.length, 2);

		const p = await openPanel(chromium.browser, chromium.server, 'evaluation', { height: 1400 });
		await p.post(message(EvaluationShow.type, { evaluation: view }));
		await waitRendered(p.page, '.evaluation', 1);
		const section = p.page.locator('.eval-misclassified');
		assert.equal(await section.locator('h2').textContent(), 'Misclassified images');
		assert.equal(await section.locator('p').textContent(), '27 misclassified; the first 2 shown.');
		const items = await section
			.locator('.eval-image')
			.evaluateAll((els) =>
				els.map((e) => [
					e.querySelector('.eval-image-true')!.textContent,
					e.querySelector('.eval-image-pred')!.textContent,
					e.getAttribute('title'),
				]),
			);
		assert.deepEqual(items, [
			['circle', '→ square', 'data/shapes/circle/0001.png\ntrue: circle, predicted: square (0.61)'],
			['<img src=x onerror=alert(1)>', '→ triangle', 'true: <img src=x onerror=alert(1)>, predicted: triangle (0.5)'],
		]);
		// Two images in the page, both decoded from their data: URLs at the thumbnail's size.
		const imgs = await p.page
			.locator('img')
			.evaluateAll((els) => (els as HTMLImageElement[]).map((i) => [i.complete, i.naturalWidth, i.naturalHeight, i.src.slice(0, 22)]));
		assert.deepEqual(imgs, [
			[true, 16, 16, 'data:image/png;base64,'],
			[true, 16, 16, 'data:image/png;base64,'],
		]);
		// What is drawn is the image: white in its top-left quarter, black elsewhere (scaled ×4, pixelated).
		const shot = await section.locator('img').first().screenshot();
		assert.ok(near(await pngPixel(p.page, shot, 10, 10), [255, 255, 255]), 'top-left is white');
		assert.ok(near(await pngPixel(p.page, shot, 50, 50), [0, 0, 0]), 'bottom-right is black');
		assert.deepEqual(p.errors, []);
	});

	it('says when every image was classified correctly', async () => {
		fs.writeFileSync(
			path.join(dir, 'evaluation.json'),
			JSON.stringify({
				split: 'test',
				rows: 9,
				task: 'multiclassClassification',
				metrics: { accuracy: 1 },
				predictions: [],
				misclassified: { errors: 0, images: [] },
			}),
		);
		const p = await openPanel(chromium.browser, chromium.server, 'evaluation');
		await p.post(message(EvaluationShow.type, { evaluation: evaluationView(dir)! }));
		await waitRendered(p.page, '.evaluation', 1);
		assert.equal(await p.page.locator('.eval-misclassified p').textContent(), 'Every image of the split was classified correctly.');
		assert.equal(await p.page.locator('.eval-image').count(), 0);
		assert.deepEqual(p.errors, []);
	});
});
