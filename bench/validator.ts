/** Validator latency on a typical and a large config: the cost of one keystroke in the editor. */
import { validateText } from '../engine/core/config/validate';
import { TYPICAL_CONFIG, largeConfig } from './fixtures';
import { ms, printTable, timeSync } from './util';

export async function validatorBench(): Promise<void> {
	const sizes: [string, string][] = [
		['typical', TYPICAL_CONFIG],
		['1,000 lines', largeConfig(1000)],
		['5,000 lines', largeConfig(5000)],
	];
	const rows: (string | number)[][] = [];
	for (const [label, text] of sizes) {
		const lines = text.split('\n').length;
		const r = validateText(text);
		if (r.diagnostics.some((d) => d.severity === 'error'))
			throw new Error(`bench config "${label}" has errors: ${r.diagnostics[0]?.message}`);
		const runs = lines > 2000 ? 30 : lines > 500 ? 100 : 500;
		const s = timeSync(() => validateText(text), runs);
		rows.push([label, lines, ms(s.median), ms(s.p95), ms((s.median / lines) * 1000)]);
	}
	printTable(['config', 'lines', 'median', 'p95', 'per 1,000 lines'], rows);
	console.log('target: ≤ 2 ms median for the typical config');

	// Hostile sizes (issue #11): unknown keys were quadratic (20k took 37 s, 200k never finished).
	const head =
		'data: {source: {type: xor}}\nmodel: {layers: [{type: dense, units: 1, activation: sigmoid}]}\ntraining: {loss: binaryCrossentropy}\n';
	const hostile: [string, string][] = [
		['20k unknown keys', head + Array.from({ length: 20_000 }, (_, i) => `unknownKey${i}: ${i}`).join('\n')],
		['200k unknown keys', head + Array.from({ length: 200_000 }, (_, i) => `unknownKey${i}: ${i}`).join('\n')],
		[
			'200k-item list',
			`data: {source: {type: xor}, features: [${Array.from({ length: 200_000 }, (_, i) => `f${i}`).join(', ')}]}\n${head.slice(head.indexOf('model'))}`,
		],
	];
	const hrows: (string | number)[][] = [];
	for (const [label, text] of hostile) {
		const s = timeSync(() => validateText(text), 3);
		hrows.push([label, text.split('\n').length, ms(s.median)]);
	}
	printTable(['hostile config', 'lines', 'median'], hrows);
}
