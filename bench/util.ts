/** Small timing helpers shared by the benchmark suites. */
import { performance } from 'node:perf_hooks';

export interface Stats {
	median: number;
	p95: number;
	mean: number;
	n: number;
}

export function stats(samples: number[]): Stats {
	const s = [...samples].sort((a, b) => a - b);
	const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
	return { median: at(0.5), p95: at(0.95), mean: s.reduce((a, b) => a + b, 0) / Math.max(1, s.length), n: s.length };
}

/** Times `fn` `runs` times after `warmup` untimed calls; milliseconds. */
export function timeSync(fn: () => void, runs: number, warmup = Math.ceil(runs / 10)): Stats {
	for (let i = 0; i < warmup; i++) fn();
	const out: number[] = [];
	for (let i = 0; i < runs; i++) {
		const t = performance.now();
		fn();
		out.push(performance.now() - t);
	}
	return stats(out);
}

export const ms = (v: number) => `${v < 1 ? v.toFixed(3) : v < 100 ? v.toFixed(2) : v.toFixed(0)} ms`;

export function printTable(head: string[], rows: (string | number)[][]): void {
	const cells = [head, ...rows.map((r) => r.map(String))];
	const w = head.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
	for (const [i, r] of cells.entries()) {
		console.log(r.map((c, j) => (j === 0 ? c.padEnd(w[j]!) : c.padStart(w[j]!))).join('  '));
		if (i === 0) console.log(w.map((x) => '-'.repeat(x)).join('  '));
	}
}
