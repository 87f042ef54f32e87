/**
 * Text renderings of a model: a Keras-style summary table and a Mermaid flowchart of the
 * pipeline and the layer graph (used by `modelwright inspect` and the architecture panel).
 */
import type { ResolvedConfig } from '../config/resolve';
import type { DataSummary } from '../config/semantic';
import { MODEL_INPUT } from '../config/schema';
import { maxOf } from '../arrays';
import { formatShape, type ModelShapeInfo } from './infer';

const n = (v: number | undefined) => (v === undefined ? '?' : v.toLocaleString('en-US'));

export function summaryTable(name: string, shapes: ModelShapeInfo, data?: DataSummary): string {
	// A layer graph gets Keras's "Connected to" column; a plain stack keeps three.
	const graph = shapes.layers.some((l, i) => l.from.join() !== (i === 0 ? MODEL_INPUT : shapes.layers[i - 1]!.name));
	const rows = shapes.layers.map((l) => [
		`${l.name} (${l.type})`,
		formatShape(l.outputShape),
		n(l.trainableParams === undefined ? undefined : l.trainableParams + (l.nonTrainableParams ?? 0)),
		...(graph ? [l.from.join(', ')] : []),
	]);
	const head = ['Layer (type)', 'Output shape', 'Param #', ...(graph ? ['Connected to'] : [])];
	const w = head.map((h, i) => Math.max(h.length, maxOf(rows.map((r) => r[i]!.length))));
	const line = (cells: string[]) =>
		cells
			.map((c, i) => (i === 2 ? c.padStart(w[i]!) : i === cells.length - 1 ? c : c.padEnd(w[i]!)))
			.join('   ')
			.trimEnd();
	const rule = (ch: string) => ch.repeat(w.reduce((a, b) => a + b, 0) + 3 * (w.length - 1));
	const out = [`Model: "${name}"`];
	// Named inputs (`model.inputs`): one line each.
	if (shapes.inputs?.length) for (const i of shapes.inputs) out.push(`Input \`${i.name}\`: ${formatShape(i.shape)}`);
	else if (data?.inputShape && data.features?.includes('image'))
		out.push(`Input: ${formatShape(shapes.inputShape)} images${data.info?.rows !== undefined ? ` (${data.info.rows} files)` : ''}`);
	else if (data?.features)
		out.push(
			`Input: ${formatShape(shapes.inputShape)} from ${data.features.length} feature column${data.features.length === 1 ? '' : 's'} (${data.features.join(', ')})`,
		);
	else out.push(`Input: ${formatShape(shapes.inputShape)}`);
	if (data?.label)
		out.push(`Label: ${data.label}${data.task ? ` (${data.task}${data.classes ? `, ${data.classes.length} classes` : ''})` : ''}`);
	out.push(rule('━'), line(head), rule('━'));
	for (const r of rows) out.push(line(r));
	out.push(rule('━'));
	out.push(
		`Total params: ${n(shapes.totalParams)}`,
		`Trainable params: ${n(shapes.trainableParams)}`,
		`Non-trainable params: ${n(shapes.nonTrainableParams)}`,
	);
	return out.join('\n');
}

/** Mermaid label text: no quotes, brackets or markup from user strings. */
function label(text: string): string {
	return text
		.replace(/["<>`{}[\]|#]/g, ' ')
		.replace(/\s+/g, ' ')
		.trim();
}

export function toMermaid(cfg: ResolvedConfig, shapes: ModelShapeInfo | undefined, data?: DataSummary): string {
	const lines = ['flowchart TD'];
	const src = cfg.data.source;
	const prep =
		[
			cfg.data.scale !== 'none' ? `scale ${cfg.data.scale}` : '',
			Object.keys(cfg.data.preprocessing ?? {}).length ? `${Object.keys(cfg.data.preprocessing ?? {}).length} column steps` : '',
		]
			.filter(Boolean)
			.join(', ') || 'none';
	const split = cfg.data.split;
	const splitText = split.folds ? `${split.folds} folds` : `validation ${split.validation}, test ${split.test}`;
	lines.push('  subgraph pipeline [Pipeline]', '    direction LR');
	lines.push(
		`    P1["data: ${label(src.type === 'csv' || src.type === 'json' ? `${src.type} ${src.path}` : src.type === 'dataset' ? `dataset ${src.name}` : src.type)}"]`,
	);
	lines.push(`    P2["preprocessing: ${label(prep)}"]`);
	lines.push(`    P3["split: ${label(splitText)}"]`);
	lines.push(
		`    P4["model: ${cfg.model.layers.length} layers${shapes?.totalParams !== undefined ? `, ${n(shapes.totalParams)} params` : ''}"]`,
	);
	lines.push(`    P5["training: ${label(`${cfg.training.loss}, ${cfg.training.optimizer.type}, ${cfg.training.epochs} epochs`)}"]`);
	const stages = ['P1', 'P2', 'P3', 'P4', 'P5'];
	if (cfg.tuning) {
		lines.push(`    P6["tuning: ${label(`${cfg.tuning.strategy}, ${cfg.tuning.trials} trials`)}"]`);
		stages.push('P6');
	}
	lines.push(`    P7["evaluation: ${label(cfg.evaluation.split)}"]`, `    P8["export: ${label(cfg.export.path ?? 'run folder')}"]`);
	stages.push('P7', 'P8');
	lines.push(`    ${stages.join(' --> ')}`, '  end');
	lines.push('  subgraph layers [Layers]', '    direction TB');
	// Named inputs (`model.inputs`) are nodes I0, I1, …; the one input of a plain model is L0.
	const named = shapes?.inputs ?? [];
	if (named.length) named.forEach((inp, k) => lines.push(`    I${k}(["${label(inp.name)} ${formatShape(inp.shape)}"])`));
	else lines.push(`    L0(["input ${formatShape(shapes?.inputShape)}${data?.features ? `: ${label(data.features.join(', '))}` : ''}"])`);
	const node = (s: number) => (s < 0 && named.length ? `I${-1 - s}` : `L${s + 1}`);
	const shapeOf = (s: number) => (s >= 0 ? shapes!.layers[s]!.outputShape : named.length ? named[-1 - s]!.shape : shapes!.inputShape);
	shapes?.layers.forEach((l, i) => {
		const params = l.trainableParams === undefined ? '' : ` · ${n(l.trainableParams + (l.nonTrainableParams ?? 0))} params`;
		lines.push(`    L${i + 1}["${label(l.name)} (${l.type})${params}"]`);
		// Edges from what the layer takes (`from`): the previous layer, an earlier one, or the input (L0).
		for (const s of l.sources) lines.push(`    ${node(s)} -->|"${formatShape(shapeOf(s))}"| L${i + 1}`);
	});
	lines.push('  end');
	return lines.join('\n');
}
