/**
 * Colours for canvas drawing. Canvas cannot use `var(--…)`, so the VS Code theme variables are
 * read from the computed style, with fallbacks for pages shown outside VS Code.
 */

export function cssVar(name: string, fallback: string): string {
	const v =
		getComputedStyle(document.documentElement).getPropertyValue(name).trim() ||
		getComputedStyle(document.body).getPropertyValue(name).trim();
	return v || fallback;
}

export interface Theme {
	background: string;
	foreground: string;
	muted: string;
	grid: string;
	error: string;
	warning: string;
	palette: string[];
	font: string;
}

const EXTRA = ['#17becf', '#e377c2', '#8c564b', '#bcbd22', '#7f7f7f', '#aec7e8', '#ffbb78', '#98df8a', '#ff9896', '#c5b0d5'];

export function readTheme(): Theme {
	const foreground = cssVar('--vscode-editor-foreground', cssVar('--vscode-foreground', '#1f1f1f'));
	return {
		background: cssVar('--vscode-editor-background', '#ffffff'),
		foreground,
		muted: cssVar('--vscode-descriptionForeground', '#717171'),
		grid: cssVar('--vscode-editorWidget-border', 'rgba(128,128,128,0.25)'),
		error: cssVar('--vscode-charts-red', '#e51400'),
		warning: cssVar('--vscode-charts-yellow', '#bf8803'),
		palette: [
			cssVar('--vscode-charts-blue', '#1a85ff'),
			cssVar('--vscode-charts-orange', '#d18616'),
			cssVar('--vscode-charts-green', '#388a34'),
			cssVar('--vscode-charts-purple', '#652d90'),
			cssVar('--vscode-charts-red', '#e51400'),
			cssVar('--vscode-charts-yellow', '#bf8803'),
			...EXTRA,
		],
		font: `12px ${cssVar('--vscode-font-family', 'system-ui, sans-serif')}`,
	};
}

/** Colour `i` of the palette; beyond it, evenly spaced hues so 50 runs stay distinguishable. */
export function paletteColor(theme: Theme, i: number): string {
	if (i < theme.palette.length) return theme.palette[i]!;
	return `hsl(${Math.round((i * 137.508) % 360)}, 65%, 50%)`;
}

/** `color` at `alpha`, for any CSS colour form the canvas understands. */
export function withAlpha(color: string, alpha: number): string {
	const c = color.trim();
	const hex = /^#([0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})$/i.exec(c);
	if (hex) {
		let x = hex[1]!;
		if (x.length === 3)
			x = x
				.split('')
				.map((d) => d + d)
				.join('');
		const [r, g, b] = [0, 2, 4].map((o) => parseInt(x.slice(o, o + 2), 16));
		return `rgba(${r},${g},${b},${alpha})`;
	}
	const fn = /^(rgba?|hsla?)\(([^)]*)\)$/i.exec(c);
	if (fn) {
		const parts = fn[2]!
			.split(/[\s,/]+/)
			.filter(Boolean)
			.slice(0, 3);
		const kind = fn[1]!.toLowerCase().startsWith('hsl') ? 'hsla' : 'rgba';
		return `${kind}(${parts.join(',')},${alpha})`;
	}
	return c;
}

/** Calls `fn` when VS Code switches theme (it changes the body class and the variables). */
export function onThemeChange(fn: () => void): void {
	new MutationObserver(fn).observe(document.body, { attributes: true, attributeFilter: ['class'] });
}
