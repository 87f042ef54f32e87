/** "Did you mean" suggestions: Damerau-Levenshtein distance, case-insensitive. */

export function editDistance(a: string, b: string): number {
	const s = a.toLowerCase();
	const t = b.toLowerCase();
	const m = s.length;
	const n = t.length;
	if (Math.abs(m - n) > 8) return Math.abs(m - n);
	// Three rolling rows (i-2, i-1, i) instead of a fresh (m+1)×(n+1) matrix per call.
	let prev2 = new Uint16Array(n + 1);
	let prev = Uint16Array.from({ length: n + 1 }, (_, j) => j);
	let cur = new Uint16Array(n + 1);
	for (let i = 1; i <= m; i++) {
		cur[0] = i;
		for (let j = 1; j <= n; j++) {
			const cost = s[i - 1] === t[j - 1] ? 0 : 1;
			let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
			if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) v = Math.min(v, prev2[j - 2]! + 1);
			cur[j] = v;
		}
		[prev2, prev, cur] = [prev, cur, prev2];
	}
	return prev[n]!;
}

/** The closest candidate within a distance that scales with the word's length, if any. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
	if (word.length > 64) return undefined;
	let best: string | undefined;
	let bestD = Infinity;
	const limit = Math.max(2, Math.floor(word.length / 3));
	const lower = word.toLowerCase();
	for (const c of candidates) {
		// The length difference bounds the distance from below: skip what cannot be within the limit.
		if (Math.abs(c.length - word.length) > limit) continue;
		const d = c.toLowerCase() === lower ? 0.5 : editDistance(word, c);
		if (d < bestD) {
			bestD = d;
			best = c;
		}
	}
	if (best !== undefined && bestD <= limit) return best;
	// A prefix match ("conv" → "conv1d") is still a useful hint.
	return word.length >= 3 ? candidates.find((c) => c.toLowerCase().startsWith(lower)) : undefined;
}
