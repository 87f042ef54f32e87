/**
 * The engine's words under zh-CN (issue #17): image loading, the date step, sample and class
 * weights, fold warnings, training-job refusals, the data-changed sentence of evaluate and
 * evaluation notes are Chinese, with file names, columns, values and sizes as written; serve's
 * HTTP bodies stay English (an API) and still tell a size refusal (413) in either locale.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as jpeg from 'jpeg-js';
import { setLocale } from '../../engine/core/l10n';
import { fingerprintChange, type DataFingerprint } from '../../engine/core/data/fingerprint';
import { validateText } from '../../engine/core/config/validate';
import { decodeImage, encodePng, ImageTooLargeError } from '../../engine/runtime/data/images';
import { imageFilesOf } from '../../engine/runtime/data/imageInput';
import { dateProblem, type Preprocessing } from '../../engine/runtime/data/preprocess';
import { prepareData } from '../../engine/runtime/data/prepare';
import { classWeights } from '../../engine/runtime/train/weights';
import { encodeImageRows, RequestError } from '../../engine/runtime/serve';
import { summaryNotes } from '../../engine/runtime/evaluate/metrics';
import { runJob } from '../../engine/runtime/job';
import { trEnglish } from '../../engine/runtime/messages';
import * as tf from '@tensorflow/tfjs';
import { onnxModel } from '../../engine/runtime/export/onnx';
import { useBackend } from '../../engine/runtime/train/backend';
import { tempDir } from '../helpers/cli';
import { listImageFolderSync, type ImageSource } from '../../engine/io/imageFolder';

const CJK = /[\u4e00-\u9fff]/;

/** The first 33 bytes of a PNG whose header says w × h (RGBA, 8 bits): enough for the size check. */
function pngHeader(w: number, h: number): Buffer {
	const b = Buffer.alloc(33);
	Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(b, 0);
	b.writeUInt32BE(13, 8);
	b.write('IHDR', 12, 'latin1');
	b.writeUInt32BE(w, 16);
	b.writeUInt32BE(h, 20);
	b[24] = 8;
	b[25] = 6;
	return b;
}

/** Twelve rows of a two-class table with a weight column `w`. */
const body = (w: (i: number) => string) =>
	['x,w,y', ...Array.from({ length: 12 }, (_, i) => `${i / 12},${w(i)},${i % 2 === 0 ? 'a' : 'b'}`)].join('\n') + '\n';
const config = (file: string, extra = '') => `seed: 3
data:
  source: {type: csv, path: ${file}}
  label: y
  sampleWeight: w
  split: {validation: 0, test: 0}
model:
  layers:
    - {type: dense, units: 2, activation: softmax}
training:
  loss: sparseCategoricalCrossentropy
  epochs: 1
${extra}`;

const thrown = (f: () => unknown): Error => {
	try {
		f();
	} catch (err) {
		return err as Error;
	}
	assert.fail('expected an error');
};

describe('l10n: the engine under zh-CN', function () {
	this.timeout(60_000);
	let tmp: string;
	before(() => {
		tmp = tempDir('mw-l10n-');
	});
	after(() => fs.rmSync(tmp, { recursive: true, force: true }));
	afterEach(() => setLocale('en'));

	describe('images', () => {
		it('decoding errors are Chinese, sizes as given; a size refusal is told by its class, not its text', () => {
			setLocale('zh-CN');
			assert.equal(thrown(() => decodeImage(Buffer.alloc(0))).message, '文件为空');
			assert.equal(thrown(() => decodeImage(Buffer.from('hello'))).message, '不是 PNG 或 JPEG 图像（无法识别的文件签名）');
			const big = thrown(() => decodeImage(pngHeader(6000, 5000)));
			assert.ok(big instanceof ImageTooLargeError);
			assert.equal(big.message, '6000×5000 像素超过了 25 百万像素');
			assert.equal(big.english, '6000×5000 pixels is more than 25 megapixels');
			const broken = thrown(() => decodeImage(Buffer.concat([pngHeader(4, 4), Buffer.alloc(8)])));
			assert.match(broken.message, /^不是可读取的 PNG（.+）$/);
			assert.ok(!(broken instanceof ImageTooLargeError));
			// jpeg-js's own limit (maxResolutionInMP) is a size refusal too.
			const j = jpeg.encode({ width: 40, height: 40, data: Buffer.alloc(40 * 40 * 4, 128) }, 90).data;
			const jbig = thrown(() => decodeImage(j, 0.001));
			assert.ok(jbig instanceof ImageTooLargeError, jbig.message);
			assert.match(jbig.message, /^不是可读取的 JPEG（.*maxResolutionInMP.*）$/);
			setLocale('en');
			assert.equal(thrown(() => decodeImage(pngHeader(6000, 5000))).message, '6000×5000 pixels is more than 25 megapixels');
			assert.equal(thrown(() => decodeImage(Buffer.alloc(0))).message, 'the file is empty');
		});

		it('image folders: Chinese, the path as written in the config', () => {
			setLocale('zh-CN');
			const source = { type: 'images', path: 'pics' } as ImageSource;
			const missing = listImageFolderSync(source, { configDir: tmp });
			assert.ok(!missing.ok);
			assert.equal(missing.message, `找不到图像文件夹 \`pics\`（查找的是 ${path.join(tmp, 'pics')}）。`);
			fs.mkdirSync(path.join(tmp, 'pics'));
			const empty = listImageFolderSync(source, { configDir: tmp });
			assert.ok(!empty.ok);
			assert.equal(empty.message, '`pics` 中没有包含 PNG 或 JPEG 文件的类别文件夹（应为 pics/<class>/<image>.png）。');
		});

		it('files named on a command line: Chinese, the name as typed', () => {
			setLocale('zh-CN');
			assert.throws(() => imageFilesOf(tmp, ['没有/cat.png']), { message: '没有/cat.png：没有这个文件或文件夹。' });
			fs.mkdirSync(path.join(tmp, 'empty'));
			assert.throws(() => imageFilesOf(tmp, ['empty']), { message: 'empty：此文件夹中没有 .png、.jpg 或 .jpeg 文件。' });
		});

		it("serve answers in English under zh-CN, and still tells the request's pixel budget (413) from a bad image (400)", async () => {
			setLocale('zh-CN');
			const pre = { image: { size: [4, 4], channels: 1 } } as unknown as Preprocessing;
			const img = encodePng(new Float32Array(16 * 16).fill(0.5), 16, 16, 1).toString('base64');
			const refused = async (rows: unknown[]) => {
				try {
					await encodeImageRows(pre, rows, 16, 0.0006);
				} catch (err) {
					assert.ok(err instanceof RequestError);
					return err;
				}
				assert.fail('expected a refusal');
			};
			const over = await refused([{ image: img }, { image: img }, { image: img }]);
			assert.equal(over.status, 413);
			assert.match(over.message, /^rows\[2\]\.image: 16×16 pixels is more than .* megapixels \(a request's images may have 0\.0006/);
			const bad = await refused([{ image: Buffer.from('hello').toString('base64') }]);
			assert.equal(bad.status, 400);
			assert.equal(bad.message, 'row.image: not a PNG or JPEG image (unknown file signature).');
		});
	});

	describe('dates, weights and folds', () => {
		it('the date step: Chinese, the column, values and lines as written', () => {
			setLocale('zh-CN');
			const ambiguous = dateProblem('when', { error: 'ambiguous', text: '24/02/2024' }, 'iso', { n: 2, where: '第 5 行: "24/02/2024"' });
			assert.equal(
				ambiguous,
				'列 `when` 中有 2 个值（第 5 行: "24/02/2024"） 是日和月在前的顺序，`format: iso` 不采用这种顺序：请把该列的 `format` 设为 `dmy` 或 `mdy`（`format: dmy` 把 "24/02/2024" 读作 2024-02-24）。',
			);
			// What serve answers (a request row's date) stays English.
			assert.match(
				dateProblem('when', { error: 'ambiguous', text: '24/02/2024' }, 'iso', undefined, trEnglish),
				/^column `when` has "24\/02\/2024" with the day and month first, .* \(`format: dmy` reads "24\/02\/2024" as 2024-02-24\)\.$/,
			);
			const invalid = dateProblem('when', { error: 'invalid', text: 'n/a-ish' }, 'dmy');
			assert.match(invalid, /^列 `when` 中有 "n\/a-ish" 在 `format: dmy` 下不是日期（.*T14:30，或 05\.03\.2024）；请修正它/);
		});

		const prepare = async (file: string, text: string, rows: string) => {
			fs.writeFileSync(path.join(tmp, file), rows);
			const v = validateText(text);
			assert.ok(v.resolved, JSON.stringify(v.diagnostics));
			return { config: v.resolved, data: await prepareData(v.resolved, { configDir: tmp }) };
		};

		it('sample weights and class weights: Chinese, the lines, values and class names as written', async () => {
			setLocale('zh-CN');
			await assert.rejects(
				prepare(
					'w1.csv',
					config('w1.csv'),
					body((i) => (i === 3 ? '-2' : '1')),
				),
				{
					message: '样本权重列 `w` 中有 1 个值不是 ≥ 0 的有限数（第 5 行: "-2"）：请在文件中修正它。',
				},
			);
			await assert.rejects(
				prepare(
					'w2.csv',
					config('w2.csv').replace('sampleWeight: w', 'sampleWeight: weight'),
					body(() => '1'),
				),
				{
					message: '找不到样本权重列 `weight`（列：x, w, y）。',
				},
			);
			const p = await prepare(
				'w3.csv',
				config('w3.csv', '  classWeight: {c: 2}\n'),
				body(() => '1'),
			);
			assert.throws(() => classWeights(p.config, p.data), {
				message: '`training.classWeight` 指定了类别 `c`，但标签 `y` 没有这个类别（类别：`a`, `b`）。',
			});
		});

		it("the model's input shape against the data: Chinese, the shape and counts as computed", async () => {
			setLocale('zh-CN');
			const text = config('s.csv').replace('model:\n', 'model:\n  inputShape: [5]\n');
			await assert.rejects(
				prepare(
					's.csv',
					text,
					body(() => '1'),
				),
				{
					message: 'model.inputShape [5] 容纳 5 个值，但预处理之后数据有 1 个输入列。',
				},
			);
		});

		it('the fold warning for small classes: Chinese, with the class and counts', async () => {
			setLocale('zh-CN');
			const rows = ['x,w,y', ...Array.from({ length: 12 }, (_, i) => `${i / 12},1,${i < 2 ? 'rare' : 'common'}`)].join('\n') + '\n';
			const p = await prepare('f.csv', config('f.csv'), rows);
			const folded = await prepareData(p.config, { configDir: tmp }, { fold: { index: 0, of: 3 } });
			const w = folded.summary.warnings?.find((x) => x.includes('rare'));
			assert.ok(w, JSON.stringify(folded.summary.warnings));
			assert.equal(
				w,
				'类别 `rare`（2 行） 的行数少于 3 折：各折是分层的，所以其中 1 折在验证时没有这个类别，该类别的每折得分缺失或有噪声。请最多使用 2 折，或增加行。',
			);
		});
	});

	describe('runs, evaluate and export', () => {
		it('a training job that cannot resume says so in Chinese, with the folder as given', async () => {
			setLocale('zh-CN');
			const cfg = path.join(tmp, 'job.model.yaml');
			fs.writeFileSync(cfg, config('none.csv'));
			const r = await runJob({ configPath: cfg, resume: path.join(tmp, 'nowhere'), runsDir: path.join(tmp, 'runs') }, () => undefined);
			assert.equal(r.status, 'failed');
			assert.match(r.message ?? '', /^无法继续：/);
			assert.ok((r.message ?? '').includes('nowhere'), r.message);
		});

		it("evaluate's data-changed sentence: Chinese, the file and fingerprints as written", () => {
			const a: DataFingerprint = {
				data: 'sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
				source: '/d/x.csv',
				splits: { train: 'sha256:1', validation: 'sha256:2', test: 'sha256:3' },
			};
			const b: DataFingerprint = { ...a, data: 'sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', splits: { ...a.splits, test: 'sha256:4' } };
			const english = fingerprintChange(a, b)!;
			assert.match(
				english,
				/^the data \(\/d\/x\.csv\) changed since training: .* the test split holds other rows than at training \(test sha256:3 then, sha256:4 now\)\.$/,
			);
			setLocale('zh-CN');
			const zh = fingerprintChange(a, b)!;
			assert.match(zh, /^数据（\/d\/x\.csv）自训练以来已改变：训练时 sha256:aaaaaaaaaaaaaaaa…，现在 sha256:bbbbbbbbbbbbbbbb…/);
			assert.ok(zh.endsWith('test 划分中的行与训练时不同（test：训练时 sha256:3，现在 sha256:4）。'), zh);
		});

		it('the ONNX export names a layer it cannot translate in Chinese, the layer and class as written', async () => {
			await useBackend('cpu');
			const model = tf.sequential({
				layers: [
					tf.layers.dense({ inputShape: [2], units: 4, name: 'd' }),
					tf.layers.reshape({ targetShape: [2, 2] }),
					tf.layers.permute({ dims: [2, 1], name: 'swap' }),
				],
			});
			const pre = {
				version: 1 as const,
				features: [
					{ column: 'a', step: 'none' as const, fill: 'error' as const },
					{ column: 'b', step: 'none' as const, fill: 'error' as const },
				],
				inputs: ['a', 'b'],
				label: { column: 'y', encoding: 'value' as const },
				task: 'regression' as const,
				inputShape: [2],
			};
			try {
				setLocale('zh-CN');
				assert.throws(() => onnxModel(model, pre), { message: '层 `swap`（Permute） 无法导出为 ONNX：导出器没有 Permute 层的转换。' });
				setLocale('en');
				assert.throws(() => onnxModel(model, pre), {
					message: 'layer `swap` (Permute) cannot be exported to ONNX: the exporter has no translation for Permute layers.',
				});
			} finally {
				model.dispose();
			}
		});

		it('evaluation notes: Chinese, the counts as computed', () => {
			setLocale('zh-CN');
			const notes = summaryNotes({ summarised: { curves: { stored: 20, of: 120 }, curvePoints: 200 } } as unknown as Parameters<
				typeof summaryNotes
			>[0]);
			assert.deepEqual(notes, [
				'只存储了 120 个类别中样本最多的 20 个类别的 ROC 和 PR 曲线；ROC AUC 和 PR AUC（宏平均和每个类别）使用全部类别。',
				'每条曲线最多保留 200 个点；它们的 AUC 由全部点计算。',
			]);
			for (const n of notes) assert.ok(CJK.test(n));
		});
	});
});
