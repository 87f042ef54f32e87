/**
 * MODEL_CARD.md, written beside every exported model (the run's model/ and export folders): what
 * the model predicts, its data, preprocessing, architecture, training settings, evaluation
 * (per class, feature importance) and the limitations the data itself shows.
 */
import * as path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import type { ResolvedConfig } from '../../core/config/resolve';
import type { Evaluation } from '../../core/records';
import type { PreparedData } from '../data/prepare';
import { writeAtomic } from '../../io/fsutil';
import { append, extent } from '../../core/arrays';
import { ONNX_FILE, TOKENIZER_FILE } from '../../core/onnx';
import type { OnnxSummary } from './onnx';

export const MODEL_CARD_FILE = 'MODEL_CARD.md';

/** Fewer training rows of a class than this and the card says its figures are unreliable. */
export const FEW_SAMPLES = 10;
/** Classes listed one by one in the card (the least supported first after that many). */
const MAX_CLASS_LINES = 50;

export interface CardInput {
	name: string;
	runId?: string;
	config: ResolvedConfig;
	data: PreparedData;
	model: tf.LayersModel;
	evaluation?: Evaluation;
	epochs?: { planned: number; completed: number };
	backend?: string;
	trainedAt?: string;
	/** The ONNX file written beside the model, when there is one. */
	onnx?: OnnxSummary;
}

const fmt = (v: number) => (Number.isInteger(v) ? String(v) : Math.abs(v) >= 1e4 || Math.abs(v) < 1e-3 ? v.toExponential(3) : v.toFixed(4));
/** Table cells hold data values: pipes and newlines would break the table. */
const cell = (v: unknown) =>
	String(v)
		.replace(/[|\\`]/g, (c) => `\\${c}`)
		.replace(/\s+/g, ' ');

function sourceText(config: ResolvedConfig): string {
	const src = config.data.source as unknown as Record<string, unknown>;
	const type = String(src.type);
	if (typeof src.path === 'string') return `${type} file \`${cell(src.path)}\``;
	if (typeof src.name === 'string') return `${type} \`${cell(src.name)}\``;
	return `${type} (generated${typeof src.samples === 'number' ? `, ${src.samples} samples` : ''})`;
}

export function modelCard(c: CardInput): string {
	const { config, data, evaluation: ev } = c;
	const pre = data.preprocessing;
	const sum = data.summary;
	const classes = pre.label.classes;
	const lines: string[] = [];
	const out = (...l: string[]) => lines.push(...l);
	const taskText =
		pre.task === 'regression'
			? `a number (regression)`
			: pre.task === 'binaryClassification'
				? `one of two classes (binary classification)`
				: `one of ${classes?.length ?? '?'} classes (multiclass classification)`;
	out(`# Model card: ${cell(c.name)}`, '');
	out(
		`This model predicts \`${cell(pre.label.column)}\`, ${taskText}, from ${pre.features.length} feature${pre.features.length === 1 ? '' : 's'} (${pre.inputs.length} model inputs).`,
	);
	if (c.runId) out('', `Run: \`${cell(c.runId)}\`${c.trainedAt ? `, trained ${c.trainedAt}` : ''}. Written by Modelwright.`);
	out('', '## Data', '');
	out(`- Source: ${sourceText(config)}`);
	out(`- Rows: ${sum.rows}${sum.droppedRows ? ` (${sum.droppedRows} more dropped for missing values)` : ''}`);
	out(`- Split: ${sum.split.train} train, ${sum.split.validation} validation, ${sum.split.test} test (seed ${config.seed})`);
	// Class balance over the training rows.
	let counts: number[] | undefined;
	if (classes && data.train.classes) {
		counts = new Array<number>(classes.length).fill(0);
		for (const k of data.train.classes) if (k >= 0) counts[k]!++;
		out('', '### Class balance (training rows)', '', '| class | rows | share |', '|---|---:|---:|');
		const order = counts.map((n, k) => [k, n] as const);
		const shown = order.length <= MAX_CLASS_LINES ? order : [...order].sort((a, b) => b[1] - a[1]).slice(0, MAX_CLASS_LINES);
		for (const [k, n] of shown) out(`| ${cell(classes[k])} | ${n} | ${((100 * n) / Math.max(1, data.train.n)).toFixed(1)}% |`);
		if (shown.length < order.length) out('', `(the ${shown.length} most frequent of ${order.length} classes)`);
	}
	out(
		'',
		'## Preprocessing',
		'',
		'Fitted on the training rows only; stored in `preprocessing.json` and applied by `modelwright predict` and `serve`.',
		'',
	);
	out('| feature | step | missing values | details |', '|---|---|---|---|');
	for (const f of pre.features) {
		const details =
			f.step === 'standardize' && f.params
				? `mean ${fmt(f.params[0])}, std ${fmt(f.params[1])}`
				: f.step === 'minMax' && f.params
					? `min ${fmt(f.params[0])}, max ${fmt(f.params[1])}`
					: f.categories
						? `${f.categories.length} categories: ${f.categories.slice(0, 10).map(cell).join(', ')}${f.categories.length > 10 ? ', …' : ''}`
						: '';
		out(`| ${cell(f.column)} | ${f.step} | ${f.fill}${f.fillValue !== undefined ? ` (${cell(f.fillValue)})` : ''} | ${details} |`);
	}
	out('', `Label \`${cell(pre.label.column)}\` encoded as ${pre.label.encoding}.`);
	out('', '## Architecture', '', '| layer | type | output shape | parameters |', '|---|---|---|---:|');
	for (const l of c.model.layers)
		out(`| ${cell(l.name)} | ${l.getClassName()} | ${cell(JSON.stringify(l.outputShape))} | ${l.countParams()} |`);
	out('', `Total parameters: ${c.model.countParams()}. Input shape ${JSON.stringify(pre.inputShape)}.`);
	const t = config.training as unknown as Record<string, unknown>;
	const opt = (t.optimizer ?? {}) as Record<string, unknown>;
	out('', '## Training', '');
	out(`- Loss: ${String(t.loss)}`);
	out(`- Optimizer: ${String(opt.type)}${typeof opt.learningRate === 'number' ? `, learning rate ${opt.learningRate}` : ''}`);
	out(`- Epochs: ${c.epochs ? `${c.epochs.completed} of ${c.epochs.planned}` : String(t.epochs)}, batch size ${String(t.batchSize)}`);
	out(`- Seed: ${config.seed}${c.backend ? `, backend ${c.backend}` : ''}`);
	if (t.earlyStopping) out(`- Early stopping: ${cell(JSON.stringify(t.earlyStopping))}`);
	out('', '## Evaluation', '');
	if (!ev) out('No evaluation was recorded.');
	else {
		out(`On the ${ev.split} split (${ev.rows} rows).`, '', '| metric | value |', '|---|---:|');
		for (const [k, v] of Object.entries(ev.metrics)) out(`| ${cell(k)} | ${fmt(v)} |`);
		const pc = ev.classification?.perClass;
		if (pc?.length) {
			const shown = pc.length <= MAX_CLASS_LINES ? pc : [...pc].sort((a, b) => b.support - a.support).slice(0, MAX_CLASS_LINES);
			out('', '### Per class', '', '| class | precision | recall | f1 | support |', '|---|---:|---:|---:|---:|');
			for (const r of shown) out(`| ${cell(r.class)} | ${fmt(r.precision)} | ${fmt(r.recall)} | ${fmt(r.f1)} | ${r.support} |`);
			if (shown.length < pc.length) out('', `(the ${shown.length} most supported of ${pc.length} classes)`);
		}
		const imp = ev.importance;
		if (imp) {
			out(
				'',
				'### Feature importance',
				'',
				`Permutation importance: the drop in ${imp.metric} (baseline ${fmt(imp.baseline)}) when a feature's values are shuffled, mean ± std over ${imp.repeats} repeats on ${imp.rows} rows (seed ${imp.seed}).`,
				'',
				'| feature | drop (mean) | std |',
				'|---|---:|---:|',
			);
			for (const f of imp.features) out(`| ${cell(f.feature)} | ${fmt(f.mean)} | ${fmt(f.std)} |`);
		}
		for (const n of ev.notes ?? []) out('', `Note: ${n}`);
	}
	if (c.onnx) append(lines, onnxSection(c.onnx));
	out('', '## Limitations', '');
	const lim: string[] = [];
	if (classes && counts) {
		const few = counts.map((n, k) => [classes[k], n] as const).filter(([, n]) => n < FEW_SAMPLES);
		if (few.length)
			lim.push(
				`${few.length} class${few.length === 1 ? ' has' : 'es have'} fewer than ${FEW_SAMPLES} training rows, so ${few.length === 1 ? 'its' : 'their'} figures are unreliable: ${few
					.slice(0, 20)
					.map(([k, n]) => `${cell(k)} (${n})`)
					.join(', ')}${few.length > 20 ? ', …' : ''}.`,
			);
		const [min, max] = extent(counts);
		if (min > 0 && max / min >= 5)
			lim.push(
				`The classes are imbalanced (the largest has ${(max / min).toFixed(1)}× the rows of the smallest); accuracy alone flatters the model.`,
			);
	}
	if (ev && ev.rows < 100) lim.push(`The evaluation used only ${ev.rows} rows; its metrics could move by several points on other data.`);
	if (ev?.split === 'train') lim.push('The evaluation used the training rows: the metrics overstate how the model does on new data.');
	const cats = pre.features.filter((f) => f.categories);
	if (cats.length)
		lim.push(
			`Categorical features (${cats.map((f) => `\`${cell(f.column)}\``).join(', ')}) accept only the categories seen in training; other values are refused.`,
		);
	const scaled = pre.features.filter((f) => f.step === 'minMax' && f.params);
	if (scaled.length)
		lim.push(
			`Values outside the training range (${scaled.map((f) => `${cell(f.column)} ${fmt(f.params![0])}…${fmt(f.params![1])}`).join(', ')}) are extrapolation.`,
		);
	if (sum.droppedRows) lim.push(`${sum.droppedRows} rows with missing values were dropped; data like them is not represented.`);
	lim.push('The model learned from this data only: it reflects its sampling, and it was not checked for fairness or drift.');
	for (const l of lim) out(`- ${l}`);
	out('');
	return lines.join('\n');
}

/** The card's ONNX section: the file, its versions, inputs and outputs (also appended by `modelwright export --format onnx`). */
export function onnxSection(o: OnnxSummary): string[] {
	const tokenized = o.inputs.filter((i) => i.type === 'int64');
	const lines = [
		'',
		'## ONNX',
		'',
		`\`${ONNX_FILE}\` holds the preprocessing above and the network in one graph (ONNX opset ${o.opset}, IR version ${o.irVersion}${o.usesMl ? ', plus `ai.onnx.ml` for category lookups' : ''}): feed it the raw feature values, one input per column (shapes below)${tokenized.length ? '' : '; it needs nothing but ONNX Runtime'}.`,
		...(tokenized.length
			? [
					'',
					`Tokenized text (${tokenized.map((i) => cell(i.name)).join(', ')}) is the exception: ONNX's standard operators cannot split words by the tokenizer's rules, so the graph takes that column's token ids, int64 [N, maxLength]. \`${TOKENIZER_FILE}\` beside the model (also in the file's metadata, key \`tokenizer\`) holds the fitted vocabulary and settings; docs/export.md shows how to apply it (lowercase, punctuation, split, look up: id 0 pads, id 1 is a word outside the vocabulary, then pad or truncate to maxLength).`,
				]
			: []),
		'',
		'| input | type | shape | missing value |',
		'|---|---|---|---|',
		...o.inputs.map(
			(i) => `| ${cell(i.name)} | ${i.type}${i.meaning ? ` (${cell(i.meaning)})` : ''} | [${i.shape.join(', ')}] | ${cell(i.missing)} |`,
		),
		'',
		'| output | type | shape |',
		'|---|---|---|',
		...o.outputs.map((x) => `| ${cell(x.name)} | ${x.type} | [${x.shape.join(', ')}] |`),
	];
	return lines;
}

/** `card` with its ONNX section replaced by one for `o` (or removed when there is no ONNX file). */
export function withOnnxSection(card: string, o: OnnxSummary | undefined): string {
	const lines = card.split('\n');
	const start = lines.indexOf('## ONNX');
	if (start >= 0) {
		let end = start + 1;
		while (end < lines.length && !lines[end]!.startsWith('## ')) end++;
		lines.splice(start - 1, end - start + 1);
	}
	if (!o) return lines.join('\n');
	let at = lines.indexOf('## Limitations');
	if (at < 0) at = lines.length;
	// One line per input column: spliced in as arguments they would overflow the stack.
	return [...lines.slice(0, at - 1), ...onnxSection(o), ...lines.slice(at - 1)].join('\n');
}

export function writeModelCard(dir: string, input: CardInput): void {
	writeAtomic(path.join(dir, MODEL_CARD_FILE), modelCard(input));
}
