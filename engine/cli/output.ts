/**
 * Everything the CLI prints passes through here (main.ts wraps the command's output functions):
 * text from configs, data files and run folders may hold terminal control sequences (retitle,
 * clear, hyperlinks) or megabytes of one value, so control characters are escaped and echoed
 * values are capped. The escapes are JSON string escapes, so `--json` output stays valid JSON.
 */
import type { CliIO } from './command';

/** C0 controls but tab and newline, DEL, C1 controls, and the bidirectional overrides that reorder what a line shows. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** `\u001b` for ESC and so on: shown, never obeyed by the terminal. */
export function escapeControl(text: string): string {
	return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The longest value echoed inside a message, and the longest line written to stderr. */
export const MAX_ECHO = 200;
export const MAX_ERR_LINE = 2000;

/** One value (a name, a path, a config value) as a message shows it: at most `max` characters. */
export function echo(value: string, max = MAX_ECHO): string {
	return value.length <= max ? value : `${value.slice(0, max)}… (${value.length} characters)`;
}

/** Each line cut to `max` characters. */
export function capLines(text: string, max = MAX_ERR_LINE): string {
	return text
		.split('\n')
		.map((l) => echo(l, max))
		.join('\n');
}

/** The output functions commands get: stdout escaped (it may be JSON for tools), stderr escaped and capped. */
export function safeIO(io: CliIO): CliIO {
	return { ...io, out: (t) => io.out(escapeControl(t)), err: (t) => io.err(escapeControl(capLines(t))) };
}

/** Direct writes to the terminal (progress lines, the redrawn sweep table) go through this too. */
export function writeRaw(controls: string, text: string): void {
	process.stdout.write(`${controls}${escapeControl(text)}`);
}

/** Exits quietly when the reader of stdout goes away (`modelwright runs show | head`): no stack trace. */
let watching = false;
export function exitOnClosedPipe(): void {
	if (watching) return;
	watching = true;
	for (const stream of [process.stdout, process.stderr])
		stream.on('error', (err: NodeJS.ErrnoException) => {
			if (err.code === 'EPIPE') process.exit(0);
			throw err;
		});
}

/** Columns a string takes in a terminal: CJK and fullwidth characters take two (a Chinese table header stays aligned). */
export function displayWidth(text: string): number {
	let w = 0;
	for (const ch of text) {
		const c = ch.codePointAt(0)!;
		w +=
			(c >= 0x1100 && c <= 0x115f) ||
			(c >= 0x2e80 && c <= 0xa4cf && c !== 0x303f) ||
			(c >= 0xac00 && c <= 0xd7a3) ||
			(c >= 0xf900 && c <= 0xfaff) ||
			(c >= 0xfe30 && c <= 0xfe4f) ||
			(c >= 0xff00 && c <= 0xff60) ||
			(c >= 0xffe0 && c <= 0xffe6)
				? 2
				: 1;
	}
	return w;
}

/** `text` padded with spaces to `width` terminal columns. */
export function padDisplay(text: string, width: number): string {
	return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}
