/**
 * Numbers and durations as every surface states them (CLI, toasts, status bar, panels): one
 * formatter, so a panel does not show "0.9023569" beside "0.9". Pure: webviews import it.
 */
import { format, getLocale, type Locale } from './l10n';

/** Trailing zeros of a fixed or exponential rendering: "0.9000" → "0.9", "1.200e-5" → "1.2e-5". */
function trimZeros(s: string): string {
	return s.replace(/(\.\d*?)0+(e|$)/, '$1$2').replace(/\.(e|$)/, '$1');
}

/**
 * `digits` significant digits (default 4): 0.9024, 12.35, 1235, 12346 (no exponent below 10¹⁵ for
 * numbers ≥ 1: the integer part is never cut), 1.235e-5 below 10⁻⁴. Integers print whole.
 */
export function formatNumber(v: number, digits = 4): string {
	if (Number.isNaN(v)) return 'NaN';
	if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
	const a = Math.abs(v);
	if (Number.isInteger(v) && a < 1e15) return String(v);
	if (a >= 1e15 || (a !== 0 && a < 1e-4)) return trimZeros(v.toExponential(Math.max(0, digits - 1)));
	// Rounding can carry into one more digit (9999.5 → "1.000e+4"): print such values whole.
	const p = v.toPrecision(digits);
	if (a >= 10 ** digits || p.includes('e')) return String(Math.round(v));
	return trimZeros(p);
}

/**
 * A mean and its spread, the spread to 2 significant digits and the mean to the same decimal
 * place: "0.729 ± 0.036". No "± 0" (one value, or all equal): the mean alone.
 */
export function formatMeanStd(mean: number, std: number | undefined, digits = 4): string {
	const parts = meanStdParts(mean, std, digits);
	return parts.std === undefined ? parts.mean : `${parts.mean} ± ${parts.std}`;
}

/** formatMeanStd's two numbers, for surfaces that style the spread apart. */
export function meanStdParts(mean: number, std: number | undefined, digits = 4): { mean: string; std?: string } {
	if (std === undefined || !Number.isFinite(std) || std <= 0 || !Number.isFinite(mean)) return { mean: formatNumber(mean, digits) };
	const s = Number(std.toPrecision(2));
	const decimals = 1 - Math.floor(Math.log10(s));
	// A spread far below the mean's own precision (or a huge one): each number on its own.
	if (decimals > 10 || decimals < -15 || s < Math.abs(mean) * 1e-6) return { mean: formatNumber(mean, digits), std: formatNumber(s, 2) };
	if (decimals <= 0) return { mean: String(Math.round(mean)), std: String(Math.round(s)) };
	return { mean: mean.toFixed(decimals), std: s.toFixed(decimals) };
}

/** Duration units per locale: one formatter, the words from this table. */
const DURATION = {
	en: { s: '{s}s', ms: '{m}m{s}s', hm: '{h}h{m}m' },
	'zh-cn': { s: '{s} 秒', ms: '{m} 分 {s} 秒', hm: '{h} 小时 {m} 分' },
} as const satisfies Record<Locale, Record<'s' | 'ms' | 'hm', string>>;

/**
 * A duration: "0.4s", "2.6s", "12s", "1m05s", "1h02m" (zh-CN: "2.6 秒", "1 分 05 秒", "1 小时 02 分").
 * In the process's locale unless one is given (a panel passes its page's).
 */
export function formatDuration(ms: number, locale: Locale = getLocale()): string {
	if (!Number.isFinite(ms) || ms < 0) return '–';
	const u = DURATION[locale];
	const s = ms / 1000;
	if (s < 10) return format(u.s, { s: Number(s.toFixed(1)) });
	const whole = Math.round(s);
	if (whole < 60) return format(u.s, { s: whole });
	if (whole < 3600) return format(u.ms, { m: Math.floor(whole / 60), s: String(whole % 60).padStart(2, '0') });
	const m = Math.round(whole / 60);
	return format(u.hm, { h: Math.floor(m / 60), m: String(m % 60).padStart(2, '0') });
}

/** Progress measured after the first step: when it ended and how many steps were done then. */
export interface PaceMark {
	at: number;
	done: number;
}

/**
 * Time left for `total` steps at the pace measured since `since` (the end of the first step: the
 * first epoch or trial carries the warm-up — compilation, a worker loading TensorFlow.js — and
 * would inflate the estimate several times over). Undefined until a step after it has ended.
 */
export function remainingMs(since: PaceMark | undefined, now: number, done: number, total: number): number | undefined {
	if (!since || done <= since.done || total <= done) return undefined;
	return ((now - since.at) / (done - since.done)) * (total - done);
}
