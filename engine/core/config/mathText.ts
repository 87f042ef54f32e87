/**
 * The schema's formulas are LaTeX (`$…$`), which docs/config.md keeps (GitHub renders it). Hovers
 * and completion docs cannot render math — VS Code's Markdown shows `\hat{v}_t` with the
 * underscores taken as italics, Neovim shows the raw text — so they get readable Unicode instead:
 * m̂ₜ = mₜ / (1 − β₁ᵗ), θₜ = θₜ₋₁ − α·m̂ₜ / (√v̂ₜ + ε). Covers the LaTeX the schema uses.
 */

const SYMBOLS: Record<string, string> = {
	alpha: 'α',
	beta: 'β',
	gamma: 'γ',
	delta: 'δ',
	Delta: 'Δ',
	epsilon: 'ε',
	varepsilon: 'ε',
	theta: 'θ',
	lambda: 'λ',
	mu: 'μ',
	pi: 'π',
	rho: 'ρ',
	sigma: 'σ',
	Omega: 'Ω',
	Phi: 'Φ',
	nabla: '∇',
	sum: 'Σ',
	cdot: '·',
	approx: '≈',
	sim: '~',
	lfloor: '⌊',
	rfloor: '⌋',
	infty: '∞',
	le: '≤',
	ge: '≥',
	times: '×',
	pm: '±',
	log: 'log',
	ln: 'ln',
	exp: 'exp',
	cos: 'cos',
	cosh: 'cosh',
	tanh: 'tanh',
	max: 'max',
	min: 'min',
	arg: 'arg',
	left: '',
	right: '',
	',': ' ',
	';': ' ',
	'!': '',
	quad: ' ',
};
const SUB: Record<string, string> = {
	'0': '₀',
	'1': '₁',
	'2': '₂',
	'3': '₃',
	'4': '₄',
	'5': '₅',
	'6': '₆',
	'7': '₇',
	'8': '₈',
	'9': '₉',
	'+': '₊',
	'-': '₋',
	'−': '₋',
	'=': '₌',
	'(': '₍',
	')': '₎',
	a: 'ₐ',
	e: 'ₑ',
	h: 'ₕ',
	i: 'ᵢ',
	j: 'ⱼ',
	k: 'ₖ',
	l: 'ₗ',
	m: 'ₘ',
	n: 'ₙ',
	o: 'ₒ',
	p: 'ₚ',
	r: 'ᵣ',
	s: 'ₛ',
	t: 'ₜ',
	u: 'ᵤ',
	v: 'ᵥ',
	x: 'ₓ',
	β: 'ᵦ',
	γ: 'ᵧ',
	ρ: 'ᵨ',
	θ: 'θ',
	δ: 'δ',
};
const SUP: Record<string, string> = {
	'0': '⁰',
	'1': '¹',
	'2': '²',
	'3': '³',
	'4': '⁴',
	'5': '⁵',
	'6': '⁶',
	'7': '⁷',
	'8': '⁸',
	'9': '⁹',
	'+': '⁺',
	'-': '⁻',
	'−': '⁻',
	'=': '⁼',
	'(': '⁽',
	')': '⁾',
	a: 'ᵃ',
	b: 'ᵇ',
	c: 'ᶜ',
	d: 'ᵈ',
	e: 'ᵉ',
	f: 'ᶠ',
	g: 'ᵍ',
	h: 'ʰ',
	i: 'ⁱ',
	j: 'ʲ',
	k: 'ᵏ',
	l: 'ˡ',
	m: 'ᵐ',
	n: 'ⁿ',
	o: 'ᵒ',
	p: 'ᵖ',
	r: 'ʳ',
	s: 'ˢ',
	t: 'ᵗ',
	u: 'ᵘ',
	v: 'ᵛ',
	w: 'ʷ',
	x: 'ˣ',
	y: 'ʸ',
	z: 'ᶻ',
	K: 'ᴷ',
	T: 'ᵀ',
};
const ACCENTS: Record<string, string> = { hat: '\u0302', bar: '\u0304', tilde: '\u0303', dot: '\u0307' };

/** Reads one argument at `i`: a `{…}` group or a single token. */
function arg(s: string, i: number): [string, number] {
	while (s[i] === ' ') i++;
	if (s[i] === '{') {
		let depth = 0;
		for (let j = i; j < s.length; j++) {
			if (s[j] === '{') depth++;
			else if (s[j] === '}' && --depth === 0) return [s.slice(i + 1, j), j + 1];
		}
		return [s.slice(i + 1), s.length];
	}
	if (s[i] === '\\') {
		const m = /^\\([A-Za-z]+|.)/.exec(s.slice(i))!;
		return [m[0], i + m[0].length];
	}
	return [s[i] ?? '', i + 1];
}

/** A piece needs brackets around it when it holds an operator or a space. */
const wrap = (x: string) => (!/[\s+\-−/·,=<>]/.test(x) || /^\([^()]*\)$/.test(x) ? x : `(${x})`);

function script(x: string, table: Record<string, string>, mark: string): string {
	const chars = [...x];
	if (chars.every((c) => table[c] !== undefined)) return chars.map((c) => table[c]).join('');
	return `${mark}${[...x].length > 1 ? `(${x})` : x}`;
}

function convert(s: string): string {
	let out = '';
	let i = 0;
	while (i < s.length) {
		const c = s[i]!;
		if (c === '\\') {
			const m = /^\\([A-Za-z]+|.)/.exec(s.slice(i))!;
			const name = m[1]!;
			i += m[0].length;
			if (name === 'frac') {
				const [a, j] = arg(s, i);
				const [b, k] = arg(s, j);
				i = k;
				out += `${wrap(convert(a))}/${wrap(convert(b))}`;
				// "1/n Σᵢ", not "1/nΣᵢ".
				if (/^\s*[\\\w(|[]/.test(s.slice(i)) && !/^\s/.test(s.slice(i))) out += ' ';
			} else if (name === 'sqrt') {
				const [a, j] = arg(s, i);
				i = j;
				out += `√${wrap(convert(a))}`;
			} else if (name === 'mathrm' || name === 'text' || name === 'operatorname') {
				const [a, j] = arg(s, i);
				i = j;
				out += convert(a);
			} else if (ACCENTS[name]) {
				const [a, j] = arg(s, i);
				i = j;
				const inner = convert(a);
				out += [...inner].length === 1 ? inner + ACCENTS[name] : `${name}(${inner})`;
			} else out += SYMBOLS[name] ?? name;
		} else if (c === '_' || c === '^') {
			const [a, j] = arg(s, i + 1);
			i = j;
			out += script(convert(a), c === '_' ? SUB : SUP, c === '_' ? '_' : '^');
		} else if (c === '{' || c === '}') i++;
		else if (c === '-' && s[i - 1] !== 'e') {
			// A minus between terms reads better as the real minus sign.
			out += '−';
			i++;
		} else {
			out += c;
			i++;
		}
	}
	return out.replace(/ {2,}/g, ' ');
}

/** Replaces every `$…$` span of a text with readable Unicode; text outside the spans is kept. */
export function mathToUnicode(text: string): string {
	return text.replace(/\$([^$]+)\$/g, (_, tex: string) => convert(tex));
}
