/**
 * The schema's formulas are LaTeX (`$…$`), which docs/config.md keeps (GitHub renders it). Hovers
 * and completion docs cannot render math — VS Code's Markdown shows `\hat{v}_t` with the
 * underscores taken as italics, Neovim shows the raw text — so they get readable Unicode instead:
 * m̂ₜ = mₜ / (1 − β₁ᵗ), θₜ = θₜ₋₁ − α·m̂ₜ / (√v̂ₜ + ε). Covers the LaTeX the schema uses.
 *
 * Scripts, one convention everywhere: a subscript or superscript whose every character has a
 * Unicode script glyph is written with them (xᵢ, θₜ₋₁, nᵢₙ, β₁ᵗ). Otherwise (Q, K, ff, α, θ: no
 * subscript glyphs exist) the term is written plainly as `W_Q`, `d_ff`, `∇_θ` inside a Markdown code
 * span — the only form every client shows as written (a bare `_` turns into italics, braces and
 * `d_(ff)` read as code, not maths). A superscript without glyphs keeps its group in parentheses,
 * `e^(zᵢ)`, which Markdown leaves alone; it joins a code span only when it holds a plain subscript.
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
	odot: '⊙',
	dots: '…',
	ldots: '…',
	cdots: '⋯',
	'|': '‖',
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
	sin: 'sin',
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
	φ: 'ᵩ',
	χ: 'ᵪ',
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

/** Private-use marks around a code span while converting (spans never nest); mathToUnicode writes backticks. */
const OPEN = '\uE000';
const CLOSE = '\uE001';
const unmarked = (x: string) => x.replace(/[\uE000\uE001]/g, '');
/** The term a script attaches to: the word that ends the text so far (letters with accents, digits, ∇, primes). */
const BASE = /[\p{L}\p{M}\p{N}∇']*$/u;
/** Operator names written with a space before what follows (`log cosh`, `arg max`). */
const OPERATORS = new Set(['log', 'ln', 'exp', 'sin', 'cos', 'cosh', 'tanh', 'max', 'min', 'arg']);

/** `out` with the script `x` attached (see the convention above). */
function script(out: string, x: string, sub: boolean): string {
	const table = sub ? SUB : SUP;
	const chars = [...x];
	if (chars.length && chars.every((c) => table[c] !== undefined)) return out + chars.map((c) => table[c]).join('');
	let base = BASE.exec(out)![0];
	let head = out.slice(0, out.length - base.length);
	// The term is itself a code span (`σ_B`²'s `σ_B`): the script joins it.
	if (!base && head.endsWith(CLOSE) && head.includes(OPEN)) {
		const start = head.lastIndexOf(OPEN);
		base = unmarked(head.slice(start));
		head = head.slice(0, start);
	}
	if (sub) return `${head}${OPEN}${base}_${unmarked(x).replace(/\s+/g, '')}${CLOSE}`;
	const sup = chars.length > 1 ? `(${unmarked(x)})` : x;
	return x.includes(OPEN) ? `${head}${OPEN}${base}^${sup}${CLOSE}` : `${head}${base}^${sup}`;
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
			} else {
				out += SYMBOLS[name] ?? name;
				// `\log\cosh` is "log cosh", not "logcosh".
				if (OPERATORS.has(name) && s[i] === '\\') out += ' ';
			}
		} else if (c === '_' || c === '^') {
			const [a, j] = arg(s, i + 1);
			i = j;
			out = script(out, convert(a), c === '_');
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
	// `\left( … \right)` leaves the spaces inside the brackets.
	return out.replace(/ {2,}/g, ' ').replace(/\( /g, '(').replace(/ \)/g, ')');
}

/** Replaces every `$…$` span of a text with readable Unicode; text outside the spans is kept. */
export function mathToUnicode(text: string): string {
	return text.replace(/\$([^$]+)\$/g, (_, tex: string) => convert(tex).replace(/[\uE000\uE001]/g, '`'));
}
