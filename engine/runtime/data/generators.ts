/**
 * Seeded synthetic data sets (columns as in engine/core/data/info.ts staticDataInfo), written straight
 * into float64 columns: ten million samples are a few typed arrays, no row objects.
 */
import type { SourceConfig } from '../../core/config/schema';
import { createRng } from '../../core/random';
import { tableRows, type Column, type Row, type Table } from './table';

export type { Row };
type Gen = Extract<SourceConfig, { type: 'linear' | 'xor' | 'circles' | 'spirals' | 'blobs' }>;

function table(cols: [string, Float64Array][]): Table {
	const data = new Map<string, Column>(cols.map(([name, values]) => [name, { kind: 'number', values }]));
	return { n: cols[0]![1].length, columns: cols.map((c) => c[0]), data };
}

/** The generated columns; every value is drawn in the same order as one row after another. */
export function generateTable(source: Gen, seed: number): Table {
	const rng = createRng(seed);
	switch (source.type) {
		case 'linear': {
			const s = source;
			const n = s.samples ?? 100;
			const slope = s.slope ?? 2;
			const intercept = s.intercept ?? 0;
			const noise = s.noise ?? 1;
			const lo = s.xMin ?? 0;
			const hi = s.xMax ?? 10;
			const x = new Float64Array(n);
			const y = new Float64Array(n);
			for (let i = 0; i < n; i++) {
				const v = rng.uniform(lo, hi);
				x[i] = v;
				y[i] = slope * v + intercept + rng.normal(0, noise);
			}
			return table([
				['x', x],
				['y', y],
			]);
		}
		case 'xor': {
			const n = source.samples ?? 400;
			const noise = source.noise ?? 0.1;
			const [x1, x2, label] = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
			for (let i = 0; i < n; i++) {
				const a = rng.uniform(-1, 1);
				const b = rng.uniform(-1, 1);
				x1[i] = a + rng.normal(0, noise);
				x2[i] = b + rng.normal(0, noise);
				label[i] = a * b > 0 ? 1 : 0;
			}
			return table([
				['x1', x1],
				['x2', x2],
				['label', label],
			]);
		}
		case 'circles': {
			const n = source.samples ?? 400;
			const noise = source.noise ?? 0.05;
			const factor = source.factor ?? 0.5;
			const [x1, x2, label] = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
			for (let i = 0; i < n; i++) {
				const inner = i % 2;
				const t = rng.uniform(0, 2 * Math.PI);
				const r = inner ? factor : 1;
				x1[i] = r * Math.cos(t) + rng.normal(0, noise);
				x2[i] = r * Math.sin(t) + rng.normal(0, noise);
				label[i] = inner;
			}
			return table([
				['x1', x1],
				['x2', x2],
				['label', label],
			]);
		}
		case 'spirals': {
			const n = source.samples ?? 400;
			const k = source.classes ?? 2;
			const noise = source.noise ?? 0.1;
			const turns = source.turns ?? 1;
			const [x1, x2, label] = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
			for (let i = 0; i < n; i++) {
				const c = i % k;
				const t = rng.next();
				const r = 0.05 + 0.95 * t;
				const angle = 2 * Math.PI * turns * t + (2 * Math.PI * c) / k;
				x1[i] = r * Math.cos(angle) + rng.normal(0, noise);
				x2[i] = r * Math.sin(angle) + rng.normal(0, noise);
				label[i] = c;
			}
			return table([
				['x1', x1],
				['x2', x2],
				['label', label],
			]);
		}
		case 'blobs': {
			const n = source.samples ?? 300;
			const k = source.centers ?? 3;
			const d = source.features ?? 2;
			const std = source.std ?? 1;
			const centres = Array.from({ length: k }, () => Array.from({ length: d }, () => rng.uniform(-10, 10)));
			const xs = Array.from({ length: d }, () => new Float64Array(n));
			const label = new Float64Array(n);
			for (let i = 0; i < n; i++) {
				const c = i % k;
				for (let j = 0; j < d; j++) xs[j]![i] = centres[c]![j]! + rng.normal(0, std);
				label[i] = c;
			}
			return table([...xs.map((x, j): [string, Float64Array] => [`x${j + 1}`, x]), ['label', label]]);
		}
	}
}

/** The generated data as row objects (small samples: tests, previews). */
export function generate(source: Gen, seed: number): Row[] {
	return tableRows(generateTable(source, seed));
}
