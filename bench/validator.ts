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
}
