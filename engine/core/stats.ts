/**
 * Summary statistics as every report states them: the mean, and the *population* standard
 * deviation (divide by n, numpy's default `std()`), so "0.729 ± 0.036" means the same in
 * `modelwright cv`, `tune` and the panels.
 */
export interface MeanStd {
	mean: number;
	/** Population standard deviation (ddof = 0). */
	std: number;
	n: number;
}

export function meanStd(xs: readonly number[]): MeanStd {
	const n = xs.length;
	if (!n) return { mean: NaN, std: NaN, n };
	let sum = 0;
	for (const x of xs) sum += x;
	const mean = sum / n;
	let ss = 0;
	for (const x of xs) ss += (x - mean) ** 2;
	return { mean, std: Math.sqrt(ss / n), n };
}
