/** "Did you mean" suggestions: Damerau-Levenshtein distance, case-insensitive. */

export function editDistance(a: string, b: string): number {
	const s = a.toLowerCase();
	const t = b.toLowerCase();
	const m = s.length;
	const n = t.length;
	if (Math.abs(m - n) > 8) return Math.abs(m - n);
	const d: number[][] = Array.from({ length: m + 1 }, (_, i) => Array.from({ length: n + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
	for (let i = 1; i <= m; i++) {
		for (let j = 1; j <= n; j++) {
			const cost = s[i - 1] === t[j - 1] ? 0 : 1;
			let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
			if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
			d[i]![j] = v;
		}
	}
	return d[m]![n]!;
}

/** The closest candidate within a distance that scales with the word's length, if any. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
	if (word.length > 64) return undefined;
	let best: string | undefined;
	let bestD = Infinity;
	const limit = Math.max(2, Math.floor(word.length / 3));
	for (const c of candidates) {
		const d = c.toLowerCase() === word.toLowerCase() ? 0.5 : editDistance(word, c);
		if (d < bestD) {
			bestD = d;
			best = c;
		}
	}
	if (best !== undefined && bestD <= limit) return best;
	// A prefix match ("conv" → "conv1d") is still a useful hint.
	return word.length >= 3 ? candidates.find((c) => c.toLowerCase().startsWith(word.toLowerCase())) : undefined;
}
