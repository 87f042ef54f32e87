import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from './train';
import { UsageError, type Command } from '../command';
import { tcli } from '../messages';
import { readCsv } from '../../runtime/data/csv';
import { sha256 } from '../../runtime/data/load';
import { shortPrint } from '../../core/data/fingerprint';
import { readRunSummary } from '../../io/store';
import { realPathOf } from '../../io/probe';
import type { Row } from '../../runtime/data/generators';
import { loadExported, MODEL_FILE } from '../../runtime/export/tfjs';
import { tr } from '../../runtime/messages';
import { modelDirOf, predictImages, predictRows, type ImagePrediction } from '../../runtime/runs';
import { imageFilesOf } from '../../runtime/data/imageInput';
import { runFromArgs } from './runs';
import { useBackend, type BackendChoice } from '../../runtime/train/backend';
import { bareRecord } from '../../core/own';

/** `--values "5.1,3.5,1.4,0.2; 6,3,5,2"` (feature order) or `--values "x=3"`: rows of raw values. */
export function parseValues(text: string, features: readonly string[]): Row[] {
	return text
		.split(';')
		.map((s) => s.trim())
		.filter(Boolean)
		.map((rowText, r) => {
			const parts = rowText.split(',').map((p) => p.trim());
			const row: Row = bareRecord();
			const cast = (v: string) => (v === '' ? null : Number.isFinite(Number(v)) ? Number(v) : v);
			if (parts.every((p) => p.includes('='))) {
				for (const p of parts) {
					const [k, ...v] = p.split('=');
					row[k!.trim()] = cast(v.join('=').trim());
				}
			} else {
				if (parts.length !== features.length)
					throw new UsageError(
						`row ${r + 1} of --values has ${parts.length} values; the model takes ${features.length} (${features.join(', ')}).`,
					);
				parts.forEach((p, i) => {
					row[features[i]!] = cast(p);
				});
			}
			return row;
		});
}

/**
 * When the input is the very file the run trained on, whether it changed since (its fingerprint in
 * the run's summary): predictions on it are then not on the rows the run's metrics describe.
 */
function inputChange(runDir: string, file: string): { then: string; now: string } | undefined {
	const fp = readRunSummary(runDir)?.data?.fingerprint;
	if (!fp || realPathOf(file) !== fp.source || !fs.existsSync(file)) return undefined;
	const now = sha256(fs.readFileSync(file));
	return now === fp.data ? undefined : { then: shortPrint(fp.data), now: shortPrint(now) };
}

/** One line per image: its file, class and each class's probability (CSV), or the same as JSON. */
function printImagePredictions(ps: ImagePrediction[], json: boolean, io: { out: (t: string) => void }): number {
	if (json) {
		io.out(JSON.stringify(ps, null, 2));
		return 0;
	}
	const classes = Object.keys(ps[0]?.probabilities ?? {});
	// File names and classes are data: quoted when they hold a comma or a quote, as CSV does.
	const q = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
	io.out(['file', 'prediction', ...classes.map((c) => q(`p(${c})`)), ...(classes.length ? [] : ['score'])].join(','));
	for (const p of ps)
		io.out(
			[
				q(p.file),
				q(String(p.prediction)),
				...(classes.length ? classes.map((c) => p.probabilities![c]!.toFixed(4)) : p.scores.map((s) => s.toPrecision(6))),
			].join(','),
		);
	return 0;
}

export const predictCommand: Command = {
	name: 'predict',
	summary: 'Predict with a trained run or exported model (training-time preprocessing applied).',
	help: `Usage: modelwright predict <run|model folder> (--input rows.csv | --values "v1,v2,…[; …]") [--json]
       modelwright predict <run|model folder> <image files or folders…> [--json]

<run> is a run id, folder or 'latest' (looked up in --dir, default the current folder's
.modelwright/runs); a folder holding model.json + preprocessing.json works too. --values takes
feature values in the model's feature order, or name=value pairs; rows are separated by ';'.
A model trained on an images source takes PNG/JPEG files, or folders of them (searched with their
subfolders): each is decoded and resized as in training; prints each file's class and the
probability of every class.`,
	async run(args, io) {
		const { values, positionals } = parse({
			args,
			allowPositionals: true,
			options: {
				input: { type: 'string' },
				values: { type: 'string' },
				json: { type: 'boolean' },
				dir: { type: 'string' },
				backend: { type: 'string' },
			},
		});
		if (positionals.length === 0) throw new UsageError(tcli('serve.nameOne'));
		const images = positionals.slice(1);
		if (images.length && (values.input || values.values)) throw new UsageError(tcli('predict.both'));
		if (!images.length && !values.input === !values.values) throw new UsageError(tcli('predict.either'));
		const ref = positionals[0]!;
		// A model folder (model.json in it) as given; anything else is a run reference.
		const asModel = path.resolve(io.cwd, ref);
		const run = fs.existsSync(path.join(asModel, MODEL_FILE)) ? undefined : runFromArgs(ref, values.dir, io.cwd);
		if (run && !run.ok) {
			io.err(`modelwright predict: ${tcli('noModelFolder', { message: run.message })}`);
			return 1;
		}
		const modelDir = run ? modelDirOf(run.run.dir) : asModel;
		if (!modelDir) {
			io.err(`modelwright predict: ${tcli('noModel', { id: String(run?.run.id) })}`);
			return 1;
		}
		await useBackend((values.backend ?? 'wasm') as BackendChoice);
		if (images.length) return printImagePredictions(await predictImages(modelDir, imageFilesOf(io.cwd, images)), values.json === true, io);
		let rows: Row[];
		const { features, image } = await (async () => {
			const { model, preprocessing } = await loadExported(modelDir);
			model.dispose();
			return { features: preprocessing.features.map((f) => f.column), image: preprocessing.image !== undefined };
		})();
		if (image) throw new Error(tr('run.imageModel', { example: '{"image": "…"}' }));
		if (values.input) {
			const file = path.resolve(io.cwd, values.input);
			if (run) {
				const change = inputChange(run.run.dir, file);
				if (change) io.err(tcli('warning', { message: tcli('predict.dataChanged', { input: values.input, run: run.run.id, ...change }) }));
			}
			rows = (await readCsv(file, { displayName: values.input })).rows;
		} else rows = parseValues(values.values!, features);
		const { predictions } = await predictRows(modelDir, rows);
		if (values.json) {
			io.out(
				JSON.stringify(
					predictions.map((p, i) => ({ input: rows[i], ...p })),
					null,
					2,
				),
			);
			return 0;
		}
		io.out([...features, 'prediction'].join(','));
		predictions.forEach((p, i) =>
			io.out(
				[
					...features.map((f) => String(rows[i]![f] ?? '')),
					typeof p.prediction === 'number' ? p.prediction.toPrecision(6) : p.prediction,
				].join(','),
			),
		);
		return 0;
	},
};
