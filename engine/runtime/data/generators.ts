/** Seeded synthetic data sets (columns as in engine/core/data/info.ts staticDataInfo). */
import type { SourceConfig } from '../../core/config/schema';
import { createRng } from '../../core/random';

export type Row = Record<string, number | string | null>;
type Gen = Extract<SourceConfig, { type: 'linear' | 'xor' | 'circles' | 'spirals' | 'blobs' }>;

export function generate(source: Gen, seed: number): Row[] {
	const rng = createRng(seed);
	const rows: Row[] = [];
	switch (source.type) {
		case 'linear': {
			const s = source;
			const n = s.samples ?? 100;
			const slope = s.slope ?? 2;
			const intercept = s.intercept ?? 0;
			const noise = s.noise ?? 1;
			const lo = s.xMin ?? 0;
			const hi = s.xMax ?? 10;
			for (let i = 0; i < n; i++) {
				const x = rng.uniform(lo, hi);
				rows.push({ x, y: slope * x + intercept + rng.normal(0, noise) });
			}
			break;
		}
		case 'xor': {
			const n = source.samples ?? 400;
			const noise = source.noise ?? 0.1;
			for (let i = 0; i < n; i++) {
				const a = rng.uniform(-1, 1);
				const b = rng.uniform(-1, 1);
				rows.push({ x1: a + rng.normal(0, noise), x2: b + rng.normal(0, noise), label: a * b > 0 ? 1 : 0 });
			}
			break;
		}
		case 'circles': {
			const n = source.samples ?? 400;
			const noise = source.noise ?? 0.05;
			const factor = source.factor ?? 0.5;
			for (let i = 0; i < n; i++) {
				const inner = i % 2;
				const t = rng.uniform(0, 2 * Math.PI);
				const r = inner ? factor : 1;
				rows.push({ x1: r * Math.cos(t) + rng.normal(0, noise), x2: r * Math.sin(t) + rng.normal(0, noise), label: inner });
			}
			break;
		}
		case 'spirals': {
			const n = source.samples ?? 400;
			const k = source.classes ?? 2;
			const noise = source.noise ?? 0.1;
			const turns = source.turns ?? 1;
			for (let i = 0; i < n; i++) {
				const c = i % k;
				const t = rng.next();
				const r = 0.05 + 0.95 * t;
				const angle = 2 * Math.PI * turns * t + (2 * Math.PI * c) / k;
				rows.push({ x1: r * Math.cos(angle) + rng.normal(0, noise), x2: r * Math.sin(angle) + rng.normal(0, noise), label: c });
			}
			break;
		}
		case 'blobs': {
			const n = source.samples ?? 300;
			const k = source.centers ?? 3;
			const d = source.features ?? 2;
			const std = source.std ?? 1;
			const centres = Array.from({ length: k }, () => Array.from({ length: d }, () => rng.uniform(-10, 10)));
			for (let i = 0; i < n; i++) {
				const c = i % k;
				const row: Row = {};
				for (let j = 0; j < d; j++) row[`x${j + 1}`] = centres[c]![j]! + rng.normal(0, std);
				row.label = c;
				rows.push(row);
			}
			break;
		}
	}
	return rows;
}
