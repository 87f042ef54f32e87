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

/** Least-squares line y ≈ slope·x + intercept, and its R² (1 when the points lie on the line). */
export function linearFit(xs: readonly number[], ys: readonly number[]): { slope: number; intercept: number; r2: number } | undefined {
	let n = 0,
		sx = 0,
		sy = 0;
	for (let i = 0; i < xs.length; i++)
		if (Number.isFinite(xs[i]) && Number.isFinite(ys[i])) {
			n++;
			sx += xs[i]!;
			sy += ys[i]!;
		}
	if (n < 2) return undefined;
	const mx = sx / n,
		my = sy / n;
	let sxx = 0,
		sxy = 0,
		syy = 0;
	for (let i = 0; i < xs.length; i++)
		if (Number.isFinite(xs[i]) && Number.isFinite(ys[i])) {
			const dx = xs[i]! - mx,
				dy = ys[i]! - my;
			sxx += dx * dx;
			sxy += dx * dy;
			syy += dy * dy;
		}
	if (sxx === 0) return undefined;
	const slope = sxy / sxx;
	return { slope, intercept: my - slope * mx, r2: syy === 0 ? 1 : (sxy * sxy) / (sxx * syy) };
}
