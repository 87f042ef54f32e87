/**
 * Exporting a finished run's model folder to a folder of the user's (`modelwright export`, the
 * extension's Export Model): the files of the formats asked for, an ONNX file translated from the
 * run's tfjs model when `onnx` is one, and the model card's ONNX section to match.
 */
import { tr } from '../messages';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ExportFormat } from '../../core/config/schema';
import { validateText } from '../../core/config/validate';
import { ONNX_FILE, TOKENIZER_FILE } from '../../core/onnx';
import { copyExport } from '../../io/exportTarget';
import { readFileWithin, writeAtomic } from '../../io/fsutil';
import { MODEL_CARD_FILE, withOnnxSection } from './card';
import { onnxModel } from './onnx';
import { CONFIG_FILE, LAYERS_MODULE, loadExported, MODEL_FILE, WEIGHTS_FILE, writeLayersModule } from './tfjs';

/**
 * Copies the model folder `src` to `out` (refused like any export target) with `formats`. The ONNX
 * graph is made before anything is written, so a model that cannot be translated leaves `out`
 * as it was; its error names the layer.
 */
export async function exportRunModel(src: string, out: string, formats: readonly ExportFormat[], shown = out): Promise<void> {
	let onnx: ReturnType<typeof onnxModel> | undefined;
	if (formats.includes('onnx')) {
		const snapshot = validateText(
			readFileWithin(src, CONFIG_FILE, { maxBytes: 16 * 1024 * 1024, what: 'config snapshot' }).toString('utf8'),
		).resolved;
		const { model, preprocessing } = await loadExported(src);
		try {
			onnx = onnxModel(model, preprocessing, {
				...(snapshot?.name ? { name: snapshot.name } : {}),
				threshold: snapshot?.evaluation.threshold ?? 0.5,
			});
		} catch (err) {
			throw new Error(tr('onnx.cannot', { error: err instanceof Error ? err.message : String(err) }));
		} finally {
			model.dispose();
		}
	}
	const skip = [...(formats.includes('tfjs') ? [] : [MODEL_FILE, WEIGHTS_FILE]), ONNX_FILE, TOKENIZER_FILE];
	copyExport(src, out, shown, skip);
	// The layer classes are code: written from this engine's own build, never copied from the run folder.
	if (formats.includes('tfjs') && fs.existsSync(path.join(src, LAYERS_MODULE))) writeLayersModule(out);
	else fs.rmSync(path.join(out, LAYERS_MODULE), { force: true });
	// Both made now from the run's model, never copied (a run written before the tokenizer file has none).
	if (onnx) writeAtomic(path.join(out, ONNX_FILE), onnx.bytes);
	if (onnx?.tokenizer) writeAtomic(path.join(out, TOKENIZER_FILE), onnx.tokenizer);
	const card = path.join(out, MODEL_CARD_FILE);
	if (fs.existsSync(card)) writeAtomic(card, withOnnxSection(fs.readFileSync(card, 'utf8'), onnx?.summary));
}
